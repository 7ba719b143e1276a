// B2: the trigger inside a real n8n (SQLite, the e2e harness), loaded from a second process
// (undici, 20 connections), under n8n's default expression engine settings and again with
// N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE=true. Contenders, side by side on one instance: the
// built-in Webhook node, what operators build instead (Webhook with Raw Body → a Code node that
// checks the HMAC, throwing or routing through an IF), the trigger at version 1 and 1.1, batches,
// and rejections. Isolates per request come from n8n's own pool counter (/metrics), not inference.
// Then two side-by-side comparisons across instances run at once: the "levers" (a copy of the
// package with one lever off each, see lib/package-variant.mjs) and engine settings not measured
// above, each against a baseline instance in the same comparison.
// BENCH_DURATION_S (default 15) is each contender's time per comparison, split into two halves
// run in order and then in reverse, so that drift on a shared machine hits all alike.
// BENCH_B2_SIDE_DURATION_S (default 8) is the same for the side-by-side comparisons.
// BENCH_B2_PHASES (default main,levers,engine) selects the comparisons; levers-lazy is the
// levers under N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE=true (about 4 minutes more).
import { goalLine, machineLine, table } from './lib/measure.mjs';
import { requestMaker, runLoad } from './lib/load-client.mjs';
import { loadWorkflow, n8nVersion, newCredentialId, newWebhookId, sleep, startBenchN8n } from './lib/n8n-bench.mjs';
import { packageVariant } from './lib/package-variant.mjs';

const DURATION_MS = Number(process.env.BENCH_DURATION_S ?? 15) * 1000;
const SIDE_DURATION_MS = Number(process.env.BENCH_B2_SIDE_DURATION_S ?? 8) * 1000;
const ALL_PHASES = ['main', 'levers', 'levers-lazy', 'engine'];
const PHASES = (process.env.BENCH_B2_PHASES ?? 'main,levers,engine')
	.split(',')
	.map((name) => name.trim())
	.filter(Boolean);
for (const name of PHASES) if (!ALL_PHASES.includes(name)) throw new Error(`BENCH_B2_PHASES: unknown phase ${name} (expected ${ALL_PHASES.join(', ')})`);
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
console.log(
	`B2: the trigger inside a real n8n (${CONNECTIONS} connections, ${DURATION_MS / 1000} s per contender, ${SIDE_DURATION_MS / 1000} s side by side, load from a child process)`,
);
console.log(machineLine({ n8n: versions.n8n, 'n8n-node': versions.n8nNode, db: 'sqlite', 'expression-engine': versions.expressionEngine }));
console.log(`n8n env for every run: ${Object.entries(COMMON_ENV).map(([k, v]) => `${k}=${v}`).join(' ')}`);
console.log(`phases: ${PHASES.join(', ')}`);

const fmt = (value, digits = 1) => (Number.isFinite(value) ? value.toFixed(digits) : String(value));
const statusText = (result) =>
	Object.entries(result.statuses)
		.map(([code, n]) => `${code}×${n}`)
		.join(' ');

/** One load phase against one instance, with the executions and the isolates it caused. */
async function phase(bench, kind, url, durationMs, tag, workflow) {
	const executionsBefore = await bench.executionCount(workflow);
	const isolatesBefore = await bench.isolatesAcquired();
	const result = await runLoad({ kind, url, durationMs, connections: CONNECTIONS, secret: SECRET, runId: `${RUN_ID}${tag}` });
	result.settled = await bench.settle();
	// A late execution would show up here.
	await sleep(500);
	result.isolates = (await bench.isolatesAcquired()) - isolatesBefore;
	result.executions = (await bench.executionCount(workflow)) - executionsBefore;
	result.isolatesPerRequest = result.isolates / result.answers;
	return result;
}

/** Sum of the phases of one contender. */
function combine(parts) {
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
}

/**
 * Each contender ({ name, bench, kind, url, workflow }) for durationMs / 2 in order, then again
 * in reverse order. Unique tags: no delivery id repeats across phases.
 */
