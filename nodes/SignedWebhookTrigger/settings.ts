/**
 * The one place that turns the trigger's n8n parameters, credential and static data into the
 * core's settings: which secret wins, how deduplication is scoped, the allowlist, the filters.
 */
import { NodeOperationError, type IHookFunctions, type IWebhookFunctions } from 'n8n-workflow';

import {
	credentialAuthHeader,
	credentialSecretNames,
	credentialSecrets,
	type SignedWebhookCredential,
} from '../core/credentialCheck';
import { dedupeStoreFor, DEFAULT_DEDUPE_MAX_KEYS, DEFAULT_DEDUPE_WINDOW_SECONDS } from '../core/dedupe';
import { createEventFilter, splitEventList } from '../core/eventFilter';
import { createIpAllowlist, type IpAllowlist } from '../core/ipAllowlist';
import { resolvePreset } from '../core/providers';
import type { ProviderPreset } from '../core/providers/types';
import { DEFAULT_MAX_BODY_BYTES, type ReceiveSettings, type ScreenSettings } from '../core/receive';
import {
	registeredSecret,
	type RegistrationSettings,
	type SubscriptionState,
} from '../core/registration';
import { DEFAULT_TOLERANCE_SECONDS } from '../core/schemes/primitives';
import { readCustomHmacSettings } from '../shared/customHmacParameters';
import { CredentialCache, type CachedRead } from './credentialCache';
import { CREDENTIAL } from './description';

type TriggerContext = IWebhookFunctions | IHookFunctions;

interface TriggerOptions {
	dedupeMaxKeys?: number;
	dedupeWindowSeconds?: number;
	includeHeaders?: boolean;
	includeRawBody?: boolean;
	ipAllowlist?: string;
	maxBodyBytes?: number;
	binaryPropertyName?: string;
	toleranceSeconds?: number;
}

/** What webhook() needs besides the request: the core's settings and how to shape the output. */
export interface WebhookSettings {
	receive: Omit<ReceiveSettings, 'sourceIp' | 'nowMs'>;
	/** Add the request headers to each item, these (lower-case) ones redacted. */
	includeHeaders: boolean;
	redactedHeaders: readonly string[];
	/** Binary property for the raw body, when it is attached. */
	rawBodyProperty?: string;
}

const options = (context: TriggerContext) => context.getNodeParameter('options') as TriggerOptions;

export const providerName = (context: TriggerContext) => context.getNodeParameter('provider') as string;

export const registersViaApi = (context: TriggerContext) => context.getNodeParameter('registration') === 'api';

export const rejectedOutputEnabled = (context: IWebhookFunctions) =>
	context.getNodeParameter('rejectedOutput') === true;

/** The subscription state kept in the node's static data. */
export const subscriptionState = (context: TriggerContext) =>
	context.getWorkflowStaticData('node') as SubscriptionState;

function preset(context: TriggerContext): ProviderPreset {
	const name = providerName(context);
	const found = resolvePreset(
		name,
		name === 'customHmac' ? readCustomHmacSettings((parameter, fallback) => context.getNodeParameter(parameter, fallback)) : undefined,
	);
	if (!found) throw new NodeOperationError(context.getNode(), `Unknown provider ${name}`);
	return found;
}

function subscribedEvents(context: TriggerContext): string[] {
	const selected = context.getNodeParameter('events') as string[];
	const custom = splitEventList(context.getNodeParameter('customEvents') as string);
	return [...(Array.isArray(selected) ? selected : []), ...custom];
}

const allowlist = (context: TriggerContext): IpAllowlist => createIpAllowlist(options(context).ipAllowlist);

/**
 * Refuses to activate with allowlist entries that are not addresses: they would allow no one,
 * and a typo must not look like "everyone gets 403".
 */
export function assertAllowlistValid(context: IHookFunctions): void {
	const { invalid } = allowlist(context);
	if (invalid.length === 0) return;
	throw new NodeOperationError(
		context.getNode(),
		`The IP Allowlist has entries that are not addresses or CIDR ranges: ${invalid.join(', ')}`,
		{ description: 'Fix or remove them in Options → IP Allowlist, then activate again.' },
	);
}

/** The operator's Dedupe Key expression, when the preset takes one; a failing expression falls back. */
function dedupeKeyOverride(context: IWebhookFunctions, chosen: ProviderPreset): string | undefined {
	if (!chosen.dedupeKeyConfigurable) return undefined;
	try {
		const value = context.getNodeParameter('dedupeKey');
		if (typeof value === 'string' || typeof value === 'number') return String(value);
	} catch (error) {
		context.logger.debug('Signed webhook: the Dedupe Key expression failed; using the provider key', {
			error: (error as Error).message,
		});
	}
	return undefined;
}

