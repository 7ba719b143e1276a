// B1: the verification core in process. µs per request to verify, parse and turn into items,
// against the floor (createHmac + timingSafeEqual + JSON.parse) and the standardwebhooks library.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createRequire } from 'node:module';

import { Webhook } from 'standardwebhooks';

import { compare, goalLine, machineLine, table } from './lib/measure.mjs';
import { batchOfDials, eventBody } from './lib/payloads.mjs';

const require = createRequire(import.meta.url);
const { receive } = require('../dist/nodes/core/receive.js');
const { createEventFilter } = require('../dist/nodes/core/eventFilter.js');
const { resolvePreset } = require('../dist/nodes/core/providers/index.js');
const { version: workflowVersion } = require('n8n-workflow/package.json');

const SECRET = 'bench-signing-secret-0123456789';
const WHSEC = `whsec_${Buffer.from('bench-standard-webhooks-key-0123').toString('base64')}`;
const NOW = Math.floor(Date.now() / 1000);

/** The floor: one HMAC over the same signed content, one constant-time compare, one JSON.parse. */
function floorFor(key, signedPrefix, body, receivedDigest) {
	return () => {
		const mac = createHmac('sha256', key);
		if (signedPrefix) mac.update(signedPrefix);
		const expected = mac.update(body).digest();
		if (!(expected.length === receivedDigest.length && timingSafeEqual(expected, receivedDigest))) throw new Error('floor mismatch');
		return JSON.parse(body.toString('utf8'));
	};
}

/** Headers each platform sends besides the signature. */
const platformHeaders = {
	outboundIq: { 'x-outboundiq-delivery-id': 'msg_2Lh9bench0000000000000001', 'x-outboundiq-event': 'dial.batch' },
	github: { 'x-github-event': 'push', 'x-github-delivery': '72d3162e-cc78-11e3-81ab-4c9367dc0958' },
	shopify: { 'x-shopify-topic': 'orders/create', 'x-shopify-webhook-id': 'b54557e4-bdd9-4b37-8a5f-bf7d70bcd043' },
};

const schemes = [
	{ preset: 'onCallClerk', secret: SECRET },
	{ preset: 'outboundIq', secret: SECRET },
	{ preset: 'pbx', secret: SECRET },
	{ preset: 'standardWebhooks', secret: WHSEC },
	{ preset: 'stripe', secret: SECRET },
	{ preset: 'github', secret: SECRET },
	{ preset: 'shopify', secret: SECRET },
	{ preset: 'customHmac', secret: SECRET },
];

console.log('B1: verification core, in process (µs per request: verify + parse + items)');
console.log(machineLine({ 'n8n-workflow': workflowVersion }));

const rows = [];
let worstFloorRatio = 0;
let standardSpeedups = [];
for (const size of ['500 B event', '37 KB batch of 100 dials']) {
	for (const { preset: presetName, secret } of schemes) {
		const preset = resolvePreset(presetName);
		const id = 'msg_2Lh9bench0000000000000001';
		const body = size.startsWith('500') ? eventBody(presetName, id) : batchOfDials(presetName, id, 100);
		const signed = preset.scheme.sign({ body, secret, id, timestamp: NOW });
		const headers = Object.fromEntries(Object.entries(signed).map(([name, value]) => [name.toLowerCase(), value]));
		Object.assign(headers, platformHeaders[presetName] ?? {});
		const settings = { preset, secrets: [secret], eventFilter: createEventFilter(['*']), maxBodyBytes: 1 << 20 };
		const outcome = receive({ body, headers }, settings);
		if (outcome.kind !== 'emit') throw new Error(`${presetName}: ${JSON.stringify(outcome)}`);

		const floorKey = presetName === 'standardWebhooks' ? Buffer.from(WHSEC.slice(6), 'base64') : secret;
		const floorPrefix =
			presetName === 'standardWebhooks' ? `${id}.${NOW}.` : presetName === 'pbx' || presetName === 'stripe' ? `${NOW}.` : '';
		const digest = createHmac('sha256', floorKey).update(floorPrefix).update(body).digest();
		const contenders = {
			floor: floorFor(floorKey, floorPrefix, body, digest),
			ours: () => receive({ body, headers }, settings),
		};
		if (presetName === 'standardWebhooks') {
			const reference = new Webhook(WHSEC);
			contenders.standardwebhooks = () => reference.verify(body, headers);
		}
		const big = body.length > 10_000;
		const ns = compare(contenders, { iterations: big ? 200 : 2_000, warmup: big ? 300 : 3_000 });
		const ratio = ns.ours / ns.floor;
		worstFloorRatio = Math.max(worstFloorRatio, ratio);
		let speedup = '';
		if (ns.standardwebhooks) {
			standardSpeedups.push(ns.standardwebhooks / ns.ours);
			speedup = `${(ns.standardwebhooks / 1000).toFixed(1)} (${(ns.standardwebhooks / ns.ours).toFixed(1)}x slower)`;
		}
		rows.push([
			presetName,
			size,
			`${body.length} B`,
			outcome.items.length,
			(ns.floor / 1000).toFixed(2),
			(ns.ours / 1000).toFixed(2),
			`${ratio.toFixed(2)}x`,
			speedup,
		]);
	}
}
console.log(table(['scheme', 'request', 'bytes', 'items', 'floor µs', 'ours µs', 'ours/floor', 'standardwebhooks µs'], rows));
console.log(goalLine('B1 ours/floor (worst case)', `${worstFloorRatio.toFixed(2)}x`, '<= 1.20x', worstFloorRatio <= 1.2));
const slowest = Math.min(...standardSpeedups);
console.log(goalLine('B1 speed-up over standardwebhooks (smaller case)', `${slowest.toFixed(1)}x`, '>= 4x', slowest >= 4));
