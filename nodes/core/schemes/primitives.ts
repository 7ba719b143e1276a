import { createHmac, createSecretKey, randomUUID, type KeyObject } from 'crypto';

import type { RequestHeaders, VerificationFailureReason, VerificationResult } from './types';

export type HmacAlgorithm = 'sha1' | 'sha256' | 'sha512';
export type SignatureEncoding = 'hex' | 'base64';

export const DEFAULT_TOLERANCE_SECONDS = 300;

const DIGEST_BYTES: Record<HmacAlgorithm, number> = { sha1: 20, sha256: 32, sha512: 64 };
const HEX_PATTERN = /^[0-9a-fA-F]+$/;
const BASE64_PATTERN = /^[A-Za-z0-9+/]*={0,2}$/;
const BASE64URL_PATTERN = /^[A-Za-z0-9_-]*$/;
const TIMESTAMP_PATTERN = /^\d{1,16}$/;
/** Values above this are read as milliseconds (year 5138 in seconds). */
const MILLISECONDS_THRESHOLD = 1e11;

export function digestLength(algorithm: HmacAlgorithm): number {
	return DIGEST_BYTES[algorithm];
}

export function toBuffer(body: Buffer | string): Buffer {
	return typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
}

/** Bounds the keys kept per scheme; past it the cache starts again, so old secrets do not pile up. */
const MAX_CACHED_KEYS = 16;

/**
 * The HMAC key for each secret, built once: createHmac imports a text or Buffer key on every
 * call, a KeyObject never (on Node 24, which n8n runs on, a Buffer key made an HMAC ~8x slower).
 */
export function keyCache(toBytes: (secret: string) => Buffer): (secret: string) => KeyObject {
	const keys = new Map<string, KeyObject>();
	return (secret) => {
		let key = keys.get(secret);
		if (key === undefined) {
			if (keys.size >= MAX_CACHED_KEYS) keys.clear();
			key = createSecretKey(toBytes(secret));
			keys.set(secret, key);
		}
		return key;
	};
}

/**
 * HMAC over parts fed in order (the raw body is never copied), as text in `encoding`: node
 * returns a digest as text faster than as a Buffer, which it allocates outside its pool.
 */
export function hmac(
	algorithm: HmacAlgorithm,
	key: KeyObject,
	parts: ReadonlyArray<Buffer | string>,
	encoding: SignatureEncoding,
): string {
	const mac = createHmac(algorithm, key);
	for (let index = 0; index < parts.length; index++) mac.update(parts[index]);
	return mac.digest(encoding);
}

/**
 * Constant-time equality of two signatures as canonical text: no early exit, and the length
 * compared first is the digest's, which is public.
 */
export function equalSignatures(expected: string, received: string): boolean {
	if (expected.length !== received.length) return false;
	let difference = 0;
	for (let index = 0; index < expected.length; index++) {
		difference |= expected.charCodeAt(index) ^ received.charCodeAt(index);
	}
	return difference === 0;
}

/**
 * A received signature as hmac() writes it (lower-case hex, or padded standard base64);
 * undefined when the text is not valid in the encoding or is the wrong length for the digest.
 */
export function canonicalSignature(
	text: string,
	encoding: SignatureEncoding,
	expectedBytes: number,
): string | undefined {
	if (encoding === 'hex') {
		if (text.length !== expectedBytes * 2 || !HEX_PATTERN.test(text)) return undefined;
		return text.toLowerCase();
	}
	if (text.length > expectedBytes * 2 + 4) return undefined;
	if (!BASE64_PATTERN.test(text) && !BASE64URL_PATTERN.test(text)) return undefined;
	const decoded = Buffer.from(text, 'base64');
	return decoded.length === expectedBytes ? decoded.toString('base64') : undefined;
}

const HTTP_TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** True when the text is a valid HTTP header name (an RFC 9110 token). */
export function isHeaderName(name: string): boolean {
	return HTTP_TOKEN.test(name);
}

/** Only text (or numbers) count: a hostile or odd map must not make the reader throw. */
function isReadable(part: unknown): boolean {
	return typeof part === 'string' || typeof part === 'number';
}

