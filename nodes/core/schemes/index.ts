/** The generic signature algorithms; each provider file holds its own settings for them. */
export {
	createHmacScheme,
	DEFAULT_SECRET_ENCODING,
	DEFAULT_TEMPLATE,
	type HmacSchemeOptions,
	type SecretEncoding,
} from './hmacScheme';
export { standardWebhooksScheme } from './standardWebhooks';
export { stripeScheme } from './stripe';
export type { SignatureScheme, SignInput, VerifyInput, VerificationResult } from './types';
