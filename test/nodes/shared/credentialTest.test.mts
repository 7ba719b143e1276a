import type { ICredentialDataDecryptedObject, ICredentialTestFunctions } from 'n8n-workflow';
import { describe, expect, it } from 'vitest';

import { signedWebhookApiTest } from '../../../nodes/shared/credentialTest';

const run = (data: ICredentialDataDecryptedObject | undefined) =>
	signedWebhookApiTest.call({} as ICredentialTestFunctions, { id: '1', name: 'c', type: 'signedWebhookApi', data });

describe('the credential test both nodes declare', () => {
	it('reports a usable credential as OK, with what it holds', async () => {
		expect(await run({ signingSecret: 'a-good-long-secret', authType: 'none' })).toEqual({ status: 'OK', message: 'Well formed: signing secret' });
	});

	it('reports a broken or empty credential as an Error that says why', async () => {
		expect(await run({ signingSecret: 'whsec_!!!' })).toMatchObject({ status: 'Error', message: expect.stringContaining('whsec_') });
		expect(await run(undefined)).toMatchObject({ status: 'Error', message: expect.stringContaining('Set a signing secret') });
	});
});
