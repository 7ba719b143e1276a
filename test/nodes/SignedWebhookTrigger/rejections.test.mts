/** Every refusal of webhook() in n8n-core's WebhookContext: its status, code, log line and what it never says. */
import { beforeEach, describe, expect, it } from 'vitest';

import { callWebhook, freshDedupeMemory, type WebhookCall } from '../../helpers/triggerNode.mts';
import {
	API_KEY,
	BEARER_TOKEN,
	PREVIOUS_SECRET,
	SECRET,
	exampleBodies,
	nowSeconds,
	signedDelivery,
	type Delivery,
} from '../../helpers/signedRequests.mjs';

const SECRET_VALUES = [SECRET, PREVIOUS_SECRET, BEARER_TOKEN, API_KEY];

beforeEach(() => freshDedupeMemory());

function options(delivery: Delivery, change: Partial<WebhookCall> = {}): WebhookCall {
	return {
		params: delivery.params,
		credential: delivery.credential,
		body: delivery.body,
		headers: delivery.headers,
		...change,
	};
}

const allow = (delivery: Delivery, list: string, ip: string) =>
	options(delivery, { params: { ...delivery.params, options: { ipAllowlist: list } }, ip });

/** Runs webhook() and checks the invariants of every rejection. */
async function expectRejected(call: WebhookCall, status: number, error: string) {
	const { result, response, logs } = await callWebhook(call);
	expect(response.status).toBe(status);
	expect(response.body).toMatchObject({ error, message: expect.any(String) });
	expect(Object.keys(response.body as object).sort()).toEqual(['error', 'message']);
	// No execution: no workflowData at all.
	expect(result).toEqual({ noWebhookResponse: true });
	// Logged once with reason, provider, delivery id and source IP.
	const warnings = logs.filter((log) => log.level === 'warn');
	expect(warnings).toHaveLength(1);
	expect(warnings[0].meta).toMatchObject({ reason: error, status, provider: call.params.provider, sourceIp: expect.any(String) });
	// Neither the response nor the log carries a secret or the body.
	const said = JSON.stringify({ body: response.body, logs });
	for (const secret of SECRET_VALUES) expect(said).not.toContain(secret);
	const bodyText = Buffer.isBuffer(call.body) ? call.body.toString('utf8') : call.body;
	if (bodyText.length > 20) expect(said).not.toContain(bodyText.slice(0, 40));
	return { response, logs };
}

describe('bad or missing signature: 401', () => {
	for (const provider of ['onCallClerk', 'outboundIq', 'pbx', 'standardWebhooks', 'stripe', 'github', 'shopify', 'customHmac']) {
		it(`${provider}: signed with the wrong secret`, async () => {
			const delivery = signedDelivery(provider, undefined, {
				secret: provider === 'standardWebhooks' ? `whsec_${Buffer.from('wrong-key-wrong-key-wrong').toString('base64')}` : 'wrong-secret-123456',
			});
			await expectRejected(options(delivery), 401, 'mismatch');
		});

		it(`${provider}: one flipped body byte`, async () => {
			const delivery = signedDelivery(provider);
			const body = Buffer.from(delivery.body);
			const index = body.indexOf(0x3a); // the first ':'
			body[index + 1] = body[index + 1] === 0x20 ? 0x09 : 0x20;
			await expectRejected(options(delivery, { body }), 401, 'mismatch');
		});

		it(`${provider}: no signature header`, async () => {
			const delivery = signedDelivery(provider);
			const headers = Object.fromEntries(
				Object.entries(delivery.headers).filter(([name]) => !/signature|hmac|stripe/i.test(name)),
			);
			await expectRejected(options(delivery, { headers }), 401, 'missing_signature');
		});
	}

	it('a signature that is not hex is malformed', async () => {
		const delivery = signedDelivery('outboundIq');
		const headers = { ...delivery.headers, 'X-OutboundIQ-Signature': `sha256=${'zz'.repeat(32)}` };
		await expectRejected(options(delivery, { headers }), 401, 'malformed_signature');
	});
});

