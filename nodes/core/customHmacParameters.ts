import type { CustomHmacOptions } from './schemes';

/** Reads a node parameter by name, with a fallback. */
export type ParameterReader = (name: string, fallback?: unknown) => unknown;

/** The Custom HMAC settings both nodes show, as scheme options; blank optional fields are left out. */
export function readCustomHmacParameters(parameter: ParameterReader): CustomHmacOptions {
	const text = (name: string, fallback: string) => String(parameter(name, fallback) ?? fallback).trim();
	return {
		signatureHeader: text('customSignatureHeader', 'X-Signature'),
		prefix: text('customPrefix', '') || undefined,
		algorithm: text('customAlgorithm', 'sha256') as CustomHmacOptions['algorithm'],
		encoding: text('customEncoding', 'hex') as CustomHmacOptions['encoding'],
		template: text('customTemplate', '{body}') || '{body}',
		timestampHeader: text('customTimestampHeader', '') || undefined,
		idHeader: text('customIdHeader', '') || undefined,
		secretEncoding: text('customSecretEncoding', 'utf8') as CustomHmacOptions['secretEncoding'],
	};
}
