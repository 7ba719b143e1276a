// B2: the trigger inside a real n8n (SQLite, the e2e harness), loaded from a second process
// (undici, 20 connections), under n8n's default expression engine settings and again with
// N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE=true. Contenders, side by side on one instance: the
// built-in Webhook node, what operators build instead (Webhook with Raw Body → a Code node that
// checks the HMAC, throwing or routing through an IF), the trigger at version 1 and 1.1, batches,
// and rejections. Isolates per request come from n8n's own pool counter (/metrics), not inference.
// BENCH_DURATION_S (default 15) is each contender's time per comparison, split into two halves
// run in order and then in reverse, so that drift on a shared machine hits all alike.
import { goalLine, machineLine, table } from './lib/measure.mjs';
import { requestMaker, runLoad } from './lib/load-client.mjs';
import { loadWorkflow, n8nVersion, newCredentialId, newWebhookId, sleep, startBenchN8n } from './lib/n8n-bench.mjs';

const DURATION_MS = Number(process.env.BENCH_DURATION_S ?? 15) * 1000;
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 20);
const SECRET = 'bench-signing-secret-0123456789';
const RUN_ID = Date.now().toString(36);
/** The pool counter, and `crypto` for the Code node's HMAC check. */
const COMMON_ENV = { N8N_METRICS: 'true', NODE_FUNCTION_ALLOW_BUILTIN: 'crypto' };
const ENGINE_SETTINGS = [
	{ label: 'default', env: {} },
	{ label: 'lazy acquire', env: { N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE: 'true' } },
];

const versions = await n8nVersion();
console.log(`B2: the trigger inside a real n8n (${CONNECTIONS} connections, ${DURATION_MS / 1000} s per contender, load from a child process)`);
console.log(machineLine({ n8n: versions.n8n, 'n8n-node': versions.n8nNode, db: 'sqlite', 'expression-engine': versions.expressionEngine }));
console.log(`n8n env for every run: ${Object.entries(COMMON_ENV).map(([k, v]) => `${k}=${v}`).join(' ')}`);

const fmt = (value, digits = 1) => (Number.isFinite(value) ? value.toFixed(digits) : String(value));
const statusText = (result) =>
	Object.entries(result.statuses)
		.map(([code, n]) => `${code}×${n}`)
		.join(' ');

