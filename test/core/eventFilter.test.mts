import { describe, expect, it } from 'vitest';

import { createEventFilter, splitEventList } from '../../nodes/core/eventFilter';

describe('event filter', () => {
	it('exact names, lead.* and * wildcards', () => {
		const leads = createEventFilter(['lead.*']);
		expect(leads.matches('lead.created')).toBe(true);
		expect(leads.matches('lead.bulk_deleted')).toBe(true);
		expect(leads.matches('call.created')).toBe(false);
		expect(leads.matches('lead')).toBe(false);
		expect(createEventFilter(['*']).matches('anything.at.all')).toBe(true);
		expect(createEventFilter([]).matches('anything.at.all')).toBe(true);
		const mixed = createEventFilter(['call.completed', '*.deleted']);
		expect(mixed.matches('call.completed')).toBe(true);
		expect(mixed.matches('contact.deleted')).toBe(true);
		expect(mixed.matches('call.started')).toBe(false);
		expect(createEventFilter(['a.b']).matches('aXb')).toBe(false);
	});

	it('custom names are split on commas and new lines', () => {
		expect(splitEventList(' lead.*, call.completed\nmy.custom ,, ')).toEqual(['lead.*', 'call.completed', 'my.custom']);
	});

	it('an event named like an Object.prototype member is not subscribed by accident', () => {
		const filter = createEventFilter(['lead.captured']);
		expect(filter.matches('constructor')).toBe(false);
		expect(filter.matches('__proto__')).toBe(false);
		expect(filter.matches('toString')).toBe(false);
	});
});
