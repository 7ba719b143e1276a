/**
 * One signed webhook delivery to one URL, with its retries. Pure: the HTTP
 * call, the sleep, the clock and the random source are passed in.
 */
import {
	classifyStatus,
	decideRetry,
	type AttemptOutcome,
	type NetworkErrorClass,
	type RetryPolicy,
} from './retryPolicy';
import { headerValue } from './schemes/primitives';

/** At most this many bytes of a response body are read and reported. */
export const RESPONSE_EXCERPT_BYTES = 2048;

export interface OutgoingRequest {
	url: string;
	method: 'POST';
	headers: Record<string, string>;
	/** The exact bytes that were signed. */
	body: Buffer;
	/** For this attempt, already cut to what is left of the deadline. */
	timeoutMs: number;
}

export interface IncomingResponse {
	status: number;
	headers: Record<string, unknown>;
	/** At most RESPONSE_EXCERPT_BYTES of the body. */
	body: Buffer;
	/** True when the body was longer than what was read. */
	truncated: boolean;
}

/** Resolves with any HTTP response; rejects on a network failure or timeout. */
export type SendFunction = (request: OutgoingRequest) => Promise<IncomingResponse>;

export interface DeliveryDependencies {
	send: SendFunction;
	sleep(ms: number): Promise<void>;
	/** Milliseconds since the epoch. */
	now(): number;
	/** Uniform in [0, 1). */
	random(): number;
	/** True once the execution was cancelled: no further attempt starts. */
	cancelled?(): boolean;
}

/** Signs the body for one attempt; returns only the signature headers. */
export type Signer = (input: { body: Buffer; id: string; timestamp: number }) => Record<string, string>;

export interface DeliverySpec {
	url: string;
	deliveryId: string;
	event: string;
	/** Built once; every attempt sends these bytes. */
	body: Buffer;
	/** Everything but the signature: Content-Type, User-Agent, envelope, extra, idempotency. */
	headers: Record<string, string>;
	/** Undefined for "None (auth header only)". */
	signer?: Signer;
	policy: RetryPolicy;
	/** Per-attempt timeout in ms. */
	timeoutMs: number;
}

export interface AttemptRecord {
	attempt: number;
	/** HTTP status, when a response arrived. */
	status?: number;
	/** Error class, when none did. */
	error?: NetworkErrorClass;
	/** The system error code behind `error`, such as ECONNREFUSED. */
	errorCode?: string;
	durationMs: number;
	/** Unix seconds the attempt was signed with. */
	signedAt: number;
	/** Wait before the next attempt, when there was one. */
	waitMs?: number;
}

export type DeliveryOutcome =
	| 'delivered'
	| 'redirect'
	| 'gone'
	| 'rejected'
	| 'retries_exhausted'
	| 'deadline_exceeded'
	| 'cancelled'
	/** The receiver answered `webhook-delivery: abort-message`. */
	| 'aborted'
	/** Durable mode: the next attempt would start after the maximum age. */
	| 'max_age_exceeded';

export interface DeliveryResult {
	deliveryId: string;
	url: string;
	event: string;
	delivered: boolean;
	outcome: DeliveryOutcome;
	/** Last HTTP status, or null when no response ever arrived. */
	status: number | null;
	/** Error class of the last attempt, when it got no response. */
	error?: NetworkErrorClass;
	attempts: AttemptRecord[];
	/** At most 2 KB of the last response body, as text. */
	responseBody: string;
	responseTruncated: boolean;
	/** Where a 3xx pointed; never followed. */
	location?: string;
	/** The signature headers of the last attempt. */
	signatureHeaders: Record<string, string>;
}

