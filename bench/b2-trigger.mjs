// B2: the trigger inside a real n8n (SQLite, the e2e harness), loaded from a second process
// (undici, 20 connections). Accepted events against the built-in Webhook node, outboundIQ
// batches against single dials, and cheap rejections (bad signature, duplicate, unsubscribed).
// BENCH_DURATION_S (default 15) is each contender's time per comparison, split into two
// interleaved halves (A B B A) so that drift on a shared machine hits both alike.
import { goalLine, machineLine, table } from './lib/measure.mjs';
import { requestMaker, runLoad } from './lib/load-client.mjs';
import { loadWorkflow, n8nVersion, newCredentialId, newWebhookId, startBenchN8n } from './lib/n8n-bench.mjs';

const DURATION_MS = Number(process.env.BENCH_DURATION_S ?? 15) * 1000;
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 20);
const SECRET = 'bench-signing-secret-0123456789';
const RUN_ID = Date.now().toString(36);

const versions = await n8nVersion();
console.log(`B2: the trigger inside a real n8n (${CONNECTIONS} connections, ${DURATION_MS / 1000} s per contender, load from a child process)`);
console.log(machineLine({ n8n: versions.n8n, 'n8n-node': versions.n8nNode, db: 'sqlite', 'expression-engine': versions.expressionEngine }));

const credentialId = newCredentialId();
const credentialName = 'b2 signing secret';
const hooks = { builtin: newWebhookId(), signed: newWebhookId(), outboundIq: newWebhookId(), rejections: newWebhookId() };
const trigger = (name, provider, event, webhookId) =>
	loadWorkflow('b2-signed-trigger.json', {
		NAME: name,
		PROVIDER: provider,
		EVENT: event,
		WEBHOOK_ID: webhookId,
		CREDENTIAL_ID: credentialId,
		CREDENTIAL_NAME: credentialName,
	});
const workflows = [
	loadWorkflow('b2-builtin-webhook.json', { NAME: 'b2 builtin', PATH: 'b2-builtin', WEBHOOK_ID: hooks.builtin }),
	trigger('b2 signed', 'onCallClerk', '*', hooks.signed),
	trigger('b2 outboundIq', 'outboundIq', '*', hooks.outboundIq),
	// Subscribed to lead.captured only: the target of the rejection floods.
	trigger('b2 rejections', 'onCallClerk', 'lead.captured', hooks.rejections),
];
const credentials = [{ id: credentialId, name: credentialName, type: 'signedWebhookApi', data: { signingSecret: SECRET, authType: 'none' } }];

