import type { ICredentialDataDecryptedObject, INodeCredentialTestResult } from 'n8n-workflow';

import { configurationError } from './auth';
import { headerValue } from './http';
import type { Arrival, AuthResult, Authenticator } from './sender';
import { bytesEqual, decodeBase64, hmacSha256 } from './signatures';

/*
 * Signatures over the raw body alone, as SuperOffice signs: a header holding
 * base64(HMAC-SHA256(UTF-8 bytes of the secret, body)). Nothing time-dependent is signed, so
 * replays are caught by de-duplication on the event id.
 */

export function verifyBodySignature(delivery: Arrival, header: string, secret: string): AuthResult {
	const value = headerValue(delivery.headers, header);
	if (value === undefined || value.trim() === '') {
		return {
			ok: false,
			statusCode: 401,
			reason: 'missing-signature',
			message: `Missing ${header} header`,
		};
	}
	// Before the body is read: the header is there; the signature is checked with the body.
	if (delivery.raw === undefined) return { ok: true };
	const received = decodeBase64(value.trim());
	const expected = hmacSha256(Buffer.from(secret, 'utf8'), delivery.raw);
	if (received === undefined || !bytesEqual(received, expected)) {
		return {
			ok: false,
			statusCode: 401,
			reason: 'signature-mismatch',
			message: `${header} does not match the body`,
		};
	}
	return { ok: true };
}

/** Verifies the body signature in `header` with `secret`; `label` names the secret in messages. */
export function bodySignatureAuthenticator(
	header: string,
	secret: string,
	label: string,
): Authenticator {
	if (secret === '') {
		const error = configurationError(`The credential has no ${label.toLowerCase()}`);
		return () => error;
	}
	return (delivery) => verifyBodySignature(delivery, header, secret);
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
