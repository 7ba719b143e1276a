#!/usr/bin/env node
// Writes the curated corpus of bad requests (issue 7): test/corpus/bad-requests/NNN-<provider>-<slug>.json,
// plus test/corpus/setup.json (the credential and parameters each provider's trigger is configured with).
// The committed JSON files are the corpus; this script only keeps them consistent. Run: node test/corpus/generate.mjs
// (an optional folder argument writes there instead; generate.test.mts compares that with the committed corpus).
//
// A case is { description, provider, headers, body | bodyBase64 | bodyGenerated, expect: { status, error } }, and
// optionally:
//   sign: { secret: 'current'|'previous'|'wrong', timestampOffsetSeconds?, timestamp? }
//     the replayer signs the body at send time, as the platform would (a timestamp must be fresh to get past the
//     tolerance); `headers` then apply over the signature headers, where null removes a header;
//   mutate: [{ header, op: 'truncate', chars } | { header, op: 'append', text } | { header, op: 'duplicate', value }]
//     applied to the signed headers;
//   bodyAfterSigning: the text actually sent, when it differs from what was signed.
// Header values may contain {now} and {nowMs} (replaced at send time). An array value is sent as a repeated header.
// The expected status and code are written by hand from the trigger's rejection table (issue 3), not recorded
// from a run. `expectInN8n` is what a real n8n answers instead, where n8n refuses the request before the trigger.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const outRoot = process.argv[2] ? path.resolve(process.argv[2]) : here;
const outDir = path.join(outRoot, 'bad-requests');
const seed = (name) => readFileSync(path.join(here, '../fixtures/seeds', name), 'utf8');

// Distinctive values, so that a leak is unambiguous. Test-only.
const SECRET = 'corpus-signing-secret-4f8a1c';
const PREVIOUS_SECRET = 'corpus-previous-secret-9b2e77';
const WHSEC = `whsec_${Buffer.from('corpus-whsec-key-0123456789abcd').toString('base64')}`;
const PREVIOUS_WHSEC = `whsec_${Buffer.from('corpus-old-whsec-key-fedcba9876').toString('base64')}`;
const BEARER = 'corpus-bearer-token-c0ffee42';
const API_KEY = 'corpus-api-key-d15ea5e7';

const customHmacParams = {
	// The same settings as test/helpers/signedRequests.mts, whose signedDelivery() the replayer signs with.
	customSignatureHeader: 'X-Acme-Signature',
	customPrefix: 'v1=',
	customAlgorithm: 'sha256',
	customEncoding: 'base64',
	customTemplate: '{timestamp}.{body}',
	customTimestampHeader: 'X-Acme-Timestamp',
	customIdHeader: '',
	customSecretEncoding: 'utf8',
	customEventField: 'kind',
	customIdField: 'uid',
};

const signatureCredential = { signingSecret: SECRET, previousSigningSecret: PREVIOUS_SECRET, authType: 'none' };
const setup = {
	secrets: { SECRET, PREVIOUS_SECRET, WHSEC, PREVIOUS_WHSEC, BEARER, API_KEY },
	providers: {
		outCallerAi: { credential: { authType: 'bearer', bearerToken: BEARER }, params: {} },
		leadUpdateCallback: { credential: { authType: 'header', headerName: 'X-API-Key', headerSecret: API_KEY }, params: {} },
		onCallClerk: { credential: signatureCredential, params: {} },
		outboundIq: { credential: signatureCredential, params: {} },
		pbx: { credential: signatureCredential, params: {} },
		standardWebhooks: {
			credential: { signingSecret: WHSEC, previousSigningSecret: PREVIOUS_WHSEC, authType: 'none' },
			params: {},
		},
		stripe: { credential: signatureCredential, params: {} },
		github: { credential: signatureCredential, params: {} },
		shopify: { credential: signatureCredential, params: {} },
		customHmac: { credential: signatureCredential, params: customHmacParams },
	},
	/** Where each provider's signature lives (lower-case), for the cases below. */
	signatureHeader: {
		onCallClerk: 'x-oncallclerk-signature',
		outboundIq: 'x-outboundiq-signature',
		pbx: 'x-webhook-signature',
		standardWebhooks: 'webhook-signature',
		stripe: 'stripe-signature',
		github: 'x-hub-signature-256',
		shopify: 'x-shopify-hmac-sha256',
		customHmac: 'x-acme-signature',
	},
	timestampHeader: { pbx: 'x-webhook-timestamp', standardWebhooks: 'webhook-timestamp', customHmac: 'x-acme-timestamp' },
};

