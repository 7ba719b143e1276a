/**
 * Looks for secrets in whatever a scenario produced (responses, items, error messages, logs),
 * in the forms a leak would take: as is, base64, hex, URL-encoded, and for a Standard Webhooks
 * `whsec_` secret also its base64 body and the decoded key.
 */

export interface Haystack {
	/** Where the text came from, e.g. "HTTP response 401 github/wrong-signature". */
	where: string;
	text: string;
}

export interface Finding {
	where: string;
	secret: string;
	form: string;
	/** Text around the hit, with the secret itself masked. */
	context: string;
}

/** The forms a secret could leak in. Short forms (< 8 chars) are skipped: they would match by chance. */
export function secretForms(secret: string): Array<{ form: string; text: string }> {
	const forms = [
		{ form: 'plain', text: secret },
		{ form: 'base64', text: Buffer.from(secret).toString('base64').replace(/=+$/, '') },
		{ form: 'hex', text: Buffer.from(secret).toString('hex') },
		{ form: 'url-encoded', text: encodeURIComponent(secret) },
	];
	if (secret.startsWith('whsec_')) {
		const body = secret.slice('whsec_'.length);
		forms.push({ form: 'whsec body', text: body.replace(/=+$/, '') });
		const key = Buffer.from(body, 'base64').toString('latin1');
		if (/^[\x20-\x7e]+$/.test(key)) forms.push({ form: 'decoded whsec key', text: key });
	}
	return forms.filter((f, i, all) => f.text.length >= 8 && all.findIndex((g) => g.text === f.text) === i);
}

export function sweepForSecrets(haystacks: Haystack[], secrets: Record<string, string>): Finding[] {
	const findings: Finding[] = [];
	for (const [name, secret] of Object.entries(secrets)) {
		for (const { form, text } of secretForms(secret)) {
			for (const haystack of haystacks) {
				const at = haystack.text.indexOf(text);
				if (at < 0) continue;
				const context = haystack.text.slice(Math.max(0, at - 60), at + text.length + 60).replace(text, `<${name}>`);
				findings.push({ where: haystack.where, secret: name, form, context });
			}
		}
	}
	return findings;
}

/** JSON text of anything, for sweeping (strings are kept as they are). */
export function asText(value: unknown): string {
	if (typeof value === 'string') return value;
	try {
		return JSON.stringify(value) ?? String(value);
	} catch {
		return String(value);
	}
}
