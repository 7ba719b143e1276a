/**
 * Secrets never leak (issue 7): a real n8n with triggers for signature, Standard Webhooks,
 * bearer and custom-header presets (with the Rejected output, headers and raw body switched on,
 * so that as much as possible reaches items), plus a misconfigured trigger and one with no
 * secret. Valid, rotated, forged, stale and near-miss deliveries (some carrying the secret
 * itself, or the secret plus a character, in a header) are sent. Then every HTTP response,
 * every execution (items of both outputs, error messages), n8n's REST answers about the
 * credentials and workflows, and n8n's whole log output (at debug level) are swept for the
 * signing secret, the previous secret, the Standard Webhooks keys and the auth header values,
 * in plain, base64, hex and URL-encoded form. None may appear.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { signedDelivery } from '../helpers/signedRequests.mjs';
import { asText, sweepForSecrets, type Haystack } from '../helpers/secretSweep.mjs';
import { postRaw, startTriggerFleet, waitUntil, type TriggerFleet } from './triggerFleet.mts';

// Distinctive values: nothing else in n8n or this repo contains them.
const SECRETS = {
	signingSecret: 'sw-leakcheck-CURRENT-7f3e9a1b5d',
	previousSecret: 'sw-leakcheck-PREVIOUS-2c8d4e6f0a',
	whsec: `whsec_${Buffer.from('sw-leakcheck-WHSEC-key-0001').toString('base64')}`,
	previousWhsec: `whsec_${Buffer.from('sw-leakcheck-OLDWHSEC-key-02').toString('base64')}`,
	bearerToken: 'sw-leakcheck-BEARER-5a9b3c7d1e',
	headerSecret: 'sw-leakcheck-HEADER-3e1f8a2b6c',
};
const signature = { signingSecret: SECRETS.signingSecret, previousSigningSecret: SECRETS.previousSecret, authType: 'none' as const };
const sendEverything = { includeHeaders: true, includeRawBody: true };

const githubBody = '{"action":"opened","repository":{"full_name":"acme/leakcheck"}}';
const stdBody = '{"type":"invoice.paid","timestamp":"2026-11-22T09:00:00Z","data":{"invoice":"inv_leakcheck"}}';
const pbxBody = '{"event":"extension.created","timestamp":1763800000,"data":{"extension":"1001"}}';
const outCallerBody = JSON.stringify({ event: 'lead.created', resource: 'lead', action: 'created', workspaceId: 'ws_leak', timestamp: '2026-11-22T09:00:00Z', data: { id: 'lead_leak' } });
const outCallerHeaders = { 'X-Outcaller-Event': 'lead.created', 'X-Outcaller-Resource': 'lead', 'X-Outcaller-Action': 'created', 'X-Outcaller-Workspace-Id': 'ws_leak' };
const leadBody = '{"lead_id":"lead_leakcheck","status":"Interested"}';

interface Scenario {
	name: string;
	key: string;
	headers: Record<string, string | string[]>;
	body: string;
	/** Expected HTTP status. */
	status: number;
}

const now = () => Math.floor(Date.now() / 1000);
const sign = (provider: string, body: string, secret: string, timestamp?: number) =>
	Object.entries(signedDelivery(provider, Buffer.from(body), { secret, timestamp }).headers).reduce<Record<string, string>>((acc, [k, v]) => ({ ...acc, [k]: v }), { 'content-type': 'application/json' });

