import { beforeEach, describe, expect, it } from 'vitest';

import { resetDedupeStores } from '../../../nodes/core/dedupe';
import { createEventFilter } from '../../../nodes/core/eventFilter';
import { createIpAllowlist, parseIp } from '../../../nodes/core/ipAllowlist';
import { nestingExceeds, parseJsonBody } from '../../../nodes/core/jsonBody';
import { outboundIq, resolvePreset } from '../../../nodes/core/providers/index';
import { receive } from '../../../nodes/core/receive';
import { readPath, renderBodyTemplate } from '../../../nodes/core/registration';
import { callWebhook, emitted } from '../../helpers/n8nContext.mjs';
import { SECRET, signedDelivery } from '../../helpers/signedRequests.mjs';

beforeEach(() => resetDedupeStores());

describe('IP allowlist', () => {
	it('parses IPv4, IPv6, compressed forms and IPv4-mapped IPv6', () => {
		expect([...(parseIp('192.0.2.1') ?? [])]).toEqual([192, 0, 2, 1]);
		expect([...(parseIp('::ffff:192.0.2.1') ?? [])]).toEqual([192, 0, 2, 1]);
		expect([...(parseIp('::ffff:c000:201') ?? [])]).toEqual([192, 0, 2, 1]);
		expect(parseIp('2001:db8::1')?.length).toBe(16);
		expect(parseIp('fe80::1%eth0')?.length).toBe(16);
		for (const bad of ['', '256.1.1.1', '1.2.3', '1::2::3', 'zz::1', 'hello', '1.2.3.4.5', '12345::']) {
			expect(parseIp(bad), bad).toBeUndefined();
		}
	});

	it('matches CIDR ranges of both families, and mapped addresses against IPv4 ranges', () => {
		const list = createIpAllowlist('10.0.0.0/8, 192.168.1.7\n2001:db8:abcd::/48 ::ffff:172.16.0.0/108');
		expect(list.invalid).toEqual([]);
		expect(list.allows('10.255.0.1')).toBe(true);
		expect(list.allows('::ffff:10.1.2.3')).toBe(true);
		expect(list.allows('192.168.1.7')).toBe(true);
		expect(list.allows('192.168.1.8')).toBe(false);
		expect(list.allows('2001:db8:abcd:12::1')).toBe(true);
		expect(list.allows('2001:db8:abce::1')).toBe(false);
		expect(list.allows('172.16.5.5')).toBe(true);
		expect(list.allows('172.32.0.1')).toBe(false);
		expect(list.allows(undefined)).toBe(false);
		expect(list.allows('garbage')).toBe(false);
	});

	it('prefix lengths that are not byte-aligned', () => {
		const list = createIpAllowlist('203.0.113.64/26');
		expect(list.allows('203.0.113.64')).toBe(true);
		expect(list.allows('203.0.113.127')).toBe(true);
		expect(list.allows('203.0.113.128')).toBe(false);
		expect(list.allows('203.0.113.63')).toBe(false);
	});

	it('an empty list allows anyone; a list of only invalid entries allows no one', () => {
		expect(createIpAllowlist('').allows('1.2.3.4')).toBe(true);
		const invalid = createIpAllowlist('not-an-ip, 10.0.0.0/33');
		expect(invalid.invalid).toEqual(['not-an-ip', '10.0.0.0/33']);
		expect(invalid.allows('10.0.0.1')).toBe(false);
	});
});

describe('JSON parsing of untrusted bodies', () => {
	it('counts the nesting of containers, not brackets inside strings', () => {
		const depth = (text: string, limit: number) => nestingExceeds(JSON.parse(text), limit);
		expect(depth('{"a":"[[[[[[[[[["}', 3)).toBe(false);
		expect(depth('{"a":[[[1]]]}', 3)).toBe(true);
		expect(depth('{"a":[[1]]}', 3)).toBe(false);
		expect(depth('{"a":"\\"[[[["}', 2)).toBe(false);
		expect(depth('[{"a":{"b":[{}]}}]', 4)).toBe(true);
	});

	it('refuses JSON nested past the limit, however long, and invalid UTF-8', () => {
		const deep = '['.repeat(200_000) + ']'.repeat(200_000);
		expect(parseJsonBody(Buffer.from(deep))).toMatchObject({ ok: false, reason: 'too_deep' });
		expect(parseJsonBody(Buffer.from('{"a":[[1]]}'), 2)).toMatchObject({ ok: false, reason: 'too_deep' });
		expect(parseJsonBody(Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d]))).toMatchObject({ ok: false, reason: 'invalid_json' });
	});

	it('drops __proto__ keys, even written with escapes', () => {
		for (const text of ['{"__proto__":{"polluted":1},"a":1}', '{"\\u005f_proto__":{"polluted":1},"a":1}']) {
			const parsed = parseJsonBody(Buffer.from(text));
			expect(parsed.ok).toBe(true);
			const value = (parsed as { value: Record<string, unknown> }).value;
			expect(Object.prototype.hasOwnProperty.call(value, '__proto__')).toBe(false);
			expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
			expect(value.a).toBe(1);
		}
	});
});

