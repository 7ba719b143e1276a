/**
 * The Signed Webhook action node run inside n8n-core's ExecuteContext, with
 * n8n's real HTTP helpers, against a real loopback receiver that injects
 * faults and verifies every attempt with our verify() and a reference.
 */
import { createHmac } from 'node:crypto';

import { describe, expect, it } from 'vitest';

import type { SignedWebhookCredential } from '../../../nodes/core/credentialCheck';
import { createCustomHmacScheme } from '../../../nodes/core/providers/index';
import { httpCalls, receiverForFile, runNode, type RunResult } from '../../helpers/executeNode.mjs';
import {
	refusedUrl,
	signedTimestamp,
	verifyRequest,
	type Fault,
	type RecordedRequest,
} from '../../helpers/receiver.mjs';

const SECRET = 'sender-signing-secret-6c2e91';
const PREVIOUS = 'sender-previous-secret-0b7d44';
const WHSEC = `whsec_${Buffer.from('sender-node-key-0123456789abcdef').toString('base64')}`;
const BEARER = 'sender-bearer-token-a8f3c2';
const API_KEY = 'sender-api-key-51d9e0';

const credentialFor = (scheme: string, extra: Partial<SignedWebhookCredential> = {}): SignedWebhookCredential => ({
	signingSecret: scheme === 'standardWebhooks' ? WHSEC : SECRET,
	previousSigningSecret: PREVIOUS,
	authType: 'bearer',
	bearerToken: BEARER,
	...extra,
});

/** Fast retries so that the fault matrix runs in seconds. */
const FAST = { maxAttempts: 5, timeoutMs: 1500, options: { backoffBaseMs: 20, backoffCapMs: 3000, deadlineMs: 20_000 } };

const receiver = await receiverForFile();

const OK: Fault = { kind: 'status', status: 200, body: '{"ok":true}' };

async function send(
	path: string | string[],
	faults: Fault[] | undefined,
	parameters: Record<string, unknown> = {},
	items: Array<Record<string, unknown>> = [{ id: 'lead_1', name: 'Zoë Ürban', amount: 12.5 }],
	extra: { credential?: SignedWebhookCredential; continueOnFail?: boolean } = {},
): Promise<RunResult> {
	const paths = Array.isArray(path) ? path : [path];
	if (faults) for (const one of paths) if (one.startsWith('/')) receiver.script(one, faults);
	const urls = paths.map((one) => (one.startsWith('/') ? receiver.url(one) : one)).join(', ');
	const scheme = String(parameters.signatureScheme ?? 'standardWebhooks');
	return await runNode({
		parameters: { urls, ...FAST, ...parameters },
		items,
		credential: extra.credential ?? credentialFor(scheme),
		continueOnFail: extra.continueOnFail,
	});
}

/** Every recorded attempt verifies with ours and with the reference, and was signed when it was sent. */
async function expectAllSigned(scheme: string, requests: RecordedRequest[], secret: string) {
	expect(requests.length).toBeGreaterThan(0);
	for (const request of requests) {
		const check = await verifyRequest(scheme, request, [secret]);
		expect(check.ours, `${scheme} attempt ${request.attempt}: ours`).toMatchObject({ ok: true, secretIndex: 0 });
		expect(check.reference, `${scheme} attempt ${request.attempt}: ${check.referenceName}`).toBe(true);
		const stamp = signedTimestamp(scheme, request);
		if (stamp !== undefined) {
			expect(stamp).toBeLessThanOrEqual(Math.floor(request.receivedAt / 1000));
			expect(stamp).toBeGreaterThanOrEqual(Math.floor(request.receivedAt / 1000) - 1);
		}
	}
	const first = requests[0].body;
	for (const request of requests) expect(request.body.equals(first)).toBe(true);
}

const attemptsOf = (result: RunResult, output: 'delivered' | 'failed', index = 0) =>
	(result[output][index].json.attempts as Array<Record<string, unknown>>).map((attempt) => attempt.status ?? attempt.error);

