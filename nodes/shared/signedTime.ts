import type { ValidationIssue } from './validation';

/*
 * The replay window on a time the sender signs into the body (SuperOffice's `Timestamp`): a
 * genuine, signed delivery sent again later passes the signature check, and its id may have left
 * the de-duplication window since; its signed time gives it away.
 */

/** ISO 8601 date and time, seconds and fraction optional, zone optional (none means UTC). */
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?$/i;

/** The longest signed time read (with seven fractional digits and a zone, 33 characters). */
const MAX_TIME_LENGTH = 40;

export type SignedTimeJudgement =
	/** Inside the window, or no time at all (the schema check reports a missing one). */
	| { kind: 'inside' }
	| { kind: 'outside'; reason: string }
	/** A time the window cannot read: the delivery is not judged, and its item says so. */
	| { kind: 'unreadable'; issue: ValidationIssue };

/** Milliseconds since the epoch of an ISO 8601 time, or undefined when it is not one. */
export function readSignedTime(value: string): number | undefined {
	if (value.length > MAX_TIME_LENGTH) return undefined;
	const match = ISO_TIME.exec(value);
	if (match === null) return undefined;
	// A time without a zone is UTC (as SuperOffice writes it), not this server's local time.
	const time = Date.parse(match[1] === undefined ? `${value}Z` : value);
	return Number.isNaN(time) ? undefined : time;
}

function unreadable(field: string, value: unknown): SignedTimeJudgement {
	const shown = typeof value === 'string' ? `"${value.slice(0, MAX_TIME_LENGTH)}"` : typeof value;
	return {
		kind: 'unreadable',
		issue: {
			path: field,
			message: `"${field}" (${shown}) is not a date and time such as 2026-12-02T17:00:00Z, so the delivery could not be checked for a replay`,
		},
	};
}

/** Whether the signed time in `field` is within `windowSeconds` of `now`, either way. */
export function judgeSignedTime(
	field: string,
	value: unknown,
	windowSeconds: number,
	now: number,
): SignedTimeJudgement {
	if (value === undefined || value === null) return { kind: 'inside' };
	const time = typeof value === 'string' ? readSignedTime(value) : undefined;
	if (time === undefined) return unreadable(field, value);
	const seconds = Math.round((now - time) / 1000);
	if (Math.abs(seconds) <= windowSeconds) return { kind: 'inside' };
	const distance =
		seconds > 0 ? `${seconds} seconds old` : `${-seconds} seconds ahead of this server's clock`;
	return {
		kind: 'outside',
		reason: `it is signed with the time ${value as string}, ${distance}; deliveries more than ${windowSeconds} seconds from this server's clock start nothing (a delivery sent again, or a clock that is wrong)`,
	};
}
