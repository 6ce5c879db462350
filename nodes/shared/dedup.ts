import { createHash } from 'crypto';
import type { IDataObject } from 'n8n-workflow';

/** How many event ids each trigger node remembers. Older ids are forgotten first. */
export const DEDUP_WINDOW = 1000;

/**
 * The part of the node's static data that remembers accepted event ids.
 *
 * The ids are kept as fingerprints (22 characters each) in one space-separated string (base64url never contains a space, and a space needs no escaping in JSON) rather
 * than an array: n8n wraps static data in a proxy and saves it as JSON after every production
 * request, so one string is one property read to search and a small, fixed-size value to save.
 * At most DEDUP_WINDOW fingerprints are kept: the size is flat, about 23 kB, however many
 * events arrive.
 */
interface SeenEvents extends IDataObject {
	seenEventIds: string;
	seenEventCount: number;
}

/** A short, fixed-length stand-in for an event id of any length or content. */
export function fingerprint(eventId: string): string {
	return createHash('sha256').update(eventId, 'utf8').digest('base64url').slice(0, 22);
}

function seenEvents(staticData: IDataObject): SeenEvents {
	if (typeof staticData.seenEventIds !== 'string' || typeof staticData.seenEventCount !== 'number') {
		staticData.seenEventIds = ' ';
		staticData.seenEventCount = 0;
	}
	return staticData as SeenEvents;
}

/** Whether an event with this fingerprint was already accepted by this node. */
export function wasSeen(staticData: IDataObject, eventFingerprint: string): boolean {
	const ids = staticData.seenEventIds;
	return typeof ids === 'string' && ids.includes(` ${eventFingerprint} `);
}

/** Records an accepted event's fingerprint, forgetting the oldest one when the window is full. */
export function rememberEvent(
	staticData: IDataObject,
	eventFingerprint: string,
	windowSize = DEDUP_WINDOW,
): void {
	const seen = seenEvents(staticData);
	let ids = seen.seenEventIds + `${eventFingerprint} `;
	let count = seen.seenEventCount + 1;
	while (count > windowSize) {
		ids = ids.slice(ids.indexOf(' ', 1));
		count--;
	}
	seen.seenEventIds = ids;
	seen.seenEventCount = count;
}
