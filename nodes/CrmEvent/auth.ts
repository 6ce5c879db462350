import type { ICredentialDataDecryptedObject, INodeCredentialTestResult } from 'n8n-workflow';

import type { Authenticator } from '../shared/pipeline';
import { signingKey, verifyStandardWebhook } from '../shared/standardWebhooks';

type KeysResult = { ok: true; keys: Buffer[] } | { ok: false; message: string };

/** The HMAC keys of the credential's current and (optional) previous secret. */
export function credentialKeys(credentials: ICredentialDataDecryptedObject): KeysResult {
	const current = String(credentials.signingSecret ?? '');
	const previous = String(credentials.previousSigningSecret ?? '');
	if (current.trim() === '') return { ok: false, message: 'The credential has no signing secret' };
	const keys: Buffer[] = [];
	const currentKey = signingKey(current);
	if (currentKey === undefined) {
		return { ok: false, message: 'The signing secret is not a Standard Webhooks secret (whsec_ followed by base64)' };
	}
	keys.push(currentKey);
	if (previous.trim() !== '') {
		const previousKey = signingKey(previous);
		if (previousKey === undefined) {
			return {
				ok: false,
				message: 'The previous signing secret is not a Standard Webhooks secret (whsec_ followed by base64)',
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
	if (!keys.ok) {
		const message = keys.message;
		return () => ({ ok: false, statusCode: 500, reason: 'configuration', message });
	}
	return (delivery) => verifyStandardWebhook(delivery, keys.keys, toleranceSeconds, now());
}

/** The credential test: the secrets must be usable as Standard Webhooks keys. */
export function testSigningCredential(data: ICredentialDataDecryptedObject): INodeCredentialTestResult {
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
