/**
 * What a durable delivery carries in its item between passes: enough to
 * send the same bytes again without reading the node's parameters. It has
 * a version, so that a package upgrade between two passes still reads what
 * an older version wrote.
 */
import { z } from 'zod';

import type { AttemptRecord } from './delivery';
import type { DurableSchedule } from './durableSchedule';
import type { CustomHmacOptions } from './providers';

/** What signs the delivery; the secret is read from the credential on every pass, never carried. */
export interface SchemeRef {
	/** The Signature Scheme value. */
	name: string;
	custom?: CustomHmacOptions;
}

/** Only the latest attempts are carried: n8n keeps every pass of every node in the execution. */
export const CARRIED_HISTORY = 3;

export const CARRIED_STATE_VERSION = 1;

/** Where the state sits in the item: the Wait node reads `{{ $json.retry.nextAttemptAt }}`. */
export const CARRIED_STATE_KEY = 'retry';

const attemptRecord = z.object({
	attempt: z.number(),
	status: z.number().optional(),
	error: z.enum(['timeout', 'connection_refused', 'connection_reset', 'dns', 'network']).optional(),
	errorCode: z.string().optional(),
	durationMs: z.number(),
	signedAt: z.number(),
	waitMs: z.number().optional(),
});

const isoTime = z.string().refine((text) => !Number.isNaN(Date.parse(text)), 'not a time');

const stateV1 = z.object({
	version: z.literal(1),
	/** pending: on Retry Later; failed: ended on Failed, and replayed when fed back. */
	phase: z.enum(['pending', 'failed']),
	deliveryId: z.string().min(1),
	url: z.string().min(1),
	event: z.string(),
	attempts: z.number().int().min(0),
	firstAttemptAt: isoTime.nullable(),
	nextAttemptAt: isoTime,
	history: z.array(attemptRecord),
	/** The exact bytes that were signed, base64. */
	body: z.string(),
	/** Everything but the signature and the credential's auth header. */
	headers: z.record(z.string()),
	scheme: z
		.object({ name: z.string(), custom: z.record(z.unknown()).optional() })
		.nullable(),
	schedule: z.object({
		delaysMs: z.array(z.number().min(0)).min(1),
		jitter: z.number().min(0).max(1),
		retryAfterCapMs: z.number().min(0),
		maxAgeMs: z.number().positive(),
	}),
	timeoutMs: z.number().positive(),
	/** The data of the items the body was built from: one, or a batch's. */
	items: z.array(z.unknown()),
});

/** The state as this version writes it. */
export interface CarriedState {
	version: typeof CARRIED_STATE_VERSION;
	phase: 'pending' | 'failed';
	deliveryId: string;
	url: string;
	event: string;
	attempts: number;
	firstAttemptAt: string | null;
	nextAttemptAt: string;
	history: AttemptRecord[];
	body: string;
	headers: Record<string, string>;
	scheme: SchemeRef | null;
	schedule: DurableSchedule;
	timeoutMs: number;
	items: unknown[];
}

/** Readers by version; a new version adds its schema and turns older ones into the newest shape. */
const READERS: Record<number, (value: unknown) => CarriedState | undefined> = {
	1: (value) => {
		const parsed = stateV1.safeParse(value);
		return parsed.success ? (parsed.data as CarriedState) : undefined;
	},
};

export type CarriedRead =
	| { kind: 'none' }
	| { kind: 'state'; state: CarriedState }
	| { kind: 'unreadable'; problem: string };

/** The state an item's json carries, if any. */
export function readCarriedState(json: unknown): CarriedRead {
	if (typeof json !== 'object' || json === null) return { kind: 'none' };
	const value = (json as Record<string, unknown>)[CARRIED_STATE_KEY];
	if (typeof value !== 'object' || value === null || !('version' in value)) return { kind: 'none' };
	const version = (value as { version: unknown }).version;
	const reader = typeof version === 'number' ? READERS[version] : undefined;
	if (!reader) return { kind: 'unreadable', problem: `retry state version ${String(version)} is not one this package reads` };
	const state = reader(value);
	return state ? { kind: 'state', state } : { kind: 'unreadable', problem: `retry state version ${version} is malformed` };
}
