/** Request headers as node's http module gives them: lower-case names. */
export type RequestHeaders = Record<string, string | string[] | undefined>;

export type VerificationFailureReason =
	| 'no_secret'
	| 'missing_signature'
	| 'malformed_signature'
	| 'missing_timestamp'
	| 'malformed_timestamp'
	| 'stale_timestamp'
	| 'missing_id'
	| 'mismatch';

export type VerificationResult =
	| {
			ok: true;
			/** 0 for the current secret, 1 for the previous one, and so on. */
			secretIndex: number;
			/** Unix seconds, for schemes that sign a timestamp. */
			timestamp?: number;
			/** Message id, for schemes that sign one. */
			id?: string;
	  }
	| { ok: false; reason: VerificationFailureReason; message: string };

export interface VerifyInput {
	/** The exact bytes received. */
	body: Buffer;
	headers: RequestHeaders;
	/** Current secret first, then older ones (rotation). Empty strings are ignored. */
	secrets: readonly string[];
	/** Allowed clock skew in seconds, both directions. Default DEFAULT_TOLERANCE_SECONDS; 0 turns the check off. */
	toleranceSeconds?: number;
	/** Unix seconds; defaults to the clock. */
	nowSeconds?: number;
}

export interface SignInput {
	/** The exact bytes that will be sent. */
	body: Buffer | string;
	/** One secret, or several: schemes that carry several signatures sign with each. */
	secret: string | readonly string[];
	/** Message id, for schemes that sign one. Generated when absent. */
	id?: string;
	/** Unix seconds, for schemes that sign one. Defaults to the clock. */
	timestamp?: number;
}

export interface SignatureScheme {
	/** Stable identifier, used in parameters and results. */
	readonly name: string;
	/** Headers the scheme reads, lower-case: the signature first. */
	readonly headerNames: readonly string[];
	/** True when verification needs a timestamp, so tolerance applies. */
	readonly signsTimestamp: boolean;
	sign(input: SignInput): Record<string, string>;
	verify(input: VerifyInput): VerificationResult;
}
