import type { ICredentialDataDecryptedObject, IWebhookFunctions } from 'n8n-workflow';

/*
 * The secrets a trigger checks requests with, kept in this process for a short time instead of
 * being read from n8n on every request. On n8n 2.x every getCredentials() in a webhook builds an
 * expression isolate (tens of milliseconds of CPU); n8n's own GitHub and Stripe triggers avoid it
 * by keeping their secret in static data, in clear. Here the secret stays where n8n keeps it
 * (encrypted in the credential) and is only remembered, decrypted, in memory:
 *
 * - an entry is used for at most CREDENTIAL_TTL_MS, then read again: an edited or rotated
 *   credential takes effect within that time, and an old secret is never accepted longer;
 * - a request that fails the check makes the trigger read the credential again at once (a sender
 *   already signing with the new secret is accepted on its first request), but at most once per
 *   RECHECK_INTERVAL_MS per credential, so a stream of bad requests cannot make every one of them
 *   pay for a read;
 * - entries are keyed by the credential's id, so workflows sharing a credential share an entry,
 *   and a node switched to another credential reads the new one at once.
 */

/** How long a credential read from n8n is used before it is read again. */
export const CREDENTIAL_TTL_MS = 60_000;

/** After a failed check, how soon the same credential may be read again. */
export const RECHECK_INTERVAL_MS = 5_000;

interface Entry {
	data: ICredentialDataDecryptedObject;
	readAt: number;
}

const entries = new Map<string, Entry>();

type CredentialContext = Pick<IWebhookFunctions, 'getCredentials' | 'getNode'>;

/** The cache key of the node's credential of this type, when n8n says which credential it is. */
function keyOf(context: CredentialContext, type: string): string | undefined {
	const id = context.getNode().credentials?.[type]?.id;
	return typeof id === 'string' && id !== '' ? `${type}:${id}` : undefined;
}

/** Forgets entries past their time, so decrypted secrets of unused credentials do not linger. */
function sweep(now: number): void {
	for (const [key, entry] of entries) {
		if (now - entry.readAt >= CREDENTIAL_TTL_MS) entries.delete(key);
	}
}

async function read(
	context: CredentialContext,
	type: string,
	key: string,
	now: number,
): Promise<ICredentialDataDecryptedObject> {
	const data = await context.getCredentials(type);
	sweep(now);
	entries.set(key, { data, readAt: now });
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
	const entry = entries.get(key);
	if (entry !== undefined && now - entry.readAt < CREDENTIAL_TTL_MS) return entry.data;
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
	if (key === undefined) return undefined;
	const entry = entries.get(key);
	if (entry !== undefined && now - entry.readAt < RECHECK_INTERVAL_MS) return undefined;
	const data = await read(context, type, key, now);
	return entry !== undefined && JSON.stringify(entry.data) === JSON.stringify(data)
		? undefined
		: data;
}

/** Empties the cache (tests). */
export function forgetCredentials(): void {
	entries.clear();
}
