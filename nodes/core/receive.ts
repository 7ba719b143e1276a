import { createHash, randomBytes, timingSafeEqual } from 'crypto';

import type { DedupeStore } from './dedupe';
import type { EventFilter } from './eventFilter';
import type { IpAllowlist } from './ipAllowlist';
import { checkEnvelope } from './envelopeCheck';
import { headerValue } from './schemes/primitives';
import { parseJsonBody } from './jsonBody';
import type { InboundRequest, ProviderPreset } from './providers/types';
import type { RequestHeaders, VerificationFailureReason } from './schemes/types';

/** Default cap on the body: 1 MiB holds a 100-dial batch many times over. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
const MAX_KEY_LENGTH = 200;
const MAX_LOGGED_ID_LENGTH = 100;
const DEFAULT_SECRET_NAMES: readonly string[] = ['current', 'previous'];
const UNPRINTABLE = /[^\x20-\x7e]/;
const UNPRINTABLE_ALL = /[^\x20-\x7e]/g;

export interface ReceiveSettings {
	preset: ProviderPreset;
	/** Signing secrets, current first. */
	secrets: readonly string[];
	/** How each secret is reported on the item; default `current`, then `previous`. */
	secretNames?: readonly string[];
	/** The auth header the sender must present, when one is configured. */
	authHeader?: { name: string; value: string };
	toleranceSeconds?: number;
	eventFilter: EventFilter;
	dedupe?: DedupeStore;
	/** The operator's dedupe key for presets that allow one; blank means the preset's own. */
	dedupeKeyOverride?: string;
	ipAllowlist?: IpAllowlist;
	sourceIp?: string;
	maxBodyBytes?: number;
	/** Clock, in ms; defaults to now. */
	nowMs?: number;
}

export interface ReceiveRequest {
	/** The exact bytes received. */
	body: Buffer;
	/** Lower-case names, as node gives them. */
	headers: RequestHeaders;
}

export interface NormalizedItem {
	event: string;
	provider: string;
	id: string;
	dedupeKey: string;
	occurredAt: string;
	data: unknown;
	verification: { secret: string | null; scheme: string };
	[field: string]: unknown;
}

export type RejectionCode =
	| VerificationFailureReason
	| 'ip_not_allowed'
	| 'body_too_large'
	| 'missing_auth'
	| 'invalid_auth'
	| 'no_auth_configured'
	| 'empty_body'
	| 'invalid_json'
	| 'too_deep'
	| 'invalid_envelope'
	| 'missing_header'
	| 'header_mismatch'
	| 'bad_configuration'
	| 'internal_error';

export interface Rejection {
	kind: 'reject';
	status: number;
	error: RejectionCode | string;
	message: string;
	provider: string;
	/** Unverified, from the request headers, for the log only. */
	deliveryId?: string;
	event?: string;
}

export interface Acknowledgement {
	kind: 'acknowledge';
	status: 200;
	reason: 'duplicate' | 'unsubscribed';
	provider: string;
	event: string;
	dedupeKey: string;
	deliveryId?: string;
}

export interface Emission {
	kind: 'emit';
	provider: string;
	event: string;
	dedupeKey: string;
	deliveryId?: string;
	items: NormalizedItem[];
	/**
	 * The dedupe key stays reserved once the items are handed over; call this instead when
	 * they could not be, so that the sender's retry is not taken for a duplicate.
	 */
	release(): void;
}

export type ReceiveOutcome = Rejection | Acknowledgement | Emission;

const SIGNATURE_STATUS: Record<VerificationFailureReason, number> = {
	no_secret: 500,
	missing_signature: 401,
	malformed_signature: 401,
	missing_timestamp: 401,
	malformed_timestamp: 401,
	stale_timestamp: 401,
	missing_id: 401,
	mismatch: 401,
};

function sha256(text: string): Buffer {
	return createHash('sha256').update(text, 'utf8').digest();
}

/** Constant-time text comparison over digests, so lengths do not leak either. */
function sameSecret(received: string, expected: string): boolean {
	return timingSafeEqual(sha256(received), sha256(expected));
}

/** A printable, bounded copy of a header value, safe for a log line. */
function loggable(value: string | undefined): string | undefined {
	if (value === undefined) return undefined;
	const cleaned = UNPRINTABLE.test(value) ? value.replace(UNPRINTABLE_ALL, '?') : value;
	return cleaned.length > MAX_LOGGED_ID_LENGTH ? `${cleaned.slice(0, MAX_LOGGED_ID_LENGTH)}…` : cleaned;
}

function boundedKey(key: string): string {
	return key.length > MAX_KEY_LENGTH ? `sha256:${sha256(key).toString('hex')}` : key;
}

type AuthCheck = { ok: true } | { ok: false; status: number; error: RejectionCode; message: string };