function scenarios(): Scenario[] {
	return [
		{ name: 'github valid', key: 'github', headers: sign('github', githubBody, SECRETS.signingSecret), body: githubBody, status: 200 },
		{ name: 'github valid, previous secret', key: 'github', headers: sign('github', githubBody.replace('opened', 'closed'), SECRETS.previousSecret), body: githubBody.replace('opened', 'closed'), status: 200 },
		{ name: 'github wrong secret', key: 'github', headers: sign('github', githubBody, 'not-the-secret-at-all'), body: githubBody, status: 401 },
		{ name: 'github body tampered', key: 'github', headers: sign('github', githubBody, SECRETS.signingSecret), body: githubBody.replace('acme', 'evil'), status: 401 },
		{ name: 'github the secret itself as signature', key: 'github', headers: { 'content-type': 'application/json', 'X-Hub-Signature-256': `sha256=${SECRETS.signingSecret}` }, body: githubBody, status: 401 },
		// Not sent: the secret as X-GitHub-Delivery. The node logs that header (unverified, printable, at
		// most 100 chars) and puts it on the Rejected item by design, so a sender's own header comes back.
		{ name: 'github the previous secret as the signature', key: 'github', headers: { 'content-type': 'application/json', 'X-Hub-Signature-256': SECRETS.previousSecret }, body: githubBody, status: 401 },
		{ name: 'github signed, not JSON', key: 'github', headers: { ...sign('github', 'a=1', SECRETS.signingSecret), 'content-type': 'text/plain' }, body: 'a=1', status: 400 },
		{ name: 'standard webhooks valid', key: 'std', headers: sign('standardWebhooks', stdBody, SECRETS.whsec), body: stdBody, status: 200 },
		{ name: 'standard webhooks previous key', key: 'std', headers: { ...sign('standardWebhooks', stdBody, SECRETS.previousWhsec), 'webhook-id': 'msg_prev' }, body: stdBody, status: 401 },
		{ name: 'standard webhooks stale', key: 'std', headers: sign('standardWebhooks', stdBody, SECRETS.whsec, now() - 7200), body: stdBody, status: 401 },
		{ name: 'standard webhooks key as signature', key: 'std', headers: { ...sign('standardWebhooks', stdBody, SECRETS.whsec), 'webhook-signature': `v1,${SECRETS.whsec}` }, body: stdBody, status: 401 },
		{ name: 'outcaller valid bearer', key: 'outcaller', headers: { 'content-type': 'application/json', Authorization: `Bearer ${SECRETS.bearerToken}`, ...outCallerHeaders }, body: outCallerBody, status: 200 },
		{ name: 'outcaller wrong bearer', key: 'outcaller', headers: { 'content-type': 'application/json', Authorization: 'Bearer wrong-token', ...outCallerHeaders }, body: outCallerBody, status: 403 },
		{ name: 'outcaller bearer + 1 char', key: 'outcaller', headers: { 'content-type': 'application/json', Authorization: `Bearer ${SECRETS.bearerToken}x`, ...outCallerHeaders }, body: outCallerBody, status: 403 },
		{ name: 'outcaller token in the wrong header', key: 'outcaller', headers: { 'content-type': 'application/json', 'X-Token': SECRETS.bearerToken, ...outCallerHeaders }, body: outCallerBody, status: 401 },
		{ name: 'lead valid key', key: 'lead', headers: { 'content-type': 'application/json', 'X-API-Key': SECRETS.headerSecret }, body: leadBody, status: 200 },
		{ name: 'lead key + 1 char', key: 'lead', headers: { 'content-type': 'application/json', 'X-API-Key': `${SECRETS.headerSecret}x` }, body: leadBody, status: 403 },
		{ name: 'lead key sent twice', key: 'lead', headers: { 'content-type': 'application/json', 'X-API-Key': [SECRETS.headerSecret, SECRETS.headerSecret] }, body: leadBody, status: 403 },
		{ name: 'lead valid key, body not JSON', key: 'lead', headers: { 'content-type': 'text/plain', 'X-API-Key': SECRETS.headerSecret }, body: `key=${SECRETS.headerSecret.slice(0, 4)}`, status: 400 },
		{ name: 'pbx valid, previous secret', key: 'pbx', headers: { ...sign('pbx', pbxBody, SECRETS.previousSecret), 'X-Webhook-Event': 'extension.created' }, body: pbxBody, status: 200 },
		{ name: 'pbx stale', key: 'pbx', headers: { ...sign('pbx', pbxBody, SECRETS.signingSecret, now() - 7200), 'X-Webhook-Event': 'extension.created' }, body: pbxBody, status: 401 },
		{ name: 'misconfigured custom HMAC', key: 'broken', headers: { 'content-type': 'application/json', 'X-Signature': 'abc' }, body: githubBody, status: 500 },
		{ name: 'no secret configured', key: 'nosecret', headers: { ...sign('github', githubBody, SECRETS.signingSecret), Authorization: `Bearer ${SECRETS.bearerToken}` }, body: githubBody, status: 500 },
	];
}

