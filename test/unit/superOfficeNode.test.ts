import type { IDataObject, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { ItemCalls } from '../../nodes/SuperOffice/actions/entities';
import { readRecord } from '../../nodes/SuperOffice/records';
import { SuperOffice } from '../../nodes/SuperOffice/SuperOffice.node';
import { startFakeSuperOffice } from '../fakes/superOffice';
import { executeContext, loadOptionsContext } from '../helpers/executeContext';
import type { ExecuteSetup } from '../helpers/executeContext';
import { ONLINE_ORIGIN } from '../helpers/superOfficeApi';

/*
 * The SuperOffice node against a fake SuperOffice that answers as SuperOffice's WebAPI reference
 * documents (test/fakes/superOfficeEntities.js): what it sends, what the fake then holds, what the
 * node outputs, and every kind of failure, as n8n shows it and with Continue On Fail.
 */

type Fake = Awaited<ReturnType<typeof startFakeSuperOffice>>;

const TOKEN = 'example-token-for-the-fake';
const node = new SuperOffice();
let fake: Fake;

beforeEach(async () => {
	fake = await startFakeSuperOffice({ auth: { type: 'bearer', token: TOKEN } });
});
afterEach(async () => {
	await fake.settled();
	await fake.close();
});

const onSite = () => ({
	superOfficeApi: {
		baseUrl: fake.baseUrl,
		allowHttp: true,
		authType: 'bearer',
		accessToken: TOKEN,
	},
});

function setup(parameters: IDataObject, extra: Partial<ExecuteSetup> = {}): ExecuteSetup {
	return {
		parameters: { authentication: 'onSite', ...parameters },
		credentials: onSite(),
		origin: () => fake.origin,
		...extra,
	};
}

async function run(parameters: IDataObject, extra: Partial<ExecuteSetup> = {}) {
	const [output] = await node.execute.call(executeContext(setup(parameters, extra)));
	return output;
}

const json = (output: INodeExecutionData[]) => output.map((item) => item.json);
const writes = (method: string) => fake.writes.filter((write) => write.method === method);
const locator = (value: string | number) => ({ __rl: true, mode: 'id', value: String(value) });

async function failure(parameters: IDataObject, extra: Partial<ExecuteSetup> = {}) {
	const thrown = await run(parameters, extra).then(
		() => undefined,
		(error: unknown) => error,
	);
	expect(thrown).toBeDefined();
	return thrown as NodeApiError;
}

describe('SuperOffice node: the description', () => {
	const { description } = node;

	it('is a CRM node an AI agent can use, with SuperOffice’s two credentials', () => {
		expect(description.usableAsTool).toBe(true);
		expect(description.credentials?.map((credential) => credential.name)).toEqual([
			'superOfficeOAuth2Api',
			'superOfficeApi',
		]);
	});

	it('names every operation as an action, per resource', () => {
		const operations = description.properties.filter((property) => property.name === 'operation');
		const actions = operations.flatMap((property) =>
			(property.options ?? []).map((option) => (option as unknown as IDataObject).action),
		);
		expect(actions).toEqual(
			expect.arrayContaining([
				'Get a quote',
				'Update a sale',
				'Search companies',
				'Create or update a person by email',
				'Create a follow-up',
			]),
		);
		expect(actions.every((action) => typeof action === 'string' && action !== '')).toBe(true);
	});
});

describe('SuperOffice node: Quote → Get', () => {
	it('gives the same quote summary and record as the trigger’s Include Record', async () => {
		const [item] = json(await run({ resource: 'quote', operation: 'get', quoteId: 493 }));
		const api = (method: string, path: string, body?: IDataObject) =>
			fetch(`${fake.baseUrl}/${path}`, {
				method,
				headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
				body: body === undefined ? undefined : JSON.stringify(body),
			}).then(async (response) => ({ statusCode: response.status, body: await response.json() }));
		const read = await readRecord(api as never, {
			Event: 'quote.approved',
			Entity: 'quote',
			PrimaryKey: 493,
		});
		expect(item).toEqual({ quote: read.quote, record: read.record });
		expect(item.quote).toMatchObject({
			number: 'Q-1021-2',
			saleId: 1021,
			customer: { email: 'ola@acme.example' },
		});
	});

	it('an unknown quote (the agent answers null) is a not-found error', async () => {
		const error = await failure({ resource: 'quote', operation: 'get', quoteId: 9999 });
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toBe('SuperOffice has no quote with ID 9999');
	});
});

describe('SuperOffice node: Sale', () => {
	it('Get reads the sale by id, one item per input item, paired', async () => {
		const output = await run(
			{ resource: 'sale', operation: 'get', saleId: 1021 },
			{ items: [{}, {}] },
		);
		expect(json(output).map((item) => item.SaleId)).toEqual([1021, 1021]);
		expect(output.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
	});

	it('Create fills in SuperOffice’s default sale and posts it once, with the fields given', async () => {
		const [sale] = json(
			await run({
				resource: 'sale',
				operation: 'create',
				heading: 'Conference 2025',
				company: { __rl: true, mode: 'list', value: '43' },
				additionalFields: {
					amount: 125000,
					status: 'Open',
					probability: 50,
					saleDate: '2025-03-01T00:00:00.000Z',
					owner: 5,
					person: '64',
					description: 'https://app.qondor.com/offer/1',
				},
			}),
		);
		expect(fake.requests.filter((request) => request.path.endsWith('/Sale/default'))).toHaveLength(
			1,
		);
		expect(writes('POST')).toHaveLength(1);
		expect(writes('POST')[0].body).toMatchObject({
			Heading: 'Conference 2025',
			Amount: 125000,
			Status: 'Open',
			Probability: 50,
			Saledate: '2025-03-01T00:00:00.000Z',
			SaleText: 'https://app.qondor.com/offer/1',
			Associate: { AssociateId: 5 },
			Contact: { ContactId: 43 },
			Person: { PersonId: 64 },
			Currency: { Id: 1, Value: 'NOK' },
		});
		expect(sale).toMatchObject({
			Heading: 'Conference 2025',
			Contact: { ContactId: 43, Name: 'Acme AS' },
		});
		expect(fake.records.Sale.get(sale.SaleId as number)).toBeDefined();
	});

	it('Update patches only the fields given (Sold) and leaves the others as they are', async () => {
		const [sale] = json(
			await run({
				resource: 'sale',
				operation: 'update',
				saleId: 1021,
				updateFields: { status: 'Sold', amount: 10700 },
			}),
		);
		expect(writes('PATCH')).toEqual([
			{
				method: 'PATCH',
				entity: 'Sale',
				id: 1021,
				body: [{ op: 'replace', path: '/Status', value: 'Sold' }],
			},
		]);
		expect(sale).toMatchObject({
			SaleId: 1021,
			Status: 'Sold',
			Heading: 'Widget rollout 2024',
			Amount: 10700,
		});
	});

	it('Update with nothing to change sends no write', async () => {
		await run({
			resource: 'sale',
			operation: 'update',
			saleId: 1021,
			updateFields: { heading: 'Widget rollout 2024', probability: '' },
		});
		expect(fake.writes).toEqual([]);
	});
});

describe('SuperOffice node: Company', () => {
	it.each([
		[{ name: 'Acme AS' }, "name is 'Acme AS'", [43]],
		[{ name: 'acme', nameMatch: 'begins' }, "name begins 'acme'", [43]],
		[{ orgNr: '987654321' }, "orgnr is '987654321'", [43]],
		[{ email: 'post@acme.example' }, "email/emailAddress is 'post@acme.example'", [43]],
		[{ name: "O'Brien AS" }, "name is 'O''Brien AS'", []],
	])('Search %j asks SuperOffice for %s and reads what it finds', async (searchBy, filter, ids) => {
		const output = json(
			await run({ resource: 'company', operation: 'search', searchBy, limit: 5 }),
		);
		const search = fake.requests.find(
			(request) => request.path.endsWith('/Contact') && request.method === 'GET',
		);
		expect(new URL(search!.url, fake.origin).searchParams.get('$filter')).toBe(filter);
		expect(output.map((company) => company.ContactId)).toEqual(ids);
	});

	it('Search without a criterion says what to give', async () => {
		const error = await failure({ resource: 'company', operation: 'search', searchBy: {} });
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toBe('Give a name, an organisation number or an email to search by');
	});

	it('Create and Update: a name, an email and a phone, the owner as our contact', async () => {
		const [created] = json(
			await run({
				resource: 'company',
				operation: 'create',
				name: 'Fjord Events AS',
				additionalFields: {
					orgNr: '912345678',
					email: 'post@fjord.example',
					phone: '+47 55 00 00 00',
					ourContact: 7,
				},
			}),
		);
		expect(created).toMatchObject({
			Name: 'Fjord Events AS',
			OrgNr: '912345678',
			Emails: [{ Value: 'post@fjord.example' }],
			Phones: [{ Value: '+47 55 00 00 00' }],
			Associate: { AssociateId: 7, FullName: 'Per Knutsen' },
		});
		const [updated] = json(
			await run({
				resource: 'company',
				operation: 'update',
				companyId: locator(created.ContactId as number),
				updateFields: { email: 'hello@fjord.example' },
			}),
		);
		expect(updated.Emails).toEqual([{ Value: 'hello@fjord.example' }]);
	});
});

describe('SuperOffice node: Person', () => {
	const createOrUpdate = (firstName: string) =>
		run({
			resource: 'person',
			operation: 'createOrUpdate',
			email: 'kari@fjord.example',
			additionalFields: {
				firstName,
				lastName: 'Hansen',
				company: locator(43),
				phone: '+47 400 00 000',
			},
		});

	it('Create or Update by Email creates the person once, and updates it when the event repeats', async () => {
		const [first] = json(await createOrUpdate('Kari'));
		expect(first).toMatchObject({
			Firstname: 'Kari',
			Emails: [{ Value: 'kari@fjord.example' }],
			Contact: { ContactId: 43 },
			OfficePhones: [{ Value: '+47 400 00 000' }],
			_createOrUpdate: { action: 'created', matches: 0 },
		});
		const [second] = json(await createOrUpdate('Kari Anne'));
		expect(second).toMatchObject({
			PersonId: first.PersonId,
			Firstname: 'Kari Anne',
			_createOrUpdate: { action: 'updated', matches: 1 },
		});
		const withEmail = [...fake.records.Person.values()].filter((person) =>
			(person.Emails as IDataObject[]).some((entry) => entry.Value === 'kari@fjord.example'),
		);
		expect(withEmail).toHaveLength(1);
		expect(writes('POST')).toHaveLength(1);
	});

	it('Search by Email finds the persons with that address; Get reads one', async () => {
		const found = json(
			await run({ resource: 'person', operation: 'search', email: 'ola@acme.example' }),
		);
		expect(found.map((person) => person.PersonId)).toEqual([64]);
		const [person] = json(await run({ resource: 'person', operation: 'get', personId: 64 }));
		expect(person).toMatchObject({ Firstname: 'Ola', Lastname: 'Nordmann' });
	});
});

describe('SuperOffice node: Follow-up', () => {
	it('Create makes a task for the owner, on the company, person and sale, a week from now', async () => {
		const before = Date.now();
		const [created] = json(
			await run({
				resource: 'followUp',
				operation: 'create',
				owner: 5,
				text: 'Call the customer about the approved quote',
				kind: 'inChecklist',
				start: 'daysFromNow',
				daysFromNow: 7,
				duration: 45,
				company: locator(43),
				person: 64,
				sale: 1021,
				additionalFields: { activityType: 1, title: 'Quote approved' },
			}),
		);
		const [write] = writes('POST');
		expect(write.body).toMatchObject({
			Associate: { AssociateId: 5 },
			Type: 'inChecklist',
			Description: 'Call the customer about the approved quote',
			Title: 'Quote approved',
			Task: { TaskListItemId: 1 },
			Contact: { ContactId: 43 },
			Person: { PersonId: 64 },
			Sale: { SaleId: 1021 },
		});
		const start = Date.parse(write.body.StartDate);
		expect(start - before).toBeGreaterThanOrEqual(7 * 24 * 3600_000 - 1000);
		expect(start - before).toBeLessThan(7 * 24 * 3600_000 + 60_000);
		expect(Date.parse(write.body.EndDate) - start).toBe(45 * 60_000);
		expect(created).toMatchObject({
			AppointmentId: expect.any(Number),
			Associate: { FullName: 'Jane Doe' },
		});
	});

	it('at a date and time', async () => {
		await run({
			resource: 'followUp',
			operation: 'create',
			owner: 7,
			start: 'at',
			startAt: '2026-12-24T09:00:00.000Z',
			duration: 60,
		});
		expect(writes('POST')[0].body).toMatchObject({
			StartDate: '2026-12-24T09:00:00.000Z',
			EndDate: '2026-12-24T10:00:00.000Z',
		});
	});
});

describe('SuperOffice node: failures say what happened and what to do', () => {
	it('404: no sale with that id', async () => {
		const error = await failure({
			resource: 'sale',
			operation: 'update',
			saleId: 999,
			updateFields: { status: 'Sold' },
		});
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toBe('SuperOffice has no sale with ID 999');
		expect(error.description).toContain('deleted, or the API user may not see it');
		expect(error.description).toContain('SuperOffice said: “Sale id 999 not found”');
	});

	it('401: check the credential', async () => {
		fake.auth = { type: 'bearer', token: 'another' };
		const error = await failure({ resource: 'sale', operation: 'get', saleId: 1021 });
		expect(error.message).toBe('SuperOffice did not accept the API credential (401)');
		expect(error.description).toContain('Check the credential, or reconnect it.');
	});

	it('403: the API user lacks the rights', async () => {
		fake.recordRules.push({ path: 'Sale/', status: 403 });
		const error = await failure({
			resource: 'sale',
			operation: 'update',
			saleId: 1021,
			updateFields: { status: 'Sold' },
		});
		expect(error.message).toBe('SuperOffice refused to read sale 1021 (403)');
		expect(error.description).toContain('The API user lacks the rights to read sales');
	});

	it('400: SuperOffice’s own words', async () => {
		const error = await failure({
			resource: 'sale',
			operation: 'create',
			heading: ' ',
			company: locator(43),
		});
		expect(error.message).toBe('SuperOffice refused to create a sale (400)');
		expect(error.description).toContain('SuperOffice said: “A sale needs a heading”');
	});

	it('429 is retried; the update then goes through', async () => {
		fake.recordRules.push({ path: 'Sale/1021', status: 429, retryAfter: 0, times: 1 });
		const [sale] = json(
			await run({
				resource: 'sale',
				operation: 'update',
				saleId: 1021,
				updateFields: { status: 'Lost' },
			}),
		);
		expect(sale.Status).toBe('Lost');
	});

	it('a 5xx on a create is not sent again, and the error says the sale may have been made', async () => {
		const posts = { count: 0 };
		const api = async (method: string) => {
			if (method === 'POST') {
				posts.count += 1;
				return { statusCode: 503, body: { ErrorMessage: 'busy' } };
			}
			return { statusCode: 200, body: { SaleId: 0 } };
		};
		const thrown = await new ItemCalls(api as never)
			.create('sale', () => {})
			.catch((caught: Error) => caught);
		expect(posts.count).toBe(1);
		expect((thrown as Error).message).toBe('SuperOffice failed (503) to create a sale');
		expect((thrown as { description: string }).description).toBe(
			'The sale may have been created: check in SuperOffice before running this item again (it was not sent twice). SuperOffice said: “busy”',
		);
	});

	it('a 5xx on an update is tried again', async () => {
		fake.recordRules.push({ path: 'Sale/1021', status: 500, times: 2 });
		const [sale] = json(await run({ resource: 'sale', operation: 'get', saleId: 1021 }));
		expect(sale.SaleId).toBe(1021);
		expect(fake.requests.filter((request) => request.path.endsWith('/Sale/1021'))).toHaveLength(3);
	});

	it('a create that timed out is not sent again; one whose connection was refused is', async () => {
		const attempts: string[] = [];
		const timedOut = async (method: string) => {
			attempts.push(method);
			if (method === 'POST')
				throw Object.assign(new Error('timeout of 15000ms exceeded'), { code: 'ECONNABORTED' });
			return { statusCode: 200, body: {} };
		};
		const thrown = await new ItemCalls(timedOut as never)
			.create('followUp', () => {})
			.catch((caught: Error) => caught);
		expect(attempts).toEqual(['GET', 'POST']);
		expect((thrown as Error).message).toBe(
			'SuperOffice did not answer in time to create a follow-up',
		);
		expect((thrown as { description: string }).description).toContain('may have been created');
		attempts.length = 0;
		let refused = true;
		const flaky = async (method: string) => {
			attempts.push(method);
			if (method === 'POST' && refused) {
				refused = false;
				throw Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } });
			}
			return { statusCode: 200, body: { AppointmentId: 7 } };
		};
		expect(await new ItemCalls(flaky as never).create('followUp', () => {})).toEqual({
			AppointmentId: 7,
		});
		expect(attempts).toEqual(['GET', 'POST', 'POST']);
	});

	it('Continue On Fail: the failed item carries the error, the others their results, each paired', async () => {
		const output = await run(
			{ resource: 'sale', operation: 'get' },
			{
				items: [{}, {}],
				continueOnFail: true,
				parameters: (item) => ({
					authentication: 'onSite',
					resource: 'sale',
					operation: 'get',
					saleId: item === 0 ? 999 : 1021,
				}),
			},
		);
		expect(json(output)).toEqual([
			{
				error: 'SuperOffice has no sale with ID 999',
				description: expect.stringContaining('deleted'),
			},
			expect.objectContaining({ SaleId: 1021 }),
		]);
		expect(output.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
	});

	it('an ID that is not a number is refused before anything is sent', async () => {
		const error = await failure({ resource: 'sale', operation: 'get', saleId: 'abc' });
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toContain('Sale ID must be a SuperOffice ID');
		expect(fake.requests).toEqual([]);
	});

	it('an http:// address without Allow Plain HTTP, and redirects, are refused', async () => {
		const error = await failure(
			{ resource: 'sale', operation: 'get', saleId: 1021 },
			{ credentials: { superOfficeApi: { ...onSite().superOfficeApi, allowHttp: false } } },
		);
		expect(error.message).toContain('would travel unencrypted');
		expect(fake.requests).toEqual([]);
		fake.redirectTo = 'http://127.0.0.1:9';
		const moved = await failure({ resource: 'sale', operation: 'get', saleId: 1021 });
		expect(moved.message).toBe("SuperOffice's API answered with a redirect (307)");
	});

	it('with SuperOffice Online (OAuth2), the token is sent', async () => {
		const credentials = {
			superOfficeOAuth2Api: {
				baseUrl: `${ONLINE_ORIGIN}/Cust12345/api/v1`,
				oauthTokenData: { access_token: TOKEN },
			},
		};
		const [sale] = json(
			await run(
				{ authentication: 'oAuth2', resource: 'sale', operation: 'get', saleId: 1021 },
				{ credentials },
			),
		);
		expect(sale.SaleId).toBe(1021);
		expect(fake.requests[0].headers.authorization).toBe(`Bearer ${TOKEN}`);
	});
});

