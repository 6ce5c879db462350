import type {
	IDataObject,
	ICredentialsDisplayOptions,
	IHookFunctions,
	INodeProperties,
	IWebhookFunctions,
} from 'n8n-workflow';
import type { z } from 'zod/v4';

import type { RequestHeaders } from './http';
import type { ValidationIssue } from './validation';

/*
 * A sender described as data. What one sender (Qondor, a Standard Webhooks CRM, SuperOffice) does
 * differently from the others is in one `SenderDefinition` in its folder: how it authenticates,
 * where it puts the event name and id, its events and their schemas, its options, how an event
 * becomes items. The node class n8n loads is built from it (`nodes/shared/trigger.ts`); the node
 * file adds only what n8n shows of the node (name, icon, description, credentials). Schema
 * generation and all tooling read the list in `nodes/senders.ts`.
 */

/** A request that passed the check. `final`: the body cannot change the outcome (a header check). */
export interface AuthPassed {
	ok: true;
	final?: boolean;
	/**
	 * Which of the secrets the check accepts signed the request, when it accepts several (the
	 * registration's check value of that secret): what the sender signs with now.
	 */
	signedWith?: string;
}

/**
 * The outcome of checking that a request comes from the sender: 401 when it does not, 500 when
 * the node's own configuration (its credential) makes checking impossible. `handshakesOnly`: the
 * secret does not exist yet (a webhook being registered), so only the sender's connection check
 * is answered, with 200.
 */
export type AuthResult =
	| AuthPassed
	| { ok: false; statusCode: 401 | 500; reason: string; message: string; handshakesOnly?: boolean };

/**
 * A request as far as it has been read: its headers, and its body once read. Checked first
 * without the body: an authenticator then checks what headers alone can tell (presence, header
 * values, timestamps) and answers ok for the rest.
 */
export interface Arrival {
	headers: RequestHeaders;
	raw?: Buffer;
}

/**
 * Checks a request against the secret or header the user configured. It only reads and compares:
 * it writes nothing and calls nothing, whatever the request holds.
 */
export type Authenticator = (arrival: Arrival) => AuthResult;

/** Everything known about an accepted event when it is turned into items. */
export interface AcceptedEvent {
	body: IDataObject;
	headers: RequestHeaders;
	name: string;
	id: string | undefined;
	/** Whether the event is in the sender's catalogue. */
	known: boolean;
	/** The first differences from the documented schema (at most MAX_REPORTED_ISSUES)… */
	issues: ValidationIssue[];
	/** …and how many there are in all. */
	issueCount: number;
}

/** Where a delivery carries a value: a top-level body field, else a header (either may be left out). */
export interface WireLocation {
	field?: string;
	header?: string;
}

/**
 * A signed time in the body (SuperOffice's `Timestamp`): a delivery whose time is further from
 * the server's clock than the window, either way, is a replay (or comes from a wrong clock) and
 * starts nothing. Applies only when requests are verified: without a secret nothing is signed.
 * The window is the option `option` (seconds), `defaultSeconds` when unset, at most `maxSeconds`.
 */
export interface SignedTime {
	field: string;
	option: string;
	defaultSeconds: number;
	maxSeconds: number;
}

/**
 * How a request proves it comes from the sender. The secrets come from the credential of the
 * authentication choice, under the field names given here.
 * - `header`: a header whose name and value the user chose (credential fields `headerName`, `headerSecret`);
 * - `standardWebhooks`: the Standard Webhooks signature (credential fields `signingSecret`,
 *   `previousSigningSecret`; the tolerance comes from the `toleranceSeconds` option);
 * - `bodyHmac`: base64 HMAC-SHA256 of the raw body in `header`, keyed with the UTF-8 bytes of the
 *   credential field `secretField` (`secretLabel` is how the credential shows that field).
 */
export type AuthScheme =
	| { type: 'header' }
	| { type: 'standardWebhooks' }
	| { type: 'bodyHmac'; header: string; secretField: string; secretLabel: string };

/**
 * Whether a choice's credential holds an inbound secret the trigger checks locally when the user
 * saves it (`<credential>Test`); API credentials are tested by n8n against the API.
 */
export function isTestedLocally(choice: AuthenticationChoice): boolean {
	return choice.credential !== undefined && choice.scheme !== undefined;
}

/** One entry of the trigger's Authentication parameter. */
export interface AuthenticationChoice {
	name: string;
	value: string;
	description: string;
	/** The credential type this choice asks for; none means requests are not verified. */
	credential?: string;
	/** How requests are verified, with the secrets of `credential`. */
	scheme?: AuthScheme;
	/**
	 * The trigger registers its webhook at the sender through the API `credential` calls, and
	 * requests are verified with the secret the registration gave the sender (the sender
	 * definition's `registration`), not with a credential field.
	 */
	registers?: boolean;
	/**
	 * When the credential is shown, if not only for this choice (SuperOffice's API credentials
	 * also read records under other choices).
	 */
	credentialDisplay?: ICredentialsDisplayOptions;
}

/** Why a sender's rules turn an event down (`decline`). */
export interface Declined {
	reason: string;
	message: string;
}

/** One event in the editor's list of events. */
export interface EventChoice {
	name: string;
	value: string;
	description: string;
}