const ERROR_CODES: Record<string, NetworkErrorClass> = {
	ECONNREFUSED: 'connection_refused',
	ECONNRESET: 'connection_reset',
	EPIPE: 'connection_reset',
	ERR_STREAM_PREMATURE_CLOSE: 'connection_reset',
	UND_ERR_SOCKET: 'connection_reset',
	ECONNABORTED: 'timeout',
	ETIMEDOUT: 'timeout',
	ESOCKETTIMEDOUT: 'timeout',
	UND_ERR_HEADERS_TIMEOUT: 'timeout',
	UND_ERR_BODY_TIMEOUT: 'timeout',
	UND_ERR_CONNECT_TIMEOUT: 'timeout',
	ENOTFOUND: 'dns',
	EAI_AGAIN: 'dns',
};

function codeOf(value: unknown): string | undefined {
	if (typeof value !== 'object' || value === null) return undefined;
	const record = value as Record<string, unknown>;
	for (const key of ['code', 'errno']) {
		const code = record[key];
		if (typeof code === 'string' && ERROR_CODES[code] !== undefined) return code;
	}
	return undefined;
}

/** The class of a failed HTTP call, from the code on the error or on its `cause` chain. */
export function classifyError(error: unknown): { errorClass: NetworkErrorClass; code?: string } {
	let current: unknown = error;
	for (let depth = 0; depth < 4 && current !== undefined && current !== null; depth++) {
		const code = codeOf(current);
		if (code !== undefined) return { errorClass: ERROR_CODES[code], code };
		current = (current as { cause?: unknown }).cause;
	}
	const message = error instanceof Error ? error.message : String(error);
	if (/timeout|timed out/i.test(message)) return { errorClass: 'timeout' };
	if (/socket hang up|reset|closed unexpectedly/i.test(message)) return { errorClass: 'connection_reset' };
	if (/refused/i.test(message)) return { errorClass: 'connection_refused' };
	return { errorClass: 'network' };
}

/** The first bytes of a body as text, cut on a UTF-8 character boundary. */
export function excerpt(body: Buffer, maxBytes = RESPONSE_EXCERPT_BYTES): string {
	if (body.length <= maxBytes) return body.toString('utf8');
	let end = maxBytes;
	// Step back over continuation bytes (10xxxxxx) so no character is split.
	while (end > 0 && (body[end] & 0xc0) === 0x80) end--;
	return body.subarray(0, end).toString('utf8');
}

/** Later lists win; names compare case-insensitively and keep the later spelling. */
export function mergeHeaders(...lists: Array<Record<string, string> | undefined>): Record<string, string> {
	const merged = new Map<string, [string, string]>();
	for (const list of lists) {
		if (!list) continue;
		for (const [name, value] of Object.entries(list)) merged.set(name.toLowerCase(), [name, value]);
	}
	const result: Record<string, string> = {};
	for (const [name, value] of merged.values()) result[name] = value;
	return result;
}

/** What one attempt goes to and carries; the same on every attempt of a delivery. */
export type AttemptTarget = Pick<DeliverySpec, 'url' | 'deliveryId' | 'body' | 'headers' | 'signer'>;

/** One attempt: what was sent back (or the error class), its record and its signature headers. */
export interface AttemptResult {
	record: AttemptRecord;
	outcome: AttemptOutcome;
	response?: IncomingResponse;
	error?: NetworkErrorClass;
	signatureHeaders: Record<string, string>;
	/** How the delivery ends because of this attempt; undefined when it may be retried. */
	final?: DeliveryOutcome;
}

/** The receiver's header that ends a delivery whatever the status (Standard Webhooks delivery control). */
const DELIVERY_CONTROL_HEADER = 'webhook-delivery';

