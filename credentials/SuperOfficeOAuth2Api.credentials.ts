import type { ICredentialTestRequest, ICredentialType, INodeProperties } from 'n8n-workflow';

import { REDIRECT_RULES } from './SuperOfficeApi.credentials';

/**
 * SuperOffice Online's REST API through n8n's OAuth2 machinery: SuperOffice's authorize and token
 * endpoints for the chosen environment, and the tenant's API base URL.
 */
export class SuperOfficeOAuth2Api implements ICredentialType {
	name = 'superOfficeOAuth2Api';

	extends = ['oAuth2Api'];

	displayName = 'SuperOffice OAuth2 API';

	icon = 'file:../nodes/SuperOffice/superOffice.svg' as const;

	documentationUrl =
		'https://github.com/n8n-nodes-crm-triggers/n8n-nodes-crm-triggers#automatic-registration';

	properties: INodeProperties[] = [
		{
			displayName: 'Environment',
			name: 'environment',
			type: 'options',
			default: 'online',
			options: [
				{ name: 'Production (online)', value: 'online' },
				{ name: 'Stage (stage)', value: 'stage' },
				{ name: 'Development (sod)', value: 'sod' },
			],
			description: 'The SuperOffice Online environment your app is registered in',
		},
		{
			displayName: 'Tenant API Base URL',
			name: 'baseUrl',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'https://online.superoffice.com/Cust12345/api/v1',
			description: 'Your tenant’s REST API address, starting with https:// and ending in /api/v1',
		},
		{
			displayName: 'Grant Type',
			name: 'grantType',
			type: 'hidden',
			default: 'authorizationCode',
		},
		{
			displayName: 'Authorization URL',
			name: 'authUrl',
			type: 'hidden',
			default: '=https://{{$self["environment"]}}.superoffice.com/login/common/oauth/authorize',
		},
		{
			displayName: 'Access Token URL',
			name: 'accessTokenUrl',
			type: 'hidden',
			default: '=https://{{$self["environment"]}}.superoffice.com/login/common/oauth/tokens',
		},
		{
			displayName: 'Scope',
			name: 'scope',
			type: 'hidden',
			default: 'openid',
		},
		{
			displayName: 'Auth URI Query Parameters',
			name: 'authQueryParameters',
			type: 'hidden',
			default: '',
		},
		{
			displayName: 'Authentication',
			name: 'authentication',
			type: 'hidden',
			default: 'body',
		},
	];

	// The access token goes to https:// addresses only: any other base URL leaves the request
	// without an address (n8n says "Invalid URL"), and a redirect is not followed with it.
	test: ICredentialTestRequest = {
		request: {
			baseURL:
				'={{/^https:\\/\\//i.test($credentials.baseUrl) ? $credentials.baseUrl.replace(/\\/+$/, "") : undefined}}',
			url: '/Webhook',
			method: 'GET',
			disableFollowRedirect: true,
		},
		rules: REDIRECT_RULES,
	};
}
