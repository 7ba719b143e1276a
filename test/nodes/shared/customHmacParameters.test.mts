import { describe, expect, it } from 'vitest';

import {
	customHmacProperties,
	customHmacTriggerProperties,
	readCustomHmacParameters,
	readCustomHmacSettings,
} from '../../../nodes/shared/customHmacParameters';
import { SignedWebhook } from '../../../nodes/SignedWebhook/SignedWebhook.node';
import { SignedWebhookTrigger } from '../../../nodes/SignedWebhookTrigger/SignedWebhookTrigger.node';

const show = { signatureScheme: ['customHmac'] };
const reader = (values: Record<string, unknown>) => (name: string, fallback?: unknown) => (name in values ? values[name] : fallback);

describe('Custom HMAC parameters, one table for both nodes', () => {
	it('the signature settings, with their defaults, under the given condition', () => {
		const properties = customHmacProperties(show);
		expect(properties.map((property) => [property.name, property.default])).toEqual([
			['customSignatureHeader', 'X-Signature'],
			['customPrefix', ''],
			['customAlgorithm', 'sha256'],
			['customEncoding', 'hex'],
			['customTemplate', '{body}'],
			['customTimestampHeader', ''],
			['customIdHeader', ''],
			['customSecretEncoding', 'utf8'],
		]);
		expect(properties.every((property) => property.displayOptions?.show === show)).toBe(true);
		expect(properties[0]).toMatchObject({ displayName: 'Signature Header', type: 'string', required: true });
		expect(properties[2].options).toEqual([
			{ name: 'SHA-1', value: 'sha1' },
			{ name: 'SHA-256', value: 'sha256' },
			{ name: 'SHA-512', value: 'sha512' },
		]);
	});

	it('the trigger adds where the event name and id are in the body', () => {
		const properties = customHmacTriggerProperties({ provider: ['customHmac'] });
		expect(properties.map((property) => property.name)).toEqual([
			...customHmacProperties(show).map((property) => property.name),
			'customEventField',
			'customIdField',
		]);
		expect(properties.slice(-2)).toMatchObject([
			{ displayName: 'Event Field', default: '', placeholder: 'event' },
			{ displayName: 'ID Field', default: '', placeholder: 'ID' },
		]);
	});

	it("are what both nodes' descriptions show", () => {
		const custom = (properties: SignedWebhook['description']['properties']) => properties.filter((property) => property.name.startsWith('custom') && property.name !== 'customEvents');
		expect(custom(new SignedWebhook().description.properties)).toEqual(customHmacProperties({ signatureScheme: ['customHmac'] }));
		expect(custom(new SignedWebhookTrigger().description.properties)).toEqual(customHmacTriggerProperties({ provider: ['customHmac'] }));
	});

	it('reads the defaults when nothing is set, and trims what is typed', () => {
		expect(readCustomHmacParameters(reader({}))).toEqual({
			signatureHeader: 'X-Signature',
			prefix: '',
			algorithm: 'sha256',
			encoding: 'hex',
			template: '{body}',
			timestampHeader: '',
			idHeader: '',
			secretEncoding: 'utf8',
		});
		expect(readCustomHmacParameters(reader({ customSignatureHeader: ' X-Sig ', customTemplate: ' ', customAlgorithm: 'sha512' }))).toMatchObject({
			signatureHeader: 'X-Sig',
			template: '',
			algorithm: 'sha512',
		});
	});

	it('the trigger also reads the body fields, as typed', () => {
		expect(readCustomHmacSettings(reader({ customEventField: 'kind', customIdField: 'uid' }))).toMatchObject({
			signatureHeader: 'X-Signature',
			eventField: 'kind',
			idField: 'uid',
		});
	});
});
