import type { IDataObject } from 'n8n-workflow';
import { z } from 'zod/v4';

import { itemSchema } from '../shared/outputSchema';
import type { AcceptedEvent, SenderDefinition } from '../shared/sender';
import { addCustomFieldMaps, splitBookingIntoParticipants } from './booking';
import {
	BOOKING_TOPIC,
	bookingConfirmedSchema,
	personSchema,
	PING_TOPIC,
	pingSchema,
	qondorTopics,
	qondorTopicSchemas,
	topicFamily,
} from './topics';

function bookingItems(event: AcceptedEvent, settings: IDataObject): IDataObject[] {
	if (settings.bookingOutput === 'participant') {
		const people = splitBookingIntoParticipants(event.body);
		if (people.length > 0) return people;
	}
	return [addCustomFieldMaps(event.body)];
}

const customFields = z.record(z.string(), z.string().nullable());
const personItem = personSchema.extend({ customFields });

/** Booking Confirmed as one item: each person gets a `customFields` map. */
const bookingItem = bookingConfirmedSchema.extend({
	booker: personItem,
	participants: z.array(personItem),
});

/** Booking Confirmed as one item per person: the person's fields, and the booking under `booking`. */
const participantItem = personItem.extend({
	booking: bookingConfirmedSchema.omit({ booker: true, participants: true }),
});

/**
 * Qondor: webhooks set up by Qondor's team, authenticated by a header the customer chooses;
 * topic and webhookId in the body; PingV1 as its connection check.
 */
export const qondor: SenderDefinition = {
	key: 'qondor',
	folder: 'Qondor',
	name: 'Qondor',
	path: 'qondor',
	setupNotice: {
		text: 'Qondor sets up webhooks for you. Send the Qondor team the Production URL above, the topics you need, which offices they cover, and the header name and value from the credential. <a href="https://github.com/n8n-nodes-crm-triggers/n8n-nodes-crm-triggers#qondor-trigger" target="_blank">Setup guide</a>',
	},
	authentication: {
		choices: [
			{
				name: 'Header',
				value: 'headerAuth',
				description: 'Qondor sends a header with a secret value you choose',
				credential: 'qondorWebhookApi',
				scheme: { type: 'header' },
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
				text: 'Without authentication, anyone who knows the URL can start this workflow. Choose Header unless the URL is protected in another way.',
				showFor: ['none'],
			},
		],
	},
	event: { name: { field: 'topic' }, id: { field: 'webhookId' } },
	events: {
		parameter: 'topics',
		displayName: 'Topics',
		required: true,
		description:
			'Which Qondor topics start the workflow. Other topics are acknowledged without running it.',
		all: {
			name: 'All Topics (Except Ping)',
			description: 'Every business topic, including topics Qondor adds later',
		},
		catalogue: qondorTopics,
		unknownOption: 'unknownTopics',
	},
	schemas: qondorTopicSchemas,
	unknownEventSchema: pingSchema,
	settings: [
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
	/**
	 * "All topics" covers every business topic, including ones this node does not know yet; PingV1
	 * runs the workflow only when selected by name. A topic the node does not know counts as
	 * selected when an earlier version of it is (OfferSentV2 when OfferSentV1 is selected), so a
	 * new version Qondor starts sending does not silently stop a workflow.
	 */
	selection: (topics) => {
		const all = topics.includes('*');
		const families = new Set(topics.map(topicFamily));
		return {
			isSelected: (topic, known) =>
				all || topics.includes(topic) || (!known && families.has(topicFamily(topic))),
			runHandshakes: topics.includes(PING_TOPIC),
		};
	},
	isHandshake: (_headers, _body, topic) => topic === PING_TOPIC,
	toItems: (event, settings) =>
		event.name === BOOKING_TOPIC ? bookingItems(event, settings) : [event.body],
	outputSchemas: [
		...qondorTopics.map((topic) => topic.schema as z.ZodObject),
		bookingItem,
		participantItem,
	].map(itemSchema),
};
