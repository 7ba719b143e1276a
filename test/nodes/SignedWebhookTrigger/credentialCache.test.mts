/**
 * What the trigger reads from n8n per request: the credential only after screening, and for
 * production deliveries only every CREDENTIAL_LIFETIME_MS, or again when a signature fails.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import {
	CREDENTIAL_LIFETIME_MS,
	CREDENTIAL_REFRESH_MS,
	CredentialCache,
} from '../../../nodes/SignedWebhookTrigger/credentialCache';
import { callWebhook, emitted, freshDedupeMemory, type WebhookCall } from '../../helpers/triggerNode.mts';
import { exampleBodies, nowSeconds, signedDelivery, type Delivery } from '../../helpers/signedRequests.mjs';

const storeDown = new Error('credential store unavailable');

let deliveries = 0;
/** An OnCallClerk delivery with its own event id, so that dedupe never answers it. */
function delivery(secret?: string): Delivery {
	const body = JSON.parse(exampleBodies.onCallClerk().toString('utf8')) as { id: string };
	body.id = `evt_cache_${++deliveries}`;
	return signedDelivery('onCallClerk', Buffer.from(JSON.stringify(body)), secret ? { secret } : {});
}
const ROTATED = 'trigger-rotated-secret-4c8d20';

const asCall = (delivery: Delivery, change: Partial<WebhookCall> = {}): WebhookCall => ({
	params: delivery.params,
	credential: delivery.credential,
	body: delivery.body,
	headers: delivery.headers,
	...change,
});

beforeEach(() => {
	freshDedupeMemory();
	// Only the clock: it starts at the real time, so that signed timestamps stay fresh.
	vi.useFakeTimers({ toFake: ['Date'] });
});
afterEach(() => vi.useRealTimers());

describe('CredentialCache', () => {
	it('reads once per lifetime, again on refresh only after the refresh interval, and stays bounded', async () => {
		const cache = new CredentialCache<number>(1000, 100, 2);
		let reads = 0;
		const read = async () => ++reads;
		expect(await cache.get('a', read, 0)).toEqual({ value: 1, fresh: true });
		expect(await cache.get('a', read, 999)).toEqual({ value: 1, fresh: false });
		expect(await cache.refresh('a', read, 99)).toBeUndefined();
		expect(await cache.refresh('a', read, 100)).toBe(2);
		expect(await cache.get('a', read, 1099)).toEqual({ value: 2, fresh: false });
		expect(await cache.get('a', read, 1100)).toEqual({ value: 3, fresh: true });
		await cache.get('b', read, 1100);
		await cache.get('c', read, 1100);
		// 'a' was read longest ago and made room for 'c'.
		expect(await cache.get('a', read, 1100)).toEqual({ value: 6, fresh: true });
	});

	it('concurrent requests that find the value old share one read', async () => {
		const cache = new CredentialCache<number>(1000, 100);
		let reads = 0;
		let finish = () => {};
		const read = () => new Promise<number>((resolve) => (finish = () => resolve(++reads)));
		const waiting = [cache.get('a', read, 0), cache.get('a', read, 0), cache.refresh('a', read, 0)];
		finish();
		expect(await Promise.all(waiting)).toEqual([
			{ value: 1, fresh: true },
			{ value: 1, fresh: true },
			1,
		]);
		expect(reads).toBe(1);
	});
});

describe('the trigger rejects before reading the credential', () => {
	// PBX signs a timestamp, so every header check applies.
	const pbx = signedDelivery('pbx');
	const stale = signedDelivery('pbx', exampleBodies.pbx(), { timestamp: nowSeconds() - 3600 });
	const unreadable = (change: Partial<WebhookCall>) => asCall(pbx, { credentialError: storeDown, ...change });
	const withOptions = (options: Record<string, unknown>) => ({ params: { ...pbx.params, options } });

	it.each([
		['no signature header', { headers: { 'X-Webhook-Timestamp': pbx.headers['X-Webhook-Timestamp'] } }, 401, 'missing_signature'],
		['a malformed signature', { headers: { ...pbx.headers, 'X-Webhook-Signature': 'not-hex' } }, 401, 'malformed_signature'],
		['no timestamp header', { headers: { 'X-Webhook-Signature': pbx.headers['X-Webhook-Signature'] } }, 401, 'missing_timestamp'],
		['a stale timestamp', { headers: stale.headers, body: stale.body }, 401, 'stale_timestamp'],
		['a body over the limit', withOptions({ maxBodyBytes: 10 }), 413, 'body_too_large'],
		['a source outside the allowlist', { ...withOptions({ ipAllowlist: '10.0.0.0/8' }), ip: '192.0.2.1' }, 403, 'ip_not_allowed'],
	])('%s: answered even while the credential store is down', async (_name, change, status, error) => {
		const { response, result } = await callWebhook(unreadable(change as Partial<WebhookCall>));
		expect(result).toEqual({ noWebhookResponse: true });
		expect(response).toMatchObject({ status, body: { error } });
	});

	it('a well-formed request still needs the credential: the store being down is a 500', async () => {
		const { response } = await callWebhook(unreadable({}));
		expect(response).toMatchObject({ status: 500, body: { error: 'bad_configuration' } });
	});
});

describe('production deliveries keep the credential briefly', () => {
	it('reuses it within its lifetime, reads it again after', async () => {
		const first = await callWebhook(asCall(delivery()));
		expect(emitted(first.result)).toHaveLength(1);
		const kept = await callWebhook(asCall(delivery(), { credentialError: storeDown }));
		expect(emitted(kept.result)).toHaveLength(1);
		vi.setSystemTime(Date.now() + CREDENTIAL_LIFETIME_MS);
		const expired = await callWebhook(asCall(delivery(), { credentialError: storeDown }));
		expect(expired.response).toMatchObject({ status: 500, body: { error: 'bad_configuration' } });
	});

	it('a rotated secret applies at once once the refresh interval has passed since the last read', async () => {
		await callWebhook(asCall(delivery()));
				const withRotated = asCall(delivery(ROTATED), { credential: { signingSecret: ROTATED } });
		// Read less than CREDENTIAL_REFRESH_MS ago: a failed signature does not reach n8n again.
		expect((await callWebhook(withRotated)).response).toMatchObject({ status: 401, body: { error: 'mismatch' } });
		vi.setSystemTime(Date.now() + CREDENTIAL_REFRESH_MS);
		const accepted = await callWebhook(asCall(delivery(ROTATED), { credential: { signingSecret: ROTATED } }));
		expect(emitted(accepted.result)).toHaveLength(1);
		expect(emitted(accepted.result)[0].verification).toEqual({ secret: 'current', scheme: 'onCallClerk' });
	});

	it('test deliveries (manual mode) read the credential every time', async () => {
		await callWebhook(asCall(delivery(), { mode: 'manual' }));
				const accepted = await callWebhook(asCall(delivery(ROTATED), { credential: { signingSecret: ROTATED }, mode: 'manual' }));
		expect(emitted(accepted.result)).toHaveLength(1);
		const down = await callWebhook(asCall(delivery(), { credentialError: storeDown, mode: 'manual' }));
		expect(down.response).toMatchObject({ status: 500, body: { error: 'bad_configuration' } });
	});
});
