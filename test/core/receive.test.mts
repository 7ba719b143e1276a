/**
 * receive(), the trigger's whole pipeline without n8n: every rejection it can give, with its
 * status, and what it hands back for duplicates, unsubscribed events and accepted deliveries.
 */
import { describe, expect, it } from 'vitest';

import { DedupeStore } from '../../nodes/core/dedupe';
import { createEventFilter } from '../../nodes/core/eventFilter';
import { createIpAllowlist } from '../../nodes/core/ipAllowlist';
import { resolvePreset } from '../../nodes/core/providers/index';
import type { ProviderPreset } from '../../nodes/core/providers/types';
import { receive, redactHeaders, screen, type ReceiveSettings, type RejectionCode } from '../../nodes/core/receive';
import { API_KEY, BEARER_TOKEN, nowSeconds, SECRET, signedDelivery, type Delivery } from '../helpers/signedRequests.mts';

const lower = (headers: Record<string, string>) =>
	Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));

const preset = (name: string) => resolvePreset(name) as ProviderPreset;

interface Case {
	delivery: Delivery;
	/** Header changes after signing; null removes one. */
	headers?: Record<string, string | null>;
	body?: Buffer;
	settings?: Partial<ReceiveSettings>;
	status: number;
}

/** The settings a correctly configured trigger would use for a delivery. */
function settingsFor(delivery: Delivery): ReceiveSettings {
	const { credential } = delivery;
	const secrets = [credential.signingSecret, credential.previousSigningSecret].filter((s): s is string => !!s);
	const authHeader =
		credential.authType === 'bearer'
			? { name: 'Authorization', value: `Bearer ${credential.bearerToken}` }
			: credential.authType === 'header'
				? { name: credential.headerName as string, value: credential.headerSecret as string }
				: undefined;
	return { preset: preset(delivery.provider), secrets, authHeader, eventFilter: createEventFilter(['*']) };
}

function requestOf(one: Omit<Case, 'status'>) {
	const headers: Record<string, string> = lower(one.delivery.headers);
	for (const [name, value] of Object.entries(one.headers ?? {})) {
		if (value === null) delete headers[name.toLowerCase()];
		else headers[name.toLowerCase()] = value;
	}
	return { body: one.body ?? one.delivery.body, headers };
}

const run = (one: Omit<Case, 'status'>) => receive(requestOf(one), { ...settingsFor(one.delivery), ...one.settings });

const noSecret = { authType: 'none' as const };

