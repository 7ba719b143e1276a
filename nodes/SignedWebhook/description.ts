import type { INodeProperties } from 'n8n-workflow';

import { DELIVERY_DEFAULTS, DELIVERY_RANGES } from '../core/deliveryPlan';
import { DEFAULT_DURABLE_SCHEDULE, DURABLE_RANGES, formatSchedule } from '../core/durableSchedule';
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

const defaultRetrySchedule = formatSchedule(DEFAULT_DURABLE_SCHEDULE.delaysMs);
const defaultJitterPercent = DEFAULT_DURABLE_SCHEDULE.jitter * 100;
const defaultRetryAfterCap = formatSchedule([DEFAULT_DURABLE_SCHEDULE.retryAfterCapMs]);
const defaultMaxAge = formatSchedule([DEFAULT_DURABLE_SCHEDULE.maxAgeMs]);
const showForDurable = { show: { operation: ['send'], retryMode: ['durable'] } };

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
		displayName: 'Retry Mode',
		name: 'retryMode',
		type: 'options',
		options: [
			{
				name: 'In This Execution',
				value: 'inProcess',
				description: 'Retry within this run, by Max Attempts, backoff and the overall deadline',
			},
			{
				name: 'Durable (Retry Later Output)',
				value: 'durable',
				description:
					'Retry by a schedule of hours: deliveries not yet due leave on Retry Later, to be looped back through a Wait node',
			},
		],
		default: 'inProcess',
		displayOptions: showForSend,
	},
	{
		displayName:
			'Connect Retry Later to a Wait node (Resume: At Specified Time, {{ $json.retry.nextAttemptAt }}) and back into this node; turn the workflow timeout off. See the README, Durable delivery.',
		name: 'durableNotice',
		type: 'notice',
		default: '',
		displayOptions: showForDurable,
	},
	{
		displayName: 'Retry Schedule',
		name: 'retrySchedule',
		type: 'string',
		default: defaultRetrySchedule,
		displayOptions: showForDurable,
		description: `Delay before each attempt, the first included, such as 0, 5s, 5m, 2h, 1d (${DURABLE_RANGES.attempts.min} to ${DURABLE_RANGES.attempts.max} attempts). Waits under 65 s are slept in the node; longer ones leave on Retry Later.`,
	},
	{
		displayName: 'Jitter (%)',
		name: 'jitterPercent',
		type: 'number',
		typeOptions: { minValue: DURABLE_RANGES.jitterPercent.min, maxValue: DURABLE_RANGES.jitterPercent.max },
		default: defaultJitterPercent,
		displayOptions: showForDurable,
		description: 'Each scheduled delay moves by up to this much either way, so that retries do not arrive together',
	},
	{
		displayName: 'Retry-After Cap',
		name: 'retryAfterCap',
		type: 'string',
		default: defaultRetryAfterCap,
		displayOptions: showForDurable,
		description: "Longest wait a receiver's Retry-After header can ask for; it replaces the scheduled delay",
	},
	{
		displayName: 'Maximum Age',
		name: 'maxAge',
		type: 'string',
		default: defaultMaxAge,
		displayOptions: showForDurable,
		description: 'No attempt starts later than this after the first one; the delivery then fails as max_age_exceeded',
	},
	{
		displayName: 'Durable in Manual Runs',
		name: 'durableInManualRuns',
		type: 'boolean',
		default: false,
		displayOptions: showForDurable,
		description:
			'Whether a run started by hand, or as an AI tool, also retries durably. Off: such runs retry in this execution and Retry Later stays empty.',
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