/** Signs the body afresh (new timestamp, same id), sends it once and classifies the answer. */
export async function attemptOnce(
	target: AttemptTarget,
	attempt: number,
	timeoutMs: number,
	deps: Pick<DeliveryDependencies, 'send' | 'now'>,
): Promise<AttemptResult> {
	const attemptStart = deps.now();
	const signedAt = Math.floor(attemptStart / 1000);
	const signatureHeaders = target.signer
		? target.signer({ body: target.body, id: target.deliveryId, timestamp: signedAt })
		: {};
	const request: OutgoingRequest = {
		url: target.url,
		method: 'POST',
		headers: mergeHeaders(target.headers, signatureHeaders),
		body: target.body,
		timeoutMs: Math.max(1, timeoutMs),
	};
	const record: AttemptRecord = { attempt, durationMs: 0, signedAt };
	const result: AttemptResult = { record, signatureHeaders, outcome: { kind: 'error', errorClass: 'network' } };
	try {
		const response = await deps.send(request);
		record.status = response.status;
		result.response = response;
		result.outcome = { kind: 'response', status: response.status, retryAfter: headerValue(response.headers, 'retry-after') };
		const control = headerValue(response.headers, DELIVERY_CONTROL_HEADER);
		const statusClass = classifyStatus(response.status);
		if (control?.trim().toLowerCase() === 'abort-message') result.final = 'aborted';
		else if (statusClass !== 'retryable') result.final = statusClass;
	} catch (error) {
		const { errorClass, code } = classifyError(error);
		record.error = errorClass;
		if (code !== undefined) record.errorCode = code;
		result.error = errorClass;
		result.outcome = { kind: 'error', errorClass };
	}
	record.durationMs = Math.max(0, deps.now() - attemptStart);
	return result;
}

/** The report of a delivery that ended with `outcome`, after `attempts`, the last of which was `last`. */
export function deliveryResult(
	target: Pick<DeliverySpec, 'url' | 'deliveryId' | 'event'>,
	outcome: DeliveryOutcome,
	attempts: AttemptRecord[],
	last: Partial<Pick<AttemptResult, 'response' | 'error' | 'signatureHeaders'>>,
): DeliveryResult {
	const response = last.response;
	const result: DeliveryResult = {
		deliveryId: target.deliveryId,
		url: target.url,
		event: target.event,
		delivered: outcome === 'delivered',
		outcome,
		status: response ? response.status : null,
		attempts,
		responseBody: response ? excerpt(response.body) : '',
		responseTruncated: response ? response.truncated : false,
		signatureHeaders: last.signatureHeaders ?? {},
	};
	if (!response && last.error !== undefined) result.error = last.error;
	if (response && outcome === 'redirect') {
		const location = headerValue(response.headers, 'location');
		if (location !== undefined) result.location = location;
	}
	return result;
}

/**
 * Delivers one body to one URL: signs every attempt afresh (new timestamp,
 * same id), retries by the policy and records every attempt.
 */
export async function deliver(spec: DeliverySpec, deps: DeliveryDependencies): Promise<DeliveryResult> {
	const deadlineAtMs = deps.now() + spec.policy.deadlineMs;
	const attempts: AttemptRecord[] = [];
	let last: AttemptResult | undefined;
	let outcome: DeliveryOutcome = 'retries_exhausted';

	for (let attempt = 1; ; attempt++) {
		if (deps.cancelled?.()) {
			outcome = 'cancelled';
			break;
		}
		const remaining = deadlineAtMs - deps.now();
		if (remaining <= 0) {
			outcome = 'deadline_exceeded';
			break;
		}
		last = await attemptOnce(spec, attempt, Math.min(spec.timeoutMs, remaining), deps);
		attempts.push(last.record);
		if (last.final !== undefined) {
			outcome = last.final;
			break;
		}
		const decision = decideRetry({
			attempt,
			outcome: last.outcome,
			policy: spec.policy,
			nowMs: deps.now(),
			deadlineAtMs,
			random: deps.random,
		});
		if (!decision.retry) {
			outcome = decision.reason === 'deadline' ? 'deadline_exceeded' : 'retries_exhausted';
			break;
		}
		last.record.waitMs = decision.delayMs;
		if (decision.delayMs > 0) await deps.sleep(decision.delayMs);
	}
	return deliveryResult(spec, outcome, attempts, last ?? {});
}
