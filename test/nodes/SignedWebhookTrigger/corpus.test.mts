/**
 * Replays the curated bad-request corpus (test/corpus/bad-requests) through the trigger's
 * webhook(): each case gets exactly its status and reason code, and no item. The same files
 * are replayed against a real n8n in test/e2e/corpus.e2e.test.mts.
 */
import { beforeEach, describe, expect, it } from 'vitest';

import { asNodeReceivesThem, buildCorpusRequest, corpusParams, corpusSetup, loadCorpus } from '../../corpus/corpus.mjs';
import { callWebhook, freshDedupeMemory } from '../../helpers/triggerNode.mts';

const corpus = loadCorpus();
const secrets = Object.values(corpusSetup.secrets);

beforeEach(() => freshDedupeMemory());

describe('bad-request corpus through webhook()', () => {
	it('holds at least 100 cases over every provider', () => {
		expect(corpus.length).toBeGreaterThanOrEqual(100);
		expect(new Set(corpus.map((c) => c.provider)).size).toBe(Object.keys(corpusSetup.providers).length);
	});

	it.each(corpus.map((entry) => [entry.file, entry] as const))('%s', async (_file, entry) => {
		const request = buildCorpusRequest(entry);
		const { result, response, logs } = await callWebhook({
			params: corpusParams(entry.provider),
			credential: corpusSetup.providers[entry.provider].credential,
			body: request.body,
			headers: asNodeReceivesThem(request),
		});
		expect(result.workflowData).toBeUndefined();
		expect({ status: response.status, error: (response.body as { error?: string }).error }).toEqual(entry.expect);
		const seen = JSON.stringify([response.body, logs]);
		for (const secret of secrets) expect(seen).not.toContain(secret);
	});

	it('the same requests, correctly signed and untouched, would be accepted (so each case fails for its own fault)', async () => {
		// Cases that only remove or break the proof: with the proof intact they must pass.
		const pristine = corpus.filter((c) => c.sign?.secret === 'current' && c.sign.timestamp === undefined && !c.sign.timestampOffsetSeconds && c.body !== undefined && ['no-signature', 'signature-truncated', 'body-appended'].some((s) => c.file.endsWith(`${s}.json`)));
		expect(pristine.length).toBeGreaterThanOrEqual(8);
		for (const entry of pristine) {
			freshDedupeMemory();
			const request = buildCorpusRequest({ ...entry, headers: undefined, mutate: undefined, bodyAfterSigning: undefined });
			const { result, response } = await callWebhook({
				params: corpusParams(entry.provider),
				credential: corpusSetup.providers[entry.provider].credential,
				body: request.body,
				headers: asNodeReceivesThem(request),
			});
			expect(result.workflowData?.[0]?.length ?? 0, `${entry.file}: ${JSON.stringify(response.body)}`).toBeGreaterThan(0);
		}
	});
});
