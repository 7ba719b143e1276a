// Types of index.mjs, the queue-mode harness (test/e2e-queue/).
import type { N8nInstance } from '../n8n-instance/index.d.mts';

export interface QueueClusterOptions {
	/** As startN8n's: JSON objects (or paths to JSON files). */
	workflows?: Array<object | string>;
	credentials?: Array<object | string>;
	/** As startN8n's: true (default) publishes every imported workflow on main. */
	publish?: boolean | string[];
	/** `n8n webhook` processes behind nginx; default 2. */
	webhookProcesses?: number;
	/** `n8n worker` processes; default 1. */
	workers?: number;
	/** Extra env for every role, applied after the queue-mode settings. */
	env?: Record<string, string>;
	log?: (line: string) => void;
}

/** An `n8n webhook` or `n8n worker` process. */
export interface QueueProcess {
	role: 'webhook' | 'worker';
	name: string;
	/** N8N_PORT (a worker serves nothing there; its health check has its own port). */
	port: number;
	baseUrl: string;
	userFolder: string;
	/** Starts it and waits for /healthz/readiness. */
	start(): Promise<void>;
	stop(): Promise<void>;
	restart(): Promise<void>;
	/** Everything it printed, across restarts. */
	logs(): string;
	readonly pid: number | undefined;
}

export interface QueueCluster {
	/** Main (EXECUTIONS_MODE=queue, N8N_DISABLE_PRODUCTION_MAIN_PROCESS=true): REST, executions, publishing. */
	main: N8nInstance;
	webhooks: QueueProcess[];
	workers: QueueProcess[];
	/** nginx, round-robin over the webhook processes. */
	balancerUrl: string;
	redisPort: number;
	postgresPort: number;
	/** scripts/queue-services.sh's folder: <servicesDir>/{redis/redis.pid,nginx/nginx.pid,pg/data/postmaster.pid}. */
	servicesDir: string;
	/** `/webhook/<webhookId>/<path>` on the balancer, or on one webhook process. */
	webhookUrl(webhookId: string | null | undefined, path?: string, on?: QueueProcess): string;
	/** redis-cli against the cluster's Redis (`--raw`), trimmed output. */
	redis(...args: string[]): Promise<string>;
	/** Stops every process and service and removes all their folders. */
	stop(): Promise<void>;
}

export declare function startQueueCluster(options: QueueClusterOptions): Promise<QueueCluster>;
