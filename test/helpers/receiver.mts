/**
 * A real webhook receiver on loopback (node:http) for the sender's tests and
 * for the end-to-end and reliability suites. It records every request's raw
 * bytes, headers and arrival time, answers each attempt from a per-path
 * script of faults, and checks signatures twice: with our own verify() and
 * with reference implementations (standardwebhooks, @octokit/webhooks-methods,
 * the stripe SDK, and each seed document's own recipe for the others).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo, Socket } from 'node:net';

import { verify as octokitVerify } from '@octokit/webhooks-methods';
import { Webhook } from 'standardwebhooks';

import { namedSchemes } from '../../nodes/core/providers/index';
import type { SignatureScheme } from '../../nodes/core/schemes/index';
import type { RequestHeaders, VerificationResult } from '../../nodes/core/schemes/types';

const require = createRequire(import.meta.url);
const Stripe = require('stripe');
const stripe = new Stripe('sk_test_unused');

/** What the receiver does with one attempt. */
export type Fault =
	| { kind: 'status'; status: number; headers?: Record<string, string>; body?: string; delayMs?: number }
	/** Destroy the socket as soon as the request has been read: no response at all. */
	| { kind: 'reset' }
	/** Send the status line, headers and part of the body, then destroy the socket. */
	| { kind: 'resetMidResponse' }
	/** Read the request and never answer. */
	| { kind: 'hang' }
	/** 200 with a body that trickles one small chunk every `intervalMs`, `chunks` times. */
	| { kind: 'trickle'; intervalMs: number; chunks: number }
	/** 200 with a body of `bytes` bytes, streamed with back-pressure. */
	| { kind: 'big'; bytes: number }
	/** 3xx with a Location header. */
	| { kind: 'redirect'; status: 301 | 302 | 307 | 308; location: string };

export interface RecordedRequest {
	path: string;
	method: string;
	/** Lower-case names, as node gives them. */
	headers: RequestHeaders;
	body: Buffer;
	/** Milliseconds since the epoch, when the whole body had arrived. */
	receivedAt: number;
	/** Attempt number for its path, from 1. */
	attempt: number;
	fault: Fault;
}

export interface Receiver {
	/** http://127.0.0.1:<port> */
	base: string;
	url(path: string): string;
	requests: RecordedRequest[];
	requestsFor(path: string): RecordedRequest[];
	/** Attempt n on `path` gets faults[n-1]; the last one repeats. Default: 200 {"ok":true}. */
	script(path: string, faults: Fault[]): void;
	/** Bytes the big-body fault managed to write before the client went away, per path. */
	bigBytesWritten: Map<string, number>;
	/** Most requests open at the same time since the last reset. */
	maxInFlight(): number;
	/** Resolves once every open socket is gone. */
	close(): Promise<void>;
	reset(): void;
}

const OK: Fault = { kind: 'status', status: 200, body: '{"ok":true}' };

