// Closed-loop HTTP load from a second process (undici Pool): `connections` workers each send
// one request at a time for `durationMs`. Run as a child by `runLoad()`; prints one JSON line.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

import { percentile } from './measure.mjs';
import { batchOfDials, eventBody } from './payloads.mjs';

const SELF = fileURLToPath(import.meta.url);

/**
 * Request makers, by kind. Each returns { headers, body, units } for request number `n`
 * (units: what one request carries, e.g. dials).
 */
function requestMaker({ kind, secret, runId }) {
	const require = createRequire(import.meta.url);
	const { onCallClerkScheme, outboundIqScheme } = require('../../dist/nodes/core/providers/index.js');
	const json = { 'content-type': 'application/json' };
	const onCallClerk = (id, type, signingSecret = secret) => {
		let body = eventBody('onCallClerk', id);
		if (type) body = Buffer.from(JSON.stringify({ ...JSON.parse(body.toString('utf8')), type }));
		return { headers: { ...json, ...onCallClerkScheme.sign({ body, secret: signingSecret, id }) }, body, units: 1 };
	};
	const outboundIq = (id, dials) => {
		const body = batchOfDials('outboundIq', id, dials);
		const signed = outboundIqScheme.sign({ body, secret, id });
		const headers = { ...json, ...signed, 'x-outboundiq-delivery-id': id, 'x-outboundiq-event': 'dial.batch' };
		return { headers, body, units: dials };
	};
	const id = (n) => `evt_${runId}_${n}`;
	switch (kind) {
		// The built-in Webhook node gets the same bytes, unsigned.
		case 'plain':
			return (n) => ({ headers: json, body: eventBody('onCallClerk', id(n)), units: 1 });
		case 'signed':
			return (n) => onCallClerk(id(n));
		case 'batch100':
			return (n) => outboundIq(id(n), 100);
		case 'batch1':
			return (n) => outboundIq(id(n), 1);
		case 'badSignature':
			return (n) => onCallClerk(id(n), undefined, `${secret}-wrong`);
		case 'duplicate': {
			// The same delivery every time: the caller has delivered it once before the run.
			const fixed = onCallClerk(`evt_${runId}_duplicate`);
			return () => fixed;
		}
		case 'unsubscribed':
			return (n) => onCallClerk(id(n), 'call.started');
		default:
			throw new Error(`unknown request kind ${kind}`);
	}
}

export { requestMaker };

async function child(config) {
	const { Pool } = await import('undici');
	const url = new URL(config.url);
	const pool = new Pool(url.origin, { connections: config.connections, pipelining: 1 });
	const make = requestMaker(config);
	const latencies = [];
	const statuses = {};
	const bodies = {};
	let units = 0;
	let errors = 0;
	let n = 0;
	const started = performance.now();
	const deadline = started + config.durationMs;
	await Promise.all(
		Array.from({ length: config.connections }, async () => {
			while (performance.now() < deadline) {
				const request = make(n++);
				const t0 = performance.now();
				try {
					const response = await pool.request({
						path: url.pathname,
						method: 'POST',
						headers: request.headers,
						body: request.body,
					});
					const text = await response.body.text();
					latencies.push(performance.now() - t0);
					statuses[response.statusCode] = (statuses[response.statusCode] ?? 0) + 1;
					const sample = `${response.statusCode} ${text.slice(0, 80)}`;
					bodies[sample] = (bodies[sample] ?? 0) + 1;
					if (response.statusCode < 300) units += request.units;
				} catch (error) {
					errors++;
					statuses[error.code ?? 'error'] = (statuses[error.code ?? 'error'] ?? 0) + 1;
				}
			}
		}),
	);
	const seconds = (performance.now() - started) / 1000;
	await pool.close();
	const answers = latencies.length;
	return {
		kind: config.kind,
		seconds,
		answers,
		errors,
		reqPerSec: answers / seconds,
		unitsPerSec: units / seconds,
		p50: percentile(latencies, 50),
		p99: percentile(latencies, 99),
		statuses,
		// The few distinct answers, to show what the server said.
		answerSamples: Object.fromEntries(Object.entries(bodies).slice(0, 4)),
	};
}

/** Runs one load phase in a child process (this machine's Node) and returns its figures. */
export function runLoad(config) {
	return new Promise((resolve, reject) => {
		const proc = spawn(process.execPath, [SELF, JSON.stringify(config)], { stdio: ['ignore', 'pipe', 'inherit'] });
		let out = '';
		proc.stdout.on('data', (chunk) => (out += chunk));
		proc.on('error', reject);
		proc.on('close', (code) => {
			const line = out.trim().split('\n').pop();
			if (code !== 0 || !line) return reject(new Error(`load client exited ${code}: ${out}`));
			resolve(JSON.parse(line));
		});
	});
}

if (process.argv[1] === SELF) {
	child(JSON.parse(process.argv[2])).then(
		(result) => process.stdout.write(`${JSON.stringify(result)}\n`),
		(error) => {
			console.error(error);
			process.exit(1);
		},
	);
}
