import {
	NodeApiError,
	NodeOperationError,
	type IDataObject,
	type IHookFunctions,
	type IHttpRequestMethods,
	type IHttpRequestOptions,
	type IN8nHttpFullResponse,
	type INodeExecutionData,
	type INodeProperties,
	type INodeType,
	type INodeTypeDescription,
	type IWebhookFunctions,
	type IWebhookResponseData,
	type JsonObject,
} from 'n8n-workflow';

import {
	credentialAuthHeader,
	credentialSecrets,
	type SignedWebhookCredential,
} from '../core/credentialCheck';
import {
	dedupeStoreFor,
	DEFAULT_DEDUPE_MAX_KEYS,
	DEFAULT_DEDUPE_WINDOW_SECONDS,
	type DedupeStore,
} from '../core/dedupe';
import { createEventFilter, splitEventList } from '../core/eventFilter';
import { createIpAllowlist } from '../core/ipAllowlist';
import type { CustomHmacSettings } from '../core/providers/customHmac';
import { providerPresets, resolvePreset } from '../core/providers';
import type { ProviderPreset } from '../core/providers/types';
import { DEFAULT_MAX_BODY_BYTES, receive, type ReceiveOutcome, type Rejection } from '../core/receive';
import {
	DEFAULT_BODY_TEMPLATE,
	generateSecret,
	readPath,
	renderBodyTemplate,
	STATIC_KEYS,
	subscriptionUrl,
} from '../core/registration';
import { headerValue } from '../core/schemes/primitives';
import type { RequestHeaders } from '../core/schemes/types';
import { signedWebhookApiTest } from '../shared/credentialTest';
import { customHmacProperties, readCustomHmacParameters } from '../shared/customHmacParameters';

const CREDENTIAL = 'signedWebhookApi';
const DEFAULT_TOLERANCE_SECONDS = 300;

const byDisplayName = [...providerPresets].sort((a, b) => a.displayName.localeCompare(b.displayName));
const configurableKeyPresets = providerPresets
	.filter((preset) => preset.dedupeKeyConfigurable)
	.map((preset) => preset.name);

function eventsParameter(preset: ProviderPreset): INodeProperties {
	const catalogue = [...preset.events]
		.sort((a, b) => a.name.localeCompare(b.name))
		.map((event) => ({ name: event.name, value: event.name, description: event.description }));
	return {
		displayName: 'Events',
		name: 'events',
		type: 'multiOptions',
		displayOptions: { show: { provider: [preset.name] } },
		options: [{ name: 'All Events (*)', value: '*', description: 'Every event the sender delivers' }, ...catalogue],
		default: ['*'],
		description:
			'Events that start the workflow. Others are answered 200 and start nothing. Add names or wildcards below.',
	};
}

function setupNotice(preset: ProviderPreset): INodeProperties {
	return {
		displayName: `Where to paste the URL: ${preset.setupHint}`,
		name: 'setupNotice',
		type: 'notice',
		displayOptions: { show: { provider: [preset.name], registration: ['manual'] } },
		default: '',
	};
}

const showForCustomHmac = { provider: ['customHmac'] };

const customHmacPresetProperties: INodeProperties[] = [
	...customHmacProperties(showForCustomHmac),
	{
		displayName: 'Event Field',
		name: 'customEventField',
		type: 'string',
		default: '',
		placeholder: 'event',
		description: 'Top-level body field with the event name. Empty: event, then type.',
		displayOptions: { show: showForCustomHmac },
	},
	{
		displayName: 'ID Field',
		name: 'customIdField',
		type: 'string',
		default: '',
		placeholder: 'ID',
		description: 'Top-level body field with the event ID. Empty: ID.',
		displayOptions: { show: showForCustomHmac },
	},
];

