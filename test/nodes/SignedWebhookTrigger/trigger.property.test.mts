/**
 * The reliability campaign of issue 7 against the trigger: for every preset,
 * TRIGGER_PROPERTY_RUNS (default 10,000) generated requests go through the
 * node's real webhook(), in n8n-core's WebhookContext, with a configured secret. Requests are hostile at
 * random, or correctly signed and then broken (signature truncated, extended,
 * made non-hex or non-base64; timestamp huge, negative, NaN, in ms; body
 * flipped after signing), or correctly signed over a hostile body (invalid
 * UTF-8, deep nesting, `__proto__` keys, bad `dials`), so that runs reach the
 * JSON, envelope, filter, dedupe and item paths as well as the early refusals.
 *
 * Properties, per request:
 * - webhook() never throws, and answers exactly one way: items, a 200 ack, or a refusal;
 * - a request whose signature or auth did not verify yields no item, and is refused with a 4xx;
 * - every refusal is a 4xx with a reason code (the secret is configured; without one a
 *   signature preset answers 500 no_secret on purpose, which is not generated here);
 * - a correctly signed but stale (or odd) timestamp is refused with 401;
 * - a valid request carrying `__proto__` / `constructor` keys pollutes no prototype, before
 *   and after n8n's own deepCopy of the items;
 * - no secret or auth value appears in a response, a log line or an item.
 * Each preset prints how many runs reached each outcome, and asserts that the
 * interesting ones were reached at all.
 */
import fc from 'fast-check';
import { deepCopy, type IDataObject } from 'n8n-workflow';
import { afterAll, describe, expect, it } from 'vitest';

import { DEFAULT_MAX_BODY_BYTES } from '../../../nodes/core/receive';
import { callWebhook, freshDedupeMemory, type LogEntry, type RecordedResponse } from '../../helpers/triggerNode.mts';
import {
	API_KEY,
	BEARER_TOKEN,
	exampleBodies,
	nowSeconds,
	PREVIOUS_SECRET,
	PREVIOUS_WHSEC,
	providers,
	SECRET,
	signedDelivery,
	WHSEC,
	type Delivery,
} from '../../helpers/signedRequests.mjs';

const RUNS = Number(process.env.TRIGGER_PROPERTY_RUNS ?? 10_000);
const SEED = process.env.TRIGGER_PROPERTY_SEED === undefined ? undefined : Number(process.env.TRIGGER_PROPERTY_SEED);
const SECRETS = [SECRET, PREVIOUS_SECRET, WHSEC, PREVIOUS_WHSEC, BEARER_TOKEN, API_KEY];
const WRONG_SECRET = 'attacker-guessed-secret-000';
const WRONG_WHSEC = `whsec_${Buffer.from('attacker-guessed-key-00000000000').toString('base64')}`;

/** Headers that carry the proof of origin, per preset (lower-case). */
const SECURITY: Record<string, { auth?: string; signature?: string; timestamp?: string; id?: string }> = {
	outCallerAi: { auth: 'authorization' },
	leadUpdateCallback: { auth: 'x-api-key' },
	onCallClerk: { signature: 'x-oncallclerk-signature' },
	outboundIq: { signature: 'x-outboundiq-signature' },
	pbx: { signature: 'x-webhook-signature', timestamp: 'x-webhook-timestamp' },
	standardWebhooks: { signature: 'webhook-signature', timestamp: 'webhook-timestamp', id: 'webhook-id' },
	// Stripe carries its timestamp inside the signature header (t=...).
	stripe: { signature: 'stripe-signature', timestamp: 'stripe-signature' },
	github: { signature: 'x-hub-signature-256' },
	shopify: { signature: 'x-shopify-hmac-sha256' },
	customHmac: { signature: 'x-acme-signature', timestamp: 'x-acme-timestamp' },
};
const securityHeaders = (provider: string) => Object.values(SECURITY[provider]).filter((h): h is string => !!h);

// ---------------------------------------------------------------------------------------------
// Generators

const NOISE_HEADER_NAMES = [
	'x-oncallclerk-signature',
	'x-outboundiq-signature',
	'x-outboundiq-delivery-id',
	'x-outboundiq-event',
	'x-webhook-signature',
	'x-webhook-timestamp',
	'x-webhook-event',
	'webhook-id',
	'webhook-timestamp',
	'webhook-signature',
	'svix-timestamp',
	'stripe-signature',
	'x-hub-signature-256',
	'x-github-event',
	'x-github-delivery',
	'x-shopify-hmac-sha256',
	'x-shopify-topic',
	'x-shopify-webhook-id',
	'x-acme-signature',
	'x-acme-timestamp',
	'authorization',
	'x-api-key',
	'x-outcaller-event',
	'x-outcaller-resource',
	'content-type',
	'content-length',
	'x-forwarded-for',
	'__proto__',
	'constructor',
	'x-random',
];
const hexString = (min: number, max: number) =>
	fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: min, maxLength: max });
