import type {
	IDataObject,
	IExecuteFunctions,
	ILoadOptionsFunctions,
	INodeExecutionData,
	INodeListSearchResult,
	INodePropertyOptions,
	INodeType,
	INodeTypeDescription,
	JsonObject,
} from 'n8n-workflow';
import { NodeApiError, NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { companyOperations, companyProperties } from './actions/company';
import { ActionFailure, ItemCalls, odataText } from './actions/entities';
import type { Operation } from './actions/fields';
import { followUpOperations, followUpProperties } from './actions/followUp';
import { personOperations, personProperties } from './actions/person';
import { quoteOperations, quoteProperties } from './actions/quote';
import { saleOperations, saleProperties } from './actions/sale';
import { API_CREDENTIALS, superOfficeApi } from './api';
import type { SuperOfficeApi } from './api';

/*
 * The SuperOffice node: reads and writes quotes, sales, companies, persons and follow-ups through
 * SuperOffice's REST API, with the same API client as the SuperOffice Trigger's Include Record
 * (https only unless the on-site credential allows plain HTTP, no redirect followed, 429/5xx
 * retried with back-off where repeating cannot create anything twice, a time limit per call).
 */

const OPERATIONS: Record<string, Record<string, Operation>> = {
	quote: quoteOperations,
	sale: saleOperations,
	company: companyOperations,
	person: personOperations,
	followUp: followUpOperations,
};

const operation = (resource: string, options: INodePropertyOptions[], fallback: string) => ({
	displayName: 'Operation',
	name: 'operation',
	type: 'options' as const,
	noDataExpression: true,
	displayOptions: { show: { resource: [resource] } },
	options,
	default: fallback,
});

const op = (name: string, value: string, action: string, description: string) => ({
	name,
	value,
	action,
	description,
});

type Context = IExecuteFunctions | ILoadOptionsFunctions;

/** The API behind the credential the node's Authentication names. */
async function connect(context: Context): Promise<SuperOfficeApi> {
	const choice =
		'getInputData' in context
			? String(context.getNodeParameter('authentication', 0, 'oAuth2'))
			: String(context.getNodeParameter('authentication', 'oAuth2'));
	const connection = await superOfficeApi(
		context,
		API_CREDENTIALS.get(choice) ?? 'superOfficeOAuth2Api',
	);
	if ('refused' in connection) throw new NodeOperationError(context.getNode(), connection.refused);
	return connection.api;
}

/** What SuperOffice answers to a GET for the editor's lists. */
async function listed(
	context: ILoadOptionsFunctions,
	path: string,
	what: string,
): Promise<unknown> {
	const calls = new ItemCalls(await connect(context));
	try {
		const answer = await calls.call(
			'GET',
			path,
			undefined,
			{ action: 'list', entity: what },
			{ repeatable: true },
		);
		return answer;
	} catch (error) {
		const failure = error as ActionFailure;
		throw new NodeApiError(context.getNode(), { message: failure.message } as JsonObject, {
			message: failure.message,
			description: failure.description,
		});
	}
}

/** The error n8n shows for an item that failed. */
function itemError(context: IExecuteFunctions, error: unknown, itemIndex: number) {
	if (error instanceof ActionFailure) {
		const { message, description, status } = error;
		const response = { message, description, httpCode: status === null ? '' : String(status) };
		return new NodeApiError(context.getNode(), response as JsonObject, {
			message,
			description,
			httpCode: status === null ? undefined : String(status),
			itemIndex,
		});
	}
	if (error instanceof RangeError) {
		return new NodeOperationError(context.getNode(), error.message, { itemIndex });
	}
	return new NodeOperationError(context.getNode(), error as Error, { itemIndex });
}

/** A list SuperOffice answers with as an array (lists), for the editor. */
async function entries(context: ILoadOptionsFunctions, path: string, what: string) {
	const answer = await listed(context, path, what);
	return (Array.isArray(answer) ? answer : []) as IDataObject[];
}

export class SuperOffice implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'SuperOffice',
		name: 'superOffice',
		icon: { light: 'file:superOffice.svg', dark: 'file:superOffice.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description: 'Read and write SuperOffice quotes, sales, companies, persons and follow-ups',
		defaults: { name: 'SuperOffice' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{
				name: 'superOfficeOAuth2Api',
				required: true,
				displayOptions: { show: { authentication: ['oAuth2'] } },
			},
			{
				name: 'superOfficeApi',
				required: true,
				displayOptions: { show: { authentication: ['onSite'] } },
			},
		],
		properties: [
			{
				displayName: 'Authentication',
				name: 'authentication',
				type: 'options',
				noDataExpression: true,
				default: 'oAuth2',
				options: [
					{ name: 'SuperOffice Online (OAuth2)', value: 'oAuth2' },
					{ name: 'On-Site API', value: 'onSite' },
				],
			},
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				default: 'sale',
				options: [
					{ name: 'Company', value: 'company', description: 'A company (SuperOffice: Contact)' },
					{ name: 'Follow-Up', value: 'followUp', description: 'A task or appointment' },
					{ name: 'Person', value: 'person', description: "A company's contact person" },
					{ name: 'Quote', value: 'quote' },
					{ name: 'Sale', value: 'sale' },
				],
			},
			operation(
				'quote',
				[
					op(
						'Get',
						'get',
						'Get a quote',
						'Read a quote with its lines, sale, customer and sales rep',
					),
				],
				'get',
			),
			operation(
				'sale',
				[
					op('Create', 'create', 'Create a sale', 'Create a sale'),
					op('Get', 'get', 'Get a sale', 'Read a sale by ID'),
					op('Update', 'update', 'Update a sale', 'Change fields of a sale (status, amount, …)'),
				],
				'update',
			),
			operation(
				'company',
				[
					op('Create', 'create', 'Create a company', 'Create a company'),
					op('Get', 'get', 'Get a company', 'Read a company by ID'),
					op(
						'Search',
						'search',
						'Search companies',
						'Find companies by name, organisation number or email',
					),
					op('Update', 'update', 'Update a company', 'Change fields of a company'),
				],
				'get',
			),
			operation(
				'person',
				[
					op('Create', 'create', 'Create a person', 'Create a person'),
					op(
						'Create or Update by Email',
						'createOrUpdate',
						'Create or update a person by email',
						'Update the person with this email, or create one: an event that repeats never makes a second person',
					),
					op('Get', 'get', 'Get a person', 'Read a person by ID'),
					op(
						'Search by Email',
						'search',
						'Search persons by email',
						'Find the persons with an email address',
					),
					op('Update', 'update', 'Update a person', 'Change fields of a person'),
				],
				'createOrUpdate',
			),
			operation(
				'followUp',
				[op('Create', 'create', 'Create a follow-up', 'Create a task or appointment for a user')],
				'create',
			),
			...quoteProperties,
			...saleProperties,
			...companyProperties,
			...personProperties,
			...followUpProperties,
		],
	};

	methods = {
		loadOptions: {
			/** SuperOffice's users (associates), for owners. */
			async getAssociates(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
				const associates = await entries(this, 'MDOList/associate?flat=true', 'associate');
				return associates
					.filter(
						(associate) =>
							associate.Deleted !== true && typeof associate.Id === 'number' && associate.Id > 0,
					)
					.map((associate) => ({
						name: String(associate.FullName || associate.Name || associate.Id),
						value: associate.Id as number,
						description: `${String(associate.Name ?? '')} (associate ${String(associate.Id)})`,
					}));
			},
			/** SuperOffice's activity types (its Task list), for follow-ups. */
			async getActivityTypes(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
				const types = await entries(this, 'List/Task/Items', 'activity type');
				return types
					.filter((type) => type.Deleted !== true)
					.map((type) => ({ name: String(type.Value), value: type.TaskListItemId as number }));
			},
		},
		listSearch: {
			/** Companies whose name begins with what the user typed. */
			async searchCompanies(
				this: ILoadOptionsFunctions,
				filter?: string,
			): Promise<INodeListSearchResult> {
				const where = filter
					? `&$filter=${encodeURIComponent(`name begins ${odataText(filter)}`)}`
					: '';
				const answer = (await listed(
					this,
					`Contact?$select=contactId,name&$top=50${where}`,
					'company',
				)) as IDataObject | undefined;
				const rows = answer?.value as IDataObject[] | undefined;
				return {
					results: (Array.isArray(rows) ? rows : []).map((row) => ({
						name: String(row.name ?? row.PrimaryKey),
						value: String(row.PrimaryKey ?? row.contactId),
					})),
				};
			},
		},
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const resource = this.getNodeParameter('resource', 0) as string;
		const operationName = this.getNodeParameter('operation', 0) as string;
		const run = OPERATIONS[resource]?.[operationName];
		if (run === undefined) {
			throw new NodeOperationError(
				this.getNode(),
				`The operation ${operationName} of ${resource} is not supported`,
			);
		}
		const api = await connect(this);
		const output: INodeExecutionData[] = [];
		for (let item = 0; item < items.length; item++) {
			try {
				const results = await run(this, item, new ItemCalls(api));
				for (const json of results) output.push({ json, pairedItem: { item } });
			} catch (error) {
				const failure = itemError(this, error, item);
				if (!this.continueOnFail()) throw failure;
				const json = { error: failure.message, description: failure.description ?? null };
				output.push({ json, pairedItem: { item } });
			}
		}
		return [output];
	}
}