const registrationProperties: INodeProperties[] = [
	{
		displayName: 'Create URL',
		name: 'createUrl',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'https://api.example.com/v1/webhooks',
		description: 'Endpoint that creates the webhook subscription on activation',
	},
	{
		displayName: 'Create Method',
		name: 'createMethod',
		type: 'options',
		options: [
			{ name: 'POST', value: 'POST' },
			{ name: 'PUT', value: 'PUT' },
		],
		default: 'POST',
	},
	{
		displayName: 'Create Body',
		name: 'createBody',
		type: 'json',
		default: DEFAULT_BODY_TEMPLATE,
		description:
			'JSON sent to the create URL. %WEBHOOK_URL%, %SECRET% (a generated secret) and %EVENTS% are replaced; a value that is exactly "%EVENTS%" becomes the list of events.',
	},
	{
		displayName: 'Subscription URL',
		name: 'subscriptionUrl',
		type: 'string',
		default: '',
		placeholder: 'https://api.example.com/v1/webhooks/%ID%',
		description:
			'URL of one subscription, with %ID% for its ID, used to check and delete it. Empty: the create URL + /ID.',
	},
	{
		displayName: 'ID Path',
		name: 'idPath',
		type: 'string',
		default: 'id',
		description: 'Dot path to the subscription ID in the create response',
	},
	{
		displayName: 'Secret Path',
		name: 'keyPath',
		type: 'string',
		default: 'secret',
		description:
			'Dot path to a signing secret in the create response. When the provider returns one, it is used instead of the generated secret.',
	},
	{
		displayName: 'URL Path',
		name: 'urlPath',
		type: 'string',
		default: 'url',
		description: 'Dot path to the webhook URL in the subscription, to confirm that it still points here',
	},
	{
		displayName: 'Replace Existing Subscriptions',
		name: 'replaceExisting',
		type: 'boolean',
		default: true,
		description:
			'Whether to list the subscriptions at the create URL (GET) before creating, and delete any that already point at this webhook URL, so that a lost static state never leaves a duplicate behind',
	},
	{
		displayName: 'Provider API Authentication',
		name: 'registrationAuth',
		type: 'options',
		options: [
			{
				name: 'Credential Auth Header',
				value: 'credential',
				description: "Send the credential's bearer or custom header to the provider API",
			},
			{ name: 'None', value: 'none' },
		],
		default: 'credential',
	},
].map((property) => ({
	...property,
	displayOptions: { show: { registration: ['api'] } },
})) as INodeProperties[];

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

function customSettings(context: IWebhookFunctions | IHookFunctions): CustomHmacSettings {
	const parameter = (name: string, fallback?: unknown) => context.getNodeParameter(name, fallback);
	return {
		...readCustomHmacParameters(parameter),
		eventField: String(parameter('customEventField', '')),
		idField: String(parameter('customIdField', '')),
	};
}

function subscribedEvents(context: IWebhookFunctions | IHookFunctions): string[] {
	const selected = context.getNodeParameter('events', ['*']) as string[];
	const custom = splitEventList(context.getNodeParameter('customEvents', '') as string);
	return [...(Array.isArray(selected) ? selected : []), ...custom];
}

type RegistrationRequest = Pick<IHttpRequestOptions, 'method' | 'url' | 'body'>;

async function providerApi(this: IHookFunctions, request: RegistrationRequest): Promise<IN8nHttpFullResponse> {
	const options: IHttpRequestOptions = {
		...request,
		json: true,
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
	};
	const auth = this.getNodeParameter('registrationAuth', 'credential') as string;
	try {
		if (auth === 'credential') {
			return (await this.helpers.httpRequestWithAuthentication.call(
				this,
				CREDENTIAL,
				options,
			)) as IN8nHttpFullResponse;
		}
		return (await this.helpers.httpRequest(options)) as IN8nHttpFullResponse;
	} catch (error) {
		const wrapped =
			error instanceof NodeApiError
				? error
				: new NodeApiError(this.getNode(), error as JsonObject, {
						message: `The provider API could not be reached (${request.method} ${String(request.url).split('?')[0]})`,
					});
		throw wrapped;
	}
}

function apiFailure(context: IHookFunctions, action: string, response: IN8nHttpFullResponse): NodeApiError {
	const status = String(response.statusCode);
	return new NodeApiError(
		context.getNode(),
		{ message: `${action} failed with HTTP ${status}`, httpCode: status } as JsonObject,
		{ message: `${action} failed with HTTP ${status}`, httpCode: status },
	);
}

const ok = (response: IN8nHttpFullResponse) => response.statusCode >= 200 && response.statusCode < 300;
const gone = (response: IN8nHttpFullResponse) => response.statusCode === 404 || response.statusCode === 410;

