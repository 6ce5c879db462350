import type { ICredentialDataDecryptedObject, INodeCredentialTestResult } from 'n8n-workflow';

import { always, configurationError, unauthorized } from './authentication';
import { headerValue } from './http';
import type { Authenticator } from './sender';
import { secretDigest, secretMatches } from './signatures';

/*
 * A header whose name and value the user chose, sent by the sender on every request (as Qondor
 * does): the value compared in constant time.
 */

/** An HTTP header name as RFC 9110 defines a token. */
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** Whether the text holds control characters (other than tab), which cannot travel in a header. */
function hasControlCharacters(text: string): boolean {
	for (let i = 0; i < text.length; i++) {
		const code = text.charCodeAt(i);
		if ((code < 0x20 && code !== 0x09) || code === 0x7f) return true;
	}
	return false;
}

export const MIN_HEADER_SECRET_LENGTH = 16;

/**
 * Checks that the request carries the configured header with the configured value. The name
 * is matched case-insensitively (HTTP header names are), the value exactly and in constant time.
 */
export function headerAuthenticator(credentials: ICredentialDataDecryptedObject): Authenticator {
	const name = String(credentials.headerName ?? '').trim();
	const expected = String(credentials.headerSecret ?? '');
	if (!HEADER_NAME.test(name)) {
		return always(configurationError('The credential has no valid header name'));
	}
	if (expected === '') return always(configurationError('The credential has no header value'));
	// The credential test says the same when the credential is saved; a credential saved anyway
	// (or imported) must not make a guessable value good enough at request time.
	if (expected.length < MIN_HEADER_SECRET_LENGTH) {
		return always(
			configurationError(
				`The credential's header value is shorter than ${MIN_HEADER_SECRET_LENGTH} characters: set a longer random value, here and at the sender`,
			),
		);
	}
	const expectedDigest = secretDigest(expected);
	return (delivery) => {
		const received = headerValue(delivery.headers, name);
		if (received === undefined) return unauthorized('missing-header', `Missing header ${name}`);
		if (!secretMatches(received, expectedDigest)) {
			return unauthorized(
				'wrong-header-value',
				`Header ${name} does not match the configured value`,
			);
		}
		return { ok: true, final: true };
	};
}

/**
 * The credential test for header credentials. There is no remote API to ask, so it checks what
 * can be known locally: a valid header name and a value long enough to be a secret that can be
 * sent as a header.
 */
export function testHeaderCredential(
	data: ICredentialDataDecryptedObject,
): INodeCredentialTestResult {
	const name = String(data.headerName ?? '').trim();
	const value = String(data.headerSecret ?? '');
	if (!HEADER_NAME.test(name)) {
		return {
			status: 'Error',
			message: 'Header Name must be a valid HTTP header name (letters, digits, - and _)',
		};
	}
	if (value === '') return { status: 'Error', message: 'Header Value is empty' };
	if (hasControlCharacters(value) || value.trim() !== value) {
		return {
			status: 'Error',
			message:
				'Header Value contains line breaks, control characters or surrounding spaces, which cannot be sent in a header',
		};
	}
	if (value.length < MIN_HEADER_SECRET_LENGTH) {
		return {
			status: 'Error',
			message: `Header Value is shorter than ${MIN_HEADER_SECRET_LENGTH} characters; use a longer random value`,
		};
	}
	return { status: 'OK', message: `Requests must carry the header ${name} with this value` };
}
