import type { IDataObject, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { fingerprint, inMemoryStore, recentEvents, rememberEvent, wasSeen } from './dedup';
import { headerValue, readDelivery, reply } from './http';
import type { ReplyBody, RequestHeaders } from './http';
import type {
	AcceptedEvent,
	Arrival,
	AuthResult,
	Authenticator,
	EventSelection,
	SenderDefinition,
	WireLocation,
} from './sender';
import { findIssues } from './validation';

/**
 * The longest event name accepted. Real names are short (`quote.approved`,
 * `list.<list name>.changed`); a longer one is not an event, and is not matched against patterns.
 */
export const MAX_EVENT_NAME_LENGTH = 200;

/** The user's choices on the node, read for each request. */
export interface ReceiveSettings extends EventSelection {
	authenticate: Authenticator;
	/** After a failed check: the check with the credential read again, if it changed. */
	recheck: (() => Promise<Authenticator | undefined>) | undefined;
	/** Answer 422 instead of running the workflow when the body does not match its schema. */
	rejectInvalid: boolean;
	/** What to do with events that are not in the catalogue. */
	unknownEvents: 'run' | 'acknowledge';
	/**
	 * Where accepted event ids are remembered: in the node's static data, which n8n saves with the
	 * workflow (survives restarts, shared by webhook processes; one database write per event), or
	 * in this process's memory only.
	 */
	rememberIds: 'saved' | 'memory';
	/**
	 * How far, in seconds, the sender's signed time may be from this server's clock; undefined
	 * when the sender signs no time or requests are not verified.
	 */
	replayWindowSeconds: number | undefined;
	/** The node's Options collection, for the sender's own options. */
	options: IDataObject;
}

/**
 * Adds `_validation` to an item (in place) when the event surprised us (unknown event, or fields
 * that differ from the documentation), so the workflow can see it and branch on it. Items of
 * well-formed, known events carry no such field.
 */
function withValidation(json: IDataObject, event: AcceptedEvent): IDataObject {
	// A body field of the sender's own named `_validation` must not pass for ours: it is kept,
	// under `_validation.sent`, and the item is marked.
	const sent = Object.prototype.hasOwnProperty.call(json, '_validation');
	if (event.known && event.issues.length === 0 && !sent) return json;
	const validation: IDataObject = { valid: event.issues.length === 0 };
	if (!event.known) validation.unknownEvent = true;
	validation.issues = event.issues;
	// Only the first few differences are described; how many more there are is said.
	if (event.issueCount > event.issues.length) {
		validation.moreIssues = event.issueCount - event.issues.length;
	}
	if (sent) validation.sent = json._validation;
	json._validation = validation;
	return json;
}

/** A value the sender puts in a body field or, failing that, a header. */
function locate(
	location: WireLocation,
	body: IDataObject,
	headers: RequestHeaders,
): string | undefined {
	if (location.field !== undefined) {
		const value = body[location.field];
		if (typeof value === 'string' && value !== '') return value;
	}
	return location.header === undefined ? undefined : headerValue(headers, location.header);
}

/** Where the event name is, in words: `"topic" field`, `"Event" field or X-SuperOffice-Event header`. */
function describeLocation({ field, header }: WireLocation): string {
	return [field && `"${field}" field`, header && `${header} header`].filter(Boolean).join(' or ');
}

/**
 * Why a delivery's signed time puts it outside the window: a sentence, or undefined when it is
 * inside. A time that is missing or not a date is not judged here (the schema check reports a
 * missing one; a sender's signed body always has it).
 */
function outsideWindow(value: unknown, windowSeconds: number, now: number): string | undefined {
	if (typeof value !== 'string' || value.length > 40) return undefined;
	// A time without a zone is UTC (as SuperOffice writes it), not this server's local time.
	const time = Date.parse(/(?:Z|[+-]\d{2}:?\d{2})$/i.test(value) ? value : `${value}Z`);
	if (Number.isNaN(time)) return undefined;
	const seconds = Math.round((now - time) / 1000);
	if (Math.abs(seconds) <= windowSeconds) return undefined;
	const distance =
		seconds > 0 ? `${seconds} seconds old` : `${-seconds} seconds ahead of this server's clock`;
	return `it is signed with the time ${value}, ${distance}; deliveries more than ${windowSeconds} seconds from this server's clock start nothing (a delivery sent again, or a clock that is wrong)`;
}

type Parsed = { ok: true; body: IDataObject } | { ok: false; message: string };

/**
 * The deepest nesting of objects and arrays a body may have. Real events nest a few levels; a
 * body nested a million levels deep parses, but the execution it would start breaks n8n itself
 * (its execution API answers "Maximum call stack size exceeded" for the whole workflow).
 */
export const MAX_NESTING_DEPTH = 1000;

/**
 * Bodies up to this size are parsed first and their depth measured on the parsed value (a few
 * microseconds for a 65 kB event); larger ones are scanned byte by byte before parsing, so that
 * n8n's 16 MiB of nesting is refused without being parsed (parsing a megabyte nested half a
 * million levels deep takes about 0.2 s). Up to this size, the worst such body parses in about
 * 50 ms.
 */
const PARSE_FIRST_BYTES = 256 * 1024;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** Whether the JSON text nests deeper than `limit` (one pass over the bytes, strings skipped). */
function nestsDeeperThan(raw: Buffer, limit: number): boolean {
	let depth = 0;
	let inString = false;
	for (let i = 0; i < raw.length; i++) {
		const byte = raw[i];
		if (inString) {
			if (byte === BACKSLASH) i++;
			else if (byte === QUOTE) inString = false;
		} else if (byte === QUOTE) {
			inString = true;
		} else if (byte === 0x5b || byte === 0x7b) {
			if (++depth > limit) return true;
		} else if (byte === 0x5d || byte === 0x7d) {
			depth--;
		}
	}
	return false;
}

/** Whether a parsed value nests objects and arrays deeper than `limit` (iteratively: no recursion). */
function valueDeeperThan(value: object, limit: number): boolean {
	const pending: object[] = [value];
	const depths: number[] = [1];
	while (pending.length > 0) {
		const next = pending.pop() as Record<string, unknown>;
		const depth = depths.pop() as number;
		if (depth > limit) return true;
		for (const key in next) {
			const child = next[key];
			if (child !== null && typeof child === 'object') {
				pending.push(child);
				depths.push(depth + 1);
			}
		}
	}
	return false;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function parseJsonObject(raw: Buffer): Parsed {
	if (raw.length === 0)
		return { ok: false, message: 'The request body is empty; expected a JSON object' };
	let text: string;
	try {
		text = utf8.decode(raw);
	} catch {
		return {
			ok: false,
			message: 'The request body is not valid UTF-8 text; expected a JSON object',
		};
	}
	const tooDeep = {
		ok: false as const,
		message: `The request body is nested more than ${MAX_NESTING_DEPTH} levels deep; events are not`,
	};
	// A body of fewer than 2 × (limit + 1) bytes cannot nest deeper than the limit.
	const mayNestTooDeep = raw.length > 2 * MAX_NESTING_DEPTH + 1;
	if (mayNestTooDeep && raw.length > PARSE_FIRST_BYTES && nestsDeeperThan(raw, MAX_NESTING_DEPTH)) {
		return tooDeep;
	}
	let value: unknown;
	try {
		value = JSON.parse(text);
	} catch (error) {
		return {
			ok: false,
			message: `The request body is not valid JSON: ${(error as Error).message}`,
		};
	}
	if (
		mayNestTooDeep &&
		raw.length <= PARSE_FIRST_BYTES &&
		value !== null &&
		typeof value === 'object' &&
		valueDeeperThan(value, MAX_NESTING_DEPTH)
	) {
		return tooDeep;
	}
	if (value === null || typeof value !== 'object' || Array.isArray(value)) {
		const kind = value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
		return { ok: false, message: `The request body is ${kind}; expected a JSON object` };
	}
	return { ok: true, body: value as IDataObject };
}

/** The sender's `enrich`, awaited; should it fail after all, the event still runs, as it was. */
async function enrichSafely(
	spec: SenderDefinition,
	event: AcceptedEvent,
	enriching: Promise<IDataObject[]>,
	items: IDataObject[],
	context: IWebhookFunctions,
): Promise<IDataObject[]> {
	try {
		return await enriching;
	} catch (error) {
		context.logger.error(
			`${spec.sender} event ${event.name}: completing the items failed; the event runs as received: ${(error as Error).message}`,
		);
		return items;
	}
}

/**
 * Receives one webhook request: raw bytes → authenticate → parse JSON → identify the event →
 * handshake → the user's event selection → de-duplicate → validate → items → execution.
 * Every exit that starts no execution answers the sender itself, with a short JSON body saying why.
 */
export async function receiveWebhook(
	context: IWebhookFunctions,
	spec: SenderDefinition,
	settings: ReceiveSettings,
): Promise<IWebhookResponseData> {
	const { headers } = context.getRequestObject() as unknown as { headers: RequestHeaders };
	const handshakeReply = () =>
		reply(context, 200, {
			status: 'ok',
			reason: 'handshake',
			message: `${spec.sender} connection check received`,
		});

	// Checked twice: on the headers alone before the body is read (a missing or wrong header, a
	// stale timestamp costs no read of up to n8n's 16 MiB), then with the body.
	let authenticate = settings.authenticate;
	let rechecked = false;
	const check = async (arrival: Arrival): Promise<AuthResult> => {
		let result = authenticate(arrival);
		if (!result.ok && !rechecked && settings.recheck !== undefined) {
			// The secret may have been changed in n8n since this process read it.
			rechecked = true;
			const fresh = await settings.recheck();
			if (fresh !== undefined) {
				authenticate = fresh;
				result = fresh(arrival);
			}
		}
		return result;
	};
	const refuse = (auth: Extract<AuthResult, { ok: false }>) => {
		if (auth.handshakesOnly && spec.isHandshake(headers)) return handshakeReply();
		if (auth.statusCode === 500) context.logger.error(`${spec.sender} trigger: ${auth.message}`);
		return reply(context, auth.statusCode, {
			status: 'rejected',
			reason: auth.reason,
			message: auth.message,
		});
	};

	const early = await check({ headers });
	if (!early.ok) return refuse(early);

	const read = await readDelivery(context);
	if (!read.ok) {
		return reply(context, read.statusCode, {
			status: 'rejected',
			reason: read.reason,
			message: read.message,
		});
	}
	const { delivery } = read;
	if (!early.final) {
		const auth = await check(delivery);
		if (!auth.ok) return refuse(auth);
	}

	const refuseContent = (reason: string, message: string) => {
		if (spec.acknowledgeContentErrors) {
			context.logger.warn(`${spec.sender} delivery acknowledged without execution: ${message}`);
			return reply(context, 200, { status: 'ignored', reason, message });
		}
		return reply(context, 400, { status: 'rejected', reason, message });
	};

	if (!settings.runHandshakes && spec.isHandshake(headers)) return handshakeReply();

	const parsed = parseJsonObject(delivery.raw);
	if (!parsed.ok) return refuseContent('invalid-body', parsed.message);
	const body = spec.normalise ? spec.normalise(parsed.body) : parsed.body;

	const name = locate(spec.event.name, body, headers);
	const id = locate(spec.event.id, body, headers);
	if (name === undefined || name === '') {
		return refuseContent(
			'missing-event',
			`The body has no ${describeLocation(spec.event.name)} naming the event`,
		);
	}
	if (name.length > MAX_EVENT_NAME_LENGTH) {
		return refuseContent(
			'invalid-event',
			`The event name is ${name.length} characters long; event names have at most ${MAX_EVENT_NAME_LENGTH}`,
		);
	}

	const handshake = spec.isHandshake(headers, body, name);
	if (handshake && !settings.runHandshakes) return handshakeReply();

	const { time } = spec.event;
	if (settings.replayWindowSeconds !== undefined && time !== undefined) {
		// A genuine, signed delivery sent again later: it passed the signature check, and its id
		// may have left the de-duplication window since. SuperOffice-like senders are answered 200
		// (an error would count towards disabling the webhook for what may be a late retry).
		const outside = outsideWindow(body[time.field], settings.replayWindowSeconds, Date.now());
		if (outside !== undefined) {
			const message = `${spec.sender} event ${name}${id === undefined ? '' : ` (${id})`} was not run: ${outside}`;
			context.logger.warn(message);
			return reply(context, spec.acknowledgeContentErrors ? 200 : 401, {
				status: spec.acknowledgeContentErrors ? 'ignored' : 'rejected',
				reason: 'outside-window',
				message,
			});
		}
	}

	const schema = spec.schemas[name];
	const known = schema !== undefined;
	if (!known && settings.unknownEvents === 'acknowledge') {
		return reply(context, 200, {
			status: 'ignored',
			reason: 'unknown-event',
			message: `${name} is not a known ${spec.sender} event; acknowledged without execution`,
		});
	}
	if (!handshake && !settings.isSelected(name, known)) {
		return reply(context, 200, {
			status: 'ignored',
			reason: 'not-selected',
			message: `${name} is not selected on this trigger`,
		});
	}

	// From here to rememberEvent nothing awaits, so two deliveries of one event cannot interleave.
	const scope = `${context.getMode()}:${context.getWorkflow().id ?? ''}:${context.getNode().name}`;
	const staticData =
		settings.rememberIds === 'memory'
			? inMemoryStore(scope)
			: context.getWorkflowStaticData('node');
	const seen = recentEvents(staticData, scope);
	// A signed body without an id (not what the sender documents) is remembered by its bytes, which
	// include its signed time: a retry or a copy of it is a duplicate, a new event is not.
	const eventKey =
		id !== undefined
			? fingerprint(id)
			: settings.replayWindowSeconds !== undefined
				? fingerprint(delivery.raw)
				: undefined;
	if (eventKey !== undefined && wasSeen(seen, eventKey)) {
		return reply(context, 200, {
			status: 'ignored',
			reason: 'duplicate',
			message: `Event ${id ?? 'with the same signed body'} was already received`,
		});
	}

	const { issues, count: issueCount } = findIssues(schema ?? spec.unknownEventSchema, body);
	if (issueCount > 0) {
		const listed = issues.map((issue) => issue.message).join('; ');
		const summary =
			issueCount > issues.length ? `${listed}; and ${issueCount - issues.length} more` : listed;
		if (settings.rejectInvalid) {
			return reply(context, 422, {
				status: 'rejected',
				reason: 'invalid-payload',
				message: `${name} does not match the documented schema: ${summary}`,
			});
		}
		context.logger.warn(
			`${spec.sender} event ${name}${id === undefined ? '' : ` (${id})`} does not match the documented schema: ${summary}`,
		);
	}

	if (!known) {
		context.logger.warn(
			`${spec.sender} event ${name} is not in the catalogue; passed to the workflow as is`,
		);
	}

	if (eventKey !== undefined) rememberEvent(staticData, scope, seen, eventKey);

	const event: AcceptedEvent = { body, headers, name, id, known, issues, issueCount };
	let items = spec.toItems(event, settings.options).map((json) => withValidation(json, event));
	const accepted: ReplyBody = {
		status: 'accepted',
		reason: 'started',
		message: `${name} started the workflow`,
	};
	// What the items still need (a record read from the sender's API) is started now and awaited
	// after the sender has its answer: it delays the execution, never the answer.
	const enriching = spec.enrich?.(context, event, items, settings.options);
	if (enriching === undefined && settings.rememberIds === 'memory') {
		// Nothing to save and nothing to wait for: n8n answers with this body. n8n 2.x answers once
		// the execution exists (a sender is only told "started" for an execution n8n has taken on,
		// and a busy n8n slows its senders down instead of piling up work); n8n 1.x answers first.
		return { webhookResponse: accepted, workflowData: [items.map((json) => ({ json }))] };
	}
	// With ids saved, the node answers accepted events itself, as n8n 1.x does for "respond
	// immediately": n8n then saves the static data (the remembered event id) before it starts the
	// execution. When n8n answers instead, n8n 2.x starts the execution first, which resets the
	// static data's change flag, and the remembered id is never saved.
	reply(context, 200, accepted);
	if (enriching !== undefined) items = await enrichSafely(spec, event, enriching, items, context);
	return { noWebhookResponse: true, workflowData: [items.map((json) => ({ json }))] };
}
