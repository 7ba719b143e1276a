/**
 * The bad-request corpus (test/corpus/bad-requests) against the REAL trigger in n8n: one
 * published workflow per provider, every case sent over HTTP to its production URL. Each gets
 * its 4xx with its reason code, and n8n's executions list shows none of them. A correctly
 * signed delivery per provider, sent afterwards, does create an execution, so "no execution"
 * is not the result of a workflow that never runs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { buildCorpusRequest, corpusParams, corpusSetup, loadCorpus } from '../corpus/corpus.mjs';
import { postRaw, startTriggerFleet, waitUntil, type TriggerFleet } from './triggerFleet.mts';

const corpus = loadCorpus();
const providers = [...new Set(corpus.map((c) => c.provider))];

describe('bad-request corpus against a real n8n', () => {
	let fleet: TriggerFleet;
	const answers = new Map<string, { status: number; text: string }>();

	beforeAll(async () => {
		fleet = await startTriggerFleet(
			'corpus',
			providers.map((provider) => {
				const { provider: _p, events, ...params } = corpusParams(provider);
				return { key: provider, provider, credential: corpusSetup.providers[provider].credential, params: { events, ...params } };
			}),
		);
		// Sequential: the cases are few, and order keeps n8n's log readable.
		for (const entry of corpus) {
			const request = buildCorpusRequest(entry);
			answers.set(entry.file, await postRaw(fleet.url(entry.provider), request.headerPairs, request.body));
		}
	});

	afterAll(async () => {
		await fleet?.stop();
	});

	it(`sends ${corpus.length} cases over ${providers.length} providers`, () => {
		expect(corpus.length).toBeGreaterThanOrEqual(100);
		expect(answers.size).toBe(corpus.length);
	});

	it.each(corpus.map((entry) => [entry.file, entry] as const))('%s', (file, entry) => {
		const answer = answers.get(file)!;
		let body: { error?: string } = {};
		try {
			body = JSON.parse(answer.text);
		} catch {
			// Reported below with the raw text.
		}
		const expected = entry.expectInN8n ?? entry.expect;
		expect({ status: answer.status, error: body.error ?? null }, answer.text.slice(0, 300)).toEqual({
			status: expected.status,
			error: expected.error,
		});
	});

	it('n8n recorded no execution for any of them, and a valid delivery still runs', async () => {
		for (const provider of providers) expect(await fleet.executionCount(provider), provider).toBe(0);
		// Now a correct delivery per provider: each must produce exactly one execution.
		for (const provider of providers) {
			const entry = corpus.find((c) => c.provider === provider)!;
			const valid = buildCorpusRequest({
				...entry,
				sign: entry.sign ? { secret: 'current' } : undefined,
				headers: entry.sign ? undefined : validAuthHeaders(provider),
				mutate: undefined,
				bodyBase64: undefined,
				bodyGenerated: undefined,
				bodyAfterSigning: undefined,
				body: validBody(provider),
			});
			const answer = await postRaw(fleet.url(provider), valid.headerPairs, valid.body);
			expect(answer.status, `${provider}: ${answer.text}`).toBe(200);
		}
		const settled = await waitUntil(async () => {
			for (const provider of providers) if ((await fleet.executionCount(provider)) < 1) return false;
			return (await fleet.unfinishedCount()) === 0;
		}, 60_000);
		expect(settled).toBe(true);
		for (const provider of providers) expect(await fleet.executionCount(provider), provider).toBe(1);
	});
});

/** The corpus's own valid body for a provider: the one its "body-appended" or auth cases start from. */
function validBody(provider: string): string {
	const pristine = corpus.find((c) => c.provider === provider && (c.file.endsWith('-wrong-secret.json') || c.file.endsWith('-wrong-token.json') || c.file.endsWith('-wrong-key.json')));
	if (!pristine?.body) throw new Error(`no valid body for ${provider}`);
	return pristine.body;
}

function validAuthHeaders(provider: string): Record<string, string> {
	const entry = corpus.find((c) => c.provider === provider && (c.file.endsWith('-wrong-token.json') || c.file.endsWith('-wrong-key.json')))!;
	const { secrets } = corpusSetup;
	const headers = Object.fromEntries(Object.entries(entry.headers ?? {}).filter(([, v]) => typeof v === 'string')) as Record<string, string>;
	if (provider === 'outCallerAi') headers.Authorization = `Bearer ${secrets.BEARER}`;
	else headers['X-API-Key'] = secrets.API_KEY;
	return headers;
}
