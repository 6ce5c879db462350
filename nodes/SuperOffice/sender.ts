import type { IDataObject, INodeProperties, IWebhookFunctions } from 'n8n-workflow';
import { z } from 'zod/v4';

import { unknownEventsOption } from '../shared/description';
import { selectionMatcher } from '../shared/eventFilter';
import { headerValue } from '../shared/http';
import type { RequestHeaders } from '../shared/http';
import { itemSchema } from '../shared/outputSchema';
import type { AcceptedEvent, SenderDefinition } from '../shared/sender';
import {
	superOfficeEvents,
	superOfficeEventSchema,
	superOfficeEventSchemas,
	TEST_EVENT,
} from './events';
import { chosenAuthentication } from '../shared/trigger';
import { quoteRecordSchema, quoteSummarySchema, recordStatusSchema } from './recordSchema';
import { API_CREDENTIALS, superOfficeApi } from './api';
import { RECORD_LIMITS, readRecord, unread } from './records';
import type { RecordFields } from './records';
import {
	afterAuthentication,
	registeredSecretAuthenticator,
	SIGNATURE_HEADER,
} from './registeredSecret';
import { declineSkippedChanges } from './ownChanges';
import { registrationLifecycle } from './registration';

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

const deliverySchema = z.object({
	event: z.string().nullable(),
	eventId: z.string().nullable(),
	retry: z.number().nullable(),
	hookTest: z.boolean(),
	userAgent: z.string().nullable(),
});

const seconds = (ms: number) => ms / 1000;

/**
 * The replay window on SuperOffice's signed Timestamp. SuperOffice tries each delivery 3 times,
 * about 1 and 4 seconds apart, so a genuine event arrives within seconds of its Timestamp; five
 * minutes leave room for queueing at SuperOffice and for clocks that differ.
 */
export const DEFAULT_REPLAY_WINDOW_SECONDS = 300;
export const MAX_REPLAY_WINDOW_SECONDS = 3600;

/**
 * Include Record and Skip Changes Made by the API User, and the API credential both use: with the
 * choices that register the webhook, their credential; with Webhook Secret or None, the one picked
 * under API Credential. n8n shows a credential by conditions that must all hold (show) or of which
 * one hides it (hide); "registration chose it, or records or the loop guard need it" is said with a
 * hidden parameter that exists exactly when no API credential is needed (see
 * `apiCredentialDisplay`).
 */
/** The API Credential parameter, shown under Webhook Secret and None when `when` holds. */
function apiCredentialChoice(when: Record<string, boolean[]>): INodeProperties {
	return {
		displayName: 'API Credential',
		name: 'apiAccess',
		type: 'options',
		default: 'oAuth2',
		description:
			'The API credential that reads records and finds the API user. Deliveries are still verified as chosen under Authentication.',
		options: [
			{ name: 'SuperOffice Online (OAuth2)', value: 'oAuth2' },
			{ name: 'On-Site API', value: 'onSite' },
		],
		displayOptions: { show: { authentication: ['signature', 'none'], ...when } },
	};
}

const apiParameters: INodeProperties[] = [
	{
		displayName: 'Include Record',
		name: 'includeRecord',
		type: 'boolean',
		default: false,
		description: `Whether each item also carries the record the event is about, read from SuperOffice's API before the workflow starts: for quote events the quote with its lines, sale, customer and sales rep (under quote and record); for contact, person, sale, project, activity, document and ticket events the record. Costs one API call per event (five or more for a quote) and delays the execution, never SuperOffice's delivery, by at most ${seconds(RECORD_LIMITS.totalMs)} seconds; what cannot be read is said in _record and the workflow still runs.`,
	},
	{
		displayName: 'Skip Changes Made by the API User',
		name: 'skipOwnChanges',
		type: 'boolean',
		default: false,
		description:
			"Whether events caused by the API credential's own SuperOffice user (ChangedByAssociateId) are acknowledged without running the workflow. Turn on when this workflow, or another, writes to SuperOffice with that credential: SuperOffice sends events for those writes, which would start it again.",
	},
	{
		displayName:
			'Every change the API user makes is skipped, including those it makes by hand in SuperOffice: with a personal login as the credential, that person’s own edits start nothing. Use a dedicated API (system) user for workflows that write back.',
		name: 'skipOwnChangesNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { skipOwnChanges: [true] } },
	},
	// The same parameter twice: shown when records need it, or else when the loop guard does (n8n
	// shows a parameter when all of its conditions hold; the two are never shown together).
	apiCredentialChoice({ includeRecord: [true] }),
	apiCredentialChoice({ includeRecord: [false], skipOwnChanges: [true] }),
	{
		displayName: 'No API Credential',
		name: 'noApiCredential',
		type: 'hidden',
		default: true,
		displayOptions: {
			show: {
				authentication: ['signature', 'none'],
				includeRecord: [false],
				skipOwnChanges: [false],
			},
		},
	},
];

/**
 * When an API credential is shown: for the choice that registers with it, or under Webhook Secret
 * and None when records or the loop guard use it. A parameter that is not shown has no value, so a
 * stale API Credential choice never hides the credential a registration needs. Said with `hide`
 * (and a `show` that always holds): n8n's editor takes a parameter whose every value some
 * credential's `show` names for the node's "main auth field" and hides it from the panel, which
 * would leave no way to change Authentication.
 */
function apiCredentialDisplay(other: string) {
	return {
		show: { '@version': [1] },
		hide: { authentication: [other], apiAccess: [other], noApiCredential: [true] },
	};
}

