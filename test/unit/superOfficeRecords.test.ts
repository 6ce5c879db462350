import type { ICredentialDataDecryptedObject, IDataObject, INode } from 'n8n-workflow';
import { NodeHelpers, sleep } from 'n8n-workflow';

import { readRecord, retryAfterMs } from '../../nodes/SuperOffice/records';
import type { RecordApi } from '../../nodes/SuperOffice/records';
import { derivedSecret } from '../../nodes/SuperOffice/webhookSecret';
import { SuperOfficeTrigger } from '../../nodes/SuperOffice/SuperOfficeTrigger.node';
import { sample } from '../../scripts/lib/registry';
import { bodySignature, sentNow } from '../../scripts/lib/senders';
import { defaultParameters } from '../../scripts/lib/setup';
import { startFakeSuperOffice } from '../fakes/superOffice';
import { ONLINE_ORIGIN, superOfficeRequestHelper } from '../helpers/superOfficeApi';
import { runWebhook } from '../helpers/harness';
import type { NodeSetup } from '../helpers/harness';

/*
 * Include Record against a fake SuperOffice that serves the documented REST resources and Quote
 * agent (test/fakes/superOfficeRecords.js), through a request helper that behaves as n8n's
 * httpRequestWithAuthentication does (credential applied, full response, time limit).
 */

type Fake = Awaited<ReturnType<typeof startFakeSuperOffice>>;

const TOKEN = 'example-token-for-the-fake';
const SECRET = 'superoffice-example-value-7788';
const node = new SuperOfficeTrigger();

let fake: Fake;
let eventCounter = 0;

beforeEach(async () => {
	fake = await startFakeSuperOffice({ auth: { type: 'bearer', token: TOKEN } });
});
afterEach(async () => {
	await fake.close();
});

const requestHelper = (credentials: Record<string, ICredentialDataDecryptedObject>) =>
	superOfficeRequestHelper(credentials, () => fake.origin);

function oAuth2Credential(token = TOKEN): ICredentialDataDecryptedObject {
	return { baseUrl: `${ONLINE_ORIGIN}/Cust12345/api/v1`, oauthTokenData: { access_token: token } };
}

/** Webhook Secret authentication, Include Record on, records read with the OAuth2 credential. */
function setup(
	parameters: IDataObject = {},
	credentials: Record<string, ICredentialDataDecryptedObject> = {},
): NodeSetup {
	const all = {
		superOfficeWebhookApi: { webhookSecret: SECRET },
		superOfficeOAuth2Api: oAuth2Credential(),
		...credentials,
	};
	return {
		parameters: {
			...defaultParameters('superoffice'),
			includeRecord: true,
			apiAccess: 'oAuth2',
			...parameters,
		},
		credentials: all,
		helpers: requestHelper(all),
	};
}

function event(name: string, primaryKey: number, extra: IDataObject = {}): IDataObject {
	return {
		...sentNow('superoffice', sample('superoffice', 'quote.approved')),
		EventId: `records-${++eventCounter}`,
		Event: name,
		Entity: name.split('.')[0],
		PrimaryKey: primaryKey,
		...extra,
	};
}

function signed(body: IDataObject, secret = SECRET) {
	const raw = Buffer.from(JSON.stringify(body), 'utf8');
	return {
		raw,
		headers: {
			'content-type': 'application/json; charset=utf-8',
			'x-superoffice-event': String(body.Event),
			'x-superoffice-eventid': String(body.EventId),
			'x-superoffice-signature': bodySignature(raw, secret),
		},
	};
}

async function deliver(body: IDataObject, nodeSetup = setup()) {
	const outcome = await runWebhook(node, signed(body), nodeSetup);
	expect(outcome.statusCode).toBe(200);
	expect(outcome.body).toMatchObject({ status: 'accepted' });
	expect(outcome.items).toHaveLength(1);
	return { ...outcome, item: outcome.items![0] };
}

const recordRequests = () =>
	fake.requests
		.filter((request) => !request.path.endsWith('/Webhook'))
		.map((request) => `${request.method} ${request.path.replace(/^.*\/api\/v1\//, '')}`);

