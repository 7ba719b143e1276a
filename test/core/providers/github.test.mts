import { sign as octokitSign, verify as octokitVerify } from '@octokit/webhooks-methods';
import { describe, expect, it } from 'vitest';

import { gitHubScheme } from '../../../nodes/core/providers/github';
import { SECRET } from '../../helpers/schemeVectors.mts';

describe('GitHub documented vector', () => {
	it('produces the documented signature', () => {
		const headers = gitHubScheme.sign({ body: 'Hello, World!', secret: "It's a Secret to Everybody" });
		expect(headers['X-Hub-Signature-256']).toBe(
			'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17',
		);
	});
});

describe('cross-check with the reference implementation', () => {
	const body = '{"type":"contact.created","data":{"name":"Zoë Ñúñez","note":"日本語 ✓"}}';

	it('@octokit/webhooks-methods verifies ours, and we verify theirs', async () => {
		const ours = gitHubScheme.sign({ body, secret: SECRET })['X-Hub-Signature-256'];
		expect(await octokitVerify(SECRET, body, ours)).toBe(true);
		const theirs = await octokitSign(SECRET, body);
		expect(theirs).toBe(ours);
		const result = gitHubScheme.verify({
			body: Buffer.from(body),
			headers: { 'x-hub-signature-256': theirs },
			secrets: [SECRET],
		});
		expect(result.ok).toBe(true);
	});
});