const bodies = {
	outCallerAi: seed('outCallerAi.lead.created.json'),
	leadUpdateCallback: seed('leadUpdateCallback.activity.json'),
	onCallClerk: seed('onCallClerk.lead.captured.json'),
	outboundIq: seed('outboundIq.dial.batch.json'),
	pbx: seed('pbx.extension.created.json'),
	standardWebhooks: '{"type":"order.created","timestamp":"2026-11-22T09:00:00Z","data":{"orderId":"o_corpus_1"}}',
	stripe: '{"id":"evt_corpus_1","object":"event","type":"charge.succeeded","created":1763800000,"data":{"object":{"id":"ch_1"}}}',
	github: '{"action":"opened","number":7,"repository":{"full_name":"acme/corpus"}}',
	shopify: '{"id":1001,"email":"corpus@example.com","total_price":"10.00"}',
	customHmac: '{"kind":"ticket.opened","uid":"t_corpus_1","data":{"ticket":1}}',
};
const json = (provider) => JSON.parse(bodies[provider]);
const withChange = (provider, change) => JSON.stringify(change(json(provider)));

const outCallerHeaders = {
	Authorization: `Bearer ${BEARER}`,
	'X-Outcaller-Event': 'lead.created',
	'X-Outcaller-Resource': 'lead',
	'X-Outcaller-Action': 'created',
	'X-Outcaller-Workspace-Id': 'cmpxz43bl00032c6udndznzdg',
};
const leadHeaders = { 'X-API-Key': API_KEY };

/** 300 levels of arrays inside the `data` field: past the 64-level cap. */
const deep = (provider) => bodies[provider].trimEnd().replace(/\}$/, `, "deep": ${'['.repeat(300)}1${']'.repeat(300)}}`);
const invalidUtf8 = (provider) => {
	// Inside the last string value, so that no header the sender derives from the body changes.
	const text = bodies[provider];
	const at = text.lastIndexOf('"');
	return Buffer.concat([Buffer.from(text.slice(0, at)), Buffer.from([0xff, 0xfe, 0xc3, 0x28]), Buffer.from(text.slice(at))]).toString('base64');
};

const cases = [];
/**
 * n8n parses a body sent as application/json itself, and answers 422 "Failed to parse request
 * body" before any node runs when that fails: such a case never reaches the trigger in n8n.
 */
function n8nAnswersFirst(request) {
	const contentType = Object.entries(request.headers ?? {}).find(([name]) => name.toLowerCase() === 'content-type')?.[1];
	if (contentType && contentType !== 'application/json') return false;
	const text = request.bodyAfterSigning ?? request.body;
	if (text === undefined || text === '') return false;
	try {
		JSON.parse(text);
		return false;
	} catch {
		return true;
	}
}
const add = (provider, slug, description, request, status, error) =>
	cases.push({
		slug,
		description,
		provider,
		...request,
		expect: { status, error },
		...(n8nAnswersFirst(request)
			? { expectInN8n: { status: 422, error: null, why: "n8n's own JSON body parser refuses it before the trigger runs" } }
			: {}),
	});

