// Interleaved micro-benchmarking: every contender runs in each round, so drift and noise hit all alike.
import { cpus } from 'node:os';

/** Median ns per call of each contender, over `rounds` interleaved rounds of `iterations` calls. */
export function compare(contenders, { rounds = 15, iterations = 2_000, warmup = 2_000 } = {}) {
	for (const run of Object.values(contenders)) for (let i = 0; i < warmup; i++) run();
	const samples = Object.fromEntries(Object.keys(contenders).map((name) => [name, []]));
	for (let round = 0; round < rounds; round++) {
		for (const [name, run] of Object.entries(contenders)) {
			const start = process.hrtime.bigint();
			for (let i = 0; i < iterations; i++) run();
			samples[name].push(Number(process.hrtime.bigint() - start) / iterations);
		}
	}
	return Object.fromEntries(Object.entries(samples).map(([name, values]) => [name, median(values)]));
}

export function median(values) {
	const sorted = [...values].sort((a, b) => a - b);
	const middle = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

export function percentile(values, p) {
	if (values.length === 0) return NaN;
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

export function machineLine(extra = {}) {
	const cpu = cpus();
	const parts = [`cpus=${cpu.length}`, `cpu="${cpu[0]?.model ?? 'unknown'}"`, `node=${process.version}`];
	for (const [key, value] of Object.entries(extra)) parts.push(`${key}=${value}`);
	return `machine: ${parts.join(' ')} date=${new Date().toISOString()}`;
}

export function table(headers, rows) {
	const widths = headers.map((header, column) => Math.max(header.length, ...rows.map((row) => String(row[column]).length)));
	const line = (cells) => `| ${cells.map((cell, column) => String(cell).padEnd(widths[column])).join(' | ')} |`;
	return [line(headers), `|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

export function goalLine(name, ratio, goal, met) {
	return `goal ${name}: ${ratio} (goal ${goal}) ${met ? 'MET' : 'MISSED'}`;
}
