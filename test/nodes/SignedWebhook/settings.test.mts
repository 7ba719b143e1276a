/**
 * The sender's settings reader inside n8n-core's ExecuteContext, so that the
 * node's own parameter defaults are what it reads.
 */
import { NodeApiError } from 'n8n-workflow';
import { describe, expect, it } from 'vitest';

import type { SignedWebhookCredential } from '../../../nodes/core/credentialCheck';
import { classifyError } from '../../../nodes/core/delivery';
import { DELIVERY_DEFAULTS } from '../../../nodes/core/deliveryPlan';
import { ConfigError } from '../../../nodes/core/outbound';
import { standardWebhooksScheme } from '../../../nodes/core/schemes/index';
import { readSenderSettings, transportError } from '../../../nodes/SignedWebhook/settings';
import { executeContext } from '../../helpers/executeNode.mjs';

const WHSEC = 'whsec_' + Buffer.from('k'.repeat(24)).toString('base64');
const credential: SignedWebhookCredential = { signingSecret: WHSEC, authType: 'none' };

async function readSettings(parameters: Record<string, unknown>, items: Array<Record<string, unknown>> = [{}]) {
	return await readSenderSettings(executeContext({ parameters, items, credential }));
}

async function configError(run: () => Promise<unknown>): Promise<ConfigError> {
	try {
		await run();
	} catch (error) {
		expect(error).toBeInstanceOf(ConfigError);
		return error as ConfigError;
	}
	throw new Error('expected a ConfigError');
}

describe('readSenderSettings', () => {
	it('reads defaults', async () => {
		const settings = await readSettings({ urls: 'https://a.example', envelope: 'none' });
		expect(settings).toMatchObject({
			testEvent: false,
			batch: { size: 1, key: 'items' },
			concurrency: 10,
			failNodeOnFinalFailure: false,
		});
		const config = settings.deliveryFor(0);
		expect(config).toMatchObject({
			urls: ['https://a.example'],
			event: '',
			headers: {},
			userAgent: DELIVERY_DEFAULTS.userAgent,
			idempotencyHeader: 'Idempotency-Key',
			policy: { maxAttempts: 5, baseMs: 1000, capMs: 30000, deadlineMs: 120000 },
			timeoutMs: 10000,
		});
		expect(config.deliveryId).toMatch(/^msg_/);
		// Standard Webhooks signs by default; "none" sends the item as it is.
		const body = Buffer.from('{}');
		const signature = config.signer!({ body, id: 'msg_1', timestamp: 1_700_000_000 });
		expect(signature).toEqual(standardWebhooksScheme.sign({ body, id: 'msg_1', timestamp: 1_700_000_000, secret: WHSEC }));
		const data = { a: 1 };
		expect(config.envelope.build({ event: '', id: 'msg_1', timestamp: new Date(), data })).toBe(data);
	});

	it('names the field of every bad number', async () => {
		const base = { urls: 'https://a.example', signatureScheme: 'none' };
		const fieldOf = async (parameters: Record<string, unknown>) =>
			(await configError(async () => (await readSettings({ ...base, ...parameters })).deliveryFor(0))).field;
		expect(await fieldOf({ maxAttempts: 0 })).toBe('maxAttempts');
		expect(await fieldOf({ timeoutMs: 0 })).toBe('timeoutMs');
		expect(await fieldOf({ options: { backoffBaseMs: 5000, backoffCapMs: 100 } })).toBe('backoffCapMs');
		expect(await fieldOf({ options: { idempotencyHeader: 'bad header' } })).toBe('idempotencyHeader');
		expect((await configError(() => readSettings({ ...base, concurrency: 0 }))).field).toBe('concurrency');
		expect((await configError(() => readSettings({ ...base, batchSize: 5, batchKey: '' }))).field).toBe('batchKey');
	});

	it('reads each batch from its own first item, and Options from the collection', async () => {
		const settings = await readSettings(
			{ urls: '={{ $json.url }}', headersMode: 'pairs', headers: { header: [{ name: 'X-Tenant', value: '={{ $json.tenant }}' }] }, options: { userAgent: 'acme/1', deliveryId: '={{ $json.id }}' } },
			[
				{ url: 'https://a.example', tenant: 't-a', id: 'id-a' },
				{ url: 'https://b.example', tenant: 't-b', id: 'id-b' },
			],
		);
		expect(settings.deliveryFor(1)).toMatchObject({ urls: ['https://b.example'], headers: { 'X-Tenant': 't-b' }, userAgent: 'acme/1', deliveryId: 'id-b' });
		expect(settings.deliveryFor(0).deliveryId).toBe('id-a');
	});

	it('Send Test Event: one unbatched webhook.test', async () => {
		const settings = await readSettings({ operation: 'sendTestEvent', urls: 'https://a.example', envelope: 'pbx', batchSize: 50 });
		expect(settings).toMatchObject({ testEvent: true, batch: { size: 1, key: '' } });
		expect(settings.deliveryFor(0).event).toBe('webhook.test');
	});
});

describe('transportError', () => {
	it("hands the core the transport's own error that n8n wrapped", () => {
		const networkError = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
		const node = { id: '1', name: 'n', type: 't', typeVersion: 1, position: [0, 0] as [number, number], parameters: {} };
		const wrapped = new NodeApiError(node, networkError as never);
		expect(transportError(wrapped)).toBe(networkError);
		expect(classifyError(transportError(wrapped)).errorClass).toBe('connection_refused');
		expect(transportError(networkError)).toBe(networkError);
	});
});
