import type {
	IDataObject,
	IHookFunctions,
	IHttpRequestOptions,
	IWebhookFunctions,
} from 'n8n-workflow';

/*
 * SuperOffice's REST API as both registration and record reading call it: through n8n's request
 * helper with the chosen credential (n8n adds the token and refreshes an expired OAuth2 token; the
 * token never passes through here), answering with the status, body and headers.
 */

/** What the API answered. */
export interface ApiResponse {
	statusCode: number;
	body: unknown;
	headers?: Record<string, unknown>;
}

/** Calls the tenant's API: `path` is relative to the base URL ending in /api/v1. */
export type SuperOfficeApi = (
	method: 'GET' | 'POST' | 'PUT' | 'DELETE',
	path: string,
	body?: IDataObject,
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

/** The API behind a SuperOffice credential, and the base URL it holds. */
export async function superOfficeApi(
	context: IHookFunctions | IWebhookFunctions,
	credentialType: string,
): Promise<{ api: SuperOfficeApi; baseUrl: string }> {
	const credentials = await context.getCredentials(credentialType);
	const baseUrl = String(credentials.baseUrl ?? '').replace(/\/+$/, '');
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
		};
		if (timeoutMs !== undefined) options.timeout = timeoutMs;
		const response = await request(options);
		if (response.statusCode !== 401 || !isOAuth2) return response;
		// n8n refreshes an expired OAuth2 access token only when the request fails as an error.
		try {
			return await request({ ...options, ignoreHttpStatusErrors: false });
		} catch (error) {
			const code = Number((error as HttpError).httpCode);
			return { statusCode: Number.isInteger(code) && code > 0 ? code : 401, body: undefined };
		}
	};
	return { api, baseUrl };
}
