/**
 * The five seed platforms against a real n8n running the shipped example workflows
 * (examples/, as `npm start` imports them). For each: the seed document's own example payload,
 * signed as the document says with the example credential, gets a 2xx and exactly one execution
 * whose trigger and CRM-step items are the expected ones; a bad signature (or wrong auth header),
 * a stale timestamp (PBX, the only seed that signs one) and a replay get their 4xx or
 * 2xx-without-execution, and the execution count proves it. Every negative is followed by a
 * fresh valid delivery whose execution must appear, so "no execution" cannot come from a
 * workflow that never runs.
 */
import { randomUUID } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { exampleBodies, nowSeconds } from '../helpers/signedRequests.mts';
import {
	bearer,
	exampleFor,
	executionCount,
	loadExamples,
	nextNode,
	nodeItems,
	SEED_ITEMS,
	settledExecutions,
	signed,
	startInstance,
	type Instance,
	type Platform,
} from './exampleKit.mts';
import { postRaw, TRIGGER_TYPE, type RawResponse } from './triggerFleet.mts';

let instance: Instance;

beforeAll(async () => {
	const { credentials, workflows } = loadExamples();
	instance = await startInstance('platforms', { credentials, workflows: workflows.map((w) => w.workflow) });
});

afterAll(async () => {
	await instance?.stop();
});

function send(provider: string, request: { headers: Record<string, string>; body: Buffer }): Promise<RawResponse> {
	const ex = exampleFor(provider);
	return postRaw(instance.n8n.webhookUrl(ex.trigger.webhookId, 'webhook'), Object.entries(request.headers), request.body);
}

/** The workflow id and CRM-step node name of a provider's example. */
function example(provider: string) {
	const ex = exampleFor(provider);
	return { id: instance.workflowId(ex.workflow.name), trigger: ex.trigger.name, crm: nextNode(ex.workflow, ex.trigger.name) };
}

/**
 * Sends `request`, expects `status`, then proves the execution count for the workflow moved by
 * exactly `executions` (a fresh valid delivery follows when none was expected).
 */
async function expectOutcome(
	platform: Platform,
	request: { headers: Record<string, string>; body: Buffer },
	status: number,
	executions: 0 | 1,
	freshValid?: () => Buffer,
) {
	const { id } = example(platform.provider);
	const before = await executionCount(instance.n8n, id);
	const res = await send(platform.provider, request);
	expect(res.status, res.text).toBe(status);
	// Every answer is JSON: rejections {error, message}, the rest an acknowledgement.
	expect(String(res.headers['content-type']), res.text).toMatch(/^application\/json/);
	const answer = JSON.parse(res.text);
	if (status >= 400) expect(typeof answer.error).toBe('string');
	else expect(answer.error).toBeUndefined();
	if (executions === 1) return await settledExecutions(instance.n8n, id, before + 1);
	// A valid delivery sent after the negative must be the only new execution.
	const probe = freshValid?.();
	if (!probe) throw new Error('a negative case needs a fresh valid delivery to prove no execution');
	const ok = await send(platform.provider, platform.request(probe));
	expect(ok.status, ok.text).toBe(200);
	const all = await settledExecutions(instance.n8n, id, before + 1);
	return all;
}

const reseed = (provider: string, mutate: (body: any) => void) => () => {
	const body = JSON.parse(exampleBodies[provider]().toString('utf8'));
	mutate(body);
	return Buffer.from(JSON.stringify(body));
};

