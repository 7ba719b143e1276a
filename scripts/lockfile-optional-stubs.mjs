// The registry this project installs from serves only the linux-x64 builds of packages
// such as @rollup/rollup-*, so npm leaves the other platforms' optional dependencies out of
// package-lock.json, and `npm ci` then refuses the lock as out of sync. This adds an entry for
// each missing optional dependency with the os/cpu/libc its name states: npm skips them on
// this platform and never fetches them. Run it after changing dependencies.
import { readFileSync, writeFileSync } from 'node:fs';

const OS = /(android|darwin|freebsd|linux|netbsd|openbsd|openharmony|sunos|aix|win32)/;
const CPU = /-(arm64|arm|x64|ia32|loong64|ppc64|riscv64|s390x|wasm32)(?:-|$)/;

const file = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(file, 'utf8'));
const added = [];
for (const [path, entry] of Object.entries(lock.packages)) {
	for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
		const nested = `${path ? `${path}/` : ''}node_modules/${name}`;
		if (lock.packages[nested] || lock.packages[`node_modules/${name}`]) continue;
		const leaf = name.split('/').pop();
		const os = OS.exec(leaf)?.[1];
		const cpu = CPU.exec(leaf.replace(os ?? '', ''))?.[1];
		if (!os || !cpu) throw new Error(`Cannot tell the platform of ${name}; add its entry by hand`);
		const stub = { version, dev: Boolean(entry.dev), optional: true, cpu: [cpu], os: [os] };
		if (/musl/.test(leaf)) stub.libc = ['musl'];
		else if (os === 'linux' && /-gnu/.test(leaf)) stub.libc = ['glibc'];
		lock.packages[`node_modules/${name}`] = stub;
		added.push(`${name}@${version} (${os}/${cpu})`);
	}
}
writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
console.log(added.length ? `added ${added.length} platform stubs:\n  ${added.join('\n  ')}` : 'no missing optional dependencies');
