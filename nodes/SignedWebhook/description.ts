import type { INodeProperties } from 'n8n-workflow';

import { DELIVERY_DEFAULTS, DELIVERY_RANGES } from '../core/deliveryPlan';
import { MAX_BATCH_SIZE } from '../core/outbound';
import { customHmacProperties } from '../shared/customHmacParameters';
import { envelopeOptions, signatureSchemeOptions } from '../shared/providerOptions';

const showForSend = { show: { operation: ['send'] } };
// Plain names: the lint reads a default only when it is a literal or a plain name.
const {
	batchSize: defaultBatchSize,
	batchKey: defaultBatchKey,
	timeoutMs: defaultTimeoutMs,
	concurrency: defaultConcurrency,
	idempotencyHeader: defaultIdempotencyHeader,
	userAgent: defaultUserAgent,
} = DELIVERY_DEFAULTS;
const {
	maxAttempts: defaultMaxAttempts,
	baseMs: defaultBackoffBaseMs,
	capMs: defaultBackoffCapMs,
	deadlineMs: defaultDeadlineMs,
} = DELIVERY_DEFAULTS.policy;

const { timeoutMs: timeoutRange, concurrency: concurrencyRange } = DELIVERY_RANGES;
const { maxAttempts: attemptsRange, baseMs: baseRange, capMs: capRange, deadlineMs: deadlineRange } = DELIVERY_RANGES.policy;

/** The Signed Webhook node's parameters. */
export const signedWebhookProperties: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'Send', value: 'send', action: 'Send a signed webhook', description: 'Deliver items as signed webhooks' },
			{
				name: 'Send Test Event',
				value: 'sendTestEvent',
				action: 'Send a test event',
				description: 'Send one webhook.test event to each URL to check connectivity',
			},
		],
		default: 'send',
	},
	{
		displayName: 'URLs',
		name: 'urls',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'https://example.com/webhooks',
		description: 'One URL, or several separated by commas or new lines. Each URL gets its own delivery.',
	},
	{
		displayName: 'Signature Scheme',
		name: 'signatureScheme',
		type: 'options',
		options: signatureSchemeOptions(),
		default: 'standardWebhooks',
		description: "How each attempt is signed with the credential's signing secret",
	},
	...customHmacProperties({ signatureScheme: ['customHmac'] }),
	{
		displayName: 'Envelope',
		name: 'envelope',
		type: 'options',
		options: envelopeOptions(),
		default: 'none',
		description: 'The shape of the body',
	},
	{
		displayName: 'Event',
		name: 'event',
		type: 'string',
		default: '',
		placeholder: 'lead.created',
		displayOptions: showForSend,
		description: 'Event name, usually an expression. Required for envelopes that carry it; outboundIQ defaults to dial.batch.',
	},
	{
		displayName: 'Batch Size',
		name: 'batchSize',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: MAX_BATCH_SIZE },
		default: defaultBatchSize,
		displayOptions: showForSend,
		description: 'Items per request (1 to 100). The items of a batch share its outcome.',
	},
	{
		displayName: 'Batch Key',
		name: 'batchKey',
		type: 'string',
		default: defaultBatchKey,
		displayOptions: { show: { operation: ['send'] }, hide: { batchSize: [1] } },
		description: 'Array key the batch is sent under, for example dials. outboundIQ always uses dials.',
	},
	{
		displayName: 'Headers Input',
		name: 'headersMode',
		type: 'options',
		options: [
			{ name: 'Name/Value Pairs', value: 'pairs' },
			{ name: 'JSON Object', value: 'json' },
		],
		default: 'pairs',
	},
	{
		displayName: 'Headers',
		name: 'headers',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add Header',
		default: {},
		displayOptions: { show: { headersMode: ['pairs'] } },
		options: [
			{
				displayName: 'Header',
				name: 'header',
				values: [
					{ displayName: 'Name', name: 'name', type: 'string', default: '' },
					{ displayName: 'Value', name: 'value', type: 'string', default: '' },
				],
			},
		],
	},
	{
		displayName: 'Headers (JSON)',
		name: 'headersJson',
		type: 'json',
		default: '{}',
		displayOptions: { show: { headersMode: ['json'] } },
		description: 'Extra headers as a JSON object, for example {"X-CRM-Source": "n8n"}',
	},
	{
		displayName: 'Max Attempts',
		name: 'maxAttempts',
		type: 'number',
		typeOptions: { minValue: attemptsRange.min, maxValue: attemptsRange.max },
		default: defaultMaxAttempts,
		description: 'Attempts per delivery, the first included',
	},
	{
		displayName: 'Timeout (Ms)',
		name: 'timeoutMs',
		type: 'number',
		typeOptions: { minValue: timeoutRange.min },
		default: defaultTimeoutMs,
		description: 'How long one attempt may take, headers and body',
	},
	{
		displayName: 'Concurrency',
		name: 'concurrency',
		type: 'number',
		typeOptions: { minValue: concurrencyRange.min, maxValue: concurrencyRange.max },
		default: defaultConcurrency,
		description: 'How many deliveries are in flight at once. Output order follows input order.',
	},
	{
		displayName: 'On Final Failure',
		name: 'onFinalFailure',
		type: 'options',
		options: [
			{
				name: 'Route to Failed Output',
				value: 'route',
				description: 'Failed deliveries leave through the Failed output',
			},
			{
				name: 'Fail the Node',
				value: 'error',
				description: "Stop with an error that names the URL and the last status, so the workflow's error workflow runs",
			},
		],
		default: 'route',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Backoff Base (Ms)',
				name: 'backoffBaseMs',
				type: 'number',
				typeOptions: { minValue: baseRange.min },
				default: defaultBackoffBaseMs,
				description: 'Ceiling of the first backoff; it doubles each attempt, with full jitter',
			},
			{
				displayName: 'Backoff Cap (Ms)',
				name: 'backoffCapMs',
				type: 'number',
				typeOptions: { minValue: capRange.min },
				default: defaultBackoffCapMs,
				description: 'Longest wait between attempts, Retry-After included',
			},
			{
				displayName: 'Delivery ID',
				name: 'deliveryId',
				type: 'string',
				default: '',
				description: 'Stable ID for the delivery (an expression, for example from the item). Empty: a fresh one per request.',
			},
			{
				displayName: 'Idempotency Header',
				name: 'idempotencyHeader',
				type: 'string',
				default: defaultIdempotencyHeader,
				description: 'Header that carries the delivery ID on every attempt; empty to leave it out',
			},
			{
				displayName: 'Overall Deadline (Ms)',
				name: 'deadlineMs',
				type: 'number',
				typeOptions: { minValue: deadlineRange.min },
				default: defaultDeadlineMs,
				description: 'Time budget for one delivery, all attempts and waits included',
			},
			{
				displayName: 'User-Agent',
				name: 'userAgent',
				type: 'string',
				default: defaultUserAgent,
			},
		],
	},
];
