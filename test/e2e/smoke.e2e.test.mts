import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
	checkModuleResolution,
	getFreePort,
	installPackage,
	provisionN8n,
	REPO_ROOT,
	startN8n,
	type N8nInstance,
} from '../../tools/n8n-instance/index.mjs';

const TRIGGER = 'n8n-nodes-signed-webhooks.signedWebhookTrigger';
const ACTION = 'n8n-nodes-signed-webhooks.signedWebhook';
const CREDENTIAL = 'signedWebhookApi';

const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
const declared: string[] = [...pkg.n8n.nodes, ...pkg.n8n.credentials];
// The package's own tests need the compiled nodes; the harness checks run without them.
const hasBuiltNodes = declared.every((f) => existsSync(path.join(REPO_ROOT, f)));

const fixture = (name: string) => path.join(REPO_ROOT, 'test/e2e/fixtures', name);
const smokeWorkflow = JSON.parse(readFileSync(fixture('builtin-webhook-noop.json'), 'utf8'));
const HEADER_SECRET = 'e2e-smoke-header-secret-7Qx2';
// Imported decrypted; n8n import:credentials encrypts `data` with this instance's key.
const headerAuthCredential = {
	id: 'e2eSmokeHdrAuth1',
	name: 'e2e smoke header auth',
	type: 'httpHeaderAuth',
	data: { name: 'X-Smoke-Token', value: HEADER_SECRET },
};

describe('e2e harness smoke', () => {
	let n8n: N8nInstance;
	let folder: string;

	beforeAll(async () => {
		folder = await mkdtemp(path.join(os.tmpdir(), 'sw-e2e-smoke-'));
		n8n = await startN8n({
			userFolder: folder,
			port: await getFreePort(),
			// The first workflow is passed as an object, the second as a path: both forms are supported.
			workflows: [smokeWorkflow, fixture('builtin-webhook-header-auth.json')],
			credentials: [headerAuthCredential],
			installPackage: hasBuiltNodes,
		});
	});

	afterAll(async () => {
		await n8n?.stop();
		if (folder) await rm(folder, { recursive: true, force: true });
	});

	async function postAndSee(marker: string) {
		const res = await fetch(n8n.webhookUrl(null, 'e2e-smoke'), {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ marker }),
		});
		expect(res.status).toBe(200);
		const id = n8n.workflows.find((w) => w.name === smokeWorkflow.name)!.id;
		const executions = await n8n.waitForExecutions(id, { count: 1 });
		const mine = executions.filter(
			(e) => e.data.resultData.runData['No Operation, do nothing']?.[0]?.data?.main?.[0]?.[0]?.json.body?.marker === marker,
		);
		expect(mine).toHaveLength(1);
		expect(mine[0].status).toBe('success');
		expect(mine[0].mode).toBe('webhook');
	}

	it('runs a built-in Webhook -> NoOp workflow and shows the execution over REST', async () => {
		const hooks = await n8n.listWebhooks(n8n.workflows.find((w) => w.name === smokeWorkflow.name)!.id);
		expect(hooks.map((h) => [h.method, h.url])).toEqual([['POST', n8n.webhookUrl(null, 'e2e-smoke')]]);
		await postAndSee('first');
	});

	it('imports credentials decrypted: header auth accepts only the imported secret, which never reaches the log', async () => {
		const url = n8n.webhookUrl(null, 'e2e-smoke-auth');
		const wrong = await fetch(url, { method: 'POST', headers: { 'X-Smoke-Token': 'nope' }, body: '{}' });
		expect(wrong.status).toBe(403);
		const right = await fetch(url, { method: 'POST', headers: { 'X-Smoke-Token': HEADER_SECRET }, body: '{}' });
		expect(right.status).toBe(200);
		expect(n8n.credentials).toEqual([{ id: 'e2eSmokeHdrAuth1', name: 'e2e smoke header auth' }]);
		expect(n8n.logs()).not.toContain(HEADER_SECRET);
	});

	it('keeps the published workflow across restart()', async () => {
		const before = n8n.pid;
		await n8n.restart();
		expect(n8n.pid).not.toBe(before);
		const res = await fetch(n8n.webhookUrl(null, 'e2e-smoke'), {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ marker: 'after-restart' }),
		});
		expect(res.status).toBe(200);
		await n8n.waitForExecutions(n8n.workflows.find((w) => w.name === smokeWorkflow.name)!.id, { count: 2 });
	});

	it('deactivateWorkflow/activateWorkflow toggle the production webhook', async () => {
		const id = n8n.workflows.find((w) => w.name === smokeWorkflow.name)!.id;
		await n8n.deactivateWorkflow(id);
		const off = await fetch(n8n.webhookUrl(null, 'e2e-smoke'), { method: 'POST', body: '{}' });
		expect(off.status).toBe(404);
		const st = await n8n.activateWorkflow(id);
		expect(st.status).toBe('published');
		const on = await fetch(n8n.webhookUrl(null, 'e2e-smoke'), { method: 'POST', body: '{}' });
		expect(on.status).toBe(200);
	});

	describe.skipIf(!hasBuiltNodes)('installed package', () => {
		it('resolves n8n-workflow to n8n\'s own copy and can require zod', async () => {
			const r = await n8n.checkModuleResolution();
			expect(r['n8n-workflow'].same, JSON.stringify(r)).toBe(true);
			expect(r['n8n-workflow'].requireOk, JSON.stringify(r)).toBe(true);
			expect(r.zod.requireOk, JSON.stringify(r)).toBe(true);
		});

		it('registers both node types and the credential type, with icons served', async () => {
			const nodes: any[] = await n8n.rest('GET', '/types/nodes.json');
			const credentials: any[] = await n8n.rest('GET', '/types/credentials.json');
			const byName = (list: any[], name: string) => list.filter((t) => t.name === name);

			const iconUrls: string[] = [];
			for (const name of [TRIGGER, ACTION]) {
				const found = byName(nodes, name);
				expect(found.length, `${name} in /types/nodes.json`).toBeGreaterThan(0);
				iconUrls.push(...iconsOf(found[0]));
			}
			const cred = byName(credentials, CREDENTIAL);
			expect(cred.length, `${CREDENTIAL} in /types/credentials.json`).toBe(1);
			iconUrls.push(...iconsOf(cred[0]));

			expect(iconUrls.length).toBeGreaterThanOrEqual(3);
			for (const url of iconUrls) {
				const res = await fetch(`${n8n.baseUrl}/${url.replace(/^\//, '')}`);
				expect(res.status, url).toBe(200);
				expect(res.headers.get('content-type'), url).toMatch(/^image\//);
				expect((await res.arrayBuffer()).byteLength, url).toBeGreaterThan(0);
			}
			expect(n8n.logs()).not.toMatch(/Failed to load package "n8n-nodes-signed-webhooks"/);
		});
	});
});