describe('secrets never leak', () => {
	let fleet: TriggerFleet;
	const haystacks: Haystack[] = [];
	const answers: Array<{ scenario: Scenario; status: number }> = [];

	beforeAll(async () => {
		fleet = await startTriggerFleet(
			'secrets',
			[
				{ key: 'github', provider: 'github', credential: signature, params: { rejectedOutput: true }, options: sendEverything },
				{ key: 'std', provider: 'standardWebhooks', credential: { signingSecret: SECRETS.whsec, authType: 'none' }, params: { rejectedOutput: true }, options: sendEverything },
				{ key: 'outcaller', provider: 'outCallerAi', credential: { authType: 'bearer', bearerToken: SECRETS.bearerToken }, params: { rejectedOutput: true }, options: sendEverything },
				{ key: 'lead', provider: 'leadUpdateCallback', credential: { authType: 'header', headerName: 'X-API-Key', headerSecret: SECRETS.headerSecret }, params: { rejectedOutput: true }, options: sendEverything },
				{ key: 'pbx', provider: 'pbx', credential: signature, options: sendEverything },
				// {timestamp} in the template without a timestamp header: a configuration error at receive time.
				{ key: 'broken', provider: 'customHmac', credential: signature, params: { customTemplate: '{timestamp}.{body}', customTimestampHeader: '', rejectedOutput: true } },
				// Only the auth header is set: a signature preset must fail closed (500 no_secret).
				{ key: 'nosecret', provider: 'github', credential: { authType: 'bearer', bearerToken: SECRETS.bearerToken }, params: { rejectedOutput: true } },
			],
			{ N8N_LOG_LEVEL: 'debug' },
		);
		for (const scenario of scenarios()) {
			const pairs: Array<[string, string]> = [];
			for (const [name, value] of Object.entries(scenario.headers)) for (const one of Array.isArray(value) ? value : [value]) pairs.push([name, one]);
			const answer = await postRaw(fleet.url(scenario.key), pairs, scenario.body);
			answers.push({ scenario, status: answer.status });
			haystacks.push({ where: `HTTP response to "${scenario.name}"`, text: `${answer.status} ${asText(answer.headers)} ${answer.text}` });
		}
		// Let every execution finish, then read them all in full.
		await waitUntil(async () => (await fleet.unfinishedCount()) === 0 && (await fleet.executionCount()) >= 5, 60_000);
		for (const { id } of await fleet.n8n.listExecutions()) {
			const execution = await fleet.n8n.getExecution(id);
			haystacks.push({ where: `execution ${id} (${execution.workflowData?.name})`, text: asText(execution) });
		}
		// What n8n's REST API says about the credentials and workflows (the editor's view).
		const credentials = await fleet.n8n.rest<Array<{ id: string; name: string }>>('GET', '/rest/credentials');
		haystacks.push({ where: 'GET /rest/credentials', text: asText(credentials) });
		for (const credential of credentials) {
			const full = await fleet.n8n.rest('GET', `/rest/credentials/${credential.id}?includeData=true`);
			haystacks.push({ where: `GET /rest/credentials/${credential.id}?includeData=true (${credential.name})`, text: asText(full) });
		}
		for (const workflow of fleet.n8n.workflows) {
			haystacks.push({ where: `GET /rest/workflows/${workflow.id}`, text: asText(await fleet.n8n.rest('GET', `/rest/workflows/${workflow.id}`)) });
		}
		haystacks.push({ where: "n8n's log output", text: fleet.n8n.logs() });
	}, 300_000);

	afterAll(async () => {
		await fleet?.stop();
	});

	it('each scenario got the answer it should (so the sweep covers accepted, rejected and failing paths)', () => {
		expect(answers.map((a) => [a.scenario.name, a.status])).toEqual(scenarios().map((s) => [s.name, s.status]));
	});

	it('the sweep sees what it must: items with headers, rejected items, rejection logs, credential data', () => {
		const all = haystacks.map((h) => h.text).join('\n');
		expect(all).toContain('acme/leakcheck'); // an accepted item
		expect(all).toContain('[redacted]'); // the auth header kept on an item, redacted
		expect(all).toContain('"error":"mismatch"'); // a rejected item on the Rejected output
		expect(fleet.n8n.logs()).toContain('Signed webhook rejected'); // n8n's log has the node's lines
		expect(fleet.n8n.logs()).toMatch(/no_secret|bad_configuration/);
		expect(haystacks.filter((h) => h.where.startsWith('execution')).length).toBeGreaterThanOrEqual(5);
		expect(haystacks.filter((h) => h.where.startsWith('GET /rest/credentials/')).length).toBe(7);
		// And the sweeper itself finds a secret in each form it looks for.
		const planted = sweepForSecrets(
			[
				{ where: 'plain', text: `x${SECRETS.bearerToken}x` },
				{ where: 'base64', text: Buffer.from(SECRETS.signingSecret).toString('base64') },
				{ where: 'decoded key', text: 'sw-leakcheck-WHSEC-key-0001' },
			],
			SECRETS,
		);
		expect(planted.map((f) => f.where).sort()).toEqual(['base64', 'decoded key', 'plain']);
	});

	it('no secret or auth value appears in any response, item, error message, REST answer or log line', () => {
		const findings = sweepForSecrets(haystacks, SECRETS);
		expect(findings, JSON.stringify(findings, null, 2)).toEqual([]);
	});
});
