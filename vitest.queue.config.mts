import { defineConfig } from 'vitest/config';

import { dependenciesWithoutSourceMaps } from './vitest.shared.mts';

// Queue mode: main, webhook processes behind nginx and a worker, on Redis and Postgres
// (tools/queue-mode). One file at a time: each cluster is ~2 GB and 5 n8n processes.
export default defineConfig({
	plugins: [dependenciesWithoutSourceMaps()],
	test: {
		include: ['test/e2e-queue/**/*.test.mts'],
		globalSetup: ['test/e2e/global-setup.mts'],
		pool: 'forks',
		maxWorkers: 1,
		minWorkers: 1,
		testTimeout: 120_000,
		hookTimeout: 300_000,
		teardownTimeout: 60_000,
		reporters: ['default'],
	},
});