describe('stale timestamp: 401', () => {
	for (const provider of ['pbx', 'standardWebhooks', 'stripe', 'customHmac']) {
		it(`${provider}: 301 s old`, async () => {
			const delivery = signedDelivery(provider, undefined, { timestamp: nowSeconds() - 301 });
			await expectRejected(options(delivery), 401, 'stale_timestamp');
		});
	}

	it('PBX: 301 s in the future', async () => {
		const delivery = signedDelivery('pbx', undefined, { timestamp: nowSeconds() + 301 });
		await expectRejected(options(delivery), 401, 'stale_timestamp');
	});

	it('the tolerance is a parameter', async () => {
		const delivery = signedDelivery('pbx', undefined, { timestamp: nowSeconds() - 3600 });
		const { result } = await callWebhook(
			options(delivery, { params: { ...delivery.params, options: { toleranceSeconds: 7200 } } }),
		);
		expect(result.workflowData?.[0]).toHaveLength(1);
	});
});

describe('wrong or missing auth header', () => {
	it('OutCallerAI without Authorization: 401', async () => {
		const delivery = signedDelivery('outCallerAi');
		const { Authorization: _auth, ...headers } = delivery.headers;
		await expectRejected(options(delivery, { headers }), 401, 'missing_auth');
	});

	it('OutCallerAI with a wrong bearer token: 403', async () => {
		const delivery = signedDelivery('outCallerAi');
		await expectRejected(
			options(delivery, { headers: { ...delivery.headers, Authorization: 'Bearer not-the-token' } }),
			403,
			'invalid_auth',
		);
	});

	it('Lead Update Callback with a wrong X-API-Key: 403', async () => {
		const delivery = signedDelivery('leadUpdateCallback');
		await expectRejected(options(delivery, { headers: { 'X-API-Key': 'nope' } }), 403, 'invalid_auth');
	});

	it('a signed preset also checks the auth header when the credential has one', async () => {
		const delivery = signedDelivery('outboundIq', undefined, {
			credential: { signingSecret: SECRET, authType: 'header', headerName: 'X-API-Key', headerSecret: API_KEY },
		});
		await expectRejected(options(delivery), 401, 'missing_auth');
		const { result } = await callWebhook(options(delivery, { headers: { ...delivery.headers, 'X-API-Key': API_KEY } }));
		expect(result.workflowData?.[0]).toHaveLength(1);
	});

	it('OutCallerAI whose X-Outcaller-Event disagrees with the body: 400', async () => {
		const delivery = signedDelivery('outCallerAi');
		await expectRejected(
			options(delivery, { headers: { ...delivery.headers, 'X-Outcaller-Event': 'lead.deleted' } }),
			400,
			'header_mismatch',
		);
	});
});

describe('IP allowlist: 403', () => {
	it('an IPv4 address outside the CIDR', async () => {
		await expectRejected(allow(signedDelivery('leadUpdateCallback'), '203.0.113.0/24', '198.51.100.7'), 403, 'ip_not_allowed');
	});

	it('an IPv6 address outside the CIDR', async () => {
		await expectRejected(allow(signedDelivery('onCallClerk'), '2001:db8::/32', '2001:db9::1'), 403, 'ip_not_allowed');
	});

	it('inside: IPv4, IPv4-mapped IPv6, and IPv6', async () => {
		for (const [list, ip] of [
			['203.0.113.0/24', '203.0.113.9'],
			['203.0.113.0/24', '::ffff:203.0.113.9'],
			['10.0.0.1, 2001:db8::/32', '2001:db8:0:1::5'],
		]) {
			const { result, response } = await callWebhook(allow(signedDelivery('leadUpdateCallback'), list, ip));
			expect(response.status, `${list} ${ip}`).toBeUndefined();
			expect(result.workflowData?.[0]).toHaveLength(1);
			freshDedupeMemory();
		}
	});

	it('Lead Update Callback may rely on the allowlist alone', async () => {
		const delivery = signedDelivery('leadUpdateCallback', undefined, { credential: { authType: 'none' } });
		const { result } = await callWebhook(allow(delivery, '127.0.0.0/8', '127.0.0.1'));
		expect(result.workflowData?.[0]).toHaveLength(1);
	});
});

