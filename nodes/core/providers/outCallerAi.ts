import { z } from 'zod';

import { headerValue } from '../schemes/primitives';
import { field, headerAgrees, jsonObject, text, toIso } from './shared';
import type { InboundRequest, ProviderPreset } from './types';

const envelope = z
	.object({
		event: z.string().min(1),
		resource: z.string().optional(),
		action: z.string().optional(),
		workspaceId: z.string().optional(),
		timestamp: z.union([z.string(), z.number()]),
		data: jsonObject,
		previousData: z.unknown().optional(),
		metadata: z.unknown().optional(),
	})
	.passthrough();

function dedupeKey(request: InboundRequest): string {
	const body = request.envelope;
	return [
		text(field(body, 'event')) ?? '',
		text(field(body, 'resource')) ?? '',
		text(field(field(body, 'data'), 'id')) ?? '',
		text(field(body, 'timestamp')) ?? '',
	].join('|');
}

/** OutCallerAI workspace webhooks: no signature, the operator's own auth header. */
export const outCallerAi: ProviderPreset = {
	name: 'outCallerAi',
	displayName: 'OutCallerAI',
	auth: 'authHeader',
	events: [
		{ name: 'lead.created', description: 'A lead is created or imported' },
		{ name: 'lead.updated', description: 'Lead data changes' },
		{ name: 'lead.deleted', description: 'A lead is deleted' },
		{ name: 'lead.bulk_deleted', description: 'Leads are deleted in bulk' },
		{ name: 'call.created', description: 'A call record is created' },
		{ name: 'call.initiated', description: 'A call is initiated' },
		{ name: 'call.completed', description: 'A call completes' },
		{ name: 'call.failed', description: 'A call fails' },
		{ name: 'task.created', description: 'A follow-up task is created' },
		{ name: 'task.updated', description: 'A task changes' },
		{ name: 'agent.created', description: 'An agent is created' },
	],
	envelope,
	eventName: (request) => text(field(request.envelope, 'event')) ?? '',
	dedupeKey,
	check(request) {
		const body = request.envelope;
		if (headerValue(request.headers, 'x-outcaller-event') === undefined) {
			return { error: 'missing_header', message: 'The X-Outcaller-Event header is missing' };
		}
		return (
			headerAgrees(request.headers, 'x-outcaller-event', field(body, 'event'), 'X-Outcaller-Event') ??
			headerAgrees(request.headers, 'x-outcaller-resource', field(body, 'resource'), 'X-Outcaller-Resource') ??
			headerAgrees(request.headers, 'x-outcaller-action', field(body, 'action'), 'X-Outcaller-Action') ??
			headerAgrees(
				request.headers,
				'x-outcaller-workspace-id',
				field(body, 'workspaceId'),
				'X-Outcaller-Workspace-Id',
			)
		);
	},
	toEvents(request) {
		const body = request.envelope;
		const fields: Record<string, unknown> = {
			resource: field(body, 'resource'),
			action: field(body, 'action'),
			workspaceId: field(body, 'workspaceId'),
			timestamp: field(body, 'timestamp'),
		};
		if (field(body, 'previousData') !== undefined) fields.previousData = field(body, 'previousData');
		if (field(body, 'metadata') !== undefined) fields.metadata = field(body, 'metadata');
		return [
			{
				event: text(field(body, 'event')) ?? '',
				id: dedupeKey(request),
				occurredAt: toIso(field(body, 'timestamp'), request.receivedAtMs),
				data: field(body, 'data'),
				fields,
			},
		];
	},
	setupHint:
		'OutCallerAI: Integrations → Webhook Settings → Webhook URL. Put the credential\'s auth header in Webhook Headers (JSON), e.g. {"Authorization": "Bearer <token>"}.',
	outbound: {
		label: 'OutCallerAI {Event, Resource, Action, …}',
		requiresEvent: true,
		build({ event, timestamp, data }) {
			const dot = event.indexOf('.');
			const workspaceId = field(data, 'workspaceId');
			return {
				event,
				resource: dot > 0 ? event.slice(0, dot) : event,
				action: dot > 0 ? event.slice(dot + 1) : '',
				...(typeof workspaceId === 'string' ? { workspaceId } : {}),
				timestamp: timestamp.toISOString(),
				data,
			};
		},
		headers({ envelope: sent }) {
			const headers: Record<string, string> = {};
			const names: Array<[string, string]> = [
				['event', 'X-Outcaller-Event'],
				['resource', 'X-Outcaller-Resource'],
				['action', 'X-Outcaller-Action'],
				['workspaceId', 'X-Outcaller-Workspace-Id'],
			];
			for (const [key, name] of names) {
				const value = field(sent, key);
				if (typeof value === 'string' && value !== '') headers[name] = value;
			}
			return headers;
		},
	},
};