describe('SuperOffice Trigger, Include Record: the quote of a quote event', () => {
	it('carries the quote, its lines, the customer and the sales rep, read with the API credential', async () => {
		const { item, logs } = await deliver(event('quote.approved', 493));
		expect(item).toMatchObject({ Event: 'quote.approved', PrimaryKey: 493 });
		expect(item.quote).toEqual({
			id: 493,
			number: 'Q-1021-2',
			title: 'Widget rollout 2024',
			state: 'Sent',
			status: 'Ok',
			currency: 'NOK',
			total: 10700,
			validUntil: '2024-06-01T00:00:00',
			sentDate: '2024-05-02T09:15:00',
			poNumber: 'PO-4711',
			orderComment: 'Deliver to gate 3',
			saleId: 1021,
			customer: {
				company: 'Acme AS',
				companyEmail: 'post@acme.example',
				companyPhone: '+47 22 00 00 00',
				name: 'Ola Nordmann',
				firstName: 'Ola',
				lastName: 'Nordmann',
				email: 'ola@acme.example',
				phone: '+47 22 00 00 01',
			},
			salesRep: { name: 'Jane Doe', email: 'jane.doe@vendor.example', phone: '+47 21 00 00 12' },
			alternative: expect.objectContaining({ id: 701, name: 'Alternative A', total: 10700 }),
			lines: [
				{
					product: 'Widget Pro',
					code: 'WP-100',
					description: 'Widget Pro, standard',
					quantity: 10,
					unit: 'pcs',
					unitPrice: 1000,
					discountPercent: 5,
					discountAmount: 500,
					vatPercent: 25,
					total: 9500,
				},
				expect.objectContaining({
					product: 'Installation',
					quantity: 8,
					unitPrice: 150,
					total: 1200,
				}),
			],
			alternatives: [
				expect.objectContaining({ id: 701, lines: expect.any(Array) }),
				expect.objectContaining({
					id: 702,
					name: 'Alternative B',
					total: 7000,
					lines: [expect.objectContaining({ product: 'Widget Basic' })],
				}),
			],
		});
		const record = item.record as IDataObject;
		expect(record.Quote).toMatchObject({ QuoteId: 493, SaleId: 1021, ActiveQuoteVersionId: 611 });
		expect(record.ActiveVersion).toMatchObject({ QuoteVersionId: 611, Number: 'Q-1021-2' });
		expect(
			(record.Alternatives as IDataObject[]).map(
				(alternative) => (alternative.QuoteLines as IDataObject[]).length,
			),
		).toEqual([2, 1]);
		expect(record.Sale).toMatchObject({ SaleId: 1021, Person: { Email: 'ola@acme.example' } });
		expect(record.SalesRepPerson).toMatchObject({
			PersonId: 12,
			Emails: [{ Value: 'jane.doe@vendor.example' }],
		});
		expect(item._record).toEqual({
			read: true,
			error: null,
			status: null,
			message: 'Read quote 493',
			requests: 7,
			durationMs: expect.any(Number),
		});
		expect(recordRequests().sort()).toEqual(
			[
				'POST Agents/Quote/GetQuoteEntity',
				'POST Agents/Quote/GetQuoteVersion',
				'POST Agents/Quote/GetQuoteAlternatives',
				'POST Agents/Quote/GetQuoteLines',
				'POST Agents/Quote/GetQuoteLines',
				'GET Sale/1021',
				'GET Person/12',
			].sort(),
		);
		// every call carried the credential's token, which appears nowhere in the item or the log
		expect(
			fake.requests.every((request) => request.headers.authorization === `Bearer ${TOKEN}`),
		).toBe(true);
		expect(JSON.stringify(item)).not.toContain(TOKEN);
		expect(JSON.stringify(logs)).not.toContain(TOKEN);
	});

	it('answers SuperOffice before reading: a slow API delays the execution, not the answer', async () => {
		fake.recordRules.push({ path: 'GetQuoteEntity', delayMs: 400 });
		const started = Date.now();
		const { item, answeredAt, finishedAt } = await deliver(event('quote.approved', 493));
		expect(item._record).toMatchObject({ read: true });
		expect(answeredAt! - started).toBeLessThan(200);
		expect(finishedAt - answeredAt!).toBeGreaterThanOrEqual(380);
	});

	it('with In Memory Only too, the node answers before reading (n8n would answer after)', async () => {
		fake.recordRules.push({ path: 'GetQuoteEntity', delayMs: 300 });
		const started = Date.now();
		const { item, answeredAt, result } = await deliver(
			event('quote.approved', 493),
			setup({ settings: { rememberIds: 'memory' } }),
		);
		expect(result).toMatchObject({ noWebhookResponse: true });
		expect(answeredAt! - started).toBeLessThan(200);
		expect(item._record).toMatchObject({ read: true });
	});

	it('with Include Record off, nothing is read and the item is the event', async () => {
		const { item } = await deliver(event('quote.approved', 493), setup({ includeRecord: false }));
		expect(fake.requests).toEqual([]);
		expect(item).not.toHaveProperty('_record');
		expect(item).not.toHaveProperty('quote');
	});
});