const b64Of32 = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => Buffer.from(b).toString('base64'));
/** Header values an attacker would try, including well-formed signatures that are simply wrong. */
const hostileHeaderValue = fc.oneof(
	fc.string({ maxLength: 80 }),
	hexString(64, 64),
	hexString(64, 64).map((h) => `sha256=${h}`),
	b64Of32,
	b64Of32.map((b) => `v1,${b}`),
	b64Of32.map((b) => `v1=${b}`),
	hexString(64, 64).map((h) => `t=${nowSeconds()},v1=${h}`),
	fc.constantFrom('sha256=', 'v1,', 't=1,v1=zz', 'Bearer ', 'Bearer', '-1', 'NaN', '99999999999999999', '1e308', '', ' ', '\u0000'),
	fc.constantFrom(String(nowSeconds()), String(nowSeconds() * 1000), String(-nowSeconds()), '0', '1.5'),
);
const headerValue = fc.oneof(
	{ arbitrary: hostileHeaderValue, weight: 5 },
	{ arbitrary: fc.array(hostileHeaderValue, { minLength: 2, maxLength: 3 }), weight: 1 },
);

/** JSON values to plant in a valid envelope. */
const hostileJsonValue: fc.Arbitrary<unknown> = fc.oneof(
	fc.constantFrom(null, true, false, 0, -1, 1e308, '', 'x', [], {}, '2026-13-45T99:99:99Z', 'NaN'),
	fc.jsonValue({ maxDepth: 3 }),
	fc.string({ maxLength: 30 }),
);

type BodyPlan =
	| { t: 'seed' }
	| { t: 'edit'; edits: Array<{ at: number; del: boolean; value: unknown }> }
	| { t: 'dials'; variant: 'empty' | 'over' | 'exactly100' | 'string' | 'object' | 'null' | 'primitives' | 'missing'; n: number }
	| { t: 'proto'; at: number; form: 'plain' | 'escaped' | 'constructor' | 'both' }
	| { t: 'deep'; depth: number; open: '[' | '{"a":' }
	| { t: 'raw'; variant: 'empty' | 'whitespace' | 'truncated' | 'invalidUtf8' | 'bytes' | 'json' | 'oversized' | 'bom'; n: number; bytes: Uint8Array; json: string };

const bodyPlan: fc.Arbitrary<BodyPlan> = fc.oneof(
	{ arbitrary: fc.constant({ t: 'seed' as const }), weight: 4 },
	{
		arbitrary: fc.record({
			t: fc.constant('edit' as const),
			edits: fc.array(fc.record({ at: fc.nat(), del: fc.boolean(), value: hostileJsonValue }), { minLength: 1, maxLength: 3 }),
		}),
		weight: 6,
	},
	{
		arbitrary: fc.record({
			t: fc.constant('dials' as const),
			variant: fc.constantFrom('empty', 'over', 'exactly100', 'string', 'object', 'null', 'primitives', 'missing'),
			n: fc.integer({ min: 101, max: 400 }),
		}),
		weight: 3,
	},
	{
		arbitrary: fc.record({
			t: fc.constant('proto' as const),
			at: fc.nat(),
			form: fc.constantFrom('plain', 'escaped', 'constructor', 'both'),
		}),
		weight: 3,
	},
	{
		arbitrary: fc.record({
			t: fc.constant('deep' as const),
			depth: fc.oneof(fc.integer({ min: 60, max: 70 }), fc.integer({ min: 71, max: 20_000 })),
			open: fc.constantFrom('[' as const, '{"a":' as const),
		}),
		weight: 1,
	},
	{
		arbitrary: fc.record({
			t: fc.constant('raw' as const),
			variant: fc.oneof(
				{ arbitrary: fc.constantFrom('empty', 'whitespace', 'truncated', 'invalidUtf8', 'bytes', 'json', 'bom'), weight: 30 },
				{ arbitrary: fc.constant('oversized' as const), weight: 1 },
			),
			n: fc.nat(),
			bytes: fc.uint8Array({ maxLength: 200 }),
			json: fc.json({ maxDepth: 3 }),
		}),
		weight: 3,
	},
);

type AuthPlan =
	| { t: 'intact' }
	| { t: 'previousSecret' }
	| { t: 'lowercaseBearer' }
	| { t: 'wrongSecret' }
	| { t: 'truncate'; n: number }
	| { t: 'extend'; chars: string }
	| { t: 'nonHex'; at: number; ch: string }
	| { t: 'nonBase64'; at: number; ch: string }
	| { t: 'removeProof' }
	| { t: 'emptyProof' }
	| { t: 'replaceProof'; value: string | string[] }
	| { t: 'bodyAfterSigning'; at: number; flip: number; how: 'flip' | 'append' | 'cut' }
	| { t: 'timestampAfterSigning'; value: string }
	| { t: 'resignedTimestamp'; which: 'stale' | 'future' | 'huge' | 'negative' | 'nan' | 'zero' | 'ms' | 'float' };

const oddTimestamp = fc.oneof(
	fc.constantFrom('NaN', '-1', '', ' ', '1e10', '0x10', 'Infinity', '9'.repeat(40)),
	fc.integer({ min: 1, max: 10_000_000 }).map((d) => String(nowSeconds() - d)),
	fc.integer({ min: 1, max: 10_000_000 }).map((d) => String(nowSeconds() + d)),
	fc.constant(null).map(() => String(nowSeconds() * 1000)),
	fc.bigInt({ min: 10n ** 17n, max: 10n ** 30n }).map(String),
	fc.integer({ min: -2_000_000_000, max: -1 }).map(String),
	fc.double({ noNaN: false }).map(String),
);

