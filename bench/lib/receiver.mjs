// Loopback webhook receiver for B3: answers every request after `delayMs`. On /flaky*, one delivery
// in five (by delivery key, in order of first arrival) is answered 503 once, then 200 on its retry;
// on /poison*, the first delivery to arrive is answered 503 every time.
import { createServer } from 'node:http';

/** The key that identifies one delivery across its attempts. */
function deliveryKey(req, body) {
	return req.headers['idempotency-key'] ?? req.headers['webhook-id'] ?? body;
}

export async function startReceiver({ delayMs = 50, failEvery = 5 } = {}) {
	const stats = new Map();
	const statsFor = (path) => {
		if (!stats.has(path)) stats.set(path, { requests: 0, ok: 0, failedOnce: 0, inFlight: 0, maxInFlight: 0, delivered: new Set(), seen: new Set() });
		return stats.get(path);
	};
	const server = createServer((req, res) => {
		const chunks = [];
		req.on('data', (chunk) => chunks.push(chunk));
		req.on('end', () => {
			const path = req.url.split('?')[0];
			const stat = statsFor(path);
			stat.requests++;
			stat.maxInFlight = Math.max(stat.maxInFlight, ++stat.inFlight);
			const key = deliveryKey(req, Buffer.concat(chunks).toString('utf8'));
			let status = 200;
			// /poison*: the first delivery to arrive is answered 503 every time.
			if (path.startsWith('/poison')) {
				if (stat.seen.size === 0) stat.seen.add(key);
				if (stat.seen.has(key)) status = 503;
			} else if (path.startsWith('/flaky') && !stat.seen.has(key)) {
				stat.seen.add(key);
				if (stat.seen.size % failEvery === 0) status = 503;
			}
			setTimeout(() => {
				stat.inFlight--;
				if (status === 503) stat.failedOnce++;
				else {
					stat.ok++;
					stat.delivered.add(key);
				}
				res.writeHead(status, { 'content-type': 'application/json' });
				res.end(status === 200 ? '{"ok":true}' : '{"error":"try again"}');
			}, delayMs);
		});
	});
	server.keepAliveTimeout = 30_000;
	server.maxConnections = 10_000;
	await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
	const base = `http://127.0.0.1:${server.address().port}`;
	return {
		base,
		url: (path) => `${base}${path}`,
		/**
		 * Counters for one path: requests, ok, failedOnce, delivered (unique keys answered 200),
		 * duplicates (200 answers beyond the first per key), maxInFlight.
		 */
		stats: (path) => {
			const stat = statsFor(path);
			const { requests, ok, failedOnce, maxInFlight } = stat;
			return { requests, ok, failedOnce, maxInFlight, delivered: stat.delivered.size, duplicates: ok - stat.delivered.size };
		},
		reset: () => stats.clear(),
		close: () =>
			new Promise((resolve) => {
				server.closeAllConnections?.();
				server.close(() => resolve());
			}),
	};
}