describe('SuperOffice Trigger, Include Record: other entities', () => {
	it.each([
		['contact.changed', 43, 'GET Contact/43', { ContactId: 43, Name: 'Acme AS' }],
		[
			'person.created',
			64,
			'GET Person/64',
			{ PersonId: 64, Emails: [expect.objectContaining({ Value: 'ola@acme.example' })] },
		],
		['sale.sold', 1021, 'GET Sale/1021', { SaleId: 1021, Heading: 'Widget rollout 2024' }],
		['project.changed', 178105, 'GET Project/178105', { ProjectId: 178105 }],
		['activity.created', 69, 'GET Appointment/69', { AppointmentId: 69 }],
		['document.edited', 880, 'GET Document/880', { DocumentId: 880 }],
		['ticket.changed', 3001, 'GET Ticket/3001', { TicketId: 3001 }],
	])('%s carries the record as SuperOffice returns it', async (name, id, call, fields) => {
		const { item } = await deliver(event(name, id));
		expect(recordRequests()).toEqual([call]);
		expect(item.record).toMatchObject(fields);
		expect(item).not.toHaveProperty('quote');
		expect(item._record).toMatchObject({ read: true, error: null, requests: 1 });
	});

	it('reads with the on-site credential when the webhook was registered with it', async () => {
		fake.auth = { type: 'ticket', ticket: '7T:ticket', appToken: 'app-token-value' };
		const credentials = {
			superOfficeApi: {
				baseUrl: fake.baseUrl,
				allowHttp: true,
				authType: 'ticket',
				ticketToken: '7T:ticket',
				appToken: 'app-token-value',
			},
		};
		// A registration as activation stores it: the secret is derived from the credential.
		const salt = Buffer.alloc(16, 7).toString('base64');
		const registered = await derivedSecret(credentials.superOfficeApi, salt);
		const staticData: IDataObject = {
			superOfficeWebhookId: 1,
			superOfficeSecretSalt: salt,
			superOfficeSecretCheck: registered.check,
		};
		const body = event('contact.changed', 43);
		const outcome = await runWebhook(node, signed(body, registered.secret), {
			parameters: {
				...defaultParameters('superoffice'),
				authentication: 'onSite',
				includeRecord: true,
			},
			credentials,
			staticData,
			helpers: requestHelper(credentials),
		});
		expect(outcome.items?.[0]).toMatchObject({
			record: { ContactId: 43 },
			_record: { read: true },
		});
		expect(fake.requests[0].headers).toMatchObject({
			authorization: 'SOTicket 7T:ticket',
			'so-apptoken': 'app-token-value',
		});
	});

	it('a deleted record is not asked for: the item keeps Values and says so', async () => {
		const values = { sale_id: 994863, contact_id: 43, person_id: 64, project_id: 178105 };
		const { item } = await deliver(event('sale.deleted', 994863, { Values: values }));
		expect(fake.requests).toEqual([]);
		expect(item.Values).toEqual(values);
		expect(item._record).toMatchObject({
			read: false,
			error: 'deleted',
			status: null,
			requests: 0,
		});
		expect(item._record).toHaveProperty(
			'message',
			expect.stringContaining('Values holds its last values'),
		);
	});

	it('events without a record to read say so and ask nothing', async () => {
		const { item } = await deliver(event('projectmember.created', 12));
		expect(fake.requests).toEqual([]);
		expect(item._record).toMatchObject({ read: false, error: 'not-readable' });
	});

	it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty'])(
		'an Entity named %s is not taken for a resource: nothing is asked',
		async (entity) => {
			const { item } = await deliver({ ...event('contact.changed', 43), Entity: entity });
			expect(fake.requests).toEqual([]);
			expect(item._record).toMatchObject({ read: false, error: 'not-readable' });
		},
	);
});

