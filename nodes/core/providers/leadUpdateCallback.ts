import { bodyHash, field, jsonObject, text, toIso } from './shared';
import type { InboundRequest, ProviderPreset } from './types';

const DEFAULT_EVENT = 'lead.updated';

function eventName(request: InboundRequest): string {
	const body = request.envelope;
	return text(field(body, 'event')) ?? text(field(body, 'type')) ?? DEFAULT_EVENT;
}

/**
 * Lead Update Callbacks of a calling "Process": the document gives no payload
 * schema, so any JSON object is accepted, with the bearer or custom auth header.
 */
export const leadUpdateCallback: ProviderPreset = {
	name: 'leadUpdateCallback',
	displayName: 'Lead Update Callback',
	auth: 'authHeader',
	events: [
		{
			name: DEFAULT_EVENT,
			description:
				'Any lead update: call attempt completed, status change, final disposition, latest activity (the name used when the body carries no event field)',
		},
	],
	envelope: jsonObject,
	eventName,
	dedupeKey: (request) => bodyHash(request.body),
	dedupeKeyConfigurable: true,
	toEvents(request) {
		const body = request.envelope;
		return [
			{
				event: eventName(request),
				id: text(field(body, 'id')) ?? bodyHash(request.body),
				occurredAt: toIso(
					field(body, 'timestamp') ?? field(body, 'updatedAt') ?? field(body, 'updated_at'),
					request.receivedAtMs,
				),
				data: body,
				fields: { leadId: text(field(body, 'lead_id')) ?? text(field(body, 'leadId')) },
			},
		];
	},
	setupHint:
		'Process → Advanced Settings → Lead Update Callbacks → + Add Callback → Lead Update URL; set Bearer Token or Custom Auth Header to the credential\'s value (and optionally whitelist the source).',
};
