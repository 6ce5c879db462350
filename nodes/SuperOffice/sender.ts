import type { IDataObject } from 'n8n-workflow';
import { z } from 'zod/v4';

import { unknownEventsOption } from '../shared/description';
import { selectionMatcher } from '../shared/eventFilter';
import { headerValue } from '../shared/http';
import type { RequestHeaders } from '../shared/http';
import { itemSchema } from '../shared/outputSchema';
import type { SenderDefinition } from '../shared/sender';
import {
	superOfficeEvents,
	superOfficeEventSchema,
	superOfficeEventSchemas,
	TEST_EVENT,
} from './events';
import { chosenAuthentication } from '../shared/trigger';
import {
	registeredSecretAuthenticator,
	registrationLifecycle,
	SIGNATURE_HEADER,
} from './registration';

/** The delivery headers a workflow may need, so nobody has to parse headers. */
export function deliveryDetails(headers: RequestHeaders): IDataObject {
	const retry = headerValue(headers, 'X-SuperOffice-Retry');
	return {
		event: headerValue(headers, 'X-SuperOffice-Event') ?? null,
		eventId: headerValue(headers, 'X-SuperOffice-EventId') ?? null,
		retry: retry !== undefined && /^\d+$/.test(retry.trim()) ? Number(retry) : null,
		hookTest: headerValue(headers, 'X-Hook-Test')?.toLowerCase() === 'true',
		userAgent: headerValue(headers, 'User-Agent') ?? null,
	};
}

const automatically = {
	description:
		'Creates the webhook through the API when the workflow is activated, with a secret only n8n knows, and removes it when deactivated',
	authenticator: registeredSecretAuthenticator,
};

/**
 * SuperOffice: Event and EventId in the body (also in headers), a `test` event when a webhook is
 * saved, signed with base64 HMAC-SHA256 of the body. SuperOffice stops a webhook after 9 failed
 * deliveries and at once on 410, so once a request is authenticated its content never earns an
 * error status. The trigger can register its webhook itself through SuperOffice's REST API.
 */
export const superOffice: SenderDefinition = {
	key: 'superoffice',
	folder: 'SuperOffice',
	sender: 'SuperOffice',
	path: 'superoffice',
	setupNotice: {
		text: 'Create a SuperOffice webhook (its Webhook API, POST /api/v1/Webhook) with TargetUrl = the Production URL above (HTTPS with a valid certificate), the Events you need, and a Secret that you also enter in the credential. SuperOffice sends a test event when the webhook is saved: this node answers it. Or choose an API authentication below and n8n registers the webhook itself. <a href="https://github.com/n8n-nodes-crm-triggers/n8n-nodes-crm-triggers#superoffice-trigger" target="_blank">Setup guide</a>',
		showFor: ['signature', 'none'],
	},
	authentication: {
		choices: [
			{
				name: 'Webhook Secret',
				value: 'signature',
				description:
					'You create the webhook in SuperOffice; requests are verified with its secret (X-SuperOffice-Signature)',
				credential: 'superOfficeWebhookApi',
				scheme: {
					type: 'bodyHmac',
					header: SIGNATURE_HEADER,
					secretField: 'webhookSecret',
					secretLabel: 'Webhook Secret',
				},
			},
			{
				name: 'SuperOffice Online API (Registers the Webhook)',
				value: 'oAuth2',
				credential: 'superOfficeOAuth2Api',
				...automatically,
			},
			{
				name: 'On-Site API (Registers the Webhook)',
				value: 'onSite',
				credential: 'superOfficeApi',
				...automatically,
				description:
					'The same for an on-site installation: ticket, bearer token or user name and password',
			},
			{
				name: 'None',
				value: 'none',
				description: 'For webhooks created without a secret: requests are not verified',
			},
		],
		notices: [
			{
				name: 'automaticNotice',
				text: 'On activation, n8n creates a webhook in SuperOffice with this trigger’s Production URL, the selected events and a secret only n8n knows; on deactivation it removes it. SuperOffice requires the Production URL to be HTTPS with a valid certificate (set WEBHOOK_URL).',
				showFor: ['oAuth2', 'onSite'],
			},
			{
				name: 'noAuthWarning',
				text: 'Requests are not verified: anyone who knows the URL can start this workflow. Give the webhook a Secret in SuperOffice and choose Webhook Secret.',
				showFor: ['none'],
			},
		],
	},
	event: {
		name: { field: 'Event', header: 'X-SuperOffice-Event' },
		id: { field: 'EventId', header: 'X-SuperOffice-EventId' },
	},
	events: {
		parameter: 'events',
		displayName: 'Events',
		description:
			'Which events start the workflow. Other events are acknowledged without running it.',
		all: { name: 'All Events', description: 'Every event the webhook sends' },
		catalogue: superOfficeEvents,
		custom: {
			placeholder: 'list.*.created, webhook*.errors',
			description:
				'More event names, separated by commas, for list, extra-table and webhook-state events. Use * as a wildcard.',
		},
	},
	schemas: superOfficeEventSchemas,
	unknownEventSchema: superOfficeEventSchema,
	options: [
		{
			displayName: 'Run on Test Event',
			name: 'runOnTestEvent',
			type: 'boolean',
			default: false,
			description:
				'Whether the test event SuperOffice sends when a webhook is saved starts the workflow. It is always answered with 200.',
		},
		unknownEventsOption,
	],
	selection: (selected, custom, options) => ({
		isSelected: selectionMatcher(selected, custom),
		runHandshakes: options.runOnTestEvent === true,
	}),
	isHandshake: (headers, _body, eventName) =>
		eventName === TEST_EVENT || headerValue(headers, 'X-Hook-Test')?.toLowerCase() === 'true',
	toItems: (event) => {
		event.body._delivery = deliveryDetails(event.headers);
		return [event.body];
	},
	acknowledgeContentErrors: true,
	// Registration uses the API credential of the chosen authentication, for the choices that register.
	lifecycle: registrationLifecycle((context) => {
		const choice = chosenAuthentication(context, superOffice);
		return choice.authenticator === registeredSecretAuthenticator ? choice.credential : undefined;
	}),
	outputSchemas: [
		itemSchema(
			superOfficeEventSchema.extend({
				_delivery: z.object({
					event: z.string().nullable(),
					eventId: z.string().nullable(),
					retry: z.number().nullable(),
					hookTest: z.boolean(),
					userAgent: z.string().nullable(),
				}),
			}),
		),
	],
};