const authPlan: fc.Arbitrary<AuthPlan> = fc.oneof(
	{ arbitrary: fc.constant({ t: 'intact' as const }), weight: 24 },
	{ arbitrary: fc.constant({ t: 'previousSecret' as const }), weight: 2 },
	{ arbitrary: fc.constant({ t: 'lowercaseBearer' as const }), weight: 1 },
	{ arbitrary: fc.constant({ t: 'wrongSecret' as const }), weight: 2 },
	{ arbitrary: fc.record({ t: fc.constant('truncate' as const), n: fc.integer({ min: 3, max: 200 }) }), weight: 2 },
	{
		arbitrary: fc.record({
			t: fc.constant('extend' as const),
			chars: fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEF+/'), minLength: 1, maxLength: 12 }),
		}),
		weight: 2,
	},
	{ arbitrary: fc.record({ t: fc.constant('nonHex' as const), at: fc.nat(), ch: fc.constantFrom('g', 'G', 'z', 'Z', 'x', '%', '-') }), weight: 2 },
	{ arbitrary: fc.record({ t: fc.constant('nonBase64' as const), at: fc.nat(), ch: fc.constantFrom('%', '!', '*', '~', '#', '^', '&', '\u00e9') }), weight: 2 },
	{ arbitrary: fc.constant({ t: 'removeProof' as const }), weight: 1 },
	{ arbitrary: fc.constant({ t: 'emptyProof' as const }), weight: 1 },
	{ arbitrary: fc.record({ t: fc.constant('replaceProof' as const), value: headerValue }), weight: 2 },
	{
		arbitrary: fc.record({
			t: fc.constant('bodyAfterSigning' as const),
			at: fc.nat(),
			flip: fc.integer({ min: 1, max: 255 }),
			how: fc.constantFrom('flip' as const, 'append' as const, 'cut' as const),
		}),
		weight: 3,
	},
	{ arbitrary: fc.record({ t: fc.constant('timestampAfterSigning' as const), value: oddTimestamp }), weight: 2 },
	{
		arbitrary: fc.record({
			t: fc.constant('resignedTimestamp' as const),
			which: fc.constantFrom('stale', 'future', 'huge', 'negative', 'nan', 'zero', 'ms', 'float'),
		}),
		weight: 2,
	},
);

type NoiseOp =
	| { t: 'add'; name: string; value: string | string[] }
	| { t: 'duplicate'; at: number; same: boolean; value: string }
	| { t: 'remove'; at: number };
const noiseOp: fc.Arbitrary<NoiseOp> = fc.oneof(
	fc.record({ t: fc.constant('add' as const), name: fc.oneof(fc.constantFrom(...NOISE_HEADER_NAMES), fc.string({ minLength: 1, maxLength: 12 }).map((s) => s.toLowerCase())), value: headerValue }),
	fc.record({ t: fc.constant('duplicate' as const), at: fc.nat(), same: fc.boolean(), value: fc.string({ maxLength: 20 }) }),
	fc.record({ t: fc.constant('remove' as const), at: fc.nat() }),
);

interface Settings {
	events: readonly string[];
	rejectedOutput: boolean;
	includeHeaders: boolean;
	includeRawBody: boolean;
	maxBodyBytes?: number;
	ipAllowlist?: string;
	toleranceSeconds?: number;
}
const settings: fc.Arbitrary<Settings> = fc.record({
	events: fc.oneof(
		{ arbitrary: fc.constant(['*']), weight: 16 },
		{ arbitrary: fc.constantFrom(['no.such.event'], ['lead.*', 'call.*', 'dial.*', 'contact.*'], ['*.created']), weight: 2 },
	),
	rejectedOutput: fc.boolean(),
	includeHeaders: fc.boolean(),
	includeRawBody: fc.oneof({ arbitrary: fc.constant(false), weight: 5 }, { arbitrary: fc.constant(true), weight: 1 }),
	maxBodyBytes: fc.oneof({ arbitrary: fc.constant(undefined), weight: 12 }, { arbitrary: fc.constantFrom(256, 2048, 0), weight: 1 }),
	ipAllowlist: fc.oneof({ arbitrary: fc.constant(undefined), weight: 20 }, { arbitrary: fc.constantFrom('10.0.0.0/8', '127.0.0.1/32, ::1', 'not-an-ip'), weight: 1 }),
	toleranceSeconds: fc.constantFrom(undefined, 60, 3600),
});

type Plan =
	| { kind: 'random'; body: BodyPlan; headers: Record<string, string | string[]>; settings: Settings }
	| { kind: 'signed'; body: BodyPlan; auth: AuthPlan; noise: NoiseOp[]; replay: 'no' | 'sequential' | 'concurrent'; settings: Settings };

const plan: fc.Arbitrary<Plan> = fc.oneof(
	{
		arbitrary: fc.record({
			kind: fc.constant('random' as const),
			body: bodyPlan,
			headers: fc.dictionary(fc.constantFrom(...NOISE_HEADER_NAMES), headerValue, { maxKeys: 8 }),
			settings,
		}),
		weight: 1,
	},
	{
		arbitrary: fc.record({
			kind: fc.constant('signed' as const),
			body: bodyPlan,
			auth: authPlan,
			noise: fc.oneof({ arbitrary: fc.constant([] as NoiseOp[]), weight: 3 }, { arbitrary: fc.array(noiseOp, { minLength: 1, maxLength: 3 }), weight: 1 }),
			replay: fc.oneof({ arbitrary: fc.constant('no' as const), weight: 12 }, { arbitrary: fc.constantFrom('sequential' as const, 'concurrent' as const), weight: 1 }),
			settings,
		}),
		weight: 3,
	},
);