// --- Signature presets: the same faults for each ---------------------------------------------
const signed = { sign: { secret: 'current' } };
for (const provider of Object.keys(setup.signatureHeader)) {
	const sig = setup.signatureHeader[provider];
	const body = bodies[provider];
	const isStripe = provider === 'stripe';
	add(provider, 'no-signature', 'Signed, then the signature header removed', { ...signed, headers: { [sig]: null }, body }, 401, 'missing_signature');
	add(provider, 'signature-empty', 'Signature header present but empty', { ...signed, headers: { [sig]: '' }, body }, 401, 'missing_signature');
	const garbage = isStripe ? 't={now},v1=not-a-digest' : provider === 'standardWebhooks' ? 'v1,!!!not-base64!!!' : provider === 'customHmac' ? 'v1=not-a-digest' : ['github', 'outboundIq'].includes(provider) ? 'sha256=not-a-digest' : 'not-a-digest';
	add(provider, 'signature-garbage', 'Signature header that is not a digest', { ...signed, headers: { [sig]: garbage }, body }, 401, 'malformed_signature');
	add(provider, 'signature-truncated', 'Correct signature with its last 4 characters cut off', { ...signed, mutate: [{ header: sig, op: 'truncate', chars: 4 }], body }, 401, 'malformed_signature');
	add(provider, 'signature-too-long', 'Correct signature with 2 characters appended', { ...signed, mutate: [{ header: sig, op: 'append', text: 'ab' }], body }, 401, 'malformed_signature');
	add(provider, 'wrong-secret', 'Well-formed signature made with a secret the receiver does not hold', { sign: { secret: 'wrong' }, body }, 401, 'mismatch');
	add(provider, 'body-tampered', 'Body changed after signing (one field edited)', { ...signed, body, bodyAfterSigning: body.replace(/\d/, (d) => String((Number(d) + 1) % 10)) }, 401, 'mismatch');
	add(provider, 'body-appended', 'Body with a byte appended after signing', { ...signed, body, bodyAfterSigning: `${body} ` }, 401, 'mismatch');
	add(provider, 'body-truncated', 'Body cut in half after signing', { ...signed, body, bodyAfterSigning: body.slice(0, Math.floor(body.length / 2)) }, 401, 'mismatch');
	add(provider, 'not-json', 'Correctly signed body that is not JSON', { ...signed, body: 'event=lead.created&id=1' }, 400, 'invalid_json');
	add(provider, 'truncated-json', 'Correctly signed JSON cut short', { ...signed, body: body.slice(0, Math.floor(body.length / 2)) }, 400, 'invalid_json');
	add(provider, 'invalid-utf8', 'Correctly signed body with invalid UTF-8 bytes in a string', { ...signed, bodyBase64: invalidUtf8(provider) }, 400, 'invalid_json');
	add(provider, 'too-deep', 'Correctly signed JSON nested 300 levels deep', { ...signed, body: deep(provider) }, 400, 'too_deep');
	add(provider, 'json-array', 'Correctly signed JSON array instead of an object', { ...signed, body: '[{"event":"x"}]' }, 400, 'invalid_envelope');
	if (isStripe) {
		add(provider, 'signature-duplicated', 'Signature header sent twice, both forged', { headers: { [sig]: ['t={now},v1=00', 'v1=11'] }, body }, 401, 'malformed_signature');
	} else {
		add(provider, 'signature-duplicated', 'Correct signature header repeated with a forged second value', { ...signed, mutate: [{ header: sig, op: 'duplicate', value: 'forged' }], body }, 401, 'malformed_signature');
	}
}

