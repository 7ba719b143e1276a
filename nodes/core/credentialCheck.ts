import { isHeaderName } from './schemes/primitives';
import {
	isWellFormedPublicKey,
	isWellFormedSigningKey,
	isWellFormedStandardSecret,
	PUBLIC_KEY_PREFIX,
	SIGNING_KEY_PREFIX,
} from './schemes/standardWebhooks';

export type AuthHeaderType = 'none' | 'bearer' | 'header';

/** The credential's fields, as the nodes read them. */
export interface SignedWebhookCredential {
	signingSecret?: string;
	previousSigningSecret?: string;
	/** Standard Webhooks v1a: the whsk_ ed25519 key the sender signs with. */
	signingSecretKey?: string;
	/** Standard Webhooks v1a: the whpk_ ed25519 key the trigger verifies with. */
	publicKey?: string;
	authType?: AuthHeaderType;
	bearerToken?: string;
	headerName?: string;
	headerSecret?: string;
}

export type CredentialCheck = { ok: true; message: string } | { ok: false; message: string };

const MIN_SECRET_LENGTH = 8;

function checkSecret(label: string, secret: string): string | undefined {
	if (secret.startsWith('whsec_') && !isWellFormedStandardSecret(secret)) {
		return `${label} starts with whsec_ but the rest is not base64 of at least 16 bytes`;
	}
	if (secret.length < MIN_SECRET_LENGTH) return `${label} is shorter than ${MIN_SECRET_LENGTH} characters`;
	if (secret !== secret.trim()) return `${label} has leading or trailing spaces`;
	return undefined;
}

/** The credential test: there is no remote API, so check that what is stored is usable. */
export function checkCredential(credential: SignedWebhookCredential): CredentialCheck {
	const problems: string[] = [];
	const secret = credential.signingSecret ?? '';
	const previous = credential.previousSigningSecret ?? '';
	const authType = credential.authType ?? 'none';
	if (secret !== '') problems.push(checkSecret('The signing secret', secret) ?? '');
	if (previous !== '') {
		if (secret === '') problems.push('A previous secret is set without a current signing secret');
		problems.push(checkSecret('The previous secret', previous) ?? '');
	}
	const signingKey = credential.signingSecretKey ?? '';
	const publicKey = credential.publicKey ?? '';
	if (signingKey !== '' && !isWellFormedSigningKey(signingKey)) {
		problems.push(`The signing key is not ${SIGNING_KEY_PREFIX} followed by base64 of a 32-byte ed25519 key`);
	}
	if (publicKey !== '' && !isWellFormedPublicKey(publicKey)) {
		problems.push(`The public key is not ${PUBLIC_KEY_PREFIX} followed by base64 of a 32-byte ed25519 key`);
	}
	if (authType === 'bearer' && (credential.bearerToken ?? '') === '') {
		problems.push('The bearer token is empty');
	}
	if (authType === 'header') {
		if (!isHeaderName(credential.headerName ?? '')) problems.push('The header name is not a valid HTTP header name');
		if ((credential.headerSecret ?? '') === '') problems.push('The header value is empty');
	}
	if (secret === '' && signingKey === '' && publicKey === '' && authType === 'none') {
		problems.push('Set a signing secret or key, an auth header, or both');
	}
	const found = problems.filter((problem) => problem !== '');
	if (found.length > 0) return { ok: false, message: found.join('; ') };
	const parts = [
		secret !== '' ? 'signing secret' : '',
		previous !== '' ? 'previous secret' : '',
		signingKey !== '' ? 'signing key' : '',
		publicKey !== '' ? 'public key' : '',
		authType !== 'none' ? `${authType} auth header` : '',
	];
	return { ok: true, message: `Well formed: ${parts.filter(Boolean).join(', ')}` };
}

/** The auth header the credential describes, or undefined for none. */
export function credentialAuthHeader(
	credential: SignedWebhookCredential,
): { name: string; value: string } | undefined {
	if (credential.authType === 'bearer' && credential.bearerToken) {
		return { name: 'Authorization', value: `Bearer ${credential.bearerToken}` };
	}
	if (credential.authType === 'header' && credential.headerName && credential.headerSecret) {
		return { name: credential.headerName, value: credential.headerSecret };
	}
	return undefined;
}

/** What a receiver verifies with, each with the name its items report: current secret, previous secret, public key. */
function verifyingSecrets(credential: SignedWebhookCredential): Array<[string, 'current' | 'previous']> {
	const entries: Array<[string, 'current' | 'previous']> = [
		[credential.signingSecret ?? '', 'current'],
		[credential.previousSigningSecret ?? '', 'previous'],
		[credential.publicKey ?? '', 'current'],
	];
	return entries.filter(([secret]) => secret !== '');
}

/** Current secret first, then the previous one, then the v1a public key. */
export function credentialSecrets(credential: SignedWebhookCredential): string[] {
	return verifyingSecrets(credential).map(([secret]) => secret);
}

/** The name of each of credentialSecrets(), in the same order. */
export function credentialSecretNames(credential: SignedWebhookCredential): string[] {
	return verifyingSecrets(credential).map(([, name]) => name);
}

/** What a sender signs with: the current secret, then the v1a signing key. */
export function signingSecrets(credential: SignedWebhookCredential): string[] {
	return [credential.signingSecret ?? '', credential.signingSecretKey ?? ''].filter((secret) => secret !== '');
}
