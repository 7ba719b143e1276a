/**
 * The decrypted credential of a live trigger, kept briefly. n8n's getCredentials() reads the
 * database and builds an expression isolate on every call (credentials-helper
 * applyDefaultsAndOverwrites); per request that is most of the trigger's cost.
 */

/** How long a read credential is used without asking n8n again. */
export const CREDENTIAL_LIFETIME_MS = 30_000;
/** A request that fails authentication reads the credential again, at most this often per key. */
export const CREDENTIAL_REFRESH_MS = 5_000;
const MAX_CREDENTIALS = 200;

interface Entry<T> {
	value: T;
	readAtMs: number;
}

export interface CachedRead<T> {
	value: T;
	/** Whether n8n was asked for it just now. */
	fresh: boolean;
}

export class CredentialCache<T> {
	private readonly entries = new Map<string, Entry<T>>();
	private readonly reads = new Map<string, Promise<T>>();

	constructor(
		private readonly lifetimeMs = CREDENTIAL_LIFETIME_MS,
		private readonly refreshMs = CREDENTIAL_REFRESH_MS,
		private readonly maxEntries = MAX_CREDENTIALS,
	) {}

	/** The kept value while it is young enough, else a new read. */
	async get(key: string, read: () => Promise<T>, nowMs: number): Promise<CachedRead<T>> {
		const entry = this.entries.get(key);
		if (entry && nowMs - entry.readAtMs < this.lifetimeMs) return { value: entry.value, fresh: false };
		return { value: await this.store(key, read, nowMs), fresh: true };
	}

	/**
	 * A new read after an authentication failure, so that a rotated secret applies at once;
	 * undefined when the key was read less than the refresh interval ago.
	 */
	async refresh(key: string, read: () => Promise<T>, nowMs: number): Promise<T | undefined> {
		const entry = this.entries.get(key);
		if (entry && nowMs - entry.readAtMs < this.refreshMs) return undefined;
		return await this.store(key, read, nowMs);
	}

	/** One read per key at a time: concurrent requests that find the value old share it. */
	private async store(key: string, read: () => Promise<T>, nowMs: number): Promise<T> {
		const pending = this.reads.get(key);
		if (pending) return await pending;
		const reading = read();
		this.reads.set(key, reading);
		try {
			const value = await reading;
			this.entries.delete(key);
			// Map order is insertion order: the first key is the one read longest ago.
			if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
			this.entries.set(key, { value, readAtMs: nowMs });
			return value;
		} finally {
			this.reads.delete(key);
		}
	}
}
