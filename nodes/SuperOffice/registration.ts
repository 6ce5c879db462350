import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IHookFunctions,
	IWebhookFunctions,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { bodySignatureAuthenticator } from '../shared/bodySignature';
import {
	cachedCredential,
	RECHECK_INTERVAL_MS,
	rereadAfterFailure,
} from '../shared/credentialCache';
import { ALL_EVENTS, matchesPattern, parseEventList } from '../shared/eventFilter';
import type { AuthenticationChoice, Authenticator, WebhookLifecycle } from '../shared/sender';
import { superOfficeApi } from './api';
import type { ApiResponse, SuperOfficeApi } from './api';
import { superOfficeEvents } from './events';
import {
	derivedSecret,
	forgetSecrets,
	knownSecrets,
	newSalt,
	nodeKey,
	registrationKey,
	ROTATION_GRACE_MS,
	storeRegistration,
} from './webhookSecret';
import type { DerivedSecret, Known, Registration } from './webhookSecret';

/*
 * Automatic registration: the trigger creates its webhook through SuperOffice's REST API
 * (`/api/v1/Webhook`) when the workflow is activated, and removes it when it is deactivated.
 * The webhook's id is kept in the node's static data; its secret is derived from the API
 * credential and stored nowhere (see webhookSecret.ts).
 */

export type { ApiResponse, SuperOfficeApi };

/** A failure to tell the user about, in their words. */
export class RegistrationError extends Error {}

export interface WebhookTarget {
	/** The name the webhook gets in SuperOffice (mentions the workflow). */
	name: string;
	/** The trigger's production URL. */
	url: string;
	events: string[];
}

/** A secret kept in clear by earlier versions of this node, until the next activation replaces it. */
function clearSecret(staticData: IDataObject): string | undefined {
	const secret = (staticData as Registration).superOfficeWebhookSecret;
	return typeof secret === 'string' && secret !== '' ? secret : undefined;
}

function forget(staticData: IDataObject): void {
	delete staticData.superOfficeWebhookId;
	delete staticData.superOfficeSecretSalt;
	delete staticData.superOfficeSecretCheck;
	delete staticData.superOfficeWebhookSecret;
}

/** The API credential and this node's key, for deriving and remembering its secret. */
export interface SecretSource {
	credentials: ICredentialDataDecryptedObject;
	/** The node in its workflow (webhookSecret.ts `nodeKey`). */
	key: string;
}

/**
 * After SuperOffice was given `next`: it is the registered secret, and the one it replaces (the
 * secret in clear of an earlier version, or the one this process last knew SuperOffice to have)
 * is still accepted for ROTATION_GRACE_MS, for deliveries already under way.
 */
function rotated(key: string, next: DerivedSecret, replacedClear: string | undefined): void {
	const mine = knownSecrets(key);
	const before =
		replacedClear !== undefined ? { secret: replacedClear, check: '' } : mine.registered;
	if (before !== undefined && before.secret !== next.secret) {
		mine.previous = before;
		mine.previousUntil = Date.now() + ROTATION_GRACE_MS;
	}
	mine.registered = next;
}

/**
 * Whether SuperOffice signs with `current` as far as this process can tell: static data says it
 * was given that secret (and no secret in clear is left to replace), and this process did not give
 * it another one since (static data may not have been saved after that request).
 */