export async function startReceiver(): Promise<Receiver> {
	const scripts = new Map<string, Fault[]>();
	const counts = new Map<string, number>();
	const requests: RecordedRequest[] = [];
	const sockets = new Set<Socket>();
	const timers = new Set<NodeJS.Timeout>();
	const bigBytesWritten = new Map<string, number>();
	let inFlight = 0;
	let peak = 0;

	const handle = (req: IncomingMessage, res: ServerResponse, body: Buffer) => {
		const path = (req.url ?? '/').split('?')[0];
		const attempt = (counts.get(path) ?? 0) + 1;
		counts.set(path, attempt);
		const script = scripts.get(path) ?? [OK];
		const fault = script[Math.min(attempt, script.length) - 1];
		requests.push({
			path,
			method: req.method ?? '',
			headers: { ...req.headers },
			body,
			receivedAt: Date.now(),
			attempt,
			fault,
		});
		switch (fault.kind) {
			case 'status': {
				const answer = () => {
					if (res.destroyed) return;
					res.writeHead(fault.status, { 'content-type': 'application/json', ...(fault.headers ?? {}) });
					res.end(fault.body ?? '');
				};
				if (!fault.delayMs) return answer();
				const timer = setTimeout(() => {
					timers.delete(timer);
					answer();
				}, fault.delayMs);
				timers.add(timer);
				return;
			}
			case 'redirect':
				res.writeHead(fault.status, { location: fault.location, 'content-type': 'text/plain' });
				res.end('moved');
				return;
			case 'reset':
				req.socket.destroy();
				return;
			case 'resetMidResponse':
				res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
				res.write('{"partial":');
				{
					const timer = setTimeout(() => {
						timers.delete(timer);
						req.socket.destroy();
					}, 20);
					timers.add(timer);
				}
				return;
			case 'hang':
				return;
			case 'trickle': {
				res.writeHead(200, { 'content-type': 'text/plain' });
				let sent = 0;
				const timer = setInterval(() => {
					if (res.destroyed || sent >= fault.chunks) {
						clearInterval(timer);
						timers.delete(timer);
						if (!res.destroyed) res.end();
						return;
					}
					res.write('.');
					sent++;
				}, fault.intervalMs);
				timers.add(timer);
				return;
			}
			case 'big': {
				res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(fault.bytes) });
				const chunk = Buffer.alloc(64 * 1024, 0x61);
				let written = 0;
				const pump = () => {
					while (written < fault.bytes && !res.destroyed) {
						const size = Math.min(chunk.length, fault.bytes - written);
						written += size;
						bigBytesWritten.set(path, written);
						if (!res.write(size === chunk.length ? chunk : chunk.subarray(0, size))) {
							res.once('drain', pump);
							return;
						}
					}
					if (!res.destroyed) res.end();
				};
				res.on('close', () => bigBytesWritten.set(path, written));
				pump();
				return;
			}
		}
	};

	const server: Server = createServer((req, res) => {
		inFlight++;
		peak = Math.max(peak, inFlight);
		res.on('close', () => inFlight--);
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => handle(req, res, Buffer.concat(chunks)));
	});
	server.on('connection', (socket) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	const base = `http://127.0.0.1:${port}`;

	return {
		base,
		url: (path) => `${base}${path}`,
		requests,
		requestsFor: (path) => requests.filter((request) => request.path === path),
		script: (path, faults) => {
			scripts.set(path, faults);
			counts.delete(path);
		},
		bigBytesWritten,
		maxInFlight: () => peak,
		reset() {
			peak = 0;
			requests.length = 0;
			scripts.clear();
			counts.clear();
			bigBytesWritten.clear();
		},
		close: async () => {
			for (const timer of timers) clearTimeout(timer);
			for (const socket of sockets) socket.destroy();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}

/** A loopback URL nobody listens on: connection refused. */
export async function refusedUrl(path = '/refused'): Promise<string> {
	const server = createServer();
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	await new Promise<void>((resolve) => server.close(() => resolve()));
	return `http://127.0.0.1:${port}${path}`;
}

export interface Verification {
	ours: VerificationResult;
	/** true/false from the reference implementation. */
	reference: boolean;
	/** Which reference checked it. */
	referenceName: string;
}

const hmacHex = (key: string | Buffer, data: Buffer | string) => createHmac('sha256', key).update(data).digest('hex');
const safeEqual = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
const headerOf = (headers: RequestHeaders, name: string): string => {
	const value = headers[name];
	return Array.isArray(value) ? value.join(', ') : (value ?? '');
};

/** The seed documents' and the reference SDKs' own checks, independent of our core. */
async function referenceVerify(scheme: string, request: RecordedRequest, secret: string): Promise<[boolean, string]> {
	const { body, headers } = request;
	switch (scheme) {
		case 'standardWebhooks': {
			try {
				new Webhook(secret).verify(body.toString('utf8'), {
					'webhook-id': headerOf(headers, 'webhook-id'),
					'webhook-timestamp': headerOf(headers, 'webhook-timestamp'),
					'webhook-signature': headerOf(headers, 'webhook-signature'),
				});
				return [true, 'standardwebhooks Webhook.verify'];
			} catch {
				return [false, 'standardwebhooks Webhook.verify'];
			}
		}
		case 'github':
			return [
				await octokitVerify(secret, body.toString('utf8'), headerOf(headers, 'x-hub-signature-256')),
				'@octokit/webhooks-methods verify',
			];
		case 'stripe':
			try {
				stripe.webhooks.constructEvent(body, headerOf(headers, 'stripe-signature'), secret);
				return [true, 'stripe webhooks.constructEvent'];
			} catch {
				return [false, 'stripe webhooks.constructEvent'];
			}
		case 'outboundIq': {
			// The outboundIQ document's Node.js snippet.
			const header = headerOf(headers, 'x-outboundiq-signature');
			if (!header.startsWith('sha256=')) return [false, 'outboundIQ document recipe'];
			const a = Buffer.from(hmacHex(secret, body), 'hex');
			const b = Buffer.from(header.slice('sha256='.length), 'hex');
			return [a.length === b.length && timingSafeEqual(a, b), 'outboundIQ document recipe'];
		}
		case 'pbx': {
			// The PBX document: HMAC-SHA256 hex of "<timestamp>.<raw body>".
			const timestamp = headerOf(headers, 'x-webhook-timestamp');
			const expected = hmacHex(secret, Buffer.concat([Buffer.from(`${timestamp}.`), body]));
			return [safeEqual(expected, headerOf(headers, 'x-webhook-signature')), 'PBX document recipe'];
		}
		case 'onCallClerk':
			return [safeEqual(hmacHex(secret, body), headerOf(headers, 'x-oncallclerk-signature')), 'OnCallClerk document recipe'];
		case 'shopify': {
			const expected = createHmac('sha256', secret).update(body).digest('base64');
			return [safeEqual(expected, headerOf(headers, 'x-shopify-hmac-sha256')), 'Shopify recipe'];
		}
		default:
			return [false, `no reference for ${scheme}`];
	}
}

/** Checks one recorded request with our verify() and with the scheme's reference. */
export async function verifyRequest(
	scheme: string | SignatureScheme,
	request: RecordedRequest,
	secrets: string[],
): Promise<Verification> {
	const ourScheme = typeof scheme === 'string' ? namedSchemes[scheme] : scheme;
	const ours = ourScheme.verify({ body: request.body, headers: request.headers, secrets, toleranceSeconds: 300 });
	const name = typeof scheme === 'string' ? scheme : scheme.name;
	const [reference, referenceName] = await referenceVerify(name, request, secrets[0]);
	return { ours, reference, referenceName };
}

/** The Unix timestamp an attempt was signed with, for schemes that sign one. */
export function signedTimestamp(scheme: string, request: RecordedRequest): number | undefined {
	const { headers } = request;
	if (scheme === 'standardWebhooks') return Number(headerOf(headers, 'webhook-timestamp'));
	if (scheme === 'pbx') return Number(headerOf(headers, 'x-webhook-timestamp'));
	if (scheme === 'stripe') {
		const match = /(?:^|,)t=(\d+)/.exec(headerOf(headers, 'stripe-signature'));
		return match ? Number(match[1]) : undefined;
	}
	return undefined;
}
