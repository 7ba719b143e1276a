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
import type { DeliveryResult } from '../core/delivery';
import { deliverPlan, isItemOutcome, planDeliveries, type ItemOutcome, type ItemProblem } from '../core/deliveryPlan';
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
		outputs: [
			{ type: NodeConnectionTypes.Main, displayName: 'Delivered' },
			{ type: NodeConnectionTypes.Main, displayName: 'Failed' },
		],
		outputNames: ['Delivered', 'Failed'],
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

		const plan = planDeliveries({
			items: this.getInputData().map((item) => item.json),
			batch: settings.batch,
			testEvent: settings.testEvent,
			now: new Date(),
			settingsFor: settings.deliveryFor,
		});
		const unplanned = plan.batches.find((batch) => batch.error !== undefined);
		if (unplanned && !continueOnFail) throw settingsError(node, unplanned.error, unplanned.items[0]);

		const report = await deliverPlan(plan, settings.concurrency, {
			send: createCappedSend(n8nHttpCall(this), sleep),
			sleep,
			now: () => Date.now(),
			random: () => Math.random(),
			cancelled: () => this.getExecutionCancelSignal?.()?.aborted === true,
		});

		const failNode = settings.failNodeOnFinalFailure;
		const firstFailure = failNode ? report.failed.find(isItemOutcome) : undefined;
		if (firstFailure && !continueOnFail) throw finalFailureError(node, firstFailure);
		const failed = report.failed.map((entry) => {
			if (!isItemOutcome(entry)) return problemItem(node, entry);
			const item = outcomeItem(entry);
			// Reached with "Fail the Node" only under continueOnFail: the item says what would have failed it.
			if (failNode) item.json.errorMessage = failureMessage(entry.result);
			return item;
		});
		return [report.delivered.map(outcomeItem), failed];
	}
}
