import type { INodeType, INodeTypeDescription } from 'n8n-workflow';

import { receivingDescription, subtitle } from '../shared/description';
import { triggerNode } from '../shared/trigger';
import { crmEvent } from './sender';

/**
 * What n8n shows of the node. How it receives (crmEvent in ./sender.ts) makes the rest: parameters,
 * webhook, credential tests, `webhook()`. The credentials are written out here because n8n's
 * package checks read them from this file; a test holds them equal to the definition's.
 */
export class CrmEventTrigger extends triggerNode(crmEvent) implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'CRM Event Trigger',
		name: 'crmEventTrigger',
		icon: { light: 'file:crmEvent.svg', dark: 'file:crmEvent.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: subtitle(crmEvent),
		description:
			'Starts the workflow on CRM events (leads, deals, clients, invoices…) signed with Standard Webhooks, as Heffl sends them',
		defaults: { name: 'CRM Event Trigger' },
		credentials: [
			{
				name: 'crmEventWebhookApi',
				required: true,
				testedBy: 'crmEventWebhookApiTest',
				displayOptions: { show: { authentication: ['signature'] } },
			},
		],
		...receivingDescription(crmEvent),
	};
}