describe('__proto__ and constructor keys do not pollute', () => {
	it('through webhook() with a valid signature', async () => {
		const body = Buffer.from(
			'{"id":"evt_p","type":"lead.captured","created":1715200000,"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}},"data":{"__proto__":{"polluted":"yes"},"lead":{"name":"x"}}}',
		);
		const { result } = await callWebhook({
			params: { provider: 'onCallClerk', events: ['*'], options: { includeHeaders: true } },
			credential: { signingSecret: SECRET },
			body,
			headers: { ...signedDelivery('onCallClerk', body).headers, __proto__: 'x' } as Record<string, string>,
		});
		const [item] = emitted(result);
		expect(item.event).toBe('lead.captured');
		expect(({} as Record<string, unknown>).polluted).toBeUndefined();
		expect((Object.prototype as Record<string, unknown>).polluted).toBeUndefined();
		const data = item.data as Record<string, unknown>;
		expect(Object.getPrototypeOf(data)).toBe(Object.prototype);
		expect(data.polluted).toBeUndefined();
		// A deep copy, as n8n makes of items, stays clean too.
		const copy = JSON.parse(JSON.stringify(item)) as Record<string, unknown>;
		expect(copy.polluted).toBeUndefined();
	});

	it('an event named like an Object.prototype member is not subscribed by accident', () => {
		const filter = createEventFilter(['lead.captured']);
		expect(filter.matches('constructor')).toBe(false);
		expect(filter.matches('__proto__')).toBe(false);
		expect(filter.matches('toString')).toBe(false);
	});
});

describe('the pure pipeline, without n8n', () => {
	it('returns items for a signed outboundIQ batch', () => {
		const delivery = signedDelivery('outboundIq');
		const outcome = receive(
			{ body: delivery.body, headers: Object.fromEntries(Object.entries(delivery.headers).map(([k, v]) => [k.toLowerCase(), v])) },
			{ preset: outboundIq, secrets: [SECRET], eventFilter: createEventFilter(['*']) },
		);
		expect(outcome.kind).toBe('emit');
		expect(outcome.kind === 'emit' && outcome.items).toHaveLength(1);
	});

	it('never throws: a preset that throws becomes a 500', () => {
		const delivery = signedDelivery('outboundIq');
		const broken = { ...outboundIq, toEvents: () => { throw new Error('boom'); } };
		const outcome = receive(
			{ body: delivery.body, headers: Object.fromEntries(Object.entries(delivery.headers).map(([k, v]) => [k.toLowerCase(), v])) },
			{ preset: broken, secrets: [SECRET], eventFilter: createEventFilter(['*']) },
		);
		expect(outcome).toMatchObject({ kind: 'reject', status: 500, error: 'internal_error' });
	});

	it('Custom HMAC presets are built from settings and cached', () => {
		const settings = { algorithm: 'sha1' as const, signatureHeader: 'X-Sig', encoding: 'hex' as const };
		expect(resolvePreset('customHmac', settings)).toBe(resolvePreset('customHmac', { ...settings }));
		expect(() => resolvePreset('customHmac', { ...settings, template: '{timestamp}.{body}' })).toThrow();
	});
});

describe('registration helpers', () => {
	it('the body template replaces placeholders inside JSON values only', () => {
		const rendered = renderBodyTemplate(
			'{"url":"%WEBHOOK_URL%","events":"%EVENTS%","secret":"%SECRET%","note":"for %EVENTS%"}',
			{ webhookUrl: 'https://x/"quoted"', events: ['lead.*', 'call.completed'], secret: 's3' },
		);
		expect(rendered).toEqual({
			url: 'https://x/"quoted"',
			events: ['lead.*', 'call.completed'],
			secret: 's3',
			note: 'for lead.*,call.completed',
		});
	});

	it('reads dot paths through own properties only', () => {
		expect(readPath({ data: { id: 7 } }, 'data.id')).toBe(7);
		expect(readPath({ items: [{ secret: 's' }] }, 'items.0.secret')).toBe('s');
		expect(readPath({}, 'constructor')).toBeUndefined();
		expect(readPath({ a: 1 }, '')).toBeUndefined();
	});
});
