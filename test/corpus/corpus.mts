/**
 * Loads the bad-request corpus (test/corpus/bad-requests, written by generate.mjs) and turns a
 * case into the exact request to send: signed at send time where the case asks for it, with its
 * header changes and body swaps applied. Shared by the unit replay (through webhook()) and the
 * end-to-end replay (against a real n8n).
 */
import { readdirSync, readFileSync } from 'node:fs';

import type { SignedWebhookCredential } from '../../nodes/core/credentialCheck';
import { customHmacParams, nowSeconds, signedDelivery } from '../helpers/signedRequests.mjs';

export interface CorpusCase {
	file: string;
	description: string;
	provider: string;
	sign?: { secret: 'current' | 'previous' | 'wrong'; timestampOffsetSeconds?: number; timestamp?: string };
	headers?: Record<string, string | string[] | null>;
	mutate?: Array<
		| { header: string; op: 'truncate'; chars: number }
		| { header: string; op: 'append'; text: string }
		| { header: string; op: 'duplicate'; value: string }
	>;
	body?: string;
	bodyBase64?: string;
	bodyGenerated?: { prefix: string; repeat: string; times: number; suffix: string };
	bodyAfterSigning?: string;
	expect: { status: number; error: string };
	/** What a real n8n answers instead, when it refuses the request before the trigger runs. */
	expectInN8n?: { status: number; error: string | null; why: string };
}

export interface CorpusSetup {
	secrets: Record<'SECRET' | 'PREVIOUS_SECRET' | 'WHSEC' | 'PREVIOUS_WHSEC' | 'BEARER' | 'API_KEY', string>;
	providers: Record<string, { credential: SignedWebhookCredential; params: Record<string, unknown> }>;
}

const dir = new URL('./bad-requests/', import.meta.url);

export const corpusSetup: CorpusSetup = JSON.parse(readFileSync(new URL('./setup.json', import.meta.url), 'utf8'));

export function loadCorpus(): CorpusCase[] {
	return readdirSync(dir)
		.filter((file) => file.endsWith('.json'))
		.sort()
		.map((file) => ({ file, ...(JSON.parse(readFileSync(new URL(file, dir), 'utf8')) as Omit<CorpusCase, 'file'>) }));
}

/** The trigger's parameters for a provider, as the corpus assumes them (all events, default options). */
export function corpusParams(provider: string): Record<string, unknown> {
	const params = { provider, events: ['*'], ...corpusSetup.providers[provider].params };
	// signedDelivery() signs Custom HMAC with the helpers' settings; the corpus must configure the same.
	if (provider === 'customHmac') {
		for (const [key, value] of Object.entries(customHmacParams)) {
			if (params[key as keyof typeof params] !== value) throw new Error(`corpus setup.json drifted from customHmacParams.${key}`);
		}
	}
	return params;
}

export interface CorpusRequest {
	body: Buffer;
	/** Name/value pairs in order; a name may repeat (a duplicated header). */
	headerPairs: Array<[string, string]>;
	/** The same, as node's http module would present them to a handler (for the mock context). */
	headers: Record<string, string | string[]>;
}

function bodyOf(entry: CorpusCase): Buffer {
	if (entry.bodyBase64 !== undefined) return Buffer.from(entry.bodyBase64, 'base64');
	if (entry.bodyGenerated) {
		const g = entry.bodyGenerated;
		return Buffer.from(g.prefix + g.repeat.repeat(g.times) + g.suffix);
	}
	return Buffer.from(entry.body ?? '', 'utf8');
}

function fill(value: string): string {
	return value.replaceAll('{nowMs}', String(Date.now())).replaceAll('{now}', String(nowSeconds()));
}

/** The request a case describes, signed now when it asks to be. */
export function buildCorpusRequest(entry: CorpusCase): CorpusRequest {
	const body = bodyOf(entry);
	const { secrets } = corpusSetup;
	const std = entry.provider === 'standardWebhooks';
	let headers: Record<string, string | string[]> = { 'content-type': 'application/json' };
	if (entry.sign) {
		const secret =
			entry.sign.secret === 'wrong'
				? std
					? `whsec_${Buffer.from('corpus-attacker-key-000000000000').toString('base64')}`
					: 'corpus-attacker-secret'
				: entry.sign.secret === 'previous'
					? std
						? secrets.PREVIOUS_WHSEC
						: secrets.PREVIOUS_SECRET
					: std
						? secrets.WHSEC
						: secrets.SECRET;
		const timestamp =
			entry.sign.timestamp !== undefined
				? (entry.sign.timestamp as unknown as number)
				: nowSeconds() + (entry.sign.timestampOffsetSeconds ?? 0);
		const signed = signedDelivery(entry.provider, body, { secret, timestamp, credential: corpusSetup.providers[entry.provider].credential });
		for (const [name, value] of Object.entries(signed.headers)) headers[name.toLowerCase()] = value;
	}
	for (const [name, value] of Object.entries(entry.headers ?? {})) {
		const key = name.toLowerCase();
		if (value === null) {
			const { [key]: _removed, ...rest } = headers;
			headers = rest;
		} else headers[key] = Array.isArray(value) ? value.map(fill) : fill(value);
	}
	for (const change of entry.mutate ?? []) {
		const key = change.header.toLowerCase();
		const current = String(headers[key] ?? '');
		if (change.op === 'truncate') headers[key] = current.slice(0, -change.chars);
		else if (change.op === 'append') headers[key] = current + change.text;
		else headers[key] = [current, change.value];
	}
	const headerPairs: Array<[string, string]> = [];
	for (const [name, value] of Object.entries(headers)) {
		for (const one of Array.isArray(value) ? value : [value]) headerPairs.push([name, one]);
	}
	return { body: entry.bodyAfterSigning !== undefined ? Buffer.from(entry.bodyAfterSigning) : body, headerPairs, headers };
}

/**
 * Headers as node's http module hands them to n8n: a repeated header is joined with ", ",
 * except those node keeps only once (the first), such as authorization and content-type.
 */
const SINGLE_VALUED = new Set(['authorization', 'content-type', 'content-length', 'user-agent', 'host', 'proxy-authorization']);
export function asNodeReceivesThem(request: CorpusRequest): Record<string, string> {
	const out: Record<string, string> = {};
	for (const [name, value] of request.headerPairs) {
		if (!(name in out)) out[name] = value;
		else if (!SINGLE_VALUED.has(name)) out[name] = `${out[name]}, ${value}`;
	}
	return out;
}