describe('SuperOffice node: lists to pick from', () => {
	const context = () => loadOptionsContext(setup({}));

	it('owners: SuperOffice’s associates', async () => {
		const options = await node.methods.loadOptions.getAssociates.call(context());
		expect(options).toEqual(
			expect.arrayContaining([
				{ name: 'Jane Doe', value: 5, description: 'JD (associate 5)' },
				{ name: 'Per Knutsen', value: 7, description: 'PK (associate 7)' },
			]),
		);
	});

	it('activity types: the Task list, without deleted entries', async () => {
		const options = await node.methods.loadOptions.getActivityTypes.call(context());
		expect(options).toEqual([
			{ name: 'Follow-up call', value: 1 },
			{ name: 'Meeting', value: 2 },
			{ name: 'Send offer', value: 3 },
		]);
	});

	it('companies by the beginning of their name', async () => {
		const found = await node.methods.listSearch.searchCompanies.call(context(), 'Acm');
		expect(found.results).toEqual([{ name: 'Acme AS', value: '43' }]);
		expect((await node.methods.listSearch.searchCompanies.call(context(), 'Zz')).results).toEqual(
			[],
		);
	});

	it('a list SuperOffice refuses says why', async () => {
		fake.auth = { type: 'bearer', token: 'another' };
		await expect(node.methods.loadOptions.getAssociates.call(context())).rejects.toThrow(
			'SuperOffice did not accept the API credential (401)',
		);
	});
});
