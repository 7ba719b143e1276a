// B3: the sender inside a real n8n (SQLite, the e2e harness). A webhook starts each workflow
// with its items in the body (Split Out makes them items); the time is from that POST until a
// poll sees the execution finished. The receiver is on loopback and answers after 50 ms.
//  1. BENCH_ITEMS (1,000) items: Signed Webhook (default concurrency) vs HTTP Request (defaults).
//     Also HTTP Request with batching limited to the same number in flight (10 per batch, no interval).
//  2. The same, 20% of deliveries answered 503 once: all delivered, Failed output empty; beside it
//     HTTP Request (batched) with Retry On Fail at its maximum (5 tries, 5 s apart), counted at the receiver.
//  3. RSS of the n8n process before and after BENCH_MEMORY_ITEMS (10,000) items.
import { goalLine, machineLine, table } from './lib/measure.mjs';
import { loadWorkflow, n8nVersion, newCredentialId, newWebhookId, nodeOutputs, sleep, startBenchN8n } from './lib/n8n-bench.mjs';
import { startReceiver } from './lib/receiver.mjs';

const ITEMS = Number(process.env.BENCH_ITEMS ?? 1_000);
const MEMORY_ITEMS = Number(process.env.BENCH_MEMORY_ITEMS ?? 10_000);
const ROUNDS = Number(process.env.BENCH_B3_ROUNDS ?? 2);
const DELAY_MS = 50;
const WHSEC = `whsec_${Buffer.from('bench-standard-webhooks-key-0123').toString('base64')}`;

const versions = await n8nVersion();
console.log(`B3: the sender inside a real n8n (${ITEMS} items, receiver answers after ${DELAY_MS} ms, best of ${ROUNDS} interleaved rounds)`);
console.log(machineLine({ n8n: versions.n8n, 'n8n-node': versions.n8nNode, db: 'sqlite', 'expression-engine': versions.expressionEngine }));

const receiver = await startReceiver({ delayMs: DELAY_MS });
const credentialId = newCredentialId();
const credentialName = 'b3 signing secret';
const hooks = {
	signed: newWebhookId(),
	flaky: newWebhookId(),
	http: newWebhookId(),
	wide: newWebhookId(),
	batched: newWebhookId(),
	httpFlaky: newWebhookId(),
	httpPoison: newWebhookId(),
	httpContinue: newWebhookId(),
};
// Not a goal's contender: the same node with Concurrency raised, to show where the time goes.
const WIDE_CONCURRENCY = Number(process.env.BENCH_WIDE_CONCURRENCY ?? 100);
const signedWorkflow = (name, path, webhookId, url) =>
	loadWorkflow('b3-signed-webhook.json', {
		NAME: name,
		PATH: path,
		WEBHOOK_ID: webhookId,
		URL: url,
		CREDENTIAL_ID: credentialId,
		CREDENTIAL_NAME: credentialName,
	});
function withConcurrency(workflow, concurrency) {
	const node = workflow.nodes.find((candidate) => candidate.name === 'Send');
	node.parameters.concurrency = concurrency;
	return workflow;
}
const SIGNED_CONCURRENCY = 10;
/** HTTP Request with at most as many requests in flight as Signed Webhook's default Concurrency. */
function batched(workflow) {
	const node = workflow.nodes.find((candidate) => candidate.name === 'Send');
	node.parameters.options = { ...node.parameters.options, batching: { batch: { batchSize: SIGNED_CONCURRENCY, batchInterval: 0 } } };
	return workflow;
}
/** Retry On Fail (the maximum is 5 tries, 5 s apart): the node runs again, all its items. */
function retryOnFail(workflow, waitBetweenTries = 5000, settings = {}) {
	const node = workflow.nodes.find((candidate) => candidate.name === 'Send');
	Object.assign(node, { retryOnFail: true, maxTries: 5, waitBetweenTries, ...settings });
	return workflow;
}
const httpWorkflow = (name, path, webhookId, url) => loadWorkflow('b3-http-request.json', { NAME: name, PATH: path, WEBHOOK_ID: webhookId, URL: url });
const workflows = [
	signedWorkflow('b3 signed', 'b3-signed', hooks.signed, receiver.url('/ok')),
	signedWorkflow('b3 flaky', 'b3-flaky', hooks.flaky, receiver.url('/flaky')),
	withConcurrency(signedWorkflow('b3 wide', 'b3-wide', hooks.wide, receiver.url('/wide')), WIDE_CONCURRENCY),
	httpWorkflow('b3 http', 'b3-http', hooks.http, receiver.url('/http')),
	batched(httpWorkflow('b3 batched', 'b3-batched', hooks.batched, receiver.url('/http-batched'))),
	retryOnFail(batched(httpWorkflow('b3 httpFlaky', 'b3-httpFlaky', hooks.httpFlaky, receiver.url('/flaky-http')))),
	// The observations, 1 s apart: one item that always fails, and On Error: Continue.
	retryOnFail(httpWorkflow('b3 httpPoison', 'b3-httpPoison', hooks.httpPoison, receiver.url('/poison-http')), 1000),
	retryOnFail(httpWorkflow('b3 httpContinue', 'b3-httpContinue', hooks.httpContinue, receiver.url('/flaky-continue')), 1000, {
		onError: 'continueRegularOutput',
	}),
];
const credentials = [{ id: credentialId, name: credentialName, type: 'signedWebhookApi', data: { signingSecret: WHSEC, authType: 'none' } }];

