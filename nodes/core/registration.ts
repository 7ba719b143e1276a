import { randomBytes } from 'crypto';

/** Placeholders of the registration body template. */
export const WEBHOOK_URL_PLACEHOLDER = '%WEBHOOK_URL%';
export const EVENTS_PLACEHOLDER = '%EVENTS%';
export const SECRET_PLACEHOLDER = '%SECRET%';
export const ID_PLACEHOLDER = '%ID%';

export const DEFAULT_BODY_TEMPLATE = `{
  "url": "${WEBHOOK_URL_PLACEHOLDER}",
  "events": "${EVENTS_PLACEHOLDER}",
  "secret": "${SECRET_PLACEHOLDER}"
}`;

export interface TemplateValues {
	webhookUrl: string;
	events: readonly string[];
	secret: string;
}

/** Static-data keys the trigger keeps for a subscription it registered. */
export const STATIC_KEYS = {
	id: 'subscriptionId',
	secret: 'subscriptionSecret',
	webhookUrl: 'subscriptionWebhookUrl',
	createdAt: 'subscriptionCreatedAt',
} as const;

/** A fresh signing secret: 32 random bytes as hex, or `whsec_` + base64 for Standard Webhooks. */
export function generateSecret(format: 'hex' | 'whsec' = 'hex'): string {
	const bytes = randomBytes(32);
	return format === 'whsec' ? `whsec_${bytes.toString('base64')}` : bytes.toString('hex');
}

function substitute(value: unknown, values: TemplateValues): unknown {
	if (typeof value === 'string') {
		if (value === EVENTS_PLACEHOLDER) return [...values.events];
		return value
			.split(WEBHOOK_URL_PLACEHOLDER)
			.join(values.webhookUrl)
			.split(SECRET_PLACEHOLDER)
			.join(values.secret)
			.split(EVENTS_PLACEHOLDER)
			.join(values.events.join(','));
	}
	if (Array.isArray(value)) return value.map((entry) => substitute(entry, values));
	if (typeof value === 'object' && value !== null) {
		const out: Record<string, unknown> = {};
		for (const [key, entry] of Object.entries(value)) {
			if (key !== '__proto__') out[key] = substitute(entry, values);
		}
		return out;
	}
	return value;
}

/**
 * The create request's body: the template is parsed as JSON first and the
 * placeholders are replaced inside its string values, so no value can break
 * out of the JSON. A string that is exactly `%EVENTS%` becomes the events array.
 */
export function renderBodyTemplate(template: string | object, values: TemplateValues): unknown {
	const parsed: unknown = typeof template === 'string' ? JSON.parse(template) : template;
	return substitute(parsed, values);
}

/** A dot path into a response (`data.id`, `items.0.secret`); own properties only. */
export function readPath(value: unknown, path: string): unknown {
	if (path.trim() === '') return undefined;
	let current: unknown = value;
	for (const segment of path.split('.')) {
		if (typeof current !== 'object' || current === null) return undefined;
		if (!Object.prototype.hasOwnProperty.call(current, segment)) return undefined;
		current = (current as Record<string, unknown>)[segment];
	}
	return current;
}

/** The subscription's own URL: the template with `%ID%`, or the create URL + `/<id>`. */
export function subscriptionUrl(template: string, createUrl: string, id: string): string {
	const encoded = encodeURIComponent(id);
	if (template.trim() !== '') return template.split(ID_PLACEHOLDER).join(encoded);
	return `${createUrl.replace(/\/+$/, '')}/${encoded}`;
}