describe('signatures: every attempt verified twice, fresh timestamp, same bytes', () => {
	const cases: Array<[string, string, string]> = [
		['standardWebhooks', 'standardWebhooks', WHSEC],
		['stripe', 'none', SECRET],
		['github', 'none', SECRET],
		['shopify', 'none', SECRET],
		['outboundIq', 'outboundIq', SECRET],
		['onCallClerk', 'onCallClerk', SECRET],
		['pbx', 'pbx', SECRET],
	];
	it.each(cases)('%s (envelope %s): 500 then 200', async (scheme, envelope, secret) => {
		const path = `/sig-${scheme}`;
		const event = envelope === 'outboundIq' ? '' : 'lead.created';
		const result = await send(path, [{ kind: 'status', status: 500 }, OK], { signatureScheme: scheme, envelope, event });
		expect(result.error).toBeUndefined();
		expect(result.delivered).toHaveLength(1);
		expect(attemptsOf(result, 'delivered')).toEqual([500, 200]);
		const requests = receiver.requestsFor(path);
		expect(requests).toHaveLength(2);
		await expectAllSigned(scheme, requests, secret);
		// The id is stable across attempts and is also the idempotency key.
		const ids = requests.map((request) => request.headers['idempotency-key']);
		expect(ids[0]).toBe(result.delivered[0].json.deliveryId);
		expect(ids[1]).toBe(ids[0]);
		// The output reports the signature headers sent on the last attempt, and no secret.
		const signatureHeaders = result.delivered[0].json.signatureHeaders as Record<string, string>;
		for (const [name, value] of Object.entries(signatureHeaders)) expect(requests[1].headers[name.toLowerCase()]).toBe(value);
		expect(JSON.stringify(result)).not.toContain(secret);
	});

	it('stripe: the SDK verifies attempts signed in different seconds', async () => {
		const path = '/sig-stripe-seconds';
		const result = await send(path, [{ kind: 'status', status: 429, headers: { 'Retry-After': '1' } }, OK], {
			signatureScheme: 'stripe',
		});
		expect(attemptsOf(result, 'delivered')).toEqual([429, 200]);
		const requests = receiver.requestsFor(path);
		await expectAllSigned('stripe', requests, SECRET);
		expect(signedTimestamp('stripe', requests[1])).toBeGreaterThan(signedTimestamp('stripe', requests[0])!);
	});

	it('custom HMAC: SHA-512 base64 over {timestamp}.{id}.{body} with a prefix', async () => {
		const path = '/sig-custom';
		const parameters = {
			signatureScheme: 'customHmac',
			customSignatureHeader: 'X-Acme-Signature',
			customPrefix: 'v1=',
			customAlgorithm: 'sha512',
			customEncoding: 'base64',
			customTemplate: '{timestamp}.{id}.{body}',
			customTimestampHeader: 'X-Acme-Timestamp',
			customIdHeader: 'X-Acme-Id',
		};
		const result = await send(path, [{ kind: 'status', status: 502 }, OK], parameters);
		expect(attemptsOf(result, 'delivered')).toEqual([502, 200]);
		const scheme = createCustomHmacScheme({
			algorithm: 'sha512',
			encoding: 'base64',
			signatureHeader: 'X-Acme-Signature',
			prefix: 'v1=',
			template: '{timestamp}.{id}.{body}',
			timestampHeader: 'X-Acme-Timestamp',
			idHeader: 'X-Acme-Id',
		});
		for (const request of receiver.requestsFor(path)) {
			expect(scheme.verify({ body: request.body, headers: request.headers, secrets: [SECRET] }).ok).toBe(true);
			// Independent recipe.
			const signed = `${request.headers['x-acme-timestamp']}.${request.headers['x-acme-id']}.${request.body.toString('utf8')}`;
			expect(request.headers['x-acme-signature']).toBe(`v1=${createHmac('sha512', SECRET).update(signed).digest('base64')}`);
		}
	});

	it('None (auth header only): no signature headers, the credential auth header on every attempt', async () => {
		const path = '/none';
		const result = await send(path, [{ kind: 'status', status: 503 }, OK], { signatureScheme: 'none' }, undefined, {
			credential: { authType: 'header', headerName: 'X-API-Key', headerSecret: API_KEY },
		});
		expect(result.delivered[0].json.signatureHeaders).toEqual({});
		for (const request of receiver.requestsFor(path)) {
			expect(request.headers['x-api-key']).toBe(API_KEY);
			expect(request.headers['webhook-signature']).toBeUndefined();
		}
		expect(JSON.stringify(result)).not.toContain(API_KEY);
	});

	it('the bytes received are the JSON the node built, multibyte characters intact', async () => {
		const path = '/bytes';
		const item = { note: '  leading and trailing spaces  ', emoji: '📞✓', nested: { list: [1, 'two', null] } };
		await send(path, [OK], { envelope: 'none' }, [item]);
		const [request] = receiver.requestsFor(path);
		expect(request.body.equals(Buffer.from(JSON.stringify(item), 'utf8'))).toBe(true);
		expect(request.headers['content-type']).toBe('application/json');
		expect(request.headers['user-agent']).toMatch(/^n8n-nodes-signed-webhooks\//);
		expect(request.headers.authorization).toBe(`Bearer ${BEARER}`);
		// What the node handed to n8n's helper: a Buffer, and the options n8n must honour.
		expect(httpCalls).toHaveLength(1);
		expect(Buffer.isBuffer(httpCalls[0].options.body)).toBe(true);
		expect(httpCalls[0].options).toMatchObject({
			method: 'POST',
			disableFollowRedirect: true,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			timeout: 1500,
			encoding: 'stream',
		});
	});
});

describe('faults against the sender', () => {
	it('connection refused: retried to max attempts, then Failed', async () => {
		const url = await refusedUrl();
		const result = await send(url, undefined, { maxAttempts: 3 });
		expect(result.delivered).toHaveLength(0);
		expect(result.failed).toHaveLength(1);
		expect(result.failed[0].json).toMatchObject({ outcome: 'retries_exhausted', status: null, error: 'connection_refused', delivered: false });
		expect(attemptsOf(result, 'failed')).toEqual(['connection_refused', 'connection_refused', 'connection_refused']);
		expect(result.failed[0].pairedItem).toEqual({ item: 0 });
	});

	it('connection reset before any response, then 200', async () => {
		const result = await send('/reset', [{ kind: 'reset' }, OK]);
		expect(attemptsOf(result, 'delivered')).toEqual(['connection_reset', 200]);
		await expectAllSigned('standardWebhooks', receiver.requestsFor('/reset'), WHSEC);
	});

	it('reset in the middle of the response, then 200', async () => {
		const result = await send('/reset-mid', [{ kind: 'resetMidResponse' }, OK]);
		expect(attemptsOf(result, 'delivered')).toEqual(['connection_reset', 200]);
		await expectAllSigned('standardWebhooks', receiver.requestsFor('/reset-mid'), WHSEC);
	});

	it('headers that never arrive: timeout at the per-attempt limit, then 200', async () => {
		const result = await send('/hang', [{ kind: 'hang' }, OK], { timeoutMs: 400 });
		expect(attemptsOf(result, 'delivered')).toEqual(['timeout', 200]);
		const first = (result.delivered[0].json.attempts as Array<{ durationMs: number }>)[0];
		expect(first.durationMs).toBeGreaterThanOrEqual(350);
		expect(first.durationMs).toBeLessThan(1500);
		await expectAllSigned('standardWebhooks', receiver.requestsFor('/hang'), WHSEC);
	});

	it('a body that trickles past the timeout: the attempt times out, then 200', async () => {
		const result = await send('/trickle', [{ kind: 'trickle', intervalMs: 100, chunks: 60 }, OK], { timeoutMs: 500 });
		expect(attemptsOf(result, 'delivered')).toEqual(['timeout', 200]);
		const first = (result.delivered[0].json.attempts as Array<{ durationMs: number }>)[0];
		expect(first.durationMs).toBeGreaterThanOrEqual(450);
		expect(first.durationMs).toBeLessThan(2000);
	});

	it('a trickling body that stays within the timeout is read', async () => {
		const result = await send('/trickle-ok', [{ kind: 'trickle', intervalMs: 20, chunks: 5 }], { timeoutMs: 2000 });
		expect(result.delivered[0].json).toMatchObject({ status: 200, responseBody: '.....' });
	});

	it('500 then 200', async () => {
		const result = await send('/500', [{ kind: 'status', status: 500, body: 'boom' }, OK]);
		expect(result.delivered[0].json).toMatchObject({ status: 200, outcome: 'delivered', responseBody: '{"ok":true}' });
		expect(attemptsOf(result, 'delivered')).toEqual([500, 200]);
	});

	it('503 with Retry-After as an HTTP date: waits until then', async () => {
		const retryAt = new Date(Date.now() + 2000);
		const result = await send('/503-date', [{ kind: 'status', status: 503, headers: { 'Retry-After': retryAt.toUTCString() } }, OK]);
		expect(attemptsOf(result, 'delivered')).toEqual([503, 200]);
		const [first, second] = receiver.requestsFor('/503-date');
		// The date has whole seconds, so the wait is between 1 and 2 s.
		expect(second.receivedAt - first.receivedAt).toBeGreaterThanOrEqual(900);
		expect(second.receivedAt).toBeGreaterThanOrEqual(Math.floor(retryAt.getTime() / 1000) * 1000 - 50);
		const waited = (result.delivered[0].json.attempts as Array<{ waitMs?: number }>)[0].waitMs!;
		expect(waited).toBeGreaterThan(500);
		expect(waited).toBeLessThanOrEqual(2000);
		await expectAllSigned('standardWebhooks', [first, second], WHSEC);
		expect(Number(second.headers['webhook-timestamp'])).toBeGreaterThan(Number(first.headers['webhook-timestamp']));
	});

	it('429 with Retry-After in seconds', async () => {
		const result = await send('/429', [{ kind: 'status', status: 429, headers: { 'Retry-After': '1' } }, OK]);
		expect(attemptsOf(result, 'delivered')).toEqual([429, 200]);
		const [first, second] = receiver.requestsFor('/429');
		expect(second.receivedAt - first.receivedAt).toBeGreaterThanOrEqual(950);
		expect((result.delivered[0].json.attempts as Array<{ waitMs?: number }>)[0].waitMs).toBe(1000);
	});

	it('Retry-After longer than the cap is cut to the cap', async () => {
		const result = await send('/429-long', [{ kind: 'status', status: 429, headers: { 'Retry-After': '3600' } }, OK], {
			options: { backoffBaseMs: 20, backoffCapMs: 300, deadlineMs: 20_000 },
		});
		expect((result.delivered[0].json.attempts as Array<{ waitMs?: number }>)[0].waitMs).toBe(300);
	});

	it.each([301, 302] as const)('%i is a failure and is not followed', async (status) => {
		const path = `/redirect-${status}`;
		const result = await send(path, [{ kind: 'redirect', status, location: receiver.url('/redirect-target') }]);
		expect(result.failed).toHaveLength(1);
		expect(result.failed[0].json).toMatchObject({ outcome: 'redirect', status, location: receiver.url('/redirect-target') });
		expect(attemptsOf(result, 'failed')).toEqual([status]);
		expect(receiver.requestsFor('/redirect-target')).toHaveLength(0);
		expect(receiver.requestsFor(path)).toHaveLength(1);
	});

	it('410 is final and reported as gone', async () => {
		const result = await send('/410', [{ kind: 'status', status: 410, body: '{"error":"endpoint removed"}' }]);
		expect(result.failed[0].json).toMatchObject({ outcome: 'gone', status: 410, responseBody: '{"error":"endpoint removed"}' });
		expect(attemptsOf(result, 'failed')).toEqual([410]);
	});

	it('400 is final', async () => {
		const result = await send('/400', [{ kind: 'status', status: 400, body: 'bad' }]);
		expect(result.failed[0].json).toMatchObject({ outcome: 'rejected', status: 400, responseBody: 'bad' });
		expect(attemptsOf(result, 'failed')).toEqual([400]);
	});

	it('500 every time: retries exhausted after max attempts', async () => {
		const result = await send('/500-always', [{ kind: 'status', status: 500 }], { maxAttempts: 4 });
		expect(result.failed[0].json).toMatchObject({ outcome: 'retries_exhausted', status: 500 });
		expect(attemptsOf(result, 'failed')).toEqual([500, 500, 500, 500]);
		await expectAllSigned('standardWebhooks', receiver.requestsFor('/500-always'), WHSEC);
	});

	it('the overall deadline ends the delivery', async () => {
		const result = await send('/deadline', [{ kind: 'status', status: 503, headers: { 'Retry-After': '1' } }], {
			maxAttempts: 50,
			options: { backoffBaseMs: 20, backoffCapMs: 3000, deadlineMs: 1500 },
		});
		expect(result.failed[0].json.outcome).toBe('deadline_exceeded');
		expect(receiver.requestsFor('/deadline').length).toBe(2);
		expect(result.elapsedMs).toBeLessThan(3000);
	});

	it('a 10 MB response body: read capped at 2 KB, the connection dropped', async () => {
		const before = process.memoryUsage().heapUsed;
		const result = await send('/big', [{ kind: 'big', bytes: 10 * 1024 * 1024 }]);
		expect(result.delivered).toHaveLength(1);
		const json = result.delivered[0].json;
		expect(json).toMatchObject({ status: 200, responseTruncated: true });
		expect(Buffer.byteLength(json.responseBody as string)).toBe(2048);
		await new Promise((resolve) => setTimeout(resolve, 100));
		const written = receiver.bigBytesWritten.get('/big')!;
		expect(written).toBeLessThan(10 * 1024 * 1024);
		expect(process.memoryUsage().heapUsed - before).toBeLessThan(64 * 1024 * 1024);
	});
});

describe('fan-out, batching, concurrency', () => {
	it('one failing URL never blocks the others; each (item, URL) pair appears once', async () => {
		receiver.script('/fan-a', [OK]);
		receiver.script('/fan-gone', [{ kind: 'status', status: 410 }]);
		receiver.script('/fan-slow', [{ kind: 'status', status: 500 }, OK]);
		const refused = await refusedUrl('/fan-refused');
		const items = [{ n: 0 }, { n: 1 }, { n: 2 }];
		const result = await send(['/fan-a', '/fan-gone', refused, '/fan-slow'], undefined, { maxAttempts: 2 }, items);
		expect(result.delivered).toHaveLength(6);
		expect(result.failed).toHaveLength(6);
		const pairs = [...result.delivered, ...result.failed].map((item) => `${item.pairedItem && (item.pairedItem as { item: number }).item}|${item.json.url}`);
		expect(new Set(pairs).size).toBe(12);
		expect(result.delivered.map((item) => [(item.pairedItem as { item: number }).item, item.json.url])).toEqual([
			[0, receiver.url('/fan-a')],
			[0, receiver.url('/fan-slow')],
			[1, receiver.url('/fan-a')],
			[1, receiver.url('/fan-slow')],
			[2, receiver.url('/fan-a')],
			[2, receiver.url('/fan-slow')],
		]);
		expect(result.failed.map((item) => item.json.outcome)).toEqual(['gone', 'retries_exhausted', 'gone', 'retries_exhausted', 'gone', 'retries_exhausted']);
		expect(receiver.requestsFor('/fan-a')).toHaveLength(3);
		expect(receiver.requestsFor('/fan-gone')).toHaveLength(3);
		// Each item's body is built once: every URL got the same bytes and the same id.
		const bodiesFor = (path: string) => receiver.requestsFor(path).map((request) => request.headers['webhook-id']);
		expect(new Set(bodiesFor('/fan-a'))).toEqual(new Set(bodiesFor('/fan-gone')));
	});

	it('a 100-item batch arrives as one request of 100 dials, every item in Delivered', async () => {
		const dials = Array.from({ length: 100 }, (_, index) => ({
			companySlug: 'abcde123',
			callId: `AB${10000 + index}`,
			callDirection: 'outbound',
			timestamp: '2026-04-10T18:32:15.000Z',
			contact: index % 2 === 0,
			success: false,
		}));
		const result = await send('/batch', [OK], { signatureScheme: 'outboundIq', envelope: 'outboundIq', batchSize: 100, batchKey: 'dials' }, dials);
		const requests = receiver.requestsFor('/batch');
		expect(requests).toHaveLength(1);
		const body = JSON.parse(requests[0].body.toString('utf8'));
		expect(body.event).toBe('dial.batch');
		expect(body.dials).toEqual(dials);
		expect(requests[0].headers['x-outboundiq-delivery-id']).toBe(body.deliveryId);
		expect(requests[0].headers['x-outboundiq-event']).toBe('dial.batch');
		await expectAllSigned('outboundIq', requests, SECRET);
		expect(result.delivered).toHaveLength(100);
		expect(result.delivered.map((item) => (item.pairedItem as { item: number }).item)).toEqual(dials.map((_, index) => index));
		expect(new Set(result.delivered.map((item) => item.json.deliveryId))).toEqual(new Set([body.deliveryId]));
		expect(result.delivered[42].json.batch).toEqual({ size: 100, position: 42 });
	});

	it('250 items in batches of 100 under a custom key: three requests; a failed batch fails all its items', async () => {
		const items = Array.from({ length: 250 }, (_, index) => ({ index }));
		receiver.script('/batches', [OK, { kind: 'status', status: 400 }, OK]);
		const result = await send('/batches', undefined, { envelope: 'none', batchSize: 100, batchKey: 'records' }, items);
		const sizes = receiver.requestsFor('/batches').map((request) => JSON.parse(request.body.toString()).records.length);
		expect(sizes.sort()).toEqual([100, 100, 50]);
		expect(result.delivered.length + result.failed.length).toBe(250);
		expect(result.failed).toHaveLength(sizes.length === 3 ? 100 : 0);
	});

	it('concurrency bounds requests in flight and the output keeps input order', async () => {
		const items = Array.from({ length: 20 }, (_, index) => ({ index }));
		for (let index = 0; index < 20; index++) receiver.script(`/conc-${index}`, [{ kind: 'status', status: 200, delayMs: (20 - index) * 15 }]);
		const result = await send('/unused', undefined, { urls: `={{ "${receiver.base}/conc-" + $json.index }}`, concurrency: 4 }, items);
		expect(result.error).toBeUndefined();
		expect(result.delivered.map((item) => item.json.data)).toEqual(items);
		expect(result.delivered.map((item) => (item.pairedItem as { item: number }).item)).toEqual(items.map((item) => item.index));
		expect(receiver.maxInFlight()).toBe(4);
		// Completion order differs from input order: the later items answer faster.
		const arrival = receiver.requests.map((request) => Number(request.path.split('-')[1]));
		expect(arrival.slice(0, 4).sort((a, b) => a - b)).toEqual([0, 1, 2, 3]);
	});
});

describe('On Final Failure, continueOnFail and configuration errors', () => {
	it('"Fail the Node" raises NodeApiError naming the URL and the last status', async () => {
		receiver.script('/ok-first', [OK]);
		receiver.script('/final-410', [{ kind: 'status', status: 410 }]);
		const result = await send(['/ok-first', '/final-410'], undefined, { onFinalFailure: 'error' }, [{ a: 1 }]);
		// The other URL was still delivered before the node failed.
		expect(receiver.requestsFor('/ok-first')).toHaveLength(1);
		expect(result.error?.constructor.name).toBe('NodeApiError');
		expect(result.error?.message).toContain(receiver.url('/final-410'));
		expect(result.error?.message).toContain('410');
		expect(result.error?.httpCode).toBe('410');
		expect(result.error?.message).not.toContain(WHSEC);
	});

	it('"Fail the Node" with a network error names the error class', async () => {
		const url = await refusedUrl();
		const result = await send(url, undefined, { onFinalFailure: 'error', maxAttempts: 2 });
		expect(result.error?.constructor.name).toBe('NodeApiError');
		expect(result.error?.message).toContain(url);
		expect(result.error?.message).toContain('connection_refused');
	});

	it('"Fail the Node" with continueOnFail routes to Failed with the message', async () => {
		const result = await send('/final-cof', [{ kind: 'status', status: 400 }], { onFinalFailure: 'error' }, undefined, { continueOnFail: true });
		expect(result.error).toBeUndefined();
		expect(result.failed[0].json.errorMessage).toMatch(/Delivery to .*final-cof failed \(rejected, last status 400/);
	});

	it('Route to Failed (default) never throws', async () => {
		const result = await send('/route', [{ kind: 'status', status: 400 }]);
		expect(result.error).toBeUndefined();
		expect(result.failed).toHaveLength(1);
	});

	it.each([
		['urls', { urls: 'ftp://files.example/x' }, /URLs: "ftp:\/\/files.example\/x" is not an http or https URL/],
		['batchSize', { batchSize: 0 }, /Batch Size: must be a whole number from 1 to 100/],
		['batchSize', { batchSize: 101 }, /Batch Size/],
		['headersJson', { headersMode: 'json', headersJson: '[1, 2]' }, /Headers \(JSON\): must be a JSON object, not an array/],
		['headersJson', { headersMode: 'json', headersJson: '{oops' }, /Headers \(JSON\): not valid JSON/],
		['event', { envelope: 'pbx', event: '' }, /Event: an event name is required/],
		['maxAttempts', { maxAttempts: 0 }, /Max Attempts/],
	])('invalid %s raises NodeOperationError naming the field', async (_field, parameters, message) => {
		const result = await send('/never', [OK], parameters as Record<string, unknown>);
		expect(result.error?.constructor.name).toBe('NodeOperationError');
		expect(result.error?.message).toMatch(message);
		expect(receiver.requestsFor('/never')).toHaveLength(0);
	});

	it('the error carries the item index of the bad item', async () => {
		const items = [{ url: receiver.url('/cfg-ok') }, { url: 'gopher://old.example' }, { url: receiver.url('/cfg-ok') }];
		const result = await send('/unused', undefined, { urls: '={{ $json.url }}' }, items);
		expect(result.error?.constructor.name).toBe('NodeOperationError');
		expect((result.error as unknown as { context: { itemIndex: number } }).context.itemIndex).toBe(1);
	});

	it('continueOnFail: a bad item goes to Failed with its error, the others are delivered', async () => {
		receiver.script('/cfg-ok', [OK]);
		const items = [{ url: receiver.url('/cfg-ok') }, { url: 'gopher://old.example' }, { url: receiver.url('/cfg-ok') }];
		const result = await send('/unused', undefined, { urls: '={{ $json.url }}' }, items, { continueOnFail: true });
		expect(result.error).toBeUndefined();
		expect(result.delivered.map((item) => (item.pairedItem as { item: number }).item)).toEqual([0, 2]);
		expect(result.failed).toHaveLength(1);
		expect(result.failed[0].pairedItem).toEqual({ item: 1 });
		expect(result.failed[0].json.error).toMatch(/URLs: "gopher:\/\/old.example" is not an http or https URL/);
	});

	it('a scheme that needs a secret without one in the credential is a configuration error', async () => {
		const result = await send('/never', [OK], { signatureScheme: 'github' }, undefined, { credential: { authType: 'bearer', bearerToken: BEARER } });
		expect(result.error?.constructor.name).toBe('NodeOperationError');
		expect(result.error?.message).toMatch(/Signature Scheme: the credential has no signing secret/);
	});
});

describe('headers, envelopes and the test event', () => {
	it('extra headers as a JSON object and as pairs arrive; the custom auth header comes from the credential', async () => {
		await send('/headers-json', [OK], { headersMode: 'json', headersJson: '{"X-CRM-Source": "outcaller", "X-Route": 7}' }, undefined, {
			credential: credentialFor('standardWebhooks', { authType: 'header', headerName: 'X-API-Key', headerSecret: API_KEY }),
		});
		const [json] = receiver.requestsFor('/headers-json');
		expect(json.headers).toMatchObject({ 'x-crm-source': 'outcaller', 'x-route': '7', 'x-api-key': API_KEY });
		await send('/headers-pairs', [OK], { headersMode: 'pairs', headers: { header: [{ name: 'X-Tenant', value: 't-1' }] }, options: { userAgent: 'acme-hooks/2.0' } });
		const [pairs] = receiver.requestsFor('/headers-pairs');
		expect(pairs.headers).toMatchObject({ 'x-tenant': 't-1', 'user-agent': 'acme-hooks/2.0', authorization: `Bearer ${BEARER}` });
	});

	it('OutCallerAI envelope with its headers, no signature, bearer auth', async () => {
		const item = { id: 'lead_123', workspaceId: 'cmpxz43bl00032c6udndznzdg', name: 'Priya Sharma' };
		await send('/outcaller', [OK], { signatureScheme: 'none', envelope: 'outCallerAi', event: '={{ "lead." + "created" }}' }, [item]);
		const [request] = receiver.requestsFor('/outcaller');
		const body = JSON.parse(request.body.toString());
		expect(body).toMatchObject({ event: 'lead.created', resource: 'lead', action: 'created', workspaceId: item.workspaceId, data: item });
		expect(request.headers).toMatchObject({
			'x-outcaller-event': 'lead.created',
			'x-outcaller-resource': 'lead',
			'x-outcaller-action': 'created',
			'x-outcaller-workspace-id': item.workspaceId,
			authorization: `Bearer ${BEARER}`,
		});
	});

	it('a Delivery ID option keeps the id stable and is used in the envelope', async () => {
		await send('/fixed-id', [OK], { signatureScheme: 'onCallClerk', envelope: 'onCallClerk', event: 'call.completed', options: { deliveryId: '={{ "evt_" + $json.id }}' } }, [{ id: 'abc' }]);
		const [request] = receiver.requestsFor('/fixed-id');
		expect(JSON.parse(request.body.toString())).toMatchObject({ id: 'evt_abc', type: 'call.completed' });
		expect(request.headers['idempotency-key']).toBe('evt_abc');
	});

	it('Send Test Event sends one webhook.test per URL, signed (PBX)', async () => {
		const result = await send(['/test-a', '/test-b'], [OK], { operation: 'sendTestEvent', signatureScheme: 'pbx', envelope: 'pbx' }, [{ x: 1 }, { x: 2 }]);
		expect(result.delivered).toHaveLength(2);
		expect(result.delivered.map((item) => item.json.event)).toEqual(['webhook.test', 'webhook.test']);
		for (const path of ['/test-a', '/test-b']) {
			const requests = receiver.requestsFor(path);
			expect(requests).toHaveLength(1);
			expect(JSON.parse(requests[0].body.toString())).toMatchObject({ event: 'webhook.test', data: { test: true } });
			expect(requests[0].headers['x-webhook-event']).toBe('webhook.test');
			await expectAllSigned('pbx', requests, SECRET);
		}
	});
});

describe('secrets never leak', () => {
	it('no signing secret, previous secret or auth value in any output, error or response', async () => {
		const outputs: string[] = [];
		const credential = credentialFor('standardWebhooks');
		const runs = [
			await send('/leak-ok', [OK], {}, undefined, { credential }),
			await send('/leak-fail', [{ kind: 'status', status: 500 }], { maxAttempts: 2 }, undefined, { credential }),
			await send('/leak-err', [{ kind: 'status', status: 410 }], { onFinalFailure: 'error' }, undefined, { credential }),
			await send('/leak-cfg', [OK], { urls: 'ftp://x' }, undefined, { credential }),
			await send('/leak-key', [OK], { signatureScheme: 'none' }, undefined, {
				credential: { ...credential, authType: 'header', headerName: 'X-API-Key', headerSecret: API_KEY },
			}),
		];
		for (const run of runs) {
			outputs.push(JSON.stringify(run.delivered), JSON.stringify(run.failed));
			if (run.error) outputs.push(run.error.message, String(run.error.description ?? ''), JSON.stringify(run.error));
		}
		const text = outputs.join('\n');
		for (const secret of [WHSEC, WHSEC.slice(6), PREVIOUS, BEARER, API_KEY]) expect(text).not.toContain(secret);
		expect(receiver.requestsFor('/leak-key')[0].headers['x-api-key']).toBe(API_KEY);
	});
});

describe('every fault at once, fanned out: each (item, URL) pair exactly once, in the right output', () => {
	it('12 faulty receivers × 3 items at concurrency 10', async () => {
		const refused = await refusedUrl('/all-refused');
		const cases: Array<{ path: string; faults?: Fault[]; output: 'delivered' | 'failed'; outcome: string; attempts: Array<number | string> }> = [
			{ path: refused, output: 'failed', outcome: 'retries_exhausted', attempts: ['connection_refused', 'connection_refused', 'connection_refused'] },
			{ path: '/all-reset-mid', faults: [{ kind: 'resetMidResponse' }, OK], output: 'delivered', outcome: 'delivered', attempts: ['connection_reset', 200] },
			{ path: '/all-hang', faults: [{ kind: 'hang' }, OK], output: 'delivered', outcome: 'delivered', attempts: ['timeout', 200] },
			{ path: '/all-trickle', faults: [{ kind: 'trickle', intervalMs: 100, chunks: 30 }, OK], output: 'delivered', outcome: 'delivered', attempts: ['timeout', 200] },
			{ path: '/all-500', faults: [{ kind: 'status', status: 500 }, OK], output: 'delivered', outcome: 'delivered', attempts: [500, 200] },
			{ path: '/all-503', faults: [{ kind: 'status', status: 503, headers: { 'Retry-After': new Date(Date.now() + 1000).toUTCString() } }, OK], output: 'delivered', outcome: 'delivered', attempts: [503, 200] },
			{ path: '/all-429', faults: [{ kind: 'status', status: 429, headers: { 'Retry-After': '1' } }, OK], output: 'delivered', outcome: 'delivered', attempts: [429, 200] },
			{ path: '/all-301', faults: [{ kind: 'redirect', status: 301, location: '/elsewhere' }], output: 'failed', outcome: 'redirect', attempts: [301] },
			{ path: '/all-302', faults: [{ kind: 'redirect', status: 302, location: '/elsewhere' }], output: 'failed', outcome: 'redirect', attempts: [302] },
			{ path: '/all-410', faults: [{ kind: 'status', status: 410 }], output: 'failed', outcome: 'gone', attempts: [410] },
			{ path: '/all-400', faults: [{ kind: 'status', status: 400 }], output: 'failed', outcome: 'rejected', attempts: [400] },
			{ path: '/all-big', faults: [{ kind: 'big', bytes: 10 * 1024 * 1024 }], output: 'delivered', outcome: 'delivered', attempts: [200] },
		];
		// Every item gets its own script run per path: attempt counters are per path, so give each item its own path.
		const items = [{ n: 0 }, { n: 1 }, { n: 2 }];
		const urlsFor: string[] = [];
		for (const one of cases) {
			for (const item of items) {
				if (!one.faults) continue;
				receiver.script(`${one.path}-${item.n}`, one.faults);
			}
			urlsFor.push(one.faults ? `${receiver.base}${one.path}-` : one.path);
		}
		const urlExpression = `={{ ${JSON.stringify(urlsFor)}.map(u => u.endsWith("-") ? u + $json.n : u).join(",") }}`;
		const result = await send('/unused', undefined, { urls: urlExpression, maxAttempts: 3, timeoutMs: 400, concurrency: 10 }, items);
		expect(result.error).toBeUndefined();
		expect(result.delivered.length + result.failed.length).toBe(cases.length * items.length);
		const seen = new Set<string>();
		for (const one of cases) {
			for (const item of items) {
				const url = one.faults ? receiver.url(`${one.path}-${item.n}`) : one.path;
				const everywhere = [...result.delivered, ...result.failed].filter(
					(output) => output.json.url === url && (output.pairedItem as { item: number }).item === item.n,
				);
				expect(everywhere, url).toHaveLength(1);
				const [output] = result[one.output].filter((candidate) => candidate === everywhere[0]);
				expect(output, `${url} in ${one.output}`).toBeDefined();
				expect(output.json.outcome).toBe(one.outcome);
				expect((output.json.attempts as Array<Record<string, unknown>>).map((attempt) => attempt.status ?? attempt.error)).toEqual(one.attempts);
				seen.add(`${url}|${item.n}`);
				if (one.faults) {
					const requests = receiver.requestsFor(`${one.path}-${item.n}`);
					expect(requests).toHaveLength(one.attempts.length);
					await expectAllSigned('standardWebhooks', requests, WHSEC);
				}
			}
		}
		expect(seen.size).toBe(cases.length * items.length);
		// Output order follows input order: item 0's deliveries first, then item 1's, then item 2's.
		const order = result.delivered.map((output) => (output.pairedItem as { item: number }).item);
		expect(order).toEqual([...order].sort((a, b) => a - b));
	});
});

describe('URLs as an expression returning an array', () => {
	it('delivers to each URL of the array', async () => {
		receiver.script('/arr-a', [OK]);
		receiver.script('/arr-b', [OK]);
		const result = await send('/unused', undefined, { urls: `={{ ["${receiver.base}/arr-a", "${receiver.base}/arr-b"] }}` });
		expect(result.error).toBeUndefined();
		expect(result.delivered.map((item) => item.json.url)).toEqual([receiver.url('/arr-a'), receiver.url('/arr-b')]);
	});
});

describe('throughput', () => {
	it('500 items at concurrency 50: all delivered once, in order, never more than 50 in flight', async () => {
		const items = Array.from({ length: 500 }, (_, index) => ({ index }));
		receiver.script('/load', [{ kind: 'status', status: 200, delayMs: 5 }]);
		const result = await send('/load', undefined, { concurrency: 50 }, items);
		expect(result.delivered).toHaveLength(500);
		expect(result.delivered.map((item) => (item.pairedItem as { item: number }).item)).toEqual(items.map((item) => item.index));
		expect(receiver.requestsFor('/load')).toHaveLength(500);
		expect(new Set(receiver.requestsFor('/load').map((request) => request.headers['webhook-id'])).size).toBe(500);
		expect(receiver.maxInFlight()).toBeLessThanOrEqual(50);
		expect(receiver.maxInFlight()).toBeGreaterThan(1);
	});
});
