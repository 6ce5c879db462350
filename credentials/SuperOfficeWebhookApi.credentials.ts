import type { ICredentialType, INodeProperties } from 'n8n-workflow';

/** The secret entered when the webhook was created in SuperOffice; SuperOffice signs with it. */
export class SuperOfficeWebhookApi implements ICredentialType {
	name = 'superOfficeWebhookApi';

	displayName = 'SuperOffice Webhook Secret API';

	icon = 'file:../nodes/SuperOffice/superOffice.svg' as const;

	documentationUrl =
		'https://github.com/n8n-nodes-crm-triggers/n8n-nodes-crm-triggers#superoffice-trigger';

	properties: INodeProperties[] = [
		{
			displayName: 'Webhook Secret',
			name: 'webhookSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description:
				'The Secret of the webhook in SuperOffice, exactly as entered there. SuperOffice signs every request with it (X-SuperOffice-Signature).',
		},
	];
}