describe('SuperOffice Trigger, Include Record: failures never lose the event', () => {
	async function failing(body: IDataObject, nodeSetup = setup()) {
		const outcome = await deliver(body, nodeSetup);
		expect(outcome.item).toMatchObject({
			Event: body.Event,
			PrimaryKey: body.PrimaryKey,
			EventId: body.EventId,
		});
		expect(outcome.item).not.toHaveProperty('record');
		return outcome;
	}

	it('a record deleted since the event (404) gives error not-found', async () => {
		const { item, logs } = await failing(event('sale.changed', 999));
		expect(item._record).toMatchObject({
			read: false,
			error: 'not-found',
			status: 404,
			requests: 1,
		});
		expect(item._record).toHaveProperty(
			'message',
			expect.stringContaining('SuperOffice said: “Sale id 999 not found”'),
		);
		expect(logs).toContainEqual({
			level: 'warn',
			message: expect.stringContaining('the record was not read'),
		});
	});

	it('a quote the Quote agent does not know (200 with null) gives error not-found', async () => {
		const { item } = await failing(event('quote.approved', 9999));
		expect(item._record).toMatchObject({
			read: false,
			error: 'not-found',
			status: 200,
			requests: 1,
		});
		expect(item).not.toHaveProperty('quote');
	});

	it('a credential SuperOffice refuses (401) gives error unauthorized, without retrying', async () => {
		const { item, logs } = await failing(
			event('contact.changed', 43),
			setup({}, { superOfficeOAuth2Api: oAuth2Credential('expired-token-5531') }),
		);
		expect(item._record).toMatchObject({ read: false, error: 'unauthorized', status: 401 });
		// the 401 and n8n's token refresh retry: two calls, no more
		expect(recordRequests()).toEqual(['GET Contact/43', 'GET Contact/43']);
		expect(JSON.stringify([item, logs])).not.toContain('expired-token-5531');
	});

	it('missing rights (403) gives error forbidden, without retrying', async () => {
		fake.recordRules.push({ path: 'Sale/', status: 403 });
		const { item } = await failing(event('quote.approved', 493));
		expect(item._record).toMatchObject({ read: false, error: 'forbidden', status: 403 });
		expect(recordRequests().filter((call) => call.startsWith('GET Sale'))).toHaveLength(1);
	});

	it('throttling (429) is retried after Retry-After, and the record arrives', async () => {
		fake.recordRules.push({ path: 'Contact/', status: 429, retryAfter: 1, times: 1 });
		const { item } = await deliver(event('contact.changed', 43));
		expect(item._record).toMatchObject({ read: true, requests: 2 });
		expect((item._record as IDataObject).durationMs).toBeGreaterThanOrEqual(950);
		expect(item.record).toMatchObject({ ContactId: 43 });
	});

	it('throttling with a Retry-After beyond the time limit gives up at once with error throttled', async () => {
		fake.recordRules.push({ path: 'Contact/', status: 429, retryAfter: 120 });
		const { item } = await failing(event('contact.changed', 43));
		expect(item._record).toMatchObject({
			read: false,
			error: 'throttled',
			status: 429,
			requests: 1,
		});
		expect((item._record as IDataObject).durationMs).toBeLessThan(1000);
	});

	it('SuperOffice failing (500) is retried with back-off, three tries, then error server-error', async () => {
		fake.recordRules.push({ path: 'Contact/', status: 500 });
		const { item } = await failing(event('contact.changed', 43));
		expect(item._record).toMatchObject({
			read: false,
			error: 'server-error',
			status: 500,
			requests: 3,
		});
		// waits of 0.5 s and 1 s between the tries
		expect((item._record as IDataObject).durationMs).toBeGreaterThanOrEqual(1450);
	});

	it('a 500 that passes is retried and the record arrives', async () => {
		fake.recordRules.push({ path: 'GetQuoteLines', status: 500, times: 1 });
		const { item } = await deliver(event('quote.approved', 493));
		expect(item._record).toMatchObject({ read: true, requests: 8 });
		expect((item.quote as IDataObject).lines).toHaveLength(2);
	});

	it('a redirect is not followed with the credential: error request-failed, saying so', async () => {
		fake.redirectTo = 'http://127.0.0.1:9';
		const { item } = await failing(event('contact.changed', 43));
		expect(item._record).toMatchObject({
			read: false,
			error: 'request-failed',
			status: 307,
			requests: 1,
		});
		expect(item._record).toHaveProperty(
			'message',
			expect.stringContaining('does not follow redirects'),
		);
	});

	it('an on-site credential with an http:// address reads nothing unless it allows plain HTTP', async () => {
		const onSiteCredential = { baseUrl: fake.baseUrl, authType: 'bearer', accessToken: TOKEN };
		const { item } = await failing(
			event('contact.changed', 43),
			setup({ apiAccess: 'onSite' }, { superOfficeApi: onSiteCredential }),
		);
		expect(fake.requests).toEqual([]);
		expect(item._record).toMatchObject({
			read: false,
			error: 'no-credential',
			message: expect.stringContaining('would travel unencrypted'),
		});
	});

	it('an API credential that cannot be loaded gives error no-credential', async () => {
		const nodeSetup = setup({ apiAccess: 'onSite' });
		const { item } = await failing(event('contact.changed', 43), nodeSetup);
		expect(item._record).toMatchObject({ read: false, error: 'no-credential', requests: 0 });
	});
});

