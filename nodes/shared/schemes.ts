import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	INodeCredentialTestResult,
} from 'n8n-workflow';

import { bodySignatureAuthenticator, testBodySecret } from './bodyHmacScheme';
import { headerAuthenticator, testHeaderCredential } from './headerScheme';
import type { Authenticator, AuthScheme } from './sender';
import {
	DEFAULT_TOLERANCE_SECONDS,
	MAX_TOLERANCE_SECONDS,
	standardWebhooksAuthenticator,
	testSigningCredential,
} from './standardWebhooks';

/*
 * The ways a sender proves a request is its own, each built from a credential's secrets. A
 * sender names its scheme in its definition; a new scheme is a new case here.
 */

/**
 * The Standard Webhooks tolerance option: it can be changed, never switched off, and never
 * widened beyond MAX_TOLERANCE_SECONDS (a workflow imported or written by hand can hold any number).
 */
export function toleranceSeconds(options: IDataObject): number {
	return boundedSeconds(options.toleranceSeconds, DEFAULT_TOLERANCE_SECONDS, MAX_TOLERANCE_SECONDS);
}

/** A time window from an option: the default when unset or below 1 second, never above `max`. */
export function boundedSeconds(value: unknown, fallback: number, max: number): number {
	const seconds = Number(value);
	if (value === undefined || value === '' || !Number.isFinite(seconds) || seconds < 1) {
		return fallback;
	}
	return Math.min(seconds, max);
}

export function schemeAuthenticator(
	scheme: AuthScheme,
	credentials: ICredentialDataDecryptedObject,
	options: IDataObject,
): Authenticator {
	switch (scheme.type) {
		case 'header':
			return headerAuthenticator(credentials);
		case 'standardWebhooks':
			return standardWebhooksAuthenticator(credentials, toleranceSeconds(options));
		case 'bodyHmac':
			return bodySignatureAuthenticator(
				scheme.header,
				String(credentials[scheme.secretField] ?? ''),
				scheme.secretLabel,
			);
	}
}

/** The local check of a credential holding the scheme's secrets (there is no remote API to ask). */
export function schemeCredentialTest(
	scheme: AuthScheme,
	sender: string,
): (data: ICredentialDataDecryptedObject) => INodeCredentialTestResult {
	switch (scheme.type) {
		case 'header':
			return testHeaderCredential;
		case 'standardWebhooks':
			return testSigningCredential;
		case 'bodyHmac':
			return (data) =>
				testBodySecret(data, scheme.secretField, scheme.secretLabel, scheme.header, sender);
	}
}
