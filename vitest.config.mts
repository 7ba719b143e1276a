import { defineConfig } from 'vitest/config';

import { dependenciesWithoutSourceMaps } from './vitest.shared.mts';

export default defineConfig({
	plugins: [dependenciesWithoutSourceMaps()],
	test: {
		include: ['test/**/*.test.mts'],
		// End-to-end, queue-mode and provisioning suites have their own configs (scripts/test-all.sh runs them all).
		exclude: ['test/e2e/**', 'test/e2e-queue/**', 'test/scripts/provision-n8n.test.mts', 'node_modules/**', 'dist/**'],
		testTimeout: 30_000,
	},
});
