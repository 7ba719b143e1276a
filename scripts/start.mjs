// `npm start`: runs n8n on localhost with this package and the examples imported and published.
// scripts/start.sh builds and provisions first; this file does the rest through the e2e harness.
import fs from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';

import { DEFAULT_OWNER, REPO_ROOT, startN8n } from '../tools/n8n-instance/index.mjs';
import { LOCAL_USER_FOLDER, loadExamples } from './lib/examples.mjs';
import { buildSamples, toCurl } from './lib/signed-samples.mjs';

const userFolder = LOCAL_USER_FOLDER;
const port = Number(process.env.N8N_PORT ?? 5678);
const owner = {
	email: process.env.N8N_OWNER_EMAIL ?? DEFAULT_OWNER.email,
	password: process.env.N8N_OWNER_PASSWORD ?? DEFAULT_OWNER.password,
};
const say = (/** @type {string} */ s) => process.stdout.write(`${s}\n`);

const { credentials, workflows } = loadExamples();

// Pass the user's own N8N_* settings through (the harness starts from a clean env).
const passthrough = /** @type {Record<string,string>} */ (Object.fromEntries(
	Object.entries(process.env).filter(
		([k, v]) => k.startsWith('N8N_') && v !== undefined && !['N8N_OWNER_EMAIL', 'N8N_OWNER_PASSWORD', 'N8N_BIN'].includes(k),
	),
));

if (!(await portFree(port))) {
	console.error(`Port ${port} is in use (another n8n, or a previous npm start?). Stop it or set N8N_PORT.`);
	process.exit(1);
}

await fs.mkdir(userFolder, { recursive: true });
const logFile = path.join(userFolder, 'n8n.log');
const logStream = (await fs.open(logFile, 'w')).createWriteStream();
let live = false;
let stopping = false;

say(`Starting n8n on http://localhost:${port} (user folder ${path.relative(process.cwd(), userFolder) || userFolder}, log ${logFile})`);
say(`Importing ${credentials.length} credential(s) and ${workflows.length} workflow(s) from examples/ when they changed...`);
const t0 = Date.now();
let n8n;
try {
	n8n = await startN8n({
		userFolder,
		port,
		owner,
		credentials,
		// Keep ids stable across runs so re-imports update instead of duplicating.
		workflows,
		env: passthrough,
		log: (l) => say(`  ${l}`),
		onExit: (code, signal) => {
			if (stopping) return;
			console.error(`n8n exited unexpectedly (code ${code}, signal ${signal}); see ${logFile}`);
			process.exit(1);
		},
		onOutput: (chunk) => {
			logStream.write(chunk);
			if (live) process.stdout.write(chunk);
		},
	});
} catch (/** @type {any} */ err) {
	console.error(String(err?.message ?? err));
	console.error(`n8n did not start; see ${logFile}`);
	process.exit(1);
}
const seconds = ((Date.now() - t0) / 1000).toFixed(1);

const webhooks = await n8n.listWebhooks(undefined);
const samples = buildSamples({ repoRoot: REPO_ROOT, workflows, credentials, webhooks });
await fs.writeFile(path.join(userFolder, 'webhooks.json'), JSON.stringify({ baseUrl: n8n.baseUrl, webhooks }, null, 2));

say('');
say(`n8n is up after ${seconds}s (${JSON.stringify(n8n.timings)})`);
say(`Editor:  ${n8n.baseUrl}/`);
say(`Login:   ${owner.email} / ${owner.password}   (set N8N_OWNER_EMAIL / N8N_OWNER_PASSWORD to change)`);
say('');
for (const wf of workflows) {
	const pub = await n8n.rest('GET', `/rest/workflows/${wf.id}/publication-status`).catch((e) => ({ status: `unknown (${e.message})` }));
	say(`* ${wf.name}  (${n8n.baseUrl}/workflow/${wf.id})  [${pub.status}]`);
	for (const t of pub.triggers ?? []) if (t.errorMessage) say(`    ! trigger ${t.nodeId}: ${t.errorMessage}`);
	for (const hook of webhooks.filter((h) => h.workflowId === wf.id)) say(`    ${hook.method} ${hook.url}   [${hook.node}]`);
	for (const s of samples.filter((x) => x.workflowId === wf.id)) {
		say(`    signed sample (${s.provider}${s.note ? `; ${s.note}` : ''}):`);
		say(
			toCurl(s)
				.split('\n')
				.map((l) => `      ${l}`)
				.join('\n'),
		);
	}
}
if (!workflows.length) say('(no examples/workflows/*.json yet)');
say('');
say('Fresh signed samples at any time: node scripts/sample-curl.mjs   |   Ctrl-C stops n8n.');
say('--- n8n log follows ---');
live = true;

for (const sig of /** @type {const} */ (['SIGINT', 'SIGTERM'])) {
	process.on(sig, async () => {
		if (stopping) return;
		stopping = true;
		say('\nStopping n8n...');
		await n8n.stop();
		logStream.end();
		process.exit(0);
	});
}

function portFree(/** @type {number} */ p) {
	return new Promise((resolve) => {
		const srv = net.createServer();
		srv.once('error', () => resolve(false));
		srv.listen(p, '127.0.0.1', () => srv.close(() => resolve(true)));
	});
}
