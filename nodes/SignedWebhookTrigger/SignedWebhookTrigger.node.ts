import {
	type IDataObject,
	type IHookFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
	type IWebhookFunctions,
	type IWebhookResponseData,
} from 'n8n-workflow';

import {
	receive,
	redactHeaders,
	screen,
	type Emission,
	type ReceiveOutcome,
	type Rejection,
} from '../core/receive';
import { createSubscription, deleteSubscription, subscriptionExists } from '../core/registration';
import { headerValue } from '../core/schemes/primitives';
import type { RequestHeaders } from '../core/schemes/types';
import { signedWebhookApiTest } from '../shared/credentialTest';
import { CREDENTIAL, providerSubtitle, triggerProperties } from './description';
import { asNodeError, providerSubscriptionApi } from './providerApi';
import {
	assertAllowlistValid,
	providerApiAuth,
	providerName,
	readCredential,
	readRegistrationSettings,
	readScreening,
	readWebhookSettings,
	rereadCredential,
	registersViaApi,
	rejectedOutputEnabled,
	subscriptionState,
	type Screening,
	type WebhookSettings,
} from './settings';

/** Rejections a changed credential can turn into acceptances: they read it again. */
const CREDENTIAL_FAILURES = new Set(['mismatch', 'no_secret', 'missing_auth', 'invalid_auth', 'no_auth_configured']);

function rejectionItem(outcome: Rejection, sourceIp: string | undefined, receivedAt: Date): INodeExecutionData {
	const json: IDataObject = {
		error: outcome.error,
		message: outcome.message,
		status: outcome.status,
		provider: outcome.provider,
		receivedAt: receivedAt.toISOString(),
	};
	if (outcome.deliveryId !== undefined) json.deliveryId = outcome.deliveryId;
	if (sourceIp !== undefined) json.sourceIp = sourceIp;
	return { json };
}

/** Runs one registration step of the core against the provider API; its failures become n8n errors. */
async function register(
	context: IHookFunctions,
	step: typeof subscriptionExists | typeof createSubscription | typeof deleteSubscription,
): Promise<boolean | void> {
	try {
		return await step(
			providerSubscriptionApi(context, providerApiAuth(context)),
			readRegistrationSettings(context),
			subscriptionState(context),
		);
	} catch (error) {
		throw asNodeError(context, error);
	}
}

interface ReceivedRequest {
	body: Buffer;
	headers: RequestHeaders;
	sourceIp?: string;
}

async function readRequest(context: IWebhookFunctions): Promise<ReceivedRequest> {
	const req = context.getRequestObject();
	if (!req.rawBody) await req.readRawBody();
	return {
		body: Buffer.isBuffer(req.rawBody) ? req.rawBody : Buffer.alloc(0),
		headers: req.headers as RequestHeaders,
		sourceIp: req.ip ?? req.socket?.remoteAddress,
	};
}

/**
 * Verifies a screened request with the credential. A kept credential that fails it is read
 * again (at most every few seconds), so that a rotated secret applies at once.
 */
async function verify(
	context: IWebhookFunctions,
	request: ReceivedRequest,
	screening: Screening,
	nowMs: number,
): Promise<{ outcome: ReceiveOutcome; settings: WebhookSettings }> {
	const judge = (settings: WebhookSettings) =>
		receive({ body: request.body, headers: request.headers }, { ...settings.receive, sourceIp: request.sourceIp, nowMs });
	const credential = await readCredential(context, nowMs);
	let settings = readWebhookSettings(context, screening, credential.value);
	let outcome = judge(settings);
	if (!credential.fresh && outcome.kind === 'reject' && CREDENTIAL_FAILURES.has(outcome.error)) {
		const reread = await rereadCredential(context, nowMs);
		if (reread) {
			settings = readWebhookSettings(context, screening, reread);
			outcome = judge(settings);
		}
	}
	return { outcome, settings };
}

/** The items of an accepted delivery, with headers and the raw body when the options ask. */
async function emittedItems(
	context: IWebhookFunctions,
	outcome: Emission,
	request: ReceivedRequest,
	settings: WebhookSettings,
): Promise<INodeExecutionData[]> {
	let binary: INodeExecutionData['binary'];
	if (settings.rawBodyProperty !== undefined) {
		const mimeType = headerValue(request.headers, 'content-type') ?? 'application/json';
		binary = {
			[settings.rawBodyProperty]: await context.helpers.prepareBinaryData(request.body, 'body.json', mimeType),
		};
	}
	const headers = settings.includeHeaders ? redactHeaders(request.headers, settings.redactedHeaders) : undefined;
	return outcome.items.map((item) => {
		const json = item as unknown as IDataObject;
		if (headers) json.headers = headers as IDataObject;
		return binary ? { json, binary } : { json };
	});
}

