import { existsSync } from 'node:fs';
import path from 'node:path';

import { provisionN8n, REPO_ROOT } from '../../tools/n8n-instance/index.mjs';

// Provision once here so parallel test files don't each run the (locked) provision script. A failure
// is not thrown here: every file's start then fails with it and is counted as failed, not skipped.
export default async function setup() {
	try {
		const install = await provisionN8n();
		process.env.NODE24_BIN = install.node24Bin;
		process.env.N8N_BIN = install.n8nBin;
	} catch (error) {
		process.env.E2E_PROVISION_ERROR = (error as Error).message.split('\n')[0];
	}
	if (!existsSync(path.join(REPO_ROOT, 'dist'))) {
		console.warn('[e2e] dist/ missing: run `npm run build` (scripts/test-e2e.sh does)');
	}
}
