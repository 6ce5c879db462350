import type { ICredentialType, INodeProperties } from 'n8n-workflow';

/**
 * The authentication header Qondor sends with every webhook. Qondor has no signing: the customer
 * chooses a header name and a secret value and gives both to the Qondor team, who configure the
 * webhook to send them.
 */
export class QondorWebhookApi implements ICredentialType {
	name = 'qondorWebhookApi';

	displayName = 'Qondor Webhook Header API';

	icon = 'file:../nodes/Qondor/qondor.svg' as const;

	documentationUrl =
		'https://github.com/n8n-nodes-crm-triggers/n8n-nodes-crm-triggers#qondor-trigger';

	properties: INodeProperties[] = [
		{
			displayName: 'Header Name',
			name: 'headerName',
			type: 'string',
			default: 'X-Qondor-Webhook-Token',
			required: true,
			description: 'Name of the header Qondor sends. Any name works; give Qondor the same one.',
		},
		{
			displayName: 'Header Value',
			name: 'headerSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description:
				'Secret value Qondor sends in that header. Use a long random value (at least 16 characters) and give it to Qondor.',
		},
	];
}
