/**
 * The sender's value checks and request building, without n8n: URLs,
 * headers, batch settings, envelopes, ids, signers and the body.
 */
import { createCustomHmacScheme, customHmac, findPreset, providerPresets, type CustomHmacOptions } from './providers';
import type { OutboundEnvelope, ProviderPreset } from './providers/types';
import { generateMessageId, isHeaderName } from './schemes/primitives';
import { standardWebhooksScheme, type SignatureScheme } from './schemes';
import { SIGNING_KEY_PREFIX } from './schemes/standardWebhooks';
import type { Signer } from './delivery';

export const MAX_BATCH_SIZE = 100;
export const TEST_EVENT = 'webhook.test';

/** A configuration problem, with the parameter it is about. */
export class ConfigError extends Error {
	constructor(
		readonly field: string,
		message: string,
	) {
		super(message);
		this.name = 'ConfigError';
	}
}

/** The Envelope and Signature Scheme value that sends the item unchanged, or unsigned. */
export const NONE = 'none';
export const NO_SCHEME_LABEL = 'None (Auth Header Only)';

/** The item as it is: the event travels only in the output, not in the body. */
export const itemAsIs: OutboundEnvelope = { label: 'Item as Is', requiresEvent: false, build: ({ data }) => data };

/** The envelope for an Envelope value: "none", or a preset's outbound shape. */
export function envelopeFor(name: string, presets: readonly ProviderPreset[] = providerPresets): OutboundEnvelope {
	if (name === NONE || name === '') return itemAsIs;
	const outbound = findPreset(name, presets)?.outbound;
	if (!outbound) throw new ConfigError('envelope', `Envelope: "${name}" is not a known envelope`);
	return outbound;
}

/** The event to send: the given one, else the envelope's default; an error when the envelope needs one. */
export function resolveEvent(
	envelope: string,
	event: unknown,
	presets: readonly ProviderPreset[] = providerPresets,
): string {
	const text = typeof event === 'string' ? event.trim() : event === undefined || event === null ? '' : String(event);
	if (text !== '') return text;
	const outbound = findPreset(envelope, presets)?.outbound;
	if (outbound?.defaultEvent) return outbound.defaultEvent;
	if (outbound?.requiresEvent) {
		throw new ConfigError('event', `Event: an event name is required for the ${envelope} envelope`);
	}
	return '';
}

function parseUrl(text: string): URL | undefined {
	try {
		return new URL(text);
	} catch {
		return undefined;
	}
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
	try {
		return { ok: true, value: JSON.parse(text) };
	} catch {
		return { ok: false };
	}
}

/** One URL or several (array, or text separated by commas, spaces or new lines); http(s) only. */
export function parseUrls(value: unknown): string[] {
	const parts: unknown[] = Array.isArray(value)
		? value
		: typeof value === 'string'
			? value.split(/[\s,]+/)
			: [value];
	const urls: string[] = [];
	for (const part of parts) {
		if (part === undefined || part === null) continue;
		const text = String(part).trim();
		if (text === '') continue;
		const parsed = parseUrl(text);
		if (!parsed) throw new ConfigError('urls', `URLs: "${text}" is not a valid URL`);
		if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
			throw new ConfigError('urls', `URLs: "${text}" is not an http or https URL (${parsed.protocol})`);
		}
		if (parsed.username !== '' || parsed.password !== '') {
			throw new ConfigError('urls', 'URLs: put credentials in the credential, not in the URL');
		}
		urls.push(text);
	}
	if (urls.length === 0) throw new ConfigError('urls', 'URLs: at least one http or https URL is required');
	return urls;
}

const FORBIDDEN_VALUE = /[\r\n\0]/;

