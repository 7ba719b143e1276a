import { defineConfig } from 'vitest/config';

import { dependenciesWithoutSourceMaps } from './vitest.shared.mts';

export default defineConfig({
	plugins: [dependenciesWithoutSourceMaps()],
	test: {
		include: ['test/**/*.test.mts'],
		// End-to-end and provisioning suites have their own configs (scripts/test-all.sh runs all three).
		exclude: ['test/e2e/**', 'test/scripts/provision-n8n.test.mts', 'node_modules/**', 'dist/**'],
		testTimeout: 30_000,
	},
});