function inSync(
	current: DerivedSecret,
	check: string | undefined,
	legacy: string | undefined,
	rotation: Known['rotation'],
): boolean {
	if (legacy !== undefined || current.check !== check) return false;
	return !(rotation?.state === 'done' && rotation.check !== current.check);
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

const ok = (response: ApiResponse) => response.statusCode >= 200 && response.statusCode < 300;

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
	const lower = detail.toLowerCase();
	let advice: string;
	if (response.statusCode >= 300 && response.statusCode < 400) {
		const location = response.headers?.location ?? response.headers?.Location;
		advice = `SuperOffice's API answered with a redirect (${response.statusCode}${typeof location === 'string' ? ` to ${location}` : ''}); n8n does not follow redirects with your credential. Set the credential's API base URL to the address the API really has.`;
	} else if (response.statusCode === 401) {
		advice =
			'SuperOffice did not accept the API credential (401). Check the credential, or reconnect it.';
	} else if (response.statusCode === 403) {
		advice =
			'SuperOffice refused access (403): the user or app behind the credential lacks the licence or rights to manage webhooks.';
	} else if (response.statusCode === 404 && action !== 'find') {
		advice =
			'SuperOffice has no Webhook API at this address (404): check the API base URL (…/api/v1) and that the webhook agent is enabled for the tenant.';
	} else if (lower.includes('https') || lower.includes('certificate') || lower.includes('ssl')) {
		advice = `SuperOffice demands an HTTPS target URL with a valid certificate, and n8n's production URL is ${target?.url ?? 'not one'}. Set WEBHOOK_URL to n8n's public https:// address.`;
	} else if (lower.includes('test') || lower.includes('reach') || lower.includes('target')) {
		advice = `SuperOffice could not deliver its test event to ${target?.url ?? "n8n's production URL"}: n8n must be reachable from SuperOffice at that address.`;
	} else {
		advice = `SuperOffice answered ${response.statusCode} when asked to ${action} the webhook.`;
	}
	return new RegistrationError(`${advice}${said}`);
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
 * `checkExists`: whether our webhook is registered and usable. When SuperOffice still has it but
 * it was stopped (TooManyErrors after 9 failed deliveries, or Stopped), or it points elsewhere or
 * lists other events than selected now, or the API credential changed since SuperOffice was given
 * its secret (the derived secret changed with it), it is updated and set Active again.
 *
 * A secret that an earlier version kept in clear is replaced in two steps, so that no process
 * ever has to check a secret it cannot know: here the derived secret's salt and check are stored
 * next to it (SuperOffice keeps the secret in clear for now); the first request that reaches any
 * n8n process then gives SuperOffice the derived one, which every process can check, and the
 * secret in clear is dropped once SuperOffice has it.
 */
export async function ensureRegistered(
	api: SuperOfficeApi,
	staticData: IDataObject,
	target: WebhookTarget,
	source: SecretSource,
): Promise<boolean> {
	const { superOfficeWebhookId: id } = staticData as Registration;
	const registration = registrationKey(staticData);
	const legacy = clearSecret(staticData);
	if (typeof id !== 'number' || (registration === undefined && legacy === undefined)) return false;
	const found = await api('GET', `Webhook/${id}`);
	if (found.statusCode === 404) {
		forget(staticData);
		return false;
	}
	if (!ok(found)) throw describeFailure('find', found, target);
	const webhook = (found.body ?? {}) as IDataObject;
	const salt = registration?.salt ?? newSalt();
	const derived = await derivedSecret(source.credentials, salt);
	const mine = knownSecrets(source.key);
	if (legacy !== undefined) {
		staticData.superOfficeSecretSalt = salt;
		staticData.superOfficeSecretCheck = derived.check;
	}
	const newSecret =
		legacy === undefined && !inSync(derived, registration?.check, legacy, mine.rotation);
	if (
		!newSecret &&
		webhook.State === 'Active' &&
		webhook.TargetUrl === target.url &&
		sameEvents(webhook.Events, target.events)
	) {
		if (legacy === undefined) mine.registered = derived;
		return true;
	}
	const at = Date.now();
	// While SuperOffice tests the target with the new secret, no request starts another rotation.
	if (newSecret) {
		mine.rotation = { check: derived.check, state: 'pending', at, secret: derived.secret };
	}
	const updated = await api('PUT', `Webhook/${id}`, {
		...webhook,
		Name: target.name,
		Events: target.events,
		TargetUrl: target.url,
		Secret: legacy ?? derived.secret,
		State: 'Active',
	});
	if (!ok(updated)) {
		if (newSecret) mine.rotation = { check: derived.check, state: 'failed', at };
		throw describeFailure('update', updated, target);
	}
	if (newSecret) {
		storeRegistration(staticData, id, salt, derived);
		rotated(source.key, derived, undefined);
		mine.rotation = { check: derived.check, state: 'done', at };
	} else if (legacy === undefined) {
		mine.registered = derived;
	}
	return true;
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
	const created = await api('POST', 'Webhook', {
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
	storeRegistration(staticData, id, salt, derived);
	knownSecrets(source.key).registered = derived;
}

/** `delete`: removes our webhook from SuperOffice (already gone counts as removed). */
export async function unregister(
	api: SuperOfficeApi,
	staticData: IDataObject,
	source?: SecretSource,
): Promise<void> {
	const { superOfficeWebhookId: id } = staticData as Registration;
	if (typeof id === 'number') {
		const removed = await api('DELETE', `Webhook/${id}`);
		if (!ok(removed) && removed.statusCode !== 404) throw describeFailure('delete', removed);
	}
	forget(staticData);
	if (source !== undefined) forgetSecrets(source.key);
}

/** The header SuperOffice signs deliveries in. */
export const SIGNATURE_HEADER = 'X-SuperOffice-Signature';

const notRegistered: Authenticator = () => ({
	ok: false,
	statusCode: 401,
	reason: 'not-registered',
	message: 'The webhook is not registered with SuperOffice yet',
	handshakesOnly: true,
});

/** Accepts a delivery signed with any of the secrets (each compared in constant time). */
function anyOf(secrets: string[]): Authenticator {
	const checks = secrets.map((secret) =>
		bodySignatureAuthenticator(SIGNATURE_HEADER, secret, 'Webhook Secret'),
	);
	if (checks.length === 1) return checks[0];
	return (arrival) => {
		let first;
		for (const check of checks) {
			const result = check(arrival);
			if (result.ok) return result;
			first ??= result;
		}
		return first!;
	};
}

/** How soon a rotation that failed (SuperOffice unreachable) is tried again. */
const ROTATION_RETRY_MS = 60_000;

/**
 * Gives SuperOffice the secret derived from the API credential as n8n holds it now (read afresh:
 * a process whose memory is behind never gives SuperOffice an older secret), without holding up
 * the delivery at hand; nothing when SuperOffice already has it. One rotation at a time per node
 * and process; a failed one is tried again after ROTATION_RETRY_MS.
 */
function startRotation(
	context: IWebhookFunctions,
	credentialType: string,
	id: number,
	salt: string,
	key: string,
): void {
	const mine = knownSecrets(key);
	const { rotation } = mine;
	if (rotation?.state === 'pending') return;
	if (rotation?.state === 'failed' && Date.now() - rotation.at < ROTATION_RETRY_MS) return;
	// A request that found nothing to do a moment ago: this process's copy of the credential was
	// behind, and is read again within RECHECK_INTERVAL_MS.
	if ((mine.quietUntil ?? 0) > Date.now()) return;
	const before = rotation;
	const at = Date.now();
	const pending: Known['rotation'] & object = { check: '', state: 'pending', at };
	mine.rotation = pending;
	void (async () => {
		const connection = await superOfficeApi(context, credentialType);
		if ('refused' in connection) throw new RegistrationError(connection.refused);
		const next = await derivedSecret(connection.credentials, salt);
		pending.check = next.check;
		pending.secret = next.secret;
		const staticData = context.getWorkflowStaticData('node');
		const stored = registrationKey(staticData)?.check;
		if (inSync(next, stored, clearSecret(staticData), before)) return undefined;
		const { api } = connection;
		const found = await api('GET', `Webhook/${id}`);
		if (!ok(found)) throw describeFailure('find', found);
		const updated = await api('PUT', `Webhook/${id}`, {
			...((found.body ?? {}) as IDataObject),
			Secret: next.secret,
		});
		if (!ok(updated)) throw describeFailure('update', updated);
		return next;
	})().then(
		(next) => {
			if (next === undefined) {
				mine.rotation = before;
				mine.quietUntil = Date.now() + RECHECK_INTERVAL_MS;
				return;
			}
			rotated(key, next, clearSecret(context.getWorkflowStaticData('node')));
			mine.rotation = { check: next.check, state: 'done', at };
			context.logger.info(
				`SuperOffice webhook ${id}: SuperOffice was given the webhook secret derived from the API credential as it is now`,
			);
		},
		(error: Error) => {
			mine.rotation = { check: pending.check, state: 'failed', at };
			context.logger.error(
				`SuperOffice webhook ${id}: SuperOffice could not be given the webhook secret derived from the API credential as it is now; deliveries signed with that secret are refused until it is (tried again in a minute, and when the workflow is activated or n8n starts): ${error.message}`,
			);
		},
	);
}

/** The verifier for when the API credential cannot be read. */
function unreadable(error: unknown): Authenticator {
	return () => ({
		ok: false,
		statusCode: 500,
		reason: 'configuration',
		message: `The API credential the webhook was registered with cannot be read: ${(error as Error).message}`,
	});
}

/**
 * Verifies deliveries with the secret derived from the API credential (webhookSecret.ts), and
 * while SuperOffice may still sign with another one (a credential edited, a secret in clear from
 * an earlier version), with that one too, as far as this process knows it.
 * SuperOffice sends its test event while the webhook is being created, before n8n has stored the
 * registration: until then only that connection check is answered (it starts nothing), anything
 * else is refused.
 */
export async function registeredSecretAuthenticator(
	context: IWebhookFunctions,
	choice: AuthenticationChoice,
): Promise<Authenticator> {
	const staticData = context.getWorkflowStaticData('node');
	const { superOfficeWebhookId: id } = staticData as Registration;
	const registration = registrationKey(staticData);
	const legacy = clearSecret(staticData);
	const type = choice.credential;
	if (typeof id !== 'number' || type === undefined) return notRegistered;
	// Registered by an earlier version, not activated since: its secret, until then.
	if (registration === undefined) return legacy === undefined ? notRegistered : anyOf([legacy]);
	const key = nodeKey(context.getWorkflow(), context.getNode());
	const mine = knownSecrets(key);
	let current: DerivedSecret;
	try {
		current = await derivedSecret(await cachedCredential(context, type), registration.salt);
		if (!inSync(current, registration.check, legacy, mine.rotation)) {
			// Static data says SuperOffice has another secret: this process's copy of the
			// credential may be behind (it is read again at most every 5 seconds).
			const fresh = await rereadAfterFailure(context, type);
			if (fresh !== undefined) current = await derivedSecret(fresh, registration.salt);
		}
	} catch (error) {
		return unreadable(error);
	}
	const { rotation } = mine;
	if (rotation?.state === 'done' && rotation.check === current.check) {
		// SuperOffice has this secret since a rotation here: static data says so from this request on.
		storeRegistration(staticData, id, registration.salt, current);
	}
	const secrets = [current.secret];
	if (inSync(current, registrationKey(staticData)?.check, clearSecret(staticData), rotation)) {
		mine.registered = current;
	} else {
		// SuperOffice may still sign with what it had: the secret in clear, or the one this
		// process last knew it to have. It is given the current one.
		if (legacy !== undefined) secrets.push(legacy);
		if (mine.registered !== undefined) secrets.push(mine.registered.secret);
		startRotation(context, type, id, registration.salt, key);
	}
	// SuperOffice tests the target with the secret it is being given before it takes it.
	if (mine.rotation?.state === 'pending' && mine.rotation.secret !== undefined) {
		secrets.push(mine.rotation.secret);
	}
	if (mine.previous !== undefined && (mine.previousUntil ?? 0) > Date.now()) {
		secrets.push(mine.previous.secret);
	}
	return anyOf([...new Set(secrets)]);
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

/** What to register: the production URL and the selected events. */
function webhookTarget(context: IHookFunctions): WebhookTarget {
	const selected = context.getNodeParameter('events', [ALL_EVENTS]) as string[];
	const custom = parseEventList(String(context.getNodeParameter('customEvents', '')));
	const workflow = context.getWorkflow();
	return {
		name: `n8n: ${workflow.name ?? 'workflow'} (${workflow.id ?? ''})`.slice(0, 200),
		url: context.getNodeWebhookUrl('default') ?? '',
		events: eventsToRegister(selected, custom),
	};
}

type Step = (
	api: SuperOfficeApi,
	staticData: IDataObject,
	target: WebhookTarget,
	source: SecretSource,
) => Promise<boolean>;

/** The API credential type of the chosen authentication, when it is one that registers the webhook. */
export type ApiCredentialOf = (context: IHookFunctions) => string | undefined;

/**
 * Runs a lifecycle step when an API authentication was chosen. With Webhook Secret (or None) the
 * webhook is created by hand in SuperOffice: there is nothing to do there, so activation and
 * deactivation always succeed.
 */
async function automatically(
	context: IHookFunctions,
	apiCredential: ApiCredentialOf,
	step: Step,
	needsTarget = true,
): Promise<boolean> {
	const credentialType = apiCredential(context);
	if (credentialType === undefined) return true;
	const connection = await superOfficeApi(context, credentialType);
	if ('refused' in connection) throw new NodeOperationError(context.getNode(), connection.refused);
	const { api, baseUrl, credentials } = connection;
	const source = { credentials, key: nodeKey(context.getWorkflow(), context.getNode()) };
	try {
		// Removing the webhook needs no target: a selection that cannot be registered must not
		// keep a registered webhook from being removed.
		const target = needsTarget ? webhookTarget(context) : { name: '', url: '', events: [] };
		if (needsTarget) checkTargetUrl(baseUrl, target);
		return await step(api, context.getWorkflowStaticData('node'), target, source);
	} catch (error) {
		if (error instanceof RegistrationError)
			throw new NodeOperationError(context.getNode(), error.message);
		throw new NodeOperationError(context.getNode(), error as Error);
	}
}

/** Creates, checks and removes the webhook at SuperOffice as n8n activates and deactivates the workflow. */
export function registrationLifecycle(apiCredential: ApiCredentialOf): WebhookLifecycle {
	return {
		async checkExists(this: IHookFunctions): Promise<boolean> {
			return await automatically(this, apiCredential, ensureRegistered);
		},
		async create(this: IHookFunctions): Promise<boolean> {
			return await automatically(this, apiCredential, async (api, staticData, target, source) => {
				await register(api, staticData, target, source);
				return true;
			});
		},
		async delete(this: IHookFunctions): Promise<boolean> {
			return await automatically(
				this,
				apiCredential,
				async (api, staticData, _target, source) => {
					await unregister(api, staticData, source);
					return true;
				},
				false,
			);
		},
	};
}