/**
 * A header's value, by case-insensitive name (Node gives lower-case names; other maps are scanned),
 * with a repeated header's values joined as Node joins them; blank counts as absent.
 */
export function headerValue(headers: Readonly<Record<string, unknown>>, name: string): string | undefined {
	const lowerName = name.toLowerCase();
	let value = headers[lowerName];
	if (value === undefined) {
		// Lengths first: a header the request lacks would otherwise lower-case every name it has.
		const key = Object.keys(headers).find(
			(candidate) => candidate.length === lowerName.length && candidate.toLowerCase() === lowerName,
		);
		if (key !== undefined) value = headers[key];
	}
	let text: string;
	if (typeof value === 'string') text = value;
	else if (typeof value === 'number') text = String(value);
	else if (Array.isArray(value)) text = value.filter(isReadable).join(', ');
	else return undefined;
	const trimmed = text.trim();
	return trimmed === '' ? undefined : trimmed;
}

/**
 * `text.split(separator)`, or undefined past `max` entries (a bound on hostile headers).
 * Cut by hand: V8's split costs about ten times as much on a short header.
 */
export function splitEntries(text: string, separator: string, max: number): string[] | undefined {
	const entries: string[] = [];
	let start = 0;
	for (;;) {
		if (entries.length === max) return undefined;
		const end = text.indexOf(separator, start);
		if (end < 0) break;
		entries.push(text.slice(start, end));
		start = end + separator.length;
	}
	entries.push(text.slice(start));
	return entries;
}

export function firstHeaderValue(
	headers: RequestHeaders,
	names: readonly string[],
): string | undefined {
	for (const name of names) {
		const value = headerValue(headers, name);
		if (value !== undefined) return value;
	}
	return undefined;
}

export function failure(reason: VerificationFailureReason, message: string): VerificationResult {
	return { ok: false, reason, message };
}

export function usableSecrets(secrets: readonly string[]): string[] {
	return secrets.filter((secret) => typeof secret === 'string' && secret !== '');
}

export function secretList(secret: string | readonly string[]): string[] {
	return usableSecrets(typeof secret === 'string' ? [secret] : secret);
}

export type TimestampCheck =
	| { ok: true; seconds: number }
	| { ok: false; result: VerificationResult };

/**
 * Parses a Unix timestamp in seconds or milliseconds and checks it against the
 * tolerance in both directions.
 */
export function checkTimestamp(
	text: string | undefined,
	toleranceSeconds: number | undefined,
	nowSeconds: number | undefined,
): TimestampCheck {
	if (text === undefined) {
		return { ok: false, result: failure('missing_timestamp', 'The timestamp header is missing') };
	}
	if (!TIMESTAMP_PATTERN.test(text)) {
		return {
			ok: false,
			result: failure('malformed_timestamp', 'The timestamp is not a Unix time in seconds or milliseconds'),
		};
	}
	const raw = Number(text);
	const seconds = raw > MILLISECONDS_THRESHOLD ? Math.floor(raw / 1000) : raw;
	const tolerance = toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
	if (tolerance > 0) {
		const now = nowSeconds ?? Math.floor(Date.now() / 1000);
		if (seconds < now - tolerance) {
			return {
				ok: false,
				result: failure('stale_timestamp', `The timestamp is more than ${tolerance} s in the past`),
			};
		}
		if (seconds > now + tolerance) {
			return {
				ok: false,
				result: failure('stale_timestamp', `The timestamp is more than ${tolerance} s in the future`),
			};
		}
	}
	return { ok: true, seconds };
}

export function nowInSeconds(): number {
	return Math.floor(Date.now() / 1000);
}

export function generateMessageId(): string {
	return `msg_${randomUUID().replace(/-/g, '')}`;
}

export function noSecretFailure(): VerificationResult {
	return failure('no_secret', 'No signing secret is configured, so no request can be trusted');
}

export function mismatchFailure(): VerificationResult {
	return failure('mismatch', 'The signature does not match the body');
}
