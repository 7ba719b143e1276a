import { defineConfig } from 'vitest/config';

import { dependenciesWithoutSourceMaps } from './vitest.shared.mts';

// Provisioning of Node 24 + n8n (scripts/provision-n8n.sh), run before the end-to-end suite and
// never beside it: one test deliberately breaks and repairs the cache the e2e tests use.
export default defineConfig({
	plugins: [dependenciesWithoutSourceMaps()],
	test: {
		include: ['test/scripts/provision-n8n.test.mts'],
		fileParallelism: false,
		testTimeout: 20 * 60_000,
	},
});
