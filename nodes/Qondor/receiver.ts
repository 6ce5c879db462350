import type { IDataObject } from 'n8n-workflow';

import { ALL_EVENTS } from '../shared/eventFilter';
import { rememberIdsSetting, withValidation } from '../shared/pipeline';
import type { AcceptedEvent, Authenticator, ReceiveSettings, SenderSpec } from '../shared/pipeline';
import { addCustomFieldMaps, splitBookingIntoParticipants } from './booking';
import { BOOKING_TOPIC, PING_TOPIC, pingSchema, qondorTopicSchemas, topicFamily } from './topics';

/** The node's Options collection. */
export interface QondorOptions {
	rememberIds?: 'saved' | 'memory';
	bookingOutput?: 'booking' | 'participant';
	rejectInvalid?: boolean;
	unknownTopics?: 'run' | 'acknowledge';
}

function asString(value: unknown): string | undefined {
	return typeof value === 'string' ? value : undefined;
}

function bookingItems(event: AcceptedEvent, output: QondorOptions['bookingOutput']): IDataObject[] {
	if (output === 'participant') {
		const people = splitBookingIntoParticipants(event.body);
		if (people.length > 0) return people;
	}
	return [addCustomFieldMaps(event.body)];
}

/** How Qondor delivers: topic and webhookId in the body, PingV1 as its connection check. */
export function qondorSpec(options: QondorOptions): SenderSpec {
	return {
		sender: 'Qondor',
		eventNameSource: '"topic" field',
		events: qondorTopicSchemas,
		unknownEventSchema: pingSchema,
		identify: (body) => ({ name: asString(body.topic), id: asString(body.webhookId) }),
		isHandshake: (_headers, _body, topic) => topic === PING_TOPIC,
		toItems: (event) => {
			const items = event.name === BOOKING_TOPIC ? bookingItems(event, options.bookingOutput) : [event.body];
			return items.map((json) => withValidation(json, event));
		},
	};
}

/**
 * The user's topic selection. "All topics" covers every business topic, including ones this node
 * does not know yet; PingV1 runs the workflow only when selected by name. A topic the node does
 * not know counts as selected when an earlier version of it is (OfferSentV2 when OfferSentV1 is
 * selected), so a new version Qondor starts sending does not silently stop a workflow.
 */
export function qondorReceiveSettings(
	authenticate: Authenticator,
	topics: readonly string[],
	options: QondorOptions,
): ReceiveSettings {
	const all = topics.includes(ALL_EVENTS);
	const families = new Set(topics.map(topicFamily));
	return {
		authenticate,
		isSelected: (topic, known) =>
			all || topics.includes(topic) || (!known && families.has(topicFamily(topic))),
		runHandshakes: topics.includes(PING_TOPIC),
		rejectInvalid: options.rejectInvalid === true,
		rememberIds: rememberIdsSetting(options),
		unknownEvents: options.unknownTopics ?? 'run',
	};
}
