import { hash } from 'crypto';
import type { IDataObject } from 'n8n-workflow';

/** How many event ids each trigger node remembers at least. */
export const DEDUP_WINDOW = 1000;

/**
 * Ids beyond the window are forgotten this many at a time, so the saved window holds between
 * DEDUP_WINDOW and DEDUP_WINDOW + EVICTION_BATCH ids (cutting the oldest id off a long string
 * copies the whole string; cutting a hundred at once costs the same).
 */
export const EVICTION_BATCH = 100;

const FINGERPRINT_LENGTH = 8;

/**
 * The ids a trigger node accepted most recently, oldest first.
 *
 * Saved in the node's static data as one string of fingerprints, 8 characters each (48 bits of
 * SHA-256: with 1,099 ids remembered, a new event is taken for a duplicate about once in 250
 * billion), one after the other. n8n saves a workflow's static data as JSON after every
 * production request that changed it, reads it with the workflow on every request and copies it
 * into every execution it saves, so what is saved must be small: under 9 kB, however many events
 * arrive. In memory the same ids are kept in a Set for lookups, with their order for forgetting
 * the oldest.
 */
export interface EventWindow {
	ids: string;
	count: number;
	lookup: Set<string>;
	/** Fingerprints oldest first, from `first` on (the ones before were evicted). */
	order: string[];
	first: number;
}

/**
 * The window each trigger node last saved from this process. n8n saves static data after the
 * node has answered, and concurrent requests overwrite each other's static data (last write
 * wins): a request that starts before the previous one's save finished would load an older
 * window and, when saved, drop the ids accepted in between. Merging in what this process
 * accepted closes that gap and makes a duplicate arriving at the same instant a duplicate.
 * Static data stays the source of truth: after a restart, or in another process, it is all
 * there is.
 */
const acceptedHere = new Map<string, EventWindow>();

const memoryOnly = new Map<string, IDataObject>();

/**
 * Where a node keeps its window when the user chose not to save it (faster: no database write
 * per event, but forgotten on restart and not shared between webhook processes).
 */
export function inMemoryStore(scope: string): IDataObject {
	let store = memoryOnly.get(scope);
	if (store === undefined) {
		store = {};
		memoryOnly.set(scope, store);
	}
	return store;
}

/** A short, fixed-length stand-in for an event id of any length or content. */
export function fingerprint(eventId: string | Buffer): string {
	return hash('sha256', eventId, 'base64url').slice(0, FINGERPRINT_LENGTH);
}

/** The fingerprints in a saved window, oldest first. */
function fingerprints(ids: string): string[] {
	const list: string[] = [];
	for (let i = 0; i + FINGERPRINT_LENGTH <= ids.length; i += FINGERPRINT_LENGTH) {
		list.push(ids.slice(i, i + FINGERPRINT_LENGTH));
	}
	return list;
}

/** A window with its in-memory index, from fingerprints oldest first. */
function indexed(order: string[]): EventWindow {
	return { ids: order.join(''), count: order.length, lookup: new Set(order), order, first: 0 };
}

/**
 * The ids a node has accepted: its static data, plus what this process accepted and may not
 * have saved yet. `scope` names the node (mode, workflow and node name).
 */
export function recentEvents(staticData: IDataObject, scope: string): EventWindow {
	const persisted = typeof staticData.seenEventIds === 'string' ? staticData.seenEventIds : '';
	const local = acceptedHere.get(scope);
	if (local === undefined) return indexed(fingerprints(persisted));
	if (local.ids === persisted) return local;
	// Ids only the saved window has (another process's, or saved before a restart) count as older
	// than this process's own, which keep the order they were accepted in: a process never forgets
	// one of its own last DEDUP_WINDOW ids because other processes' windows were merged in.
	const order = fingerprints(persisted).filter((id) => !local.lookup.has(id));
	for (let i = local.first; i < local.order.length; i++) order.push(local.order[i]);
	return indexed(order);
}

export function wasSeen(window: EventWindow, eventFingerprint: string): boolean {
	return window.lookup.has(eventFingerprint);
}

/**
 * Records an accepted event in the node's static data (and in this process's memory), forgetting
 * the oldest ids once the window is a batch over its size.
 */
export function rememberEvent(
	staticData: IDataObject,
	scope: string,
	window: EventWindow,
	eventFingerprint: string,
	windowSize = DEDUP_WINDOW,
): void {
	const { order, lookup } = window;
	let first = window.first;
	let ids = window.ids + eventFingerprint;
	let count = window.count + 1;
	order.push(eventFingerprint);
	lookup.add(eventFingerprint);
	if (count > windowSize + EVICTION_BATCH - 1) {
		const evicted = count - windowSize;
		for (let i = first; i < first + evicted; i++) lookup.delete(order[i]);
		first += evicted;
		count = windowSize;
		ids = ids.slice(evicted * FINGERPRINT_LENGTH);
		if (first > windowSize) {
			order.splice(0, first);
			first = 0;
		}
	}
	const next: EventWindow = { ids, count, lookup, order, first };
	staticData.seenEventIds = ids;
	staticData.seenEventCount = count;
	acceptedHere.set(scope, next);
}
