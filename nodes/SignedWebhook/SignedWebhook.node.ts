import {
	NodeApiError,
	NodeConnectionTypes,
	NodeOperationError,
	sleep,
	type IDataObject,
	type IExecuteFunctions,
	type INode,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
	type JsonObject,
} from 'n8n-workflow';

import { createCappedSend } from '../core/cappedSend';
import { CARRIED_STATE_KEY, readCarriedState } from '../core/carriedState';
import type { DeliveryDependencies, DeliveryResult } from '../core/delivery';
import {
	deliverPlan,
	groupResults,
	isItemOutcome,
	planDeliveries,
	type DeliveryReport,
	type ItemOutcome,
	type ItemProblem,
} from '../core/deliveryPlan';
import { freshPair, pairFromState, runDurablePass, stateOf, type DurablePair, type PassReport } from '../core/durablePass';
import { ConfigError } from '../core/outbound';
import { signedWebhookApiTest } from '../shared/credentialTest';
import { signedWebhookProperties } from './description';
import { n8nHttpCall, readSenderSettings, type SenderSettings } from './settings';

/** A settings problem as n8n shows it, pointing at the parameter when it is known. */
function settingsError(node: INode, error: unknown, itemIndex: number): NodeOperationError {
	if (error instanceof NodeOperationError) return error;
	const message = error instanceof Error ? error.message : String(error);
	const field = error instanceof ConfigError ? error.field : undefined;
	return new NodeOperationError(node, message, {
		itemIndex,
		description: field !== undefined ? `Check the "${field}" parameter` : undefined,
	});
}

function failureMessage(result: DeliveryResult): string {
	const last = result.status !== null ? `last status ${result.status}` : `last error ${result.error ?? 'unknown'}`;
	return `Delivery to ${result.url} failed (${result.outcome}, ${last}, ${result.attempts.length} attempt${result.attempts.length === 1 ? '' : 's'})`;
}

function finalFailureError(node: INode, { result, itemIndex }: ItemOutcome): NodeApiError {
	return new NodeApiError(
		node,
		{
			message: failureMessage(result),
			url: result.url,
			outcome: result.outcome,
			status: result.status,
			error: result.error ?? null,
		} as JsonObject,
		{
			message: failureMessage(result),
			description: `Attempts: ${result.attempts
				.map((attempt) => (attempt.status !== undefined ? String(attempt.status) : attempt.error))
				.join(', ')}. Response: ${result.responseBody.slice(0, 200)}`,
			httpCode: result.status !== null ? String(result.status) : undefined,
			itemIndex,
		},
	);
}

function outcomeItem({ result, itemIndex, data, batch }: ItemOutcome): INodeExecutionData {
	const json: IDataObject = {
		deliveryId: result.deliveryId,
		url: result.url,
		event: result.event,
		delivered: result.delivered,
		outcome: result.outcome,
		status: result.status,
		attempts: result.attempts as unknown as IDataObject[],
		responseBody: result.responseBody,
		responseTruncated: result.responseTruncated,
		signatureHeaders: result.signatureHeaders,
		data: data as IDataObject,
	};
	if (result.error !== undefined) json.error = result.error;
	if (result.location !== undefined) json.location = result.location;
	if (batch) json.batch = batch;
	return { json, pairedItem: { item: itemIndex } };
}

function problemItem(node: INode, { error, itemIndex }: ItemProblem): INodeExecutionData {
	const nodeError = settingsError(node, error, itemIndex);
	return {
		json: { error: nodeError.message, description: nodeError.description ?? null, delivered: false },
		pairedItem: { item: itemIndex },
	};
}

/** Input indexes a durable pair came from: a batch's items, or the one item that carried it back. */
type PairSource = number[];

/** Every item of a pair's body, each with the pair's result; Failed items of a batch's first item carry the state for replay. */
function pairOutcomes(source: PairSource, pair: DurablePair, result: DeliveryResult): ItemOutcome[] {
	return pair.items.map((data, position) => {
		const outcome: ItemOutcome = { itemIndex: source[Math.min(position, source.length - 1)], data, result };
		if (pair.items.length > 1) outcome.batch = { size: pair.items.length, position };
		return outcome;
	});
}

function retryLaterItem(source: PairSource, pair: DurablePair): INodeExecutionData {
	const last = pair.history[pair.history.length - 1];
	return {
		json: {
			deliveryId: pair.target.deliveryId,
			url: pair.target.url,
			event: pair.event,
			status: last?.status ?? null,
			[CARRIED_STATE_KEY]: stateOf(pair, 'pending') as unknown as IDataObject,
		},
		pairedItem: source.map((item) => ({ item })),
	};
}

/**
 * Durable mode: fresh items are planned from the parameters, carried ones
 * are rebuilt from their state alone; one pass sends what is due. Without a
 * schedule (a manual or tool run), fresh items get the in-process policy.
 */
