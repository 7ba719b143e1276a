import { defineConfig } from 'vitest/config';

import { dependenciesWithoutSourceMaps } from './vitest.shared.mts';

// End-to-end tests against a real n8n 2.x (Node 24, SQLite) started by tools/n8n-instance.
export default defineConfig({
	plugins: [dependenciesWithoutSourceMaps()],
	test: {
		include: ['test/e2e/**/*.e2e.test.mts'],
		globalSetup: ['test/e2e/global-setup.mts'],
		// Each file boots its own n8n (~10 s, CPU-heavy); more than 2 at once just thrashes 2 cores.
		pool: 'forks',
		maxWorkers: Number(process.env.E2E_MAX_WORKERS ?? 2),
		minWorkers: 1,
		testTimeout: 60_000,
		hookTimeout: 240_000,
		teardownTimeout: 60_000,
		reporters: ['default'],
	},
});