function clearSubscription(data: IDataObject): void {
	for (const key of Object.values(STATIC_KEYS)) delete data[key];
}

function itemUrl(context: IHookFunctions, id: string): string {
	return subscriptionUrl(
		context.getNodeParameter('subscriptionUrl', '') as string,
		context.getNodeParameter('createUrl', '') as string,
		id,
	);
}

/** GET the stored subscription: 'exists', 'gone', or 'moved' when it points at another URL. */
async function lookUp(this: IHookFunctions, id: string, webhookUrl: string): Promise<'exists' | 'gone' | 'moved'> {
	const response = await providerApi.call(this, { method: 'GET', url: itemUrl(this, id) });
	if (gone(response)) return 'gone';
	if (!ok(response)) throw apiFailure(this, 'Checking the webhook subscription', response);
	const urlPath = this.getNodeParameter('urlPath', 'url') as string;
	const remoteUrl = readPath(response.body, urlPath);
	if (typeof remoteUrl === 'string' && remoteUrl !== webhookUrl) return 'moved';
	return 'exists';
}

/** Subscriptions at the create URL that already point at `webhookUrl`, when the API can list them. */
async function findExisting(this: IHookFunctions, webhookUrl: string): Promise<string[]> {
	const createUrl = this.getNodeParameter('createUrl', '') as string;
	const response = await providerApi.call(this, { method: 'GET', url: createUrl });
	if (!ok(response)) {
		this.logger.debug('Signed webhook: the provider API does not list subscriptions', {
			status: response.statusCode,
		});
		return [];
	}
	const body = response.body as unknown;
	const list = Array.isArray(body) ? body : readPath(body, 'data');
	if (!Array.isArray(list)) return [];
	const idPath = this.getNodeParameter('idPath', 'id') as string;
	const urlPath = this.getNodeParameter('urlPath', 'url') as string;
	return list
		.filter((entry) => readPath(entry, urlPath) === webhookUrl)
		.map((entry) => readPath(entry, idPath))
		.filter((id): id is string | number => typeof id === 'string' || typeof id === 'number')
		.map(String);
}

async function removeRemote(this: IHookFunctions, id: string): Promise<void> {
	const response = await providerApi.call(this, { method: 'DELETE', url: itemUrl(this, id) });
	if (!ok(response) && !gone(response)) throw apiFailure(this, 'Deleting the webhook subscription', response);
}

