import { Readable } from 'node:stream';

import { describe, expect, it } from 'vitest';

import { createCappedSend, readCapped } from '../../nodes/core/cappedSend';
import { classifyError } from '../../nodes/core/delivery';

describe('readCapped and createCappedSend', () => {
	const never = new Promise<never>(() => undefined);

	it('stops reading a 10 MB stream after the cap and destroys it', async () => {
		let produced = 0;
		const stream = new Readable({
			read() {
				if (produced >= 10 * 1024 * 1024) {
					this.push(null);
					return;
				}
				produced += 16 * 1024;
				this.push(Buffer.alloc(16 * 1024, 0x62));
			},
		});
		const result = await readCapped(stream, 2048, never as Promise<never>, 1000);
		expect(result.body.length).toBe(2048);
		expect(result.truncated).toBe(true);
		expect(stream.destroyed).toBe(true);
		expect(produced).toBeLessThan(1024 * 1024);
	});

	it('reads in-memory bodies (Buffer, string, object) the same way', async () => {
		expect((await readCapped('abc', 2048, never, 1)).body.toString()).toBe('abc');
		expect((await readCapped({ a: 1 }, 2048, never, 1)).body.toString()).toBe('{"a":1}');
		expect(await readCapped(Buffer.alloc(5000), 2048, never, 1)).toMatchObject({ truncated: true });
		expect((await readCapped(undefined, 2048, never, 1)).body.length).toBe(0);
	});

	it('times out a body that stalls after the headers, with the injected sleep', async () => {
		const stream = new Readable({ read() {} });
		stream.push('first');
		let release!: () => void;
		const sleep = () => new Promise<void>((resolve) => (release = resolve));
		const send = createCappedSend(async () => ({ status: 200, headers: {}, body: stream }), sleep);
		const pending = send({ url: 'http://x', method: 'POST', headers: {}, body: Buffer.alloc(0), timeoutMs: 50 });
		await new Promise((resolve) => setImmediate(resolve));
		release();
		await expect(pending).rejects.toMatchObject({ code: 'ETIMEDOUT' });
		expect(stream.destroyed).toBe(true);
	});

	it('times out when the headers never come, and destroys a late body', async () => {
		let release!: () => void;
		const sleep = () => new Promise<void>((resolve) => (release = resolve));
		const late = new Readable({ read() {} });
		let answer!: (value: { status: number; body: Readable }) => void;
		const send = createCappedSend(() => new Promise((resolve) => (answer = resolve)), sleep);
		const pending = send({ url: 'http://x', method: 'POST', headers: {}, body: Buffer.alloc(0), timeoutMs: 50 });
		release();
		await expect(pending).rejects.toMatchObject({ code: 'ETIMEDOUT' });
		answer({ status: 200, body: late });
		await new Promise((resolve) => setImmediate(resolve));
		expect(late.destroyed).toBe(true);
		expect(classifyError(await pending.catch((error) => error)).errorClass).toBe('timeout');
	});
});
