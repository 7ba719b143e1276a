import { describe, expect, it } from 'vitest';

import { SignedWebhookApi } from '../../../credentials/SignedWebhookApi.credentials';
import { checkCredential, credentialAuthHeader, credentialSecrets } from '../../../nodes/core/credentialCheck';

const WHSEC = `whsec_${Buffer.from('0123456789abcdef0123').toString('base64')}`;

describe('credential check', () => {
	it('accepts a plain secret, a whsec_ secret (padded or not) and a previous secret', () => {
		expect(checkCredential({ signingSecret: 'plain-secret-123' })).toMatchObject({ ok: true });
		expect(checkCredential({ signingSecret: WHSEC, previousSigningSecret: WHSEC.replace(/=+$/, '') })).toEqual({
			ok: true,
			message: 'Well formed: signing secret, previous secret',
		});
	});

	it('rejects a whsec_ secret that does not decode, a short secret and spaces', () => {
		expect(checkCredential({ signingSecret: 'whsec_!!!not-base64!!!' })).toMatchObject({ ok: false, message: expect.stringContaining('whsec_') });
		expect(checkCredential({ signingSecret: 'whsec_c2hvcnQ=' })).toMatchObject({ ok: false });
		expect(checkCredential({ signingSecret: 'short' })).toMatchObject({ ok: false, message: expect.stringContaining('shorter') });
		expect(checkCredential({ signingSecret: ' padded-secret-1 ' })).toMatchObject({ ok: false, message: expect.stringContaining('spaces') });
	});

	it('needs a secret or an auth header, and complete auth settings', () => {
		expect(checkCredential({})).toMatchObject({ ok: false, message: expect.stringContaining('Set a signing secret') });
		expect(checkCredential({ authType: 'bearer' })).toMatchObject({ ok: false, message: expect.stringContaining('bearer token is empty') });
		expect(checkCredential({ authType: 'header', headerName: 'X API', headerSecret: 'v' })).toMatchObject({ ok: false, message: expect.stringContaining('header name') });
		expect(checkCredential({ authType: 'header', headerName: 'X-API-Key', headerSecret: 'k-123' })).toEqual({ ok: true, message: 'Well formed: header auth header' });
		expect(checkCredential({ previousSigningSecret: 'old-secret-123' })).toMatchObject({ ok: false, message: expect.stringContaining('without a current') });
	});

	it('never echoes a secret in its message', () => {
		const secret = 'whsec_%%%%not-valid-secret%%%%';
		expect(checkCredential({ signingSecret: secret }).message).not.toContain(secret);
	});

	it('lists the current secret before the previous one, skipping empty ones', () => {
		expect(credentialSecrets({ signingSecret: 'a-current-1', previousSigningSecret: 'b-previous-2' })).toEqual(['a-current-1', 'b-previous-2']);
		expect(credentialSecrets({ signingSecret: '', previousSigningSecret: 'b-previous-2' })).toEqual(['b-previous-2']);
	});
});

describe('credential authenticate', () => {
	const credential = new SignedWebhookApi();
	const authenticate = credential.authenticate as (c: object, r: object) => Promise<{ headers?: Record<string, string> }>;

	it('adds a bearer token or a custom header and keeps existing headers', async () => {
		const bearer = await authenticate({ authType: 'bearer', bearerToken: 'tok-1' }, { url: 'http://x', headers: { A: '1' } });
		expect(bearer.headers).toEqual({ A: '1', Authorization: 'Bearer tok-1' });
		const custom = await authenticate({ authType: 'header', headerName: 'X-API-Key', headerSecret: 'k-2' }, { url: 'http://x' });
		expect(custom.headers).toEqual({ 'X-API-Key': 'k-2' });
		expect(credentialAuthHeader({ authType: 'none', bearerToken: 'tok-1' })).toBeUndefined();
	});

	it('adds nothing for None', async () => {
		const options = { url: 'http://x', headers: { A: '1' } };
		expect(await authenticate({ authType: 'none' }, options)).toBe(options);
	});

	it('declares its secrets as password fields', () => {
		const passwords = credential.properties.filter((property) => property.typeOptions?.password).map((property) => property.name);
		expect(passwords).toEqual(['signingSecret', 'previousSigningSecret', 'bearerToken', 'headerSecret']);
	});
});