function iconsOf(type: { iconUrl?: string | { light: string; dark: string } }): string[] {
	const { iconUrl } = type;
	if (!iconUrl) return [];
	return typeof iconUrl === 'string' ? [iconUrl] : [iconUrl.light, iconUrl.dark];
}

describe.skipIf(!hasBuiltNodes)('package install under a folder with its own node_modules (like .n8n-local/ in the repo)', () => {
	it("still resolves n8n's n8n-workflow and zod, not the nearer copies", async () => {
		const root = await mkdtemp(path.join(os.tmpdir(), 'sw-e2e-shadow-'));
		try {
			for (const mod of ['n8n-workflow', 'zod']) {
				await mkdir(path.join(root, 'node_modules', mod), { recursive: true });
				await writeFile(path.join(root, 'node_modules', mod, 'package.json'), JSON.stringify({ name: mod, version: '0.0.0-shadow', main: 'index.js' }));
				await writeFile(path.join(root, 'node_modules', mod, 'index.js'), 'throw new Error("shadow copy loaded")');
			}
			const install = await provisionN8n();
			const userFolder = path.join(root, 'user');
			await installPackage(userFolder, install);
			const r = await checkModuleResolution(userFolder, install);
			for (const mod of ['n8n-workflow', 'zod'] as const) {
				expect(r[mod].same, JSON.stringify(r)).toBe(true);
				expect(r[mod].requireOk, JSON.stringify(r)).toBe(true);
			}
		} finally {
			await rm(root, { recursive: true, force: true });
		}
	});
});