async function runSettings({ label, env }) {
	const credentialId = newCredentialId();
	const credentialName = 'b2 signing secret';
	const hooks = {
		builtin: newWebhookId(),
		codeThrow: newWebhookId(),
		codeIf: newWebhookId(),
		signedV1: newWebhookId(),
		signed: newWebhookId(),
		outboundIq: newWebhookId(),
		rejections: newWebhookId(),
	};
	const trigger = (name, provider, event, webhookId, typeVersion = 1.1) => {
		const workflow = loadWorkflow('b2-signed-trigger.json', {
			NAME: name,
			PROVIDER: provider,
			EVENT: event,
			WEBHOOK_ID: webhookId,
			CREDENTIAL_ID: credentialId,
			CREDENTIAL_NAME: credentialName,
		});
		workflow.nodes[0].typeVersion = typeVersion;
		return workflow;
	};
	const workflows = [
		loadWorkflow('b2-builtin-webhook.json', { NAME: 'b2 builtin', PATH: 'b2-builtin', WEBHOOK_ID: hooks.builtin }),
		loadWorkflow('b2-webhook-code-throw.json', { NAME: 'b2 code throw', PATH: 'b2-code-throw', WEBHOOK_ID: hooks.codeThrow, SECRET }),
		loadWorkflow('b2-webhook-code-if.json', { NAME: 'b2 code if', PATH: 'b2-code-if', WEBHOOK_ID: hooks.codeIf, SECRET }),
		trigger('b2 signed v1', 'onCallClerk', '*', hooks.signedV1, 1),
		trigger('b2 signed', 'onCallClerk', '*', hooks.signed),
		trigger('b2 outboundIq', 'outboundIq', '*', hooks.outboundIq),
		// Subscribed to lead.captured only: the target of the rejection floods.
		trigger('b2 rejections', 'onCallClerk', 'lead.captured', hooks.rejections),
	];
	const credentials = [{ id: credentialId, name: credentialName, type: 'signedWebhookApi', data: { signingSecret: SECRET, authType: 'none' } }];

	const bench = await startBenchN8n('b2', { workflows, credentials, env: { ...COMMON_ENV, ...env } });
	const stopOnSignal = () => bench.close().finally(() => process.exit(130));
	process.once('SIGINT', stopOnSignal);
	process.once('SIGTERM', stopOnSignal);
	try {
		const urls = {
			builtin: bench.webhookUrl(null, 'b2-builtin'),
			codeThrow: bench.webhookUrl(null, 'b2-code-throw'),
			codeIf: bench.webhookUrl(null, 'b2-code-if'),
			signedV1: bench.webhookUrl(hooks.signedV1, 'webhook'),
			signed: bench.webhookUrl(hooks.signed, 'webhook'),
			outboundIq: bench.webhookUrl(hooks.outboundIq, 'webhook'),
			rejections: bench.webhookUrl(hooks.rejections, 'webhook'),
		};

		/** One load phase, with the executions and the isolates it caused. */
		async function phase(kind, url, durationMs, tag, workflow) {
			const executionsBefore = await bench.executionCount(workflow);
			const isolatesBefore = await bench.isolatesAcquired();
			const result = await runLoad({ kind, url, durationMs, connections: CONNECTIONS, secret: SECRET, runId: `${RUN_ID}${tag}` });
			result.settled = await bench.settle();
			// A late execution would show up here.
			await sleep(500);
			result.isolates = (await bench.isolatesAcquired()) - isolatesBefore;
			result.executions = (await bench.executionCount(workflow)) - executionsBefore;
			return result;
		}

		/** Sum of the phases of one contender. */
		const combine = (parts) => {
			const sum = (pick) => parts.reduce((total, part) => total + pick(part), 0);
			const seconds = sum((part) => part.seconds);
			const answers = sum((part) => part.answers);
			const statuses = {};
			for (const part of parts) for (const [code, n] of Object.entries(part.statuses)) statuses[code] = (statuses[code] ?? 0) + n;
			return {
				seconds,
				answers,
				reqPerSec: answers / seconds,
				unitsPerSec: sum((part) => part.unitsPerSec * part.seconds) / seconds,
				// Percentiles of each half, the worse one (no raw samples cross the process boundary).
				p50: Math.max(...parts.map((part) => part.p50)),
				p99: Math.max(...parts.map((part) => part.p99)),
				statuses,
				executions: sum((part) => part.executions),
				isolatesPerRequest: sum((part) => part.isolates) / answers,
				answerSamples: Object.assign({}, ...parts.map((part) => part.answerSamples)),
			};
		};

		/** Each contender for DURATION_MS / 2 in order, then again in reverse order. */
		async function compareLoads(contenders) {
			const results = Object.fromEntries(contenders.map((contender) => [contender.name, []]));
			let tag = 0;
			for (const contender of [...contenders, ...[...contenders].reverse()]) {
				results[contender.name].push(await phase(contender.kind, contender.url, DURATION_MS / 2, `p${tag++}`, contender.workflow));
			}
			return Object.fromEntries(Object.entries(results).map(([name, parts]) => [name, combine(parts)]));
		}

		// Warm-up: every path once under light load, so the first phase pays no cold start.
		for (const [kind, url] of [
			['plain', urls.builtin],
			['signed', urls.codeThrow],
			['signed', urls.codeIf],
			['signed', urls.signedV1],
			['signed', urls.signed],
			['batch1', urls.outboundIq],
		]) {
			await runLoad({ kind, url, durationMs: 2_000, connections: 4, secret: SECRET, runId: `${RUN_ID}w` });
		}
		await bench.settle();

		const rows = [];
		const row = (group, name, result) =>
			rows.push([label, group, name, fmt(result.reqPerSec), fmt(result.p50), fmt(result.p99), fmt(result.isolatesPerRequest, 2), result.executions, statusText(result)]);

		// 1. Accepted events.
		const accepted = await compareLoads([
			{ name: 'builtin', kind: 'plain', url: urls.builtin, workflow: 'b2 builtin' },
			{ name: 'codeThrow', kind: 'signed', url: urls.codeThrow, workflow: 'b2 code throw' },
			{ name: 'codeIf', kind: 'signed', url: urls.codeIf, workflow: 'b2 code if' },
			{ name: 'signedV1', kind: 'signed', url: urls.signedV1, workflow: 'b2 signed v1' },
			{ name: 'signed', kind: 'signed', url: urls.signed, workflow: 'b2 signed' },
		]);
		row('accepted', 'built-in Webhook → NoOp (unsigned)', accepted.builtin);
		row('accepted', 'Webhook (Raw Body) → Code HMAC check (throws) → NoOp', accepted.codeThrow);
		row('accepted', 'Webhook (Raw Body) → Code HMAC check → IF → NoOp', accepted.codeIf);
		row('accepted', 'Signed Webhook Trigger v1 (OnCallClerk) → NoOp', accepted.signedV1);
		row('accepted', 'Signed Webhook Trigger v1.1 (OnCallClerk) → NoOp', accepted.signed);

		// 2. Batches.
		const batches = await compareLoads([
			{ name: 'single', kind: 'batch1', url: urls.outboundIq, workflow: 'b2 outboundIq' },
			{ name: 'batch', kind: 'batch100', url: urls.outboundIq, workflow: 'b2 outboundIq' },
		]);
		row('batches', `outboundIQ, 1 dial per request (${fmt(batches.single.unitsPerSec)} dials/s)`, batches.single);
		row('batches', `outboundIQ, 100 dials per request (${fmt(batches.batch.unitsPerSec)} dials/s)`, batches.batch);

		// 3. Forged requests (signed with the wrong secret), against the trigger and the Code chains.
		// The duplicate is delivered once first (one execution), then repeated under load.
		const duplicate = requestMaker({ kind: 'duplicate', secret: SECRET, runId: `${RUN_ID}r` })(0);
		const first = await fetch(urls.rejections, { method: 'POST', headers: duplicate.headers, body: duplicate.body });
		if (first.status !== 200) throw new Error(`first delivery of the duplicate answered ${first.status}: ${await first.text()}`);
		await first.text();
		await bench.settle();
		const rejections = {};
		for (const [name, kind, url, workflow, text] of [
			['badSignature', 'badSignature', urls.rejections, 'b2 rejections', 'trigger v1.1: bad signature'],
			['unsigned', 'plain', urls.rejections, 'b2 rejections', 'trigger v1.1: no signature header'],
			['duplicate', 'duplicate', urls.rejections, 'b2 rejections', 'trigger v1.1: duplicate (delivered once before)'],
			['unsubscribed', 'unsubscribed', urls.rejections, 'b2 rejections', 'trigger v1.1: unsubscribed event (call.started)'],
			['forgedCodeThrow', 'badSignature', urls.codeThrow, 'b2 code throw', 'Code HMAC check (throws): bad signature'],
			['forgedCodeIf', 'badSignature', urls.codeIf, 'b2 code if', 'Code HMAC check → IF: bad signature'],
		]) {
			// Tag 'r' for all: the duplicate flood must repeat the delivery made above.
			rejections[name] = await phase(kind, url, DURATION_MS, 'r', workflow);
			rejections[name].isolatesPerRequest = rejections[name].isolates / rejections[name].answers;
			row('rejections', text, rejections[name]);
		}
		for (const [name, result] of Object.entries({ ...accepted, ...batches, ...rejections })) {
			console.log(`answers ${label} ${name}: ${JSON.stringify(result.answerSamples)}`);
		}
		return { rows, accepted, batches, rejections };
	} finally {
		process.removeListener('SIGINT', stopOnSignal);
		process.removeListener('SIGTERM', stopOnSignal);
		await bench.close();
	}
}