function checkAuthHeader(headers: RequestHeaders, expected: { name: string; value: string }): AuthCheck {
	const received = headerValue(headers, expected.name);
	if (received === undefined) {
		return { ok: false, status: 401, error: 'missing_auth', message: `The ${expected.name} header is missing` };
	}
	const bearer = /^bearer\s+/i;
	let matches: boolean;
	if (expected.name.toLowerCase() === 'authorization' && bearer.test(expected.value)) {
		matches =
			bearer.test(received) &&
			sameSecret(received.replace(bearer, ''), expected.value.replace(bearer, ''));
	} else {
		matches = sameSecret(received, expected.value);
	}
	if (!matches) {
		return { ok: false, status: 403, error: 'invalid_auth', message: `The ${expected.name} header is wrong` };
	}
	return { ok: true };
}

/** Names entries that are not addresses: they allow no one, which must never pass for a plain refusal. */
function allowlistMessage(allowlist: IpAllowlist): string {
	const message = 'The source address is not in the allowlist';
	if (allowlist.invalid.length === 0) return message;
	const entries = allowlist.invalid.slice(0, 3).map((entry) => JSON.stringify(loggable(entry)));
	return `${message}, whose entries ${entries.join(', ')} are not addresses or CIDR ranges`;
}

function envelopeMessage(issues: ReadonlyArray<{ path: ReadonlyArray<string | number>; message: string }>): string {
	const parts = issues.slice(0, 3).map((issue) => {
		const path = issue.path.length > 0 ? issue.path.join('.') : 'body';
		return `${path}: ${issue.message}`;
	});
	return `The body does not match the ${parts.length > 0 ? 'expected envelope: ' + parts.join('; ') : 'expected envelope'}`;
}

/** What can be judged before the credential is read: none of it needs a secret. */
export type ScreenSettings = Pick<ReceiveSettings, 'preset' | 'toleranceSeconds' | 'ipAllowlist' | 'sourceIp' | 'maxBodyBytes' | 'nowMs'>;

/** Signs nothing real: screen() verifies with it only to reach the scheme's header checks. */
const SCREENING_SECRET = randomBytes(32).toString('base64');

function deliveryIdOf(request: ReceiveRequest, preset: ProviderPreset): string | undefined {
	for (const name of preset.deliveryIdHeaders ?? []) {
		const id = loggable(headerValue(request.headers, name));
		if (id !== undefined) return id;
	}
	return undefined;
}

interface Refusal {
	status: number;
	error: RejectionCode;
	message: string;
}

/** The source address and the body size, the first checks of every request. */
function checkLimits(request: ReceiveRequest, settings: ScreenSettings): Refusal | undefined {
	if (settings.ipAllowlist && !settings.ipAllowlist.allows(settings.sourceIp)) {
		return { status: 403, error: 'ip_not_allowed', message: allowlistMessage(settings.ipAllowlist) };
	}
	const maxBodyBytes = settings.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
	if (maxBodyBytes > 0 && request.body.length > maxBodyBytes) {
		return { status: 413, error: 'body_too_large', message: `The body is larger than ${maxBodyBytes} bytes` };
	}
	return undefined;
}

/**
 * The scheme's header checks (missing, malformed or stale signature, timestamp or id), reached
 * by verifying with a secret nobody has: a well-formed request then fails only with `mismatch`.
 */
function checkSignatureHeaders(request: ReceiveRequest, settings: ScreenSettings): Refusal | undefined {
	const { scheme } = settings.preset;
	if (settings.preset.auth !== 'signature' || !scheme) return undefined;
	const result = scheme.verify({
		body: request.body,
		headers: request.headers,
		secrets: [SCREENING_SECRET],
		toleranceSeconds: settings.toleranceSeconds,
		nowSeconds: Math.floor((settings.nowMs ?? Date.now()) / 1000),
	});
	if (result.ok || result.reason === 'mismatch') return undefined;
	return { status: SIGNATURE_STATUS[result.reason] ?? 401, error: result.reason, message: result.message };
}

/**
 * Rejects, before the credential is read, what receive() would reject without a secret: the
 * source address, the body size, and a signature, timestamp or id header that is missing,
 * malformed or stale. Everything else, the signature itself first, is receive()'s.
 */
export function screen(request: ReceiveRequest, settings: ScreenSettings): Rejection | undefined {
	const refusal = checkLimits(request, settings) ?? checkSignatureHeaders(request, settings);
	if (!refusal) return undefined;
	const { preset } = settings;
	return { kind: 'reject', ...refusal, provider: preset.name, deliveryId: deliveryIdOf(request, preset) };
}

/**
 * The whole receiving pipeline, free of n8n: source IP, size, auth header,
 * signature, JSON, envelope, event filter, replay check, then items. It never
 * throws; every outcome is a value.
 */