// ---------------------------------------------------------------------------------------------
// Building a request from a plan

const OVERSIZED = Buffer.concat([Buffer.from('{"pad":"'), Buffer.alloc(DEFAULT_MAX_BODY_BYTES, 0x61), Buffer.from('"}')]);
const PROTO_PAYLOADS = {
	plain: '"__proto__":{"polluted":"yes","isAdmin":true}',
	escaped: '"\\u005f\\u005fproto\\u005f\\u005f":{"polluted":"yes"}',
	constructor: '"constructor":{"prototype":{"polluted":"yes"}}',
	both: '"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}}',
};

/** Every object in a parsed JSON value, as [object, path] pairs, root first. */
function objectsIn(value: unknown, out: Array<Record<string, unknown>> = []): Array<Record<string, unknown>> {
	if (value !== null && typeof value === 'object') {
		if (!Array.isArray(value)) out.push(value as Record<string, unknown>);
		for (const child of Object.values(value as object)) objectsIn(child, out);
	}
	return out;
}

function buildBody(provider: string, p: BodyPlan): { body: Buffer; proto: boolean } {
	const seedText = exampleBodies[provider]().toString('utf8');
	switch (p.t) {
		case 'seed':
			return { body: Buffer.from(seedText), proto: false };
		case 'edit': {
			const value = JSON.parse(seedText) as Record<string, unknown>;
			for (const edit of p.edits) {
				const targets = objectsIn(value);
				const target = targets[edit.at % targets.length];
				const keys = Object.keys(target);
				if (keys.length === 0) continue;
				const key = keys[Math.floor(edit.at / targets.length) % keys.length];
				if (edit.del) delete target[key];
				else target[key] = edit.value;
			}
			return { body: Buffer.from(JSON.stringify(value)), proto: false };
		}
		case 'dials': {
			const value = JSON.parse(seedText) as Record<string, unknown>;
			const dial = { callId: 'AB1', timestamp: '2026-04-10T18:32:15.000Z', disposition: 'Sale' };
			const variants = {
				empty: [],
				over: Array.from({ length: p.n }, (_, i) => ({ ...dial, callId: `AB${i}` })),
				exactly100: Array.from({ length: 100 }, (_, i) => ({ ...dial, callId: `AB${i}` })),
				string: 'dials',
				object: { 0: dial },
				null: null,
				primitives: [1, 'two', null],
				missing: undefined,
			};
			value.dials = variants[p.variant];
			return { body: Buffer.from(JSON.stringify(value)), proto: false };
		}
		case 'proto': {
			// Insert the key after one of the seed's opening braces (top level or nested).
			const braces = [...seedText.matchAll(/\{/g)].map((m) => m.index ?? 0);
			const at = braces[p.at % braces.length] + 1;
			const rest = seedText.slice(at).trimStart();
			const joiner = rest.startsWith('}') ? '' : ',';
			return { body: Buffer.from(seedText.slice(0, at) + PROTO_PAYLOADS[p.form] + joiner + seedText.slice(at)), proto: true };
		}
		case 'deep': {
			const close = p.open === '[' ? ']' : '}';
			const nested = p.open.repeat(p.depth) + '1' + close.repeat(p.depth);
			const value = JSON.parse(seedText) as Record<string, unknown>;
			const marker = '"__deep_marker__"';
			value.data = '__deep_marker__';
			return { body: Buffer.from(JSON.stringify(value).replace(marker, nested)), proto: false };
		}
		case 'raw': {
			const seed = Buffer.from(seedText);
			switch (p.variant) {
				case 'empty':
					return { body: Buffer.alloc(0), proto: false };
				case 'whitespace':
					return { body: Buffer.from(' \n\t '), proto: false };
				case 'truncated':
					return { body: seed.subarray(0, p.n % seed.length), proto: false };
				case 'invalidUtf8': {
					const bad = [[0xff], [0xc3, 0x28], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xe2, 0x82]][p.n % 5];
					// Inside the first string value, so the rest stays valid JSON.
					const quote = seed.indexOf(0x3a /* : */) + 2;
					return { body: Buffer.concat([seed.subarray(0, quote), Buffer.from(bad), seed.subarray(quote)]), proto: false };
				}
				case 'bytes':
					return { body: Buffer.from(p.bytes), proto: false };
				case 'json':
					return { body: Buffer.from(p.json), proto: false };
				case 'bom':
					return { body: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), seed]), proto: false };
				case 'oversized':
					return { body: OVERSIZED, proto: false };
			}
		}
	}
	throw new Error('unreachable');
}

/** The span of a signature header that holds the digest itself. */
function digestSpan(value: string): { start: number; hex: boolean } {
	const hex = /[0-9a-fA-F]{40,}$/.exec(value);
	if (hex) return { start: hex.index, hex: true };
	const b64 = /[A-Za-z0-9+/]{20,}={0,2}$/.exec(value);
	return { start: b64 ? b64.index : 0, hex: false };
}

