import type { IDataObject, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';
import type { z } from 'zod/v4';

import { parseJsonObject } from './body';
import { fingerprint, inMemoryStore, recentEvents, rememberEvent, wasSeen } from './dedup';
import type { EventWindow } from './dedup';
import { headerValue, ignored, readRawBody, rejected, reply } from './http';
import type { Answer, ReplyBody, RequestHeaders } from './http';
import type {
	AcceptedEvent,
	Arrival,
	AuthPassed,
	AuthResult,
	Authenticator,
	Declined,
	EventSelection,
	SenderDefinition,
	WireLocation,
} from './sender';
import { judgeSignedTime } from './signedTime';
import { findIssues } from './validation';
import type { ValidationIssue } from './validation';

/*
 * The receiving pipeline every trigger runs a request through (CONTRIBUTING.md draws it):
 *
 *   checkHeaders → readBody → authenticate → afterAuthentication → parse → identify → handshake
 *   → judgeTime → select → decline → deduplicate → validate → remember → shape → enrich → answer
 *
 * Each stage either answers the sender (a status and a short JSON body saying why; no execution
 * starts) or adds what it learnt to the delivery and passes it on. What differs from one sender to
 * another comes from its definition; what the user chose on the node, from `ReceiveChoices`.
 */

/**
 * The longest event name accepted. Real names are short (`quote.approved`,
 * `list.<list name>.changed`); a longer one is not an event, and is not matched against patterns.
 */
export const MAX_EVENT_NAME_LENGTH = 200;

/** The user's choices on the node, read for each request. */
export interface ReceiveChoices extends EventSelection {
	authenticate: Authenticator;
	/** After a failed check: the check with the credential read again, if it changed. */
	recheck: (() => Promise<Authenticator | undefined>) | undefined;
	/** What must follow from a request that passed the check (a registration kept current). */
	afterAuthentication: ((passed: AuthPassed) => void) | undefined;
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
	/** The node's Options collection (parameter `settings`), for the sender's own entries. */
	settings: IDataObject;
}

/** A request on its way through the stages: what is known of it so far. */
interface Delivery {
	readonly context: IWebhookFunctions;
	readonly sender: SenderDefinition;
	readonly choices: ReceiveChoices;
	readonly headers: RequestHeaders;
	/** The check in use (the credential may be read again once after a failure). */
	authenticate: Authenticator;
	rechecked: boolean;
	/** The check of the headers alone decided (a header scheme): the body is not checked again. */
	decided: boolean;
	passed: AuthPassed | undefined;
	raw: Buffer;
	body: IDataObject;
	name: string;
	id: string | undefined;
	handshake: boolean;
	schema: z.ZodType;
	known: boolean;
	/** Where accepted ids are remembered, and the ones there; undefined when not de-duplicated. */
	store: IDataObject | undefined;
	window: EventWindow | undefined;
	scope: string;
	eventKey: string | undefined;
	/** Differences from the documented schema found by the stages (a time the window cannot read). */
	surprises: ValidationIssue[];
	issues: ValidationIssue[];
	issueCount: number;
	event: AcceptedEvent | undefined;
	items: IDataObject[];
	enriching: Promise<IDataObject[]> | undefined;
}

/** A stage: an answer that ends the request, or undefined to pass the delivery on. */
type Stage = (delivery: Delivery) => Answer | undefined | Promise<Answer | undefined>;

function started(
	context: IWebhookFunctions,
	sender: SenderDefinition,
	choices: ReceiveChoices,
): Delivery {
	const { headers } = context.getRequestObject() as unknown as { headers: RequestHeaders };
	// Every field set here, in this order: V8 then gives every delivery the same shape.
	return {
		context,
		sender,
		choices,
		headers,
		authenticate: choices.authenticate,
		rechecked: false,
		decided: false,
		passed: undefined,
		raw: EMPTY,
		body: {},
		name: '',
		id: undefined,
		handshake: false,
		schema: sender.unknownEventSchema,
		known: false,
		store: undefined,
		window: undefined,
		scope: '',
		eventKey: undefined,
		surprises: [],
		issues: [],
		issueCount: 0,
		event: undefined,
		items: [],
		enriching: undefined,
	};
}

const EMPTY = Buffer.alloc(0);

// ---------------------------------------------------------------------------------------------
// Answers

function handshakeAnswer(sender: SenderDefinition): Answer {
	return {
		statusCode: 200,
		body: {
			status: 'ok',
			reason: 'handshake',
			message: `${sender.name} connection check received`,
		},
	};
}

/**
 * An authenticated request whose content cannot start an execution: 400, or 200 for senders that
 * disable webhooks which fail (a body they sent is not made to count against the webhook).
 */
function contentError(delivery: Delivery, reason: string, message: string): Answer {
	if (!delivery.sender.acknowledgeContentErrors) return rejected(400, reason, message);
	delivery.context.logger.warn(
		`${delivery.sender.name} delivery acknowledged without execution: ${message}`,
	);
	return ignored(reason, message);
}

/** "SuperOffice event quote.approved (id)": an event as logs name it. */
function named(delivery: Delivery): string {
	const { sender, name, id } = delivery;
	return `${sender.name} event ${name}${id === undefined ? '' : ` (${id})`}`;
}

// ---------------------------------------------------------------------------------------------
// Authentication

/**
 * The check. Once after a failure, the check with the credential read again (the secret may have
 * been changed in n8n since this process read it): only then does checking wait for anything.
 */
function check(delivery: Delivery, arrival: Arrival): AuthResult | Promise<AuthResult> {
	const result = delivery.authenticate(arrival);
	const { recheck } = delivery.choices;
	if (result.ok || delivery.rechecked || recheck === undefined) return result;
	delivery.rechecked = true;
	return recheck().then(
		(fresh) => {
			if (fresh === undefined) return result;
			delivery.authenticate = fresh;
			return fresh(arrival);
		},
		() => result,
	);
}

function refused(delivery: Delivery, result: Extract<AuthResult, { ok: false }>): Answer {
	const { sender, context, headers } = delivery;
	if (result.handshakesOnly && sender.isHandshake(headers)) return handshakeAnswer(sender);
	if (result.statusCode === 500) context.logger.error(`${sender.name} trigger: ${result.message}`);
	return rejected(result.statusCode, result.reason, result.message);
}

/** What a check's result means for the delivery: an answer, or it passes (and `decided`). */
function afterCheck(delivery: Delivery, result: AuthResult, decides: boolean): Answer | undefined {
	if (!result.ok) return refused(delivery, result);
	if (decides || result.final) {
		delivery.decided = true;
		delivery.passed = result;
	}
	return undefined;
}

/**
 * Checked on the headers alone before the body is read: a missing or wrong header, or a stale
 * timestamp, costs no read of up to n8n's 16 MiB.
 */
function checkHeaders(delivery: Delivery): Answer | undefined | Promise<Answer | undefined> {
	const result = check(delivery, { headers: delivery.headers });
	if (result instanceof Promise) return result.then((done) => afterCheck(delivery, done, false));
	return afterCheck(delivery, result, false);
}

function readBody(delivery: Delivery): Answer | undefined | Promise<Answer | undefined> {
	const read = readRawBody(delivery.context);
	const use = (outcome: Awaited<typeof read>) => {
		if (!outcome.ok) return outcome.answer;
		delivery.raw = outcome.raw;
		return undefined;
	};
	return read instanceof Promise ? read.then(use) : use(read);
}

function authenticate(delivery: Delivery): Answer | undefined | Promise<Answer | undefined> {
	if (delivery.decided) return undefined;
	const result = check(delivery, { headers: delivery.headers, raw: delivery.raw });
	if (result instanceof Promise) return result.then((done) => afterCheck(delivery, done, true));
	return afterCheck(delivery, result, true);
}

/** What follows from a genuine delivery, in the background (see WebhookRegistration). */
function afterAuthentication(delivery: Delivery): undefined {
	const { afterAuthentication: follow } = delivery.choices;
	if (follow !== undefined && delivery.passed !== undefined) follow(delivery.passed);
	return undefined;
}

// ---------------------------------------------------------------------------------------------
// The event

function parse(delivery: Delivery): Answer | undefined {
	const parsed = parseJsonObject(delivery.raw);
	if (!parsed.ok) return contentError(delivery, 'invalid-body', parsed.message);
	const { normalise } = delivery.sender;
	delivery.body = normalise === undefined ? parsed.body : normalise(parsed.body);
	return undefined;
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

function identify(delivery: Delivery): Answer | undefined {
	const { sender, body, headers } = delivery;
	const name = locate(sender.event.name, body, headers);
	if (name === undefined || name === '') {
		const where = describeLocation(sender.event.name);
		return contentError(delivery, 'missing-event', `The body has no ${where} naming the event`);
	}
	if (name.length > MAX_EVENT_NAME_LENGTH) {
		return contentError(
			delivery,
			'invalid-event',
			`The event name is ${name.length} characters long; event names have at most ${MAX_EVENT_NAME_LENGTH}`,
		);
	}
	delivery.name = name;
	delivery.id = locate(sender.event.id, body, headers);
	const schema = sender.schemas[name];
	delivery.known = schema !== undefined;
	if (schema !== undefined) delivery.schema = schema;
	return undefined;
}

/** The sender's connection check, told by the (signed) body: answered, run only when chosen. */
function handshake(delivery: Delivery): Answer | undefined {
	const { sender, headers, body, name } = delivery;
	delivery.handshake = sender.isHandshake(headers, body, name);
	if (delivery.handshake && !delivery.choices.runHandshakes) return handshakeAnswer(sender);
	return undefined;
}

/**
 * A genuine, signed delivery sent again later: it passed the signature check, and its id may have
 * left the de-duplication window since. Senders that disable failing webhooks are answered 200 (an
 * error would count towards disabling the webhook for what may be a late retry); others 401.
 */
function judgeTime(delivery: Delivery): Answer | undefined {
	const { time } = delivery.sender.event;
	const windowSeconds = delivery.choices.replayWindowSeconds;
	if (time === undefined || windowSeconds === undefined) return undefined;
	const judged = judgeSignedTime(time.field, delivery.body[time.field], windowSeconds, Date.now());
	if (judged.kind === 'inside') return undefined;
	if (judged.kind === 'unreadable') {
		delivery.surprises.push(judged.issue);
		return undefined;
	}
	const message = `${named(delivery)} was not run: ${judged.reason}`;
	delivery.context.logger.warn(message);
	if (delivery.sender.acknowledgeContentErrors) return ignored('outside-window', message);
	return rejected(401, 'outside-window', message);
}

function select(delivery: Delivery): Answer | undefined {
	const { sender, choices, name, known } = delivery;
	if (!known && choices.unknownEvents === 'acknowledge') {
		return ignored(
			'unknown-event',
			`${name} is not a known ${sender.name} event; acknowledged without execution`,
		);
	}
	if (!delivery.handshake && !choices.isSelected(name, known)) {
		return ignored('not-selected', `${name} is not selected on this trigger`);
	}
	return undefined;
}

/** The sender's own rules (SuperOffice: changes its own API user made): acknowledged, not run. */
function decline(delivery: Delivery): Answer | undefined | Promise<Answer | undefined> {
	const { sender, context, body, name, id, choices } = delivery;
	if (sender.decline === undefined) return undefined;
	const declined = sender.decline(context, { body, name, id }, choices.settings);
	if (declined === undefined) return undefined;
	const answered = (reason: Declined | undefined) => {
		if (reason === undefined) return undefined;
		context.logger.info(`${named(delivery)} was not run: ${reason.message}`);
		return ignored(reason.reason, reason.message);
	};
	return declined instanceof Promise ? declined.then(answered) : answered(declined);
}

// ---------------------------------------------------------------------------------------------
// De-duplication, validation. From deduplicate to remember the stages are synchronous, so two
// deliveries of one event cannot interleave between the look-up and the remembering.

function deduplicate(delivery: Delivery): Answer | undefined {
	const { context, choices, id } = delivery;
	// A signed body without an id (not what the sender documents) is remembered by its bytes, which
	// include its signed time: a retry or a copy of it is a duplicate, a new event is not.
	if (id !== undefined) delivery.eventKey = fingerprint(id);
	else if (choices.replayWindowSeconds !== undefined) delivery.eventKey = fingerprint(delivery.raw);
	else return undefined;
	const scope = `${context.getMode()}:${context.getWorkflow().id ?? ''}:${context.getNode().name}`;
	const store =
		choices.rememberIds === 'memory' ? inMemoryStore(scope) : context.getWorkflowStaticData('node');
	const window = recentEvents(store, scope);
	if (wasSeen(window, delivery.eventKey)) {
		const which = id ?? 'with the same signed body';
		return ignored('duplicate', `Event ${which} was already received`);
	}
	delivery.scope = scope;
	delivery.store = store;
	delivery.window = window;
	return undefined;
}

function validate(delivery: Delivery): Answer | undefined {
	const found = findIssues(delivery.schema, delivery.body);
	const { surprises } = delivery;
	const issues = surprises.length === 0 ? found.issues : [...surprises, ...found.issues];
	const count = surprises.length + found.count;
	delivery.issues = issues;
	delivery.issueCount = count;
	if (count > 0) {
		const listed = issues.map((issue) => issue.message).join('; ');
		const summary = count > issues.length ? `${listed}; and ${count - issues.length} more` : listed;
		if (delivery.choices.rejectInvalid) {
			const message = `${delivery.name} does not match the documented schema: ${summary}`;
			return rejected(422, 'invalid-payload', message);
		}
		delivery.context.logger.warn(
			`${named(delivery)} does not match the documented schema: ${summary}`,
		);
	}
	if (!delivery.known) {
		delivery.context.logger.warn(
			`${delivery.sender.name} event ${delivery.name} is not in the catalogue; passed to the workflow as is`,
		);
	}
	return undefined;
}

function remember(delivery: Delivery): undefined {
	const { store, window, eventKey, scope } = delivery;
	if (store !== undefined && window !== undefined && eventKey !== undefined) {
		rememberEvent(store, scope, window, eventKey);
	}
	return undefined;
}

// ---------------------------------------------------------------------------------------------
// Items

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

function shape(delivery: Delivery): undefined {
	const { body, headers, name, id, known, issues, issueCount } = delivery;
	const event: AcceptedEvent = { body, headers, name, id, known, issues, issueCount };
	delivery.event = event;
	const items = delivery.sender.toItems(event, delivery.choices.settings);
	for (let i = 0; i < items.length; i++) withValidation(items[i], event);
	delivery.items = items;
	return undefined;
}

/**
 * What the items still need (a record read from the sender's API) is started now and awaited after
 * the sender has its answer: it delays the execution, never the answer.
 */
function enrich(delivery: Delivery): undefined {
	const { sender, context, event, items, choices } = delivery;
	delivery.enriching = sender.enrich?.(context, event!, items, choices.settings);
	return undefined;
}

/** The sender's `enrich`, awaited; should it fail after all, the event still runs, as it was. */
async function enriched(delivery: Delivery, enriching: Promise<IDataObject[]>) {
	try {
		return await enriching;
	} catch (error) {
		delivery.context.logger.error(
			`${delivery.sender.name} event ${delivery.name}: completing the items failed; the event runs as received: ${(error as Error).message}`,
		);
		return delivery.items;
	}
}

/** The accepted event: answered, and its items handed to n8n for the execution. */
async function answer(delivery: Delivery): Promise<IWebhookResponseData> {
	const accepted: ReplyBody = {
		status: 'accepted',
		reason: 'started',
		message: `${delivery.name} started the workflow`,
	};
	const { enriching, context } = delivery;
	if (enriching === undefined && delivery.choices.rememberIds === 'memory') {
		// Nothing to save and nothing to wait for: n8n answers with this body. n8n 2.x answers once
		// the execution exists (a sender is only told "started" for an execution n8n has taken on,
		// and a busy n8n slows its senders down instead of piling up work); n8n 1.x answers first.
		const workflowData = [delivery.items.map((json) => ({ json }))];
		return { webhookResponse: accepted, workflowData };
	}
	// With ids saved, the node answers accepted events itself, as n8n 1.x does for "respond
	// immediately": n8n then saves the static data (the remembered event id) before it starts the
	// execution. When n8n answers instead, n8n 2.x starts the execution first, which resets the
	// static data's change flag, and the remembered id is never saved.
	reply(context, { statusCode: 200, body: accepted });
	const items = enriching === undefined ? delivery.items : await enriched(delivery, enriching);
	return { noWebhookResponse: true, workflowData: [items.map((json) => ({ json }))] };
}

// ---------------------------------------------------------------------------------------------

const STAGES: readonly Stage[] = [
	checkHeaders,
	readBody,
	authenticate,
	afterAuthentication,
	parse,
	identify,
	handshake,
	judgeTime,
	select,
	decline,
	deduplicate,
	validate,
	remember,
	shape,
	enrich,
];

/**
 * Receives one webhook request: the stages in order, then the answer. Every exit that starts no
 * execution answers the sender itself, with a short JSON body saying why.
 */
export async function receiveWebhook(
	context: IWebhookFunctions,
	sender: SenderDefinition,
	choices: ReceiveChoices,
): Promise<IWebhookResponseData> {
	const delivery = started(context, sender, choices);
	for (const stage of STAGES) {
		let exit = stage(delivery);
		// Synchronous stages pass on without a pause: no await, so nothing runs in between.
		if (exit instanceof Promise) exit = await exit;
		if (exit !== undefined) return reply(context, exit);
	}
	return await answer(delivery);
}