export function receive(request: ReceiveRequest, settings: ReceiveSettings): ReceiveOutcome {
	const { preset } = settings;
	const provider = preset.name;
	let deliveryId: string | undefined;
	let reservedKey: string | undefined;
	const release = () => {
		if (reservedKey !== undefined) settings.dedupe?.forget(reservedKey);
	};
	const reject = (status: number, error: string, message: string, event?: string): Rejection => ({
		kind: 'reject',
		status,
		error,
		message,
		provider,
		deliveryId,
		event,
	});

	try {
		deliveryId = deliveryIdOf(request, preset);
		const nowMs = settings.nowMs ?? Date.now();

		const failed = checkLimits(request, settings);
		if (failed) return reject(failed.status, failed.error, failed.message);

		if (settings.authHeader) {
			const auth = checkAuthHeader(request.headers, settings.authHeader);
			if (!auth.ok) return reject(auth.status, auth.error, auth.message);
		} else if (preset.auth === 'authHeader' && (!settings.ipAllowlist || settings.ipAllowlist.empty)) {
			return reject(
				500,
				'no_auth_configured',
				'This provider sends no signature, and neither an auth header nor an IP allowlist is configured, so no request can be trusted',
			);
		}

		let secretName: string | null = null;
		let signedTimestamp: number | undefined;
		let signedId: string | undefined;
		if (preset.auth === 'signature') {
			if (!preset.scheme) return reject(500, 'bad_configuration', 'The provider has no signature scheme');
			const result = preset.scheme.verify({
				body: request.body,
				headers: request.headers,
				secrets: settings.secrets,
				toleranceSeconds: settings.toleranceSeconds,
				nowSeconds: Math.floor(nowMs / 1000),
			});
			if (!result.ok) return reject(SIGNATURE_STATUS[result.reason] ?? 401, result.reason, result.message);
			const names = settings.secretNames ?? DEFAULT_SECRET_NAMES;
			secretName = names[result.secretIndex] ?? names[names.length - 1] ?? 'previous';
			signedTimestamp = result.timestamp;
			signedId = result.id;
		}

		const parsed = parseJsonBody(request.body);
		if (!parsed.ok) return reject(400, parsed.reason, parsed.message);

		const checked = checkEnvelope(preset.envelope, parsed.value);
		if (!checked.ok) return reject(400, 'invalid_envelope', envelopeMessage(checked.issues));

		const inbound: InboundRequest = {
			body: request.body,
			headers: request.headers,
			envelope: parsed.value,
			signedTimestamp,
			signedId,
			receivedAtMs: nowMs,
		};
		const refused = preset.check?.(inbound);
		if (refused) return reject(400, refused.error, refused.message);

		const event = preset.eventName(inbound);
		const override = preset.dedupeKeyConfigurable ? settings.dedupeKeyOverride?.trim() : undefined;
		const dedupeKey = boundedKey(override ? override : preset.dedupeKey(inbound));

		if (!settings.eventFilter.matches(event)) {
			return { kind: 'acknowledge', status: 200, reason: 'unsubscribed', provider, event, dedupeKey, deliveryId };
		}
		if (settings.dedupe && !settings.dedupe.checkAndSet(dedupeKey, nowMs)) {
			return { kind: 'acknowledge', status: 200, reason: 'duplicate', provider, event, dedupeKey, deliveryId };
		}
		if (settings.dedupe) reservedKey = dedupeKey;

		const scheme = preset.scheme?.name ?? (settings.authHeader ? 'authHeader' : 'ipAllowlist');
		const verification = { secret: secretName, scheme };
		const events = preset.toEvents(inbound);
		const items: NormalizedItem[] = new Array(events.length);
		for (let index = 0; index < events.length; index++) {
			const one = events[index];
			const item: Record<string, unknown> = {
				event: one.event,
				provider,
				id: one.id,
				dedupeKey: one.dedupeKey ?? dedupeKey,
				occurredAt: one.occurredAt,
				data: one.data,
			};
			// Copied by hand: spreading presets' many shapes (often empty) costs several times more.
			// Presets' own fields are named in code, never by the body, and never use the normalized names (tested).
			const fields = one.fields;
			if (fields !== undefined) for (const name in fields) item[name] = fields[name];
			item.verification = verification;
			items[index] = item as NormalizedItem;
		}
		return { kind: 'emit', provider, event, dedupeKey, deliveryId, items, release };
	} catch {
		release();
		return reject(500, 'internal_error', 'The request could not be processed');
	}
}

/** The request headers to show on an item: the named (lower-case) ones redacted, `__proto__` dropped. */
export function redactHeaders(headers: RequestHeaders, redacted: readonly string[]): Record<string, unknown> {
	const shown: Record<string, unknown> = {};
	for (const [name, value] of Object.entries(headers)) {
		if (name === '__proto__') continue;
		shown[name] = redacted.includes(name) ? '[redacted]' : value;
	}
	return shown;
}
