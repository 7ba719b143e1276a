// Types of index.mjs, the harness that runs a real n8n with this package (scripts/, test/e2e/, bench/).

export interface N8nInstall {
	node24Bin: string;
	n8nBin: string;
	/** Prefix whose node_modules holds n8n and its dependencies. */
	n8nRoot: string;
}

export interface Owner {
	email: string;
	password: string;
	firstName?: string;
	lastName?: string;
}

/** A workflow/credential as JSON, or a path to a JSON file holding one or an array. */
export type JsonItem = Record<string, unknown> | string;

export interface StartOptions {
	/** N8N_USER_FOLDER; n8n keeps `.n8n/` (SQLite DB, encryption key, nodes/) inside it. */
	userFolder: string;
	/** Default 5678; tests should pass `await getFreePort()`. */
	port?: number;
	workflows?: JsonItem[];
	/** Decrypted: `{ id?, name, type, data: {...} }`; `n8n import:credentials` encrypts `data`. */
	credentials?: JsonItem[];
	/** Extra env for n8n, applied last. */
	env?: Record<string, string>;
	owner?: Owner;
	/** true (default): publish all imported workflows; array: those ids; false: none. */
	publish?: boolean | string[];
	/** false runs n8n without this package (harness checks before dist/ exists). */
	installPackage?: boolean;
	/** The folder packed and installed (its package.json and dist/); default this repo. */
	packageRoot?: string;
	/** Harness progress messages. */
	log?: (line: string) => void;
	/** n8n's stdout/stderr as it arrives (also kept for logs()). */
	onOutput?: (chunk: string) => void;
	/** n8n exited on its own (not through stop()/restart()). */
	onExit?: (code: number | null, signal: string | null) => void;
	startTimeoutMs?: number;
}

export interface ExecutionSummary {
	id: string;
	workflowId: string;
	status: 'new' | 'running' | 'success' | 'error' | 'canceled' | 'crashed' | 'waiting' | string;
	mode: string;
	startedAt: string | null;
	stoppedAt: string | null;
	[key: string]: unknown;
}

/** Decoded run data: `data.resultData.runData[nodeName][run].data.main[output][item].json`. */
export interface Execution extends ExecutionSummary {
	data: {
		resultData: {
			runData: Record<string, Array<{ data?: { main?: Array<Array<{ json: any; binary?: any }> | null> }; error?: any; executionStatus?: string }>>;
			error?: any;
			lastNodeExecuted?: string;
		};
		[key: string]: unknown;
	};
	workflowData: { id: string; name: string; nodes: any[]; [key: string]: unknown };
}

export interface PublicationStatus {
	status: 'in_progress' | 'not_published' | 'published' | 'partial' | 'failed';
	liveVersionId: string | null;
	pendingVersionId: string | null;
	triggers: Array<{ nodeId: string; status: string; errorMessage: string | null }>;
}

export interface ModuleResolution {
	fromPackage?: string;
	fromN8n?: string;
	requireOk: boolean;
	requireError?: string;
	same: boolean;
	error?: string;
}

export interface N8nInstance {
	baseUrl: string;
	port: number;
	userFolder: string;
	owner: Owner;
	install: N8nInstall;
	package: { nodesDir: string; pkgDir: string; tarball: string; sha256: string } | null;
	/** Imported workflows with the ids they got. */
	workflows: Array<{ id: string; name: string }>;
	/** Imported credentials with the ids they got. */
	credentials: Array<{ id: string; name: string }>;
	timings: Record<string, number>;
	stop(): Promise<void>;
	/** stop() then start again on the same folder (no re-import), logged in again. */
	restart(): Promise<void>;
	/** Logs in again (e.g. after changing the owner); rest() already carries the cookie. */
	login(): Promise<void>;
	/** Internal REST API with the owner's cookie; returns the unwrapped `data`. Throws on non-2xx (err.status, err.body). */
	rest<T = any>(method: string, path: string, body?: unknown): Promise<T>;
	/** Every execution (of one workflow, or all), each once, running ones included. */
	listExecutions(workflowId?: string): Promise<ExecutionSummary[]>;
	getExecution(id: string): Promise<Execution>;
	/** Waits for `count` finished executions; returns them decoded, oldest first. */
	waitForExecutions(workflowId: string, o?: { count?: number; timeoutMs?: number }): Promise<Execution[]>;
	activateWorkflow(id: string, o?: { timeoutMs?: number }): Promise<PublicationStatus>;
	deactivateWorkflow(id: string, o?: { timeoutMs?: number }): Promise<PublicationStatus>;
	/** `/webhook/<webhookId>/<path>`, or `/webhook/<path>` when webhookId is null (full-path nodes). */
	webhookUrl(webhookId: string | null | undefined, path?: string): string;
	/** All output of n8n start and the import commands so far. */
	logs(): string;
	/** Where the installed package resolves n8n-workflow and zod under n8n's NODE_PATH. */
	checkModuleResolution(): Promise<Record<'n8n-workflow' | 'zod', ModuleResolution>>;
	/** Production webhooks n8n registered (webhook_entity), optionally of one workflow. */
	listWebhooks(workflowId?: string): Promise<RegisteredWebhook[]>;
	readonly pid: number | undefined;
}

export interface RegisteredWebhook {
	workflowId: string;
	node: string;
	method: string;
	path: string;
	webhookId: string | null;
	url: string;
}

export declare const REPO_ROOT: string;
export declare const PACKAGE_NAME: string;
export declare const DEFAULT_OWNER: Readonly<Owner>;

export declare function startN8n(options: StartOptions): Promise<N8nInstance>;
/** Runs scripts/provision-n8n.sh once per process, or trusts NODE24_BIN/N8N_BIN. */
export declare function provisionN8n(): Promise<N8nInstall>;
export declare function getFreePort(): Promise<number>;
export declare function newId(): string;
/** Packs the repo (or packageRoot) and installs the tarball into <userFolder>/.n8n/nodes (what startN8n does first). */
export declare function installPackage(
	userFolder: string,
	install: N8nInstall,
	packageRoot?: string,
): Promise<{ nodesDir: string; pkgDir: string; tarball: string; sha256: string }>;
/** The environment the harness runs every n8n command with; `env` is applied last. */
export declare function n8nEnv(o: {
	install: N8nInstall;
	userFolder: string;
	port: number;
	brokerPort: number;
	owner: Owner;
	env?: Record<string, string>;
}): Promise<NodeJS.ProcessEnv>;
/** `n8n <args>` in its own process group, killed if this process exits first. */
export declare function spawnN8n(
	install: N8nInstall,
	args: string[],
	o: { cwd: string; env: NodeJS.ProcessEnv; onOutput: (s: string) => void },
): import('node:child_process').ChildProcess;
/** SIGTERM (n8n shuts down gracefully), SIGKILL after 30 s; then whatever is left of its process group. */
export declare function stopN8nProcess(proc: import('node:child_process').ChildProcess): Promise<void>;
export declare function checkModuleResolution(
	userFolder: string,
	install: N8nInstall,
): Promise<Record<'n8n-workflow' | 'zod', ModuleResolution>>;
