import type { ZodType } from 'zod';

import type { RequestHeaders, SignatureScheme } from '../schemes/types';

/** How a preset authenticates the sender. */
export type ProviderAuth =
	/** An HMAC signature, checked by `scheme`; fails closed without a secret. */
	| 'signature'
	/** The credential's bearer or custom auth header. */
	| 'authHeader';

export interface CatalogueEvent {
	/** Event name as the platform sends it, e.g. `lead.captured`. */
	name: string;
	description: string;
}

/** What a verified request looks like to a preset. */
export interface InboundRequest {
	body: Buffer;
	headers: RequestHeaders;
	/** The parsed body, already checked against `envelope`. */
	envelope: unknown;
	/** Unix seconds from the signature, when the scheme signs one. */
	signedTimestamp?: number;
	/** Message id from the signature, when the scheme signs one. */
	signedId?: string;
	/** When the request arrived, in Unix ms; the fallback for `occurredAt`. */
	receivedAtMs: number;
}

/** A request the preset refuses after verification (400). */
export interface PresetRejection {
	error: string;
	message: string;
}

/** One event a request carries, before the node adds the shared fields. */
export interface InboundEvent {
	event: string;
	/** The event's identity, stable across retries of the same event. */
	id: string;
	/** ISO-8601. */
	occurredAt: string;
	data: unknown;
	/** The provider's own top-level fields kept on the item (resource, previousData, ...). */
	fields?: Record<string, unknown>;
	/** The item's own dedupe key when a request carries several events; else the request's key. */
	dedupeKey?: string;
}

/** How the sending node imitates the platform. */
export interface OutboundEnvelope {
	/** The sender's Envelope option, e.g. `PBX {Event, Timestamp, Data}`. */
	label: string;
	/** True when the body carries the event name, so the sender needs one. */
	requiresEvent: boolean;
	/** The event sent when none is given. */
	defaultEvent?: string;
	/** A fresh delivery id in the platform's form; default `msg_<32 hex>`. */
	newDeliveryId?(): string;
	/** Builds the body for one event (or, with `batchKey`, a batch). */
	build(input: { event: string; id: string; timestamp: Date; data: unknown; items?: unknown[] }): unknown;
	/** Extra headers the platform sends besides the signature. */
	headers?(input: { event: string; id: string; envelope: unknown }): Record<string, string>;
	/** Key the batch is sent under, e.g. `dials`. */
	batchKey?: string;
}

/**
 * Everything the package knows about one platform: how the trigger checks and
 * splits its requests, and how the sender imitates it.
 */
export interface ProviderPreset {
	/** Parameter value, stable. */
	name: string;
	/** The trigger's Provider option. */
	displayName: string;
	auth: ProviderAuth;
	/** Checks requests, and signs them in the sender (its Signature Scheme options list every preset with one). */
	scheme?: SignatureScheme;
	/** The sender's Signature Scheme option, when it differs from `displayName`. */
	schemeLabel?: string;
	/** Events from the platform's documentation; the Events parameter offers them. */
	events: readonly CatalogueEvent[];
	/** Shape the node relies on; passthrough for the rest, so it stays cheap on large batches. */
	envelope: ZodType;
	/** The event name of a request before its items are built, for filtering. */
	eventName(request: InboundRequest): string;
	/** The request's identity for replay protection. */
	dedupeKey(request: InboundRequest): string;
	/** The events a request carries: one, or one per dial of a batch. */
	toEvents(request: InboundRequest): InboundEvent[];
	/** Where the operator pastes the webhook URL, for the node's notice. */
	setupHint: string;
	/** Lower-case headers that carry the delivery id, read (unverified) for rejection logs. */
	deliveryIdHeaders?: readonly string[];
	/** Checks beyond the envelope schema (e.g. headers that must agree with the body). */
	check?(request: InboundRequest): PresetRejection | undefined;
	/** True when the operator may override `dedupeKey` (generic presets without a documented key). */
	dedupeKeyConfigurable?: boolean;
	/** Shape of a secret the node generates when it registers the webhook itself. */
	generatedSecret?: 'hex' | 'whsec';
	/** The body the sender builds; presets without one are not offered as an Envelope. */
	outbound?: OutboundEnvelope;
}