/** The settings screen() needs: none of them comes from the credential. */
export type Screening = Omit<ScreenSettings, 'sourceIp' | 'nowMs'>;

export function readScreening(context: IWebhookFunctions): Screening {
	const option = options(context);
	return {
		preset: preset(context),
		toleranceSeconds: Number(option.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS),
		ipAllowlist: allowlist(context),
		maxBodyBytes: Number(option.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES),
	};
}

const liveCredentials = new CredentialCache<SignedWebhookCredential>();

const readDecrypted = async (context: IWebhookFunctions) =>
	((await context.getCredentials(CREDENTIAL)) ?? {}) as SignedWebhookCredential;

function credentialKey(context: IWebhookFunctions): string {
	const node = context.getNode();
	return `${context.getWorkflow().id ?? 'unsaved'}:${node.id ?? node.name}:${node.credentials?.[CREDENTIAL]?.id ?? ''}`;
}

/** Production deliveries (mode `webhook`) use the briefly kept credential; test deliveries read it each time. */
export async function readCredential(
	context: IWebhookFunctions,
	nowMs: number,
): Promise<CachedRead<SignedWebhookCredential>> {
	if (context.getMode() !== 'webhook') return { value: await readDecrypted(context), fresh: true };
	return await liveCredentials.get(credentialKey(context), async () => await readDecrypted(context), nowMs);
}

/** The credential read again after an authentication failure; undefined when it was read too recently. */
export async function rereadCredential(
	context: IWebhookFunctions,
	nowMs: number,
): Promise<SignedWebhookCredential | undefined> {
	return await liveCredentials.refresh(credentialKey(context), async () => await readDecrypted(context), nowMs);
}

export function readWebhookSettings(
	context: IWebhookFunctions,
	screening: Screening,
	credential: SignedWebhookCredential,
): WebhookSettings {
	const chosen = screening.preset;
	const option = options(context);
	const viaApi = registersViaApi(context);

	// A secret this node registered at the provider wins; the credential's follow as previous ones.
	const secrets = credentialSecrets(credential);
	let secretNames = credentialSecretNames(credential);
	const registered = viaApi ? registeredSecret(subscriptionState(context)) : undefined;
	if (registered !== undefined) {
		secrets.unshift(registered);
		secretNames = ['current', ...secretNames.map(() => 'previous')];
	}

	// When the credential's header authenticates us to the provider's API, deliveries
	// cannot be expected to carry it back: signed presets then rely on the signature.
	const credentialHeader = credentialAuthHeader(credential);
	const headerIsForProviderApi =
		viaApi && chosen.auth === 'signature' && context.getNodeParameter('registrationAuth') === 'credential';

	// One memory per workflow, node and mode, in this process.
	const workflowId = context.getWorkflow().id ?? 'unsaved';
	const node = context.getNode();
	const dedupe = dedupeStoreFor(`${workflowId}:${node.id ?? node.name}:${context.getMode()}`, {
		windowSeconds: Number(option.dedupeWindowSeconds ?? DEFAULT_DEDUPE_WINDOW_SECONDS),
		maxKeys: Number(option.dedupeMaxKeys ?? DEFAULT_DEDUPE_MAX_KEYS),
	});

	return {
		receive: {
			...screening,
			secrets,
			secretNames,
			authHeader: headerIsForProviderApi ? undefined : credentialHeader,
			eventFilter: createEventFilter(subscribedEvents(context)),
			dedupe,
			dedupeKeyOverride: dedupeKeyOverride(context, chosen),
		},
		includeHeaders: option.includeHeaders === true,
		redactedHeaders: ['authorization', ...(credentialHeader ? [credentialHeader.name.toLowerCase()] : [])],
		rawBodyProperty: option.includeRawBody === true ? option.binaryPropertyName || 'data' : undefined,
	};
}

export function readRegistrationSettings(context: IHookFunctions): RegistrationSettings {
	return {
		webhookUrl: context.getNodeWebhookUrl('default') ?? '',
		createUrl: context.getNodeParameter('createUrl') as string,
		createMethod: context.getNodeParameter('createMethod') as 'POST' | 'PUT',
		createBody: context.getNodeParameter('createBody') as string | object,
		subscriptionUrl: context.getNodeParameter('subscriptionUrl') as string,
		idPath: context.getNodeParameter('idPath') as string,
		secretPath: context.getNodeParameter('keyPath') as string,
		urlPath: context.getNodeParameter('urlPath') as string,
		replaceExisting: context.getNodeParameter('replaceExisting') === true,
		events: subscribedEvents(context),
		secretFormat: resolvePreset(providerName(context))?.generatedSecret ?? 'hex',
	};
}

/** Whether provider API calls carry the credential's auth header. */
export const providerApiAuth = (context: IHookFunctions) =>
	context.getNodeParameter('registrationAuth') === 'credential' ? 'credential' : 'none';
