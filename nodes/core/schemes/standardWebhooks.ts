import { createPrivateKey, createPublicKey, sign as signBytes, verify as verifyBytes, type KeyObject } from 'node:crypto';

import {
	checkTimestamp,
	equalSignatures,
	failure,
	firstHeaderValue,
	generateMessageId,
	hmac,
	keyCache,
	mismatchFailure,
	noSecretFailure,
	nowInSeconds,
	secretList,
	splitEntries,
	toBuffer,
	usableSecrets,
} from './primitives';
import type { SignatureScheme, SignInput, VerificationResult, VerifyInput } from './types';

const SECRET_PREFIX = 'whsec_';
/** Where the message id travels, Standard Webhooks' name first, then Svix's. */
export const STANDARD_ID_HEADERS: readonly string[] = ['webhook-id', 'svix-id'];
const TIMESTAMP_HEADERS = ['webhook-timestamp', 'svix-timestamp'];
const SIGNATURE_HEADERS = ['webhook-signature', 'svix-signature'];
const SIGNATURE_BYTES = 32;
/** Asymmetric (v1a, ed25519) keys: whsk_ signs, whpk_ verifies. */
export const SIGNING_KEY_PREFIX = 'whsk_';
export const PUBLIC_KEY_PREFIX = 'whpk_';
const ED25519_SIGNATURE_BYTES = 64;
const ED25519_KEY_BYTES = 32;
// DER headers that wrap a raw 32-byte ed25519 seed (PKCS#8) or public key (SPKI).
const PKCS8_ED25519 = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_ED25519 = Buffer.from('302a300506032b6570032100', 'hex');
/** More entries than any sender rotates through; bounds work on hostile headers. */
const MAX_SIGNATURES = 16;

/** `whsec_` + base64, padded or not; the key is the decoded bytes. */
function decodeStandardSecret(secret: string): Buffer {
	const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
	return Buffer.from(encoded, 'base64');
}

const hmacKey = keyCache(decodeStandardSecret);

export function isWellFormedStandardSecret(secret: string): boolean {
	const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
	return /^[A-Za-z0-9+/]+={0,2}$/.test(encoded) && decodeStandardSecret(secret).length >= 16;
}

/** The raw key bytes of a whsk_ (a 32-byte seed, or libsodium's 64-byte seed + public key) or whpk_ key; undefined when malformed. */
function keyBytes(key: string, prefix: string): Buffer | undefined {
	const encoded = key.slice(prefix.length);
	if (!key.startsWith(prefix) || !/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) return undefined;
	const bytes = Buffer.from(encoded, 'base64');
	const allowed = prefix === SIGNING_KEY_PREFIX ? [ED25519_KEY_BYTES, 2 * ED25519_KEY_BYTES] : [ED25519_KEY_BYTES];
	return allowed.includes(bytes.length) ? bytes.subarray(0, ED25519_KEY_BYTES) : undefined;
}

export function isWellFormedSigningKey(key: string): boolean {
	return keyBytes(key, SIGNING_KEY_PREFIX) !== undefined;
}

export function isWellFormedPublicKey(key: string): boolean {
	return keyBytes(key, PUBLIC_KEY_PREFIX) !== undefined;
}

function privateKey(key: string): KeyObject {
	const seed = keyBytes(key, SIGNING_KEY_PREFIX);
	if (!seed) throw new Error('The signing key must be whsk_ followed by base64 of a 32-byte ed25519 key');
	return createPrivateKey({ key: Buffer.concat([PKCS8_ED25519, seed]), format: 'der', type: 'pkcs8' });
}

function publicKey(key: string): KeyObject | undefined {
	const raw = keyBytes(key, PUBLIC_KEY_PREFIX);
	return raw ? createPublicKey({ key: Buffer.concat([SPKI_ED25519, raw]), format: 'der', type: 'spki' }) : undefined;
}

interface ReceivedSignatures {
	/** HMAC-SHA256, as padded base64 (what hmac() writes). */
	v1: string[];
	/** ed25519, 64 bytes each. */
	v1a: Buffer[];
}

