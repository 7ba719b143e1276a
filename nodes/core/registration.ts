import { randomBytes } from 'crypto';

/** Placeholders of the registration body template. */
const WEBHOOK_URL_PLACEHOLDER = '%WEBHOOK_URL%';
const EVENTS_PLACEHOLDER = '%EVENTS%';
const SECRET_PLACEHOLDER = '%SECRET%';
const ID_PLACEHOLDER = '%ID%';

export const DEFAULT_BODY_TEMPLATE = `{
  "url": "${WEBHOOK_URL_PLACEHOLDER}",
  "events": "${EVENTS_PLACEHOLDER}",
  "secret": "${SECRET_PLACEHOLDER}"
}`;

export interface TemplateValues {
	webhookUrl: string;
	events: readonly string[];
	secret: string;
}

/** Keys the trigger keeps in its static data for a subscription it registered. */
const STATE_KEYS = {
	id: 'subscriptionId',
	secret: 'subscriptionSecret',
	webhookUrl: 'subscriptionWebhookUrl',
	createdAt: 'subscriptionCreatedAt',
} as const;

/** A fresh signing secret: 32 random bytes as hex, or `whsec_` + base64 for Standard Webhooks. */
function generateSecret(format: 'hex' | 'whsec' = 'hex'): string {
	const bytes = randomBytes(32);
	return format === 'whsec' ? `whsec_${bytes.toString('base64')}` : bytes.toString('hex');
}

function substitute(value: unknown, values: TemplateValues): unknown {
	if (typeof value === 'string') {
		if (value === EVENTS_PLACEHOLDER) return [...values.events];
		return value
			.split(WEBHOOK_URL_PLACEHOLDER)
			.join(values.webhookUrl)
			.split(SECRET_PLACEHOLDER)
			.join(values.secret)
			.split(EVENTS_PLACEHOLDER)
			.join(values.events.join(','));
	}
	if (Array.isArray(value)) return value.map((entry) => substitute(entry, values));
	if (typeof value === 'object' && value !== null) {
		const out: Record<string, unknown> = {};
		for (const [key, entry] of Object.entries(value)) {
			if (key !== '__proto__') out[key] = substitute(entry, values);
		}
		return out;
	}
	return value;
}

/**
 * The create request's body: the template is parsed as JSON first and the
 * placeholders are replaced inside its string values, so no value can break
 * out of the JSON. A string that is exactly `%EVENTS%` becomes the events array.
 */
export function renderBodyTemplate(template: string | object, values: TemplateValues): unknown {
	const parsed: unknown = typeof template === 'string' ? JSON.parse(template) : template;
	return substitute(parsed, values);
}

/** A dot path into a response (`data.id`, `items.0.secret`); own properties only. */
export function readPath(value: unknown, path: string): unknown {
	if (path.trim() === '') return undefined;
	let current: unknown = value;
	for (const segment of path.split('.')) {
		if (typeof current !== 'object' || current === null) return undefined;
		if (!Object.prototype.hasOwnProperty.call(current, segment)) return undefined;
		current = (current as Record<string, unknown>)[segment];
	}
	return current;
}

/** The subscription's own URL: the template with `%ID%`, or the create URL + `/<id>`. */
export function subscriptionUrl(template: string, createUrl: string, id: string): string {
	const encoded = encodeURIComponent(id);
	if (template.trim() !== '') return template.split(ID_PLACEHOLDER).join(encoded);
	return `${createUrl.replace(/\/+$/, '')}/${encoded}`;
}

/** Where the registered subscription is remembered between activations (the node's static data). */
export type SubscriptionState = Record<string, unknown>;

export interface SubscriptionRequest {
	method: 'GET' | 'POST' | 'PUT' | 'DELETE';
	url: string;
	body?: unknown;
}

export interface SubscriptionResponse {
	status: number;
	body: unknown;
}

/** The provider's subscription API, as the caller reaches it; rejects when it cannot be reached. */
export interface SubscriptionApi {
	send(request: SubscriptionRequest): Promise<SubscriptionResponse>;
	debug(message: string, meta: Record<string, unknown>): void;
}

export interface RegistrationSettings {
	/** This webhook's own URL, which the subscription must point at. */
	webhookUrl: string;
	createUrl: string;
	createMethod: 'POST' | 'PUT';
	/** JSON template with the placeholders above. */
	createBody: string | object;
	/** One subscription's URL with `%ID%`; blank: the create URL + `/<id>`. */
	subscriptionUrl: string;
	idPath: string;
	secretPath: string;
	urlPath: string;
	/** List the subscriptions first and delete those already pointing here. */
	replaceExisting: boolean;
	events: readonly string[];
	secretFormat: 'hex' | 'whsec';
}

export type RegistrationFailure = 'provider_status' | 'no_subscription_id' | 'invalid_body_template';

/** A registration step that failed; `status` is the provider's HTTP status when it answered. */
export class RegistrationError extends Error {
	constructor(
		readonly reason: RegistrationFailure,
		message: string,
		readonly status?: number,
	) {
		super(message);
		this.name = 'RegistrationError';
	}
}

const succeeded = (response: SubscriptionResponse) => response.status >= 200 && response.status < 300;
const isGone = (response: SubscriptionResponse) => response.status === 404 || response.status === 410;

function providerStatus(action: string, response: SubscriptionResponse): RegistrationError {
	return new RegistrationError('provider_status', `${action} failed with HTTP ${response.status}`, response.status);
}

function forget(state: SubscriptionState): void {
	for (const key of Object.values(STATE_KEYS)) delete state[key];
}