describe('OutCallerAI lead events (bearer)', () => {
	const platform = bearer('outCallerAi');
	const seedBody = exampleBodies.outCallerAi();
	const fresh = reseed('outCallerAi', (b) => {
		b.data.id = `lead_${randomUUID().slice(0, 8)}`;
	});

	it('the seed example payload gets 200 and one execution mapped to a CRM contact', async () => {
		const [exec] = (await expectOutcome(platform, platform.request(seedBody), 200, 1)).slice(-1);
		const { trigger, crm } = example('outCallerAi');
		expect(nodeItems(exec, trigger)).toEqual(SEED_ITEMS.outCallerAi.trigger);
		expect(nodeItems(exec, crm)).toEqual(SEED_ITEMS.outCallerAi.crm);
	});

	it('a replay of the same delivery gets 2xx and no execution', async () => {
		await expectOutcome(platform, platform.request(seedBody), 200, 0, fresh);
	});

	it('a wrong bearer token gets 403 and no execution', async () => {
		await expectOutcome(platform, platform.request(fresh(), { token: 'not-the-example-token' }), 403, 0, fresh);
	});

	it('a missing auth header gets 401 and no execution', async () => {
		const req = platform.request(fresh());
		delete req.headers.Authorization;
		await expectOutcome(platform, req, 401, 0, fresh);
	});
});

describe('OnCallClerk lead.captured and call.completed', () => {
	const platform = signed('onCallClerk');
	const seedBody = exampleBodies.onCallClerk();
	const fresh = reseed('onCallClerk', (b) => {
		b.id = `evt_${randomUUID()}`;
	});

	it('the seed lead.captured payload gets 200 and one execution mapped to a CRM contact', async () => {
		const [exec] = (await expectOutcome(platform, platform.request(seedBody), 200, 1)).slice(-1);
		const { trigger, crm } = example('onCallClerk');
		expect(nodeItems(exec, trigger)).toEqual(SEED_ITEMS.onCallClerk.trigger);
		expect(nodeItems(exec, crm)).toEqual(SEED_ITEMS.onCallClerk.crm);
	});

	it('call.completed gets 200 and an execution', async () => {
		const body = Buffer.from(
			JSON.stringify({
				id: `evt_call_${randomUUID()}`,
				type: 'call.completed',
				created: nowSeconds(),
				data: { call_id: 'call_7781', agent_id: 'agent_main', from_number: '+15557654321', summary: 'Asked about opening hours' },
			}),
		);
		const [exec] = (await expectOutcome(platform, platform.request(body), 200, 1)).slice(-1);
		expect(nodeItems(exec, example('onCallClerk').crm)).toEqual([
			expect.objectContaining({ crmEvent: 'call.completed', callId: 'call_7781', phone: '+15557654321', summary: 'Asked about opening hours' }),
		]);
	});

	it('an event the example does not subscribe to (booking.created) gets 200 and no execution', async () => {
		const body = Buffer.from(JSON.stringify({ id: `evt_${randomUUID()}`, type: 'booking.created', created: nowSeconds(), data: {} }));
		await expectOutcome(platform, platform.request(body), 200, 0, fresh);
	});

	it('a replay (the platform retries for 24 h with the same id) gets 2xx and no execution', async () => {
		await expectOutcome(platform, platform.request(seedBody), 200, 0, fresh);
	});

	it('a bad signature gets 401 and no execution', async () => {
		await expectOutcome(platform, platform.request(fresh(), { secret: 'not-the-example-secret' }), 401, 0, fresh);
	});
});

describe('Lead Update Callback (bearer token)', () => {
	const platform = bearer('leadUpdateCallback');
	const seedBody = exampleBodies.leadUpdateCallback();
	const fresh = reseed('leadUpdateCallback', (b) => {
		b.lead_id = `lead_${randomUUID().slice(0, 8)}`;
	});

	it('the example activity update gets 200 and one execution mapped to a CRM contact', async () => {
		const [exec] = (await expectOutcome(platform, platform.request(seedBody), 200, 1)).slice(-1);
		const { trigger, crm } = example('leadUpdateCallback');
		expect(nodeItems(exec, trigger)).toEqual(SEED_ITEMS.leadUpdateCallback.trigger);
		expect(nodeItems(exec, crm)).toEqual(SEED_ITEMS.leadUpdateCallback.crm);
	});

	it('a replay gets 2xx and no execution', async () => {
		await expectOutcome(platform, platform.request(seedBody), 200, 0, fresh);
	});

	it('a wrong bearer token gets 403 and no execution', async () => {
		await expectOutcome(platform, platform.request(fresh(), { token: 'wrong-token' }), 403, 0, fresh);
	});

	it('a missing auth header gets 401 and no execution', async () => {
		const req = platform.request(fresh());
		delete req.headers.Authorization;
		await expectOutcome(platform, req, 401, 0, fresh);
	});
});

