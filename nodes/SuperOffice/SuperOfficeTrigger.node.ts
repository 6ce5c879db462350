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
import { NodeConnectionTypes } from 'n8n-workflow';

import { acceptAnyRequest } from '../shared/auth';
import { rawBodyParameter, webhookEndpoint } from '../shared/description';
import { parseEventList } from '../shared/eventFilter';
import { receiveWebhook } from '../shared/pipeline';
import { superOfficeSignatureAuthenticator, testWebhookSecret } from './auth';
import { superOfficeEvents } from './events';
import { superOfficeReceiveSettings, superOfficeSpec } from './receiver';
import type { SuperOfficeOptions } from './receiver';

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
		],
		webhooks: [webhookEndpoint('superoffice')],
		properties: [
			rawBodyParameter,
			{
				displayName:
					'Create a SuperOffice webhook (its Webhook API, POST /api/v1/Webhook) with TargetUrl = the Production URL above (HTTPS with a valid certificate), the Events you need, and a Secret that you also enter in the credential. SuperOffice sends a test event when the webhook is saved: this node answers it. <a href="https://github.com/n8n-nodes-crm-triggers/n8n-nodes-crm-triggers#superoffice-trigger" target="_blank">Setup guide</a>',
				name: 'setupNotice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Authentication',
				name: 'authentication',
				type: 'options',
				options: [
					{
						name: 'Webhook Secret',
						value: 'signature',
						description: 'Verify X-SuperOffice-Signature with the secret the webhook was created with',
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
					{
						displayName: 'Run on Test Event',
						name: 'runOnTestEvent',
						type: 'boolean',
						default: false,
						description:
							'Whether the test event SuperOffice sends when a webhook is saved starts the workflow. It is always answered with 200.',
					},
					{
						displayName: 'Unknown Events',
						name: 'unknownEvents',
						type: 'options',
						default: 'run',
						description: 'What to do with events this node does not list, when your selection matches them',
						options: [
							{
								name: 'Run the Workflow',
								value: 'run',
								description: 'The item is marked under _validation',
							},
							{
								name: 'Acknowledge Only',
								value: 'acknowledge',
								description: 'Answer with 200 and do not run the workflow',
							},
						],
					},
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
	 * In this mode the webhook is created by hand in SuperOffice: there is nothing to create or
	 * remove there, so activation and deactivation always succeed.
	 */
	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				return true;
			},
			async create(this: IHookFunctions): Promise<boolean> {
				return true;
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const authenticate =
			this.getNodeParameter('authentication', 'signature') === 'none'
				? acceptAnyRequest
				: superOfficeSignatureAuthenticator(
						String((await this.getCredentials('superOfficeWebhookApi')).webhookSecret ?? ''),
					);
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
