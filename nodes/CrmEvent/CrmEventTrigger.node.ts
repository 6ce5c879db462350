import type {
	ICredentialsDecrypted,
	ICredentialTestFunctions,
	IDataObject,
	INodeCredentialTestResult,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { acceptAnyRequest } from '../shared/auth';
import { rawBodyParameter, rememberIdsOption, unknownEventsOption, setUpBySender, webhookEndpoint } from '../shared/description';
import { parseEventList } from '../shared/eventFilter';
import { receiveWebhook } from '../shared/pipeline';
import { DEFAULT_TOLERANCE_SECONDS } from '../shared/standardWebhooks';
import { standardWebhooksAuthenticator, testSigningCredential } from './auth';
import { crmEvents } from './events';
import { crmEventReceiveSettings, crmEventSpec } from './receiver';
import type { CrmEventOptions } from './receiver';

export class CrmEventTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'CRM Event Trigger',
		name: 'crmEventTrigger',
		icon: { light: 'file:crmEvent.svg', dark: 'file:crmEvent.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle:
			'={{($parameter["events"].includes("*") ? ["All events"] : $parameter["events"]).concat($parameter["customEvents"] ? [$parameter["customEvents"]] : []).join(", ")}}',
		description:
			'Starts the workflow on CRM events (leads, deals, clients, invoices…) signed with Standard Webhooks, as Heffl sends them',
		defaults: {
			name: 'CRM Event Trigger',
		},
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{
				name: 'crmEventWebhookApi',
				required: true,
				testedBy: 'crmEventWebhookApiTest',
				displayOptions: { show: { authentication: ['signature'] } },
			},
		],
		webhooks: [webhookEndpoint('crm-event')],
		properties: [
			rawBodyParameter,
			{
				displayName:
					'In your CRM’s webhook settings, add an endpoint with the Production URL above and choose the events. The CRM then shows the signing secret (whsec_…) once: paste it into the credential. <a href="https://github.com/n8n-nodes-crm-triggers/n8n-nodes-crm-triggers#crm-event-trigger" target="_blank">Setup guide</a>',
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
						name: 'Standard Webhooks Signature',
						value: 'signature',
						description: 'Verify the webhook-signature header with the signing secret',
					},
					{
						name: 'None',
						value: 'none',
						description: 'Anyone who knows the URL can start the workflow',
					},
				],
				default: 'signature',
			},
			{
				displayName:
					'Requests are not verified: anyone who knows the URL can start this workflow with any content. Use Standard Webhooks Signature whenever the CRM gives you a signing secret.',
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
						description: 'Every event, including ones the CRM adds later',
					},
					...crmEvents.map(({ name, value, description }) => ({ name, value, description })),
				],
			},
			{
				displayName: 'Custom Events',
				name: 'customEvents',
				type: 'string',
				default: '',
				placeholder: 'deal.*, *.deleted',
				description:
					'More event names, separated by commas. Use * as a wildcard: deal.* (every deal event), *.deleted (every deletion).',
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
						displayName: 'Reject Invalid Payloads',
						name: 'rejectInvalid',
						type: 'boolean',
						default: false,
						description:
							'Whether to answer 422 and not run the workflow when a payload does not match the documented format. When off, such events run the workflow and their items show what did not match under _validation.',
					},
					{
						displayName: 'Timestamp Tolerance (Seconds)',
						name: 'toleranceSeconds',
						type: 'number',
						default: DEFAULT_TOLERANCE_SECONDS,
						typeOptions: { minValue: 1, maxValue: 3600 },
						description:
							'How far the webhook-timestamp may be from this server’s clock, either way. Older or newer requests are refused as possible replays.',
					},
					unknownEventsOption,
				],
			},
		],
	};

	methods = {
		credentialTest: {
			async crmEventWebhookApiTest(
				this: ICredentialTestFunctions,
				credential: ICredentialsDecrypted,
			): Promise<INodeCredentialTestResult> {
				return testSigningCredential(credential.data ?? {});
			},
		},
	};

	// Webhooks are set up by hand at the sender: nothing to register.
	webhookMethods = setUpBySender;

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const options = this.getNodeParameter('settings', {}) as CrmEventOptions & IDataObject;
		const tolerance = Number(options.toleranceSeconds);
		// The window can be changed, never switched off: anything not a positive number means the default.
		const toleranceSeconds = tolerance >= 1 ? tolerance : DEFAULT_TOLERANCE_SECONDS;
		const authenticate =
			this.getNodeParameter('authentication', 'signature') === 'none'
				? acceptAnyRequest
				: standardWebhooksAuthenticator(await this.getCredentials('crmEventWebhookApi'), toleranceSeconds);
		const selected = this.getNodeParameter('events', ['*']) as string[];
		const custom = parseEventList(String(this.getNodeParameter('customEvents', '')));
		return await receiveWebhook(
			this,
			crmEventSpec,
			crmEventReceiveSettings(authenticate, selected, custom, options),
		);
	}
}