describe('body that is not JSON, or fails its envelope: 400', () => {
	it('not JSON', async () => {
		const delivery = signedDelivery('onCallClerk', Buffer.from('id=1&type=lead.captured'));
		await expectRejected(options(delivery), 400, 'invalid_json');
	});

	it('empty body', async () => {
		const delivery = signedDelivery('onCallClerk', Buffer.alloc(0));
		await expectRejected(options(delivery), 400, 'empty_body');
	});

	it('invalid UTF-8', async () => {
		const delivery = signedDelivery('onCallClerk', Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]));
		await expectRejected(options(delivery), 400, 'invalid_json');
	});

	it('outboundIQ without dials', async () => {
		const body = Buffer.from('{"event":"dial.batch","deliveryId":"d-1","deliveredAt":"2026-04-10T18:32:16.842Z"}');
		await expectRejected(options(signedDelivery('outboundIq', body)), 400, 'invalid_envelope');
	});

	it('outboundIQ with an empty dials array', async () => {
		const body = Buffer.from('{"event":"dial.batch","deliveryId":"d-2","dials":[]}');
		await expectRejected(options(signedDelivery('outboundIq', body)), 400, 'invalid_envelope');
	});

	it('outboundIQ with 101 dials', async () => {
		const dials = Array.from({ length: 101 }, (_, i) => ({ callId: `c${i}` }));
		const body = Buffer.from(JSON.stringify({ event: 'dial.batch', deliveryId: 'd-3', dials }));
		const { response } = await expectRejected(options(signedDelivery('outboundIq', body)), 400, 'invalid_envelope');
		expect((response.body as { message: string }).message).toMatch(/dials/);
	});

	it('outboundIQ whose dials is not an array, or holds a non-object', async () => {
		for (const dials of ['"x"', '{}', '[1]', '[null]']) {
			const body = Buffer.from(`{"event":"dial.batch","deliveryId":"d-4","dials":${dials}}`);
			await expectRejected(options(signedDelivery('outboundIq', body)), 400, 'invalid_envelope');
		}
	});

	it('OnCallClerk without id', async () => {
		const body = Buffer.from('{"type":"call.started","created":1715200000,"data":{}}');
		await expectRejected(options(signedDelivery('onCallClerk', body)), 400, 'invalid_envelope');
	});

	it('JSON nested deeper than 64 levels', async () => {
		const body = Buffer.from(`{"id":"e","type":"call.started","data":${'['.repeat(100)}${']'.repeat(100)}}`);
		await expectRejected(options(signedDelivery('onCallClerk', body)), 400, 'too_deep');
	});
});

describe('oversized body: 413', () => {
	it('over the configured maximum', async () => {
		const delivery = signedDelivery('onCallClerk');
		await expectRejected(
			options(delivery, { params: { ...delivery.params, options: { maxBodyBytes: 100 } } }),
			413,
			'body_too_large',
		);
	});

	it('over the default 1 MiB', async () => {
		const body = Buffer.from(JSON.stringify({ id: 'big', type: 'call.completed', data: { pad: 'x'.repeat(1024 * 1024) } }));
		await expectRejected(options(signedDelivery('onCallClerk', body)), 413, 'body_too_large');
	});
});

describe('fail closed', () => {
	for (const provider of ['onCallClerk', 'outboundIq', 'pbx', 'standardWebhooks', 'stripe', 'github', 'shopify', 'customHmac']) {
		it(`${provider}: no secret configured answers 500 no_secret, never a silent skip`, async () => {
			const delivery = signedDelivery(provider, undefined, { credential: { authType: 'none' } });
			await expectRejected(options(delivery), 500, 'no_secret');
		});
	}

	it('an auth-header preset with neither auth header nor allowlist answers 500 no_auth_configured', async () => {
		const delivery = signedDelivery('outCallerAi', undefined, { credential: { authType: 'none' } });
		await expectRejected(options(delivery), 500, 'no_auth_configured');
	});
});

