import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IHttpRequestOptions,
} from 'n8n-workflow';

import { SuperOfficeApi as SuperOfficeApiCredential } from '../../credentials/SuperOfficeApi.credentials';

/** The address an OAuth2 credential of the tests names (SuperOffice Online is HTTPS only). */
export const ONLINE_ORIGIN = 'https://online.superoffice.test';

const onSite = new SuperOfficeApiCredential();

/**
 * n8n's `httpRequestWithAuthentication` for the SuperOffice credentials, over a real HTTP client:
 * the on-site credential's own authentication or the OAuth2 access token, the time limit, no
 * redirect followed when asked, status, body and headers (an error with n8n's `httpCode` when
 * HTTP errors are not ignored). The fake tenant answers over plain HTTP: the test's https://
 * "online" address is sent to `fakeOrigin()`.
 */
export function superOfficeRequestHelper(
	credentials: Record<string, ICredentialDataDecryptedObject>,
	fakeOrigin: () => string,
) {
	return {
		async httpRequestWithAuthentication(type: string, options: IHttpRequestOptions) {
			const credential = credentials[type];
			const request =
				type === 'superOfficeApi'
					? await onSite.authenticate(credential, options)
					: {
							...options,
							headers: {
								...options.headers,
								Authorization: `Bearer ${String((credential.oauthTokenData as IDataObject).access_token)}`,
							},
						};
			const response = await fetch(request.url.replace(ONLINE_ORIGIN, fakeOrigin()), {
				redirect: request.disableFollowRedirect ? 'manual' : 'follow',
				method: request.method,
				headers: {
					...(request.headers as Record<string, string>),
					...(request.body ? { 'content-type': 'application/json' } : {}),
				},
				body: request.body === undefined ? undefined : JSON.stringify(request.body),
				signal: options.timeout ? AbortSignal.timeout(options.timeout) : undefined,
			});
			const text = await response.text();
			if (!response.ok && !options.ignoreHttpStatusErrors) {
				throw Object.assign(new Error(`Request failed with status ${response.status}`), {
					httpCode: String(response.status),
				});
			}
			return {
				statusCode: response.status,
				body: text ? JSON.parse(text) : undefined,
				headers: Object.fromEntries(response.headers.entries()),
			};
		},
	};
}