let bench;
try {
	bench = await startBenchN8n('b3', { workflows, credentials });
} catch (error) {
	await receiver.close();
	throw error;
}
const stopOnSignal = () => Promise.allSettled([bench.close(), receiver.close()]).finally(() => process.exit(130));
process.once('SIGINT', stopOnSignal);
process.once('SIGTERM', stopOnSignal);

const items = (count, tag) => ({
	items: Array.from({ length: count }, (_, n) => ({ n, tag, leadId: `lead_${tag}_${n}`, name: 'Jordan Reyes', phone: '+15551234567', stage: 'qualified' })),
});

/** Runs a workflow over `count` items; returns time, Delivered/Failed counts and the receiver's view. */
async function send(name, path, count, tag, options = {}) {
	receiver.reset();
	const { seconds, execution } = await bench.runViaWebhook(name, bench.webhookUrl(null, path), items(count, tag), options);
	const { outputs, executionTime, error } = nodeOutputs(execution, 'Send');
	const route = {
		'b3 signed': '/ok',
		'b3 flaky': '/flaky',
		'b3 http': '/http',
		'b3 wide': '/wide',
		'b3 batched': '/http-batched',
		'b3 httpFlaky': '/flaky-http',
		'b3 httpPoison': '/poison-http',
		'b3 httpContinue': '/flaky-continue',
	}[name];
	return {
		seconds,
		status: execution.status,
		nodeSeconds: executionTime / 1000,
		delivered: outputs[0]?.length ?? 0,
		failed: outputs[1]?.length ?? 0,
		error: error?.message,
		receiver: receiver.stats(route),
	};
}

