import type { AuthResult, Authenticator } from './sender';

/*
 * What every authentication scheme answers with. The schemes themselves are in headerScheme.ts,
 * standardWebhooks.ts and bodyHmacScheme.ts, chosen in schemes.ts.
 */

/** Accepts every request: for senders configured without authentication. */
export const acceptAnyRequest: Authenticator = () => ({ ok: true, final: true });

/** The request does not come from the sender (or cannot be shown to). */
export function unauthorized(reason: string, message: string): AuthResult {
	return { ok: false, statusCode: 401, reason, message };
}

/** The answer when the node's own configuration makes checking impossible (500, logged). */
export function configurationError(message: string): AuthResult {
	return { ok: false, statusCode: 500, reason: 'configuration', message };
}

/** An authenticator that answers the same for every request (a configuration error). */
export function always(result: AuthResult): Authenticator {
	return () => result;
}
