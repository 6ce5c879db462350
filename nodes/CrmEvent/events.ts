import { z } from 'zod/v4';

/*
 * CRM webhook events in the `{ event, timestamp, payload }` envelope, as Heffl documents them
 * ("Webhook Events"). Schemas are loose: fields the CRM adds later are kept. Fields the CRM may
 * leave empty (the seed shows null for several) accept null.
 */

const text = z.string();
const optionalText = z.string().nullable();
const optionalNumber = z.number().nullable();
const customFields = z.record(z.string(), z.unknown());

export const leadSchema = z.looseObject({
	id: text,
	name: text,
	mobile: optionalText,
	email: optionalText,
	secondaryMobile: optionalText,
	title: optionalText,
	value: optionalNumber,
	source: optionalText,
	createdAt: text,
	website: optionalText,
	archived: z.boolean(),
	stage: optionalText,
	stageId: optionalNumber,
	customFields,
	ownerId: optionalNumber,
	ownerName: optionalText,
});

export const clientSchema = z.looseObject({
	id: text,
	name: text,
	number: optionalText,
	taxNumber: optionalText,
	website: optionalText,
	customFields,
	type: text,
	firstName: optionalText,
	lastName: optionalText,
	email: optionalText,
	phone: optionalText,
});

export const dealSchema = z.looseObject({
	id: text,
	title: text,
	number: optionalText,
	price: optionalNumber,
	status: text,
	priority: optionalText,
	expectedCloseDate: optionalText,
	createdAt: text,
	client: clientSchema.nullable(),
	stage: optionalText,
	stageId: optionalNumber,
	pipelineId: optionalNumber,
	source: optionalText,
	leadId: optionalText,
	leadName: optionalText,
	ownerId: optionalNumber,
	ownerName: optionalText,
	customFields,
});

export const contactSchema = z.looseObject({
	id: text,
	firstName: optionalText,
	lastName: optionalText,
	email: optionalText,
	mobile: optionalText,
	designation: optionalText,
	clientId: optionalText,
	createdAt: text,
});

export const invoiceSchema = z.looseObject({
	id: text,
	number: text,
	clientId: optionalText,
	clientName: optionalText,
	status: text,
	total: z.number(),
	dueDate: optionalText,
	salesPersonId: optionalNumber,
	createdAt: text,
});

export const quotationSchema = z.looseObject({
	id: text,
	number: text,
	clientId: optionalText,
	clientName: optionalText,
	status: text,
	total: z.number(),
	dealId: optionalText,
	createdAt: text,
});

export const formResponseSchema = z.looseObject({
	id: text,
	formId: text,
	data: z.record(z.string(), z.unknown()),
	createdAt: text,
});

/** Undocumented payloads (payment.received, events the CRM adds later): any object. */
export const anyPayloadSchema = z.looseObject({});

function envelope<T extends z.ZodType>(payload: T) {
	return z.looseObject({ event: text, timestamp: text, payload });
}

export interface CrmEventDefinition {
	/** Shown in the editor; the record type first, so related events sort together. */
	name: string;
	value: string;
	description: string;
	schema: z.ZodType;
}

function events(
	record: string,
	payload: z.ZodType,
	list: Array<[action: string, label: string, description: string]>,
): CrmEventDefinition[] {
	return list.map(([action, label, description]) => ({
		name: `${record[0].toUpperCase()}${record.slice(1).replace('.', ' ')}: ${label}`,
		value: `${record}.${action}`,
		description,
		schema: envelope(payload),
	}));
}

/** The 26 events the CRM documents, grouped by record type. */
export const crmEvents: readonly CrmEventDefinition[] = [
	...events('client', clientSchema, [
		['created', 'Created', 'A client is created'],
		['deleted', 'Deleted', 'A client is deleted (payload: the client as it was)'],
		['updated', 'Updated', 'A client is updated'],
	]),
	...events('contact', contactSchema, [
		['created', 'Created', 'A contact is created (announced by Heffl as planned)'],
		['deleted', 'Deleted', 'A contact is deleted (announced by Heffl as planned)'],
		['stageChanged', 'Stage Changed', 'A contact moves to another lifecycle stage'],
		['updated', 'Updated', 'A contact is updated (announced by Heffl as planned)'],
	]),
	...events('deal', dealSchema, [
		['created', 'Created', 'A deal is created (payload includes its client)'],
		['deleted', 'Deleted', 'A deal is deleted (payload: the deal as it was)'],
		[
			'stageChanged',
			'Stage Changed',
			'A deal moves to another pipeline stage (also sends Deal: Updated)',
		],
		['updated', 'Updated', 'A deal is updated'],
	]),
	...events('form.response', formResponseSchema, [
		['created', 'Created', 'A form response is submitted'],
	]),
	...events('invoice', invoiceSchema, [
		['created', 'Created', 'An invoice is created'],
		['deleted', 'Deleted', 'An invoice is deleted'],
		['paid', 'Paid', 'An invoice is marked as paid'],
		['statusChanged', 'Status Changed', 'An invoice changes status'],
		['updated', 'Updated', 'An invoice is updated'],
	]),
	...events('lead', leadSchema, [
		['created', 'Created', 'A lead is created'],
		['deleted', 'Deleted', 'A lead is deleted (payload: the lead as it was)'],
		['stageChanged', 'Stage Changed', 'A lead moves to another stage (also sends Lead: Updated)'],
		['updated', 'Updated', 'A lead is updated'],
	]),
	...events('payment', anyPayloadSchema, [['received', 'Received', 'A payment is received']]),
	...events('quotation', quotationSchema, [
		['created', 'Created', 'A quotation is created'],
		['deleted', 'Deleted', 'A quotation is deleted'],
		['statusChanged', 'Status Changed', 'A quotation changes status'],
		['updated', 'Updated', 'A quotation is updated'],
	]),
];

export const crmEventSchemas: Readonly<Record<string, z.ZodType>> = Object.fromEntries(
	crmEvents.map((event) => [event.value, event.schema]),
);

/** Envelope of an event that is not in the catalogue. */
export const unknownCrmEventSchema = envelope(anyPayloadSchema);
