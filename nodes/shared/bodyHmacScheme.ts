import type { ICredentialDataDecryptedObject, INodeCredentialTestResult } from 'n8n-workflow';

import { always, configurationError, unauthorized } from './authentication';
import { headerValue } from './http';
import type { Arrival, AuthResult, Authenticator } from './sender';
import { bytesEqual, decodeBase64, hmacSha256 } from './signatures';

/*
 * Signatures over the raw body alone, as SuperOffice signs: a header holding
 * base64(HMAC-SHA256(UTF-8 bytes of the secret, body)). Nothing time-dependent is signed, so
 * replays are caught by de-duplication on the event id (and a signed time in the body).
 */

/** A secret a signature is checked with, and what to call it when it matched (`signedWith`). */
export interface SigningSecret {
	secret: string;
	id?: string;
}

/** Verifies the signature in `header` with any of the secrets (each compared in constant time). */
export function verifyBodySignature(
	arrival: Arrival,
	header: string,
	secrets: readonly SigningSecret[],
): AuthResult {
	const value = headerValue(arrival.headers, header);
	if (value === undefined || value.trim() === '') {
		return unauthorized('missing-signature', `Missing ${header} header`);
	}
	// Before the body is read: the header is there; the signature is checked with the body.
	if (arrival.raw === undefined) return { ok: true };
	const received = decodeBase64(value.trim());
	if (received !== undefined) {
		for (const { secret, id } of secrets) {
			if (bytesEqual(received, hmacSha256(Buffer.from(secret, 'utf8'), arrival.raw))) {
				return id === undefined ? { ok: true } : { ok: true, signedWith: id };
			}
		}
	}
	return unauthorized('signature-mismatch', `${header} does not match the body`);
}

/** Verifies the body signature in `header` with `secret`; `label` names the secret in messages. */
export function bodySignatureAuthenticator(
	header: string,
	secret: string,
	label: string,
): Authenticator {
	if (secret === '')
		return always(configurationError(`The credential has no ${label.toLowerCase()}`));
	const secrets = [{ secret }];
	return (arrival) => verifyBodySignature(arrival, header, secrets);
}

/** The credential test: a secret the sender can sign with, exactly as typed there. */
export function testBodySecret(
	data: ICredentialDataDecryptedObject,
	field: string,
	label: string,
	header: string,
	sender: string,
): INodeCredentialTestResult {
	const secret = String(data[field] ?? '');
	if (secret === '') return { status: 'Error', message: `${label} is empty` };
	if (secret.trim() !== secret) {
		return {
			status: 'Error',
			message: `${label} starts or ends with spaces; signatures are computed over the exact text, so remove them here and in ${sender}`,
		};
	}
	return { status: 'OK', message: `Requests must carry an ${header} made with this secret` };
}
