import { z } from 'zod/v4';

/*
 * Qondor webhook bodies, as documented by Qondor ("Webhooks in Qondor"). Every schema is loose:
 * fields Qondor adds later are kept. Text fields that a Qondor account may leave empty (external
 * references, e-mail addresses, categories) accept null. Dates such as `offerValidUntil` carry no
 * time zone and stay strings exactly as sent.
 */

const text = z.string();
const optionalText = z.string().nullable();

const envelope = {
	webhookId: text,
	timestamp: text,
	topic: text,
};

const project = {
	projectId: z.number(),
	projectNo: text,
	projectName: text,
};

const office = {
	officeId: z.number(),
	officeInternalName: text,
	officeExternalReference: optionalText,
};

const customer = {
	customerId: z.number(),
	customerName: text,
	customerExternalReference: optionalText,
};

const offer = {
	...envelope,
	...project,
	projectMainCustomerContactPersonEmail: optionalText,
	offerId: z.number(),
	offerHeading: text,
	offerLanguage: text,
	offerLink: text,
	directLink: text,
	...customer,
};

export const pingSchema = z.looseObject(envelope);

export const offerSentSchema = z.looseObject({ ...offer, offerValidUntil: optionalText });

export const offerAnsweredSchema = offerSentSchema;

export const offerCommentSchema = z.looseObject({
	...offer,
	commentedOn: optionalText,
	commentText: text,
});

export const offerPublishStateChangedSchema = z.looseObject({
	...offer,
	offerValidUntil: optionalText,
	isPublished: z.boolean(),
	wasPublished: z.boolean(),
});

export const projectCreatedSchema = z.looseObject({ ...envelope, ...office, ...project });

export const projectStatusChangedSchema = z.looseObject({
	...envelope,
	...office,
	...project,
	oldStatus: z.number(),
	oldStatusText: text,
	newStatus: z.number(),
	newStatusText: text,
	...customer,
});

export const customFieldSchema = z.looseObject({
	customFieldId: z.number(),
	heading: text,
	type: z.number(),
	typeText: text,
	internalName: optionalText,
	answers: z.array(z.looseObject({ text: optionalText })),
});

export const personSchema = z.looseObject({
	participantReference: text,
	firstName: optionalText,
	lastName: optionalText,
	email: optionalText,
	phone: optionalText,
	isBooker: z.boolean(),
	status: z.number(),
	statusText: text,
	company: optionalText,
	externalReference: optionalText,
	checkInCode: optionalText,
	participantCategoryId: z.number().nullable(),
	participantCategoryName: optionalText,
	participantFieldsV2: z.array(customFieldSchema),
});

export const billingAddressSchema = z.looseObject({
	recipient: optionalText,
	contactPerson: optionalText,
	email: optionalText,
	company: optionalText,
	addressLine1: optionalText,
	addressLine2: optionalText,
	postCode: optionalText,
	city: optionalText,
	country: optionalText,
	organisationNumber: optionalText,
	vatNumber: optionalText,
	invoiceReference: optionalText,
	costCentre: optionalText,
});

export const bookingConfirmedSchema = z.looseObject({
	...envelope,
	...office,
	...project,
	projectStartDate: optionalText,
	projectEndDate: optionalText,
	projectCategory: optionalText,
	teamId: z.number().nullable(),
	teamName: optionalText,
	teamExternalReference: optionalText,
	bookingReference: z.number(),
	bookingStatus: text,
	bookingType: z.number(),
	bookingTypeText: text,
	bookingRegisteredDate: optionalText,
	bookingLastEditedDate: optionalText,
	booker: personSchema,
	participants: z.array(personSchema),
	billingAddress: billingAddressSchema.nullable(),
});

export type BookingConfirmed = z.infer<typeof bookingConfirmedSchema>;
export type BookingPerson = z.infer<typeof personSchema>;
export type CustomField = z.infer<typeof customFieldSchema>;

export const PING_TOPIC = 'PingV1';
export const BOOKING_TOPIC = 'BookingConfirmedV1';

export interface TopicDefinition {
	name: string;
	value: string;
	description: string;
	schema: z.ZodType;
}

/** The topics Qondor documents, in the order the editor lists them. */
export const qondorTopics: readonly TopicDefinition[] = [
	{
		name: 'Booking Confirmed',
		value: BOOKING_TOPIC,
		description:
			'A booking is confirmed: office, project, booker, participants and billing address',
		schema: bookingConfirmedSchema,
	},
	{
		name: 'Offer Answered',
		value: 'OfferAnsweredV1',
		description: 'A customer responds to an offer',
		schema: offerAnsweredSchema,
	},
	{
		name: 'Offer Comment to Customer Created',
		value: 'OfferCommentToCustomerCreatedV1',
		description: 'A comment is sent to a customer from Adminweb',
		schema: offerCommentSchema,
	},
	{
		name: 'Offer Publish State Changed',
		value: 'OfferPublishStateChangedV1',
		description: 'An offer is published or unpublished (sending an offer also publishes it)',
		schema: offerPublishStateChangedSchema,
	},
	{
		name: 'Offer Sent',
		value: 'OfferSentV1',
		description: 'An offer is sent to a customer',
		schema: offerSentSchema,
	},
	{
		name: 'Ping',
		value: PING_TOPIC,
		description:
			'Qondor checks that the endpoint is reachable (runs the workflow only when selected)',
		schema: pingSchema,
	},
	{
		name: 'Project Created',
		value: 'ProjectCreatedV1',
		description: 'A new project is created',
		schema: projectCreatedSchema,
	},
	{
		name: 'Project Status Changed',
		value: 'ProjectStatusChangedV1',
		description: 'A project becomes Pending (1), Confirmed (2), Finished (3) or Cancelled (4)',
		schema: projectStatusChangedSchema,
	},
];

export const qondorTopicSchemas: Readonly<Record<string, z.ZodType>> = Object.fromEntries(
	qondorTopics.map((topic) => [topic.value, topic.schema]),
);

/** `OfferSentV2` → `OfferSent`: the topic without its version suffix. */
export function topicFamily(topic: string): string {
	return topic.replace(/V\d+$/, '');
}
