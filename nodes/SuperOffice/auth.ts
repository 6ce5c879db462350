import type { ICredentialDataDecryptedObject, INodeCredentialTestResult } from 'n8n-workflow';

import { headerValue } from '../shared/http';
import type { Delivery } from '../shared/http';
import type { AuthResult, Authenticator } from '../shared/pipeline';
import { bytesEqual, decodeBase64, hmacSha256 } from '../shared/signatures';

export const SIGNATURE_HEADER = 'X-SuperOffice-Signature';

/**
 * SuperOffice signs the raw body: base64(HMAC-SHA256(UTF-8 bytes of the secret, body)).
 * Nothing time-dependent is signed, so replays are caught by de-duplication on EventId.
 */
export function verifySuperOfficeSignature(delivery: Delivery, secret: string): AuthResult {
	const header = headerValue(delivery.headers, SIGNATURE_HEADER);
	if (header === undefined || header.trim() === '') {
		return { ok: false, statusCode: 401, reason: 'missing-signature', message: `Missing ${SIGNATURE_HEADER} header` };
	}
	const received = decodeBase64(header.trim());
	const expected = hmacSha256(Buffer.from(secret, 'utf8'), delivery.raw);
	if (received === undefined || !bytesEqual(received, expected)) {
		return {
			ok: false,
			statusCode: 401,
			reason: 'signature-mismatch',
			message: `${SIGNATURE_HEADER} does not match the body`,
		};
	}
	return { ok: true };
}

export function superOfficeSignatureAuthenticator(secret: string): Authenticator {
	if (secret === '') {
		return () => ({
			ok: false,
			statusCode: 500,
			reason: 'configuration',
			message: 'The credential has no webhook secret',
		});
	}
	return (delivery) => verifySuperOfficeSignature(delivery, secret);
}

/** The credential test: a secret SuperOffice can sign with, exactly as typed there. */
export function testWebhookSecret(data: ICredentialDataDecryptedObject): INodeCredentialTestResult {
	const secret = String(data.webhookSecret ?? '');
	if (secret === '') return { status: 'Error', message: 'Webhook Secret is empty' };
	if (secret.trim() !== secret) {
		return {
			status: 'Error',
			message: 'Webhook Secret starts or ends with spaces; signatures are computed over the exact text, so remove them here and in SuperOffice',
		};
	}
	return { status: 'OK', message: 'Requests must carry an X-SuperOffice-Signature made with this secret' };
}
