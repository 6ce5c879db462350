/*
 * Entries that end: what a trigger keeps in memory across requests (decrypted credentials, derived
 * secrets) has an end of life, and is dropped then, whether or not other requests arrive. Each
 * store sweeps itself with one timer set for its earliest end; the timer does not keep n8n (or a
 * test run) alive on its own.
 */

/** When to run a sweep: a timer that does not hold the process open. Replaceable in tests. */
export const wakeUp = {
	after(delayMs: number, callback: () => void): void {
		// AbortSignal.timeout's timer is unref'd; the listener keeps the signal alive until it fires.
		const signal = AbortSignal.timeout(Math.max(1, Math.ceil(delayMs)));
		signal.addEventListener('abort', callback, { once: true });
	},
};

interface Slot<V> {
	value: V;
	/** Milliseconds since the epoch at which the entry is gone. */
	endsAt: number;
}

/**
 * A map whose entries end at a time of their own. Reading an ended entry finds nothing; the sweep
 * removes ended entries at their end, so the values become unreachable then.
 */
export class ExpiringMap<K, V> {
	private readonly slots = new Map<K, Slot<V>>();

	/** The time the next sweep is set for, if one is. */
	private sweepAt: number | undefined;

	get(key: K, now = Date.now()): V | undefined {
		const slot = this.slots.get(key);
		if (slot === undefined) return undefined;
		if (slot.endsAt <= now) {
			this.slots.delete(key);
			return undefined;
		}
		return slot.value;
	}

	/** The entry's end of life, while it lives. */
	endOf(key: K, now = Date.now()): number | undefined {
		const slot = this.slots.get(key);
		return slot !== undefined && slot.endsAt > now ? slot.endsAt : undefined;
	}

	set(key: K, value: V, endsAt: number): void {
		this.slots.set(key, { value, endsAt });
		this.sweepBy(endsAt);
	}

	/** Moves a living entry's end (for entries that live while they are used). */
	extend(key: K, endsAt: number): void {
		const slot = this.slots.get(key);
		if (slot === undefined) return;
		slot.endsAt = endsAt;
		this.sweepBy(endsAt);
	}

	delete(key: K): void {
		this.slots.delete(key);
	}

	clear(): void {
		this.slots.clear();
	}

	/** The living values (with their keys). */
	*entries(now = Date.now()): IterableIterator<[K, V]> {
		for (const [key, slot] of this.slots) if (slot.endsAt > now) yield [key, slot.value];
	}

	get size(): number {
		return this.slots.size;
	}

	private sweepBy(endsAt: number): void {
		if (this.sweepAt !== undefined && this.sweepAt <= endsAt) return;
		this.sweepAt = endsAt;
		wakeUp.after(endsAt - Date.now(), () => this.sweep(endsAt));
	}

	/** Drops ended entries and sets the timer for the next end, if any. */
	private sweep(scheduledFor: number): void {
		// A later-set, earlier timer has taken over: this one's time is still covered.
		if (this.sweepAt !== scheduledFor) return;
		this.sweepAt = undefined;
		const now = Date.now();
		let next: number | undefined;
		for (const [key, slot] of this.slots) {
			if (slot.endsAt <= now) this.slots.delete(key);
			else if (next === undefined || slot.endsAt < next) next = slot.endsAt;
		}
		if (next !== undefined) this.sweepBy(next);
	}
}
