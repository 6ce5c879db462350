import type { IDataObject, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';
import type { z } from 'zod/v4';

import { fingerprint, inMemoryStore, recentEvents, rememberEvent, wasSeen } from './dedup';
import { readDelivery, reply } from './http';
import type { Delivery, RequestHeaders } from './http';
import { findIssues } from './validation';
import type { ValidationIssue } from './validation';

/**
 * The outcome of checking that a request comes from the sender: 401 when it does not, 500 when
 * the node's own configuration (its credential) makes checking impossible.
 */
export type AuthResult =
	| { ok: true }
	| { ok: false; statusCode: 401 | 500; reason: string; message: string };

/** Checks a delivery against the secret or header the user configured. */
export type Authenticator = (delivery: Delivery) => AuthResult;

/** The event name and id a sender puts in a delivery. */
export interface EventIdentity {
	name: string | undefined;
	id: string | undefined;
}

/** Everything known about an accepted event when it is turned into items. */
export interface AcceptedEvent {
	body: IDataObject;
	headers: RequestHeaders;
	name: string;
	id: string | undefined;
	/** Whether the event is in the sender's catalogue. */
	known: boolean;
	issues: ValidationIssue[];
}

/**
 * What differs between senders. A new sender is one of these plus a node description; the
 * mechanics of receiving stay in `receiveWebhook`.
 */
export interface SenderSpec {
	/** The sender's name, as used in messages and logs. */
	sender: string;
	/** How the event name is carried, for the message when it is missing (e.g. `"topic" field`). */
	eventNameSource: string;
	/** Known events and the schema of each. */
	events: Readonly<Record<string, z.ZodType>>;
	/** Schema for events that are not in the catalogue. */
	unknownEventSchema: z.ZodType;
	/**
	 * Brings a parsed body into the one shape the sender documents (for example a payload sent
	 * under another name) before anything else reads it.
	 */
	normalise?(body: IDataObject): IDataObject;
	identify(body: IDataObject, headers: RequestHeaders): EventIdentity;
	/**
	 * Whether the request is the sender's connection check (ping, test event) rather than a
	 * business event. Called before the body is parsed (with `body` undefined) so that a
	 * handshake recognisable from its headers is acknowledged whatever its body, and again
	 * after parsing.
	 */
	isHandshake(headers: RequestHeaders, body?: IDataObject, eventName?: string): boolean;
	/**
	 * Turns an accepted event into the items the workflow receives. The body was parsed for this
	 * request alone, so items may be the body itself, added to in place.
	 */
	toItems(event: AcceptedEvent): IDataObject[];
	/**
	 * Senders that disable a webhook after failed deliveries (SuperOffice) must get a 2xx for
	 * every authenticated request: content problems are then acknowledged, not refused.
	 */
	acknowledgeContentErrors?: boolean;
}

/** The user's choices on the node, read for each request. */
export interface ReceiveSettings {
	authenticate: Authenticator;
	/** Whether the user selected this event (or, for an unknown event, a pattern that fits it). */
	isSelected(eventName: string, known: boolean): boolean;
	/** Whether handshakes start an execution. */
	runHandshakes: boolean;
	/** Answer 422 instead of running the workflow when the body does not match its schema. */
	rejectInvalid: boolean;
	/** What to do with events that are not in the catalogue. */
	unknownEvents: 'run' | 'acknowledge';
	/**
	 * Where accepted event ids are remembered: in the node's static data, which n8n saves with the
	 * workflow (survives restarts, shared by webhook processes; one database write per event), or
	 * in this process's memory only.
	 */
	rememberIds?: 'saved' | 'memory';
}

/** The node option that sets ReceiveSettings.rememberIds, the same on every trigger. */
export function rememberIdsSetting(options: { rememberIds?: string }): 'saved' | 'memory' {
	return options.rememberIds === 'memory' ? 'memory' : 'saved';
}

/**
 * Adds `_validation` to an item (in place) when the event surprised us (unknown event, or fields that differ
 * from the documentation), so the workflow can see it and branch on it. Items of well-formed,
 * known events carry no such field.
 */
export function withValidation(json: IDataObject, event: AcceptedEvent): IDataObject {
	if (event.known && event.issues.length === 0) return json;
	const validation: IDataObject = { valid: event.issues.length === 0 };
	if (!event.known) validation.unknownEvent = true;
	validation.issues = event.issues;
	json._validation = validation;
	return json;
}

type Parsed = { ok: true; body: IDataObject } | { ok: false; message: string };

const utf8 = new TextDecoder('utf-8', { fatal: true });

function parseJsonObject(raw: Buffer): Parsed {
	if (raw.length === 0) return { ok: false, message: 'The request body is empty; expected a JSON object' };
	let text: string;
	try {
		text = utf8.decode(raw);
	} catch {
		return { ok: false, message: 'The request body is not valid UTF-8 text; expected a JSON object' };
	}
	let value: unknown;
	try {
		value = JSON.parse(text);
	} catch (error) {
		return { ok: false, message: `The request body is not valid JSON: ${(error as Error).message}` };
	}
	if (value === null || typeof value !== 'object' || Array.isArray(value)) {
		const kind = value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
		return { ok: false, message: `The request body is ${kind}; expected a JSON object` };
	}
	return { ok: true, body: value as IDataObject };
}

/**
 * Receives one webhook request: raw bytes → authenticate → parse JSON → identify the event →
 * handshake → the user's event selection → de-duplicate → validate → items → execution.
 * Every exit that starts no execution answers the sender itself, with a short JSON body saying why.
 */
export async function receiveWebhook(
	context: IWebhookFunctions,
	spec: SenderSpec,
	settings: ReceiveSettings,
): Promise<IWebhookResponseData> {
	const read = await readDelivery(context);
	if (!read.ok) {
		return reply(context, read.statusCode, { status: 'rejected', reason: read.reason, message: read.message });
	}
	const { delivery } = read;
	const { headers } = delivery;

	const auth = settings.authenticate(delivery);
	if (!auth.ok) {
		if (auth.statusCode === 500) context.logger.error(`${spec.sender} trigger: ${auth.message}`);
		return reply(context, auth.statusCode, {
			status: 'rejected',
			reason: auth.reason,
			message: auth.message,
		});
	}

	const refuseContent = (reason: string, message: string) => {
		if (spec.acknowledgeContentErrors) {
			context.logger.warn(`${spec.sender} delivery acknowledged without execution: ${message}`);
			return reply(context, 200, { status: 'ignored', reason, message });
		}
		return reply(context, 400, { status: 'rejected', reason, message });
	};

	const handshakeReply = () =>
		reply(context, 200, {
			status: 'ok',
			reason: 'handshake',
			message: `${spec.sender} connection check received`,
		});

	if (!settings.runHandshakes && spec.isHandshake(headers)) return handshakeReply();

	const parsed = parseJsonObject(delivery.raw);
	if (!parsed.ok) return refuseContent('invalid-body', parsed.message);
	const body = spec.normalise ? spec.normalise(parsed.body) : parsed.body;

	const { name, id } = spec.identify(body, headers);
	if (name === undefined || name === '') {
		return refuseContent('missing-event', `The body has no ${spec.eventNameSource} naming the event`);
	}

	const handshake = spec.isHandshake(headers, body, name);
	if (handshake && !settings.runHandshakes) return handshakeReply();

	const schema = spec.events[name];
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
	const staticData = settings.rememberIds === 'memory' ? inMemoryStore(scope) : context.getWorkflowStaticData('node');
	const seen = recentEvents(staticData, scope);
	const eventKey = id === undefined ? undefined : fingerprint(id);
	if (eventKey !== undefined && wasSeen(seen, eventKey)) {
		return reply(context, 200, {
			status: 'ignored',
			reason: 'duplicate',
			message: `Event ${id} was already received`,
		});
	}

	const issues = findIssues(schema ?? spec.unknownEventSchema, body);
	if (issues.length > 0) {
		const summary = issues.map((issue) => issue.message).join('; ');
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
		context.logger.warn(`${spec.sender} event ${name} is not in the catalogue; passed to the workflow as is`);
	}

	if (eventKey !== undefined) rememberEvent(staticData, scope, seen, eventKey);

	const items = spec.toItems({ body, headers, name, id, known, issues });
	// The node answers accepted events itself, as n8n 1.x does for "respond immediately": n8n then
	// saves the static data (the remembered event id) before it starts the execution. When n8n
	// answers instead, n8n 2.x starts the execution first, which resets the static data's
	// change flag, and the remembered id is never saved.
	reply(context, 200, { status: 'accepted', reason: 'started', message: `${name} started the workflow` });
	return { noWebhookResponse: true, workflowData: [items.map((json) => ({ json }))] };
}
