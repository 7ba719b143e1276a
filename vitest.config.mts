import { defineConfig } from 'vitest/config';

export default defineConfig({
	test: {
		include: ['test/**/*.test.mts'],
		exclude: ['test/e2e/**', 'node_modules/**', 'dist/**'],
		testTimeout: 30_000,
	},
});
