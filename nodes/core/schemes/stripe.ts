import {
	canonicalSignature,
	checkTimestamp,
	equalSignatures,
	failure,
	headerValue,
	hmac,
	keyCache,
	mismatchFailure,
	noSecretFailure,
	nowInSeconds,
	secretList,
	splitEntries,
	toBuffer,
	usableSecrets,
} from './primitives';
import type { SignatureScheme, SignInput, VerificationResult, VerifyInput } from './types';

const HEADER = 'stripe-signature';
const MAX_ENTRIES = 32;
const keyFor = keyCache((secret) => Buffer.from(secret, 'utf8'));

interface ParsedStripeHeader {
	timestamp?: string;
	signatures: string[];
}

function parseHeader(header: string): ParsedStripeHeader | undefined {
	const entries = splitEntries(header, ',', MAX_ENTRIES);
	if (!entries) return undefined;
	const parsed: ParsedStripeHeader = { signatures: [] };
	for (const entry of entries) {
		const equals = entry.indexOf('=');
		if (equals < 0) continue;
		const key = entry.slice(0, equals).trim();
		const value = entry.slice(equals + 1).trim();
		if (key === 't') parsed.timestamp = value;
		else if (key === 'v1') parsed.signatures.push(value);
	}
	return parsed;
}

/** `Stripe-Signature: t=<ts>,v1=<hex>[,v1=...]` over `<t>.<raw body>`; the secret is used as text. */
export const stripeScheme: SignatureScheme = {
	name: 'stripe',
	headerNames: [HEADER],
	signsTimestamp: true,

	sign(input: SignInput): Record<string, string> {
		const secrets = secretList(input.secret);
		if (secrets.length === 0) throw new Error('A signing secret is required');
		const timestamp = String(input.timestamp ?? nowInSeconds());
		const body = toBuffer(input.body);
		const signatures = secrets.map(
			(secret) => `v1=${hmac('sha256', keyFor(secret), [`${timestamp}.`, body], 'hex')}`,
		);
		return { 'Stripe-Signature': [`t=${timestamp}`, ...signatures].join(',') };
	},

	verify(input: VerifyInput): VerificationResult {
		const secrets = usableSecrets(input.secrets);
		if (secrets.length === 0) return noSecretFailure();
		const header = headerValue(input.headers, HEADER);
		if (header === undefined) return failure('missing_signature', 'The Stripe-Signature header is missing');
		const parsed = parseHeader(header);
		if (!parsed) return failure('malformed_signature', 'The Stripe-Signature header has too many entries');
		if (parsed.timestamp === undefined) {
			return failure('missing_timestamp', 'The Stripe-Signature header has no t= timestamp');
		}
		const checked = checkTimestamp(parsed.timestamp, input.toleranceSeconds, input.nowSeconds);
		if (!checked.ok) return checked.result;
		const received: string[] = [];
		for (const signature of parsed.signatures) {
			const canonical = canonicalSignature(signature, 'hex', 32);
			if (canonical !== undefined) received.push(canonical);
		}
		if (received.length === 0) {
			return failure('malformed_signature', 'The Stripe-Signature header holds no well-formed v1 signature');
		}
		const parts = [`${parsed.timestamp}.`, input.body];
		for (let secretIndex = 0; secretIndex < secrets.length; secretIndex++) {
			const expected = hmac('sha256', keyFor(secrets[secretIndex]), parts, 'hex');
			if (received.some((signature) => equalSignatures(expected, signature))) {
				return { ok: true, secretIndex, timestamp: checked.seconds };
			}
		}
		return mismatchFailure();
	},
};
