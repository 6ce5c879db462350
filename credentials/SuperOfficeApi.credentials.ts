import type {
	IAuthenticateRuleResponseCode,
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
} from 'n8n-workflow';

/** A redirect answers the Test: n8n does not follow it with the login (n8n 2.x shows this text). */
export const REDIRECT_RULES: IAuthenticateRuleResponseCode[] = [301, 302, 303, 307, 308].map(
	(value) => ({
		type: 'responseCode',
		properties: {
			value,
			message: `The API answered with a redirect (${value}); n8n does not follow redirects with this credential. Enter the address the API really has.`,
		},
	}),
);

/**
 * SuperOffice's REST API on an on-site installation (or a system user): a ticket with its
 * application token, a bearer token, or a user name and password where Basic is enabled.
 */
export class SuperOfficeApi implements ICredentialType {
	name = 'superOfficeApi';

	displayName = 'SuperOffice API';

	icon = 'file:../nodes/SuperOffice/superOffice.svg' as const;

	documentationUrl =
		'https://github.com/n8n-nodes-crm-triggers/n8n-nodes-crm-triggers#automatic-registration';

	// Fields are hidden for the other login kinds rather than shown for their own: the editor shows
	// the same, and n8n 1.x's public API (POST /api/v1/credentials), which derives a schema from
	// `show` conditions only, then accepts a bearer token or user name and password too.
	properties: INodeProperties[] = [
		{
			displayName: 'API Base URL',
			name: 'baseUrl',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'https://crm.example.com/SuperOffice/api/v1',
			description: 'The REST API address of your SuperOffice installation, ending in /api/v1',
		},
		{
			displayName: 'Allow Plain HTTP',
			name: 'allowHttp',
			type: 'boolean',
			default: false,
			description:
				'Whether an http:// API base URL is accepted. Only for an installation inside your own network: the ticket, token or password then travels unencrypted.',
		},
		{
			displayName: 'Authentication',
			name: 'authType',
			type: 'options',
			default: 'ticket',
			options: [
				{ name: 'System User Ticket (SOTicket)', value: 'ticket' },
				{ name: 'Bearer Token', value: 'bearer' },
				{ name: 'User Name and Password (Basic)', value: 'basic' },
			],
		},
		{
			displayName: 'Ticket',
			name: 'ticketToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			displayOptions: { hide: { authType: ['bearer', 'basic'] } },
		},
		{
			displayName: 'Application Token',
			name: 'appToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description: 'Sent as the SO-AppToken header',
			displayOptions: { hide: { authType: ['bearer', 'basic'] } },
		},
		{
			displayName: 'Access Token',
			name: 'accessToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			displayOptions: { hide: { authType: ['ticket', 'basic'] } },
		},
		{
			displayName: 'User Name',
			name: 'username',
			type: 'string',
			default: '',
			displayOptions: { hide: { authType: ['ticket', 'bearer'] } },
		},
		{
			displayName: 'Password',
			name: 'password',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			displayOptions: { hide: { authType: ['ticket', 'bearer'] } },
		},
	];

	/**
	 * Adds the login to a request, only for an https:// address (or http:// when Allow Plain HTTP
	 * is on), and never lets the request follow a redirect with it: the Test button and every node
	 * request go through here.
	 */
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		const { url = '', baseURL = '' } = requestOptions;
		const address = /^[a-z][a-z0-9+.-]*:/i.test(url) ? url : `${baseURL}${url}`;
		const secure = /^https:\/\//i.test(address);
		if (!secure && !(/^http:\/\//i.test(address) && credentials.allowHttp === true)) {
			throw new Error(
				'The API base URL must start with https:// (the ticket, token or password would otherwise travel unencrypted). For an installation inside your own network, turn on Allow Plain HTTP.',
			);
		}
		const headers = { ...(requestOptions.headers ?? {}) };
		if (credentials.authType === 'ticket') {
			headers.Authorization = `SOTicket ${String(credentials.ticketToken ?? '')}`;
			headers['SO-AppToken'] = String(credentials.appToken ?? '');
		} else if (credentials.authType === 'bearer') {
			headers.Authorization = `Bearer ${String(credentials.accessToken ?? '')}`;
		} else {
			const pair = `${String(credentials.username ?? '')}:${String(credentials.password ?? '')}`;
			headers.Authorization = `Basic ${Buffer.from(pair, 'utf8').toString('base64')}`;
		}
		return { ...requestOptions, headers, disableFollowRedirect: true };
	}

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}',
			url: '/Webhook',
			method: 'GET',
			disableFollowRedirect: true,
		},
		rules: REDIRECT_RULES,
	};
}
