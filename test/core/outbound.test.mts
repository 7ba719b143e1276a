import { describe, expect, it } from 'vitest';

import {
	buildBody,
	checkBatch,
	checkIdempotencyHeader,
	ConfigError,
	createSigner,
	envelopeFor,
	fixedHeaderLists,
	newDeliveryId,
	parseHeaderPairs,
	parseHeadersJson,
	parseUrls,
	resolveEvent,
	resolveScheme,
} from '../../nodes/core/outbound';
import { mergeHeaders } from '../../nodes/core/delivery';
import { resolvePreset } from '../../nodes/core/providers/index';

const NOW = new Date('2026-11-22T10:00:00.000Z');
const lower = (headers: Record<string, string>) =>
	Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));

function configError(run: () => unknown): ConfigError {
	try {
		run();
	} catch (error) {
		expect(error).toBeInstanceOf(ConfigError);
		return error as ConfigError;
	}
	throw new Error('expected a ConfigError');
}

describe('parseUrls', () => {
	it('takes one URL, a list in text, or an array', () => {
		expect(parseUrls('https://a.example/x')).toEqual(['https://a.example/x']);
		expect(parseUrls('https://a.example/x, http://b.example/y\nhttps://c.example')).toEqual([
			'https://a.example/x',
			'http://b.example/y',
			'https://c.example',
		]);
		expect(parseUrls(['https://a.example', ' https://b.example '])).toEqual(['https://a.example', 'https://b.example']);
	});

	it('rejects non-http(s), malformed, empty, and URLs with credentials, naming the field', () => {
		for (const value of ['ftp://a.example/x', 'file:///etc/passwd', 'javascript:alert(1)', 'not a url', '', '  ', [], 'https://user:pw@a.example']) {
			const error = configError(() => parseUrls(value));
			expect(error.field).toBe('urls');
			expect(error.message).toMatch(/^URLs: /);
		}
		expect(configError(() => parseUrls('ftp://a.example/x')).message).toContain('not an http or https URL');
	});
});

describe('headers', () => {
	it('pairs skip empty names and stringify values', () => {
		expect(parseHeaderPairs([{ name: 'X-A', value: '1' }, { name: '', value: 'x' }, { name: 'X-B', value: 2 }])).toEqual({ 'X-A': '1', 'X-B': '2' });
		expect(parseHeaderPairs(undefined)).toEqual({});
	});

	it('JSON must be an object; anything else says so and names the field', () => {
		expect(parseHeadersJson('{"Authorization":"Bearer x","X-CRM-Source":"outcaller"}')).toEqual({
			Authorization: 'Bearer x',
			'X-CRM-Source': 'outcaller',
		});
		expect(parseHeadersJson({ 'X-Obj': 'yes' })).toEqual({ 'X-Obj': 'yes' });
		expect(parseHeadersJson('')).toEqual({});
		for (const [value, kind] of [
			['[1,2]', 'an array'],
			['"text"', 'a string'],
			['42', 'a number'],
			['null', 'null'],
			['{not json', 'not valid JSON'],
		] as const) {
			const error = configError(() => parseHeadersJson(value));
			expect(error.field).toBe('headersJson');
			expect(error.message).toContain('Headers (JSON)');
			expect(error.message).toContain(kind);
		}
	});

	it('rejects bad header names and values with line breaks', () => {
		expect(configError(() => parseHeadersJson('{"Bad Name":"x"}')).message).toContain('not a valid header name');
		expect(configError(() => parseHeadersJson('{"X-A":"a\\r\\nInjected: 1"}')).message).toContain('line break');
		expect(configError(() => parseHeadersJson('{"X-A":{"nested":1}}')).message).toContain('must be text');
		expect(configError(() => parseHeaderPairs([{ name: 'X A', value: '1' }])).field).toBe('headers');
	});

	it('signature and Content-Type win over extra headers', () => {
		const lists = fixedHeaderLists({
			userAgent: 'ua/1',
			extra: { 'content-type': 'text/plain', 'user-agent': 'mine/2', 'X-Extra': '1' },
			envelopeHeaders: { 'X-Webhook-Event': 'a.b' },
			deliveryId: 'msg_1',
			idempotencyHeader: 'Idempotency-Key',
		});
		expect(mergeHeaders(...lists)).toEqual({
			'user-agent': 'mine/2',
			'Content-Type': 'application/json',
			'X-Extra': '1',
			'X-Webhook-Event': 'a.b',
			'Idempotency-Key': 'msg_1',
		});
	});
});