describe('outboundIQ dial.batch (one item per dial)', () => {
	const platform = signed('outboundIq');
	const seedBody = exampleBodies.outboundIq();
	const seedDial = JSON.parse(seedBody.toString('utf8')).dials[0];
	const batch = (n: number) =>
		Buffer.from(
			JSON.stringify({
				event: 'dial.batch',
				deliveryId: randomUUID(),
				deliveredAt: new Date().toISOString(),
				dials: Array.from({ length: n }, (_, i) => ({ ...seedDial, callId: `AB${String(i).padStart(5, '0')}`, totalDialAttempts: i + 1 })),
			}),
		);
	const fresh = () => batch(1);

	it('the seed example (one dial) gets 200 and one execution with one item', async () => {
		const [exec] = (await expectOutcome(platform, platform.request(seedBody), 200, 1)).slice(-1);
		const { trigger, crm } = example('outboundIq');
		expect(nodeItems(exec, trigger)).toEqual(SEED_ITEMS.outboundIq.trigger);
		expect(nodeItems(exec, crm)).toEqual(SEED_ITEMS.outboundIq.crm);
	});

	it('a 100-dial batch gives one execution with 100 items, in order', async () => {
		const body = batch(100);
		const deliveryId = JSON.parse(body.toString('utf8')).deliveryId;
		const [exec] = (await expectOutcome(platform, platform.request(body), 200, 1)).slice(-1);
		const { trigger, crm } = example('outboundIq');
		const items = nodeItems(exec, trigger);
		expect(items).toHaveLength(100);
		expect(items.map((i) => i.dialIndex)).toEqual([...Array(100).keys()]);
		expect(new Set(items.map((i) => i.deliveryId))).toEqual(new Set([deliveryId]));
		expect(items.every((i) => i.batchSize === 100)).toBe(true);
		const mapped = nodeItems(exec, crm);
		expect(mapped).toHaveLength(100);
		expect(mapped[99]).toMatchObject({ callId: 'AB00099', dialIndex: 99, batchSize: 100 });
		// Its replay (outboundIQ retries once with the same delivery id) starts nothing.
		await expectOutcome(platform, platform.request(body), 200, 0, fresh);
	});

	it('a replay of the seed delivery gets 2xx and no execution', async () => {
		await expectOutcome(platform, platform.request(seedBody), 200, 0, fresh);
	});

	it('a bad signature gets 401 and no execution', async () => {
		await expectOutcome(platform, platform.request(batch(3), { secret: 'not-the-example-secret' }), 401, 0, fresh);
	});
});

