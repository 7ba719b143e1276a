import { describe, expect, it } from 'vitest';

import { DedupeStore, dedupeStoreFor } from '../../nodes/core/dedupe';

describe('DedupeStore', () => {
	it('remembers a key within the window and forgets it after', () => {
		const store = new DedupeStore({ windowSeconds: 60, maxKeys: 10 });
		expect(store.checkAndSet('a', 1_000)).toBe(true);
		expect(store.checkAndSet('a', 30_000)).toBe(false);
		expect(store.checkAndSet('a', 61_001)).toBe(true);
	});

	it('is bounded: past maxKeys the oldest key goes first', () => {
		const store = new DedupeStore({ windowSeconds: 3600, maxKeys: 3 });
		for (const key of ['a', 'b', 'c', 'd']) expect(store.checkAndSet(key, 0)).toBe(true);
		expect(store.size).toBe(3);
		expect(store.checkAndSet('d', 0)).toBe(false);
		// 'a' was evicted: it is new again.
		expect(store.checkAndSet('a', 0)).toBe(true);
	});

	it('defaults to a 24 h window and 10,000 keys', () => {
		const store = new DedupeStore();
		for (let i = 0; i < 10_500; i++) store.checkAndSet(`k${i}`, 0);
		expect(store.size).toBe(10_000);
		expect(store.checkAndSet('k10499', 24 * 3600 * 1000 - 1)).toBe(false);
		expect(store.checkAndSet('k10499', 24 * 3600 * 1000 + 1)).toBe(true);
	});

	it('a window of 0 turns it off', () => {
		const store = new DedupeStore({ windowSeconds: 0 });
		expect(store.checkAndSet('a')).toBe(true);
		expect(store.checkAndSet('a')).toBe(true);
	});

	it('forget() makes a key new again', () => {
		const store = new DedupeStore({ windowSeconds: 60 });
		expect(store.checkAndSet('a', 0)).toBe(true);
		store.forget('a');
		expect(store.checkAndSet('a', 0)).toBe(true);
	});

	it('stores are per node scope', () => {
		const one = dedupeStoreFor('wf:1:webhook', {});
		const two = dedupeStoreFor('wf:2:webhook', {});
		expect(one).not.toBe(two);
		expect(dedupeStoreFor('wf:1:webhook', {})).toBe(one);
	});
});
