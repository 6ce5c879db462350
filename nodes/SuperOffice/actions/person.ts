import type { IDataObject, INodeProperties } from 'n8n-workflow';

import { odataText } from './entities';
import type { ItemCalls } from './entities';
import {
	companyField,
	fieldCollection,
	firstOfField,
	given,
	idParameter,
	itemId,
	itemValues,
	showFor,
	textField,
	writeFields,
} from './fields';
import type { Field, Operation } from './fields';

/*
 * Persons: SuperOffice's Person entity (WebAPI rest/Person/; a company's contact person), searched
 * by email through the Person archive (`email/emailAddress`). Create or Update by Email finds the
 * person with that email first, so an event that repeats never makes a second person.
 */

const FIELDS: Field[] = [
	textField('firstName', 'First Name', 'Firstname', ''),
	textField('lastName', 'Last Name', 'Lastname', ''),
	firstOfField('email', 'Email', 'Emails', "The person's (first) email address"),
	firstOfField('phone', 'Phone', 'OfficePhones', "The person's (first) office phone"),
	firstOfField('mobile', 'Mobile', 'MobilePhones', "The person's (first) mobile phone"),
	textField('title', 'Title', 'Title', 'Job title'),
	companyField('company'),
];

const email = FIELDS[2];

export const personProperties: INodeProperties[] = [
	...showFor(
		'person',
		['get', 'update'],
		[idParameter('personId', 'Person ID', 'The ID of the person (PersonId)')],
	),
	...showFor(
		'person',
		['search', 'createOrUpdate'],
		[
			{
				...email.property,
				required: true,
				placeholder: 'name@example.com',
				description: 'The email address to find the person by, exactly',
			},
		],
	),
	...showFor(
		'person',
		['search'],
		[
			{
				displayName: 'Limit',
				name: 'limit',
				type: 'number',
				default: 50,
				typeOptions: { minValue: 1, maxValue: 100 },
				description: 'Max number of results to return',
			},
		],
	),
	...showFor(
		'person',
		['create', 'createOrUpdate'],
		[
			fieldCollection(
				'additionalFields',
				FIELDS.filter((field) => field !== email),
			),
		],
	),
	...showFor(
		'person',
		['create'],
		[{ ...email.property, description: "The person's email address" }],
	),
	...showFor('person', ['update'], [fieldCollection('updateFields', FIELDS)]),
];

/** The persons with this email address (at most `limit`). */
async function byEmail(calls: ItemCalls, address: string, limit: number): Promise<IDataObject[]> {
	return await calls.search('person', `email/emailAddress is ${odataText(address)}`, limit);
}

function emailOf(context: Parameters<Operation>[0], item: number): string {
	const value = String(context.getNodeParameter('email', item, '')).trim();
	if (!given(value)) throw new RangeError('Give the email address to find the person by');
	return value;
}

export const personOperations: Record<string, Operation> = {
	async get(context, item, calls) {
		return [await calls.get('person', itemId(context, item, 'personId', 'Person ID'))];
	},
	async search(context, item, calls) {
		const limit = context.getNodeParameter('limit', item, 50) as number;
		return await byEmail(calls, emailOf(context, item), limit);
	},
	async create(context, item, calls) {
		const values = itemValues(context, item, ['email'], 'additionalFields');
		return [await calls.create('person', (draft) => writeFields(FIELDS, values, draft))];
	},
	async update(context, item, calls) {
		const id = itemId(context, item, 'personId', 'Person ID');
		const values = itemValues(context, item, [], 'updateFields');
		return [await calls.update('person', id, (draft) => writeFields(FIELDS, values, draft))];
	},
	/** One step: the person with the email updated, or created with it when there is none. */
	async createOrUpdate(context, item, calls) {
		const address = emailOf(context, item);
		const values = itemValues(context, item, ['email'], 'additionalFields');
		const found = await byEmail(calls, address, 2);
		const fill = (draft: IDataObject) => writeFields(FIELDS, values, draft);
		if (found.length === 0) {
			const created = await calls.create('person', fill);
			return [{ ...created, _createOrUpdate: { action: 'created', matches: 0 } }];
		}
		const id = Number(found[0].PersonId);
		const updated = await calls.update('person', id, fill);
		return [{ ...updated, _createOrUpdate: { action: 'updated', matches: found.length } }];
	},
};
