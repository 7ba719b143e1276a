import type { ICredentialsDecrypted, ICredentialTestFunctions, INodeCredentialTestResult } from 'n8n-workflow';

import { checkCredential, type SignedWebhookCredential } from '../core/credentialCheck';

/** Both nodes' credential test: there is no remote API, so it checks that what is stored is usable. */
export async function signedWebhookApiTest(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	const result = checkCredential((credential.data ?? {}) as SignedWebhookCredential);
	return { status: result.ok ? 'OK' : 'Error', message: result.message };
}