let tagCounter = 0;
async function compareLoads(contenders, durationMs = DURATION_MS) {
	const results = Object.fromEntries(contenders.map((contender) => [contender.name, []]));
	for (const contender of [...contenders, ...[...contenders].reverse()]) {
		const { bench, kind, url, workflow } = contender;
		results[contender.name].push(await phase(bench, kind, url, durationMs / 2, `p${tagCounter++}`, workflow));
	}
	return Object.fromEntries(Object.entries(results).map(([name, parts]) => [name, combine(parts)]));
}

/** Every path once under light load, so that the first phase pays no cold start. */
async function warmUp(paths) {
	for (const [kind, url] of paths) {
		await runLoad({ kind, url, durationMs: 2_000, connections: 4, secret: SECRET, runId: `${RUN_ID}w` });
	}
}

/** The Signed Webhook Trigger fixture at a node version. */
function triggerWorkflow({ name, provider, event, webhookId, credentialId, credentialName }, typeVersion = 1.1) {
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
}

const signingCredential = (id, name) => ({ id, name, type: 'signedWebhookApi', data: { signingSecret: SECRET, authType: 'none' } });

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
	const trigger = (name, provider, event, webhookId, typeVersion) =>
		triggerWorkflow({ name, provider, event, webhookId, credentialId, credentialName }, typeVersion);
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
	const credentials = [signingCredential(credentialId, credentialName)];

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

		await warmUp([
			['plain', urls.builtin],
			['signed', urls.codeThrow],
			['signed', urls.codeIf],
			['signed', urls.signedV1],
			['signed', urls.signed],
			['batch1', urls.outboundIq],
		]);
		await bench.settle();

		const rows = [];
		const row = (group, name, result) =>
			rows.push([label, group, name, fmt(result.reqPerSec), fmt(result.p50), fmt(result.p99), fmt(result.isolatesPerRequest, 2), result.executions, statusText(result)]);

		// 1. Accepted events.
		const accepted = await compareLoads([
			{ name: 'builtin', bench, kind: 'plain', url: urls.builtin, workflow: 'b2 builtin' },
			{ name: 'codeThrow', bench, kind: 'signed', url: urls.codeThrow, workflow: 'b2 code throw' },
			{ name: 'codeIf', bench, kind: 'signed', url: urls.codeIf, workflow: 'b2 code if' },
			{ name: 'signedV1', bench, kind: 'signed', url: urls.signedV1, workflow: 'b2 signed v1' },
			{ name: 'signed', bench, kind: 'signed', url: urls.signed, workflow: 'b2 signed' },
		]);
		row('accepted', 'built-in Webhook → NoOp (unsigned)', accepted.builtin);
		row('accepted', 'Webhook (Raw Body) → Code HMAC check (throws) → NoOp', accepted.codeThrow);
		row('accepted', 'Webhook (Raw Body) → Code HMAC check → IF → NoOp', accepted.codeIf);
		row('accepted', 'Signed Webhook Trigger v1 (OnCallClerk) → NoOp', accepted.signedV1);
		row('accepted', 'Signed Webhook Trigger v1.1 (OnCallClerk) → NoOp', accepted.signed);

		// 2. Batches.
		const batches = await compareLoads([
			{ name: 'single', bench, kind: 'batch1', url: urls.outboundIq, workflow: 'b2 outboundIq' },
			{ name: 'batch', bench, kind: 'batch100', url: urls.outboundIq, workflow: 'b2 outboundIq' },
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
			rejections[name] = await phase(bench, kind, url, DURATION_MS, 'r', workflow);
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

/** The main comparison: every contender on one instance, under each engine setting. */
async function mainComparison() {
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
}

/**
 * Instances started side by side (each { name, env?, leversOff? }), with the same workflows: the
 * built-in Webhook, and the trigger at v1 and v1.1 subscribed to every event. `measure(instances)`
 * gets each started one as { bench, urls, workflow names } and runs its comparison.
 */
async function withInstances(label, specs, measure) {
	const credentialId = newCredentialId();
	const credentialName = 'b2 signing secret';
	const hooks = { builtin: newWebhookId(), signedV1: newWebhookId(), signed: newWebhookId() };
	const workflows = [
		loadWorkflow('b2-builtin-webhook.json', { NAME: 'b2 builtin', PATH: 'b2-builtin', WEBHOOK_ID: hooks.builtin }),
		triggerWorkflow({ name: 'b2 signed v1', provider: 'onCallClerk', event: '*', webhookId: hooks.signedV1, credentialId, credentialName }, 1),
		triggerWorkflow({ name: 'b2 signed', provider: 'onCallClerk', event: '*', webhookId: hooks.signed, credentialId, credentialName }),
	];
	const credentials = [signingCredential(credentialId, credentialName)];
	const started = {};
	const variants = [];
	const closeAll = async () => {
		await Promise.allSettled(Object.values(started).map((instance) => instance.bench.close()));
		await Promise.allSettled(variants.map((variant) => variant.close()));
	};
	const stopOnSignal = () => closeAll().finally(() => process.exit(130));
	process.once('SIGINT', stopOnSignal);
	process.once('SIGTERM', stopOnSignal);
	try {
		const startedAt = performance.now();
		// Started at once: on the 2-core machine four starts took about 50 s together, about 40 s each in turn.
		const starts = await Promise.allSettled(
			specs.map(async (spec) => {
				const variant = spec.leversOff?.length ? await packageVariant(spec.leversOff) : undefined;
				if (variant) variants.push(variant);
				const bench = await startBenchN8n(`b2-${label}`, {
					workflows,
					credentials,
					env: { ...COMMON_ENV, ...spec.env },
					packageRoot: variant?.dir,
				});
				const urls = {
					builtin: bench.webhookUrl(null, 'b2-builtin'),
					signedV1: bench.webhookUrl(hooks.signedV1, 'webhook'),
					signed: bench.webhookUrl(hooks.signed, 'webhook'),
				};
				started[spec.name] = { bench, urls };
			}),
		);
		const failed = starts.find((start) => start.status === 'rejected');
		if (failed) throw failed.reason;
		console.log(`${label}: ${specs.length} instances started in ${((performance.now() - startedAt) / 1000).toFixed(0)} s`);
		for (const { bench, urls } of Object.values(started)) {
			await warmUp([
				['plain', urls.builtin],
				['signed', urls.signedV1],
				['signed', urls.signed],
			]);
			await bench.settle();
		}
		return await measure(started);
	} finally {
		process.removeListener('SIGINT', stopOnSignal);
		process.removeListener('SIGTERM', stopOnSignal);
		await closeAll();
	}
}

/** The trigger's contenders on one instance: accepted (v1.1), bad signature, no signature header. */
const triggerContenders = (prefix, { bench, urls }) => [
	{ name: `${prefix}.accepted`, bench, kind: 'signed', url: urls.signed, workflow: 'b2 signed' },
	{ name: `${prefix}.badSignature`, bench, kind: 'badSignature', url: urls.signed, workflow: 'b2 signed' },
	{ name: `${prefix}.unsigned`, bench, kind: 'plain', url: urls.signed, workflow: 'b2 signed' },
];
const CONTENDER_TEXT = {
	builtin: 'built-in Webhook → NoOp (unsigned)',
	accepted: 'trigger v1.1: accepted',
	acceptedV1: 'trigger v1: accepted',
	badSignature: 'trigger v1.1: bad signature',
	unsigned: 'trigger v1.1: no signature header',
};
const times = (value, baseline) => `${(value / baseline).toFixed(2)}x`;

/**
 * Each lever off on its own, against all on, in one comparison: (a) node v1 instead of 1.1 (on
 * the all-on instance), (b) the credential cache, (c) screen() before the credential read; and
 * both (b) and (c), where screen() shows what it saves when the credential is really read.
 */
const LEVER_INSTANCES = [
	{ name: 'allOn', text: 'none (all on)', leversOff: [] },
	{ name: 'noCache', text: 'credential cache', leversOff: ['credentialCache'] },
	{ name: 'noScreen', text: 'screen before the credential', leversOff: ['screen'] },
	{ name: 'noCacheNoScreen', text: 'credential cache and screen', leversOff: ['credentialCache', 'screen'] },
	// A second unchanged instance: how far two identical instances differ in the same run.
	{ name: 'control', text: 'none (second unchanged instance)', leversOff: [] },
];

async function leversComparison({ label, env }) {
	const specs = LEVER_INSTANCES.map((spec) => ({ ...spec, env }));
	const results = await withInstances(`levers-${label.replace(/ /g, '-')}`, specs, async (instances) => {
		const { allOn, noCacheNoScreen } = instances;
		const contenders = [
			{ name: 'allOn.acceptedV1', bench: allOn.bench, kind: 'signed', url: allOn.urls.signedV1, workflow: 'b2 signed v1' },
			...triggerContenders('allOn', allOn),
			...triggerContenders('noCache', instances.noCache),
			...triggerContenders('noScreen', instances.noScreen),
			...triggerContenders('control', instances.control),
			// Without the cache, accepted and bad signature are noCache's; only this one differs.
			{ name: 'noCacheNoScreen.unsigned', bench: noCacheNoScreen.bench, kind: 'plain', url: noCacheNoScreen.urls.signed, workflow: 'b2 signed' },
		];
		return await compareLoads(contenders, SIDE_DURATION_MS);
	});
	const rows = [];
	const row = (leverText, contender, result, baseline) =>
		rows.push([
			label,
			leverText,
			CONTENDER_TEXT[contender],
			fmt(result.reqPerSec),
			times(result.reqPerSec, baseline.reqPerSec),
			fmt(result.p99),
			fmt(result.isolatesPerRequest, 2),
			result.executions,
			statusText(result),
		]);
	for (const contender of ['accepted', 'badSignature', 'unsigned']) row('none (all on)', contender, results[`allOn.${contender}`], results[`allOn.${contender}`]);
	row('node version 1.1 (v1 instead)', 'acceptedV1', results['allOn.acceptedV1'], results['allOn.accepted']);
	for (const { name, text } of LEVER_INSTANCES.slice(1)) {
		for (const contender of ['accepted', 'badSignature', 'unsigned']) {
			const result = results[`${name}.${contender}`];
			if (result) row(text, contender, result, results[`allOn.${contender}`]);
		}
	}
	return { label, rows, results };
}

function leverGoals({ label, results }, { proofByIsolates }) {
	const isolates = (name) => results[name].isolatesPerRequest;
	const rate = (name) => results[name].reqPerSec;
	const goal = (name, value, text, met) => console.log(goalLine(`B2 levers ${label}: ${name}`, value, text, met));
	// Each copy lacks its lever: the isolates it builds show it. Only by default: with lazy
	// acquire a credential read builds no isolate.
	for (const contender of proofByIsolates ? ['accepted', 'badSignature'] : []) {
		const off = isolates(`noCache.${contender}`);
		const on = isolates(`allOn.${contender}`);
		goal(`isolates per request without the credential cache, ${contender} (all on: ${fmt(on, 2)})`, fmt(off, 2), '>= all on + 0.9 (one credential read per request)', off >= on + 0.9);
	}
	if (proofByIsolates) {
		const off = isolates('noCacheNoScreen.unsigned');
		const on = isolates('noCache.unsigned');
		goal(`isolates per no-signature-header request without screen or cache (cache off only: ${fmt(on, 2)})`, fmt(off, 2), '>= cache off only + 0.9 (the credential is read)', off >= on + 0.9);
	}
	// Two unchanged instances: a lever's effect must stand out of this spread to count.
	for (const contender of ['accepted', 'badSignature', 'unsigned']) {
		const value = rate(`control.${contender}`) / rate(`allOn.${contender}`);
		goal(`req/s ${contender}, second unchanged instance / all on`, `${value.toFixed(2)}x`, '0.8x..1.25x (instances comparable)', value >= 0.8 && value <= 1.25);
	}
	// What each lever gives: req/s with it on / with it off (> 1x: it pays).
	const pays = (name, on, off) => {
		const value = rate(on) / rate(off);
		goal(`req/s ${name}, lever on / off`, `${value.toFixed(2)}x`, '> 1x', value > 1);
	};
	pays('node 1.1 / v1, accepted', 'allOn.accepted', 'allOn.acceptedV1');
	pays('credential cache, accepted', 'allOn.accepted', 'noCache.accepted');
	pays('credential cache, bad signature', 'allOn.badSignature', 'noCache.badSignature');
	// With the credential kept, screen() saves only a kept read: the table shows it, no goal.
	pays('screen, no signature header (credential not kept)', 'noCache.unsigned', 'noCacheNoScreen.unsigned');
}

/** Engine settings not in the main comparison, each on its own instance, against n8n's defaults. */
const ENGINE_INSTANCES = [
	{ name: 'baseline', text: 'default', env: {} },
	{ name: 'poolSize', text: 'N8N_EXPRESSION_ENGINE_POOL_SIZE=4', env: { N8N_EXPRESSION_ENGINE_POOL_SIZE: '4' } },
	{ name: 'compileCache', text: 'N8N_EXPRESSION_ENGINE_COMPILE_CACHE=true', env: { N8N_EXPRESSION_ENGINE_COMPILE_CACHE: 'true' } },
	// n8n checks only that the variable exists: any value, even "false", turns statistics off.
	{ name: 'skipStatistics', text: 'SKIP_STATISTICS_EVENTS=true', env: { SKIP_STATISTICS_EVENTS: 'true' } },
];

async function engineComparison() {
	const results = await withInstances('engine', ENGINE_INSTANCES, async (instances) =>
		await compareLoads(
			ENGINE_INSTANCES.flatMap(({ name }) => {
				const { bench, urls } = instances[name];
				const [accepted, badSignature] = triggerContenders(name, instances[name]);
				return [{ name: `${name}.builtin`, bench, kind: 'plain', url: urls.builtin, workflow: 'b2 builtin' }, accepted, badSignature];
			}),
			SIDE_DURATION_MS,
		),
	);
	const rows = [];
	for (const { name, text } of ENGINE_INSTANCES) {
		for (const contender of ['builtin', 'accepted', 'badSignature']) {
			const result = results[`${name}.${contender}`];
			const baseline = results[`baseline.${contender}`];
			rows.push([text, CONTENDER_TEXT[contender], fmt(result.reqPerSec), times(result.reqPerSec, baseline.reqPerSec), fmt(result.p99), fmt(result.isolatesPerRequest, 2), result.executions, statusText(result)]);
		}
	}
	console.log(table(['n8n setting', 'contender', 'req/s', 'x default', 'p99 ms', 'isolates/req', 'executions', 'answers'], rows));
	for (const { name, text } of ENGINE_INSTANCES.slice(1)) {
		for (const contender of ['builtin', 'accepted', 'badSignature']) {
			const value = results[`${name}.${contender}`].reqPerSec / results[`baseline.${contender}`].reqPerSec;
			console.log(goalLine(`B2 engine: ${contender} req/s, ${text} / default`, `${value.toFixed(2)}x`, '> 1x (the setting helps)', value > 1));
		}
	}
}

if (PHASES.includes('main')) await mainComparison();
for (const [phaseName, settings] of [
	['levers', ENGINE_SETTINGS[0]],
	['levers-lazy', ENGINE_SETTINGS[1]],
]) {
	if (!PHASES.includes(phaseName)) continue;
	const run = await leversComparison(settings);
	console.log(table(['n8n settings', 'lever off', 'contender', 'req/s', 'x all on', 'p99 ms', 'isolates/req', 'executions', 'answers'], run.rows));
	leverGoals(run, { proofByIsolates: Object.keys(settings.env).length === 0 });
}
if (PHASES.includes('engine')) await engineComparison();
