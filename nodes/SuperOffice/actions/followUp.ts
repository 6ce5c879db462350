import type { INodeProperties } from 'n8n-workflow';

import {
	associateField,
	companyField,
	fieldCollection,
	personField,
	given,
	idOf,
	itemValues,
	referenceField,
	showFor,
	textField,
	writeFields,
} from './fields';
import type { Field, Operation } from './fields';

/*
 * Follow-ups: SuperOffice's Appointment entity (WebAPI rest/Appointment/): a task in the owner's
 * checklist (Type inChecklist) or an appointment in their diary (inDiary), of an activity type
 * (`Task`, from the Task list), on a company, a person and/or a sale.
 */

const LINKS: Field[] = [
	companyField('company'),
	personField('The person the follow-up is with (their SuperOffice ID)'),
	referenceField(
		'sale',
		'Sale',
		'Sale',
		'SaleId',
		'The sale the follow-up belongs to (its SuperOffice ID)',
	),
];

const DETAILS: Field[] = [
	textField('title', 'Title', 'Title', 'A short title'),
	referenceField(
		'activityType',
		'Type',
		'Task',
		'TaskListItemId',
		'The kind of activity (SuperOffice’s list of types)',
		{
			type: 'options',
			typeOptions: { loadOptionsMethod: 'getActivityTypes' },
		},
	),
];

const owner = associateField('owner', 'Owner', 'The SuperOffice user the follow-up is for');

const onCreate = { resource: ['followUp'], operation: ['create'] };

export const followUpProperties: INodeProperties[] = [
	...showFor(
		'followUp',
		['create'],
		[
			{ ...owner.property, required: true },
			{
				displayName: 'Text',
				name: 'text',
				type: 'string',
				default: '',
				typeOptions: { rows: 3 },
				description: 'What to do (the follow-up’s description)',
			},
			{
				displayName: 'Kind',
				name: 'kind',
				type: 'options',
				default: 'inChecklist',
				options: [
					{ name: 'Task', value: 'inChecklist', description: "In the owner's task list" },
					{ name: 'Appointment', value: 'inDiary', description: "In the owner's diary" },
				],
			},
			{
				displayName: 'Start',
				name: 'start',
				type: 'options',
				default: 'daysFromNow',
				options: [
					{ name: 'Days From Now', value: 'daysFromNow' },
					{ name: 'At a Date and Time', value: 'at' },
				],
			},
		],
	),
	{
		displayName: 'Days From Now',
		name: 'daysFromNow',
		type: 'number',
		default: 7,
		typeOptions: { minValue: 0 },
		displayOptions: { show: { ...onCreate, start: ['daysFromNow'] } },
	},
	{
		displayName: 'Date and Time',
		name: 'startAt',
		type: 'dateTime',
		default: '',
		required: true,
		displayOptions: { show: { ...onCreate, start: ['at'] } },
	},
	...showFor(
		'followUp',
		['create'],
		[
			{
				displayName: 'Duration (Minutes)',
				name: 'duration',
				type: 'number',
				default: 30,
				typeOptions: { minValue: 0 },
			},
			...LINKS.map((field) => field.property),
			fieldCollection('additionalFields', DETAILS),
		],
	),
];

/** When the follow-up starts, from the Start choice. */
function startOf(context: Parameters<Operation>[0], item: number, now: number): Date {
	if (context.getNodeParameter('start', item, 'daysFromNow') === 'at') {
		const at = new Date(String(context.getNodeParameter('startAt', item, '')));
		if (Number.isNaN(at.getTime())) throw new RangeError('Date and Time is not a date and time');
		return at;
	}
	const days = Number(context.getNodeParameter('daysFromNow', item, 7));
	return new Date(now + days * 24 * 3600_000);
}

export const followUpOperations: Record<string, Operation> = {
	async create(context, item, calls) {
		const start = startOf(context, item, Date.now());
		const minutes = Number(context.getNodeParameter('duration', item, 30));
		const values = itemValues(context, item, ['company', 'person', 'sale'], 'additionalFields');
		const ownerId = idOf(context.getNodeParameter('owner', item), 'Owner');
		const text = String(context.getNodeParameter('text', item, ''));
		const kind = String(context.getNodeParameter('kind', item, 'inChecklist'));
		const created = await calls.create('followUp', (draft) => {
			writeFields([...LINKS, ...DETAILS], values, draft);
			draft.Associate = { AssociateId: ownerId };
			draft.Type = kind;
			draft.StartDate = start.toISOString();
			draft.EndDate = new Date(start.getTime() + minutes * 60_000).toISOString();
			if (given(text)) draft.Description = text;
		});
		return [created];
	},
};