/** `value` with one character replaced by a different one. */
function replaceAt(value: string, at: number, ch: string): string {
	const different = ch === value[at] ? (ch === '%' ? '!' : '%') : ch;
	return value.slice(0, at) + different + value.slice(at + 1);
}

/** How the oracle treats a request. */
type Expectation =
	/** The proof of origin was broken: refused with a 4xx, never an item. */
	| 'forged'
	/** Signed correctly, but its timestamp is outside the tolerance or malformed: refused with 401. */
	| 'badTimestamp'
	/** Authentic (or a benign change of one): any answer, but a refusal is still a 4xx with a code. */
	| 'any';

/** A delivery whose headers may repeat (arrays), as the generator breaks them. */
type Request = Omit<Delivery, 'headers'> & { headers: Record<string, string | string[]> };

interface Built {
	delivery: Request;
	expect: Expectation;
	label: string;
	proto: boolean;
}

function withoutHeader(headers: Record<string, string | string[]>, name: string) {
	return Object.fromEntries(Object.entries(headers).filter(([key]) => key.toLowerCase() !== name));
}

function lower(headers: Record<string, string | string[]>): Record<string, string | string[]> {
	return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}

/**
 * signedDelivery() reads header values from the parsed body and throws on a JSON `null` body
 * (test/helpers/signedRequests.mts); it is shown `{}` for those while the bytes signed are the real ones.
 */
function sign(provider: string, body: Buffer, options?: Parameters<typeof signedDelivery>[2]): Delivery {
	if (body.toString('utf8').trim() !== 'null') return signedDelivery(provider, body, options);
	const disguised = Object.assign(Buffer.from(body), { toString: () => '{}' });
	return { ...signedDelivery(provider, disguised, options), body: Buffer.from(body) };
}

function build(provider: string, p: Plan): Built {
	const { body, proto } = buildBody(provider, p.body);
	const base = sign(provider, body);
	if (p.kind === 'random') {
		return { delivery: { ...base, headers: p.headers }, expect: 'forged', label: 'random', proto };
	}
	const security = SECURITY[provider];
	const authPreset = security.auth !== undefined;
	const proofHeader = (security.auth ?? security.signature) as string;
	const std = provider === 'standardWebhooks';
	let delivery: Request = { ...base, headers: lower(base.headers) };
	let expect: Expectation = 'any';
	const a = p.auth;
	const mutateProof = (fn: (value: string) => string) => {
		const current = String(delivery.headers[proofHeader] ?? '');
		delivery = { ...delivery, headers: { ...delivery.headers, [proofHeader]: fn(current) } };
		expect = 'forged';
	};

	switch (a.t) {
		case 'intact':
			break;
		case 'previousSecret':
			if (!authPreset) delivery = { ...sign(provider, body, { secret: std ? PREVIOUS_WHSEC : PREVIOUS_SECRET }) };
			delivery = { ...delivery, headers: lower(delivery.headers) };
			break;
		case 'lowercaseBearer':
			if (provider === 'outCallerAi') delivery.headers.authorization = `bearer ${BEARER_TOKEN}`;
			break;
		case 'wrongSecret':
			if (authPreset) mutateProof((v) => v.replace(provider === 'outCallerAi' ? BEARER_TOKEN : API_KEY, WRONG_SECRET));
			else {
				delivery = { ...sign(provider, body, { secret: std ? WRONG_WHSEC : WRONG_SECRET }) };
				delivery = { ...delivery, headers: lower(delivery.headers) };
				expect = 'forged';
			}
			break;
		case 'truncate':
			mutateProof((v) => v.slice(0, Math.max(0, v.length - a.n)));
			break;
		case 'extend':
			mutateProof((v) => v + a.chars);
			break;
		case 'nonHex':
		case 'nonBase64':
			mutateProof((v) => {
				const span = authPreset ? { start: v.length - 6, hex: false } : digestSpan(v);
				// Letters like g/z are only "non-hex" where the digest is hex; elsewhere they could be
				// valid base64 that decodes to the same bytes, which is not a forgery.
				const ch = a.t === 'nonHex' && !span.hex && /[a-zA-Z]/.test(a.ch) ? '%' : a.ch;
				const at = span.start + (a.at % Math.max(1, v.length - span.start));
				return replaceAt(v, at, ch);
			});
			break;
		case 'removeProof':
			delivery = { ...delivery, headers: withoutHeader(delivery.headers, proofHeader) };
			expect = 'forged';
			break;
		case 'emptyProof':
			mutateProof(() => '');
			break;
		case 'replaceProof':
			delivery = { ...delivery, headers: { ...delivery.headers, [proofHeader]: a.value } };
			expect = 'forged';
			break;
		case 'bodyAfterSigning': {
			if (authPreset) break; // No body integrity to break: still authentic.
			let changed: Buffer;
			if (a.how === 'append') changed = Buffer.concat([body, Buffer.from([a.flip])]);
			else if (a.how === 'cut' && body.length > 0) changed = body.subarray(0, a.at % body.length);
			else if (body.length > 0) {
				changed = Buffer.from(body);
				changed[a.at % body.length] ^= a.flip;
			} else changed = Buffer.from([a.flip]);
			delivery = { ...delivery, body: changed };
			expect = 'forged';
			break;
		}
		case 'timestampAfterSigning': {
			if (!security.timestamp) break; // The scheme signs no timestamp: the header is noise.
			const original = provider === 'stripe' ? /t=([^,]*)/.exec(String(delivery.headers['stripe-signature']))?.[1] : String(delivery.headers[security.timestamp]);
			if (a.value === original) break;
			if (provider === 'stripe') {
				delivery.headers['stripe-signature'] = String(delivery.headers['stripe-signature']).replace(/t=[^,]*/, `t=${a.value.replace(/,/g, '')}`);
				if (a.value.replace(/,/g, '') === original) break;
			} else delivery.headers[security.timestamp] = a.value;
			expect = 'forged';
			break;
		}
		case 'resignedTimestamp': {
			if (!security.timestamp) break;
			const now = nowSeconds();
			const timestamps = { stale: now - 100_000, future: now + 100_000, huge: 10 ** 15, negative: -now, nan: Number.NaN, zero: 0, ms: now * 1000, float: now + 0.5 };
			delivery = sign(provider, body, { timestamp: timestamps[a.which] });
			delivery = { ...delivery, headers: lower(delivery.headers) };
			// A timestamp in milliseconds is read as such (schemes/primitives.ts): within tolerance.
			if (a.which !== 'ms') expect = 'badTimestamp';
			break;
		}
	}

	const protected_ = new Set(securityHeaders(provider));
	for (const op of p.noise) {
		const names = Object.keys(delivery.headers);
		if (op.t === 'add') {
			if (protected_.has(op.name) && expect === 'badTimestamp') expect = 'any';
			delivery.headers[op.name] = op.value;
		} else if (op.t === 'duplicate' && names.length > 0) {
			const name = names[op.at % names.length];
			const current = delivery.headers[name];
			const first = Array.isArray(current) ? current[0] : current;
			if (protected_.has(name) && expect === 'badTimestamp') expect = 'any';
			delivery.headers[name] = [...(Array.isArray(current) ? current : [current]), op.same ? first : op.value];
		} else if (op.t === 'remove' && names.length > 0) {
			const name = names[op.at % names.length];
			if (protected_.has(name) && expect === 'badTimestamp') expect = 'any';
			// Removing a proof can only make a request less authentic.
			if (protected_.has(name) && expect === 'any' && name !== 'webhook-id') expect = 'forged';
			delivery = { ...delivery, headers: withoutHeader(delivery.headers, name) };
		}
	}
	return { delivery, expect, label: a.t, proto };
}

