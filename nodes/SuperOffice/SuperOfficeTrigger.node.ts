import type {
	ICredentialsDecrypted,
	ICredentialTestFunctions,
	IDataObject,
	IHookFunctions,
	INodeCredentialTestResult,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { acceptAnyRequest } from '../shared/auth';
import { rawBodyParameter, rememberIdsOption, unknownEventsOption, webhookEndpoint } from '../shared/description';
import { parseEventList } from '../shared/eventFilter';
import { reply } from '../shared/http';
import { receiveWebhook } from '../shared/pipeline';
import { superOfficeSignatureAuthenticator, testWebhookSecret } from './auth';
import { superOfficeEvents } from './events';
import { superOfficeReceiveSettings, superOfficeSpec } from './receiver';
import type { SuperOfficeOptions } from './receiver';
import {
	checkTargetUrl,
	ensureRegistered,
	register,
	registeredSecret,
	RegistrationError,
	unregister,
} from './registration';
import type { SuperOfficeApi, WebhookTarget } from './registration';

type Lifecycle = (api: SuperOfficeApi, staticData: IDataObject, target: WebhookTarget) => Promise<boolean>;

/** Whether the trigger registers its webhook itself (an API authentication was chosen). */
function isAutomatic(context: IHookFunctions | IWebhookFunctions): boolean {
	const authentication = context.getNodeParameter('authentication', 'signature');
	return authentication === 'oAuth2' || authentication === 'onSite';
}

/** The REST API behind the selected API credential, answering with status and body. */
async function restApi(context: IHookFunctions): Promise<{ api: SuperOfficeApi; baseUrl: string }> {
	const credentialType =
		context.getNodeParameter('authentication', 'oAuth2') === 'oAuth2' ? 'superOfficeOAuth2Api' : 'superOfficeApi';
	const credentials = await context.getCredentials(credentialType);
	const baseUrl = String(credentials.baseUrl ?? '').replace(/\/+$/, '');
	const api: SuperOfficeApi = async (method, path, body) => {
		const response = await context.helpers.httpRequestWithAuthentication.call(context, credentialType, {
			method,
			url: `${baseUrl}/${path}`,
			body,
			json: true,
			headers: { Accept: 'application/json' },
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
		});
		return { statusCode: response.statusCode, body: response.body };
	};
	return { api, baseUrl };
}

/** What to register: the production URL and the selected events ("All Events" lists them all). */
function webhookTarget(context: IHookFunctions): WebhookTarget {
	const selected = context.getNodeParameter('events', ['*']) as string[];
	const custom = parseEventList(String(context.getNodeParameter('customEvents', '')));
	const named = selected.includes('*') ? superOfficeEvents.map((event) => event.value) : selected;
	const workflow = context.getWorkflow();
	return {
		name: `n8n: ${workflow.name ?? 'workflow'} (${workflow.id ?? ''})`.slice(0, 200),
		url: context.getNodeWebhookUrl('default') ?? '',
		events: [...new Set([...named, ...custom])],
	};
}

/** Runs a lifecycle step in automatic mode; manual mode has nothing to do at SuperOffice. */
async function automatically(context: IHookFunctions, step: Lifecycle, manualResult: boolean): Promise<boolean> {
	if (!isAutomatic(context)) return manualResult;
	const { api, baseUrl } = await restApi(context);
	const target = webhookTarget(context);
	try {
		checkTargetUrl(baseUrl, target);
		return await step(api, context.getWorkflowStaticData('node'), target);
	} catch (error) {
		if (error instanceof RegistrationError) throw new NodeOperationError(context.getNode(), error.message);
		throw new NodeOperationError(context.getNode(), error as Error);
	}
}

export class SuperOfficeTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'SuperOffice Trigger',
		name: 'superOfficeTrigger',
		icon: { light: 'file:superOffice.svg', dark: 'file:superOffice.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle:
			'={{($parameter["events"].includes("*") ? ["All events"] : $parameter["events"]).concat($parameter["customEvents"] ? [$parameter["customEvents"]] : []).join(", ")}}',
		description: 'Starts the workflow when SuperOffice sends a webhook: quotes, sales, contacts, tickets…',
		defaults: {
			name: 'SuperOffice Trigger',
		},
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{
				name: 'superOfficeWebhookApi',
				required: true,
				testedBy: 'superOfficeWebhookApiTest',
				displayOptions: { show: { authentication: ['signature'] } },
			},
			{
				name: 'superOfficeOAuth2Api',
				required: true,
				displayOptions: { show: { authentication: ['oAuth2'] } },
			},
			{
				name: 'superOfficeApi',
				required: true,
				displayOptions: { show: { authentication: ['onSite'] } },
			},
		],
		webhooks: [webhookEndpoint('superoffice')],
		properties: [
			rawBodyParameter,
			{
				displayName:
					'Create a SuperOffice webhook (its Webhook API, POST /api/v1/Webhook) with TargetUrl = the Production URL above (HTTPS with a valid certificate), the Events you need, and a Secret that you also enter in the credential. SuperOffice sends a test event when the webhook is saved: this node answers it. Or choose an API authentication below and n8n registers the webhook itself. <a href="https://github.com/n8n-nodes-crm-triggers/n8n-nodes-crm-triggers#superoffice-trigger" target="_blank">Setup guide</a>',
				name: 'setupNotice',
				type: 'notice',
				default: '',
				displayOptions: { show: { authentication: ['signature', 'none'] } },
			},
			{
				displayName: 'Authentication',
				name: 'authentication',
				type: 'options',
				options: [
					{
						name: 'Webhook Secret',
						value: 'signature',
						description:
							'You create the webhook in SuperOffice; requests are verified with its secret (X-SuperOffice-Signature)',
					},
					{
						name: 'SuperOffice Online API (Registers the Webhook)',
						value: 'oAuth2',
						description:
							'Creates the webhook through the API when the workflow is activated, with a secret only n8n knows, and removes it when deactivated',
					},
					{
						name: 'On-Site API (Registers the Webhook)',
						value: 'onSite',
						description:
							'The same for an on-site installation: ticket, bearer token or user name and password',
					},
					{
						name: 'None',
						value: 'none',
						description: 'For webhooks created without a secret: requests are not verified',
					},
				],
				default: 'signature',
			},
			{
				displayName:
					'On activation, n8n creates a webhook in SuperOffice with this trigger’s Production URL, the selected events and a secret only n8n knows; on deactivation it removes it. SuperOffice requires the Production URL to be HTTPS with a valid certificate (set WEBHOOK_URL).',
				name: 'automaticNotice',
				type: 'notice',
				default: '',
				displayOptions: { show: { authentication: ['oAuth2', 'onSite'] } },
			},
			{
				displayName:
					'Requests are not verified: anyone who knows the URL can start this workflow. Give the webhook a Secret in SuperOffice and choose Webhook Secret.',
				name: 'noAuthWarning',
				type: 'notice',
				default: '',
				displayOptions: { show: { authentication: ['none'] } },
			},
			{
				displayName: 'Events',
				name: 'events',
				type: 'multiOptions',
				default: ['*'],
				description:
					'Which events start the workflow. Other events are acknowledged without running it.',
				options: [
					{
						name: 'All Events',
						value: '*',
						description: 'Every event the webhook sends',
					},
					...superOfficeEvents.map(({ name, value, description }) => ({ name, value, description })),
				],
			},
			{
				displayName: 'Custom Events',
				name: 'customEvents',
				type: 'string',
				default: '',
				placeholder: 'list.*.created, webhook*.errors',
				description:
					'More event names, separated by commas, for list, extra-table and webhook-state events. Use * as a wildcard.',
			},
			{
				displayName: 'Options',
				name: 'settings',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				options: [
					rememberIdsOption,
					{
						displayName: 'Run on Test Event',
						name: 'runOnTestEvent',
						type: 'boolean',
						default: false,
						description:
							'Whether the test event SuperOffice sends when a webhook is saved starts the workflow. It is always answered with 200.',
					},
					unknownEventsOption,
				],
			},
		],
	};

	methods = {
		credentialTest: {
			async superOfficeWebhookApiTest(
				this: ICredentialTestFunctions,
				credential: ICredentialsDecrypted,
			): Promise<INodeCredentialTestResult> {
				return testWebhookSecret(credential.data ?? {});
			},
		},
	};

	/*
	 * Automatic registration creates, checks and removes the webhook at SuperOffice. In manual
	 * mode the webhook is created by hand in SuperOffice: there is nothing to do there, so
	 * activation and deactivation always succeed.
	 */
	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				return await automatically(this, ensureRegistered, true);
			},
			async create(this: IHookFunctions): Promise<boolean> {
				return await automatically(
					this,
					async (api, staticData, target) => {
						await register(api, staticData, target);
						return true;
					},
					true,
				);
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				return await automatically(
					this,
					async (api, staticData) => {
						await unregister(api, staticData);
						return true;
					},
					true,
				);
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		let authenticate;
		if (isAutomatic(this)) {
			const secret = registeredSecret(this.getWorkflowStaticData('node'));
			if (secret === undefined) {
				// SuperOffice sends its test event while the webhook is being created, before n8n
				// has stored the secret: acknowledge it (it starts nothing); refuse anything else.
				return superOfficeSpec.isHandshake(this.getHeaderData())
					? reply(this, 200, { status: 'ok', reason: 'handshake', message: 'SuperOffice connection check received' })
					: reply(this, 401, {
							status: 'rejected',
							reason: 'not-registered',
							message: 'The webhook is not registered with SuperOffice yet',
						});
			}
			authenticate = superOfficeSignatureAuthenticator(secret);
		} else {
			authenticate =
				this.getNodeParameter('authentication', 'signature') === 'none'
					? acceptAnyRequest
					: superOfficeSignatureAuthenticator(
							String((await this.getCredentials('superOfficeWebhookApi')).webhookSecret ?? ''),
						);
		}
		const selected = this.getNodeParameter('events', ['*']) as string[];
		const custom = parseEventList(String(this.getNodeParameter('customEvents', '')));
		const options = this.getNodeParameter('settings', {}) as SuperOfficeOptions & IDataObject;
		return await receiveWebhook(
			this,
			superOfficeSpec,
			superOfficeReceiveSettings(authenticate, selected, custom, options),
		);
	}
}
