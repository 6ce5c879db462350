import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IExecuteFunctions,
	IHookFunctions,
	ILoadOptionsFunctions,
	IHttpRequestOptions,
	IWebhookFunctions,
} from 'n8n-workflow';

/*
 * SuperOffice's REST API as registration, record reading and the SuperOffice node call it: through
 * n8n's request helper with the chosen credential (n8n adds the token and refreshes an expired
 * OAuth2 token; the token never passes through here), answering with the status, body and headers.
 * A series of calls with retries is an ApiSession (session.ts).
 */

/** What the API answered. */
export interface ApiResponse {
	statusCode: number;
	body: unknown;
	headers?: Record<string, unknown>;
}

/** Calls the tenant's API: `path` is relative to the base URL ending in /api/v1. */
export type SuperOfficeApi = (
	method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
	path: string,
	body?: IDataObject | IDataObject[],
	timeoutMs?: number,
) => Promise<ApiResponse>;

/** The credential types that call the API, by the value of the `apiAccess` parameter. */
export const API_CREDENTIALS: ReadonlyMap<string, string> = new Map([
	['oAuth2', 'superOfficeOAuth2Api'],
	['onSite', 'superOfficeApi'],
]);

interface HttpError {
	httpCode?: string | null;
}

/** The error of a call that did not finish within its time limit. */
export class TimeLimitError extends Error {
	readonly code = 'ETIMEDOUT';

	constructor(limitMs: number) {
		super(`SuperOffice did not answer within ${limitMs / 1000} seconds`);
	}
}

const EXPIRED = Symbol('expired');

/**
 * The call's outcome, or a TimeLimitError once `limitMs` have passed. The request has a time limit
 * of its own; this one also covers a request helper that ignores it. Its timer does not hold the
 * process open.
 */
export async function withinTime<T>(call: Promise<T>, limitMs: number): Promise<T> {
	const signal = AbortSignal.timeout(Math.max(1, limitMs));
	const expired = new Promise<typeof EXPIRED>((resolve) =>
		signal.addEventListener('abort', () => resolve(EXPIRED), { once: true }),
	);
	const outcome = await Promise.race([call, expired]);
	if (outcome === EXPIRED) throw new TimeLimitError(limitMs);
	return outcome as T;
}

/**
 * Why an API base URL must not be used: the credential's token or password would travel in
 * clear. HTTPS only, except for an on-site installation whose credential explicitly allows plain
 * HTTP. Undefined when the address is fine.
 */
export function unsafeApiAddress(
	baseUrl: string,
	credentialType: string,
	credentials: IDataObject,
): string | undefined {
	let url: URL;
	try {
		url = new URL(baseUrl);
	} catch {
		return `The credential's API base URL (${baseUrl || 'empty'}) is not an address: it must look like https://online.superoffice.com/Cust12345/api/v1`;
	}
	if (url.protocol === 'https:') return undefined;
	const onSite = credentialType === API_CREDENTIALS.get('onSite');
	if (url.protocol === 'http:' && onSite && credentials.allowHttp === true) return undefined;
	return onSite
		? `The credential's API base URL starts with ${url.protocol}//: the ticket, token or password would travel unencrypted. Use https://, or turn on Allow Plain HTTP in the credential for an installation inside your own network.`
		: `The credential's API base URL must start with https:// (SuperOffice Online is only served over HTTPS).`;
}

/** The API behind a credential (and the credential as read), or why it must not be called. */
export type ApiConnection =
	| { api: SuperOfficeApi; baseUrl: string; credentials: ICredentialDataDecryptedObject }
	| { refused: string };

/** The API behind a SuperOffice credential, and the base URL it holds. */
export async function superOfficeApi(
	context: IHookFunctions | IWebhookFunctions | IExecuteFunctions | ILoadOptionsFunctions,
	credentialType: string,
): Promise<ApiConnection> {
	const credentials = await context.getCredentials(credentialType);
	const baseUrl = String(credentials.baseUrl ?? '').replace(/\/+$/, '');
	const refused = unsafeApiAddress(baseUrl, credentialType, credentials);
	if (refused !== undefined) return { refused };
	const isOAuth2 = credentialType === API_CREDENTIALS.get('oAuth2');
	const request = async (options: IHttpRequestOptions): Promise<ApiResponse> => {
		const response = (await context.helpers.httpRequestWithAuthentication.call(
			context,
			credentialType,
			options,
		)) as { statusCode: number; body: unknown; headers?: Record<string, unknown> };
		return {
			statusCode: response.statusCode,
			body: response.body,
			headers: response.headers ?? {},
		};
	};
	const api: SuperOfficeApi = async (method, path, body, timeoutMs) => {
		const options: IHttpRequestOptions = {
			method,
			url: `${baseUrl}/${path}`,
			body,
			json: true,
			headers: { Accept: 'application/json' },
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			// A redirect would carry the credential (and a webhook's Secret) elsewhere: a 3xx is
			// an answer, which callers turn into an error that says so.
			disableFollowRedirect: true,
		};
		if (timeoutMs !== undefined) options.timeout = timeoutMs;
		const send = async (sent: IHttpRequestOptions) =>
			await (timeoutMs === undefined ? request(sent) : withinTime(request(sent), timeoutMs));
		const response = await send(options);
		if (response.statusCode !== 401 || !isOAuth2) return response;
		// n8n refreshes an expired OAuth2 access token only when the request fails as an error.
		return await send({ ...options, ignoreHttpStatusErrors: false }).catch((error) => {
			if (error instanceof TimeLimitError) return Promise.reject(error);
			const code = Number((error as HttpError).httpCode);
			return { statusCode: Number.isInteger(code) && code > 0 ? code : 401, body: undefined };
		});
	};
	return { api, baseUrl, credentials };
}
