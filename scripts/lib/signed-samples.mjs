// Builds correctly signed sample requests (as curl lines) for the example trigger workflows, with the
// compiled presets in dist/nodes/core: the same envelope builders and sign() the nodes use.
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

export const TRIGGER_TYPE = 'n8n-nodes-signed-webhooks.signedWebhookTrigger';
export const CREDENTIAL_TYPE = 'signedWebhookApi';

/** A compiled module of the package. @param {string} repoRoot @param {string} file */
function loadCompiled(repoRoot, file) {
	const compiled = path.join(repoRoot, 'dist', file);
	if (!existsSync(compiled)) throw new Error(`${compiled} missing: run \`npm run build\``);
	// zod resolves from the repo's dev dependencies here.
	return createRequire(compiled)(compiled);
}

/** @param {any} cred @returns {Record<string,string>} */
function authHeaders(cred) {
	if (cred?.authType === 'header' && cred.headerName) return { [cred.headerName]: cred.headerSecret ?? '' };
	if (cred?.bearerToken) return { Authorization: `Bearer ${cred.bearerToken}` };
	return {};
}

/** First subscribed (or catalogue) event that is not a platform test ping. */
function pickEvent(/** @type {any} */ preset, /** @type {any} */ node) {
	const wanted = node.parameters?.events;
	if (Array.isArray(wanted) && typeof wanted[0] === 'string' && wanted[0] !== '*') return wanted[0];
	const names = (preset?.events ?? []).map((/** @type {any} */ e) => e.name).filter((/** @type {string} */ n) => !/test|ping/i.test(n));
	// A content-bearing event reads better than e.g. call.started.
	return names.find((/** @type {string} */ n) => /lead|completed|created/.test(n)) ?? names[0] ?? 'sample.event';
}

/**
 * @param {{ repoRoot: string, workflows: any[], credentials: any[],
 *   webhooks: Array<{ workflowId: string, node: string, method: string, url: string }> }} o
 * @returns {Array<{ workflow: string, workflowId: string, node: string, provider: string, url: string, method: string,
 *   headers: Record<string,string>, body: string, note?: string }>}
 */
export function buildSamples({ repoRoot, workflows, credentials, webhooks }) {
	const presets = loadCompiled(repoRoot, 'nodes/core/providers/index.js');
	const { readCustomHmacSettings } = loadCompiled(repoRoot, 'nodes/shared/customHmacParameters.js');
	const out = [];
	for (const wf of workflows) {
		for (const node of wf.nodes ?? []) {
			if (node.type !== TRIGGER_TYPE || node.disabled) continue;
			const hook = webhooks.find((w) => w.workflowId === wf.id && w.node === node.name);
			if (!hook) continue;
			const provider = String(node.parameters?.provider ?? '');
			const credRef = node.credentials?.[CREDENTIAL_TYPE];
			const cred = credentials.find((c) => (credRef?.id ? c.id === credRef.id : c.name === credRef?.name))?.data ?? {};
			let preset;
			try {
				// The node's own reader, with its defaults for what the workflow leaves out.
				const custom = readCustomHmacSettings((/** @type {string} */ name, /** @type {unknown} */ fallback) => node.parameters?.[name] ?? fallback);
				preset = presets.resolvePreset(provider, provider === 'customHmac' ? custom : undefined);
			} catch {}
			// One sample, one delivery: pasting the same curl twice is a replay the trigger deduplicates.
			const id = randomUUID();
			const event = pickEvent(preset, node);
			const timestamp = new Date();
			const data = { id: `sample-${id.slice(0, 8)}`, note: 'signed sample from npm start' };
			// Presets without an outbound shape (e.g. Lead Update Callback) accept any JSON object.
			const envelope = preset?.outbound?.build({ event, id, timestamp, data }) ?? { event, id, timestamp: timestamp.toISOString(), data };
			const body = JSON.stringify(envelope);
			/** @type {Record<string,string>} */
			let headers = { 'Content-Type': 'application/json', ...(preset?.outbound?.headers?.({ event, id, envelope }) ?? {}) };
			let note;
			if (preset?.auth === 'signature' && preset.scheme) {
				headers = { ...headers, ...preset.scheme.sign({ body, secret: cred.signingSecret ?? '', id, timestamp: Math.floor(timestamp.getTime() / 1000) }) };
				if (preset.scheme.signsTimestamp) note = 'signs a timestamp: valid ~5 min, `node scripts/sample-curl.mjs` prints fresh ones';
			} else {
				headers = { ...headers, ...authHeaders(cred) };
			}
			if (!preset) note = `unknown provider "${provider}": sent unsigned`;
			out.push({ workflow: wf.name, workflowId: wf.id, node: node.name, provider, url: hook.url, method: hook.method, headers, body, note });
		}
	}
	return out;
}

const shq = (/** @type {string} */ s) => `'${s.replace(/'/g, `'\\''`)}'`;

/** @param {{ url: string, method: string, headers: Record<string,string>, body: string }} s */
export function toCurl(s) {
	const parts = [`curl -sS -i -X ${s.method} ${shq(s.url)}`];
	for (const [k, v] of Object.entries(s.headers)) parts.push(`-H ${shq(`${k}: ${v}`)}`);
	parts.push(`--data-raw ${shq(s.body)}`);
	return parts.join(' \\\n  ');
}
