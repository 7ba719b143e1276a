// The example credentials and workflows that `npm start` imports, and where its n8n lives.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { REPO_ROOT } from '../../tools/n8n-instance/index.mjs';

/** Outside the repo, so that lint and git never walk n8n's data and assets. */
const cacheDir =
	process.env.SIGNED_WEBHOOKS_CACHE ||
	path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'n8n-nodes-signed-webhooks');

export const LOCAL_USER_FOLDER = process.env.N8N_LOCAL_FOLDER || path.join(cacheDir, 'local-instance');

/** Same file name, same id (n8n ids are 16 alphanumerics), so re-imports update in place. */
function stableId(/** @type {string} */ file) {
	return createHash('sha256').update(path.basename(file)).digest('base64url').replace(/[^A-Za-z0-9]/g, '').slice(0, 16);
}

/** examples/credentials.json and examples/workflows/*.json, each workflow with its id. */
export function loadExamples() {
	const credentialsFile = path.join(REPO_ROOT, 'examples/credentials.json');
	const workflowsDir = path.join(REPO_ROOT, 'examples/workflows');
	const credentials = existsSync(credentialsFile) ? JSON.parse(readFileSync(credentialsFile, 'utf8')) : [];
	const files = existsSync(workflowsDir) ? readdirSync(workflowsDir).filter((f) => f.endsWith('.json')).sort() : [];
	const workflows = files.map((file) => {
		const workflow = JSON.parse(readFileSync(path.join(workflowsDir, file), 'utf8'));
		return { ...workflow, id: workflow.id ?? stableId(file) };
	});
	return { credentials, workflows };
}
