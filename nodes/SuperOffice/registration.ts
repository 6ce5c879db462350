import type { ICredentialDataDecryptedObject, IDataObject, IHookFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { ALL_EVENTS, matchesPattern, parseEventList } from '../shared/eventFilter';
import type { RegisteringCredential, WebhookLifecycle } from '../shared/sender';
import { superOfficeApi } from './api';
import type { ApiResponse, SuperOfficeApi } from './api';
import { superOfficeEvents } from './events';
import { apply, forgetSecretState } from './secretLifecycle';
import {
	derivedEarlier,
	derivedSecret,
	forgetRegistration,
	newSalt,
	nodeKey,
	registrationOf,
	storeRegistration,
} from './webhookSecret';
import type { RegistrationData } from './webhookSecret';

/*
 * Automatic registration: the trigger creates its webhook through SuperOffice's REST API
 * (`/api/v1/Webhook`) when the workflow is activated, checks it when n8n starts or the workflow is
 * activated again, and removes it when the workflow is deactivated. The webhook's id is kept in
 * the node's static data; its secret is derived from the API credential and stored nowhere (see
 * webhookSecret.ts). Every call has a time limit.
 */

export type { ApiResponse, SuperOfficeApi };

/** The time limit of one registration call (SuperOffice tests the target before it answers). */
export const REGISTRATION_CALL_LIMIT_MS = 30_000;

/** A failure to tell the user about, in their words. */
export class RegistrationError extends Error {}

export interface WebhookTarget {
	/** The name the webhook gets in SuperOffice (mentions the workflow). */
	name: string;
	/** The trigger's production URL. */
	url: string;
	events: string[];
	/** The workflow's id, which the name ends with: how the trigger knows its own webhook. */
	workflowId: string;
}

/** The API credential and this node's key, for deriving and remembering its secret. */
export interface SecretSource {
	credentials: ICredentialDataDecryptedObject;
	/** The node in its workflow (webhookSecret.ts `nodeKey`). */
	key: string;
}

/** One registration call, within its time limit. */
export async function call(
	api: SuperOfficeApi,
	method: 'GET' | 'POST' | 'PUT' | 'DELETE',
	path: string,
	body?: IDataObject,
): Promise<ApiResponse> {
	return await api(method, path, body, REGISTRATION_CALL_LIMIT_MS);
}

function messageOf(body: unknown): string {
	if (typeof body === 'string') return body.slice(0, 300);
	if (body !== null && typeof body === 'object') {
		const fields = body as IDataObject;
		for (const key of ['Message', 'message', 'ErrorMessage', 'Error', 'error']) {
			if (typeof fields[key] === 'string' && fields[key] !== '') return fields[key] as string;
		}
	}
	return '';
}

export const ok = (response: ApiResponse) =>
	response.statusCode >= 200 && response.statusCode < 300;

/** What to do about a failed call, by its status (and SuperOffice's words). */
function advice(action: string, response: ApiResponse, detail: string, target?: WebhookTarget) {
	const { statusCode } = response;
	const lower = detail.toLowerCase();
	if (statusCode >= 300 && statusCode < 400) {
		const location = response.headers?.location ?? response.headers?.Location;
		return `SuperOffice's API answered with a redirect (${statusCode}${typeof location === 'string' ? ` to ${location}` : ''}); n8n does not follow redirects with your credential. Set the credential's API base URL to the address the API really has.`;
	}
	if (statusCode === 401) {
		return 'SuperOffice did not accept the API credential (401). Check the credential, or reconnect it.';
	}
	if (statusCode === 403) {
		return 'SuperOffice refused access (403): the user or app behind the credential lacks the licence or rights to manage webhooks.';
	}
	if (statusCode === 404 && action !== 'find') {
		return 'SuperOffice has no Webhook API at this address (404): check the API base URL (…/api/v1) and that the webhook agent is enabled for the tenant.';
	}
	if (lower.includes('https') || lower.includes('certificate') || lower.includes('ssl')) {
		return `SuperOffice demands an HTTPS target URL with a valid certificate, and n8n's production URL is ${target?.url ?? 'not one'}. Set WEBHOOK_URL to n8n's public https:// address.`;
	}
	if (lower.includes('test') || lower.includes('reach') || lower.includes('target')) {
		return `SuperOffice could not deliver its test event to ${target?.url ?? "n8n's production URL"}: n8n must be reachable from SuperOffice at that address.`;
	}
	return `SuperOffice answered ${statusCode} when asked to ${action} the webhook.`;
}

/**
 * Turns a failed API call into a message that says what to do. SuperOffice's own wording is
 * appended, since it is often the most precise part.
 */
export function describeFailure(
	action: string,
	response: ApiResponse,
	target?: WebhookTarget,
): RegistrationError {
	const detail = messageOf(response.body);
	const said = detail ? ` SuperOffice said: “${detail}”` : '';
	return new RegistrationError(`${advice(action, response, detail, target)}${said}`);
}

/** SuperOffice Online only delivers to HTTPS targets: say so before asking it. */
export function checkTargetUrl(apiBaseUrl: string, target: WebhookTarget): void {
	const online = /^https:\/\/[^/]*superoffice\.com\//i.test(apiBaseUrl);
	if (online && !target.url.startsWith('https://')) {
		throw new RegistrationError(
			`SuperOffice Online only delivers webhooks to HTTPS addresses with a valid certificate, and n8n's production URL is ${target.url}. Set WEBHOOK_URL to n8n's public https:// address and activate again.`,
		);
	}
}

function sameEvents(a: unknown, b: string[]): boolean {
	return (
		Array.isArray(a) &&
		a.length === b.length &&
		[...a].sort().join('\n') === [...b].sort().join('\n')
	);
}

/**
 * Whether a webhook SuperOffice has under our stored id is this trigger's: it delivers to this
 * trigger's URL, or carries the name this trigger gave it (ending in the workflow's id). A
 * workflow copied with its static data, or an id SuperOffice gave another webhook since, must not
 * make the trigger take over somebody else's webhook.
 */
export function isOurs(webhook: IDataObject, target: Pick<WebhookTarget, 'url' | 'workflowId'>) {
	if (target.url !== '' && webhook.TargetUrl === target.url) return true;
	const { Name: name } = webhook;
	return (
		typeof name === 'string' && name.startsWith('n8n: ') && name.endsWith(` (${target.workflowId})`)
	);
}

/** The webhook with this id, when SuperOffice has it and it is ours; undefined otherwise. */
export async function findOurs(
	api: SuperOfficeApi,
	id: number,
	target: Pick<WebhookTarget, 'url' | 'workflowId'>,
): Promise<IDataObject | undefined> {
	const found = await call(api, 'GET', `Webhook/${id}`);
	if (found.statusCode === 404) return undefined;
	if (!ok(found)) throw describeFailure('find', found);
	const webhook = (found.body ?? {}) as IDataObject;
	return isOurs(webhook, target) ? webhook : undefined;
}

function upToDate(webhook: IDataObject, target: WebhookTarget): boolean {
	return (
		webhook.State === 'Active' &&
		webhook.TargetUrl === target.url &&
		webhook.Name === target.name &&
		sameEvents(webhook.Events, target.events)
	);
}

/**
 * `checkExists`: whether our webhook is registered and usable. When SuperOffice still has it but
 * it was stopped (TooManyErrors after 9 failed deliveries, or Stopped), or it points elsewhere or
 * lists other events than selected now, or the API credential changed since SuperOffice was given
 * its secret (the derived secret changed with it), it is updated and set Active again. A webhook
 * that is gone, or is not ours, is forgotten: n8n then creates one.
 */
export async function ensureRegistered(
	api: SuperOfficeApi,
	staticData: IDataObject,
	target: WebhookTarget,
	source: SecretSource,
): Promise<boolean> {
	const registration = registrationOf(staticData);
	// An id without a salt and check (from the unpublished 0.1): nothing can verify its deliveries.
	if (registration === undefined) return await replaceUnusable(api, staticData, target);
	const webhook = await findOurs(api, registration.id, target);
	if (webhook === undefined) {
		forgetRegistration(staticData);
		return false;
	}
	const { id, salt } = registration;
	const derived = await derivedSecret(source.credentials, salt);
	const edited = derived.check !== registration.check;
	const at = Date.now();
	if (!edited && upToDate(webhook, target)) {
		apply(source.key, { type: 'registered', at });
		return true;
	}
	// SuperOffice tests the target with the new secret before it takes it: that test is accepted.
	if (edited) apply(source.key, { type: 'rotation-started' });
	if (edited) apply(source.key, { type: 'rotation-offered', ...derived });
	let given = false;
	try {
		const updated = await call(api, 'PUT', `Webhook/${id}`, {
			...webhook,
			Name: target.name,
			Events: target.events,
			TargetUrl: target.url,
			Secret: derived.secret,
			State: 'Active',
		});
		if (!ok(updated)) throw describeFailure('update', updated, target);
		given = true;
	} finally {
		if (edited && !given) apply(source.key, { type: 'rotation-failed', at });
	}
	storeRegistration(staticData, { id, salt, check: derived.check });
	const replaced = edited ? derivedEarlier(salt, registration.check)?.secret : undefined;
	apply(source.key, { type: 'registered', replaced, at });
	return true;
}

/** Removes the webhook static data names at SuperOffice, when it is ours, and forgets it. */
async function removeOurs(
	api: SuperOfficeApi,
	staticData: IDataObject,
	target: Pick<WebhookTarget, 'url' | 'workflowId'>,
): Promise<void> {
	const { superOfficeWebhookId: id } = staticData as RegistrationData;
	if (typeof id === 'number' && (await findOurs(api, id, target)) !== undefined) {
		const removed = await call(api, 'DELETE', `Webhook/${id}`);
		if (!ok(removed) && removed.statusCode !== 404) throw describeFailure('delete', removed);
	}
	forgetRegistration(staticData);
}

/** A stored id whose secret cannot be derived: its webhook is removed (when ours) and forgotten. */
async function replaceUnusable(
	api: SuperOfficeApi,
	staticData: IDataObject,
	target: WebhookTarget,
): Promise<boolean> {
	await removeOurs(api, staticData, target);
	return false;
}

/**
 * `create`: registers the webhook with a secret of 32 bytes derived from the API credential and a
 * new random salt; the secret itself is stored nowhere.
 */
export async function register(
	api: SuperOfficeApi,
	staticData: IDataObject,
	target: WebhookTarget,
	source: SecretSource,
): Promise<void> {
	const salt = newSalt();
	const derived = await derivedSecret(source.credentials, salt);
	const created = await call(api, 'POST', 'Webhook', {
		Name: target.name,
		Events: target.events,
		TargetUrl: target.url,
		Secret: derived.secret,
		Type: 'webhook',
		State: 'Active',
	});
	if (!ok(created)) throw describeFailure('create', created, target);
	const id = ((created.body ?? {}) as IDataObject).WebhookId;
	if (typeof id !== 'number') {
		throw new RegistrationError(
			'SuperOffice created the webhook but did not say its WebhookId; remove it in SuperOffice and activate again.',
		);
	}
	storeRegistration(staticData, { id, salt, check: derived.check });
	apply(source.key, { type: 'registered', at: Date.now() });
}

/** `delete`: removes our webhook from SuperOffice (already gone, or not ours, counts as removed). */
export async function unregister(
	api: SuperOfficeApi,
	staticData: IDataObject,
	target: Pick<WebhookTarget, 'url' | 'workflowId'>,
	source: SecretSource,
): Promise<void> {
	await removeOurs(api, staticData, target);
	forgetSecretState(source.key);
}

/**
 * The event names to register. SuperOffice's Webhook API takes exact event names, so "All
 * Events" becomes the whole catalogue and a custom pattern with `*` becomes the catalogue's
 * names it matches (`*.deleted`, `sale.*`). A pattern that matches none of them (`list.*.created`:
 * the names of a tenant's lists are not known here) cannot be registered: activation is refused,
 * saying so, rather than sending SuperOffice a name it does not know.
 */
export function eventsToRegister(selected: readonly string[], custom: readonly string[]): string[] {
	const catalogue = superOfficeEvents.map((event) => event.value);
	const events = selected.includes(ALL_EVENTS) ? [...catalogue] : [...selected];
	const unmatched: string[] = [];
	for (const entry of custom) {
		if (!entry.includes('*')) {
			events.push(entry);
			continue;
		}
		const matched = catalogue.filter((name) => matchesPattern(name, entry));
		if (matched.length === 0) unmatched.push(entry);
		events.push(...matched);
	}
	if (unmatched.length > 0) {
		const listed = unmatched.map((entry) => `“${entry}”`).join(', ');
		throw new RegistrationError(
			`SuperOffice's Webhook API takes exact event names, not patterns, and ${listed} ${unmatched.length === 1 ? 'matches' : 'match'} none of the events this node knows, so n8n cannot tell SuperOffice which events to send. In Custom Events, write the names out (for example list.<list name>.created), or create the webhook in SuperOffice yourself and choose Webhook Secret authentication.`,
		);
	}
	return [...new Set(events)];
}

/** The name a webhook gets: the workflow's name, shortened when long, and its id in full. */
export function webhookName(workflow: { name?: string; id?: string }): string {
	return `n8n: ${(workflow.name ?? 'workflow').slice(0, 150)} (${workflow.id ?? ''})`;
}

/** What to register: the production URL and, when asked, the selected events. */
function webhookTarget(context: IHookFunctions, withEvents: boolean): WebhookTarget {
	const workflow = context.getWorkflow();
	const selected = context.getNodeParameter('events', [ALL_EVENTS]) as string[];
	const custom = parseEventList(String(context.getNodeParameter('customEvents', '')));
	return {
		name: webhookName(workflow),
		url: context.getNodeWebhookUrl('default') ?? '',
		// Removing the webhook needs no events: a selection that cannot be registered must not
		// keep a registered webhook from being removed.
		events: withEvents ? eventsToRegister(selected, custom) : [],
		workflowId: workflow.id ?? '',
	};
}

type Step = (
	api: SuperOfficeApi,
	staticData: IDataObject,
	target: WebhookTarget,
	source: SecretSource,
) => Promise<boolean>;

/**
 * Runs a lifecycle step when the chosen authentication registers the webhook. With Webhook Secret
 * (or None) the webhook is created by hand in SuperOffice: there is nothing to do there, so
 * activation and deactivation always succeed.
 */
async function automatically(
	context: IHookFunctions,
	credentialOf: RegisteringCredential,
	step: Step,
	withEvents = true,
): Promise<boolean> {
	const credentialType = credentialOf(context);
	if (credentialType === undefined) return true;
	const connection = await superOfficeApi(context, credentialType);
	if ('refused' in connection) throw new NodeOperationError(context.getNode(), connection.refused);
	const { api, baseUrl, credentials } = connection;
	const source = { credentials, key: nodeKey(context.getWorkflow(), context.getNode()) };
	try {
		const target = webhookTarget(context, withEvents);
		if (withEvents) checkTargetUrl(baseUrl, target);
		return await step(api, context.getWorkflowStaticData('node'), target, source);
	} catch (error) {
		if (error instanceof RegistrationError)
			throw new NodeOperationError(context.getNode(), error.message);
		throw new NodeOperationError(context.getNode(), error as Error);
	}
}

/** Creates, checks and removes the webhook at SuperOffice as n8n activates and deactivates the workflow. */
export function registrationLifecycle(credentialOf: RegisteringCredential): WebhookLifecycle {
	return {
		async checkExists(this: IHookFunctions): Promise<boolean> {
			return await automatically(this, credentialOf, ensureRegistered);
		},
		async create(this: IHookFunctions): Promise<boolean> {
			return await automatically(this, credentialOf, async (api, staticData, target, source) => {
				await register(api, staticData, target, source);
				return true;
			});
		},
		async delete(this: IHookFunctions): Promise<boolean> {
			const remove: Step = async (api, staticData, target, source) => {
				await unregister(api, staticData, target, source);
				return true;
			};
			return await automatically(this, credentialOf, remove, false);
		},
	};
}
