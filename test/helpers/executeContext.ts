import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IExecuteFunctions,
	ILoadOptionsFunctions,
	INodeExecutionData,
} from 'n8n-workflow';

import { ONLINE_ORIGIN, superOfficeRequestHelper } from './superOfficeApi';

/*
 * IExecuteFunctions and ILoadOptionsFunctions as n8n passes them to a regular node's execute() and
 * its list methods: parameters per item (a resource locator's value when asked to extract it),
 * the input items, the credential, Continue On Fail, and n8n's request helper over a real HTTP
 * client (test/helpers/superOfficeApi.ts).
 */

export interface ExecuteSetup {
	/** Parameters for every item, or a function giving them per item. */
	parameters: IDataObject | ((item: number) => IDataObject);
	items?: IDataObject[];
	credentials: Record<string, ICredentialDataDecryptedObject>;
	continueOnFail?: boolean;
	/** Where the fake tenant listens (the https:// "online" address is sent there). */
	origin: () => string;
}

const isLocator = (value: unknown): value is { __rl: true; value: unknown } =>
	typeof value === 'object' && value !== null && '__rl' in value;

function parameterOf(parameters: IDataObject, name: string, fallback: unknown, extract: boolean) {
	const value = parameters[name];
	if (value === undefined) return fallback;
	return extract && isLocator(value) ? value.value : value;
}

export function executeContext(setup: ExecuteSetup): IExecuteFunctions {
	const items = setup.items ?? [{}];
	const perItem = (item: number) =>
		typeof setup.parameters === 'function' ? setup.parameters(item) : setup.parameters;
	const context = {
		getInputData: (): INodeExecutionData[] => items.map((json) => ({ json })),
		getNodeParameter: (
			name: string,
			item: number,
			fallback?: unknown,
			options?: { extractValue?: boolean },
		) => parameterOf(perItem(item), name, fallback, options?.extractValue === true),
		getNode: () => ({
			name: 'SuperOffice',
			type: 'n8n-nodes-crm-triggers.superOffice',
			typeVersion: 1,
			parameters: {},
		}),
		continueOnFail: () => setup.continueOnFail === true,
		getCredentials: async (type: string) => setup.credentials[type],
		helpers: superOfficeRequestHelper(setup.credentials, setup.origin),
	};
	return context as unknown as IExecuteFunctions;
}

export function loadOptionsContext(setup: ExecuteSetup): ILoadOptionsFunctions {
	const parameters =
		typeof setup.parameters === 'function' ? setup.parameters(0) : setup.parameters;
	const context = {
		getNodeParameter: (name: string, fallback?: unknown) =>
			parameterOf(parameters, name, fallback, false),
		getNode: () => ({ name: 'SuperOffice', type: 'superOffice', typeVersion: 1, parameters: {} }),
		getCredentials: async (type: string) => setup.credentials[type],
		helpers: superOfficeRequestHelper(setup.credentials, setup.origin),
	};
	return context as unknown as ILoadOptionsFunctions;
}

export { ONLINE_ORIGIN };