// ---------------------------------------------------------------------------------------------
// The oracle

type Outcome = { kind: 'emit'; items: IDataObject[] } | { kind: 'ack'; reason: string } | { kind: 'reject'; status: number; code: string };

const REJECTED_ITEM_KEYS = new Set(['error', 'message', 'status', 'provider', 'receivedAt', 'deliveryId', 'sourceIp']);

function prototypesClean(): boolean {
	const probe = {} as Record<string, unknown>;
	return (
		probe.polluted === undefined &&
		probe.isAdmin === undefined &&
		([] as unknown as Record<string, unknown>).polluted === undefined &&
		Object.getOwnPropertyNames(Object.prototype).every((name) => !['polluted', 'isAdmin'].includes(name))
	);
}

/** No own `__proto__` keys and only ordinary prototypes anywhere in an item. */
function assertPlainTree(value: unknown, seen = new Set<unknown>()): void {
	if (value === null || typeof value !== 'object' || seen.has(value)) return;
	seen.add(value);
	const proto = Object.getPrototypeOf(value);
	if (!Buffer.isBuffer(value) && !(value instanceof Date)) {
		expect(proto === Object.prototype || proto === Array.prototype || proto === null, 'an item holds an object with a foreign prototype').toBe(true);
	}
	expect(Object.prototype.hasOwnProperty.call(value, '__proto__'), 'an item holds an own __proto__ key').toBe(false);
	for (const child of Object.values(value as object)) assertPlainTree(child, seen);
}

function assertNoSecret(what: string, value: unknown) {
	const text = typeof value === 'string' ? value : JSON.stringify(value) ?? '';
	for (const secret of SECRETS) expect(text.includes(secret), `${what} contains a secret`).toBe(false);
}

