import { createHash } from 'crypto';
import type { IDataObject } from 'n8n-workflow';

/** How many event ids each trigger node remembers. Older ids are forgotten first. */
export const DEDUP_WINDOW = 1000;

/**
 * The ids a trigger node accepted most recently, oldest first, as fingerprints (22 characters
 * each) in one space-separated string with a space at both ends. n8n wraps static data in a
 * proxy and saves it as JSON after every production request, so one string is one property read
 * to search and a small, fixed-size value to save: at most DEDUP_WINDOW fingerprints, about
 * 23 kB however many events arrive. (base64url never contains a space.)
 */
export interface EventWindow {
	ids: string;
	count: number;
}

const EMPTY: EventWindow = { ids: ' ', count: 0 };

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

/** A short, fixed-length stand-in for an event id of any length or content. */
export function fingerprint(eventId: string): string {
	return createHash('sha256').update(eventId, 'utf8').digest('base64url').slice(0, 22);
}

function persistedWindow(staticData: IDataObject): EventWindow {
	const { seenEventIds: ids, seenEventCount: count } = staticData;
	return typeof ids === 'string' && typeof count === 'number' ? { ids, count } : EMPTY;
}

/** Both windows' ids, each once, the persisted ones first. */
function mergeWindows(persisted: EventWindow, local: EventWindow): EventWindow {
	const ids = persisted.ids.split(' ').filter((id) => id !== '');
	const known = new Set(ids);
	for (const id of local.ids.split(' ')) {
		if (id !== '' && !known.has(id)) {
			known.add(id);
			ids.push(id);
		}
	}
	return { ids: ` ${ids.join(' ')} `.replace('  ', ' '), count: ids.length };
}

/**
 * The ids a node has accepted: its static data, plus what this process accepted and may not
 * have saved yet. `scope` names the node (mode, workflow and node name).
 */
export function recentEvents(staticData: IDataObject, scope: string): EventWindow {
	const persisted = persistedWindow(staticData);
	const local = acceptedHere.get(scope);
	if (local === undefined || local.ids === persisted.ids) return persisted;
	return mergeWindows(persisted, local);
}

export function wasSeen(window: EventWindow, eventFingerprint: string): boolean {
	return window.ids.includes(` ${eventFingerprint} `);
}

/**
 * Records an accepted event in the node's static data (and in this process's memory), forgetting
 * the oldest ids beyond the window size.
 */
export function rememberEvent(
	staticData: IDataObject,
	scope: string,
	window: EventWindow,
	eventFingerprint: string,
	windowSize = DEDUP_WINDOW,
): void {
	let ids = `${window.ids}${eventFingerprint} `;
	let count = window.count + 1;
	while (count > windowSize) {
		ids = ids.slice(ids.indexOf(' ', 1));
		count--;
	}
	staticData.seenEventIds = ids;
	staticData.seenEventCount = count;
	acceptedHere.set(scope, { ids, count });
}
