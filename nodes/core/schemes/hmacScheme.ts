import {
	canonicalSignature,
	checkTimestamp,
	digestLength,
	equalSignatures,
	failure,
	generateMessageId,
	headerValue,
	hmac,
	keyCache,
	mismatchFailure,
	noSecretFailure,
	nowInSeconds,
	secretList,
	toBuffer,
	usableSecrets,
	type HmacAlgorithm,
	type SignatureEncoding,
} from './primitives';
import type { SignatureScheme, SignInput, VerificationResult, VerifyInput } from './types';

export type SecretEncoding = 'utf8' | 'base64' | 'hex';

export interface HmacSchemeOptions {
	name: string;
	algorithm: HmacAlgorithm;
	/** As sent; matched case-insensitively on receipt. */
	signatureHeader: string;
	/** Text before the encoded digest, such as `sha256=`: written and required. */
	prefix?: string;
	/** Text verify strips when present but sign never writes. */
	optionalPrefix?: string;
	/** Encoding that sign() writes. */
	encoding: SignatureEncoding;
	/** Encodings that verify() accepts; defaults to the one sign() writes. */
	acceptedEncodings?: readonly SignatureEncoding[];
	timestampHeader?: string;
	idHeader?: string;
	/** What is signed, over `{body}`, `{timestamp}` and `{id}`. Default `{body}`. */
	template?: string;
	/** How the secret becomes the key. Default `utf8`. */
	secretEncoding?: SecretEncoding;
}

export const DEFAULT_TEMPLATE = '{body}';
export const DEFAULT_SECRET_ENCODING: SecretEncoding = 'utf8';

type TemplatePart = { literal: string } | { field: 'body' | 'timestamp' | 'id' };

const PLACEHOLDER = /\{(body|timestamp|id)\}/g;

function parseTemplate(template: string): TemplatePart[] {
	const parts: TemplatePart[] = [];
	let last = 0;
	for (const match of template.matchAll(PLACEHOLDER)) {
		const index = match.index ?? 0;
		if (index > last) parts.push({ literal: template.slice(last, index) });
		parts.push({ field: match[1] as 'body' | 'timestamp' | 'id' });
		last = index + match[0].length;
	}
	if (last < template.length) parts.push({ literal: template.slice(last) });
	return parts;
}

/**
 * One HMAC over a template of the raw body, a timestamp and an id, carried in
 * one header with an optional prefix. GitHub, Shopify, outboundIQ, OnCallClerk,
 * the PBX webhooks and the custom scheme are all this shape.
 */
export function createHmacScheme(options: HmacSchemeOptions): SignatureScheme {
	const template = parseTemplate(options.template ?? DEFAULT_TEMPLATE);
	const usesField = (field: string) => template.some((part) => 'field' in part && part.field === field);
	if (!usesField('body')) throw new Error('The signed-content template must contain {body}');
	if (usesField('timestamp') && !options.timestampHeader) {
		throw new Error('The template uses {timestamp}, so a timestamp header is required');
	}
	if (usesField('id') && !options.idHeader) {
		throw new Error('The template uses {id}, so an id header is required');
	}

	const signatureHeader = options.signatureHeader.toLowerCase();
	const timestampHeader = options.timestampHeader?.toLowerCase();
	const idHeader = options.idHeader?.toLowerCase();
	const prefix = options.prefix ?? '';
	const strippedPrefix = (prefix || options.optionalPrefix || '').toLowerCase();
	const prefixRequired = prefix !== '';
	const acceptedEncodings = options.acceptedEncodings ?? [options.encoding];
	const expectedBytes = digestLength(options.algorithm);
	const secretEncoding = options.secretEncoding ?? DEFAULT_SECRET_ENCODING;
	const keyFor = keyCache((secret) => Buffer.from(secret, secretEncoding));
	const bodyOnly = template.length === 1;

	const signedParts = (body: Buffer, timestamp: string, id: string): Array<Buffer | string> =>
		bodyOnly
			? [body]
			: template.map((part) =>
					'literal' in part
						? part.literal
						: part.field === 'body'
							? body
							: part.field === 'timestamp'
								? timestamp
								: id,
				);

	const stripPrefix = (value: string): string | undefined => {
		if (strippedPrefix === '') return value;
		if (value.slice(0, strippedPrefix.length).toLowerCase() === strippedPrefix) {
			return value.slice(strippedPrefix.length);
		}
		return prefixRequired ? undefined : value;
	};

	/** The signature as canonical text, in the first accepted encoding it is valid in. */
	const readSignature = (encoded: string): { signature: string; encoding: SignatureEncoding } | undefined => {
		for (const encoding of acceptedEncodings) {
			const signature = canonicalSignature(encoded, encoding, expectedBytes);
			if (signature !== undefined) return { signature, encoding };
		}
		return undefined;
	};

	return {
		name: options.name,
		headerNames: [signatureHeader, timestampHeader, idHeader].filter(
			(header): header is string => header !== undefined,
		),
		signsTimestamp: timestampHeader !== undefined,

		sign(input: SignInput): Record<string, string> {
			const [secret] = secretList(input.secret);
			if (secret === undefined) throw new Error('A signing secret is required');
			const timestamp = String(input.timestamp ?? nowInSeconds());
			const id = input.id ?? generateMessageId();
			const signature = hmac(
				options.algorithm,
				keyFor(secret),
				signedParts(toBuffer(input.body), timestamp, id),
				options.encoding,
			);
			const headers: Record<string, string> = { [options.signatureHeader]: prefix + signature };
			if (options.timestampHeader) headers[options.timestampHeader] = timestamp;
			if (options.idHeader) headers[options.idHeader] = id;
			return headers;
		},

		verify(input: VerifyInput): VerificationResult {
			const secrets = usableSecrets(input.secrets);
			if (secrets.length === 0) return noSecretFailure();

			const header = headerValue(input.headers, signatureHeader);
			if (header === undefined) {
				return failure('missing_signature', `The ${options.signatureHeader} header is missing`);
			}
			const encoded = stripPrefix(header);
			if (encoded === undefined) {
				return failure('malformed_signature', `The ${options.signatureHeader} header must start with "${prefix}"`);
			}
			const received = readSignature(encoded);
			if (!received) {
				return failure(
					'malformed_signature',
					`The ${options.signatureHeader} header is not a ${acceptedEncodings.join(' or ')} ${options.algorithm.toUpperCase()} digest`,
				);
			}

			let timestampText = '';
			let timestampSeconds: number | undefined;
			if (timestampHeader !== undefined) {
				const raw = headerValue(input.headers, timestampHeader);
				const checked = checkTimestamp(raw, input.toleranceSeconds, input.nowSeconds);
				if (!checked.ok) return checked.result;
				timestampText = raw as string;
				timestampSeconds = checked.seconds;
			}
			let id: string | undefined;
			if (idHeader !== undefined) {
				id = headerValue(input.headers, idHeader);
				if (id === undefined) return failure('missing_id', `The ${options.idHeader} header is missing`);
			}

			const parts = signedParts(input.body, timestampText, id ?? '');
			for (let secretIndex = 0; secretIndex < secrets.length; secretIndex++) {
				const expected = hmac(options.algorithm, keyFor(secrets[secretIndex]), parts, received.encoding);
				if (equalSignatures(expected, received.signature)) {
					return { ok: true, secretIndex, timestamp: timestampSeconds, id };
				}
			}
			return mismatchFailure();
		},
	};
}