describe('PBX Outbound Webhooks (contact.* wildcard)', () => {
	const platform = signed('pbx');
	const contact = (event = 'contact.created') => () =>
		Buffer.from(
			JSON.stringify({
				event,
				timestamp: nowSeconds(),
				data: { id: randomUUID(), first_name: 'Ana', last_name: 'Lima', email: 'ana@example.com', phone: '+15550001111' },
			}),
		);
	const fresh = contact();

	it('the seed example (extension.created) gets 200 and one execution', async () => {
		const seedBody = exampleBodies.pbx();
		const [exec] = (await expectOutcome(platform, platform.request(seedBody), 200, 1)).slice(-1);
		const { trigger, crm } = example('pbx');
		expect(nodeItems(exec, trigger)).toEqual(SEED_ITEMS.pbx.trigger);
		expect(nodeItems(exec, crm)).toEqual(SEED_ITEMS.pbx.crm);
	});

	it('contact.created and contact.updated match the wildcard and each start one execution', async () => {
		for (const event of ['contact.created', 'contact.updated']) {
			const [exec] = (await expectOutcome(platform, platform.request(contact(event)()), 200, 1)).slice(-1);
			expect(nodeItems(exec, example('pbx').crm)).toEqual([
				expect.objectContaining({ crmEvent: event, firstName: 'Ana', lastName: 'Lima', email: 'ana@example.com' }),
			]);
		}
	});

	it('an event outside the subscription (call.completed) and webhook.test get 200 and no execution', async () => {
		await expectOutcome(platform, platform.request(contact('call.completed')()), 200, 0, fresh);
		await expectOutcome(platform, platform.request(contact('webhook.test')()), 200, 0, fresh);
	});

	it('a replay gets 2xx and no execution', async () => {
		const body = fresh();
		const timestamp = nowSeconds();
		await expectOutcome(platform, platform.request(body, { timestamp }), 200, 1);
		await expectOutcome(platform, platform.request(body, { timestamp }), 200, 0, fresh);
	});

	it('a stale timestamp (correctly signed, an hour old) gets 401 and no execution', async () => {
		await expectOutcome(platform, platform.request(fresh(), { timestamp: nowSeconds() - 3600 }), 401, 0, fresh);
	});

	it('a bad signature gets 401 and no execution', async () => {
		await expectOutcome(platform, platform.request(fresh(), { secret: 'not-the-example-secret' }), 401, 0, fresh);
	});
});

describe('the shipped examples', () => {
	it('are all published, each Signed Webhook Trigger on its production URL', async () => {
		const { workflows } = loadExamples();
		expect(workflows.map((w) => w.file)).toHaveLength(7);
		for (const { workflow } of workflows) {
			const id = instance.workflowId(workflow.name);
			const st = await instance.n8n.rest('GET', `/rest/workflows/${id}/publication-status`);
			expect(st.status, workflow.name).toBe('published');
			const urls = (await instance.n8n.listWebhooks(id)).map((h) => h.url);
			for (const node of workflow.nodes.filter((n) => n.type === TRIGGER_TYPE)) {
				expect(urls, workflow.name).toContain(instance.n8n.webhookUrl(node.webhookId, 'webhook'));
			}
		}
	});

	it('round trip: Signed Webhook delivers to Signed Webhook Trigger and the CRM step maps the contact', async () => {
		const { workflow } = loadExamples().workflows.find((w) => w.file === 'signed-webhook-round-trip.json')!;
		const id = instance.workflowId(workflow.name);
		const start = workflow.nodes.find((n) => n.type === 'n8n-nodes-base.webhook')!;
		const before = await executionCount(instance.n8n, id);
		const contact = { contactId: `c_${randomUUID().slice(0, 8)}`, name: 'Ana Lima', email: 'ana@example.com', phone: '+15550001111' };
		const res = await fetch(instance.n8n.webhookUrl(null, start.parameters.path), {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify(contact),
		});
		const text = await res.text();
		expect(res.status, text).toBe(200);
		// The Start webhook answers with the first Delivered item.
		expect(JSON.parse(text)).toMatchObject({ delivered: true, status: 200, event: 'contact.updated', data: contact });
		// One execution sends, the other (the trigger in the same workflow) receives.
		const executions = (await settledExecutions(instance.n8n, id, before + 2)).slice(-2);
		const received = executions.find((e) => e.data.resultData.runData['Map to CRM contact']);
		expect(received, 'the trigger half ran').toBeDefined();
		expect(nodeItems(received!, 'Receive signed webhook')[0]).toMatchObject({
			provider: 'standardWebhooks',
			event: 'contact.updated',
			verification: { secret: 'current', scheme: 'standardWebhooks' },
		});
		expect(nodeItems(received!, 'Map to CRM contact')).toEqual([expect.objectContaining({ crmEvent: 'contact.updated', ...contact })]);
	});
});
