/**
 * The sending node's work, without n8n: input items become batches, each
 * batch one delivery per URL; the results come back per item, in input
 * order, split into delivered and failed.
 */
import {
	deliver,
	mergeHeaders,
	type DeliveryDependencies,
	type DeliveryResult,
	type DeliverySpec,
	type Signer,
} from './delivery';
import type { SchemeRef } from './carriedState';
import { buildBody, fixedHeaderLists } from './outbound';
import { mapWithConcurrency } from './pool';
import type { OutboundEnvelope } from './providers/types';
import { DEFAULT_RETRY_POLICY, RETRY_POLICY_RANGES, type Range, type RetryPolicy } from './retryPolicy';

/** Defaults of the sender's settings: the node's description and its settings reader both use these. */
export const DELIVERY_DEFAULTS = {
	policy: DEFAULT_RETRY_POLICY,
	timeoutMs: 10_000,
	concurrency: 10,
	batchSize: 1,
	batchKey: 'items',
	idempotencyHeader: 'Idempotency-Key',
	userAgent: 'n8n-nodes-signed-webhooks/0.1 (+n8n Signed Webhook node)',
} as const;

/** What the sender's numeric settings accept; the description shows the same bounds. */
export const DELIVERY_RANGES: { policy: Record<keyof RetryPolicy, Range>; timeoutMs: Range; concurrency: Range } = {
	policy: RETRY_POLICY_RANGES,
	timeoutMs: { min: 1, max: 3_600_000 },
	concurrency: { min: 1, max: 200 },
};

export interface BatchSettings {
	/** Items per request; 1 sends the single item as the data. */
	size: number;
	/** Key the items of a larger batch are sent under. */
	key: string;
}

/** What one batch is sent with. */
export interface DeliverySettings {
	urls: string[];
	/** Undefined for "None (auth header only)". */
	signer?: Signer;
	/** What the signer signs with, carried by durable deliveries; null for "None". */
	scheme: SchemeRef | null;
	envelope: OutboundEnvelope;
	event: string;
	/** The operator's extra headers. */
	headers: Record<string, string>;
	userAgent: string;
	deliveryId: string;
	/** Header that carries the delivery id; empty to leave it out. */
	idempotencyHeader: string;
	policy: RetryPolicy;
	/** Per-attempt timeout in ms. */
	timeoutMs: number;
}

export interface PlanInput {
	/** The data of each input item. */
	items: readonly unknown[];
	batch: BatchSettings;
	/** Send one webhook.test per URL instead of the items. */
	testEvent: boolean;
	now: Date;
	/** The settings of the batch that starts at `itemIndex`; may throw. */
	settingsFor(itemIndex: number): DeliverySettings;
}

export interface PlannedBatch {
	/** Input item indexes, in order. */
	items: number[];
	/** What each item reports as its data, parallel to `items`. */
	data: unknown[];
	/** One per URL; empty when the batch could not be planned. */
	deliveries: DeliverySpec[];
	/** What signs the deliveries, for durable ones to carry. */
	scheme?: SchemeRef | null;
	/** Why the batch could not be planned. */
	error?: unknown;
}

export interface DeliveryPlan {
	batches: PlannedBatch[];
}

/** One (item, URL) pair's result. */
export interface ItemOutcome {
	itemIndex: number;
	data: unknown;
	result: DeliveryResult;
	/** Only for batches of more than one item. */
	batch?: { size: number; position: number };
}

/** An item whose batch could not be planned. */
export interface ItemProblem {
	itemIndex: number;
	error: unknown;
}

export interface DeliveryReport {
	delivered: ItemOutcome[];
	failed: Array<ItemOutcome | ItemProblem>;
}

export function isItemOutcome(entry: ItemOutcome | ItemProblem): entry is ItemOutcome {
	return 'result' in entry;
}

function testEventData(now: Date): Record<string, unknown> {
	return { test: true, message: 'Test event from the n8n Signed Webhook node', sentAt: now.toISOString() };
}

function planBatch(items: number[], input: PlanInput): PlannedBatch {
	const { testEvent, now } = input;
	const data = testEvent ? items.map(() => ({})) : items.map((index) => input.items[index]);
	try {
		const settings = input.settingsFor(items[0]);
		const built = buildBody({
			envelope: settings.envelope,
			event: settings.event,
			deliveryId: settings.deliveryId,
			timestamp: now,
			items: testEvent ? [testEventData(now)] : data,
			batch: input.batch,
		});
		// Built once: every URL gets the same bytes and the same id.
		const headers = mergeHeaders(
			...fixedHeaderLists({
				userAgent: settings.userAgent,
				extra: settings.headers,
				envelopeHeaders: built.envelopeHeaders,
				deliveryId: settings.deliveryId,
				idempotencyHeader: settings.idempotencyHeader,
			}),
		);
		const deliveries = settings.urls.map(
			(url): DeliverySpec => ({
				url,
				deliveryId: settings.deliveryId,
				event: settings.event,
				body: built.body,
				headers,
				signer: settings.signer,
				policy: settings.policy,
				timeoutMs: settings.timeoutMs,
			}),
		);
		return { items, data, deliveries, scheme: settings.scheme };
	} catch (error) {
		return { items, data, deliveries: [], error };
	}
}

/** Cuts the items into batches (a test event is one batch of one) and plans each batch's deliveries. */
export function planDeliveries(input: PlanInput): DeliveryPlan {
	const itemCount = input.testEvent ? 1 : input.items.length;
	const batches: PlannedBatch[] = [];
	for (let start = 0; start < itemCount; start += input.batch.size) {
		const items: number[] = [];
		for (let index = start; index < Math.min(itemCount, start + input.batch.size); index++) items.push(index);
		batches.push(planBatch(items, input));
	}
	return { batches };
}

/**
 * Every (item, URL) pair once, in input order, with its batch's result; the
 * items of a batch that could not be planned each fail with its error.
 */
export function groupResults(plan: DeliveryPlan, resultsByBatch: readonly DeliveryResult[][]): DeliveryReport {
	const report: DeliveryReport = { delivered: [], failed: [] };
	plan.batches.forEach((batch, batchIndex) => {
		if (batch.error !== undefined) {
			for (const itemIndex of batch.items) report.failed.push({ itemIndex, error: batch.error });
			return;
		}
		batch.items.forEach((itemIndex, position) => {
			for (const result of resultsByBatch[batchIndex] ?? []) {
				const outcome: ItemOutcome = { itemIndex, data: batch.data[position], result };
				if (batch.items.length > 1) outcome.batch = { size: batch.items.length, position };
				(result.delivered ? report.delivered : report.failed).push(outcome);
			}
		});
	});
	return report;
}

/** Runs every planned delivery, at most `concurrency` at once, and groups the results. */
export async function deliverPlan(
	plan: DeliveryPlan,
	concurrency: number,
	deps: DeliveryDependencies,
): Promise<DeliveryReport> {
	const tasks = plan.batches.flatMap((batch, batchIndex) => batch.deliveries.map((spec) => ({ batchIndex, spec })));
	const results = await mapWithConcurrency(tasks, concurrency, async ({ spec }) => await deliver(spec, deps));
	const resultsByBatch: DeliveryResult[][] = plan.batches.map(() => []);
	tasks.forEach((task, index) => resultsByBatch[task.batchIndex].push(results[index]));
	return groupResults(plan, resultsByBatch);
}
