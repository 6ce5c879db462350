import type { IDataObject } from 'n8n-workflow';

import type { SuperOfficeApi } from './api';
import { readQuote } from './quote';
import type { ReadOne } from './quote';
import { ApiSession, CallFailure } from './session';
import type { CallLimits, FailureKind } from './session';

/*
 * Include Record: the record a SuperOffice event names, read from SuperOffice's REST API before
 * the execution starts, so that a workflow can email a customer or create an order without
 * another node. SuperOffice has already been answered when this runs (see the pipeline): a slow
 * or failing API delays the execution, never the delivery, and never loses the event.
 *
 * Endpoints (SuperOffice WebAPI reference, https://docs.superoffice.com/en/api/reference/restful/):
 * records by id: `GET Contact/{id}`, `Person/{id}`, `Sale/{id}`, `Project/{id}`, `Appointment/{id}`
 * (activity events: PrimaryKey is the appointment id), `Document/{id}`, `Ticket/{id}`; 404 when the
 * id does not exist (rest/index.html). Quotes: quote.ts.
 */

/** Reads from the tenant's API (see api.ts); records only need GET and POST. */
export type RecordApi = SuperOfficeApi;

export { retryAfterMs } from './session';

/** How long and how often reading may try: 3 tries a call, 5 s each, 15 s for an event. */
export const RECORD_LIMITS: CallLimits = {
	attempts: 3,
	attemptTimeoutMs: 5000,
	totalMs: 15000,
	backoffMs: 500,
};

/** Why a record is not on the item, in a word an If node can test. */
export type RecordError = 'deleted' | 'no-credential' | 'not-readable' | FailureKind;

/** `_record` on every item when Include Record is on: whether the record was read, and if not why. */
export interface RecordStatus extends IDataObject {
	read: boolean;
	error: RecordError | null;
	/** The HTTP status of the call that failed, when there was one. */
	status: number | null;
	message: string;
	/** API calls made for this event (retries included). */
	requests: number;
	/** Time spent reading, in milliseconds. */
	durationMs: number;
}

/** What reading adds to an item: the record(s) as SuperOffice returns them, and for quotes a summary. */
export interface RecordFields {
	record?: IDataObject;
	quote?: IDataObject;
	_record: RecordStatus;
}

/**
 * Events whose record can be read by id: entity (as the event names it) → REST resource. A Map:
 * an entity named `constructor` or `__proto__` is not a resource of an object's prototype.
 */
const RESOURCES: ReadonlyMap<string, string> = new Map([
	['contact', 'Contact'],
	['person', 'Person'],
	['sale', 'Sale'],
	['project', 'Project'],
	['activity', 'Appointment'],
	['document', 'Document'],
	['ticket', 'Ticket'],
]);

/** A failed read, with what to put in `_record`. */
class ReadFailure extends Error {
	constructor(
		readonly error: RecordError,
		readonly status: number | null,
		message: string,
	) {
		super(message);
	}
}

/** The sentence `_record.message` gives for a call that failed while reading `what`. */
function readMessage(failure: CallFailure, what: string): string {
	const { kind, status } = failure;
	const said = failure.said ? ` SuperOffice said: “${failure.said}”` : '';
	const missing = 'deleted since the event, or not visible to the API user';
	const sentences: Record<FailureKind, string> = {
		timeout: `SuperOffice did not answer in time when reading ${what}`,
		unreachable: `SuperOffice could not be reached to read ${what}`,
		'not-found':
			status === 404
				? `SuperOffice has no ${what} (404): ${missing}.${said}`
				: `SuperOffice has no ${what}: ${missing}`,
		'unexpected-answer': `SuperOffice answered ${what} with something that is not JSON`,
		unauthorized: `SuperOffice did not accept the API credential (401) when reading ${what}: check or reconnect it.${said}`,
		forbidden: `SuperOffice refused to show ${what} (403): the API user lacks the rights to it.${said}`,
		throttled: `SuperOffice is limiting requests (429) and did not serve ${what} in time.${said}`,
		'server-error': `SuperOffice failed (${status}) when reading ${what}.${said}`,
		'request-failed':
			status !== null && status >= 300 && status < 400
				? `SuperOffice's API answered ${what} with a redirect (${status}); n8n does not follow redirects with your credential: set the credential's API base URL to the address the API really has`
				: `SuperOffice answered ${status} when asked for ${what}.${said}`,
	};
	return sentences[kind];
}

/** Reads through a session, failing with the record's sentence for `what`. */
export function reader(session: ApiSession): ReadOne {
	return async (what, method, path, body) =>
		await session
			.call(method, path, body, { repeatable: true, emptyIsNotFound: true })
			.catch((failure: unknown) =>
				Promise.reject(
					failure instanceof CallFailure
						? new ReadFailure(failure.kind, failure.status, readMessage(failure, what))
						: failure,
				),
			);
}

function status(
	session: ApiSession | undefined,
	error: RecordError | null,
	code: number | null,
	message: string,
): RecordStatus {
	return {
		read: error === null,
		error,
		status: code,
		message,
		requests: session?.requests ?? 0,
		durationMs: session === undefined ? 0 : Date.now() - session.started,
	};
}

/** `_record` for an event whose record was not even asked for. */
export function unread(error: RecordError, message: string): RecordFields {
	return { _record: status(undefined, error, null, message) };
}

const positiveId = (value: unknown): number | undefined =>
	typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : undefined;

/** Why an event's record is not asked for at all, when it is not. */
function notAskedFor(entity: string, name: string, id: number | undefined, primaryKey: unknown) {
	if (name.endsWith('.deleted')) {
		return unread(
			'deleted',
			`The ${entity} was deleted: SuperOffice can no longer return it. Values holds its last values.`,
		);
	}
	const readable = entity === 'quote' || RESOURCES.has(entity);
	if (id === undefined) {
		return unread('not-readable', `The event names no record (PrimaryKey ${String(primaryKey)})`);
	}
	if (!readable) {
		return unread(
			'not-readable',
			`SuperOffice's API has no record to read for ${entity || 'these'} events`,
		);
	}
	return undefined;
}

/**
 * Reads the record an event names. Never throws: what could not be read is said in `_record`,
 * and the event's own fields (for a deleted record, `Values`) stay on the item.
 */
export async function readRecord(
	api: RecordApi,
	event: IDataObject,
	limits: CallLimits = RECORD_LIMITS,
): Promise<RecordFields> {
	const entity = typeof event.Entity === 'string' ? event.Entity.toLowerCase() : '';
	const name = typeof event.Event === 'string' ? event.Event.toLowerCase() : '';
	const id = positiveId(event.PrimaryKey);
	const skipped = notAskedFor(entity, name, id, event.PrimaryKey);
	if (skipped !== undefined || id === undefined) return skipped!;
	const session = new ApiSession(api, limits);
	const read = reader(session);
	try {
		const fields =
			entity === 'quote'
				? await readQuote(read, id)
				: {
						record: (await read(
							`${entity} ${id}`,
							'GET',
							`${RESOURCES.get(entity)}/${id}`,
						)) as IDataObject,
					};
		return { ...fields, _record: status(session, null, null, `Read ${entity} ${id}`) };
	} catch (error) {
		if (error instanceof ReadFailure) {
			return { _record: status(session, error.error, error.status, error.message) };
		}
		const message = `Reading ${entity} ${id} failed: SuperOffice's answer could not be used`;
		return { _record: status(session, 'unexpected-answer', null, message) };
	}
}
