import {
	checkTimestamp,
	equalBytes,
	failure,
	firstHeaderValue,
	generateMessageId,
	hmac,
	mismatchFailure,
	noSecretFailure,
	nowInSeconds,
	secretList,
	toBuffer,
	usableSecrets,
} from './primitives';
import type { SignatureScheme, SignInput, VerificationResult, VerifyInput } from './types';

const SECRET_PREFIX = 'whsec_';
/** Where the message id travels, Standard Webhooks' name first, then Svix's. */
export const STANDARD_ID_HEADERS: readonly string[] = ['webhook-id', 'svix-id'];
const TIMESTAMP_HEADERS = ['webhook-timestamp', 'svix-timestamp'];
const SIGNATURE_HEADERS = ['webhook-signature', 'svix-signature'];
const SIGNATURE_BYTES = 32;
/** More entries than any sender rotates through; bounds work on hostile headers. */
const MAX_SIGNATURES = 16;

/** `whsec_` + base64, padded or not; the key is the decoded bytes. */
export function decodeStandardSecret(secret: string): Buffer {
	const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
	return Buffer.from(encoded, 'base64');
}

export function isWellFormedStandardSecret(secret: string): boolean {
	const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
	return /^[A-Za-z0-9+/]+={0,2}$/.test(encoded) && decodeStandardSecret(secret).length >= 16;
}

function parseSignatures(header: string): Buffer[] | undefined {
	const signatures: Buffer[] = [];
	const entries = header.split(' ');
	if (entries.length > MAX_SIGNATURES) return undefined;
	for (const entry of entries) {
		const comma = entry.indexOf(',');
		if (comma < 0 || entry.slice(0, comma) !== 'v1') continue;
		const encoded = entry.slice(comma + 1);
		if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) continue;
		const decoded = Buffer.from(encoded, 'base64');
		if (decoded.length === SIGNATURE_BYTES) signatures.push(decoded);
	}
	return signatures.length > 0 ? signatures : undefined;
}

export const standardWebhooksScheme: SignatureScheme = {
	name: 'standardWebhooks',
	headerNames: ['webhook-signature', 'webhook-timestamp', 'webhook-id'],
	signsTimestamp: true,

	sign(input: SignInput): Record<string, string> {
		const secrets = secretList(input.secret);
		if (secrets.length === 0) throw new Error('A signing secret is required');
		const id = input.id ?? generateMessageId();
		const timestamp = String(input.timestamp ?? nowInSeconds());
		const body = toBuffer(input.body);
		const signatures = secrets.map(
			(secret) =>
				`v1,${hmac('sha256', decodeStandardSecret(secret), [`${id}.${timestamp}.`, body]).toString('base64')}`,
		);
		return {
			'webhook-id': id,
			'webhook-timestamp': timestamp,
			'webhook-signature': signatures.join(' '),
		};
	},

	verify(input: VerifyInput): VerificationResult {
		const secrets = usableSecrets(input.secrets);
		if (secrets.length === 0) return noSecretFailure();
		const header = firstHeaderValue(input.headers, SIGNATURE_HEADERS);
		if (header === undefined) return failure('missing_signature', 'The webhook-signature header is missing');
		const id = firstHeaderValue(input.headers, STANDARD_ID_HEADERS);
		if (id === undefined) return failure('missing_id', 'The webhook-id header is missing');
		const timestampText = firstHeaderValue(input.headers, TIMESTAMP_HEADERS);
		const checked = checkTimestamp(timestampText, input.toleranceSeconds, input.nowSeconds);
		if (!checked.ok) return checked.result;
		const received = parseSignatures(header);
		if (!received) {
			return failure('malformed_signature', 'The webhook-signature header holds no well-formed v1 signature');
		}
		const parts = [`${id}.${timestampText}.`, input.body];
		for (let secretIndex = 0; secretIndex < secrets.length; secretIndex++) {
			const expected = hmac('sha256', decodeStandardSecret(secrets[secretIndex]), parts);
			if (received.some((signature) => equalBytes(expected, signature))) {
				return { ok: true, secretIndex, timestamp: checked.seconds, id };
			}
		}
		return mismatchFailure();
	},
};
