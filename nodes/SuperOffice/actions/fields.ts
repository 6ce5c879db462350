import type {
	IDataObject,
	IExecuteFunctions,
	INodeProperties,
	INodePropertyOptions,
} from 'n8n-workflow';

import type { ItemCalls } from './entities';

/*
 * The fields of the SuperOffice node, each said once: how the editor shows it (in SuperOffice's
 * words) and where it goes in SuperOffice's entity. Create and update take the same fields; an
 * empty value leaves the entity's field as it is.
 */

/** What an operation does with one item. */
export type Operation = (
	context: IExecuteFunctions,
	item: number,
	calls: ItemCalls,
) => Promise<IDataObject[]>;

/** One field: its parameter, and how its value is written into the entity. */
export interface Field {
	property: INodeProperties;
	write(draft: IDataObject, value: unknown): void;
}

/** A resource locator's value, or a plain one. */
function plain(value: unknown): unknown {
	if (value !== null && typeof value === 'object' && 'value' in (value as IDataObject)) {
		return (value as IDataObject).value;
	}
	return value;
}

/** Whether a value was given (an empty string, an empty locator, null: not given). */
export function given(value: unknown): boolean {
	const inner = plain(value);
	return inner !== undefined && inner !== null && inner !== '';
}

/** A positive whole number from a parameter (an ID typed, picked or mapped). */
export function idOf(value: unknown, what: string): number {
	const id = Number(plain(value));
	if (!Number.isInteger(id) || id <= 0) {
		throw new RangeError(
			`${what} must be a SuperOffice ID (a whole number above 0), not “${String(plain(value))}”`,
		);
	}
	return id;
}

const base = (name: string, displayName: string, description: string) => ({
	displayName,
	name,
	description,
	default: '',
});

/** A field holding one value, converted as the entity keeps it. */
function valueField(
	type: 'string' | 'number' | 'dateTime',
	convert: (value: unknown) => string | number,
) {
	return (name: string, displayName: string, field: string, description: string): Field => ({
		property: {
			...base(name, displayName, description),
			type,
			...(type === 'number' ? { default: 0 } : {}),
		},
		write: (draft, value) => (draft[field] = convert(plain(value))),
	});
}

export const textField = valueField('string', String);
export const numberField = valueField('number', Number);
export const dateField = valueField('dateTime', String);

export function optionsField(
	name: string,
	displayName: string,
	field: string,
	description: string,
	options: INodePropertyOptions[],
): Field {
	return {
		property: {
			...base(name, displayName, description),
			type: 'options',
			options,
			default: options[0].value,
		},
		write: (draft, value) => (draft[field] = plain(value) as string),
	};
}

/** The first entry of a list of emails or phone numbers: changed, or added when there is none. */
export function firstOfField(
	name: string,
	displayName: string,
	field: string,
	description: string,
): Field {
	return {
		property: { ...base(name, displayName, description), type: 'string' },
		write: (draft, value) => {
			const list = Array.isArray(draft[field]) ? [...(draft[field] as IDataObject[])] : [];
			list[0] = { ...(list[0] ?? {}), Value: String(plain(value)) };
			draft[field] = list;
		},
	};
}

/** Another record, by ID: `{ ContactId: 43 }` (SuperOffice fills in the rest). */
export function referenceField(
	name: string,
	displayName: string,
	field: string,
	key: string,
	description: string,
	property: Partial<INodeProperties> = {},
): Field {
	return {
		property: {
			...base(name, displayName, description),
			type: 'string',
			...property,
		} as INodeProperties,
		write: (draft, value) => {
			const id = idOf(value, displayName);
			// The same record as now: left as SuperOffice gave it (an update then sends nothing for it).
			const current = draft[field] as IDataObject | null | undefined;
			if (current?.[key] !== id) draft[field] = { [key]: id };
		},
	};
}

/** An associate (a SuperOffice user), picked from the list or given by ID. */
export function associateField(name: string, displayName: string, description: string): Field {
	return referenceField(name, displayName, 'Associate', 'AssociateId', description, {
		type: 'options',
		typeOptions: { loadOptionsMethod: 'getAssociates' },
	});
}

/** A company's contact person, by their SuperOffice ID. */
export function personField(description: string): Field {
	return referenceField('person', 'Contact Person', 'Person', 'PersonId', description);
}

/** A company, picked from a list searched by name, or given by ID. */
export function companyField(name: string, displayName = 'Company'): Field {
	return referenceField(
		name,
		displayName,
		'Contact',
		'ContactId',
		'The company (in SuperOffice, Contact): search by name, or give its ID',
		{
			type: 'resourceLocator',
			default: { mode: 'list', value: '' },
			modes: [
				{
					displayName: 'From List',
					name: 'list',
					type: 'list',
					typeOptions: { searchListMethod: 'searchCompanies', searchable: true },
				},
				{
					displayName: 'By ID',
					name: 'id',
					type: 'string',
					placeholder: '43',
					validation: [
						{
							type: 'regex',
							properties: { regex: '^[0-9]+$', errorMessage: 'A company ID is a whole number' },
						},
					],
				},
			],
		},
	);
}

/** Writes the fields whose values were given into the draft. */
export function writeFields(fields: Field[], values: IDataObject, draft: IDataObject): void {
	for (const field of fields) {
		const value = values[field.property.name];
		if (given(value)) field.write(draft, value);
	}
}

/** Parameters shown for one resource and some of its operations. */
export function showFor(resource: string, operations: string[], properties: INodeProperties[]) {
	return properties.map((property) => ({
		...property,
		displayOptions: { show: { resource: [resource], operation: operations } },
	}));
}

/** The "Additional Fields" / "Update Fields" collection of some fields. */
export function fieldCollection(
	name: 'additionalFields' | 'updateFields',
	fields: Field[],
): INodeProperties {
	return {
		displayName: name === 'additionalFields' ? 'Additional Fields' : 'Update Fields',
		name,
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		options: fields
			.map((field) => field.property)
			.sort((a, b) => a.displayName.localeCompare(b.displayName)),
	};
}

/** The values given for one item: top-level parameters and a collection, as one object. */
export function itemValues(
	context: IExecuteFunctions,
	item: number,
	topLevel: string[],
	collection: 'additionalFields' | 'updateFields',
): IDataObject {
	const values = { ...(context.getNodeParameter(collection, item, {}) as IDataObject) };
	for (const name of topLevel) values[name] = context.getNodeParameter(name, item, '');
	return values;
}

/** An ID parameter of the item. */
export function itemId(
	context: IExecuteFunctions,
	item: number,
	name: string,
	what: string,
): number {
	return idOf(context.getNodeParameter(name, item, undefined, { extractValue: true }), what);
}

/** A required ID parameter, shown as a number. */
export function idParameter(
	name: string,
	displayName: string,
	description: string,
): INodeProperties {
	return { displayName, name, type: 'number', default: 0, required: true, description };
}