export class SignedWebhookTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Signed Webhook Trigger',
		name: 'signedWebhookTrigger',
		icon: { light: 'file:signedWebhook.svg', dark: 'file:signedWebhook.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: `={{ (${JSON.stringify(Object.fromEntries(providerPresets.map((preset) => [preset.name, preset.displayName])))})[$parameter["provider"]] ?? $parameter["provider"] }}`,
		description:
			'Receive signed webhooks from calling platforms: verify, deduplicate, filter and split them into items',
		defaults: { name: 'Signed Webhook Trigger' },
		eventTriggerDescription: 'Waiting for a signed delivery on the test URL',
		activationMessage: 'Deliveries to the production URL now start this workflow.',
		inputs: [],
		outputs:
			'={{ $parameter["rejectedOutput"] ? [{ "type": "main", "displayName": "Accepted" }, { "type": "main", "displayName": "Rejected" }] : [{ "type": "main", "displayName": "Accepted" }] }}',
		credentials: [{ name: 'signedWebhookApi', required: true, testedBy: 'signedWebhookApiTest' }],
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
		properties: [
			{
				displayName: 'Provider',
				name: 'provider',
				type: 'options',
				noDataExpression: true,
				options: byDisplayName.map((preset) => ({ name: preset.displayName, value: preset.name })),
				default: 'outCallerAi',
				description: 'The platform that sends the webhooks: how they are signed, shaped and split',
			},
			{
				displayName: 'Registration',
				name: 'registration',
				type: 'options',
				noDataExpression: true,
				options: [
					{
						name: 'Manual',
						value: 'manual',
						description: "Paste the URL into the platform's dashboard yourself",
					},
					{
						name: 'Via Provider API',
						value: 'api',
						description: 'Create the subscription through an API on activation and delete it on deactivation',
					},
				],
				default: 'manual',
			},
			...providerPresets.map(setupNotice),
			...registrationProperties,
			...providerPresets.map(eventsParameter),
			{
				displayName: 'Custom Events',
				name: 'customEvents',
				type: 'string',
				default: '',
				placeholder: 'lead.*, call.completed',
				description: 'More event names or wildcards, separated by commas, e.g. lead.* or *',
			},
			...customHmacPresetProperties,
			{
				displayName: 'Dedupe Key',
				name: 'dedupeKey',
				type: 'string',
				default: '',
				placeholder: '={{ $json.body.uuid }}',
				displayOptions: { show: { provider: configurableKeyPresets } },
				description:
					"Expression for a delivery's identity, evaluated over the request body and headers. Empty: the provider's own key, else a hash of the body.",
			},
			{
				displayName: 'Rejected Output',
				name: 'rejectedOutput',
				type: 'boolean',
				default: false,
				description:
					'Whether to add a second output that emits one item per rejected delivery (reason, provider, delivery ID, source IP; never the body). Each rejection then starts an execution.',
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				options: [
					{
						displayName: 'Dedupe Max Keys',
						name: 'dedupeMaxKeys',
						type: 'number',
						typeOptions: { minValue: 1 },
						default: DEFAULT_DEDUPE_MAX_KEYS,
						description: 'Most delivery keys remembered by this node in memory; the oldest go first',
					},
					{
						displayName: 'Dedupe Window (Seconds)',
						name: 'dedupeWindowSeconds',
						type: 'number',
						typeOptions: { minValue: 0 },
						default: DEFAULT_DEDUPE_WINDOW_SECONDS,
						description: 'How long a delivery key is remembered. 0 turns deduplication off.',
					},
					{
						displayName: 'Include Headers',
						name: 'includeHeaders',
						type: 'boolean',
						default: false,
						description: 'Whether to add the request headers to each item (auth header values redacted)',
					},
					{
						displayName: 'Include Raw Body',
						name: 'includeRawBody',
						type: 'boolean',
						default: false,
						description: 'Whether to attach the exact body received as binary data',
					},
					{
						displayName: 'IP Allowlist',
						name: 'ipAllowlist',
						type: 'string',
						default: '',
						placeholder: '203.0.113.0/24, 2001:db8::/32',
						description:
							"Addresses or CIDR ranges (IPv4 and IPv6) allowed to deliver, separated by commas. Uses the client address as n8n's trusted proxies report it. Empty: any.",
					},
					{
						displayName: 'Max Body Size (Bytes)',
						name: 'maxBodyBytes',
						type: 'number',
						typeOptions: { minValue: 1 },
						default: DEFAULT_MAX_BODY_BYTES,
						description: 'Larger bodies are answered 413',
					},
					{
						displayName: 'Raw Body Property',
						name: 'binaryPropertyName',
						type: 'string',
						default: 'data',
						description: 'Binary property the raw body is written to',
					},
					{
						displayName: 'Timestamp Tolerance (Seconds)',
						name: 'toleranceSeconds',
						type: 'number',
						typeOptions: { minValue: 0 },
						default: DEFAULT_TOLERANCE_SECONDS,
						description:
							'For signed timestamps: how far from now, either way, a delivery may be. 0 turns the check off.',
					},
				],
			},
		],
	};

	methods = {
		credentialTest: {
			signedWebhookApiTest,
		},
	};

	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				if (this.getNodeParameter('registration', 'manual') !== 'api') return true;
				const data = this.getWorkflowStaticData('node');
				const id = data[STATIC_KEYS.id];
				const webhookUrl = this.getNodeWebhookUrl('default') ?? '';
				if (typeof id !== 'string' || typeof data[STATIC_KEYS.secret] !== 'string') return false;
				if (data[STATIC_KEYS.webhookUrl] !== webhookUrl) return false;
				const state = await lookUp.call(this, id, webhookUrl);
				if (state === 'gone') clearSubscription(data);
				return state === 'exists';
			},

			async create(this: IHookFunctions): Promise<boolean> {
				if (this.getNodeParameter('registration', 'manual') !== 'api') return true;
				const data = this.getWorkflowStaticData('node');
				const webhookUrl = this.getNodeWebhookUrl('default') ?? '';
				const storedId = data[STATIC_KEYS.id];
				if (typeof storedId === 'string') {
					const state = await lookUp.call(this, storedId, webhookUrl);
					const sameUrl = data[STATIC_KEYS.webhookUrl] === webhookUrl;
					if (state === 'exists' && sameUrl && typeof data[STATIC_KEYS.secret] === 'string') return true;
					if (state !== 'gone') await removeRemote.call(this, storedId);
					clearSubscription(data);
				}

				const preset = resolvePreset(this.getNodeParameter('provider', 'outCallerAi') as string);
				const generated = generateSecret(preset?.generatedSecret ?? 'hex');
				const events = subscribedEvents(this);
				let body: unknown;
				try {
					body = renderBodyTemplate(this.getNodeParameter('createBody', DEFAULT_BODY_TEMPLATE) as string | object, {
						webhookUrl,
						events: events.length > 0 ? events : ['*'],
						secret: generated,
					});
				} catch (error) {
					throw new NodeApiError(this.getNode(), error as JsonObject, {
						message: 'The Create Body is not valid JSON',
					});
				}
				if (this.getNodeParameter('replaceExisting', true) === true) {
					for (const id of await findExisting.call(this, webhookUrl)) await removeRemote.call(this, id);
				}
				const createUrl = this.getNodeParameter('createUrl', '') as string;
				const response = await providerApi.call(this, {
					method: this.getNodeParameter('createMethod', 'POST') as IHttpRequestMethods,
					url: createUrl,
					body: body as IDataObject,
				});
				if (!ok(response)) throw apiFailure(this, 'Creating the webhook subscription', response);

				const id = readPath(response.body, this.getNodeParameter('idPath', 'id') as string);
				if (typeof id !== 'string' && typeof id !== 'number') {
					throw new NodeApiError(
						this.getNode(),
						{ message: 'The create response has no subscription ID' } as JsonObject,
						{ message: 'The create response has no subscription ID at the configured ID Path' },
					);
				}
				const returned = readPath(response.body, this.getNodeParameter('keyPath', 'secret') as string);
				data[STATIC_KEYS.id] = String(id);
				data[STATIC_KEYS.secret] = typeof returned === 'string' && returned !== '' ? returned : generated;
				data[STATIC_KEYS.webhookUrl] = webhookUrl;
				data[STATIC_KEYS.createdAt] = new Date().toISOString();
				return true;
			},

			async delete(this: IHookFunctions): Promise<boolean> {
				if (this.getNodeParameter('registration', 'manual') !== 'api') return true;
				const data = this.getWorkflowStaticData('node');
				const id = data[STATIC_KEYS.id];
				if (typeof id === 'string') await removeRemote.call(this, id);
				clearSubscription(data);
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const receivedAt = new Date();
		const res = this.getResponseObject();
		let rejectedOutput = false;
		let sourceIp: string | undefined;
		let outcome: ReceiveOutcome;
		let body: Buffer = Buffer.alloc(0);
		let headers: RequestHeaders = {};
		let options: IDataObject = {};
		let authHeaderName: string | undefined;
		let dedupe: DedupeStore | undefined;

		try {
			rejectedOutput = this.getNodeParameter('rejectedOutput', false) === true;
			const req = this.getRequestObject();
			headers = req.headers as RequestHeaders;
			sourceIp = req.ip ?? req.socket?.remoteAddress;
			if (!req.rawBody) await req.readRawBody();
			body = Buffer.isBuffer(req.rawBody) ? req.rawBody : Buffer.alloc(0);

			const providerName = this.getNodeParameter('provider', 'outCallerAi') as string;
			options = this.getNodeParameter('options', {}) as IDataObject;
			const preset = resolvePreset(
				providerName,
				providerName === 'customHmac' ? customSettings(this) : undefined,
			);
			if (!preset) throw new NodeOperationError(this.getNode(), `Unknown provider ${providerName}`);

			const credential = ((await this.getCredentials(CREDENTIAL)) ?? {}) as SignedWebhookCredential;
			const secrets = credentialSecrets(credential);
			let secretNames: string[] | undefined;
			const registersViaApi = this.getNodeParameter('registration', 'manual') === 'api';
			if (registersViaApi) {
				const registered = this.getWorkflowStaticData('node')[STATIC_KEYS.secret];
				if (typeof registered === 'string' && registered !== '') {
					secrets.unshift(registered);
					secretNames = ['current', 'previous', 'previous'];
				}
			}
			const credentialHeader = credentialAuthHeader(credential);
			authHeaderName = credentialHeader?.name.toLowerCase();
			// When the credential's header authenticates us to the provider's API, deliveries
			// cannot be expected to carry it back: signed presets then rely on the signature.
			const headerIsForProviderApi =
				registersViaApi &&
				preset.auth === 'signature' &&
				this.getNodeParameter('registrationAuth', 'credential') === 'credential';
			const authHeader = headerIsForProviderApi ? undefined : credentialHeader;

			let dedupeKeyOverride: string | undefined;
			if (preset.dedupeKeyConfigurable) {
				try {
					const value = this.getNodeParameter('dedupeKey', '');
					if (typeof value === 'string' || typeof value === 'number') dedupeKeyOverride = String(value);
				} catch (error) {
					this.logger.debug('Signed webhook: the Dedupe Key expression failed; using the provider key', {
						error: (error as Error).message,
					});
				}
			}

			const workflowId = this.getWorkflow().id ?? 'unsaved';
			const node = this.getNode();
			dedupe = dedupeStoreFor(`${workflowId}:${node.id ?? node.name}:${this.getMode()}`, {
				windowSeconds: Number(options.dedupeWindowSeconds ?? DEFAULT_DEDUPE_WINDOW_SECONDS),
				maxKeys: Number(options.dedupeMaxKeys ?? DEFAULT_DEDUPE_MAX_KEYS),
			});
			outcome = receive(
				{ body, headers },
				{
					preset,
					secrets,
					secretNames,
					authHeader,
					toleranceSeconds: Number(options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS),
					eventFilter: createEventFilter(subscribedEvents(this)),
					dedupe,
					dedupeKeyOverride,
					ipAllowlist: createIpAllowlist(options.ipAllowlist as string | undefined),
					sourceIp,
					maxBodyBytes: Number(options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES),
					nowMs: receivedAt.getTime(),
				},
			);
		} catch (error) {
			let provider = '';
			try {
				provider = String(this.getNodeParameter('provider', '') ?? '');
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

		if (outcome.kind === 'reject') {
			this.logger.warn(`Signed webhook rejected: ${outcome.error}`, {
				reason: outcome.error,
				status: outcome.status,
				provider: outcome.provider,
				deliveryId: outcome.deliveryId,
				sourceIp,
				node: this.getNode().name,
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

		const includeHeaders = options.includeHeaders === true;
		let binary: INodeExecutionData['binary'];
		if (options.includeRawBody === true) {
			const property = (options.binaryPropertyName as string) || 'data';
			const mimeType = headerValue(headers, 'content-type') ?? 'application/json';
			try {
				binary = { [property]: await this.helpers.prepareBinaryData(body, 'body.json', mimeType) };
			} catch (error) {
				// Not handed over: forget the key so that the sender's retry is not taken for a duplicate.
				dedupe?.forget(outcome.dedupeKey);
				this.logger.error('Signed webhook: the raw body could not be stored as binary data', {
					error: (error as Error).message,
					provider: outcome.provider,
					deliveryId: outcome.deliveryId,
				});
				res.status(500).json({ error: 'internal_error', message: 'The delivery could not be stored' });
				return { noWebhookResponse: true };
			}
		}
		let safeHeaders: IDataObject | undefined;
		if (includeHeaders) {
			safeHeaders = {};
			for (const [name, value] of Object.entries(headers)) {
				if (name === '__proto__') continue;
				safeHeaders[name] = name === 'authorization' || name === authHeaderName ? '[redacted]' : value;
			}
		}
		const items: INodeExecutionData[] = outcome.items.map((item) => {
			const json = item as unknown as IDataObject;
			if (safeHeaders) json.headers = safeHeaders;
			return binary ? { json, binary } : { json };
		});
		return { workflowData: rejectedOutput ? [items, []] : [items] };
	}
}
