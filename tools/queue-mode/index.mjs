// n8n in queue mode with this package, for the queue-mode suite (test/e2e-queue/): Redis, Postgres
// and nginx from scripts/queue-services.sh, one main (tools/n8n-instance's startN8n, switched to
// Postgres + queue mode), `n8n webhook` processes behind nginx and `n8n worker` processes. Every
// process has its own user folder (a shared one means a shared crash journal: "Last session crashed"
// and a 10 s sleep on every later start) with `.n8n/nodes` symlinked to main's package install.
// Types are in index.d.mts beside it.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

import { DEFAULT_OWNER, getFreePort, n8nEnv, provisionN8n, REPO_ROOT, spawnN8n, startN8n, stopN8nProcess } from '../n8n-instance/index.mjs';

const SERVICES = path.join(REPO_ROOT, 'scripts/queue-services.sh');
const execFileAsync = promisify(execFile);
const sleep = (/** @type {number} */ ms) => new Promise((r) => setTimeout(r, ms));
/**
 * @param {import('./index.d.mts').QueueClusterOptions} options
 * @returns {Promise<import('./index.d.mts').QueueCluster>}
 */
export async function startQueueCluster(options) {
	const t0 = Date.now();
	const log = options.log ?? (() => {});
	const install = await provisionN8n();
	await execFileAsync('bash', [SERVICES, 'install'], { maxBuffer: 1 << 24 });
	const base = await fs.mkdtemp(path.join(os.tmpdir(), 'sw-queue-'));
	// The services run as their packages' users, who must reach <base>/services.
	await fs.chmod(base, 0o755);
	const servicesDir = path.join(base, 'services');
	const [redisPort, postgresPort, balancerPort] = [await getFreePort(), await getFreePort(), await getFreePort()];
	const webhookPorts = [];
	for (let i = 0; i < (options.webhookProcesses ?? 2); i++) webhookPorts.push(await getFreePort());
	/** @type {import('./index.d.mts').QueueProcess[]} */
	const processes = [];
	/** @type {import('../n8n-instance/index.d.mts').N8nInstance | undefined} */
	let main;
	const stop = async () => {
		await Promise.all(processes.map((p) => p.stop()));
		await main?.stop();
		await execFileAsync('bash', [SERVICES, 'down', servicesDir]).catch(() => {});
		await fs.rm(base, { recursive: true, force: true });
	};
	try {
		await execFileAsync('bash', [SERVICES, 'up', servicesDir, String(redisPort), String(postgresPort), String(balancerPort), ...webhookPorts.map(String)]);
		log(`services up: redis ${redisPort}, postgres ${postgresPort}, nginx ${balancerPort} -> ${webhookPorts.join(', ')}`);
		const balancerUrl = `http://localhost:${balancerPort}`;
		/** What every role shares (n8n docs, hosting/scaling/queue-mode). */
		const shared = {
			DB_TYPE: 'postgresdb',
			DB_POSTGRESDB_HOST: '127.0.0.1',
			DB_POSTGRESDB_PORT: String(postgresPort),
			DB_POSTGRESDB_DATABASE: 'n8n',
			DB_POSTGRESDB_USER: 'postgres',
			DB_POSTGRESDB_PASSWORD: '',
			EXECUTIONS_MODE: 'queue',
			QUEUE_BULL_REDIS_HOST: '127.0.0.1',
			QUEUE_BULL_REDIS_PORT: String(redisPort),
			N8N_ENCRYPTION_KEY: randomBytes(24).toString('base64'),
			// Registration (Via Provider API) hands the provider the balancer's URL.
			N8N_WEBHOOK_URL: `${balancerUrl}/`,
			// Main starts no task runner; manual runs go to the workers too.
			OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS: 'true',
			...options.env,
		};
		main = await startN8n({
			userFolder: path.join(base, 'main'),
			port: await getFreePort(),
			workflows: /** @type {any} */ (options.workflows),
			credentials: /** @type {any} */ (options.credentials),
			publish: options.publish,
			env: { ...shared, N8N_DISABLE_PRODUCTION_MAIN_PROCESS: 'true' },
			log,
		});
		const nodesDir = path.join(base, 'main', '.n8n', 'nodes');
		const startRole = async (/** @type {'webhook'|'worker'} */ role, /** @type {number} */ index, /** @type {number} */ port) => {
			const userFolder = path.join(base, `${role}-${index}`);
			await fs.mkdir(path.join(userFolder, '.n8n'), { recursive: true });
			await fs.symlink(nodesDir, path.join(userFolder, '.n8n', 'nodes'), 'dir');
			// A worker's health check and task broker default to main's ports (5678, 5679).
			const healthPort = role === 'worker' ? await getFreePort() : port;
			const env = await n8nEnv({
				install,
				userFolder,
				port,
				brokerPort: await getFreePort(),
				owner: DEFAULT_OWNER,
				env: {
					...shared,
					...(role === 'worker' ? { QUEUE_HEALTH_CHECK_ACTIVE: 'true', QUEUE_HEALTH_CHECK_PORT: String(healthPort) } : {}),
					// Debug logs "Received webhook ..." per request: the suite counts them per process.
					...(role === 'webhook' ? { N8N_LOG_LEVEL: 'debug' } : {}),
				},
			});
			const proc = queueProcess({ role, name: `${role}-${index}`, install, env, userFolder, port, healthPort });
			processes.push(proc);
			await proc.start();
			return proc;
		};
		const webhooks = await Promise.all(webhookPorts.map((port, i) => startRole('webhook', i + 1, port)));
		const workers = [];
		for (let i = 0; i < (options.workers ?? 1); i++) workers.push(await startRole('worker', i + 1, await getFreePort()));
		log(`queue cluster ready in ${Date.now() - t0} ms`);
		const m = main;
		return {
			main: m,
			webhooks,
			workers,
			balancerUrl,
			redisPort,
			postgresPort,
			servicesDir,
			/** Production URL of a trigger, on the balancer or on one process's own port. */
			webhookUrl: (webhookId, p, on) => `${on?.baseUrl ?? balancerUrl}/webhook/${[webhookId, p?.replace(/^\/+/, '')].filter(Boolean).join('/')}`,
			async redis(...args) {
				const { stdout } = await execFileAsync('redis-cli', ['-h', '127.0.0.1', '-p', String(redisPort), '--raw', ...args]);
				return stdout.trim();
			},
			stop,
		};
	} catch (error) {
		await stop();
		throw error;
	}
}

