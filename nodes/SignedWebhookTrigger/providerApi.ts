/** The provider's subscription API over n8n's httpRequest helpers, and its failures as n8n errors. */
import {
	NodeApiError,
	type IDataObject,
	type IHookFunctions,
	type IHttpRequestOptions,
	type IN8nHttpFullResponse,
	type JsonObject,
} from 'n8n-workflow';

import { RegistrationError, type SubscriptionApi } from '../core/registration';
import { CREDENTIAL } from './description';

export function providerSubscriptionApi(context: IHookFunctions, auth: 'credential' | 'none'): SubscriptionApi {
	return {
		async send(request) {
			const options: IHttpRequestOptions = {
				method: request.method,
				url: request.url,
				json: true,
				returnFullResponse: true,
				ignoreHttpStatusErrors: true,
			};
			if (request.body !== undefined) options.body = request.body as IDataObject;
			try {
				const response = (
					auth === 'credential'
						? await context.helpers.httpRequestWithAuthentication.call(context, CREDENTIAL, options)
						: await context.helpers.httpRequest(options)
				) as IN8nHttpFullResponse;
				return { status: response.statusCode, body: response.body };
			} catch (error) {
				const wrapped =
					error instanceof NodeApiError
						? error
						: new NodeApiError(context.getNode(), error as JsonObject, {
								message: `The provider API could not be reached (${request.method} ${request.url.split('?')[0]})`,
							});
				throw wrapped;
			}
		},
		debug: (message, meta) => context.logger.debug(message, meta),
	};
}

/** A registration failure as n8n shows it: a provider's status becomes the error's HTTP code. */
export function asNodeError(context: IHookFunctions, error: unknown): unknown {
	if (!(error instanceof RegistrationError)) return error;
	const httpCode = error.status === undefined ? {} : { httpCode: String(error.status) };
	return new NodeApiError(context.getNode(), { message: error.message, ...httpCode } as JsonObject, {
		message: error.message,
		...httpCode,
	});
}
