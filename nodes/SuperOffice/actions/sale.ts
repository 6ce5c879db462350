import type { INodeProperties } from 'n8n-workflow';

import {
	associateField,
	companyField,
	dateField,
	fieldCollection,
	personField,
	idParameter,
	itemId,
	itemValues,
	numberField,
	optionsField,
	showFor,
	textField,
	writeFields,
} from './fields';
import type { Field, Operation } from './fields';

/*
 * Sales (SuperOffice WebAPI: rest/Sale/). Status is sent as SuperOffice's words: Open, Sold, Lost,
 * Stalled; the sale date field is `Saledate`; the owner is the sale's associate.
 */

const FIELDS: Field[] = [
	textField('heading', 'Heading', 'Heading', 'What the sale is called'),
	numberField('amount', 'Amount', 'Amount', "The sale's amount, in its currency"),
	optionsField('status', 'Status', 'Status', "The sale's status", [
		{ name: 'Open', value: 'Open' },
		{ name: 'Sold', value: 'Sold' },
		{ name: 'Lost', value: 'Lost' },
		{ name: 'Stalled', value: 'Stalled' },
	]),
	numberField('probability', 'Probability (%)', 'Probability', 'How likely the sale is, 0 to 100'),
	dateField('saleDate', 'Sale Date', 'Saledate', 'When the sale is expected to close (or closed)'),
	textField('description', 'Description', 'SaleText', "The sale's text: notes, a link"),
	associateField('owner', 'Owner', 'The SuperOffice user who owns the sale'),
	companyField('company'),
	personField('The person at the company the sale is with (their SuperOffice ID)'),
];

const CREATE_FIELDS = FIELDS.filter(
	(field) => !['heading', 'company'].includes(field.property.name),
);
const heading = FIELDS[0];
const company = FIELDS.find((field) => field.property.name === 'company')!;

export const saleProperties: INodeProperties[] = [
	...showFor(
		'sale',
		['get', 'update'],
		[idParameter('saleId', 'Sale ID', 'The ID of the sale (SaleId)')],
	),
	...showFor(
		'sale',
		['create'],
		[
			{ ...heading.property, required: true },
			{ ...company.property, required: true },
			fieldCollection('additionalFields', CREATE_FIELDS),
		],
	),
	...showFor('sale', ['update'], [fieldCollection('updateFields', FIELDS)]),
];

export const saleOperations: Record<string, Operation> = {
	async get(context, item, calls) {
		return [await calls.get('sale', itemId(context, item, 'saleId', 'Sale ID'))];
	},
	async create(context, item, calls) {
		const values = itemValues(context, item, ['heading', 'company'], 'additionalFields');
		return [await calls.create('sale', (draft) => writeFields(FIELDS, values, draft))];
	},
	async update(context, item, calls) {
		const id = itemId(context, item, 'saleId', 'Sale ID');
		const values = itemValues(context, item, [], 'updateFields');
		return [await calls.update('sale', id, (draft) => writeFields(FIELDS, values, draft))];
	},
};