function checkHeader(fieldName: string, name: string, value: unknown): [string, string] {
	if (!isHeaderName(name)) {
		throw new ConfigError(fieldName, `${fieldLabel(fieldName)}: "${name}" is not a valid header name`);
	}
	if (value !== null && typeof value === 'object') {
		throw new ConfigError(fieldName, `${fieldLabel(fieldName)}: the value of "${name}" must be text, not an object`);
	}
	const text = value === undefined || value === null ? '' : String(value);
	if (FORBIDDEN_VALUE.test(text)) {
		throw new ConfigError(fieldName, `${fieldLabel(fieldName)}: the value of "${name}" contains a line break`);
	}
	return [name, text];
}

function fieldLabel(fieldName: string): string {
	return fieldName === 'headersJson' ? 'Headers (JSON)' : 'Headers';
}

/** Name/value pairs; a pair without a name is skipped. */
export function parseHeaderPairs(pairs: unknown): Record<string, string> {
	const headers: Record<string, string> = {};
	if (!Array.isArray(pairs)) return headers;
	for (const pair of pairs) {
		if (typeof pair !== 'object' || pair === null) continue;
		const { name, value } = pair as { name?: unknown; value?: unknown };
		const headerName = typeof name === 'string' ? name.trim() : '';
		if (headerName === '') continue;
		const [key, text] = checkHeader('headers', headerName, value);
		headers[key] = text;
	}
	return headers;
}

/** A JSON object of headers, as text or as an already parsed object. Anything else is an error. */
export function parseHeadersJson(value: unknown): Record<string, string> {
	let parsed: unknown = value;
	if (typeof value === 'string') {
		if (value.trim() === '') return {};
		const result = parseJson(value);
		if (!result.ok) {
			throw new ConfigError('headersJson', 'Headers (JSON): not valid JSON; it must be a JSON object such as {"X-API-Key": "..."}');
		}
		parsed = result.value;
	}
	if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
		const kind = Array.isArray(parsed) ? 'an array' : parsed === null ? 'null' : `a ${typeof parsed}`;
		throw new ConfigError('headersJson', `Headers (JSON): must be a JSON object, not ${kind}`);
	}
	const headers: Record<string, string> = {};
	for (const [name, headerValue] of Object.entries(parsed as Record<string, unknown>)) {
		const [key, text] = checkHeader('headersJson', name, headerValue);
		headers[key] = text;
	}
	return headers;
}

export function checkBatch(batchSize: unknown, batchKey: unknown): { size: number; key: string } {
	const size = Number(batchSize);
	if (!Number.isInteger(size) || size < 1 || size > MAX_BATCH_SIZE) {
		throw new ConfigError('batchSize', `Batch Size: must be a whole number from 1 to ${MAX_BATCH_SIZE}, got ${String(batchSize)}`);
	}
	const key = typeof batchKey === 'string' ? batchKey.trim() : '';
	if (size > 1 && key === '') throw new ConfigError('batchKey', 'Batch Key: required when Batch Size is more than 1');
	if (key === '__proto__' || key === 'constructor' || key === 'prototype') {
		throw new ConfigError('batchKey', `Batch Key: "${key}" cannot be used`);
	}
	return { size, key };
}

/** The idempotency header's name; empty leaves the header out. */
export function checkIdempotencyHeader(name: unknown): string {
	const text = String(name ?? '').trim();
	if (text !== '' && !isHeaderName(text)) {
		throw new ConfigError('idempotencyHeader', `Idempotency Header: "${text}" is not a valid header name`);
	}
	return text;
}

/** The scheme for a Signature Scheme value: undefined for "none", else the preset's, or one built from the Custom HMAC settings. */
export function resolveScheme(
	name: string,
	custom?: CustomHmacOptions,
	presets: readonly ProviderPreset[] = providerPresets,
): SignatureScheme | undefined {
	if (name === NONE) return undefined;
	if (name === customHmac.name) {
		if (!custom) throw new ConfigError('signatureScheme', 'Signature Scheme: Custom HMAC settings are missing');
		if (!isHeaderName(custom.signatureHeader.trim())) {
			throw new ConfigError('customSignatureHeader', `Signature Header: "${custom.signatureHeader}" is not a valid header name`);
		}
		let problem = '';
		try {
			return createCustomHmacScheme(custom);
		} catch (error) {
			problem = (error as Error).message;
		}
		throw new ConfigError('customTemplate', `Signed Content: ${problem}`);
	}
	const scheme = findPreset(name, presets)?.scheme;
	if (!scheme) throw new ConfigError('signatureScheme', `Signature Scheme: "${name}" is not a known scheme`);
	return scheme;
}

