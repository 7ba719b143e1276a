import { describe, expect, it } from 'vitest';

import { checkCredential, credentialAuthHeader, credentialSecrets } from '../../nodes/core/credentialCheck';

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

describe('credential auth header', () => {
	it('is undefined for None, whatever else is stored', () => {
		expect(credentialAuthHeader({ authType: 'none', bearerToken: 'tok-1' })).toBeUndefined();
	});
});
