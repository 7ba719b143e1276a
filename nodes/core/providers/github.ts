import { createHmacScheme } from '../schemes';
import { headerValue } from '../schemes/primitives';
import { bodyHash, field, isoString, jsonObject, text } from './shared';
import type { InboundRequest, ProviderPreset } from './types';

const DELIVERY_HEADER = 'x-github-delivery';

function eventName(request: InboundRequest): string {
	return headerValue(request.headers, 'x-github-event') ?? '';
}

function deliveryId(request: InboundRequest): string {
	return headerValue(request.headers, DELIVERY_HEADER) ?? bodyHash(request.body);
}

export const gitHubScheme = createHmacScheme({
	name: 'github',
	algorithm: 'sha256',
	signatureHeader: 'X-Hub-Signature-256',
	prefix: 'sha256=',
	encoding: 'hex',
});

/** GitHub-style: `X-Hub-Signature-256`, event in `X-GitHub-Event`, id in `X-GitHub-Delivery`. */
export const github: ProviderPreset = {
	name: 'github',
	displayName: 'GitHub-Style',
	auth: 'signature',
	scheme: gitHubScheme,
	schemeLabel: 'GitHub-Style (X-Hub-Signature-256)',
	events: [
		{ name: 'issue_comment', description: 'An issue comment' },
		{ name: 'issues', description: 'Issue activity' },
		{ name: 'ping', description: 'Sent when the webhook is created' },
		{ name: 'pull_request', description: 'Pull request activity' },
		{ name: 'push', description: 'Commits pushed' },
		{ name: 'release', description: 'Release activity' },
		{ name: 'workflow_run', description: 'A workflow run' },
	],
	envelope: jsonObject,
	eventName,
	dedupeKey: deliveryId,
	dedupeKeyConfigurable: true,
	deliveryIdHeaders: [DELIVERY_HEADER],
	check(request) {
		if (eventName(request) === '') {
			return { error: 'missing_header', message: 'The X-GitHub-Event header is missing' };
		}
		return undefined;
	},
	toEvents(request) {
		const fields: Record<string, unknown> = {};
		const action = text(field(request.envelope, 'action'));
		if (action !== undefined) fields.action = action;
		const hookId = headerValue(request.headers, 'x-github-hook-id');
		if (hookId !== undefined) fields.hookId = hookId;
		return [
			{
				event: eventName(request),
				id: deliveryId(request),
				occurredAt: isoString(request.receivedAtMs),
				data: request.envelope,
				fields,
			},
		];
	},
	setupHint: 'GitHub-style sender: Settings → Webhooks → Add webhook: this URL, content type application/json, and the credential\'s signing secret.',
};