// --- Timestamped schemes ---------------------------------------------------------------------
for (const provider of ['pbx', 'standardWebhooks', 'stripe', 'customHmac']) {
	const body = bodies[provider];
	const ts = setup.timestampHeader[provider];
	add(provider, 'stale', 'Correctly signed an hour ago (tolerance 300 s)', { sign: { secret: 'current', timestampOffsetSeconds: -3600 }, body }, 401, 'stale_timestamp');
	add(provider, 'future', 'Correctly signed an hour in the future', { sign: { secret: 'current', timestampOffsetSeconds: 3600 }, body }, 401, 'stale_timestamp');
	add(provider, 'timestamp-zero', 'Correctly signed with timestamp 0', { sign: { secret: 'current', timestamp: '0' }, body }, 401, 'stale_timestamp');
	add(provider, 'timestamp-huge', 'Correctly signed with a 16-digit timestamp (read as ms, year 33658)', { sign: { secret: 'current', timestamp: '9999999999999999' }, body }, 401, 'stale_timestamp');
	add(provider, 'timestamp-nan', 'Correctly signed with timestamp NaN', { sign: { secret: 'current', timestamp: 'NaN' }, body }, 401, 'malformed_timestamp');
	add(provider, 'timestamp-negative', 'Correctly signed with a negative timestamp', { sign: { secret: 'current', timestamp: '-1763800000' }, body }, 401, 'malformed_timestamp');
	add(provider, 'timestamp-float', 'Correctly signed with a fractional timestamp', { sign: { secret: 'current', timestamp: '1763800000.5' }, body }, 401, 'malformed_timestamp');
	if (ts) {
		add(provider, 'timestamp-missing', 'Signed, then the timestamp header removed', { ...signed, headers: { [ts]: null }, body }, 401, 'missing_timestamp');
		add(provider, 'timestamp-swapped-ms', 'Signed in seconds, then the timestamp header rewritten in milliseconds', { ...signed, headers: { [ts]: '{nowMs}' }, body }, 401, 'mismatch');
	} else {
		add(provider, 'timestamp-missing', 'Stripe-Signature without t=', { headers: { 'stripe-signature': `v1=${'0'.repeat(64)}` }, body }, 401, 'missing_timestamp');
	}
}
add('standardWebhooks', 'id-missing', 'Signed, then webhook-id removed', { ...signed, headers: { 'webhook-id': null }, body: bodies.standardWebhooks }, 401, 'missing_id');
add('standardWebhooks', 'id-changed', 'Signed, then webhook-id changed (the id is signed)', { ...signed, headers: { 'webhook-id': 'msg_other' }, body: bodies.standardWebhooks }, 401, 'mismatch');
add('standardWebhooks', 'too-many-signatures', '17 forged signatures in one header', { ...signed, headers: { 'webhook-signature': Array.from({ length: 17 }, () => `v1,${Buffer.alloc(32).toString('base64')}`).join(' ') }, body: bodies.standardWebhooks }, 401, 'malformed_signature');
add('stripe', 'too-many-entries', 'Stripe-Signature with 40 entries', { headers: { 'stripe-signature': `t={now},${Array.from({ length: 39 }, () => `v1=${'0'.repeat(64)}`).join(',')}` }, body: bodies.stripe }, 401, 'malformed_signature');

// --- Envelope faults past a correct signature ------------------------------------------------
const envelopeCase = (provider, slug, description, change) => add(provider, slug, description, { ...signed, body: withChange(provider, change) }, 400, 'invalid_envelope');
envelopeCase('outboundIq', 'dials-empty', 'dial.batch with no dials', (b) => ({ ...b, dials: [] }));
envelopeCase('outboundIq', 'dials-101', 'dial.batch with 101 dials (the maximum is 100)', (b) => ({ ...b, dials: Array.from({ length: 101 }, (_, i) => ({ ...b.dials[0], callId: `C${i}` })) }));
envelopeCase('outboundIq', 'dials-string', 'dials is a string, not an array', (b) => ({ ...b, dials: 'dial' }));
envelopeCase('outboundIq', 'dials-object', 'dials is an object, not an array', (b) => ({ ...b, dials: { 0: b.dials[0] } }));
envelopeCase('outboundIq', 'dials-missing', 'dials absent', (b) => ({ ...b, dials: undefined }));
envelopeCase('outboundIq', 'dials-primitives', 'dials holds numbers and strings, not objects', (b) => ({ ...b, dials: [1, 'two'] }));
envelopeCase('outboundIq', 'dials-null', 'dials is null', (b) => ({ ...b, dials: null }));
add('outboundIq', 'delivery-id-mismatch', 'X-OutboundIQ-Delivery-Id disagrees with the body', { ...signed, headers: { 'X-OutboundIQ-Delivery-Id': 'another-delivery' }, body: bodies.outboundIq }, 400, 'header_mismatch');
add('outboundIq', 'event-header-mismatch', 'X-OutboundIQ-Event disagrees with the body', { ...signed, headers: { 'X-OutboundIQ-Event': 'dial.other' }, body: bodies.outboundIq }, 400, 'header_mismatch');
envelopeCase('onCallClerk', 'id-missing', 'Event without an id', (b) => ({ ...b, id: undefined }));
envelopeCase('onCallClerk', 'type-number', 'Event whose type is a number', (b) => ({ ...b, type: 7 }));
envelopeCase('pbx', 'event-missing', 'Event without an event name', (b) => ({ ...b, event: undefined }));
envelopeCase('pbx', 'event-empty', 'Event whose name is empty', (b) => ({ ...b, event: '' }));

