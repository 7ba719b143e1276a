// Prints freshly signed curl samples for the examples `npm start` published (reads .n8n-local/webhooks.json).
// Usage: node scripts/sample-curl.mjs [workflow-name-filter]
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { REPO_ROOT } from '../test/e2e/lib/n8n-instance.mjs';
import { buildSamples, toCurl } from './lib/signed-samples.mjs';

const state = path.join(REPO_ROOT, '.n8n-local/webhooks.json');
if (!existsSync(state)) {
	console.error('No .n8n-local/webhooks.json: run `npm start` first.');
	process.exit(1);
}
const { webhooks } = JSON.parse(readFileSync(state, 'utf8'));
const credFile = path.join(REPO_ROOT, 'examples/credentials.json');
const credentials = existsSync(credFile) ? JSON.parse(readFileSync(credFile, 'utf8')) : [];
const dir = path.join(REPO_ROOT, 'examples/workflows');
const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json')).sort() : [];
// Same id rule as scripts/start.mjs.
const stableId = (/** @type {string} */ f) => createHash('sha256').update(f).digest('base64url').replace(/[^A-Za-z0-9]/g, '').slice(0, 16);
const workflows = files.map((f) => {
	const w = JSON.parse(readFileSync(path.join(dir, f), 'utf8'));
	return { ...w, id: w.id ?? stableId(f) };
});
const filter = (process.argv[2] ?? '').toLowerCase();
for (const s of buildSamples({ repoRoot: REPO_ROOT, workflows, credentials, webhooks })) {
	if (filter && !s.workflow.toLowerCase().includes(filter)) continue;
	console.log(`# ${s.workflow} (${s.provider})${s.note ? ` - ${s.note}` : ''}`);
	console.log(`${toCurl(s)}\n`);
}
