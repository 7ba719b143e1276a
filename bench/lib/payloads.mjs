// Realistic bodies for each preset's envelope: a ~500 B event and a ~37 KB batch of 100 dials.

export function dial(index) {
	return {
		companySlug: 'abcde123-4567-8901-2345-67890abcdef0',
		callId: `AB${String(12345 + index).padStart(7, '0')}`,
		callDirection: 'outbound',
		timestamp: new Date(Date.UTC(2026, 3, 10, 18, 32, index % 60)).toISOString(),
		ani: '5551234567',
		phone: String(5559876543 - index),
		campaign: 'Q2 Outbound Push',
		campaignInternalId: 'abc-123',
		agent: 'Jane Doe',
		disposition: index % 3 === 0 ? 'Sale' : 'No Answer',
		dispositionId: String(40 + (index % 5)),
		contact: index % 2 === 0,
		success: index % 3 === 0,
		isSystemDispo: false,
		totalDialAttempts: 1 + (index % 4),
	};
}

const lead = {
	id: 'lead_123',
	name: 'Jordan Reyes',
	phone: '+15551234567',
	email: 'jordan@example.com',
	intent: 'estimate',
	urgency: 'this_week',
	service_address: '123 Oak St, Austin, TX',
	summary: 'Wants estimate for kitchen sink replacement; flexible afternoons.',
};

/** The preset's envelope around `data`. */
export function envelope(preset, id, data, event) {
	const nowIso = new Date().toISOString();
	switch (preset) {
		case 'outboundIq':
			return { event: 'dial.batch', deliveryId: id, deliveredAt: nowIso, dials: data.dials ?? [data] };
		case 'onCallClerk':
			return { id, type: event ?? 'lead.captured', created: Math.floor(Date.now() / 1000), data };
		case 'pbx':
			return { event: event ?? 'contact.created', timestamp: Math.floor(Date.now() / 1000), data };
		case 'outCallerAi':
			return { event: 'lead.created', resource: 'lead', action: 'created', workspaceId: 'ws_1', timestamp: nowIso, data };
		default:
			return { id, type: event ?? 'lead.captured', timestamp: nowIso, data };
	}
}

export function eventBody(preset, id) {
	const data = preset === 'outboundIq' ? dial(0) : { call_id: 'call_01HZ8X9', agent_id: 'agent_main', lead };
	return Buffer.from(JSON.stringify(envelope(preset, id, data)));
}

export function batchOfDials(preset, id, count) {
	const dials = Array.from({ length: count }, (_, index) => dial(index));
	return Buffer.from(JSON.stringify(envelope(preset, id, { dials })));
}
