import type { INodeType, INodeTypeDescription } from 'n8n-workflow';

import { receivingDescription, subtitle } from '../shared/description';
import { triggerNode } from '../shared/trigger';
import { qondor } from './sender';

/**
 * What n8n shows of the node. How it receives (qondor in ./sender.ts) makes the rest: parameters,
 * webhook, credential tests, `webhook()`. The credentials are written out here because n8n's
 * package checks read them from this file; a test holds them equal to the definition's.
 */
export class QondorTrigger extends triggerNode(qondor) implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Qondor Trigger',
		name: 'qondorTrigger',
		icon: { light: 'file:qondor.svg', dark: 'file:qondor.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: subtitle(qondor),
		description: 'Starts the workflow when Qondor sends a webhook (offers, projects, bookings)',
		defaults: { name: 'Qondor Trigger' },
		credentials: [
			{
				name: 'qondorWebhookApi',
				required: true,
				testedBy: 'qondorWebhookApiTest',
				displayOptions: { show: { authentication: ['headerAuth'] } },
			},
		],
		...receivingDescription(qondor),
	};
}
