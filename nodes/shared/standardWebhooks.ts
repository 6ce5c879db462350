import type { ICredentialDataDecryptedObject, INodeCredentialTestResult } from 'n8n-workflow';

import { always, configurationError, unauthorized } from './authentication';
import { headerValue } from './http';
import type { Arrival, AuthResult, Authenticator } from './sender';
import { bytesEqual, decodeBase64, hmacSha256 } from './signatures';

/*
 * Verification of the Standard Webhooks scheme (standardwebhooks.com): the sender signs
 * `<webhook-id>.<webhook-timestamp>.<raw body>` with HMAC-SHA256, keyed with the base64-decoded
 * secret, and lists one or more `v1,<base64 signature>` entries in `webhook-signature`.
 */

export const DEFAULT_TOLERANCE_SECONDS = 300;

/** The widest tolerance window accepted, whatever the workflow says (the editor's limit too). */
export const MAX_TOLERANCE_SECONDS = 3600;

/** The shortest signing key accepted (128 bits; senders generate 24 to 64 bytes). */
export const MIN_SIGNING_KEY_BYTES = 16;

const SECRET_PREFIX = 'whsec_';

/**
 * The HMAC key of a signing secret: the base64 text after the optional `whsec_` prefix, decoded.
 * Undefined when the secret is not of that form.
 */
export function signingKey(secret: string): Buffer | undefined {
	const trimmed = secret.trim();
	const encoded = trimmed.startsWith(SECRET_PREFIX) ? trimmed.slice(SECRET_PREFIX.length) : trimmed;
	return decodeBase64(encoded);
}

/** The base64 signatures of the `v1` entries of a `webhook-signature` header; others are ignored. */
function v1Signatures(header: string): Buffer[] {
	const signatures: Buffer[] = [];
	for (const entry of header.split(' ')) {
		const comma = entry.indexOf(',');
		if (comma === -1 || entry.slice(0, comma) !== 'v1') continue;
		const decoded = decodeBase64(entry.slice(comma + 1));
		if (decoded !== undefined) signatures.push(decoded);
	}
	return signatures;
}

/**
 * Checks a delivery's Standard Webhooks signature against any of the given keys (several during
 * a secret rotation) and its timestamp against `toleranceSeconds` around `nowSeconds`.
 */
export function verifyStandardWebhook(
	delivery: Arrival,
	keys: readonly Buffer[],
	toleranceSeconds: number,
	nowSeconds: number,
): AuthResult {
	const id = headerValue(delivery.headers, 'webhook-id');
	const timestamp = headerValue(delivery.headers, 'webhook-timestamp');
	const signature = headerValue(delivery.headers, 'webhook-signature');
	if (id === undefined || id === '')
		return unauthorized('missing-header', 'Missing webhook-id header');
	if (timestamp === undefined || timestamp === '') {
		return unauthorized('missing-header', 'Missing webhook-timestamp header');
	}
	if (signature === undefined || signature === '') {
		return unauthorized('missing-header', 'Missing webhook-signature header');
	}
	if (!/^\d{1,15}$/.test(timestamp)) {
		return unauthorized(
			'invalid-timestamp',
			'The webhook-timestamp header is not a Unix time in seconds',
		);
	}
	if (Math.abs(nowSeconds - Number(timestamp)) > toleranceSeconds) {
		return unauthorized(
			'timestamp-out-of-window',
			`The webhook-timestamp is outside the ${toleranceSeconds}-second tolerance window (stale or from the future)`,
		);
	}
	const received = v1Signatures(signature);
	if (received.length === 0) {
		return unauthorized('no-v1-signature', 'The webhook-signature header has no v1 signature');
	}
	// Before the body is read: the headers hold; the signature is checked with the body.
	if (delivery.raw === undefined) return { ok: true };
	for (const key of keys) {
		const expected = hmacSha256(key, `${id}.${timestamp}.`, delivery.raw);
		// Every received entry is compared, so the time taken does not reveal which one matched.
		let matched = false;
		for (const candidate of received) matched = bytesEqual(candidate, expected) || matched;
		if (matched) return { ok: true };
	}
	return unauthorized(
		'signature-mismatch',
		'No v1 signature in webhook-signature matches the body',
	);
}

type KeysResult = { ok: true; keys: Buffer[] } | { ok: false; message: string };

/** The HMAC keys of the credential's current and (optional) previous secret. */
export function credentialKeys(credentials: ICredentialDataDecryptedObject): KeysResult {
	const current = String(credentials.signingSecret ?? '');
	const previous = String(credentials.previousSigningSecret ?? '');
	if (current.trim() === '') return { ok: false, message: 'The credential has no signing secret' };
	const keys: Buffer[] = [];
	const currentKey = signingKey(current);
	if (currentKey === undefined) {
		return {
			ok: false,
			message: 'The signing secret is not a Standard Webhooks secret (whsec_ followed by base64)',
		};
	}
	if (currentKey.length < MIN_SIGNING_KEY_BYTES) {
		return {
			ok: false,
			message: `The signing secret is ${currentKey.length} bytes long; at least ${MIN_SIGNING_KEY_BYTES} are needed (paste the whole whsec_ secret the sender shows)`,
		};
	}
	keys.push(currentKey);
	if (previous.trim() !== '') {
		const previousKey = signingKey(previous);
		if (previousKey === undefined) {
			return {
				ok: false,
				message:
					'The previous signing secret is not a Standard Webhooks secret (whsec_ followed by base64)',
			};
		}
		if (previousKey.length < MIN_SIGNING_KEY_BYTES) {
			return {
				ok: false,
				message: `The previous signing secret is ${previousKey.length} bytes long; at least ${MIN_SIGNING_KEY_BYTES} are needed`,
			};
		}
		keys.push(previousKey);
	}
	return { ok: true, keys };
}

/** Standard Webhooks verification with the credential's secrets and the node's tolerance. */
export function standardWebhooksAuthenticator(
	credentials: ICredentialDataDecryptedObject,
	toleranceSeconds: number,
	now: () => number = () => Math.floor(Date.now() / 1000),
): Authenticator {
	const keys = credentialKeys(credentials);
	if (!keys.ok) return always(configurationError(keys.message));
	return (delivery) => verifyStandardWebhook(delivery, keys.keys, toleranceSeconds, now());
}

/** The credential test: the secrets must be usable as Standard Webhooks keys. */
export function testSigningCredential(
	data: ICredentialDataDecryptedObject,
): INodeCredentialTestResult {
	const keys = credentialKeys(data);
	if (!keys.ok) return { status: 'Error', message: keys.message };
	return {
		status: 'OK',
		message:
			keys.keys.length === 2
				? 'Both secrets are valid; requests signed with either are accepted'
				: 'The signing secret is valid',
	};
}
