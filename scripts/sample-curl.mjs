// Prints freshly signed curl samples for the examples `npm start` published (reads webhooks.json in its user folder).
// Usage: node scripts/sample-curl.mjs [workflow-name-filter]
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { REPO_ROOT } from '../tools/n8n-instance/index.mjs';
import { LOCAL_USER_FOLDER, loadExamples } from './lib/examples.mjs';
import { buildSamples, toCurl } from './lib/signed-samples.mjs';

const state = path.join(LOCAL_USER_FOLDER, 'webhooks.json');
if (!existsSync(state)) {
	console.error(`No ${state}: run \`npm start\` first.`);
	process.exit(1);
}
const { webhooks } = JSON.parse(readFileSync(state, 'utf8'));
const { credentials, workflows } = loadExamples();
const filter = (process.argv[2] ?? '').toLowerCase();
for (const s of buildSamples({ repoRoot: REPO_ROOT, workflows, credentials, webhooks })) {
	if (filter && !s.workflow.toLowerCase().includes(filter)) continue;
	console.log(`# ${s.workflow} (${s.provider})${s.note ? ` - ${s.note}` : ''}`);
	console.log(`${toCurl(s)}\n`);
}
