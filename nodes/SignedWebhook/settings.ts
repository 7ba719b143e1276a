/**
 * Turns the node's parameters, its credential and n8n's HTTP helper into
 * what the core works with: typed settings and an HTTP call.
 */
import {
	NodeApiError,
	type IDataObject,
	type IExecuteFunctions,
	type IHttpRequestOptions,
	type IN8nHttpFullResponse,
	type INodeProperties,
} from 'n8n-workflow';

import type { HttpCall } from '../core/cappedSend';
import type { SchemeRef } from '../core/carriedState';
import { signingSecrets, type SignedWebhookCredential } from '../core/credentialCheck';
import type { Signer } from '../core/delivery';
import { DURABLE_RANGES, parseDuration, parseSchedule, type DurableSchedule } from '../core/durableSchedule';
import { readCustomHmacParameters, type ParameterReader } from '../shared/customHmacParameters';
import { DELIVERY_DEFAULTS, DELIVERY_RANGES, type BatchSettings, type DeliverySettings } from '../core/deliveryPlan';
import {
	checkBatch,
	checkIdempotencyHeader,
	ConfigError,
	createSigner,
	envelopeFor,
	newDeliveryId,
	NONE,
	parseHeaderPairs,
	parseHeadersJson,
	parseUrls,
	resolveEvent,
	resolveScheme,
	TEST_EVENT,
} from '../core/outbound';
import { policyProblems, type Range, type RetryPolicy } from '../core/retryPolicy';
import { signedWebhookProperties as properties } from './description';

export interface SenderSettings {
	testEvent: boolean;
	batch: BatchSettings;
	concurrency: number;
	/** True for "Fail the Node", false for "Route to Failed Output". */
	failNodeOnFinalFailure: boolean;
	/** The settings of the batch that starts at `itemIndex`; throws ConfigError. */
	deliveryFor(itemIndex: number): DeliverySettings;
	/** The Retry Mode; the Send Test Event operation always retries in-process. */
	retryMode: 'inProcess' | 'durable';
	/** The schedule fresh items follow in durable mode; null in a manual or tool run that did not ask for it. */
	durable: DurableSchedule | null;
	/** A signer for a carried delivery, with the credential's current secret; throws ConfigError. */
	signerFor(scheme: SchemeRef | null): Signer | undefined;
}

/** Execution modes a person or an agent waits on: the in-process policy applies unless asked otherwise. */
const ATTENDED_MODES = new Set(['manual']);

const optionProperties = (properties.find((property) => property.name === 'options')?.options ?? []) as INodeProperties[];
/** Parameters that live in the Options collection. */
const OPTION_NAMES = new Set(optionProperties.map((property) => property.name));
/** Each parameter's default, as the description declares it. */
const PARAMETER_DEFAULTS = new Map([...properties, ...optionProperties].map((property) => [property.name, property.default]));

/** Each retry policy field's parameter. */
const POLICY_PARAMETERS: Record<keyof RetryPolicy, string> = {
	maxAttempts: 'maxAttempts',
	baseMs: 'backoffBaseMs',
	capMs: 'backoffCapMs',
	deadlineMs: 'deadlineMs',
};

/** Reads a parameter for one item; Options-collection parameters are read from inside the collection. */
function parameterReader(context: IExecuteFunctions, itemIndex: number): ParameterReader {
	return (name, fallback = PARAMETER_DEFAULTS.get(name)) => {
		if (!OPTION_NAMES.has(name)) return context.getNodeParameter(name, itemIndex, fallback);
		const options = context.getNodeParameter('options', itemIndex, {}) as IDataObject;
		return options[name] ?? fallback;
	};
}

function numberParameter(value: unknown, field: string, label: string, { min, max }: Range): number {
	const number = Number(value);
	if (!Number.isFinite(number) || number < min || number > max) {
		throw new ConfigError(field, `${label}: must be a number from ${min} to ${max}, got ${String(value)}`);
	}
	return number;
}

function readRetryPolicy(parameter: ParameterReader): RetryPolicy {
	const ranges = DELIVERY_RANGES.policy;
	const policy: RetryPolicy = {
		maxAttempts: numberParameter(parameter('maxAttempts'), 'maxAttempts', 'Max Attempts', ranges.maxAttempts),
		baseMs: numberParameter(parameter('backoffBaseMs'), 'backoffBaseMs', 'Backoff Base (ms)', ranges.baseMs),
		capMs: numberParameter(parameter('backoffCapMs'), 'backoffCapMs', 'Backoff Cap (ms)', ranges.capMs),
		deadlineMs: numberParameter(parameter('deadlineMs'), 'deadlineMs', 'Overall Deadline (ms)', ranges.deadlineMs),
	};
	const [problem] = policyProblems(policy);
	if (problem) throw new ConfigError(POLICY_PARAMETERS[problem.field], problem.message);
	return policy;
}

/** One duration such as 5m or 3d, within `range` (ms). */
function durationParameter(value: unknown, field: string, label: string, range: Range): number {
	const ms = parseDuration(String(value ?? ''));
	if (ms === undefined || ms < range.min || ms > range.max) {
		throw new ConfigError(field, `${label}: must be one duration such as 30m, 2h or 3d, got ${String(value)}`);
	}
	return ms;
}