export class SignedWebhookTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Signed Webhook Trigger',
		name: 'signedWebhookTrigger',
		icon: { light: 'file:signedWebhook.svg', dark: 'file:signedWebhook.dark.svg' },
		group: ['trigger'],
		// 1.1 changes nothing in the node: n8n evaluates a v1 start node's `binaryData` option as an
		// expression on every request, and parses bodies of unknown content types, only for version 1.
		version: [1, 1.1],
		defaultVersion: 1.1,
		subtitle: providerSubtitle,
		description:
			'Receive signed webhooks from calling platforms: verify, deduplicate, filter and split them into items',
		defaults: { name: 'Signed Webhook Trigger' },
		eventTriggerDescription: 'Waiting for a signed delivery on the test URL',
		activationMessage: 'Deliveries to the production URL now start this workflow.',
		inputs: [],
		outputs:
			'={{ $parameter["rejectedOutput"] ? [{ "type": "main", "displayName": "Accepted" }, { "type": "main", "displayName": "Rejected" }] : [{ "type": "main", "displayName": "Accepted" }] }}',
		credentials: [{ name: CREDENTIAL, required: true, testedBy: 'signedWebhookApiTest' }],
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				responseMode: 'onReceived',
				// Without it n8n 2.x answers an accepted delivery with the literal text "firstEntryJson"
				// (its default responseData); '' gives its JSON {"message":"Workflow was started"}.
				responseData: '',
				path: 'webhook',
			},
		],
		triggerPanel: {
			header: 'Point the platform at the test URL, then send an event',
			executionsHelp: {
				inactive:
					'Use the test URL while you build the workflow: click "Listen for test event" and send a signed delivery. Then publish the workflow and give the platform the production URL.',
				active:
					'The workflow is active: the platform should deliver to the production URL. Rejected deliveries are answered 4xx and logged.',
			},
			activationHint: 'Give the platform the production URL once the workflow is published.',
		},
		properties: triggerProperties,
	};

	methods = {
		credentialTest: {
			signedWebhookApiTest,
		},
	};

	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				assertAllowlistValid(this);
				if (!registersViaApi(this)) return true;
				return (await register(this, subscriptionExists)) === true;
			},

			async create(this: IHookFunctions): Promise<boolean> {
				assertAllowlistValid(this);
				if (registersViaApi(this)) await register(this, createSubscription);
				return true;
			},

			async delete(this: IHookFunctions): Promise<boolean> {
				if (registersViaApi(this)) await register(this, deleteSubscription);
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const receivedAt = new Date();
		const res = this.getResponseObject();
		let rejectedOutput = false;
		let request: ReceivedRequest = { body: Buffer.alloc(0), headers: {} };
		let settings: WebhookSettings | undefined;
		let outcome: ReceiveOutcome;

		try {
			rejectedOutput = rejectedOutputEnabled(this);
			request = await readRequest(this);
			const screening = readScreening(this);
			const nowMs = receivedAt.getTime();
			const screened = screen(request, { ...screening, sourceIp: request.sourceIp, nowMs });
			if (screened) outcome = screened;
			else ({ outcome, settings } = await verify(this, request, screening, nowMs));
		} catch (error) {
			let provider: string;
			try {
				provider = providerName(this);
			} catch {
				provider = 'unknown';
			}
			outcome = {
				kind: 'reject',
				status: 500,
				error: 'bad_configuration',
				message: 'The trigger is not configured correctly; see the n8n log',
				provider,
			};
			this.logger.error('Signed webhook: the trigger could not process a delivery', {
				error: (error as Error).message,
			});
		}
		const { sourceIp } = request;

		if (outcome.kind === 'reject') {
			this.logger.warn(`Signed webhook rejected: ${outcome.error}`, {
				reason: outcome.error,
				status: outcome.status,
				provider: outcome.provider,
				deliveryId: outcome.deliveryId,
				sourceIp,
				node: this.getNode().name,
				message: outcome.message,
			});
			res.status(outcome.status).json({ error: outcome.error, message: outcome.message });
			if (rejectedOutput) {
				return { noWebhookResponse: true, workflowData: [[], [rejectionItem(outcome, sourceIp, receivedAt)]] };
			}
			return { noWebhookResponse: true };
		}

		if (outcome.kind === 'acknowledge') {
			this.logger.debug(`Signed webhook acknowledged without execution: ${outcome.reason}`, {
				reason: outcome.reason,
				provider: outcome.provider,
				event: outcome.event,
				deliveryId: outcome.deliveryId,
			});
			res.status(200).json({ received: true, status: outcome.reason });
			return { noWebhookResponse: true };
		}

		let items: INodeExecutionData[];
		try {
			items = await emittedItems(this, outcome, request, settings as WebhookSettings);
		} catch (error) {
			// Not handed over: release the key so that the sender's retry is not taken for a duplicate.
			outcome.release();
			this.logger.error('Signed webhook: the raw body could not be stored as binary data', {
				error: (error as Error).message,
				provider: outcome.provider,
				deliveryId: outcome.deliveryId,
			});
			res.status(500).json({ error: 'internal_error', message: 'The delivery could not be stored' });
			return { noWebhookResponse: true };
		}
		// n8n answers 5xx when it cannot start the execution after this returns (webhook-helpers
		// executeWebhook): the delivery was not handed over, so its retry must not be a duplicate.
		res.once('finish', () => {
			if (res.statusCode >= 500) outcome.release();
		});
		return { workflowData: rejectedOutput ? [items, []] : [items] };
	}
}