/** Classifies one webhook() answer and checks what holds for every request. */
function classify(
	provider: string,
	s: Settings,
	result: Awaited<ReturnType<typeof callWebhook>>['result'],
	response: RecordedResponse,
	logs: LogEntry[],
): Outcome {
	assertNoSecret('the response', response.body);
	assertNoSecret('the log', logs.map((l) => [l.message, l.meta]));
	const main = result.workflowData?.[0] ?? [];
	if (main.length > 0) {
		// Emitted: n8n answers (responseMode onReceived); the node must not have answered already.
		expect(response.ended).toBe(false);
		expect(result.noWebhookResponse).not.toBe(true);
		if (s.rejectedOutput) expect(result.workflowData?.[1]).toEqual([]);
		const items = main.map((item) => item.json);
		for (const item of items) {
			expect(item.provider).toBe(provider);
			expect(typeof item.event).toBe('string');
			expect(typeof item.id).toBe('string');
			expect(typeof item.dedupeKey).toBe('string');
			expect(Number.isNaN(Date.parse(String(item.occurredAt)))).toBe(false);
			if (s.includeHeaders) {
				const headers = item.headers as IDataObject;
				if (headers.authorization !== undefined) expect(headers.authorization).toBe('[redacted]');
				if (provider === 'leadUpdateCallback' && headers['x-api-key'] !== undefined) expect(headers['x-api-key']).toBe('[redacted]');
			}
			assertPlainTree(item);
		}
		assertNoSecret('an item', items);
		if (s.includeRawBody) expect(main[0].binary?.data).toBeDefined();
		return { kind: 'emit', items };
	}
	expect(response.ended, 'no items, so the node must answer itself').toBe(true);
	expect(result.noWebhookResponse).toBe(true);
	const body = response.body as { error?: unknown; message?: unknown; received?: unknown; status?: unknown };
	if (response.status === 200) {
		expect(body.received).toBe(true);
		expect(['duplicate', 'unsubscribed']).toContain(body.status);
		expect(result.workflowData).toBeUndefined();
		return { kind: 'ack', reason: String(body.status) };
	}
	// A refusal, with a secret configured: always a 4xx with a code and a message.
	expect(response.status, `refusal ${JSON.stringify(body)}`).toBeGreaterThanOrEqual(400);
	expect(response.status, `refusal ${JSON.stringify(body)}`).toBeLessThan(500);
	expect(body.error).toMatch(/^[a-z][a-z_]*$/);
	expect(typeof body.message).toBe('string');
	if (s.rejectedOutput) {
		expect(result.workflowData?.[0]).toEqual([]);
		const rejected = result.workflowData?.[1] ?? [];
		expect(rejected).toHaveLength(1);
		for (const key of Object.keys(rejected[0].json)) expect(REJECTED_ITEM_KEYS.has(key), `rejected item key ${key}`).toBe(true);
		expect(rejected[0].json.error).toBe(body.error);
	} else {
		expect(result.workflowData).toBeUndefined();
	}
	return { kind: 'reject', status: response.status as number, code: String(body.error) };
}

function paramsFor(delivery: Request, s: Settings): Record<string, unknown> {
	const options: Record<string, unknown> = { includeHeaders: s.includeHeaders, includeRawBody: s.includeRawBody };
	if (s.maxBodyBytes !== undefined) options.maxBodyBytes = s.maxBodyBytes;
	if (s.ipAllowlist !== undefined) options.ipAllowlist = s.ipAllowlist;
	if (s.toleranceSeconds !== undefined) options.toleranceSeconds = s.toleranceSeconds;
	return { ...delivery.params, events: s.events, rejectedOutput: s.rejectedOutput, options };
}

const tally = new Map<string, Map<string, number>>();
const bump = (provider: string, key: string) => {
	const counts = tally.get(provider) ?? new Map<string, number>();
	counts.set(key, (counts.get(key) ?? 0) + 1);
	tally.set(provider, counts);
};
const outcomeKey = (o: Outcome) => (o.kind === 'emit' ? 'emit' : o.kind === 'ack' ? `ack ${o.reason}` : `reject ${o.status} ${o.code}`);

let runsSinceYield = 0;

async function runOne(provider: string, p: Plan): Promise<void> {
	// webhook() resolves on microtasks only; let vitest's own timers (worker RPC) run now and then.
	if (++runsSinceYield >= 200) {
		runsSinceYield = 0;
		await new Promise((resolve) => setImmediate(resolve));
	}
	freshDedupeMemory();
	const built = build(provider, p);
	const s = p.settings;
	const call = () =>
		callWebhook({
			params: paramsFor(built.delivery, s),
			credential: built.delivery.credential,
			body: built.delivery.body,
			headers: built.delivery.headers,
		});
	const replay = p.kind === 'signed' ? p.replay : 'no';
	const answers = replay === 'concurrent' ? await Promise.all([call(), call()]) : replay === 'sequential' ? [await call(), await call()] : [await call()];
	const outcomes = answers.map(({ result, response, logs }) => classify(provider, s, result, response, logs));
	expect(prototypesClean(), 'a prototype was polluted').toBe(true);

	for (const outcome of outcomes) {
		if (built.expect === 'forged') {
			expect(outcome.kind, `forged request (${built.label}) was not refused`).toBe('reject');
		}
		if (built.expect === 'badTimestamp') {
			// A refusal from an earlier gate (IP, size) may come first; past those, the timestamp must stop it.
			expect(outcome.kind, `bad timestamp (${built.label}) was not refused`).toBe('reject');
			if (outcome.kind === 'reject' && !['ip_not_allowed', 'body_too_large'].includes(outcome.code)) {
				expect(outcome.status).toBe(401);
				expect(['stale_timestamp', 'malformed_timestamp']).toContain(outcome.code);
			}
		}
	}
	if (outcomes.length === 2) {
		// A replay (even at the same moment) never runs twice.
		const emits = outcomes.filter((o) => o.kind === 'emit').length;
		expect(emits).toBeLessThanOrEqual(1);
		if (emits === 1) expect(outcomes.some((o) => o.kind === 'ack' && o.reason === 'duplicate')).toBe(true);
		bump(provider, `replay(${replay}) ${outcomes.map(outcomeKey).join(' + ')}`);
	}
	const first = outcomes[0];
	bump(provider, outcomeKey(first));
	bump(provider, `class ${built.expect}`);
	if (built.proto && first.kind === 'emit') {
		// n8n copies items between nodes; the copy must not reach a prototype either.
		for (const item of first.items) assertPlainTree(deepCopy(item));
		expect(prototypesClean()).toBe(true);
		bump(provider, 'proto keys emitted, no pollution');
	}
}

