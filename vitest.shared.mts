import { readFile } from 'node:fs/promises';

import type { Plugin } from 'vite';

/**
 * Loads JavaScript under node_modules without its source map. Published packages (n8n-workflow)
 * ship maps that point at sources they don't ship, and vite warns once per file about each,
 * burying real failures; stack traces into dependencies are not worth that.
 */
export function dependenciesWithoutSourceMaps(): Plugin {
	return {
		name: 'dependencies-without-source-maps',
		enforce: 'pre',
		async load(id) {
			const file = id.split('?')[0];
			if (!file.includes('/node_modules/') || !/\.[cm]?js$/.test(file)) return null;
			const code = await readFile(file, 'utf8');
			return { code: code.replace(/^\/\/# sourceMappingURL=.*$/gm, ''), map: null };
		},
	};
}