describe('batch settings', () => {
	it('accepts 1..100 and needs a key above 1', () => {
		expect(checkBatch(1, '')).toEqual({ size: 1, key: '' });
		expect(checkBatch(100, 'dials')).toEqual({ size: 100, key: 'dials' });
		for (const size of [0, 101, 2.5, 'x', -1]) expect(configError(() => checkBatch(size, 'dials')).field).toBe('batchSize');
		expect(configError(() => checkBatch(5, '')).field).toBe('batchKey');
		expect(configError(() => checkBatch(5, '__proto__')).field).toBe('batchKey');
	});
});

describe('idempotency header', () => {
	it('takes a header name or nothing, trimmed; anything else names the field', () => {
		expect(checkIdempotencyHeader(' Idempotency-Key ')).toBe('Idempotency-Key');
		expect(checkIdempotencyHeader('')).toBe('');
		expect(checkIdempotencyHeader(undefined)).toBe('');
		const error = configError(() => checkIdempotencyHeader('bad header'));
		expect(error.field).toBe('idempotencyHeader');
		expect(error.message).toBe('Idempotency Header: "bad header" is not a valid header name');
	});
});

describe('events and schemes', () => {
	it('requires an event for envelopes that carry one', () => {
		expect(resolveEvent('none', '')).toBe('');
		expect(resolveEvent('outboundIq', '')).toBe('dial.batch');
		expect(resolveEvent('pbx', ' contact.created ')).toBe('contact.created');
		expect(configError(() => resolveEvent('standardWebhooks', '')).field).toBe('event');
	});

	it('resolves every named scheme, none, and custom HMAC; bad custom settings name the field', () => {
		for (const name of ['standardWebhooks', 'stripe', 'github', 'shopify', 'outboundIq', 'onCallClerk', 'pbx']) {
			expect(resolveScheme(name)?.name).toBe(name);
		}
		expect(resolveScheme('none')).toBeUndefined();
		expect(resolveScheme('customHmac', { signatureHeader: 'X-Sig', algorithm: 'sha512', encoding: 'base64' })?.name).toBe('customHmac');
		expect(configError(() => resolveScheme('customHmac', { signatureHeader: 'X-Sig', algorithm: 'sha256', encoding: 'hex', template: '{timestamp}.{body}' })).field).toBe('customTemplate');
		expect(configError(() => resolveScheme('customHmac', { signatureHeader: 'bad header', algorithm: 'sha256', encoding: 'hex' })).field).toBe('customSignatureHeader');
		expect(configError(() => resolveScheme('md5')).field).toBe('signatureScheme');
		expect(configError(() => createSigner(resolveScheme('github'), [])).field).toBe('signatureScheme');
		expect(createSigner(undefined, [])).toBeUndefined();
	});

	it('delivery ids take the platform form', () => {
		expect(newDeliveryId('outboundIq')).toMatch(/^[0-9a-f-]{36}$/);
		expect(newDeliveryId('onCallClerk')).toMatch(/^evt_[0-9a-f]{32}$/);
		expect(newDeliveryId('none')).toMatch(/^msg_[0-9a-f]{32}$/);
	});
});

