import { describe, expect, it } from 'vitest';

import { SignedWebhookApi } from '../../credentials/SignedWebhookApi.credentials';

describe('credential authenticate', () => {
	const credential = new SignedWebhookApi();
	const authenticate = credential.authenticate as (c: object, r: object) => Promise<{ headers?: Record<string, string> }>;

	it('adds a bearer token or a custom header and keeps existing headers', async () => {
		const bearer = await authenticate({ authType: 'bearer', bearerToken: 'tok-1' }, { url: 'http://x', headers: { A: '1' } });
		expect(bearer.headers).toEqual({ A: '1', Authorization: 'Bearer tok-1' });
		const custom = await authenticate({ authType: 'header', headerName: 'X-API-Key', headerSecret: 'k-2' }, { url: 'http://x' });
		expect(custom.headers).toEqual({ 'X-API-Key': 'k-2' });
	});

	it('adds nothing for None', async () => {
		const options = { url: 'http://x', headers: { A: '1' } };
		expect(await authenticate({ authType: 'none' }, options)).toBe(options);
	});

	it('declares its secrets as password fields', () => {
		const passwords = credential.properties.filter((property) => property.typeOptions?.password).map((property) => property.name);
		expect(passwords).toEqual(['signingSecret', 'previousSigningSecret', 'signingSecretKey', 'bearerToken', 'headerSecret']);
	});
});