try {
	// Warm-up: load both node types and open the paths.
	await send('b3 signed', 'b3-signed', 20, 'warm');
	await send('b3 http', 'b3-http', 20, 'warm');

	const runs = { signed: [], http: [], batched: [], flaky: [], httpFlaky: [], wide: [], httpPoison: [], httpContinue: [] };
	for (let round = 0; round < ROUNDS; round++) {
		const order = round % 2 === 0 ? ['signed', 'http', 'batched'] : ['batched', 'http', 'signed'];
		for (const which of order) runs[which].push(await send(`b3 ${which}`, `b3-${which}`, ITEMS, `r${round}`));
		runs.flaky.push(await send('b3 flaky', 'b3-flaky', ITEMS, `f${round}`));
		runs.httpFlaky.push(await send('b3 httpFlaky', 'b3-httpFlaky', ITEMS, `hf${round}`));
		if (round === 0) {
			runs.wide.push(await send('b3 wide', 'b3-wide', ITEMS, 'w'));
			runs.httpPoison.push(await send('b3 httpPoison', 'b3-httpPoison', ITEMS, 'p'));
			runs.httpContinue.push(await send('b3 httpContinue', 'b3-httpContinue', ITEMS, 'c'));
		}
	}
	const best = (list) => list.reduce((a, b) => (b.seconds < a.seconds ? b : a));
	const rows = [];
	const row = (label, run) => [
		label,
		run.seconds.toFixed(2),
		Number.isFinite(run.nodeSeconds) ? run.nodeSeconds.toFixed(2) : '',
		run.status,
		run.delivered,
		run.failed,
		run.receiver.requests,
		run.receiver.delivered,
		run.receiver.maxInFlight,
		(run.receiver.requests / Math.max(1, run.receiver.delivered)).toFixed(2),
		run.receiver.duplicates,
		run.error ?? '',
	];
	for (const [which, label] of [
		['signed', 'Signed Webhook, default concurrency (10)'],
		['http', 'HTTP Request node, defaults'],
		['batched', `HTTP Request node, batches of ${SIGNED_CONCURRENCY}, no interval`],
		['flaky', 'Signed Webhook, 20% answered 503 once'],
		['httpFlaky', `HTTP Request, batches of ${SIGNED_CONCURRENCY}, Retry On Fail 5 × 5 s, 20% answered 503 once`],
		['wide', `(info) Signed Webhook, concurrency ${WIDE_CONCURRENCY}`],
		['httpPoison', 'HTTP Request, Retry On Fail 5 × 1 s, first item always 503'],
		['httpContinue', 'HTTP Request, Retry On Fail 5 × 1 s + On Error: Continue, 20% answered 503 once'],
	]) {
		runs[which].forEach((run, round) => rows.push(row(`${label}, round ${round + 1}`, run)));
	}

	// Memory: RSS of n8n before and after MEMORY_ITEMS items through the Signed Webhook node, twice:
	// a second run shows whether what the first left behind keeps growing.
	await bench.settle();
	await sleep(2_000);
	const rssBefore = await bench.rssMb();
	let rssPeak = rssBefore;
	const rssAfter = [];
	for (let run = 1; run <= 2; run++) {
		const memoryRun = await send('b3 signed', 'b3-signed', MEMORY_ITEMS, `mem${run}`, {
			pollMs: 250,
			onPoll: async () => {
				rssPeak = Math.max(rssPeak, await bench.rssMb());
			},
		});
		await bench.settle();
		await sleep(5_000);
		rssAfter.push(await bench.rssMb());
		rows.push(row(`Signed Webhook, ${MEMORY_ITEMS} items (memory run ${run})`, memoryRun));
		runs.memory = [...(runs.memory ?? []), memoryRun];
	}

	console.log(
		table(
			['run', 'seconds (POST → finished)', 'node s', 'status', 'delivered out', 'failed out', 'receiver requests', 'receiver delivered', 'max in flight', 'requests per delivered', 'duplicates at receiver'],
			rows.map((r) => r.slice(0, 11)),
		),
	);
	for (const r of rows) if (r[11]) console.log(`error in ${r[0]}: ${r[11]}`);
	console.log(
		table(
			['n8n RSS', 'MB'],
			[
				['before (after the timing runs, settled + 2 s)', rssBefore.toFixed(1)],
				[`after 1st ${MEMORY_ITEMS} items (settled + 5 s)`, rssAfter[0].toFixed(1)],
				[`after 2nd ${MEMORY_ITEMS} items (settled + 5 s)`, rssAfter[1].toFixed(1)],
				['peak while sending', rssPeak.toFixed(1)],
				['delta 1st after - before', (rssAfter[0] - rssBefore).toFixed(1)],
				['delta 2nd after - 1st after', (rssAfter[1] - rssAfter[0]).toFixed(1)],
			],
		),
	);

	const signed = best(runs.signed);
	const http = best(runs.http);
	const speedup = http.seconds / signed.seconds;
	console.log(
		goalLine(`B3 ${ITEMS} items, HTTP Request time / Signed Webhook time (best of ${ROUNDS})`, `${speedup.toFixed(2)}x (${http.seconds.toFixed(2)} s vs ${signed.seconds.toFixed(2)} s)`, '>= 5x', speedup >= 5),
	);
	const batchedHttp = best(runs.batched);
	const fair = batchedHttp.seconds / signed.seconds;
	console.log(
		goalLine(`B3 ${ITEMS} items, HTTP Request batched (${SIGNED_CONCURRENCY} in flight) time / Signed Webhook time (best of ${ROUNDS})`, `${fair.toFixed(2)}x (${batchedHttp.seconds.toFixed(2)} s vs ${signed.seconds.toFixed(2)} s)`, 'for information', true),
	);
	for (const [label, list] of [['Signed Webhook', runs.flaky], ['HTTP Request + Retry On Fail', runs.httpFlaky]]) {
		const worst = list.reduce((a, b) => (b.receiver.delivered < a.receiver.delivered || b.receiver.duplicates > a.receiver.duplicates ? b : a));
		const met = list.every((run) => run.receiver.delivered === ITEMS && run.receiver.duplicates === 0);
		console.log(
			goalLine(
				`B3 20% 503-once at the receiver, ${label}`,
				`${worst.receiver.delivered} of ${ITEMS} delivered, ${ITEMS - worst.receiver.delivered} never, ${worst.receiver.duplicates} duplicates, ${(worst.receiver.requests / Math.max(1, worst.receiver.delivered)).toFixed(2)} requests per delivered item, execution ${worst.status}`,
				'100% delivered, 0 duplicates',
				met,
			),
		);
	}
	const flakyOk = runs.flaky.every((run) => run.delivered === ITEMS && run.failed === 0 && run.receiver.delivered === ITEMS);
	const flakyWorst = runs.flaky.reduce((a, b) => (b.delivered < a.delivered || b.failed > a.failed ? b : a));
	console.log(
		goalLine(
			'B3 20% 503-once, delivered (Failed output)',
			`${((flakyWorst.delivered / ITEMS) * 100).toFixed(1)}% (${flakyWorst.failed} failed, receiver saw ${flakyWorst.receiver.delivered} unique, ${flakyWorst.receiver.failedOnce} answered 503)`,
			'100%, 0 failed',
			flakyOk,
		),
	);
	// Flat: what is left after each run is within 10% of where it started.
	const worstAfter = Math.max(...rssAfter);
	const growth = (worstAfter - rssBefore) / rssBefore;
	const allDelivered = runs.memory.every((run) => run.delivered === MEMORY_ITEMS && run.failed === 0);
	console.log(
		goalLine(
			`B3 n8n RSS over ${MEMORY_ITEMS} items (x2)`,
			`before ${rssBefore.toFixed(0)} MB, after ${rssAfter.map((mb) => mb.toFixed(0)).join(' / ')} MB (worst ${growth >= 0 ? '+' : ''}${(worstAfter - rssBefore).toFixed(0)} MB, ${(growth * 100).toFixed(1)}%; peak ${rssPeak.toFixed(0)} MB)`,
			'flat: after <= before + 10%, all delivered',
			growth <= 0.1 && allDelivered,
		),
	);
} finally {
	await Promise.allSettled([bench.close(), receiver.close()]);
}