describe('envelopes, and the trigger presets accept what they build', () => {
	const item = { id: 'lead_123', workspaceId: 'ws_1', name: 'Priya Sharma' };
	const build = (envelope: string, event: string, items: unknown[] = [item], batch = { size: 1, key: '' }) =>
		buildBody({ envelope: envelopeFor(envelope), event, deliveryId: 'id_1', timestamp: NOW, items, batch });

	it('item as is', () => {
		expect(JSON.parse(build('none', '').body.toString())).toEqual(item);
		expect(JSON.parse(build('none', '', [item, item], { size: 2, key: 'records' }).body.toString())).toEqual({ records: [item, item] });
	});

	it('builds each platform shape with its headers', () => {
		expect(JSON.parse(build('standardWebhooks', 'lead.created').body.toString())).toEqual({
			type: 'lead.created',
			timestamp: '2026-11-22T10:00:00.000Z',
			data: item,
		});
		const outcaller = build('outCallerAi', 'lead.created');
		expect(JSON.parse(outcaller.body.toString())).toEqual({
			event: 'lead.created',
			resource: 'lead',
			action: 'created',
			workspaceId: 'ws_1',
			timestamp: '2026-11-22T10:00:00.000Z',
			data: item,
		});
		expect(outcaller.envelopeHeaders).toEqual({
			'X-Outcaller-Event': 'lead.created',
			'X-Outcaller-Resource': 'lead',
			'X-Outcaller-Action': 'created',
			'X-Outcaller-Workspace-Id': 'ws_1',
		});
		expect(JSON.parse(build('onCallClerk', 'lead.captured').body.toString())).toEqual({
			id: 'id_1',
			type: 'lead.captured',
			created: Math.floor(NOW.getTime() / 1000),
			data: item,
		});
		const pbx = build('pbx', 'contact.created');
		expect(JSON.parse(pbx.body.toString())).toEqual({ event: 'contact.created', timestamp: Math.floor(NOW.getTime() / 1000), data: item });
		expect(pbx.envelopeHeaders).toEqual({ 'X-Webhook-Event': 'contact.created' });
	});

	it('outboundIQ: 100 items become one dial.batch of 100 dials', () => {
		const dials = Array.from({ length: 100 }, (_, index) => ({ callId: `AB${index}`, contact: true }));
		const built = build('outboundIq', 'dial.batch', dials, { size: 100, key: 'ignored' });
		const body = JSON.parse(built.body.toString());
		expect(body).toMatchObject({ event: 'dial.batch', deliveryId: 'id_1', deliveredAt: '2026-11-22T10:00:00.000Z' });
		expect(body.dials).toHaveLength(100);
		expect(body.dials[99]).toEqual({ callId: 'AB99', contact: true });
		expect(built.envelopeHeaders).toEqual({ 'X-OutboundIQ-Event': 'dial.batch', 'X-OutboundIQ-Delivery-Id': 'id_1' });
	});

	it.each([
		['standardWebhooks', 'lead.created'],
		['outCallerAi', 'lead.created'],
		['onCallClerk', 'lead.captured'],
		['outboundIq', 'dial.batch'],
		['pbx', 'contact.created'],
	])('%s: the trigger preset parses the body, agrees with the headers and verifies the signature', (name, event) => {
		const preset = resolvePreset(name)!;
		const built = build(name, event);
		const secret = name === 'standardWebhooks' ? `whsec_${Buffer.from('round-trip-key-0123456789').toString('base64')}` : 'round-trip-secret-1';
		const parsed = preset.envelope.safeParse(JSON.parse(built.body.toString()));
		expect(parsed.success).toBe(true);
		const signature = preset.scheme ? preset.scheme.sign({ body: built.body, secret, id: 'id_1', timestamp: Math.floor(Date.now() / 1000) }) : {};
		const headers = lower(mergeHeaders(...fixedHeaderLists({ userAgent: 'ua', extra: {}, envelopeHeaders: built.envelopeHeaders, deliveryId: 'id_1', idempotencyHeader: 'Idempotency-Key' }), signature));
		if (preset.scheme) expect(preset.scheme.verify({ body: built.body, headers, secrets: [secret] }).ok).toBe(true);
		const request = { body: built.body, headers, envelope: parsed.data, receivedAtMs: NOW.getTime(), signedId: 'id_1' };
		expect(preset.check?.(request)).toBeUndefined();
		expect(preset.eventName(request)).toBe(event);
	});
});
