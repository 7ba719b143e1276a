/**
 * A fake webhook-subscription API on loopback: POST /v1/webhooks creates,
 * GET/DELETE /v1/webhooks/:id read and remove, GET /v1/webhooks lists.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Subscription {
	id: string;
	url: string;
	events: unknown;
	secret?: string;
}

export interface RecordedRequest {
	method: string;
	path: string;
	headers: IncomingMessage['headers'];
	body: unknown;
}

export interface FakeProviderApi {
	baseUrl: string;
	subscriptions: Map<string, Subscription>;
	requests: RecordedRequest[];
	/** When set, the provider returns its own secret in the create response. */
	providerSecret?: string;
	/** When set, the next request of this method fails with this status. */
	failNext?: { method: string; status: number };
	/** When set, every request must carry this Authorization header. */
	requiredAuthorization?: string;
	close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<unknown> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => {
			const text = Buffer.concat(chunks).toString('utf8');
			try {
				resolve(text === '' ? undefined : JSON.parse(text));
			} catch {
				resolve(text);
			}
		});
		req.on('error', reject);
	});
}

function send(res: ServerResponse, status: number, body?: unknown): void {
	if (body === undefined) {
		res.writeHead(status);
		res.end();
		return;
	}
	res.writeHead(status, { 'content-type': 'application/json' });
	res.end(JSON.stringify(body));
}

/** The Signed Webhook Trigger's "Registration: Via Provider API" parameters for this API. */
export function viaProviderApi(api: FakeProviderApi): Record<string, string> {
	return {
		registration: 'api',
		createUrl: `${api.baseUrl}/v1/webhooks`,
		subscriptionUrl: `${api.baseUrl}/v1/webhooks/%ID%`,
		createBody: '{ "url": "%WEBHOOK_URL%", "events": "%EVENTS%", "secret": "%SECRET%" }',
	};
}

export async function startFakeProviderApi(): Promise<FakeProviderApi> {
	let counter = 0;
	const api = {
		baseUrl: '',
		subscriptions: new Map<string, Subscription>(),
		requests: [] as RecordedRequest[],
	} as FakeProviderApi;

	const server: Server = createServer((req, res) => {
		void (async () => {
			const body = await readBody(req);
			const path = (req.url ?? '/').split('?')[0];
			const method = req.method ?? 'GET';
			api.requests.push({ method, path, headers: req.headers, body });

			if (api.requiredAuthorization !== undefined && req.headers.authorization !== api.requiredAuthorization) {
				send(res, 401, { error: 'unauthorized' });
				return;
			}
			if (api.failNext && api.failNext.method === method) {
				const { status } = api.failNext;
				api.failNext = undefined;
				send(res, status, { error: 'injected failure' });
				return;
			}
			const match = /^\/v1\/webhooks(?:\/([^/]+))?$/.exec(path);
			if (!match) {
				send(res, 404, { error: 'no such route' });
				return;
			}
			const id = match[1] ? decodeURIComponent(match[1]) : undefined;
			if (id === undefined && method === 'POST') {
				const input = (body ?? {}) as { url?: string; events?: unknown; secret?: string };
				if (typeof input.url !== 'string') {
					send(res, 422, { error: 'url is required' });
					return;
				}
				counter += 1;
				const subscription: Subscription = {
					id: `sub_${counter}`,
					url: input.url,
					events: input.events,
					secret: api.providerSecret ?? input.secret,
				};
				api.subscriptions.set(subscription.id, subscription);
				send(res, 201, api.providerSecret ? subscription : { ...subscription, secret: undefined });
				return;
			}
			if (id === undefined && method === 'GET') {
				send(res, 200, [...api.subscriptions.values()].map(({ secret: _secret, ...rest }) => rest));
				return;
			}
			const subscription = id === undefined ? undefined : api.subscriptions.get(id);
			if (!subscription) {
				send(res, 404, { error: 'not found' });
				return;
			}
			if (method === 'GET') {
				send(res, 200, { id: subscription.id, url: subscription.url, events: subscription.events });
				return;
			}
			if (method === 'DELETE') {
				api.subscriptions.delete(subscription.id);
				send(res, 204);
				return;
			}
			send(res, 405, { error: 'method not allowed' });
		})();
	});

	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	api.baseUrl = `http://127.0.0.1:${port}`;
	api.close = () =>
		new Promise<void>((resolve, reject) => {
			server.closeAllConnections();
			server.close((error) => (error ? reject(error) : resolve()));
		});
	return api;
}