/** Every rejection code receive() can give. The type makes a new code fail to compile until it is here. */
const rejections: Record<RejectionCode, Case> = {
	no_secret: { delivery: signedDelivery('onCallClerk', undefined, { credential: noSecret }), status: 500 },
	missing_signature: { delivery: signedDelivery('onCallClerk'), headers: { 'x-oncallclerk-signature': null }, status: 401 },
	malformed_signature: {
		delivery: signedDelivery('outboundIq'),
		headers: { 'x-outboundiq-signature': `sha256=${'zz'.repeat(32)}` },
		status: 401,
	},
	missing_timestamp: { delivery: signedDelivery('pbx'), headers: { 'x-webhook-timestamp': null }, status: 401 },
	malformed_timestamp: { delivery: signedDelivery('pbx'), headers: { 'x-webhook-timestamp': 'soon' }, status: 401 },
	stale_timestamp: { delivery: signedDelivery('pbx', undefined, { timestamp: nowSeconds() - 301 }), status: 401 },
	missing_id: { delivery: signedDelivery('standardWebhooks'), headers: { 'webhook-id': null }, status: 401 },
	mismatch: { delivery: signedDelivery('github', undefined, { secret: 'wrong-secret-123456' }), status: 401 },
	ip_not_allowed: {
		delivery: signedDelivery('onCallClerk'),
		settings: { ipAllowlist: createIpAllowlist('203.0.113.0/24'), sourceIp: '198.51.100.7' },
		status: 403,
	},
	body_too_large: { delivery: signedDelivery('onCallClerk'), settings: { maxBodyBytes: 10 }, status: 413 },
	missing_auth: { delivery: signedDelivery('outCallerAi'), headers: { authorization: null }, status: 401 },
	invalid_auth: { delivery: signedDelivery('leadUpdateCallback'), headers: { 'x-api-key': 'nope' }, status: 403 },
	no_auth_configured: { delivery: signedDelivery('outCallerAi', undefined, { credential: noSecret }), status: 500 },
	empty_body: { delivery: signedDelivery('onCallClerk', Buffer.alloc(0)), status: 400 },
	invalid_json: { delivery: signedDelivery('onCallClerk', Buffer.from('id=1&type=lead.captured')), status: 400 },
	too_deep: {
		delivery: signedDelivery('onCallClerk', Buffer.from(`{"id":"e","type":"t","data":${'['.repeat(100)}${']'.repeat(100)}}`)),
		status: 400,
	},
	invalid_envelope: {
		delivery: signedDelivery('outboundIq', Buffer.from('{"event":"dial.batch","deliveryId":"d-2","dials":[]}')),
		status: 400,
	},
	missing_header: { delivery: signedDelivery('github'), headers: { 'x-github-event': null }, status: 400 },
	header_mismatch: { delivery: signedDelivery('outCallerAi'), headers: { 'x-outcaller-event': 'lead.deleted' }, status: 400 },
	bad_configuration: {
		delivery: signedDelivery('onCallClerk'),
		settings: { preset: { ...preset('onCallClerk'), scheme: undefined } },
		status: 500,
	},
	internal_error: {
		delivery: signedDelivery('outboundIq'),
		settings: {
			preset: {
				...preset('outboundIq'),
				toEvents: () => {
					throw new Error('boom');
				},
			},
		},
		status: 500,
	},
};

describe('receive(): the whole rejection table', () => {
	it.each(Object.entries(rejections))('%s', (code, one) => {
		const outcome = run(one);
		expect(outcome).toMatchObject({ kind: 'reject', status: one.status, error: code, provider: one.delivery.provider });
		expect(outcome.kind === 'reject' && outcome.message).toEqual(expect.any(String));
		// Never a secret in the message.
		const said = JSON.stringify(outcome);
		for (const secret of [SECRET, BEARER_TOKEN, API_KEY]) expect(said).not.toContain(secret);
	});

	it('each case fails for its own fault: without it, the same delivery is accepted', () => {
		for (const [code, one] of Object.entries(rejections)) {
			if (['no_secret', 'no_auth_configured', 'bad_configuration', 'internal_error'].includes(code)) continue;
			expect(run({ delivery: signedDelivery(one.delivery.provider) }).kind, code).toBe('emit');
		}
	});

	it('an allowlist entry that is not an address is named in the refusal', () => {
		const outcome = run({
			delivery: signedDelivery('onCallClerk'),
			settings: { ipAllowlist: createIpAllowlist('10.0.0.0/33, 203.0.113.0/24'), sourceIp: '198.51.100.7' },
		});
		expect(outcome).toMatchObject({ kind: 'reject', error: 'ip_not_allowed' });
		expect(outcome.kind === 'reject' && outcome.message).toContain('"10.0.0.0/33"');
	});

	it('screen() gives, without any secret, exactly the rejections that need none, as receive() gives them', () => {
		const withoutSecret: RejectionCode[] = [
			'ip_not_allowed',
			'body_too_large',
			'missing_signature',
			'malformed_signature',
			'missing_timestamp',
			'malformed_timestamp',
			'stale_timestamp',
			'missing_id',
		];
		for (const [code, one] of Object.entries(rejections)) {
			const { secrets: _secrets, authHeader: _authHeader, ...screening } = { ...settingsFor(one.delivery), ...one.settings };
			const screened = screen(requestOf(one), screening);
			if (withoutSecret.includes(code as RejectionCode)) expect(screened, code).toEqual(run(one));
			else expect(screened, code).toBeUndefined();
		}
	});

	it('the delivery id is read for the log, before any check', () => {
		const outcome = run({ ...rejections.mismatch, delivery: signedDelivery('outboundIq', undefined, { secret: 'wrong-secret-1' }) });
		expect(outcome).toMatchObject({ error: 'mismatch', deliveryId: '550e8400-e29b-41d4-a716-446655440000' });
	});
});