/** A signer for the scheme and secrets; the scheme signs with every secret it can carry. */
export function createSigner(scheme: SignatureScheme | undefined, secrets: readonly string[]): Signer | undefined {
	if (!scheme) return undefined;
	if (secrets.length === 0) {
		throw new ConfigError('signatureScheme', 'Signature Scheme: the credential has no signing secret; set one or choose "None (auth header only)"');
	}
	// Only current secrets sign: a receiver that already rotated must not be sent the old one. A v1a
	// signing key signs beside the secret (a migration sends both), and only for Standard Webhooks.
	const keys = secrets.filter((secret) => secret.startsWith(SIGNING_KEY_PREFIX));
	const symmetric = secrets.filter((secret) => !secret.startsWith(SIGNING_KEY_PREFIX)).slice(0, 1);
	const current = scheme.name === standardWebhooksScheme.name ? [...symmetric, ...keys] : symmetric;
	if (current.length === 0) {
		throw new ConfigError('signatureScheme', `Signature Scheme: a ${SIGNING_KEY_PREFIX} signing key signs only Standard Webhooks; set a signing secret`);
	}
	return ({ body, id, timestamp }) => scheme.sign({ body, secret: current, id, timestamp });
}

/** A fresh delivery id in the form the envelope's platform uses, else msg_… (Standard Webhooks). */
export function newDeliveryId(envelope: string, presets: readonly ProviderPreset[] = providerPresets): string {
	const create = findPreset(envelope, presets)?.outbound?.newDeliveryId ?? generateMessageId;
	return create();
}

export interface BodyInput {
	envelope: OutboundEnvelope;
	event: string;
	deliveryId: string;
	timestamp: Date;
	/** The json of each item of the batch, in order. */
	items: unknown[];
	/** Batch settings; `size` 1 sends the single item as the data. */
	batch: { size: number; key: string };
}

/** The body as built once for every attempt and URL, and the envelope's own headers. */
export function buildBody(input: BodyInput): { body: Buffer; envelopeHeaders: Record<string, string> } {
	const { envelope, event, deliveryId, timestamp, items, batch } = input;
	let data: unknown;
	if (envelope.batchKey !== undefined) data = items[0];
	else if (batch.size > 1) data = { [batch.key]: items };
	else data = items[0];
	const payload = envelope.build({
		event,
		id: deliveryId,
		timestamp,
		data,
		items: envelope.batchKey !== undefined ? items : undefined,
	});
	const text = JSON.stringify(payload ?? {});
	const envelopeHeaders = envelope.headers ? envelope.headers({ event, id: deliveryId, envelope: payload }) : {};
	return { body: Buffer.from(text, 'utf8'), envelopeHeaders };
}

export interface FixedHeaderInput {
	userAgent: string;
	extra: Record<string, string>;
	envelopeHeaders: Record<string, string>;
	deliveryId: string;
	/** Header name for the idempotency key; empty to leave it out. */
	idempotencyHeader: string;
}

/** Everything but the signature, lowest precedence first: User-Agent, extra, envelope, Content-Type, idempotency. */
export function fixedHeaderLists(input: FixedHeaderInput): Array<Record<string, string>> {
	const idempotency: Record<string, string> = {};
	if (input.idempotencyHeader !== '') idempotency[input.idempotencyHeader] = input.deliveryId;
	return [
		{ 'User-Agent': input.userAgent },
		input.extra,
		input.envelopeHeaders,
		{ 'Content-Type': 'application/json' },
		idempotency,
	];
}