/** The API credential type that reads records and finds the API user, for the authentication chosen. */
function apiCredential(context: IWebhookFunctions): string | undefined {
	const choice = chosenAuthentication(context, superOffice);
	if (choice.registers === true) return choice.credential;
	return API_CREDENTIALS.get(String(context.getNodeParameter('apiAccess', 'oAuth2')));
}

/** Adds the record to the event's item, when Include Record is on (else nothing to do). */
function withRecord(
	context: IWebhookFunctions,
	event: AcceptedEvent,
	items: IDataObject[],
): Promise<IDataObject[]> | undefined {
	if (context.getNodeParameter('includeRecord', false) !== true) return undefined;
	return readInto(context, event, items);
}

async function readInto(
	context: IWebhookFunctions,
	event: AcceptedEvent,
	items: IDataObject[],
): Promise<IDataObject[]> {
	const credentialType = apiCredential(context);
	let fields: RecordFields;
	try {
		if (credentialType === undefined) throw new Error('no API credential chosen');
		const connection = await superOfficeApi(context, credentialType);
		fields =
			'refused' in connection
				? unread('no-credential', connection.refused)
				: await readRecord(connection.api, event.body);
	} catch {
		fields = unread(
			'no-credential',
			'The API credential for reading records could not be loaded: select one under API Credential',
		);
	}
	if (
		!fields._record.read &&
		fields._record.error !== 'deleted' &&
		fields._record.error !== 'not-readable'
	) {
		context.logger.warn(
			`SuperOffice event ${event.name}${event.id === undefined ? '' : ` (${event.id})`}: the record was not read, the workflow runs without it: ${fields._record.message}`,
		);
	}
	return items.map((item) => Object.assign(item, fields));
}

const automatically = {
	description:
		'Creates the webhook through the API when the workflow is activated, with a secret only n8n knows, and removes it when deactivated',
	registers: true,
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
	name: 'SuperOffice',
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
				credentialDisplay: apiCredentialDisplay('onSite'),
				...automatically,
			},
			{
				name: 'On-Site API (Registers the Webhook)',
				value: 'onSite',
				credential: 'superOfficeApi',
				credentialDisplay: apiCredentialDisplay('oAuth2'),
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
	// Only from the signed body: the X-SuperOffice-Event and -EventId headers are not signed, and a
	// copy of a delivery with another EventId header would pass the de-duplication. They are
	// still shown in _delivery.
	event: {
		name: { field: 'Event' },
		id: { field: 'EventId' },
		time: {
			field: 'Timestamp',
			option: 'replayWindowSeconds',
			defaultSeconds: DEFAULT_REPLAY_WINDOW_SECONDS,
			maxSeconds: MAX_REPLAY_WINDOW_SECONDS,
		},
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
	parameters: apiParameters,
	schemas: superOfficeEventSchemas,
	unknownEventSchema: superOfficeEventSchema,
	settings: [
		{
			displayName: 'Run on Test Event',
			name: 'runOnTestEvent',
			type: 'boolean',
			default: false,
			description:
				'Whether the test event SuperOffice sends when a webhook is saved starts the workflow. It is always answered with 200.',
		},
		{
			displayName: 'Replay Window (Seconds)',
			name: 'replayWindowSeconds',
			type: 'number',
			default: DEFAULT_REPLAY_WINDOW_SECONDS,
			typeOptions: { minValue: 1, maxValue: MAX_REPLAY_WINDOW_SECONDS },
			description:
				'How far the Timestamp SuperOffice signs into each event may be from this server’s clock, either way. A delivery outside the window (a captured request sent again later) is answered 200 and starts nothing; inside it, the event ID stops repeats. SuperOffice tries a delivery 3 times within seconds. Applies when requests are verified (not with Authentication None).',
		},
		{
			displayName: 'Skip Changes by Associates',
			name: 'skipAssociates',
			type: 'string',
			default: '',
			placeholder: '12, 37',
			description:
				'Associate IDs, separated by commas, whose changes start nothing (other integrations’ users, for example): their events are acknowledged without running the workflow',
		},
		unknownEventsOption,
	],
	selection: (selected, custom, options) => ({
		isSelected: selectionMatcher(selected, custom),
		runHandshakes: options.runOnTestEvent === true,
	}),
	// From the signed Event (an unsigned header must not turn a copy of a business event into a
	// test event); before the body is read, only for a webhook not registered yet, X-Hook-Test.
	isHandshake: (headers, body, eventName) =>
		body !== undefined
			? eventName === TEST_EVENT
			: headerValue(headers, 'X-Hook-Test')?.toLowerCase() === 'true',
	toItems: (event) => {
		event.body._delivery = deliveryDetails(event.headers);
		return [event.body];
	},
	enrich: withRecord,
	decline: (context, event, settings) =>
		declineSkippedChanges(context, event, settings, () => apiCredential(context)),
	acknowledgeContentErrors: true,
	// Registration uses the API credential of the choices that say `registers`.
	registration: {
		lifecycle: registrationLifecycle,
		authenticator: registeredSecretAuthenticator,
		afterAuthentication,
	},
	outputSchemas: [
		itemSchema(superOfficeEventSchema.extend({ _delivery: deliverySchema })),
		// A quote event with Include Record on.
		itemSchema(
			superOfficeEventSchema.extend({
				_delivery: deliverySchema,
				quote: quoteSummarySchema,
				record: quoteRecordSchema,
				_record: recordStatusSchema,
			}),
		),
	],
};