const runs = {};
for (const settings of ENGINE_SETTINGS) runs[settings.label] = await runSettings(settings);

console.log(
	table(
		['n8n settings', 'benchmark', 'contender', 'req/s', 'p50 ms', 'p99 ms', 'isolates/req', 'executions', 'answers'],
		Object.values(runs).flatMap((run) => run.rows),
	),
);

const ratio = (a, b) => a / b;
const { default: byDefault, 'lazy acquire': lazy } = runs;
const goal = (name, value, text, met) => console.log(goalLine(name, value, text, met));
for (const [label, run, isolateGoal] of [
	['default', byDefault, { accepted: 2, rejected: 1 }],
	['lazy acquire', lazy, { accepted: 0, rejected: 0 }],
]) {
	const accepted = run.accepted.signed.isolatesPerRequest;
	goal(`B2 ${label}: isolates per accepted request (v1.1)`, fmt(accepted, 2), `<= ${isolateGoal.accepted}`, accepted <= isolateGoal.accepted);
	for (const kind of ['badSignature', 'unsigned', 'duplicate', 'unsubscribed']) {
		const value = run.rejections[kind].isolatesPerRequest;
		goal(`B2 ${label}: isolates per rejected request, ${kind}`, fmt(value, 2), `<= ${isolateGoal.rejected}`, value <= isolateGoal.rejected);
	}
}
const defaultRatio = ratio(byDefault.accepted.signed.reqPerSec, byDefault.accepted.builtin.reqPerSec);
goal('B2 default: accepted req/s, trigger v1.1 / built-in Webhook', `${defaultRatio.toFixed(2)}x`, '>= 0.55x', defaultRatio >= 0.55);
const lazyRatio = ratio(lazy.accepted.signed.reqPerSec, lazy.accepted.builtin.reqPerSec);
goal('B2 lazy acquire: accepted req/s, trigger v1.1 / built-in Webhook', `${lazyRatio.toFixed(2)}x`, '>= 0.9x', lazyRatio >= 0.9);
const codeRatio = ratio(byDefault.accepted.signed.reqPerSec, byDefault.accepted.codeThrow.reqPerSec);
goal('B2 default: accepted req/s, trigger v1.1 / Webhook + Code HMAC check', `${codeRatio.toFixed(2)}x`, '>= 1.5x', codeRatio >= 1.5);
for (const kind of ['badSignature', 'unsigned', 'duplicate', 'unsubscribed']) {
	const value = ratio(lazy.rejections[kind].reqPerSec, lazy.accepted.builtin.reqPerSec);
	goal(`B2 lazy acquire: ${kind} req/s / built-in Webhook accepted req/s`, `${value.toFixed(2)}x`, '>= 0.9x', value >= 0.9);
}
for (const [label, run] of Object.entries(runs)) {
	const ours = run.rejections.badSignature.executions;
	const code = run.rejections.forgedCodeThrow.executions;
	const routed = run.rejections.forgedCodeIf.executions;
	goal(`B2 ${label}: executions created by forged requests, trigger / Code (throws) / Code → IF`, `${ours} / ${code} / ${routed}`, '0 / any', ours === 0);
}
const batchRatio = byDefault.batches.batch.unitsPerSec / byDefault.batches.single.unitsPerSec;
goal('B2 default: dials/s, batches of 100 / single dials', `${batchRatio.toFixed(1)}x`, '>= 50x', batchRatio >= 50);