describe('webhook() never throws', () => {
	it('when the credential cannot be loaded', async () => {
		const delivery = signedDelivery('onCallClerk');
		const { result, response, logs } = await callWebhook(
			options(delivery, { credentialError: new Error('credential store unavailable') }),
		);
		expect(result).toEqual({ noWebhookResponse: true });
		expect(response).toMatchObject({ status: 500, body: { error: 'bad_configuration' } });
		expect(logs.some((log) => log.level === 'error')).toBe(true);
	});

	it('with an unknown provider', async () => {
		const delivery = signedDelivery('onCallClerk');
		const { response } = await callWebhook(options(delivery, { params: { provider: 'nope' } }));
		expect(response).toMatchObject({ status: 500, body: { error: 'bad_configuration' } });
	});
});

describe('Rejected output (opt-in)', () => {
	it('emits one metadata-only item per rejection on the second output', async () => {
		const delivery = signedDelivery('outboundIq', undefined, { secret: 'wrong-secret-123456' });
		const { result, response } = await callWebhook(
			options(delivery, { params: { ...delivery.params, rejectedOutput: true }, ip: '198.51.100.4' }),
		);
		expect(response.status).toBe(401);
		expect(result.noWebhookResponse).toBe(true);
		expect(result.workflowData?.[0]).toEqual([]);
		const [item] = result.workflowData?.[1] ?? [];
		expect(Object.keys(item.json).sort()).toEqual(
			['deliveryId', 'error', 'message', 'provider', 'receivedAt', 'sourceIp', 'status'].sort(),
		);
		expect(item.json).toMatchObject({
			error: 'mismatch',
			status: 401,
			provider: 'outboundIq',
			deliveryId: '550e8400-e29b-41d4-a716-446655440000',
			sourceIp: '198.51.100.4',
		});
		expect(JSON.stringify(item)).not.toContain(exampleBodies.outboundIq().toString().slice(0, 30));
	});
});

describe('an auth header that authenticates registration at the provider API', () => {
	const withToken = (delivery: Delivery) => ({ ...delivery.credential, authType: 'bearer' as const, bearerToken: 'provider-api-token-77' });

	it('is not demanded back on signed deliveries', async () => {
		const delivery = signedDelivery('standardWebhooks');
		const { response, result } = await callWebhook(
			options(delivery, { credential: withToken(delivery), params: { ...delivery.params, registration: 'api', registrationAuth: 'credential' } }),
		);
		// Accepted: n8n itself answers, and the items go to the workflow.
		expect(response.status).toBeUndefined();
		expect(result.workflowData?.[0]).toHaveLength(1);
	});

	it('is still demanded when registration is manual, and still no substitute for the signature', async () => {
		const delivery = signedDelivery('standardWebhooks');
		await expectRejected(options(delivery, { credential: withToken(delivery) }), 401, 'missing_auth');
		const forged = signedDelivery('standardWebhooks', undefined, { secret: `whsec_${Buffer.from('forged-key-forged-key-1234').toString('base64')}` });
		await expectRejected(
			options(forged, { credential: withToken(delivery), params: { ...forged.params, registration: 'api', registrationAuth: 'credential' } }),
			401,
			'mismatch',
		);
	});
});

describe('an IP Allowlist entry that is not an address', () => {
	it('is named in the 403 message and in the log, never a silent refusal', async () => {
		const { response, logs } = await expectRejected(
			allow(signedDelivery('leadUpdateCallback'), '203.0.113.0/24, 10.0.0.0/33, not-an-ip', '198.51.100.7'),
			403,
			'ip_not_allowed',
		);
		const { message } = response.body as { message: string };
		expect(message).toContain('"10.0.0.0/33"');
		expect(message).toContain('"not-an-ip"');
		const warning = logs.find((log) => log.level === 'warn');
		expect(JSON.stringify(warning?.meta)).toContain('not-an-ip');
	});

	it('does not stop the valid entries beside it', async () => {
		const { result } = await callWebhook(allow(signedDelivery('leadUpdateCallback'), 'not-an-ip, 203.0.113.0/24', '203.0.113.9'));
		expect(result.workflowData?.[0]).toHaveLength(1);
	});
});