describe('receive(): acknowledgements and emissions', () => {
	it('returns items for a signed outboundIQ batch', () => {
		const outcome = run({ delivery: signedDelivery('outboundIq') });
		expect(outcome.kind).toBe('emit');
		expect(outcome.kind === 'emit' && outcome.items).toHaveLength(1);
	});

	it('an unsubscribed event is acknowledged and not remembered', () => {
		const dedupe = new DedupeStore();
		const delivery = signedDelivery('onCallClerk');
		const outcome = run({ delivery, settings: { eventFilter: createEventFilter(['call.*']), dedupe } });
		expect(outcome).toMatchObject({ kind: 'acknowledge', status: 200, reason: 'unsubscribed', event: 'lead.captured' });
		expect(dedupe.size).toBe(0);
	});

	it('a duplicate is acknowledged', () => {
		const dedupe = new DedupeStore();
		const delivery = signedDelivery('onCallClerk');
		expect(run({ delivery, settings: { dedupe } }).kind).toBe('emit');
		expect(run({ delivery, settings: { dedupe } })).toMatchObject({ kind: 'acknowledge', status: 200, reason: 'duplicate' });
	});

	it('an emission keeps its dedupe key reserved unless released', () => {
		const dedupe = new DedupeStore();
		const delivery = signedDelivery('onCallClerk');
		const first = run({ delivery, settings: { dedupe } });
		if (first.kind !== 'emit') throw new Error(first.kind);
		first.release();
		const retry = run({ delivery, settings: { dedupe } });
		expect(retry.kind).toBe('emit');
		expect(run({ delivery, settings: { dedupe } })).toMatchObject({ kind: 'acknowledge', reason: 'duplicate' });
	});

	it('a failure after the key was reserved releases it', () => {
		const dedupe = new DedupeStore();
		const delivery = signedDelivery('outboundIq');
		const failed = run({ ...rejections.internal_error, settings: { ...rejections.internal_error.settings, dedupe } });
		expect(failed).toMatchObject({ kind: 'reject', error: 'internal_error' });
		expect(dedupe.size).toBe(0);
		expect(run({ delivery, settings: { dedupe } }).kind).toBe('emit');
	});

	it('names the secret that matched: current, previous, or as the caller names them', () => {
		const previous = signedDelivery('onCallClerk', undefined, { secret: 'trigger-old-secret-3a9c11' });
		const outcome = run({ delivery: previous });
		expect(outcome.kind === 'emit' && outcome.items[0].verification).toEqual({ secret: 'previous', scheme: 'onCallClerk' });
		const named = run({ delivery: previous, settings: { secretNames: ['registered', 'first', 'second'] } });
		expect(named.kind === 'emit' && named.items[0].verification.secret).toBe('first');
	});

	it('a dedupe key override applies to presets that take one only', () => {
		const generic = run({ delivery: signedDelivery('standardWebhooks'), settings: { dedupeKeyOverride: ' inv_42 ' } });
		expect(generic.kind === 'emit' && generic.dedupeKey).toBe('inv_42');
		const own = run({ delivery: signedDelivery('onCallClerk'), settings: { dedupeKeyOverride: 'inv_42' } });
		expect(own.kind === 'emit' && own.dedupeKey).not.toBe('inv_42');
	});
});

describe('redactHeaders', () => {
	it('redacts the named headers and drops __proto__', () => {
		const headers = JSON.parse('{"authorization":"Bearer t","x-api-key":"k","content-type":"a/b","__proto__":"x"}');
		const shown = redactHeaders(headers, ['authorization', 'x-api-key']);
		expect(shown).toEqual({ authorization: '[redacted]', 'x-api-key': '[redacted]', 'content-type': 'a/b' });
		expect(Object.prototype.hasOwnProperty.call(shown, '__proto__')).toBe(false);
	});
});
