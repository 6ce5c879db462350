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

import { acceptAnyRequest, headerAuthenticator, testHeaderCredential } from '../shared/auth';
import { rawBodyParameter, rememberIdsOption, setUpBySender, webhookEndpoint } from '../shared/description';
import { receiveWebhook } from '../shared/pipeline';
import { qondorReceiveSettings, qondorSpec } from './receiver';
import type { QondorOptions } from './receiver';
import { qondorTopics } from './topics';

export class QondorTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Qondor Trigger',
		name: 'qondorTrigger',
		icon: { light: 'file:qondor.svg', dark: 'file:qondor.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{$parameter["topics"].includes("*") ? "All topics" : $parameter["topics"].join(", ")}}',
		description: 'Starts the workflow when Qondor sends a webhook (offers, projects, bookings)',
		defaults: {
			name: 'Qondor Trigger',
		},
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{
				name: 'qondorWebhookApi',
				required: true,
				testedBy: 'qondorWebhookApiTest',
				displayOptions: { show: { authentication: ['headerAuth'] } },
			},
		],
		webhooks: [webhookEndpoint('qondor')],
		properties: [
			rawBodyParameter,
			{
				displayName:
					'Qondor sets up webhooks for you. Send the Qondor team the Production URL above, the topics you need, which offices they cover, and the header name and value from the credential. <a href="https://github.com/n8n-nodes-crm-triggers/n8n-nodes-crm-triggers#qondor-trigger" target="_blank">Setup guide</a>',
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
						name: 'Header',
						value: 'headerAuth',
						description: 'Qondor sends a header with a secret value you choose',
					},
					{
						name: 'None',
						value: 'none',
						description: 'Anyone who knows the URL can start the workflow',
					},
				],
				default: 'headerAuth',
			},
			{
				displayName:
					'Without authentication, anyone who knows the URL can start this workflow. Choose Header unless the URL is protected in another way.',
				name: 'noAuthWarning',
				type: 'notice',
				default: '',
				displayOptions: { show: { authentication: ['none'] } },
			},
			{
				displayName: 'Topics',
				name: 'topics',
				type: 'multiOptions',
				required: true,
				default: ['*'],
				description:
					'Which Qondor topics start the workflow. Other topics are acknowledged without running it.',
				options: [
					{
						name: 'All Topics (Except Ping)',
						value: '*',
						description: 'Every business topic, including topics Qondor adds later',
					},
					...qondorTopics.map(({ name, value, description }) => ({ name, value, description })),
				],
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
						displayName: 'Booking Output',
						name: 'bookingOutput',
						type: 'options',
						default: 'booking',
						description: 'How a Booking Confirmed event becomes items',
						options: [
							{
								name: 'One Item per Booking',
								value: 'booking',
								description: 'The booking as Qondor sent it, with each person’s custom fields as a map',
							},
							{
								name: 'One Item per Participant',
								value: 'participant',
								description:
									'The booker and each participant as a separate item, carrying the booking, project, office and billing details',
							},
						],
					},
					{
						displayName: 'Reject Invalid Payloads',
						name: 'rejectInvalid',
						type: 'boolean',
						default: false,
						description:
							'Whether to answer 422 and not run the workflow when a body does not match Qondor’s documented format. When off, such events run the workflow and their items show what did not match under _validation.',
					},
					{
						displayName: 'Unknown Topics',
						name: 'unknownTopics',
						type: 'options',
						default: 'run',
						description:
							'What to do with topics this node does not know yet, such as a new topic or OfferSentV2',
						options: [
							{
								name: 'Run the Workflow',
								value: 'run',
								description:
									'When All Topics or an earlier version of the topic is selected; the item is marked under _validation',
							},
							{
								name: 'Acknowledge Only',
								value: 'acknowledge',
								description: 'Answer Qondor with 200 and do not run the workflow',
							},
						],
					},
				],
			},
		],
	};

	methods = {
		credentialTest: {
			async qondorWebhookApiTest(
				this: ICredentialTestFunctions,
				credential: ICredentialsDecrypted,
			): Promise<INodeCredentialTestResult> {
				return testHeaderCredential(credential.data ?? {});
			},
		},
	};

	// Webhooks are set up by hand at the sender: nothing to register.
	webhookMethods = setUpBySender;

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const authenticate =
			this.getNodeParameter('authentication', 'headerAuth') === 'none'
				? acceptAnyRequest
				: headerAuthenticator(await this.getCredentials('qondorWebhookApi'));
		const topics = this.getNodeParameter('topics', ['*']) as string[];
		const options = this.getNodeParameter('settings', {}) as QondorOptions & IDataObject;
		return await receiveWebhook(
			this,
			qondorSpec(options),
			qondorReceiveSettings(authenticate, topics, options),
		);
	}
}
