import { createHash } from 'crypto';

import { customCheck } from '../envelopeCheck';
import { headerValue } from '../schemes/primitives';
import type { RequestHeaders } from '../schemes/types';

/** A JSON object (not an array, not null); its fields are not inspected. */
export const jsonObject = customCheck<Record<string, unknown>>(isRecord, 'Expected a JSON object');

export function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Own property only: a parsed `__proto__` or `constructor` key never resolves to Object.prototype. */
export function field(value: unknown, key: string): unknown {
	return isRecord(value) && Object.prototype.hasOwnProperty.call(value, key) ? value[key] : undefined;
}

export function text(value: unknown): string | undefined {
	if (typeof value === 'string') return value === '' ? undefined : value;
	if (typeof value === 'number' && Number.isFinite(value)) return String(value);
	return undefined;
}

const bodyHashes = new WeakMap<Buffer, string>();

/** SHA-256 of the body, computed once per request however often a preset asks. */
export function bodyHash(body: Buffer): string {
	let hash = bodyHashes.get(body);
	if (hash === undefined) {
		hash = createHash('sha256').update(body).digest('hex');
		bodyHashes.set(body, hash);
	}
	return hash;
}

const MAX_ISO_MS = 8.64e15;
/** Year 10000, from which toISOString() writes six-digit years. */
const FOUR_DIGIT_YEARS_END_MS = 253_402_300_800_000;
let cachedSecond = NaN;
let cachedSecondText = '';

/**
 * `new Date(ms).toISOString()`, reusing the date and time to the second from the previous call:
 * events and requests arriving together share their second, and a Date formatted from scratch
 * costs a fifth of a small body's HMAC.
 */
export function isoString(ms: number): string {
	if (!(ms >= 0 && ms < FOUR_DIGIT_YEARS_END_MS)) return new Date(ms).toISOString();
	const wholeMs = Math.floor(ms);
	const second = Math.floor(wholeMs / 1000);
	if (second !== cachedSecond) {
		cachedSecondText = new Date(second * 1000).toISOString().slice(0, 19);
		cachedSecond = second;
	}
	const millis = wholeMs - second * 1000;
	return `${cachedSecondText}.${millis < 10 ? '00' : millis < 100 ? '0' : ''}${millis}Z`;
}

/** Already what toISOString() writes: returned as is, which saves a parse per dial. */
const CANONICAL_ISO = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\d\.\d{3}Z$/;

/** ISO-8601 from Unix seconds, milliseconds or a date string; the fallback (Unix ms) when unreadable. */
export function toIso(value: unknown, fallbackMs: number): string {
	let ms: number | undefined;
	if (typeof value === 'number' && Number.isFinite(value)) {
		ms = value > 1e11 ? value : value * 1000;
	} else if (typeof value === 'string' && CANONICAL_ISO.test(value)) {
		return value;
	} else if (typeof value === 'string' && value.trim() !== '') {
		const trimmed = value.trim();
		if (/^\d{1,16}$/.test(trimmed)) {
			const numeric = Number(trimmed);
			ms = numeric > 1e11 ? numeric : numeric * 1000;
		} else {
			const parsed = Date.parse(trimmed);
			if (!Number.isNaN(parsed)) ms = parsed;
		}
	}
	return isoString(ms === undefined || Math.abs(ms) > MAX_ISO_MS ? fallbackMs : ms);
}

/** A rejection when a header the platform sends disagrees with the body. */
export function headerAgrees(
	headers: RequestHeaders,
	name: string,
	expected: unknown,
	label: string,
): { error: string; message: string } | undefined {
	const value = headerValue(headers, name);
	if (value === undefined) return undefined;
	if (typeof expected === 'string' && value === expected) return undefined;
	return { error: 'header_mismatch', message: `The ${label} header does not match the body` };
}
