// The committed corpus is what generate.mjs writes: run it into a temporary folder and compare.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

const committed = path.resolve('test/corpus');
const generated = mkdtempSync(path.join(os.tmpdir(), 'sw-corpus-'));
afterAll(() => rmSync(generated, { recursive: true, force: true }));

describe('test/corpus/generate.mjs', () => {
	it('reproduces the committed setup.json and every committed bad request, and nothing else', () => {
		execFileSync(process.execPath, ['test/corpus/generate.mjs', generated], { stdio: 'pipe' });
		const files = (root: string) => readdirSync(path.join(root, 'bad-requests')).filter((f) => f.endsWith('.json')).sort();
		expect(files(generated)).toEqual(files(committed));
		expect(files(committed).length).toBeGreaterThan(200);
		for (const file of [...files(committed).map((f) => `bad-requests/${f}`), 'setup.json']) {
			expect(readFileSync(path.join(generated, file), 'utf8'), file).toBe(readFileSync(path.join(committed, file), 'utf8'));
		}
	});
});
