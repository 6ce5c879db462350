import type { INodeType, INodeTypeDescription } from 'n8n-workflow';

import { receivingDescription, subtitle } from '../shared/description';
import { triggerNode } from '../shared/trigger';
import { superOffice } from './sender';

/**
 * What n8n shows of the node. How it receives (superOffice in ./sender.ts) makes the rest: parameters,
 * webhook, credential tests, `webhook()`. The credentials are written out here because n8n's
 * package checks read them from this file; a test holds them equal to the definition's.
 */
export class SuperOfficeTrigger extends triggerNode(superOffice) implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'SuperOffice Trigger',
		name: 'superOfficeTrigger',
		icon: { light: 'file:superOffice.svg', dark: 'file:superOffice.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: subtitle(superOffice),
		description:
			'Starts the workflow when SuperOffice sends a webhook: quotes, sales, contacts, tickets…',
		defaults: { name: 'SuperOffice Trigger' },
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
				displayOptions: {
					show: { '@version': [1] },
					hide: { authentication: ['onSite'], apiAccess: ['onSite'], noApiCredential: [true] },
				},
			},
			{
				name: 'superOfficeApi',
				required: true,
				displayOptions: {
					show: { '@version': [1] },
					hide: { authentication: ['oAuth2'], apiAccess: ['oAuth2'], noApiCredential: [true] },
				},
			},
		],
		...receivingDescription(superOffice),
	};
}
