// Where the cores went during a load phase (Linux /proc): CPU seconds of process trees (a root and
// its descendants, e.g. n8n and its task runner, postgres and its backends) and of the whole machine.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());

/** pid → { ppid, ticks }: ticks are user + system time, its own and that of its reaped children. */
function processTable() {
	const table = new Map();
	for (const entry of readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		let stat;
		try {
			stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
		} catch {
			continue; // exited meanwhile
		}
		// After "(comm) ": state, ppid, ... utime (14th field of the line), stime, cutime, cstime.
		const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
		const ticks = fields.slice(11, 15).reduce((sum, field) => sum + Number(field), 0);
		table.set(Number(entry), { ppid: Number(fields[1]), ticks });
	}
	return table;
}

/**
 * CPU ticks of each named tree. A descendant that is itself a root of another name counts there
 * only (n8n processes are children of the benchmark process, which is a root too).
 * A process reaped during a phase counts in its parent's cutime/cstime, so deltas stay whole.
 */
function treeTicks(roots) {
	const table = processTable();
	const children = new Map();
	for (const [pid, { ppid }] of table) children.set(ppid, [...(children.get(ppid) ?? []), pid]);
	const rootPids = new Set(Object.values(roots).flat());
	const ticks = {};
	for (const [name, pids] of Object.entries(roots)) {
		let sum = 0;
		const queue = pids.filter((pid) => table.has(pid));
		while (queue.length > 0) {
			const pid = queue.pop();
			sum += table.get(pid).ticks;
			for (const child of children.get(pid) ?? []) if (!rootPids.has(child)) queue.push(child);
		}
		ticks[name] = sum;
	}
	return ticks;
}

/** Busy ticks of all CPUs together, from /proc/stat (not idle, iowait, or steal: time the host gave to others). */
function machineTicks() {
	const [, ...values] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number);
	const [user, nice, system, , , irq, softirq] = values;
	return user + nice + system + irq + softirq;
}

/**
 * Starts measuring `roots` (name → root pids); `stop()` returns the cores each used on average
 * (CPU seconds / wall seconds), `machine` for all processes on the machine, and the wall seconds.
 */
export function cpuMeter(roots) {
	const t0 = performance.now();
	const before = treeTicks(roots);
	const machineBefore = machineTicks();
	return {
		stop() {
			const seconds = (performance.now() - t0) / 1000;
			const after = treeTicks(roots);
			const cores = (ticks) => ticks / TICKS_PER_SECOND / seconds;
			const result = Object.fromEntries(Object.keys(roots).map((name) => [name, cores(after[name] - before[name])]));
			return { seconds, cores: result, machine: cores(machineTicks() - machineBefore) };
		},
	};
}