// ---------------------------------------------------------------------------------------------

describe('trigger under generated hostile requests', () => {
	afterAll(() => {
		const lines: string[] = [`trigger property campaign: ${RUNS} generated requests per preset`];
		let total = 0;
		for (const [provider, counts] of tally) {
			lines.push(`  ${provider}`);
			for (const [key, n] of [...counts].sort((x, y) => y[1] - x[1])) {
				if (!key.startsWith('class') && !key.startsWith('replay') && !key.startsWith('proto')) total += n;
				lines.push(`    ${String(n).padStart(6)}  ${key}`);
			}
		}
		lines.push(`  total first answers: ${total}`);
		console.log(lines.join('\n'));
	});

	it('the oracle catches what it must: a forged request that emits, a 5xx, a polluted prototype', () => {
		const s: Settings = { events: ['*'], rejectedOutput: false, includeHeaders: false, includeRawBody: false };
		const emitted = { workflowData: [[{ json: { event: 'e', provider: 'github', id: '1', dedupeKey: 'k', occurredAt: new Date().toISOString() } }]] };
		expect(classify('github', s, emitted, { ended: false }, []).kind).toBe('emit');
		expect(() => classify('github', s, { noWebhookResponse: true }, { ended: true, status: 500, body: { error: 'internal_error', message: 'x' } }, [])).toThrow();
		expect(() => classify('github', s, { noWebhookResponse: true }, { ended: true, status: 401, body: { error: 'mismatch', message: SECRET } }, [])).toThrow();
		expect(() => classify('github', s, { noWebhookResponse: true }, { ended: true, status: 401, body: {} }, [])).toThrow();
		const polluted = JSON.parse('{"__proto__":{"polluted":"yes"}}') as IDataObject;
		expect(() => assertPlainTree({ json: { data: polluted } })).toThrow();
		expect(() => assertPlainTree({ json: { data: Object.create({ polluted: 'yes' }) as object } })).toThrow();
		// Every planned mutation of a signature really breaks it (checked against the preset itself below).
		const forged = build('stripe', { kind: 'signed', body: { t: 'seed' }, auth: { t: 'truncate', n: 3 }, noise: [], replay: 'no', settings: s });
		expect(forged.expect).toBe('forged');
	});

	for (const provider of providers) {
		it(`${provider}: ${RUNS} requests; never throws, forged never emits, every refusal a 4xx with a code, no pollution`, async () => {
			await fc.assert(
				fc.asyncProperty(plan, async (p) => {
					await runOne(provider, p);
				}),
				{ numRuns: RUNS, seed: SEED, endOnFailure: true },
			);
			const counts = tally.get(provider) ?? new Map<string, number>();
			const sum = (prefix: string) => [...counts].filter(([k]) => k.startsWith(prefix)).reduce((n, [, v]) => n + v, 0);
			// Coverage floors, checked at full size only (a few hundred runs may miss a rare path by chance).
			if (RUNS < 1000) return;
			const min = Math.floor(RUNS / 1000);
			// The campaign is only worth something if it reached past the signature check.
			expect(sum('emit'), 'runs that produced items').toBeGreaterThanOrEqual(min * 10);
			expect(sum('ack duplicate') + sum('replay'), 'replays').toBeGreaterThanOrEqual(min);
			expect(sum('reject 400 invalid_json'), 'invalid JSON past the signature').toBeGreaterThanOrEqual(min);
			expect(sum('reject 400 too_deep'), 'deep JSON past the signature').toBeGreaterThanOrEqual(min);
			expect(sum('reject 413 body_too_large')).toBeGreaterThanOrEqual(min);
			expect(sum('proto keys emitted'), '__proto__ bodies that were accepted').toBeGreaterThanOrEqual(min);
			expect(sum('class forged'), 'forged requests').toBeGreaterThanOrEqual(RUNS / 5);
			if (SECURITY[provider].signature) {
				expect(sum('reject 401 mismatch')).toBeGreaterThanOrEqual(min);
				expect(sum('reject 401 malformed_signature')).toBeGreaterThanOrEqual(min);
				expect(sum('reject 401 missing_signature')).toBeGreaterThanOrEqual(min);
			} else {
				expect(sum('reject 401 missing_auth')).toBeGreaterThanOrEqual(min);
				expect(sum('reject 403 invalid_auth')).toBeGreaterThanOrEqual(min);
			}
			if (SECURITY[provider].timestamp) {
				expect(sum('reject 401 stale_timestamp')).toBeGreaterThanOrEqual(min);
				expect(sum('reject 401 malformed_timestamp')).toBeGreaterThanOrEqual(min);
			}
			if (provider !== 'leadUpdateCallback') expect(sum('reject 400 invalid_envelope'), 'schema failures').toBeGreaterThanOrEqual(min);
			// ~0.8 ms of CPU per request: 10,000 take ~8 s alone, far longer on a busy machine.
		}, 600_000);
	}
});
