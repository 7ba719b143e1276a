/** Defaults: a 24 h window and at most 10,000 keys per node. */
export const DEFAULT_DEDUPE_WINDOW_SECONDS = 24 * 60 * 60;
export const DEFAULT_DEDUPE_MAX_KEYS = 10_000;

export interface DedupeOptions {
	windowSeconds: number;
	maxKeys: number;
}

/**
 * A bounded, in-memory record of recently seen keys. `checkAndSet` is
 * synchronous, so two concurrent deliveries of one key cannot both pass.
 * Keys expire after the window; past `maxKeys`, the oldest is evicted.
 */
export class DedupeStore {
	/** key → expiry (ms). Insertion order is arrival order, so the first entry is the oldest. */
	private readonly seen = new Map<string, number>();

	private windowMs: number;

	private maxKeys: number;

	constructor(options: Partial<DedupeOptions> = {}) {
		this.windowMs = 0;
		this.maxKeys = 0;
		this.configure(options);
	}

	configure(options: Partial<DedupeOptions>): void {
		const window = options.windowSeconds ?? DEFAULT_DEDUPE_WINDOW_SECONDS;
		const max = options.maxKeys ?? DEFAULT_DEDUPE_MAX_KEYS;
		this.windowMs = Number.isFinite(window) && window > 0 ? window * 1000 : 0;
		this.maxKeys = Number.isFinite(max) && max >= 1 ? Math.floor(max) : DEFAULT_DEDUPE_MAX_KEYS;
		while (this.seen.size > this.maxKeys) this.evictOldest();
	}

	get size(): number {
		return this.seen.size;
	}

	/**
	 * True when the key is new (and records it); false when it was seen within
	 * the window. A window of 0 turns deduplication off.
	 */
	checkAndSet(key: string, nowMs: number = Date.now()): boolean {
		if (this.windowMs === 0) return true;
		const expiry = this.seen.get(key);
		if (expiry !== undefined) {
			if (expiry > nowMs) return false;
			this.seen.delete(key);
		}
		this.sweep(nowMs);
		while (this.seen.size >= this.maxKeys) this.evictOldest();
		this.seen.set(key, nowMs + this.windowMs);
		return true;
	}

	/** Forgets a key, so that a retry of a delivery that was not handed over is not a duplicate. */
	forget(key: string): void {
		this.seen.delete(key);
	}

	/** Drops expired keys from the front; stops at the first live one. */
	private sweep(nowMs: number): void {
		for (const [key, expiry] of this.seen) {
			if (expiry > nowMs) return;
			this.seen.delete(key);
		}
	}

	private evictOldest(): void {
		const oldest = this.seen.keys().next();
		if (!oldest.done) this.seen.delete(oldest.value);
	}
}

const MAX_STORES = 1_000;
const stores = new Map<string, DedupeStore>();

/**
 * The store of one node (by workflow, node and mode), in this process. The
 * number of stores is bounded too; the least recently used is dropped.
 */
export function dedupeStoreFor(scope: string, options: Partial<DedupeOptions>): DedupeStore {
	let store = stores.get(scope);
	if (store === undefined) {
		store = new DedupeStore(options);
		if (stores.size >= MAX_STORES) {
			const oldest = stores.keys().next();
			if (!oldest.done) stores.delete(oldest.value);
		}
	} else {
		stores.delete(scope);
		store.configure(options);
	}
	stores.set(scope, store);
	return store;
}

