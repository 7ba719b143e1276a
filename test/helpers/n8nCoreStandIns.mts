import { createRequire } from 'node:module';

import { InstanceSettings } from 'n8n-core';
import type {
	ICredentialDataDecryptedObject,
	IHttpRequestOptions,
	INodeType,
	INodeTypes,
	IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';

import { SignedWebhookApi } from '../../credentials/SignedWebhookApi.credentials';

// n8n-core carries its own copies of @n8n/di and @n8n/backend-common: use those,
// so that the stand-ins below are what its contexts actually get.
const coreRequire = createRequire(createRequire(import.meta.url).resolve('n8n-core'));
const { Container } = coreRequire('@n8n/di') as typeof import('@n8n/di');
const { Logger } = coreRequire('@n8n/backend-common') as typeof import('@n8n/backend-common');

export interface LogEntry {
	level: string;
	message: string;
	meta?: unknown;
}

/** What n8n-core's logger stand-in received, in order. */
export const logs: LogEntry[] = [];
const logger = {
	error: (message: string, meta?: unknown) => logs.push({ level: 'error', message, meta }),
	warn: (message: string, meta?: unknown) => logs.push({ level: 'warn', message, meta }),
	info: (message: string, meta?: unknown) => logs.push({ level: 'info', message, meta }),
	debug: (message: string, meta?: unknown) => logs.push({ level: 'debug', message, meta }),
	scoped() {
		return logger;
	},
};

let installed = false;

/** A logger and instance settings in n8n-core's container, without touching ~/.n8n. */
export function installN8nCoreStandIns(): void {
	if (installed) return;
	Container.set(Logger, logger as unknown as InstanceType<typeof Logger>);
	Container.set(InstanceSettings, {
		n8nFolder: '/nonexistent',
		hostId: 'test',
		instanceType: 'main',
	} as unknown as InstanceSettings);
	installed = true;
}

/** Node types that resolve every name to the one node under test. */
export function singleNodeTypes(node: INodeType): INodeTypes {
	return {
		getByName: () => node,
		getByNameAndVersion: () => node,
		getKnownTypes: () => ({}),
	} as unknown as INodeTypes;
}

export interface AdditionalDataOptions {
	/** What the credentials helper decrypts for every credential. */
	credential: ICredentialDataDecryptedObject;
	/** When set, decrypting the credential fails with it (a credential store that is down). */
	credentialError?: Error;
	/** The express-like request and response n8n hands a webhook. */
	httpRequest?: unknown;
	httpResponse?: unknown;
	/** Sees each request n8n authenticates with the credential. */
	onAuthenticate?: (options: IHttpRequestOptions, credentials: ICredentialDataDecryptedObject) => void;
}

const credentialType = new SignedWebhookApi();

/**
 * The additionalData n8n-core's contexts read: URLs, and a credentials helper that decrypts to
 * the given credential and authenticates requests with the credential type's own authenticate().
 */
export function additionalDataFor(options: AdditionalDataOptions): IWorkflowExecuteAdditionalData {
	return {
		httpRequest: options.httpRequest,
		httpResponse: options.httpResponse,
		timezone: 'UTC',
		variables: {},
		webhookBaseUrl: 'https://n8n.example.com/webhook',
		webhookTestBaseUrl: 'https://n8n.example.com/webhook-test',
		webhookWaitingBaseUrl: 'https://n8n.example.com/webhook-waiting',
		formWaitingBaseUrl: 'https://n8n.example.com/form-waiting',
		instanceBaseUrl: 'https://n8n.example.com/',
		restApiUrl: 'https://n8n.example.com/rest',
		credentialsHelper: {
			getDecrypted: async () => {
				if (options.credentialError) throw options.credentialError;
				return { ...options.credential };
			},
			isCredentialUsableByNode: () => true,
			getParentTypes: () => [],
			preAuthentication: async () => undefined,
			authenticate: async (
				credentials: ICredentialDataDecryptedObject,
				_type: string,
				requestOptions: IHttpRequestOptions,
			) => {
				options.onAuthenticate?.(requestOptions, credentials);
				return await (
					credentialType.authenticate as (
						c: ICredentialDataDecryptedObject,
						o: IHttpRequestOptions,
					) => Promise<IHttpRequestOptions>
				)(credentials, requestOptions);
			},
		},
	} as unknown as IWorkflowExecuteAdditionalData;
}