async function durablePass(
	context: IExecuteFunctions,
	settings: SenderSettings,
	deps: DeliveryDependencies,
): Promise<{ report: DeliveryReport; pending: PassReport<PairSource>['pending']; replayStates: Map<ItemOutcome, IDataObject> }> {
	const node = context.getNode();
	const inputs = context.getInputData();
	const nowMs = deps.now();
	const problems: ItemProblem[] = [];
	const pairs: Array<{ source: PairSource; pair: DurablePair }> = [];
	const fresh: number[] = [];
	inputs.forEach((item, itemIndex) => {
		const carried = readCarriedState(item.json);
		if (carried.kind === 'none') fresh.push(itemIndex);
		else if (carried.kind === 'unreadable') problems.push({ itemIndex, error: new NodeOperationError(node, carried.problem, { itemIndex }) });
		else {
			try {
				pairs.push({ source: [itemIndex], pair: pairFromState(carried.state, settings.signerFor(carried.state.scheme), nowMs) });
			} catch (error) {
				problems.push({ itemIndex, error });
			}
		}
	});

	const plan = planDeliveries({
		items: fresh.map((index) => inputs[index].json),
		batch: settings.batch,
		testEvent: false,
		now: new Date(nowMs),
		settingsFor: (planIndex) => settings.deliveryFor(fresh[planIndex]),
	});
	for (const batch of plan.batches) {
		batch.items = batch.items.map((planIndex) => fresh[planIndex]);
		if (batch.error !== undefined) continue;
		for (const spec of batch.deliveries) {
			if (!settings.durable) continue;
			const fields = { target: spec, event: spec.event, scheme: batch.scheme ?? null, schedule: settings.durable, timeoutMs: spec.timeoutMs, items: batch.data };
			pairs.push({ source: batch.items, pair: freshPair(fields, nowMs) });
		}
	}
	const unplanned = plan.batches.find((batch) => batch.error !== undefined);
	const firstProblem = problems[0] ?? (unplanned && { itemIndex: unplanned.items[0], error: unplanned.error });
	if (firstProblem && !context.continueOnFail()) throw settingsError(node, firstProblem.error, firstProblem.itemIndex);

	// Durable: every fresh pair is in the pass. In-process: the plan is delivered as in the other mode and only its problems are kept.
	const inProcess = settings.durable ? groupResults(plan, []) : await deliverPlan(plan, settings.concurrency, deps);
	const pass = await runDurablePass(pairs, settings.concurrency, deps);
	const report: DeliveryReport = { delivered: inProcess.delivered, failed: [...problems, ...inProcess.failed] };
	const replayStates = new Map<ItemOutcome, IDataObject>();
	for (const { source, end } of pass.delivered) report.delivered.push(...pairOutcomes(source, end.pair, end.result));
	for (const { source, end } of pass.failed) {
		const outcomes = pairOutcomes(source, end.pair, end.result);
		replayStates.set(outcomes[0], stateOf(end.pair, 'failed') as unknown as IDataObject);
		report.failed.push(...outcomes);
	}
	return { report, pending: pass.pending, replayStates };
}

export class SignedWebhook implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Signed Webhook',
		name: 'signedWebhook',
		icon: { light: 'file:signedWebhook.svg', dark: 'file:signedWebhook.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle: '={{ $parameter["operation"] === "sendTestEvent" ? "Send Test Event" : "Send" }}',
		description: 'Send signed webhooks with retries, batching and fan-out',
		defaults: { name: 'Signed Webhook' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		// Retry Later exists only in durable mode, so existing workflows keep their two outputs.
		outputs: `={{ [{ type: "${NodeConnectionTypes.Main}", displayName: "Delivered" }, { type: "${NodeConnectionTypes.Main}", displayName: "Failed" }].concat($parameter.retryMode === "durable" ? [{ type: "${NodeConnectionTypes.Main}", displayName: "Retry Later" }] : []) }}`,
		outputNames: ['Delivered', 'Failed', 'Retry Later'],
		credentials: [{ name: 'signedWebhookApi', required: true, testedBy: 'signedWebhookApiTest' }],
		properties: signedWebhookProperties,
	};

	methods = {
		credentialTest: {
			signedWebhookApiTest,
		},
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const node = this.getNode();
		const continueOnFail = this.continueOnFail();
		let settings: SenderSettings;
		try {
			settings = await readSenderSettings(this);
		} catch (error) {
			throw settingsError(node, error, 0);
		}

		const deps: DeliveryDependencies = {
			send: createCappedSend(n8nHttpCall(this), sleep),
			sleep,
			now: () => Date.now(),
			random: () => Math.random(),
			cancelled: () => this.getExecutionCancelSignal?.()?.aborted === true,
		};
		let report: DeliveryReport;
		let durable: Awaited<ReturnType<typeof durablePass>> | undefined;
		if (settings.retryMode === 'durable') {
			durable = await durablePass(this, settings, deps);
			report = durable.report;
		} else {
			const plan = planDeliveries({
				items: this.getInputData().map((item) => item.json),
				batch: settings.batch,
				testEvent: settings.testEvent,
				now: new Date(),
				settingsFor: settings.deliveryFor,
			});
			const unplanned = plan.batches.find((batch) => batch.error !== undefined);
			if (unplanned && !continueOnFail) throw settingsError(node, unplanned.error, unplanned.items[0]);
			report = await deliverPlan(plan, settings.concurrency, deps);
		}

		const failNode = settings.failNodeOnFinalFailure;
		const firstFailure = failNode ? report.failed.find(isItemOutcome) : undefined;
		if (firstFailure && !continueOnFail) throw finalFailureError(node, firstFailure);
		const failed = report.failed.map((entry) => {
			if (!isItemOutcome(entry)) return problemItem(node, entry);
			const item = outcomeItem(entry);
			// Reached with "Fail the Node" only under continueOnFail: the item says what would have failed it.
			if (failNode) item.json.errorMessage = failureMessage(entry.result);
			const replay = durable?.replayStates.get(entry);
			if (replay) item.json[CARRIED_STATE_KEY] = replay;
			return item;
		});
		const outputs = [report.delivered.map(outcomeItem), failed];
		if (durable) outputs.push(durable.pending.map(({ source, pair }) => retryLaterItem(source, pair)));
		return outputs;
	}
}