/** The parameter choosing which events start the workflow. */
export interface EventSelectionDescription {
	/** Parameter name (`events`, or `topics` for Qondor). */
	parameter: string;
	displayName: string;
	description: string;
	required?: boolean;
	/** The "all events" entry, first in the list. */
	all: { name: string; description: string };
	catalogue: readonly EventChoice[];
	/** A free-text parameter (`customEvents`) for more names and `*` patterns. */
	custom?: { placeholder: string; description: string };
	/** The option that says what to do with unknown events (`unknownEvents` unless given). */
	unknownOption?: string;
}

/** Which events start the workflow, from the user's selection. */
export interface EventSelection {
	isSelected(eventName: string, known: boolean): boolean;
	runHandshakes: boolean;
}

/** n8n's webhook lifecycle methods, for senders whose webhooks the trigger registers itself. */
export interface WebhookLifecycle {
	checkExists(this: IHookFunctions): Promise<boolean>;
	create(this: IHookFunctions): Promise<boolean>;
	delete(this: IHookFunctions): Promise<boolean>;
}

/** The API credential type of the choice the user made, when that choice registers the webhook. */
export type RegisteringCredential = (
	context: IHookFunctions | IWebhookFunctions,
) => string | undefined;

/**
 * Registration of the webhook at the sender through its API, for the authentication choices that
 * say `registers`. The sender gets a secret the registration derives; requests are verified with it.
 */
export interface WebhookRegistration {
	/** Creates, checks and removes the webhook as n8n activates and deactivates the workflow. */
	lifecycle(credentialOf: RegisteringCredential): WebhookLifecycle;
	/**
	 * Verifies deliveries with the registered secret (and those the sender may still sign with).
	 * It reads the credential and the registration, and changes nothing.
	 */
	authenticator(context: IWebhookFunctions, credentialType: string): Promise<Authenticator>;
	/**
	 * After a delivery passed the check: what must follow from it (giving the sender the secret of
	 * an edited credential, recording that it has it). Never delays the answer.
	 */
	afterAuthentication(context: IWebhookFunctions, credentialType: string, passed: AuthPassed): void;
}

export interface SenderDefinition {
	/** Short name for tools and logs (`npm run send -- qondor`). */
	key: string;
	/** The folder under `nodes/` holding the node, its icons, codex, schema and samples. */
	folder: string;
	/** The sender's name in messages and logs (`Qondor`, `CRM`, `SuperOffice`). */
	name: string;
	/** The path of the trigger's webhook URL. */
	path: string;
	/** The notice at the top of the node panel saying how to connect the sender. */
	setupNotice: { text: string; showFor?: string[] };
	authentication: {
		/** The first is the default. */
		choices: AuthenticationChoice[];
		/** Notices shown under the parameter for some choices (a warning for `none`). */
		notices: Array<{ name: string; text: string; showFor: string[] }>;
	};
	/**
	 * Where the event name and the event id (the de-duplication key) are carried, and the signed
	 * time replays are judged on, for senders that sign one.
	 */
	event: { name: WireLocation; id: WireLocation; time?: SignedTime };
	events: EventSelectionDescription;
	/** Known events and the schema of each (the handshake event included). */
	schemas: Readonly<Record<string, z.ZodType>>;
	/** Schema for events that are not in the catalogue. */
	unknownEventSchema: z.ZodType;
	/** Parameters of the sender's own, after the events (and before Options). */
	parameters?: INodeProperties[];
	/**
	 * The sender's own entries of the node's Options collection, after Remember Event IDs. (The
	 * collection's parameter is named `settings`: `options` is n8n's raw-body flag.)
	 */
	settings: INodeProperties[];
	/**
	 * Which events run, from the selected events, the free patterns and the Options collection.
	 * By default: the selected names and patterns; handshakes only when this says so.
	 */
	selection?(
		selected: readonly string[],
		custom: readonly string[],
		settings: IDataObject,
	): EventSelection;
	/** Brings a parsed body into the documented shape (e.g. a payload sent under another name). */
	normalise?(body: IDataObject): IDataObject;
	/**
	 * Whether the request is the sender's connection check rather than a business event: from the
	 * parsed body and its event name; before the body is read (`body` undefined), from the headers,
	 * which only matters for a webhook that is not registered yet.
	 */
	isHandshake(headers: RequestHeaders, body?: IDataObject, eventName?: string): boolean;
	/** Turns an accepted event into items; the body was parsed for this request alone. */
	toItems(event: AcceptedEvent, settings: IDataObject): IDataObject[];
	/**
	 * Completes the items after the sender has been answered and before the execution starts (the
	 * record a SuperOffice event names, read from its API); undefined, at once, when there is
	 * nothing to add. It never drops an item: what it could not add, it says in the item.
	 */
	enrich?(
		context: IWebhookFunctions,
		event: AcceptedEvent,
		items: IDataObject[],
		settings: IDataObject,
	): Promise<IDataObject[]> | undefined;
	/**
	 * Whether the sender's own rules turn down an authenticated, selected event (SuperOffice:
	 * changes made by the workflow's own API user): a reason and a sentence for the answer and the
	 * log, or undefined to run it. It never turns an event down because it could not decide.
	 */
	decline?(
		context: IWebhookFunctions,
		event: Pick<AcceptedEvent, 'body' | 'name' | 'id'>,
		settings: IDataObject,
	): Declined | undefined | Promise<Declined | undefined>;
	/** Senders that disable failing webhooks get a 2xx for every authenticated request. */
	acknowledgeContentErrors?: boolean;
	/** Registration at the sender, for choices that `register`; senders set up by hand leave it out. */
	registration?: WebhookRegistration;
	/** Schemas of the items the trigger emits, for the editor's `__schema__` file. */
	outputSchemas: z.ZodObject[];
}