describe('reading a record: time limits', () => {
	const limits = { attempts: 3, attemptTimeoutMs: 200, totalMs: 500, backoffMs: 50 };
	const api =
		(delayMs: number): RecordApi =>
		async () => {
			await sleep(delayMs);
			return { statusCode: 200, body: { ContactId: 43 }, headers: {} };
		};

	it('an API slower than the time limit gives error timeout within the limit', async () => {
		const started = Date.now();
		const fields = await readRecord(api(2000), event('contact.changed', 43), limits);
		expect(fields._record).toMatchObject({ read: false, error: 'timeout', status: null });
		expect(Date.now() - started).toBeLessThan(limits.totalMs + 150);
		expect(fields._record.requests).toBeGreaterThanOrEqual(2);
	});

	it('an API that cannot be reached gives error unreachable', async () => {
		const refused: RecordApi = async () => {
			throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' });
		};
		const fields = await readRecord(refused, event('contact.changed', 43), limits);
		expect(fields._record).toMatchObject({ read: false, error: 'unreachable', requests: 3 });
	});

	it('Retry-After is read as seconds or as an HTTP date', () => {
		const now = Date.parse('2026-11-29T12:00:00Z');
		expect(retryAfterMs({ 'retry-after': '2' }, now)).toBe(2000);
		expect(retryAfterMs({ 'retry-after': 'Sun, 29 Nov 2026 12:00:05 GMT' }, now)).toBe(5000);
		expect(retryAfterMs({ 'retry-after': 'soon' }, now)).toBeUndefined();
		expect(retryAfterMs({}, now)).toBeUndefined();
	});
});

describe('SuperOffice Trigger, Include Record: the credential the editor asks for', () => {
	const { description } = node;
	const shown = (parameters: IDataObject) => {
		const nodeOf = (values: IDataObject) =>
			({
				name: 'SuperOffice Trigger',
				type: 'superOfficeTrigger',
				typeVersion: 1,
				parameters: values,
				position: [0, 0],
			}) as unknown as INode;
		const full = NodeHelpers.getNodeParameters(
			description.properties,
			parameters as never,
			true,
			false,
			nodeOf(parameters),
			description,
		)!;
		return (description.credentials ?? [])
			.filter((credential) =>
				NodeHelpers.displayParameter(full, credential, nodeOf(full as IDataObject), description),
			)
			.map((credential) => credential.name);
	};

	it.each([
		[{}, ['superOfficeWebhookApi']],
		[{ includeRecord: true }, ['superOfficeWebhookApi', 'superOfficeOAuth2Api']],
		[{ includeRecord: true, apiAccess: 'onSite' }, ['superOfficeWebhookApi', 'superOfficeApi']],
		[{ authentication: 'none', includeRecord: true, apiAccess: 'onSite' }, ['superOfficeApi']],
		[{ authentication: 'none' }, []],
		[{ authentication: 'oAuth2' }, ['superOfficeOAuth2Api']],
		[{ authentication: 'onSite', includeRecord: true }, ['superOfficeApi']],
		// a choice left over from Webhook Secret never hides the credential registration needs
		[
			{ authentication: 'oAuth2', includeRecord: true, apiAccess: 'onSite' },
			['superOfficeOAuth2Api'],
		],
		[{ authentication: 'onSite', apiAccess: 'oAuth2', noApiCredential: true }, ['superOfficeApi']],
		// the loop guard needs the API credential too
		[{ skipOwnChanges: true }, ['superOfficeWebhookApi', 'superOfficeOAuth2Api']],
		[{ skipOwnChanges: true, apiAccess: 'onSite' }, ['superOfficeWebhookApi', 'superOfficeApi']],
		[
			{ authentication: 'none', skipOwnChanges: true, includeRecord: true, apiAccess: 'onSite' },
			['superOfficeApi'],
		],
		[{ authentication: 'onSite', skipOwnChanges: true }, ['superOfficeApi']],
	])('%j shows %j', (parameters, expected) => {
		expect(shown(parameters)).toEqual(expected);
	});
});