// --- Auth-header presets ---------------------------------------------------------------------
const outCaller = (slug, description, headers, body, status, error) =>
	add('outCallerAi', slug, description, { headers: { ...outCallerHeaders, ...headers }, body: body ?? bodies.outCallerAi }, status, error);
outCaller('no-auth', 'No Authorization header', { Authorization: null }, undefined, 401, 'missing_auth');
outCaller('auth-empty', 'Empty Authorization header', { Authorization: '' }, undefined, 401, 'missing_auth');
outCaller('wrong-token', 'Bearer token that is wrong', { Authorization: 'Bearer corpus-wrong-token' }, undefined, 403, 'invalid_auth');
outCaller('token-prefix', 'Bearer token missing its last character', { Authorization: `Bearer ${BEARER.slice(0, -1)}` }, undefined, 403, 'invalid_auth');
outCaller('token-suffix', 'Bearer token with a character appended', { Authorization: `Bearer ${BEARER}x` }, undefined, 403, 'invalid_auth');
outCaller('basic-scheme', 'Right token, Basic instead of Bearer', { Authorization: `Basic ${BEARER}` }, undefined, 403, 'invalid_auth');
outCaller('no-scheme', 'Right token without "Bearer "', { Authorization: BEARER }, undefined, 403, 'invalid_auth');
outCaller('auth-duplicated', 'Authorization sent twice, wrong token first (node keeps the first)', { Authorization: ['Bearer corpus-wrong-token', `Bearer ${BEARER}`] }, undefined, 403, 'invalid_auth');
outCaller('event-header-missing', 'Authenticated, without X-Outcaller-Event', { 'X-Outcaller-Event': null }, undefined, 400, 'missing_header');
outCaller('event-header-mismatch', 'Authenticated, X-Outcaller-Event disagrees with the body', { 'X-Outcaller-Event': 'lead.deleted' }, undefined, 400, 'header_mismatch');
outCaller('not-json', 'Authenticated, body not JSON', {}, 'lead.created', 400, 'invalid_json');
outCaller('empty-body', 'Authenticated, empty body', {}, '', 400, 'empty_body');
outCaller('too-deep', 'Authenticated, JSON nested 300 levels deep', {}, deep('outCallerAi'), 400, 'too_deep');
outCaller('event-missing', 'Authenticated, body without event', {}, withChange('outCallerAi', (b) => ({ ...b, event: undefined })), 400, 'invalid_envelope');
outCaller('timestamp-missing', 'Authenticated, body without timestamp', {}, withChange('outCallerAi', (b) => ({ ...b, timestamp: undefined })), 400, 'invalid_envelope');
outCaller('json-array', 'Authenticated, JSON array body', {}, '[]', 400, 'invalid_envelope');
add('outCallerAi', 'invalid-utf8', 'Authenticated, invalid UTF-8 in a string', { headers: outCallerHeaders, bodyBase64: invalidUtf8('outCallerAi') }, 400, 'invalid_json');

const lead = (slug, description, headers, body, status, error) =>
	add('leadUpdateCallback', slug, description, { headers: { ...leadHeaders, ...headers }, body: body ?? bodies.leadUpdateCallback }, status, error);