/** The header's well-formed v1 and v1a entries, which may be mixed; undefined when there is none. */
function parseSignatures(header: string): ReceivedSignatures | undefined {
	const signatures: ReceivedSignatures = { v1: [], v1a: [] };
	const entries = splitEntries(header, ' ', MAX_SIGNATURES);
	if (!entries) return undefined;
	for (const entry of entries) {
		const comma = entry.indexOf(',');
		const version = entry.slice(0, comma);
		if (comma < 0 || (version !== 'v1' && version !== 'v1a')) continue;
		const encoded = entry.slice(comma + 1);
		if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) continue;
		const decoded = Buffer.from(encoded, 'base64');
		if (version === 'v1' && decoded.length === SIGNATURE_BYTES) signatures.v1.push(decoded.toString('base64'));
		if (version === 'v1a' && decoded.length === ED25519_SIGNATURE_BYTES) signatures.v1a.push(decoded);
	}
	return signatures.v1.length + signatures.v1a.length > 0 ? signatures : undefined;
}

/** What is signed: `<id>.<timestamp>.` then the body, fed to HMAC in parts and joined only for ed25519. */
interface SignedContent {
	prefix: string;
	body: Buffer;
}

const joined = (content: SignedContent): Buffer => Buffer.concat([Buffer.from(content.prefix), content.body]);

/** One header entry for one secret: v1a for a whsk_ signing key, v1 (HMAC) for anything else. */
function signatureEntry(secret: string, content: SignedContent): string {
	if (secret.startsWith(SIGNING_KEY_PREFIX)) {
		return `v1a,${signBytes(null, joined(content), privateKey(secret)).toString('base64')}`;
	}
	return `v1,${hmac('sha256', hmacKey(secret), [content.prefix, content.body], 'base64')}`;
}

/** Whether one of the received signatures matches `secret`: a whpk_ public key checks v1a, anything else v1. */
function matches(secret: string, content: SignedContent, received: ReceivedSignatures): boolean {
	if (secret.startsWith(PUBLIC_KEY_PREFIX)) {
		const key = publicKey(secret);
		if (key === undefined || received.v1a.length === 0) return false;
		const signed = joined(content);
		return received.v1a.some((signature) => verifyBytes(null, signed, key, signature));
	}
	if (secret.startsWith(SIGNING_KEY_PREFIX)) return false;
	const expected = hmac('sha256', hmacKey(secret), [content.prefix, content.body], 'base64');
	return received.v1.some((signature) => equalSignatures(expected, signature));
}

export const standardWebhooksScheme: SignatureScheme = {
	name: 'standardWebhooks',
	headerNames: ['webhook-signature', 'webhook-timestamp', 'webhook-id'],
	signsTimestamp: true,

	sign(input: SignInput): Record<string, string> {
		const secrets = secretList(input.secret);
		if (secrets.length === 0) throw new Error('A signing secret is required');
		const id = input.id ?? generateMessageId();
		const timestamp = String(input.timestamp ?? nowInSeconds());
		const content = { prefix: `${id}.${timestamp}.`, body: toBuffer(input.body) };
		const signatures = secrets.map((secret) => signatureEntry(secret, content));
		return {
			'webhook-id': id,
			'webhook-timestamp': timestamp,
			'webhook-signature': signatures.join(' '),
		};
	},

	verify(input: VerifyInput): VerificationResult {
		const secrets = usableSecrets(input.secrets);
		if (secrets.length === 0) return noSecretFailure();
		const header = firstHeaderValue(input.headers, SIGNATURE_HEADERS);
		if (header === undefined) return failure('missing_signature', 'The webhook-signature header is missing');
		const id = firstHeaderValue(input.headers, STANDARD_ID_HEADERS);
		if (id === undefined) return failure('missing_id', 'The webhook-id header is missing');
		const timestampText = firstHeaderValue(input.headers, TIMESTAMP_HEADERS);
		const checked = checkTimestamp(timestampText, input.toleranceSeconds, input.nowSeconds);
		if (!checked.ok) return checked.result;
		const received = parseSignatures(header);
		if (!received) {
			return failure('malformed_signature', 'The webhook-signature header holds no well-formed v1 or v1a signature');
		}
		const content = { prefix: `${id}.${timestampText}.`, body: input.body };
		for (let secretIndex = 0; secretIndex < secrets.length; secretIndex++) {
			if (matches(secrets[secretIndex], content, received)) return { ok: true, secretIndex, timestamp: checked.seconds, id };
		}
		return mismatchFailure();
	},
};
