import type { ICredentialDataDecryptedObject, IWebhookFunctions } from 'n8n-workflow';

import { ExpiringMap } from './expiry';

/*
 * The credentials a trigger checks requests with, kept in this process for a short time instead of
 * being read from n8n on every request. On n8n 2.x every getCredentials() in a webhook builds an
 * expression isolate (tens of milliseconds of CPU); n8n's own GitHub and Stripe triggers avoid it
 * by keeping their secret in static data, in clear. Here the secret stays where n8n keeps it
 * (encrypted in the credential) and is only remembered, decrypted, in memory:
 *
 * - an entry lives CREDENTIAL_TTL_MS from the moment it was read, then it is dropped (swept at that
 *   time, whether or not requests arrive) and the next request reads the credential again: an edited
 *   or rotated credential takes effect within that time, and an old secret is never accepted longer;
 * - a request that fails the check makes the trigger read the credential again at once (a sender
 *   already signing with the new secret is accepted on its first request), but at most once per
 *   RECHECK_INTERVAL_MS per credential, so a stream of bad requests cannot make every one of them
 *   pay for a read;
 * - a credential that cannot be read (deleted, no longer shared, not decryptable) is remembered as
 *   such for RECHECK_INTERVAL_MS: requests in that time get the same error without a read;
 * - entries are keyed by the credential's id, so workflows sharing a credential share an entry,
 *   and a node switched to another credential reads the new one at once.
 */

/** How long a credential read from n8n is used before it is read again. */
export const CREDENTIAL_TTL_MS = 60_000;

/** After a failed check or a failed read, how soon the same credential may be read again. */
export const RECHECK_INTERVAL_MS = 5_000;

interface Entry {
	data: ICredentialDataDecryptedObject;
	readAt: number;
}

const entries = new ExpiringMap<string, Entry>();

/** Credentials that could not be read, with the error n8n gave. */
const failures = new ExpiringMap<string, Error>();

type CredentialContext = Pick<IWebhookFunctions, 'getCredentials' | 'getNode'>;

/** The cache key of the node's credential of this type, when n8n says which credential it is. */
function keyOf(context: CredentialContext, type: string): string | undefined {
	const id = context.getNode().credentials?.[type]?.id;
	return typeof id === 'string' && id !== '' ? `${type}:${id}` : undefined;
}

async function read(
	context: CredentialContext,
	type: string,
	key: string,
	now: number,
): Promise<ICredentialDataDecryptedObject> {
	const data = await context.getCredentials(type).catch(async (error: Error) => {
		failures.set(key, error, now + RECHECK_INTERVAL_MS);
		return await Promise.reject(error);
	});
	failures.delete(key);
	entries.set(key, { data, readAt: now }, now + CREDENTIAL_TTL_MS);
	return data;
}

/** The node's credential of this type, from memory while it is fresh, else from n8n. */
export async function cachedCredential(
	context: CredentialContext,
	type: string,
	now = Date.now(),
): Promise<ICredentialDataDecryptedObject> {
	const key = keyOf(context, type);
	if (key === undefined) return await context.getCredentials(type);
	const entry = entries.get(key, now);
	if (entry !== undefined) return entry.data;
	const failed = failures.get(key, now);
	if (failed !== undefined) throw failed;
	return await read(context, type, key, now);
}

/**
 * After a request failed the check: the credential read again from n8n, when it was last read
 * more than RECHECK_INTERVAL_MS ago and has changed since; otherwise undefined (check nothing again).
 */
export async function rereadAfterFailure(
	context: CredentialContext,
	type: string,
	now = Date.now(),
): Promise<ICredentialDataDecryptedObject | undefined> {
	const key = keyOf(context, type);
	if (key === undefined || failures.get(key, now) !== undefined) return undefined;
	const entry = entries.get(key, now);
	if (entry !== undefined && now - entry.readAt < RECHECK_INTERVAL_MS) return undefined;
	const data = await read(context, type, key, now);
	return entry !== undefined && JSON.stringify(entry.data) === JSON.stringify(data)
		? undefined
		: data;
}

/** Empties the cache (tests: a new process). */
export function forgetCredentials(): void {
	entries.clear();
	failures.clear();
}