/** The signing secret of the subscription this node registered, when there is one. */
export function registeredSecret(state: SubscriptionState): string | undefined {
	const secret = state[STATE_KEYS.secret];
	return typeof secret === 'string' && secret !== '' ? secret : undefined;
}

const ownUrl = (settings: RegistrationSettings, id: string) =>
	subscriptionUrl(settings.subscriptionUrl, settings.createUrl, id);

/** The stored subscription at the provider: 'exists', 'gone', or 'moved' when it points at another URL. */
async function lookUp(api: SubscriptionApi, settings: RegistrationSettings, id: string): Promise<'exists' | 'gone' | 'moved'> {
	const response = await api.send({ method: 'GET', url: ownUrl(settings, id) });
	if (isGone(response)) return 'gone';
	if (!succeeded(response)) throw providerStatus('Checking the webhook subscription', response);
	const remoteUrl = readPath(response.body, settings.urlPath);
	if (typeof remoteUrl === 'string' && remoteUrl !== settings.webhookUrl) return 'moved';
	return 'exists';
}

/** Subscriptions at the create URL that already point at this webhook, when the API can list them. */
async function findExisting(api: SubscriptionApi, settings: RegistrationSettings): Promise<string[]> {
	const response = await api.send({ method: 'GET', url: settings.createUrl });
	if (!succeeded(response)) {
		api.debug('Signed webhook: the provider API does not list subscriptions', { status: response.status });
		return [];
	}
	const list = Array.isArray(response.body) ? response.body : readPath(response.body, 'data');
	if (!Array.isArray(list)) return [];
	return list
		.filter((entry) => readPath(entry, settings.urlPath) === settings.webhookUrl)
		.map((entry) => readPath(entry, settings.idPath))
		.filter((id): id is string | number => typeof id === 'string' || typeof id === 'number')
		.map(String);
}

async function removeRemote(api: SubscriptionApi, settings: RegistrationSettings, id: string): Promise<void> {
	const response = await api.send({ method: 'DELETE', url: ownUrl(settings, id) });
	if (!succeeded(response) && !isGone(response)) throw providerStatus('Deleting the webhook subscription', response);
}

/**
 * Whether the stored subscription still exists at the provider and points at this webhook.
 * A subscription the provider no longer has is forgotten.
 */
export async function subscriptionExists(
	api: SubscriptionApi,
	settings: RegistrationSettings,
	state: SubscriptionState,
): Promise<boolean> {
	const id = state[STATE_KEYS.id];
	if (typeof id !== 'string' || typeof state[STATE_KEYS.secret] !== 'string') return false;
	if (state[STATE_KEYS.webhookUrl] !== settings.webhookUrl) return false;
	const found = await lookUp(api, settings, id);
	if (found === 'gone') forget(state);
	return found === 'exists';
}

function createBody(settings: RegistrationSettings, secret: string): { ok: true; body: unknown } | { ok: false } {
	const values = {
		webhookUrl: settings.webhookUrl,
		events: settings.events.length > 0 ? settings.events : ['*'],
		secret,
	};
	try {
		return { ok: true, body: renderBodyTemplate(settings.createBody, values) };
	} catch {
		return { ok: false };
	}
}

/**
 * Makes sure exactly one subscription points at this webhook: keeps the stored one when it is
 * still good, else removes it (and, with `replaceExisting`, any other pointing here) and
 * creates one. A secret the provider returns wins over the generated one.
 */
export async function createSubscription(
	api: SubscriptionApi,
	settings: RegistrationSettings,
	state: SubscriptionState,
	now: Date = new Date(),
): Promise<void> {
	const storedId = state[STATE_KEYS.id];
	if (typeof storedId === 'string') {
		const found = await lookUp(api, settings, storedId);
		const sameUrl = state[STATE_KEYS.webhookUrl] === settings.webhookUrl;
		if (found === 'exists' && sameUrl && typeof state[STATE_KEYS.secret] === 'string') return;
		if (found !== 'gone') await removeRemote(api, settings, storedId);
		forget(state);
	}

	const generated = generateSecret(settings.secretFormat);
	const rendered = createBody(settings, generated);
	if (!rendered.ok) throw new RegistrationError('invalid_body_template', 'The Create Body is not valid JSON');
	if (settings.replaceExisting) {
		for (const id of await findExisting(api, settings)) await removeRemote(api, settings, id);
	}
	const response = await api.send({ method: settings.createMethod, url: settings.createUrl, body: rendered.body });
	if (!succeeded(response)) throw providerStatus('Creating the webhook subscription', response);

	const id = readPath(response.body, settings.idPath);
	if (typeof id !== 'string' && typeof id !== 'number') {
		throw new RegistrationError('no_subscription_id', 'The create response has no subscription ID at the configured ID Path');
	}
	const returned = readPath(response.body, settings.secretPath);
	state[STATE_KEYS.id] = String(id);
	state[STATE_KEYS.secret] = typeof returned === 'string' && returned !== '' ? returned : generated;
	state[STATE_KEYS.webhookUrl] = settings.webhookUrl;
	state[STATE_KEYS.createdAt] = now.toISOString();
}

/** Deletes the stored subscription at the provider (already gone is fine) and forgets it. */
export async function deleteSubscription(
	api: SubscriptionApi,
	settings: RegistrationSettings,
	state: SubscriptionState,
): Promise<void> {
	const id = state[STATE_KEYS.id];
	if (typeof id === 'string') await removeRemote(api, settings, id);
	forget(state);
}
