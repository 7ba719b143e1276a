// The test command's summary: what went wrong first, then each suite's counts, then the closing
// "N passed, N failed" line. Usage: node scripts/test-summary.mjs <results dir>
// The dir holds vitest JSON reports (<suite>.json), and may hold n8n-start-failures.jsonl (written by
// the n8n harness) and <step>.failed files (one line each, written by the test command).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const dir = process.argv[2];
const files = readdirSync(dir).sort();
const headlines = [];
const lines = [];
let passed = 0;
let failed = 0;
let skipped = 0;

for (const file of files.filter((f) => f.endsWith('.failed'))) {
	headlines.push(readFileSync(path.join(dir, file), 'utf8').trim());
}

const startFailures = path.join(dir, 'n8n-start-failures.jsonl');
if (existsSync(startFailures)) {
	const records = readFileSync(startFailures, 'utf8').trim().split('\n').map((line) => JSON.parse(line));
	const reasons = [...new Set(records.map((r) => r.reason))];
	headlines.push(
		`end-to-end: n8n did not start ${records.length} time(s): ${reasons.slice(0, 3).join('; ')} (see ${records[0].logFile})`,
	);
}

/**
 * A test file that failed as a whole or in a hook (a failed beforeAll, an import error) leaves tests
 * "skipped" and counts nothing as failed; here every test of a failed file that did not pass counts
 * as failed.
 */
function countReport(report) {
	const counts = { passed: 0, failed: 0, skipped: 0, filesNotRun: [] };
	for (const testFile of report.testResults) {
		const results = testFile.assertionResults;
		const fileFailed = testFile.status === 'failed';
		const notRun = results.filter((r) => r.status !== 'passed' && r.status !== 'failed').length;
		if (fileFailed && (notRun > 0 || results.length === 0)) counts.filesNotRun.push(path.basename(testFile.name));
		if (fileFailed && results.length === 0) counts.failed += 1;
		for (const result of results) {
			if (result.status === 'passed') counts.passed += 1;
			else if (result.status === 'failed' || fileFailed) counts.failed += 1;
			else counts.skipped += 1;
		}
	}
	return counts;
}

for (const file of files.filter((f) => f.endsWith('.json'))) {
	const suite = path.basename(file, '.json');
	const counts = countReport(JSON.parse(readFileSync(path.join(dir, file), 'utf8')));
	passed += counts.passed;
	failed += counts.failed;
	skipped += counts.skipped;
	if (counts.filesNotRun.length > 0) {
		headlines.push(`${suite}: tests not run in ${counts.filesNotRun.length} failed file(s), counted as failed: ${counts.filesNotRun.join(', ')}`);
	}
	lines.push(`${suite}: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`);
}

console.log('');
console.log('=== summary ===');
for (const line of headlines) console.log(line);
for (const line of lines) console.log(line);
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || passed === 0 || headlines.length > 0 ? 1 : 0);