const bench = await startBenchN8n('b2', { workflows, credentials });
const stopOnSignal = () => bench.close().finally(() => process.exit(130));
process.once('SIGINT', stopOnSignal);
process.once('SIGTERM', stopOnSignal);
try {
	const urls = {
		builtin: bench.webhookUrl(null, 'b2-builtin'),
		signed: bench.webhookUrl(hooks.signed, 'webhook'),
		outboundIq: bench.webhookUrl(hooks.outboundIq, 'webhook'),
		rejections: bench.webhookUrl(hooks.rejections, 'webhook'),
	};
	const load = (kind, url, durationMs, tag) =>
		runLoad({ kind, url, durationMs, connections: CONNECTIONS, secret: SECRET, runId: `${RUN_ID}${tag}` });

	/** Sum of the phases of one contender. */
	const combine = (parts) => {
		const seconds = parts.reduce((sum, part) => sum + part.seconds, 0);
		const answers = parts.reduce((sum, part) => sum + part.answers, 0);
		const units = parts.reduce((sum, part) => sum + part.unitsPerSec * part.seconds, 0);
		const statuses = {};
		for (const part of parts) for (const [code, n] of Object.entries(part.statuses)) statuses[code] = (statuses[code] ?? 0) + n;
		return {
			seconds,
			answers,
			reqPerSec: answers / seconds,
			unitsPerSec: units / seconds,
			// Percentiles of each half, the worse one (no raw samples cross the process boundary).
			p50: Math.max(...parts.map((part) => part.p50)),
			p99: Math.max(...parts.map((part) => part.p99)),
			statuses,
			answerSamples: Object.assign({}, ...parts.map((part) => part.answerSamples)),
		};
	};

	/** A B B A, each half DURATION_MS / 2, executions settled between phases. */
	async function compareLoads(a, b) {
		const half = DURATION_MS / 2;
		const results = { [a.name]: [], [b.name]: [] };
		let phase = 0;
		for (const contender of [a, b, b, a]) {
			const before = await bench.executionCount(contender.workflow);
			const result = await load(contender.kind, contender.url, half, `p${phase++}`);
			const settled = await bench.settle();
			result.executions = (await bench.executionCount(contender.workflow)) - before;
			result.settled = settled;
			results[contender.name].push(result);
		}
		return Object.fromEntries(
			Object.entries(results).map(([name, parts]) => [
				name,
				{ ...combine(parts), executions: parts.reduce((sum, part) => sum + part.executions, 0) },
			]),
		);
	}

	// Warm-up: every path once under light load, so the first phase pays no cold start.
	for (const [kind, url] of [
		['plain', urls.builtin],
		['signed', urls.signed],
		['batch1', urls.outboundIq],
	]) {
		await runLoad({ kind, url, durationMs: 2_000, connections: 4, secret: SECRET, runId: `${RUN_ID}w` });
	}
	await bench.settle();

	const rows = [];
	const fmt = (value, digits = 1) => (Number.isFinite(value) ? value.toFixed(digits) : String(value));
	const statusText = (result) =>
		Object.entries(result.statuses)
			.map(([code, n]) => `${code}×${n}`)
			.join(' ');

	// 1. Accepted events.
	const accepted = await compareLoads(
		{ name: 'builtin', kind: 'plain', url: urls.builtin, workflow: 'b2 builtin' },
		{ name: 'signed', kind: 'signed', url: urls.signed, workflow: 'b2 signed' },
	);
	rows.push(['accepted', 'built-in Webhook → NoOp (unsigned)', fmt(accepted.builtin.reqPerSec), '', fmt(accepted.builtin.p50), fmt(accepted.builtin.p99), accepted.builtin.executions, statusText(accepted.builtin)]);
	rows.push(['accepted', 'Signed Webhook Trigger (OnCallClerk) → NoOp', fmt(accepted.signed.reqPerSec), '', fmt(accepted.signed.p50), fmt(accepted.signed.p99), accepted.signed.executions, statusText(accepted.signed)]);

	// 2. Batches.
	const batches = await compareLoads(
		{ name: 'single', kind: 'batch1', url: urls.outboundIq, workflow: 'b2 outboundIq' },
		{ name: 'batch', kind: 'batch100', url: urls.outboundIq, workflow: 'b2 outboundIq' },
	);
	rows.push(['batches', 'outboundIQ, 1 dial per request', fmt(batches.single.reqPerSec), fmt(batches.single.unitsPerSec), fmt(batches.single.p50), fmt(batches.single.p99), batches.single.executions, statusText(batches.single)]);
	rows.push(['batches', 'outboundIQ, 100 dials per request', fmt(batches.batch.reqPerSec), fmt(batches.batch.unitsPerSec), fmt(batches.batch.p50), fmt(batches.batch.p99), batches.batch.executions, statusText(batches.batch)]);

	// 3. Cheap rejections, each for DURATION_MS against the trigger subscribed to lead.captured.
	// The duplicate is delivered once first (one execution), then repeated under load.
	const duplicate = requestMaker({ kind: 'duplicate', secret: SECRET, runId: `${RUN_ID}r` })(0);
	const first = await fetch(urls.rejections, { method: 'POST', headers: duplicate.headers, body: duplicate.body });
	if (first.status !== 200) throw new Error(`first delivery of the duplicate answered ${first.status}: ${await first.text()}`);
	await first.text();
	await bench.settle();
	const rejections = {};
	for (const [kind, label] of [
		['badSignature', 'bad signature'],
		['duplicate', 'duplicate (delivered once before)'],
		['unsubscribed', 'unsubscribed event (call.started)'],
	]) {
		const before = await bench.executionCount();
		const result = await load(kind, urls.rejections, DURATION_MS, 'r');
		await bench.settle();
		// A late execution would show up here.
		await new Promise((resolve) => setTimeout(resolve, 1_000));
		result.executions = (await bench.executionCount()) - before;
		rejections[kind] = result;
		rows.push(['rejections', label, fmt(result.reqPerSec), '', fmt(result.p50), fmt(result.p99), result.executions, statusText(result)]);
	}

	console.log(table(['benchmark', 'contender', 'req/s', 'dials/s', 'p50 ms', 'p99 ms', 'executions', 'answers'], rows));
	for (const [name, result] of Object.entries({ ...accepted, ...batches, ...rejections })) {
		console.log(`answers ${name}: ${JSON.stringify(result.answerSamples)}`);
	}

	const acceptedRatio = accepted.signed.reqPerSec / accepted.builtin.reqPerSec;
	console.log(goalLine('B2 accepted req/s, signed/built-in', `${acceptedRatio.toFixed(2)}x`, '>= 0.95x', acceptedRatio >= 0.95));
	const batchRatio = batches.batch.unitsPerSec / batches.single.unitsPerSec;
	console.log(goalLine('B2 dials/s, batches of 100 / single dials', `${batchRatio.toFixed(1)}x`, '>= 50x', batchRatio >= 50));
	for (const [kind, result] of Object.entries(rejections)) {
		const ratio = result.reqPerSec / accepted.signed.reqPerSec;
		console.log(goalLine(`B2 ${kind} req/s / accepted req/s`, `${ratio.toFixed(1)}x`, '>= 50x', ratio >= 50));
		console.log(goalLine(`B2 ${kind} p99`, `${result.p99.toFixed(1)} ms`, '<= 50 ms', result.p99 <= 50));
		console.log(goalLine(`B2 ${kind} executions created`, String(result.executions), '0', result.executions === 0));
	}
} finally {
	await bench.close();
}
