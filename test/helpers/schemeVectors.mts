/** Secrets, a clock and helpers the scheme and provider tests share. */
import { readFileSync } from 'node:fs';

import type { RequestHeaders, SignatureScheme } from '../../nodes/core/schemes/types';

export const NOW = 1_763_800_000;
export const SECRET = 'test-signing-secret-4f1c';
export const OTHER = 'another-secret-99a0b7';
export const WHSEC = `whsec_${Buffer.from('0123456789abcdef0123456789abcdef').toString('base64')}`;

export const secretFor = (scheme: SignatureScheme) => (scheme.name === 'standardWebhooks' ? WHSEC : SECRET);

export const seedFixture = (name: string): Buffer => readFileSync(new URL(`../fixtures/seeds/${name}`, import.meta.url));

/** Headers as node's http module hands them over: lower-case names. */
export const lower = (headers: Record<string, string>): RequestHeaders =>
	Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
