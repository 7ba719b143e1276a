/**
 * Turns an HTTP call that returns the response body as a stream into a
 * SendFunction: reads at most a few KB of the body, then drops the
 * connection, and bounds the whole attempt (headers and body) by its timeout.
 * Pure: the HTTP call and the sleep are passed in.
 */
import { RESPONSE_EXCERPT_BYTES, type IncomingResponse, type OutgoingRequest, type SendFunction } from './delivery';

/** A response whose body has not been read yet: a stream, or bytes already in memory. */
export interface UnreadResponse {
	status: number;
	headers?: Record<string, unknown>;
	body?: unknown;
}

export type HttpCall = (request: OutgoingRequest) => Promise<UnreadResponse>;

const EXPIRED = Symbol('expired');

/** A timeout that classifyError reads as `timeout`. */
class AttemptTimeoutError extends Error {
	readonly code = 'ETIMEDOUT';

	constructor(timeoutMs: number, phase: 'headers' | 'body') {
		super(`No complete response within ${timeoutMs} ms (waiting for the ${phase})`);
		this.name = 'AttemptTimeoutError';
	}
}

interface Destroyable {
	destroy?: (error?: Error) => void;
}

function asyncIterable(value: unknown): AsyncIterable<unknown> | undefined {
	if (typeof value !== 'object' || value === null) return undefined;
	const iterator = (value as Record<symbol, unknown>)[Symbol.asyncIterator];
	return typeof iterator === 'function' ? (value as AsyncIterable<unknown>) : undefined;
}

function destroy(value: unknown): void {
	if (typeof value === 'object' && value !== null) {
		const destroyable = value as Destroyable;
		if (typeof destroyable.destroy === 'function') destroyable.destroy();
	}
}

function chunkBytes(chunk: unknown): Buffer {
	if (Buffer.isBuffer(chunk)) return chunk;
	if (typeof chunk === 'string') return Buffer.from(chunk, 'utf8');
	if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
	return Buffer.alloc(0);
}

/** Bodies that are already in memory (a mocked or non-stream response). */
function inMemoryBytes(body: unknown): Buffer {
	if (body === undefined || body === null) return Buffer.alloc(0);
	if (Buffer.isBuffer(body)) return body;
	if (typeof body === 'string') return Buffer.from(body, 'utf8');
	if (body instanceof ArrayBuffer) return Buffer.from(body);
	if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
	try {
		return Buffer.from(JSON.stringify(body) ?? '', 'utf8');
	} catch {
		return Buffer.alloc(0);
	}
}

/**
 * Reads at most `maxBytes` (+1 to know whether there was more) from a body,
 * racing every read against `expired`. Destroys a stream it stops reading.
 */
export async function readCapped(
	body: unknown,
	maxBytes: number,
	expired: Promise<typeof EXPIRED>,
	timeoutMs: number,
): Promise<{ body: Buffer; truncated: boolean }> {
	const stream = asyncIterable(body);
	if (!stream || Buffer.isBuffer(body)) {
		const bytes = inMemoryBytes(body);
		return { body: bytes.subarray(0, maxBytes), truncated: bytes.length > maxBytes };
	}
	const iterator = stream[Symbol.asyncIterator]();
	const chunks: Buffer[] = [];
	let length = 0;
	let truncated = false;
	try {
		for (;;) {
			const pending = iterator.next();
			const next = await Promise.race([pending, expired]);
			if (next === EXPIRED) {
				// The abandoned read rejects once the stream is destroyed.
				pending.catch(() => undefined);
				throw new AttemptTimeoutError(timeoutMs, 'body');
			}
			if (next.done) break;
			const bytes = chunkBytes(next.value);
			chunks.push(bytes);
			length += bytes.length;
			if (length > maxBytes) {
				truncated = true;
				break;
			}
		}
	} finally {
		destroy(body);
	}
	const all = Buffer.concat(chunks, length);
	return { body: all.subarray(0, maxBytes), truncated };
}

/**
 * A SendFunction over `call`. `call` should hand the body back as a stream
 * so that a large body is never read whole.
 */
export function createCappedSend(
	call: HttpCall,
	sleep: (ms: number) => Promise<void>,
	maxBytes = RESPONSE_EXCERPT_BYTES,
): SendFunction {
	return async (request: OutgoingRequest): Promise<IncomingResponse> => {
		// One timer per attempt bounds the headers and the body together.
		const expired = sleep(request.timeoutMs).then((): typeof EXPIRED => EXPIRED);
		const pending = call(request);
		const first = await Promise.race([pending, expired]);
		if (first === EXPIRED) {
			pending.then(
				(late) => destroy(late.body),
				() => undefined,
			);
			throw new AttemptTimeoutError(request.timeoutMs, 'headers');
		}
		const read = await readCapped(first.body, maxBytes, expired, request.timeoutMs);
		return {
			status: first.status,
			headers: first.headers ?? {},
			body: read.body,
			truncated: read.truncated,
		};
	};
}