/**
 * One `n8n webhook` or `n8n worker` process; start() resolves once /healthz/readiness answers 200.
 * @param {{ role: 'webhook'|'worker', name: string, install: { node24Bin: string, n8nBin: string },
 *   env: NodeJS.ProcessEnv, userFolder: string, port: number, healthPort: number }} o
 * @returns {import('./index.d.mts').QueueProcess}
 */
function queueProcess(o) {
	/** @type {import('node:child_process').ChildProcess | undefined} */
	let child;
	let output = '';
	const args = o.role === 'worker' ? ['worker', '--concurrency=10'] : ['webhook'];
	async function start() {
		const from = output.length;
		const proc = spawnN8n(/** @type {any} */ (o.install), args, { cwd: o.userFolder, env: o.env, onOutput: (s) => (output += s) });
		child = proc;
		let exited = /** @type {string|null} */ (null);
		proc.on('exit', (code, sig) => {
			exited = `n8n ${args[0]} exited (code ${code}, signal ${sig})`;
		});
		const deadline = Date.now() + 120_000;
		for (;;) {
			if (exited) throw new Error(`${o.name}: ${exited} before becoming ready:\n${output.slice(from).slice(-4000)}`);
			if (Date.now() > deadline) throw new Error(`${o.name} not ready after 120 s:\n${output.slice(from).slice(-4000)}`);
			if (await fetch(`http://127.0.0.1:${o.healthPort}/healthz/readiness`).then((r) => r.ok, () => false)) break;
			await sleep(200);
		}
		const loadError = /Failed to load package[^\n]*/.exec(output.slice(from));
		if (loadError) throw new Error(`${o.name} could not load the package: ${loadError[0]}`);
	}
	async function stop() {
		const proc = child;
		child = undefined;
		if (proc) await stopN8nProcess(proc);
	}
	return {
		role: o.role,
		name: o.name,
		port: o.port,
		baseUrl: `http://localhost:${o.port}`,
		userFolder: o.userFolder,
		start,
		stop,
		async restart() {
			await stop();
			await start();
		},
		logs: () => output,
		get pid() {
			return child?.pid;
		},
	};
}
