import type { IDataObject } from 'n8n-workflow';
import { z } from 'zod/v4';

import { unknownEventsOption } from '../shared/description';
import { itemSchema } from '../shared/outputSchema';
import type { SenderDefinition } from '../shared/sender';
import { DEFAULT_TOLERANCE_SECONDS, MAX_TOLERANCE_SECONDS } from '../shared/standardWebhooks';
import {
	anyPayloadSchema,
	clientSchema,
	contactSchema,
	crmEvents,
	crmEventSchemas,
	dealSchema,
	formResponseSchema,
	invoiceSchema,
	leadSchema,
	quotationSchema,
	unknownCrmEventSchema,
} from './events';

/**
 * One page of the CRM's documentation calls the inner object `data` instead of `payload`: items
 * always carry it as `payload`.
 */
export function normaliseEnvelope(body: IDataObject): IDataObject {
	if (body.payload !== undefined || body.data === undefined) return body;
	const { data, ...rest } = body;
	return { ...rest, payload: data };
}

/**
 * CRM events in the `{ event, timestamp, payload }` envelope, signed with Standard Webhooks (as
 * Heffl sends them): event name in the body, the `webhook-id` header as event id.
 */
export const crmEvent: SenderDefinition = {
	key: 'crm',
	folder: 'CrmEvent',
	name: 'CRM',
	path: 'crm-event',
	setupNotice: {
		text: 'In your CRM’s webhook settings, add an endpoint with the Production URL above and choose the events. The CRM then shows the signing secret (whsec_…) once: paste it into the credential. <a href="https://github.com/n8n-nodes-crm-triggers/n8n-nodes-crm-triggers#crm-event-trigger" target="_blank">Setup guide</a>',
	},
	authentication: {
		choices: [
			{
				name: 'Standard Webhooks Signature',
				value: 'signature',
				description: 'Verify the webhook-signature header with the signing secret',
				credential: 'crmEventWebhookApi',
				scheme: { type: 'standardWebhooks' },
			},
			{
				name: 'None',
				value: 'none',
				description: 'Anyone who knows the URL can start the workflow',
			},
		],
		notices: [
			{
				name: 'noAuthWarning',
				text: 'Requests are not verified: anyone who knows the URL can start this workflow with any content. Use Standard Webhooks Signature whenever the CRM gives you a signing secret.',
				showFor: ['none'],
			},
		],
	},
	event: { name: { field: 'event' }, id: { header: 'webhook-id' } },
	events: {
		parameter: 'events',
		displayName: 'Events',
		description:
			'Which events start the workflow. Other events are acknowledged without running it.',
		all: { name: 'All Events', description: 'Every event, including ones the CRM adds later' },
		catalogue: crmEvents,
		custom: {
			placeholder: 'deal.*, *.deleted',
			description:
				'More event names, separated by commas. Use * as a wildcard: deal.* (every deal event), *.deleted (every deletion).',
		},
	},
	schemas: crmEventSchemas,
	unknownEventSchema: unknownCrmEventSchema,
	settings: [
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
			typeOptions: { minValue: 1, maxValue: MAX_TOLERANCE_SECONDS },
			description:
				'How far the webhook-timestamp may be from this server’s clock, either way. Older or newer requests are refused as possible replays.',
		},
		unknownEventsOption,
	],
	normalise: normaliseEnvelope,
	isHandshake: () => false,
	toItems: (event) => {
		event.body.webhookId = event.id ?? null;
		return [event.body];
	},
	outputSchemas: [
		leadSchema,
		dealSchema,
		clientSchema,
		contactSchema,
		invoiceSchema,
		quotationSchema,
		formResponseSchema,
		anyPayloadSchema,
	].map((payload) =>
		itemSchema(
			z.looseObject({
				event: z.string(),
				timestamp: z.string(),
				payload,
				webhookId: z.string().nullable(),
			}),
		),
	),
};
