import { z } from 'zod/v4';

/*
 * SuperOffice webhook bodies (PascalCase, as SuperOffice sends them). One loose schema covers
 * every event: custom Properties set on the webhook are merged into the body and kept.
 */

export const superOfficeEventSchema = z.looseObject({
	EventId: z.string(),
	Timestamp: z.string(),
	Event: z.string(),
	Entity: z.string(),
	PrimaryKey: z.number(),
	Changes: z.array(z.string()),
	FieldValues: z.record(z.string(), z.unknown()).optional(),
	ContextIdentifier: z.string().nullable(),
	ChangedByAssociateId: z.number(),
	WebhookName: z.string(),
	/** Delete events carry the record's last values. */
	Values: z.record(z.string(), z.unknown()).optional(),
});

/** The event SuperOffice sends when a webhook is saved, to check the target answers. */
export const TEST_EVENT = 'test';

export interface SuperOfficeEventDefinition {
	name: string;
	value: string;
	description: string;
}

const quoteEvents: SuperOfficeEventDefinition[] = [
	{ name: 'Quote: Approved', value: 'quote.approved', description: 'A quote is approved' },
	{
		name: 'Quote: Ordered',
		value: 'quote.ordered',
		description: 'An order is placed from a quote',
	},
	{ name: 'Quote: Rejected', value: 'quote.rejected', description: 'A quote is rejected' },
	{ name: 'Quote: Sent', value: 'quote.sent', description: 'A quote version is sent' },
];

const entityLabels: Record<string, string> = {
	activity: 'Activity',
	associate: 'Associate',
	chatsession: 'Chat Session',
	contact: 'Contact (Company)',
	document: 'Document',
	person: 'Person',
	project: 'Project',
	projectmember: 'Project Member',
	relation: 'Relation',
	sale: 'Sale',
	salestakeholder: 'Sale Stakeholder',
	ticket: 'Ticket',
};

const actionLabels: Record<string, [label: string, description: string]> = {
	created: ['Created', 'is created'],
	changed: ['Changed', 'is changed'],
	deleted: ['Deleted', 'is deleted (Values holds its last values)'],
	softdeleted: ['Soft Deleted', 'is soft-deleted'],
	edited: ['Edited', 'is edited'],
	consented: ['Consented', 'gives consent'],
	unconsented: ['Unconsented', 'withdraws consent'],
	completed: ['Completed', 'is completed'],
	lost: ['Lost', 'is lost'],
	sold: ['Sold', 'is sold'],
	message: ['Message', 'gets a new message'],
};

const otherEventNames = [
	...[
		'activity',
		'associate',
		'contact',
		'document',
		'person',
		'project',
		'projectmember',
		'relation',
		'sale',
		'salestakeholder',
	].flatMap((entity) => ['created', 'changed', 'deleted'].map((action) => `${entity}.${action}`)),
	'contact.softdeleted',
	'document.edited',
	'person.consented',
	'person.unconsented',
	'sale.completed',
	'sale.lost',
	'sale.sold',
	'ticket.created',
	'ticket.changed',
	'chatsession.created',
	'chatsession.changed',
	'chatsession.message',
];

function describe(eventName: string): SuperOfficeEventDefinition {
	const [entity, action] = eventName.split('.');
	const [label, verb] = actionLabels[action];
	const article = /^[aeiou]/i.test(entityLabels[entity]) ? 'An' : 'A';
	return {
		name: `${entityLabels[entity]}: ${label}`,
		value: eventName,
		description: `${article} ${entityLabels[entity].toLowerCase()} ${verb}`,
	};
}

/** Quote events first, then the rest of SuperOffice's catalogue by name. */
export const superOfficeEvents: readonly SuperOfficeEventDefinition[] = [
	...quoteEvents,
	...otherEventNames.map(describe).sort((a, b) => a.name.localeCompare(b.name)),
];

export const superOfficeEventSchemas: Readonly<Record<string, z.ZodType>> = Object.fromEntries([
	...superOfficeEvents.map((event) => [event.value, superOfficeEventSchema]),
	[TEST_EVENT, superOfficeEventSchema],
]);