function readDurableSchedule(parameter: ParameterReader): DurableSchedule {
	const parsed = parseSchedule(String(parameter('retrySchedule') ?? ''));
	if ('problem' in parsed) throw new ConfigError('retrySchedule', `Retry Schedule: ${parsed.problem}`);
	const jitterPercent = numberParameter(parameter('jitterPercent'), 'jitterPercent', 'Jitter (%)', DURABLE_RANGES.jitterPercent);
	return {
		delaysMs: parsed.delaysMs,
		jitter: jitterPercent / 100,
		retryAfterCapMs: durationParameter(parameter('retryAfterCap'), 'retryAfterCap', 'Retry-After Cap', DURABLE_RANGES.retryAfterCapMs),
		maxAgeMs: durationParameter(parameter('maxAge'), 'maxAge', 'Maximum Age', DURABLE_RANGES.maxAgeMs),
	};
}

function readSchemeRef(parameter: ParameterReader): SchemeRef | null {
	const name = String(parameter('signatureScheme'));
	if (name === NONE) return null;
	return name === 'customHmac' ? { name, custom: readCustomHmacParameters(parameter) } : { name };
}

function signerForScheme(scheme: SchemeRef | null, secrets: string[]): Signer | undefined {
	return scheme ? createSigner(resolveScheme(scheme.name, scheme.custom), secrets) : undefined;
}

function readDeliverySettings(parameter: ParameterReader, secrets: string[], testEvent: boolean): DeliverySettings {
	const urls = parseUrls(parameter('urls'));
	const scheme = readSchemeRef(parameter);
	const signer = signerForScheme(scheme, secrets);

	const envelopeName = String(parameter('envelope'));
	const envelope = envelopeFor(envelopeName);
	const event = resolveEvent(envelopeName, testEvent ? TEST_EVENT : parameter('event'));

	const headers =
		String(parameter('headersMode')) === 'json'
			? parseHeadersJson(parameter('headersJson'))
			: parseHeaderPairs((parameter('headers') as { header?: unknown } | undefined)?.header);

	const userAgent = String(parameter('userAgent')).trim() || DELIVERY_DEFAULTS.userAgent;
	const idText = String(parameter('deliveryId') ?? '').trim();
	const deliveryId = idText !== '' ? idText : newDeliveryId(envelopeName);
	const idempotencyHeader = checkIdempotencyHeader(parameter('idempotencyHeader'));

	const policy = readRetryPolicy(parameter);
	const timeoutMs = numberParameter(parameter('timeoutMs'), 'timeoutMs', 'Timeout (ms)', DELIVERY_RANGES.timeoutMs);

	return { urls, signer, scheme, envelope, event, headers, userAgent, deliveryId, idempotencyHeader, policy, timeoutMs };
}

/** The node-wide settings come from the first item; each batch's own settings from its first item. */
export async function readSenderSettings(context: IExecuteFunctions): Promise<SenderSettings> {
	const testEvent = context.getNodeParameter('operation', 0) === 'sendTestEvent';
	const credential = ((await context.getCredentials('signedWebhookApi')) ?? {}) as SignedWebhookCredential;
	const secrets = signingSecrets(credential);
	const parameter = parameterReader(context, 0);
	const batch = testEvent ? { size: 1, key: '' } : checkBatch(parameter('batchSize'), parameter('batchKey'));
	const concurrency = Math.floor(numberParameter(parameter('concurrency'), 'concurrency', 'Concurrency', DELIVERY_RANGES.concurrency));
	// Clicked Execute or called as an agent's tool: nobody loops Retry Later back unless asked to.
	const attended = ATTENDED_MODES.has(context.getMode()) || context.getNode().type.endsWith('Tool');
	const retryMode = !testEvent && parameter('retryMode') === 'durable' ? 'durable' : 'inProcess';
	const durable =
		retryMode === 'durable' && (!attended || parameter('durableInManualRuns') === true) ? readDurableSchedule(parameter) : null;
	return {
		testEvent,
		batch,
		concurrency,
		failNodeOnFinalFailure: parameter('onFinalFailure') === 'error',
		deliveryFor: (itemIndex) => readDeliverySettings(parameterReader(context, itemIndex), secrets, testEvent),
		retryMode,
		durable,
		signerFor: (scheme) => signerForScheme(scheme, secrets),
	};
}

/** The transport's own error: n8n wraps it in NodeApiError and keeps it as the cause. */
export function transportError(error: unknown): unknown {
	return error instanceof NodeApiError && error.cause !== undefined ? error.cause : error;
}

/**
 * The core's HTTP call over n8n's helper, with the credential's auth header:
 * the body as a stream, every status returned, redirects never followed.
 */
export function n8nHttpCall(context: IExecuteFunctions): HttpCall {
	return async (request) => {
		const options: IHttpRequestOptions = {
			method: request.method,
			url: request.url,
			headers: request.headers,
			body: request.body,
			json: false,
			encoding: 'stream',
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			disableFollowRedirect: true,
			timeout: request.timeoutMs,
		};
		try {
			const response = (await context.helpers.httpRequestWithAuthentication.call(
				context,
				'signedWebhookApi',
				options,
			)) as IN8nHttpFullResponse;
			return { status: response.statusCode, headers: response.headers, body: response.body };
		} catch (error) {
			throw transportError(error);
		}
	};
}
