import type { ICredentialType, INodeProperties } from 'n8n-workflow';

/**
 * The signing secret of a CRM that signs its webhooks with the Standard Webhooks scheme (Heffl
 * shows it once, as `whsec_…`, when the endpoint is added). During a rotation the previous
 * secret keeps verifying until the CRM has switched.
 */
export class CrmEventWebhookApi implements ICredentialType {
	name = 'crmEventWebhookApi';

	displayName = 'CRM Event Webhook Signing Secret API';

	icon = 'file:../nodes/CrmEvent/crmEvent.svg' as const;

	documentationUrl =
		'https://github.com/n8n-nodes-crm-triggers/n8n-nodes-crm-triggers#crm-event-trigger';

	properties: INodeProperties[] = [
		{
			displayName: 'Signing Secret',
			name: 'signingSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			placeholder: 'whsec_…',
			description:
				'The secret the CRM shows when you add the webhook endpoint, starting with whsec_',
		},
		{
			displayName: 'Previous Signing Secret',
			name: 'previousSigningSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				'Optional. While you rotate the secret in the CRM, keep the old one here: requests signed with either are accepted. Clear it once the rotation is done.',
		},
	];
}