lead('no-key', 'No X-API-Key header', { 'X-API-Key': null }, undefined, 401, 'missing_auth');
lead('wrong-key', 'Wrong X-API-Key', { 'X-API-Key': 'corpus-wrong-key' }, undefined, 403, 'invalid_auth');
lead('key-case', 'X-API-Key in upper case (keys are case-sensitive)', { 'X-API-Key': API_KEY.toUpperCase() }, undefined, 403, 'invalid_auth');
lead('key-as-bearer', 'The key sent as a bearer token instead', { 'X-API-Key': null, Authorization: `Bearer ${API_KEY}` }, undefined, 401, 'missing_auth');
lead('key-duplicated', 'X-API-Key sent twice', { 'X-API-Key': [API_KEY, API_KEY] }, undefined, 403, 'invalid_auth');
lead('not-json', 'Authenticated, body not JSON', {}, 'status=Interested', 400, 'invalid_json');
lead('empty-body', 'Authenticated, empty body', {}, '', 400, 'empty_body');
lead('json-string', 'Authenticated, a JSON string instead of an object', {}, '"lead"', 400, 'invalid_envelope');
lead('json-array', 'Authenticated, a JSON array', {}, '[1,2,3]', 400, 'invalid_envelope');
lead('too-deep', 'Authenticated, JSON nested 300 levels deep', {}, deep('leadUpdateCallback'), 400, 'too_deep');
add('leadUpdateCallback', 'invalid-utf8', 'Authenticated, invalid UTF-8 in a string', { headers: leadHeaders, bodyBase64: invalidUtf8('leadUpdateCallback') }, 400, 'invalid_json');

// --- Oversized bodies (1 MiB + a little; generated at send time to keep the corpus small) -----
const oversized = { prefix: '{"event":"pad","pad":"', repeat: 'a', times: 1024 * 1024, suffix: '"}' };
add('github', 'oversized', 'Body over the 1 MiB default cap', { headers: { 'X-Hub-Signature-256': `sha256=${'0'.repeat(64)}` }, bodyGenerated: oversized }, 413, 'body_too_large');
add('leadUpdateCallback', 'oversized', 'Authenticated, body over the 1 MiB default cap', { headers: leadHeaders, bodyGenerated: oversized }, 413, 'body_too_large');
add('stripe', 'oversized', 'Body over the 1 MiB default cap, correctly signed', { ...signed, bodyGenerated: oversized }, 413, 'body_too_large');

// --- Other content types ---------------------------------------------------------------------
add('github', 'text-plain', 'text/plain with a forged signature', { headers: { 'content-type': 'text/plain', 'X-Hub-Signature-256': `sha256=${'1'.repeat(64)}` }, body: bodies.github }, 401, 'mismatch');
add('shopify', 'form-encoded', 'Form-encoded body, correctly signed', { ...signed, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'id=1001&email=corpus%40example.com' }, 400, 'invalid_json');
add('onCallClerk', 'octet-stream', 'application/octet-stream with a forged base64 signature', { headers: { 'content-type': 'application/octet-stream', 'X-OnCallClerk-Signature': Buffer.alloc(32, 7).toString('base64') }, body: bodies.onCallClerk }, 401, 'mismatch');

// ---------------------------------------------------------------------------------------------
mkdirSync(outDir, { recursive: true });
for (const file of readdirSync(outDir)) if (/^\d{3}-.*\.json$/.test(file)) rmSync(path.join(outDir, file));
cases.forEach((entry, index) => {
	const { slug, ...rest } = entry;
	const name = `${String(index + 1).padStart(3, '0')}-${entry.provider}-${slug}.json`;
	writeFileSync(path.join(outDir, name), `${JSON.stringify(rest, null, 2)}\n`);
});
writeFileSync(path.join(outRoot, 'setup.json'), `${JSON.stringify(setup, null, 2)}\n`);
console.log(`wrote ${cases.length} cases to ${path.relative(process.cwd(), outDir)}`);
