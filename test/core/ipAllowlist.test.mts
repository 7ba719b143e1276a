import { describe, expect, it } from 'vitest';

import { createIpAllowlist, parseIp } from '../../nodes/core/ipAllowlist';

describe('IP allowlist', () => {
	it('parses IPv4, IPv6, compressed forms and IPv4-mapped IPv6', () => {
		expect([...(parseIp('192.0.2.1') ?? [])]).toEqual([192, 0, 2, 1]);
		expect([...(parseIp('::ffff:192.0.2.1') ?? [])]).toEqual([192, 0, 2, 1]);
		expect([...(parseIp('::ffff:c000:201') ?? [])]).toEqual([192, 0, 2, 1]);
		expect(parseIp('2001:db8::1')?.length).toBe(16);
		expect(parseIp('fe80::1%eth0')?.length).toBe(16);
		for (const bad of ['', '256.1.1.1', '1.2.3', '1::2::3', 'zz::1', 'hello', '1.2.3.4.5', '12345::']) {
			expect(parseIp(bad), bad).toBeUndefined();
		}
	});

	it('matches CIDR ranges of both families, and mapped addresses against IPv4 ranges', () => {
		const list = createIpAllowlist('10.0.0.0/8, 192.168.1.7\n2001:db8:abcd::/48 ::ffff:172.16.0.0/108');
		expect(list.invalid).toEqual([]);
		expect(list.allows('10.255.0.1')).toBe(true);
		expect(list.allows('::ffff:10.1.2.3')).toBe(true);
		expect(list.allows('192.168.1.7')).toBe(true);
		expect(list.allows('192.168.1.8')).toBe(false);
		expect(list.allows('2001:db8:abcd:12::1')).toBe(true);
		expect(list.allows('2001:db8:abce::1')).toBe(false);
		expect(list.allows('172.16.5.5')).toBe(true);
		expect(list.allows('172.32.0.1')).toBe(false);
		expect(list.allows(undefined)).toBe(false);
		expect(list.allows('garbage')).toBe(false);
	});

	it('prefix lengths that are not byte-aligned', () => {
		const list = createIpAllowlist('203.0.113.64/26');
		expect(list.allows('203.0.113.64')).toBe(true);
		expect(list.allows('203.0.113.127')).toBe(true);
		expect(list.allows('203.0.113.128')).toBe(false);
		expect(list.allows('203.0.113.63')).toBe(false);
	});

	it('an empty list allows anyone; a list of only invalid entries allows no one', () => {
		expect(createIpAllowlist('').allows('1.2.3.4')).toBe(true);
		const invalid = createIpAllowlist('not-an-ip, 10.0.0.0/33');
		expect(invalid.invalid).toEqual(['not-an-ip', '10.0.0.0/33']);
		expect(invalid.allows('10.0.0.1')).toBe(false);
	});
});
