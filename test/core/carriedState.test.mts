import { describe, expect, it } from 'vitest';

import { readCarriedState } from '../../nodes/core/carriedState';

/** Version 1 exactly as 0.1 writes it, frozen: later versions must keep reading it. */
const WRITTEN_BY_V1 = {
	version: 1,
	phase: 'pending',
	deliveryId: 'msg_2pQxV4t1',
	url: 'https://crm.example/hooks',
	event: 'lead.created',
	attempts: 2,
	firstAttemptAt: '2026-11-22T10:00:00.000Z',
	nextAttemptAt: '2026-11-22T10:35:05.000Z',
	history: [
		{ attempt: 1, error: 'connection_refused', errorCode: 'ECONNREFUSED', durationMs: 3, signedAt: 1795428000, waitMs: 5000 },
		{ attempt: 2, status: 503, durationMs: 41, signedAt: 1795428005, waitMs: 300000 },
	],
	body: Buffer.from('{"id":"lead_1","name":"Zoë"}').toString('base64'),
	headers: { 'Content-Type': 'application/json', 'Idempotency-Key': 'msg_2pQxV4t1' },
	scheme: { name: 'standardWebhooks' },
	schedule: { delaysMs: [0, 5000, 300000], jitter: 0.1, retryAfterCapMs: 3600000, maxAgeMs: 259200000 },
	timeoutMs: 10000,
	items: [{ id: 'lead_1', name: 'Zoë' }],
};

describe('readCarriedState', () => {
	it('reads what version 1 wrote', () => {
		const read = readCarriedState({ deliveryId: 'msg_2pQxV4t1', retry: WRITTEN_BY_V1 });
		expect(read).toEqual({ kind: 'state', state: WRITTEN_BY_V1 });
	});

	it('an item without state is fresh, even with a retry field of its own', () => {
		expect(readCarriedState({ id: 'lead_1' })).toEqual({ kind: 'none' });
		expect(readCarriedState({ retry: { count: 3 } })).toEqual({ kind: 'none' });
		expect(readCarriedState(null)).toEqual({ kind: 'none' });
	});

	it('a version it does not know, or a broken state, is reported rather than sent', () => {
		expect(readCarriedState({ retry: { ...WRITTEN_BY_V1, version: 99 } })).toEqual({
			kind: 'unreadable',
			problem: 'retry state version 99 is not one this package reads',
		});
		expect(readCarriedState({ retry: { ...WRITTEN_BY_V1, nextAttemptAt: 'later' } })).toMatchObject({ kind: 'unreadable' });
		expect(readCarriedState({ retry: { ...WRITTEN_BY_V1, body: undefined } })).toMatchObject({ kind: 'unreadable' });
	});
});
