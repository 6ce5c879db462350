import { randomBytes } from 'crypto';
import type { IDataObject } from 'n8n-workflow';

/*
 * Automatic registration: the trigger creates its webhook through SuperOffice's REST API
 * (`/api/v1/Webhook`) when the workflow is activated, and removes it when it is deactivated.
 * The webhook's id and the secret generated for it are kept in the node's static data.
 */

/** What the REST API answered. */
export interface ApiResponse {
	statusCode: number;
	body: unknown;
}

/** Calls the tenant's REST API: `path` is relative to the base URL ending in /api/v1. */
export type SuperOfficeApi = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: IDataObject) => Promise<ApiResponse>;

/** A failure to tell the user about, in their words. */
export class RegistrationError extends Error {}

export interface WebhookTarget {
	/** The name the webhook gets in SuperOffice (mentions the workflow). */
	name: string;
	/** The trigger's production URL. */
	url: string;
	events: string[];
}

interface Registration extends IDataObject {
	superOfficeWebhookId?: number;
	superOfficeWebhookSecret?: string;
}

/** The secret SuperOffice signs deliveries with, once the webhook is registered. */
export function registeredSecret(staticData: IDataObject): string | undefined {
	const secret = (staticData as Registration).superOfficeWebhookSecret;
	return typeof secret === 'string' && secret !== '' ? secret : undefined;
}

function forget(staticData: IDataObject): void {
	delete staticData.superOfficeWebhookId;
	delete staticData.superOfficeWebhookSecret;
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
export function describeFailure(action: string, response: ApiResponse, target?: WebhookTarget): RegistrationError {
	const detail = messageOf(response.body);
	const said = detail ? ` SuperOffice said: “${detail}”` : '';
	const lower = detail.toLowerCase();
	let advice: string;
	if (response.statusCode === 401) {
		advice = 'SuperOffice did not accept the API credential (401). Check the credential, or reconnect it.';
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
	return Array.isArray(a) && a.length === b.length && [...a].sort().join('\n') === [...b].sort().join('\n');
}

/**
 * `checkExists`: whether our webhook is registered and usable. When SuperOffice still has it but
 * it was stopped (TooManyErrors after 9 failed deliveries, or Stopped), or it points elsewhere or
 * lists other events than selected now, it is updated and set Active again.
 */
export async function ensureRegistered(
	api: SuperOfficeApi,
	staticData: IDataObject,
	target: WebhookTarget,
): Promise<boolean> {
	const { superOfficeWebhookId: id } = staticData as Registration;
	const secret = registeredSecret(staticData);
	if (typeof id !== 'number' || secret === undefined) return false;
	const found = await api('GET', `Webhook/${id}`);
	if (found.statusCode === 404) {
		forget(staticData);
		return false;
	}
	if (!ok(found)) throw describeFailure('find', found, target);
	const webhook = (found.body ?? {}) as IDataObject;
	if (webhook.State === 'Active' && webhook.TargetUrl === target.url && sameEvents(webhook.Events, target.events)) {
		return true;
	}
	const updated = await api('PUT', `Webhook/${id}`, {
		...webhook,
		Name: target.name,
		Events: target.events,
		TargetUrl: target.url,
		Secret: secret,
		State: 'Active',
	});
	if (!ok(updated)) throw describeFailure('update', updated, target);
	return true;
}

/** `create`: registers the webhook with a secret of 32 random bytes that only n8n knows. */
export async function register(api: SuperOfficeApi, staticData: IDataObject, target: WebhookTarget): Promise<void> {
	const secret = randomBytes(32).toString('base64');
	const created = await api('POST', 'Webhook', {
		Name: target.name,
		Events: target.events,
		TargetUrl: target.url,
		Secret: secret,
		Type: 'webhook',
		State: 'Active',
	});
	if (!ok(created)) throw describeFailure('create', created, target);
	const id = ((created.body ?? {}) as IDataObject).WebhookId;
	if (typeof id !== 'number') {
		throw new RegistrationError('SuperOffice created the webhook but did not say its WebhookId; remove it in SuperOffice and activate again.');
	}
	staticData.superOfficeWebhookId = id;
	staticData.superOfficeWebhookSecret = secret;
}

/** `delete`: removes our webhook from SuperOffice (already gone counts as removed). */
export async function unregister(api: SuperOfficeApi, staticData: IDataObject): Promise<void> {
	const { superOfficeWebhookId: id } = staticData as Registration;
	if (typeof id === 'number') {
		const removed = await api('DELETE', `Webhook/${id}`);
		if (!ok(removed) && removed.statusCode !== 404) throw describeFailure('delete', removed);
	}
	forget(staticData);
}
