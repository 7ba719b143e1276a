/** Source-IP allowlists: IPv4 and IPv6 addresses and CIDR ranges; IPv4-mapped IPv6 counts as IPv4. */

interface Range {
	/** 4 bytes for IPv4, 16 for IPv6. */
	bytes: Uint8Array;
	prefix: number;
}

export interface IpAllowlist {
	readonly empty: boolean;
	/** Entries that are not addresses or ranges: they allow no one, so the operator must see them. */
	readonly invalid: readonly string[];
	allows(address: string | undefined): boolean;
}

function parseIpv4(text: string): Uint8Array | undefined {
	const parts = text.split('.');
	if (parts.length !== 4) return undefined;
	const bytes = new Uint8Array(4);
	for (let i = 0; i < 4; i++) {
		if (!/^\d{1,3}$/.test(parts[i])) return undefined;
		const value = Number(parts[i]);
		if (value > 255) return undefined;
		bytes[i] = value;
	}
	return bytes;
}

function parseIpv6(input: string): Uint8Array | undefined {
	let text = input;
	const zone = text.indexOf('%');
	if (zone >= 0) text = text.slice(0, zone);
	if (text.startsWith('[') && text.endsWith(']')) text = text.slice(1, -1);
	if (text === '' || text.length > 45) return undefined;

	let tail: Uint8Array | undefined;
	const lastColon = text.lastIndexOf(':');
	if (lastColon >= 0 && text.slice(lastColon + 1).includes('.')) {
		tail = parseIpv4(text.slice(lastColon + 1));
		if (!tail) return undefined;
		text = `${text.slice(0, lastColon + 1)}0:0`;
	}

	const halves = text.split('::');
	if (halves.length > 2) return undefined;
	const toGroups = (part: string): number[] | undefined => {
		if (part === '') return [];
		const groups: number[] = [];
		for (const group of part.split(':')) {
			if (!/^[0-9a-fA-F]{1,4}$/.test(group)) return undefined;
			groups.push(parseInt(group, 16));
		}
		return groups;
	};
	const head = toGroups(halves[0]);
	const rest = halves.length === 2 ? toGroups(halves[1]) : [];
	if (!head || !rest) return undefined;
	const missing = 8 - head.length - rest.length;
	if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
	const groups = [...head, ...new Array<number>(missing).fill(0), ...rest];
	const bytes = new Uint8Array(16);
	groups.forEach((group, index) => {
		bytes[index * 2] = group >> 8;
		bytes[index * 2 + 1] = group & 0xff;
	});
	if (tail) bytes.set(tail, 12);
	return bytes;
}

function isV4Mapped(bytes: Uint8Array): boolean {
	if (bytes.length !== 16) return false;
	for (let i = 0; i < 10; i++) if (bytes[i] !== 0) return false;
	return bytes[10] === 0xff && bytes[11] === 0xff;
}

/** An address as bytes; IPv4-mapped IPv6 (`::ffff:1.2.3.4`) becomes its IPv4 form. */
export function parseIp(text: string): Uint8Array | undefined {
	const trimmed = text.trim();
	if (trimmed === '') return undefined;
	const v4 = parseIpv4(trimmed);
	if (v4) return v4;
	if (!trimmed.includes(':')) return undefined;
	const v6 = parseIpv6(trimmed);
	if (!v6) return undefined;
	return isV4Mapped(v6) ? v6.slice(12) : v6;
}

function parseRange(entry: string): Range | undefined {
	const slash = entry.indexOf('/');
	const addressText = slash >= 0 ? entry.slice(0, slash) : entry;
	const prefixText = slash >= 0 ? entry.slice(slash + 1) : undefined;
	const raw = parseIpv4(addressText.trim()) ?? (addressText.includes(':') ? parseIpv6(addressText.trim()) : undefined);
	if (!raw) return undefined;
	let prefix = raw.length * 8;
	if (prefixText !== undefined) {
		if (!/^\d{1,3}$/.test(prefixText.trim())) return undefined;
		prefix = Number(prefixText.trim());
		if (prefix > raw.length * 8) return undefined;
	}
	// An IPv4-mapped IPv6 range of /96 or longer is the IPv4 range it maps.
	if (isV4Mapped(raw) && prefix >= 96) return { bytes: raw.slice(12), prefix: prefix - 96 };
	return { bytes: raw, prefix };
}

function inRange(address: Uint8Array, range: Range): boolean {
	if (address.length !== range.bytes.length) return false;
	const fullBytes = Math.floor(range.prefix / 8);
	for (let i = 0; i < fullBytes; i++) if (address[i] !== range.bytes[i]) return false;
	const remainder = range.prefix % 8;
	if (remainder === 0) return true;
	const mask = (0xff << (8 - remainder)) & 0xff;
	return (address[fullBytes] & mask) === (range.bytes[fullBytes] & mask);
}

/** Entries separated by commas, spaces or new lines. An empty list allows everyone. */
export function createIpAllowlist(text: string | undefined): IpAllowlist {
	const entries = (text ?? '')
		.split(/[\s,]+/)
		.map((entry) => entry.trim())
		.filter((entry) => entry !== '');
	const ranges: Range[] = [];
	const invalid: string[] = [];
	for (const entry of entries) {
		const range = parseRange(entry);
		if (range) ranges.push(range);
		else invalid.push(entry);
	}
	const empty = entries.length === 0;
	return {
		empty,
		invalid,
		allows(address: string | undefined): boolean {
			if (empty) return true;
			if (address === undefined) return false;
			const bytes = parseIp(address);
			if (!bytes) return false;
			return ranges.some((range) => inRange(bytes, range));
		},
	};
}
