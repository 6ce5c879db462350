import type { INodeProperties } from 'n8n-workflow';

import { odataText } from './entities';
import {
	associateField,
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
 * Companies: SuperOffice's Contact entity (WebAPI rest/Contact/), searched through the
 * SimpleContact archive (`name`, `orgnr`, `email/emailAddress`).
 */

const FIELDS: Field[] = [
	textField('name', 'Name', 'Name', "The company's name"),
	textField(
		'department',
		'Department',
		'Department',
		'The department, when the company has several',
	),
	textField('orgNr', 'Organisation Number', 'OrgNr', 'The VAT or organisation number'),
	firstOfField('email', 'Email', 'Emails', "The company's (first) email address"),
	firstOfField('phone', 'Phone', 'Phones', "The company's (first) phone number"),
	associateField('ourContact', 'Our Contact', 'The SuperOffice user responsible for the company'),
];

const name = FIELDS[0];

const MATCHES = [
	{ name: 'Is', value: 'is', description: 'The whole name, in any case' },
	{ name: 'Begins With', value: 'begins' },
	{ name: 'Contains', value: 'contains' },
];

export const companyProperties: INodeProperties[] = [
	...showFor(
		'company',
		['get', 'update'],
		[idParameter('companyId', 'Company ID', 'The ID of the company (ContactId)')],
	),
	...showFor(
		'company',
		['create'],
		[{ ...name.property, required: true }, fieldCollection('additionalFields', FIELDS.slice(1))],
	),
	...showFor('company', ['update'], [fieldCollection('updateFields', FIELDS)]),
	...showFor(
		'company',
		['search'],
		[
			{
				displayName: 'Search By',
				name: 'searchBy',
				type: 'collection',
				placeholder: 'Add Criterion',
				default: {},
				description: 'The companies must match every criterion given',
				options: [
					{
						displayName: 'Email',
						name: 'email',
						type: 'string',
						default: '',
						placeholder: 'name@email.com',
						description: 'An email address of the company, exactly',
					},
					{ displayName: 'Name', name: 'name', type: 'string', default: '' },
					{
						displayName: 'Name Match',
						name: 'nameMatch',
						type: 'options',
						default: 'is',
						options: MATCHES,
					},
					{
						displayName: 'Organisation Number',
						name: 'orgNr',
						type: 'string',
						default: '',
						description: 'Exactly',
					},
				],
			},
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
];

/** The OData filter of a company search, or an error when no criterion was given. */
export function companyFilter(criteria: {
	name?: unknown;
	nameMatch?: unknown;
	orgNr?: unknown;
	email?: unknown;
}): string {
	const clauses: string[] = [];
	if (given(criteria.name)) {
		const match = ['is', 'begins', 'contains'].includes(String(criteria.nameMatch))
			? String(criteria.nameMatch)
			: 'is';
		clauses.push(`name ${match} ${odataText(String(criteria.name))}`);
	}
	if (given(criteria.orgNr)) clauses.push(`orgnr is ${odataText(String(criteria.orgNr))}`);
	if (given(criteria.email))
		clauses.push(`email/emailAddress is ${odataText(String(criteria.email))}`);
	if (clauses.length === 0)
		throw new RangeError('Give a name, an organisation number or an email to search by');
	return clauses.join(' and ');
}

export const companyOperations: Record<string, Operation> = {
	async get(context, item, calls) {
		return [await calls.get('company', itemId(context, item, 'companyId', 'Company ID'))];
	},
	async search(context, item, calls) {
		const criteria = context.getNodeParameter('searchBy', item, {}) as Parameters<
			typeof companyFilter
		>[0];
		const limit = context.getNodeParameter('limit', item, 50) as number;
		return await calls.search('company', companyFilter(criteria), limit);
	},
	async create(context, item, calls) {
		const values = itemValues(context, item, ['name'], 'additionalFields');
		return [await calls.create('company', (draft) => writeFields(FIELDS, values, draft))];
	},
	async update(context, item, calls) {
		const id = itemId(context, item, 'companyId', 'Company ID');
		const values = itemValues(context, item, [], 'updateFields');
		return [await calls.update('company', id, (draft) => writeFields(FIELDS, values, draft))];
	},
};
