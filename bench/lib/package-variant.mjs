// A copy of the built package (package.json + dist/) with one lever turned off by a textual
// change to its compiled JS, for B2. Shipped code has no switch for a benchmark; the change is
// made here, and must match exactly once, so that a refactor fails the benchmark instead of
// silently measuring the unchanged package.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { REPO_ROOT } from '../../tools/n8n-instance/index.mjs';

/**
 * The levers that have no switch, each as the edits that turn it off. An edit prefixes a
 * condition or expression, so the rest of the statement stays as compiled.
 */
export const LEVER_EDITS = {
	// Production deliveries read the credential the way test deliveries do: every time.
	credentialCache: [
		{
			file: 'dist/nodes/SignedWebhookTrigger/settings.js',
			find: "if (context.getMode() !== 'webhook')",
			replace: "if (true || context.getMode() !== 'webhook')",
		},
	],
	// Nothing is rejected before the credential is read; receive() judges everything.
	screen: [
		{
			file: 'dist/nodes/SignedWebhookTrigger/SignedWebhookTrigger.node.js',
			find: 'const screened = (0, receive_1.screen)(',
			replace: 'const screened = undefined && (0, receive_1.screen)(',
		},
	],
};

function occurrences(text, find) {
	let count = 0;
	for (let at = text.indexOf(find); at !== -1; at = text.indexOf(find, at + find.length)) count++;
	return count;
}

/**
 * Builds the copy in a temporary folder with the given levers off (names of LEVER_EDITS).
 * `close()` removes it.
 */
export async function packageVariant(leversOff) {
	const dir = await fs.mkdtemp(path.join(os.tmpdir(), `sw-variant-${leversOff.join('-')}-`));
	try {
		await fs.copyFile(path.join(REPO_ROOT, 'package.json'), path.join(dir, 'package.json'));
		await fs.cp(path.join(REPO_ROOT, 'dist'), path.join(dir, 'dist'), { recursive: true });
		for (const lever of leversOff) {
			const edits = LEVER_EDITS[lever];
			if (!edits) throw new Error(`unknown lever ${lever}`);
			for (const { file, find, replace } of edits) {
				const target = path.join(dir, file);
				const text = await fs.readFile(target, 'utf8');
				const found = occurrences(text, find);
				if (found !== 1) {
					throw new Error(`lever ${lever}: "${find}" occurs ${found} times in ${file} (expected exactly once); update LEVER_EDITS`);
				}
				await fs.writeFile(target, text.replace(find, replace));
			}
		}
	} catch (error) {
		await fs.rm(dir, { recursive: true, force: true });
		throw error;
	}
	return { dir, close: () => fs.rm(dir, { recursive: true, force: true }) };
}
