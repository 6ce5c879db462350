import type { IDataObject } from 'n8n-workflow';

import { QondorTrigger } from '../../nodes/Qondor/QondorTrigger.node';
import { DEDUP_WINDOW, EVICTION_BATCH } from '../../nodes/shared/dedup';
import { loadSamples, sample } from '../../scripts/lib/registry';
import { runWebhook, toBytes } from '../helpers/harness';
import type { Headers, NodeSetup } from '../helpers/harness';

const SECRET = 'qondor-example-value-5f1c9a7e';
const HEADER = 'X-Qondor-Webhook-Token';
const node = new QondorTrigger();

const credentials = { qondorWebhookApi: { headerName: HEADER, headerSecret: SECRET } };

function setup(parameters: IDataObject = {}, extra: Partial<NodeSetup> = {}): NodeSetup {
	return {
		parameters: { authentication: 'headerAuth', topics: ['*'], settings: {}, ...parameters },
		credentials,
		...extra,
	};
}

async function send(
	body: string | Buffer | IDataObject | unknown[],
	nodeSetup: NodeSetup = setup(),
	headers: Headers = { [HEADER]: SECRET, 'content-type': 'application/json' },
) {
	return await runWebhook(node, { headers, raw: toBytes(body) }, nodeSetup);
}

/** A copy of the body without the named fields. */
function without(body: IDataObject, ...fields: string[]): IDataObject {
	const copy = { ...body };
	for (const field of fields) delete copy[field];
	return copy;
}

const current = loadSamples('qondor');
const older = loadSamples('qondor', { revision: 'older' });

describe('Qondor Trigger: every documented payload', () => {
	const nonBooking = [
		...Object.entries(current).map(([topic, body]) => ['current', topic, body] as const),
		...Object.entries(older).map(([topic, body]) => ['older', topic, body] as const),
	].filter(([, topic]) => topic !== 'BookingConfirmedV1' && topic !== 'PingV1');

	it.each(nonBooking)(
		'%s revision %s starts one execution whose item is the body as sent',
		async (_rev, topic, body) => {
			const outcome = await send(body);
			expect(outcome.statusCode).toBe(200);
			expect(outcome.body).toEqual({
				status: 'accepted',
				reason: 'started',
				message: `${topic} started the workflow`,
			});
			expect(outcome.items).toEqual([body]);
			expect(outcome.logs.filter((log) => log.level === 'warn')).toEqual([]);
		},
	);

	it('BookingConfirmedV1 starts one execution with custom-field maps added to each person', async () => {
		const body = current.BookingConfirmedV1;
		const outcome = await send(body);
		expect(outcome.statusCode).toBe(200);
		expect(outcome.items).toEqual([
			{
				...body,
				booker: { ...body.booker, customFields: { '[Internal Name]': '[Custom Field Answer]' } },
				participants: [{ ...body.participants[0], customFields: {} }],
			},
		]);
		expect(outcome.logs.filter((log) => log.level === 'warn')).toEqual([]);
	});

	it.each([
		['current', current.PingV1],
		['older', older.PingV1],
	])(
		'%s revision PingV1 is acknowledged with 200 and starts no execution unless selected',
		async (_rev, body) => {
			const outcome = await send(body);
			expect(outcome.statusCode).toBe(200);
			expect(outcome.items).toBeUndefined();
			expect(outcome.body).toEqual({
				status: 'ok',
				reason: 'handshake',
				message: 'Qondor connection check received',
			});
		},
	);

	it('PingV1 starts an execution when Ping is selected', async () => {
		const outcome = await send(current.PingV1, setup({ topics: ['OfferSentV1', 'PingV1'] }));
		expect(outcome.statusCode).toBe(200);
		expect(outcome.items).toEqual([current.PingV1]);
	});
});

describe('Qondor Trigger: authentication', () => {
	const body = current.OfferSentV1;

	it('a wrong header value gets 401, starts no execution, and never echoes the secret', async () => {
		const outcome = await send(body, setup(), {
			[HEADER]: 'guess',
			'content-type': 'application/json',
		});
		expect(outcome.statusCode).toBe(401);
		expect(outcome.items).toBeUndefined();
		expect(outcome.body).toEqual({
			status: 'rejected',
			reason: 'wrong-header-value',
			message: `Header ${HEADER} does not match the configured value`,
		});
		expect(JSON.stringify(outcome)).not.toContain(SECRET);
	});

	it('a missing header gets 401 naming the header', async () => {
		const outcome = await send(body, setup(), { 'content-type': 'application/json' });
		expect(outcome.statusCode).toBe(401);
		expect(outcome.body?.message).toBe(`Missing header ${HEADER}`);
		expect(outcome.items).toBeUndefined();
	});

	it('an empty header value gets 401', async () => {
		const outcome = await send(body, setup(), { [HEADER]: '' });
		expect(outcome.statusCode).toBe(401);
		expect(outcome.body?.reason).toBe('wrong-header-value');
	});

	it('the header name is matched whatever its casing', async () => {
		const outcome = await send(body, setup(), { 'x-qondor-WEBHOOK-token': SECRET });
		expect(outcome.statusCode).toBe(200);
		expect(outcome.items).toEqual([body]);
	});

	it('the value is compared exactly: a different case or extra characters fail', async () => {
		expect((await send(body, setup(), { [HEADER]: SECRET.toUpperCase() })).statusCode).toBe(401);
		expect((await send(body, setup(), { [HEADER]: `${SECRET}x` })).statusCode).toBe(401);
		expect((await send(body, setup(), { [HEADER]: SECRET.slice(0, -1) })).statusCode).toBe(401);
	});

	it('authentication is checked before the body is read: a bad body with a wrong header gets 401', async () => {
		const outcome = await send('not json', setup(), { [HEADER]: 'wrong' });
		expect(outcome.statusCode).toBe(401);
	});

	it('with Authentication None any request with a valid body runs', async () => {
		const outcome = await send(body, setup({ authentication: 'none' }, { credentials: {} }), {});
		expect(outcome.statusCode).toBe(200);
		expect(outcome.items).toEqual([body]);
	});

	it('a credential without a value answers 500 with a configuration message, not a crash', async () => {
		const outcome = await send(body, {
			...setup(),
			credentials: { qondorWebhookApi: { headerName: HEADER, headerSecret: '' } },
		});
		expect(outcome.statusCode).toBe(500);
		expect(outcome.body).toEqual({
			status: 'rejected',
			reason: 'configuration',
			message: 'The credential has no header value',
		});
		expect(outcome.logs).toEqual([
			{ level: 'error', message: 'Qondor trigger: The credential has no header value' },
		]);
	});
});

describe('Qondor Trigger: bodies that are not a Qondor event', () => {
	it.each([
		['malformed JSON', '{"topic": "OfferSentV1", ', 'The request body is not valid JSON'],
		[
			'a JSON array',
			'[{"topic":"OfferSentV1"}]',
			'The request body is an array; expected a JSON object',
		],
		['an empty body', '', 'The request body is empty; expected a JSON object'],
		['a JSON string', '"OfferSentV1"', 'The request body is a string; expected a JSON object'],
		['JSON null', 'null', 'The request body is null; expected a JSON object'],
		[
			'invalid UTF-8',
			Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]),
			'The request body is not valid UTF-8 text',
		],
	])('%s gets 400 saying so', async (_case, raw, message) => {
		const outcome = await send(raw);
		expect(outcome.statusCode).toBe(400);
		expect(outcome.body?.status).toBe('rejected');
		expect(outcome.body?.reason).toBe('invalid-body');
		expect(String(outcome.body?.message)).toContain(message);
		expect(outcome.items).toBeUndefined();
	});

	it('a JSON object without a topic gets 400 naming the missing field', async () => {
		const body = without(sample('qondor', 'OfferSentV1'), 'topic');
		const outcome = await send(body);
		expect(outcome.statusCode).toBe(400);
		expect(outcome.body).toEqual({
			status: 'rejected',
			reason: 'missing-event',
			message: 'The body has no "topic" field naming the event',
		});
	});
});

describe('Qondor Trigger: topic selection', () => {
	it('a topic that is not selected is acknowledged with 200 and starts no execution', async () => {
		const outcome = await send(current.OfferSentV1, setup({ topics: ['BookingConfirmedV1'] }));
		expect(outcome.statusCode).toBe(200);
		expect(outcome.items).toBeUndefined();
		expect(outcome.body).toEqual({
			status: 'ignored',
			reason: 'not-selected',
			message: 'OfferSentV1 is not selected on this trigger',
		});
	});

	it('a selected topic runs', async () => {
		const outcome = await send(current.ProjectCreatedV1, setup({ topics: ['ProjectCreatedV1'] }));
		expect(outcome.items).toEqual([current.ProjectCreatedV1]);
	});

	it('an unknown topic runs by default, marked as unknown, and is logged', async () => {
		const body = { ...sample('qondor', 'OfferSentV1'), topic: 'InvoiceCreatedV1' };
		const outcome = await send(body);
		expect(outcome.statusCode).toBe(200);
		expect(outcome.items).toEqual([
			{ ...body, _validation: { valid: true, unknownEvent: true, issues: [] } },
		]);
		expect(outcome.logs).toContainEqual({
			level: 'warn',
			message:
				'Qondor event InvoiceCreatedV1 is not in the catalogue; passed to the workflow as is',
		});
	});

	it('a new version of a selected topic runs (OfferSentV2 when OfferSentV1 is selected)', async () => {
		const body = { ...sample('qondor', 'OfferSentV1'), topic: 'OfferSentV2' };
		const outcome = await send(body, setup({ topics: ['OfferSentV1'] }));
		expect(outcome.items).toHaveLength(1);
		expect(outcome.items?.[0]._validation).toEqual({ valid: true, unknownEvent: true, issues: [] });
	});

	it('an unknown topic unrelated to the selection is not selected', async () => {
		const body = { ...sample('qondor', 'OfferSentV1'), topic: 'InvoiceCreatedV1' };
		const outcome = await send(body, setup({ topics: ['OfferSentV1'] }));
		expect(outcome.items).toBeUndefined();
		expect(outcome.body?.reason).toBe('not-selected');
	});

	it('with Unknown Topics set to Acknowledge Only an unknown topic gets 200 and no execution', async () => {
		const body = { ...sample('qondor', 'OfferSentV1'), topic: 'OfferSentV2' };
		const outcome = await send(body, setup({ settings: { unknownTopics: 'acknowledge' } }));
		expect(outcome.statusCode).toBe(200);
		expect(outcome.items).toBeUndefined();
		expect(outcome.body).toEqual({
			status: 'ignored',
			reason: 'unknown-event',
			message: 'OfferSentV2 is not a known Qondor event; acknowledged without execution',
		});
	});
});

describe('Qondor Trigger: duplicates', () => {
	it('the same webhookId twice runs once; the second gets 200 "duplicate"', async () => {
		const staticData: IDataObject = {};
		const first = await send(current.OfferAnsweredV1, setup({}, { staticData }));
		const second = await send(current.OfferAnsweredV1, setup({}, { staticData }));
		expect(first.items).toHaveLength(1);
		expect(second.statusCode).toBe(200);
		expect(second.items).toBeUndefined();
		expect(second.body).toEqual({
			status: 'ignored',
			reason: 'duplicate',
			message: 'Event 859c49b3-55ba-46b6-95b2-038a34352e56 was already received',
		});
	});

	it('duplicates are still recognised after a restart (static data saved as JSON and loaded again)', async () => {
		const before: IDataObject = {};
		await send(current.OfferSentV1, setup({}, { staticData: before }));
		const afterRestart = JSON.parse(JSON.stringify(before)) as IDataObject;
		const again = await send(current.OfferSentV1, setup({}, { staticData: afterRestart }));
		expect(again.body?.reason).toBe('duplicate');
		const other = await send(current.ProjectCreatedV1, setup({}, { staticData: afterRestart }));
		expect(other.items).toHaveLength(1);
	});

	it('an event that was not selected is not remembered: selecting it later lets it run', async () => {
		const staticData: IDataObject = {};
		await send(current.OfferSentV1, setup({ topics: ['PingV1'] }, { staticData }));
		const later = await send(current.OfferSentV1, setup({}, { staticData }));
		expect(later.items).toHaveLength(1);
	});

	it('the remembered ids stay bounded however many events arrive', async () => {
		const staticData: IDataObject = {};
		for (let i = 0; i < DEDUP_WINDOW + EVICTION_BATCH + 50; i++) {
			await send(
				{ ...current.PingV1, topic: 'OfferSentV1', webhookId: `id-${i}` },
				setup({}, { staticData, logs: [] }),
			);
		}
		expect(staticData.seenEventCount).toBeGreaterThanOrEqual(DEDUP_WINDOW);
		expect(staticData.seenEventCount).toBeLessThan(DEDUP_WINDOW + EVICTION_BATCH);
		const size = JSON.stringify(staticData).length;
		expect(size).toBeLessThan((DEDUP_WINDOW + EVICTION_BATCH) * 12 + 100);
		// the oldest ids were forgotten, the newest are remembered
		const oldest = await send(
			{ ...current.PingV1, topic: 'OfferSentV1', webhookId: 'id-0' },
			setup({}, { staticData, logs: [] }),
		);
		expect(oldest.items).toHaveLength(1);
		const newest = await send(
			{
				...current.PingV1,
				topic: 'OfferSentV1',
				webhookId: `id-${DEDUP_WINDOW + EVICTION_BATCH + 49}`,
			},
			setup({}, { staticData }),
		);
		expect(newest.body?.reason).toBe('duplicate');
	});
});

describe('Qondor Trigger: bodies that differ from the documentation', () => {
	it('a missing documented field still runs the workflow, shows the issue in the item, and logs a warning', async () => {
		const body = without(sample('qondor', 'OfferSentV1'), 'offerId');
		const outcome = await send(body);
		expect(outcome.statusCode).toBe(200);
		expect(outcome.items).toEqual([
			{
				...body,
				_validation: {
					valid: false,
					issues: [{ path: 'offerId', message: '"offerId" is missing (expected number)' }],
				},
			},
		]);
		expect(outcome.logs).toEqual([
			{
				level: 'warn',
				message:
					'Qondor event OfferSentV1 (84f48600-cdfc-477e-8257-916f9f3f7094) does not match the documented schema: "offerId" is missing (expected number)',
			},
		]);
	});

	it('a wrongly typed field still runs the workflow with the data as sent', async () => {
		const body = { ...sample('qondor', 'ProjectStatusChangedV1'), newStatus: 'Confirmed' };
		const outcome = await send(body);
		expect(outcome.items).toEqual([
			{
				...body,
				_validation: {
					valid: false,
					issues: [{ path: 'newStatus', message: '"newStatus" should be number but is string' }],
				},
			},
		]);
	});

	it('an extra field is not a mismatch and is kept', async () => {
		const body = {
			...sample('qondor', 'OfferSentV1'),
			offerTotal: 1200,
			salesRep: { name: 'Kari' },
		};
		const outcome = await send(body);
		expect(outcome.items).toEqual([body]);
	});

	it('a nested mismatch names the full path', async () => {
		const body = sample('qondor', 'BookingConfirmedV1');
		body.participants[0].isBooker = 'no';
		const outcome = await send(body);
		expect(outcome.items?.[0]._validation).toEqual({
			valid: false,
			issues: [
				{
					path: 'participants[0].isBooker',
					message: '"participants[0].isBooker" should be boolean but is string',
				},
			],
		});
	});

	it('with Reject Invalid Payloads on, a mismatch gets 422 and starts no execution', async () => {
		const body = without(sample('qondor', 'OfferSentV1'), 'offerId');
		const staticData: IDataObject = {};
		const outcome = await send(body, setup({ settings: { rejectInvalid: true } }, { staticData }));
		expect(outcome.statusCode).toBe(422);
		expect(outcome.items).toBeUndefined();
		expect(outcome.body).toEqual({
			status: 'rejected',
			reason: 'invalid-payload',
			message:
				'OfferSentV1 does not match the documented schema: "offerId" is missing (expected number)',
		});
		// a refused event is not remembered: a corrected resend runs
		const fixed = await send(
			sample('qondor', 'OfferSentV1'),
			setup({ settings: { rejectInvalid: true } }, { staticData }),
		);
		expect(fixed.items).toHaveLength(1);
	});

	it('with Reject Invalid Payloads on, a valid event still runs', async () => {
		const outcome = await send(
			current.BookingConfirmedV1,
			setup({ settings: { rejectInvalid: true } }),
		);
		expect(outcome.items).toHaveLength(1);
	});
});

describe('Qondor Trigger: one item per participant', () => {
	function bookingWithThreePeople() {
		const body = sample('qondor', 'BookingConfirmedV1');
		const field = (id: number, internalName: string, answers: string[]) => ({
			customFieldId: id,
			heading: `Heading ${id}`,
			type: 1,
			typeText: 'Single line text',
			internalName,
			answers: answers.map((text) => ({ text })),
		});
		body.booker.participantFieldsV2 = [field(1, 'dietaryNeeds', ['Vegetarian'])];
		body.participants = [
			{
				...body.participants[0],
				participantReference: 'p-1',
				firstName: 'Ada',
				participantFieldsV2: [field(1, 'dietaryNeeds', []), field(2, 'workshops', ['A', 'C'])],
			},
			{
				...body.participants[0],
				participantReference: 'p-2',
				firstName: 'Grace',
				participantFieldsV2: [field(3, '', ['Oslo'])],
			},
			// the booker also listed as a participant appears once
			{ ...body.booker },
		];
		return body;
	}

	it('emits the booker and each participant with their custom fields and the booking context', async () => {
		const body = bookingWithThreePeople();
		const outcome = await send(body, setup({ settings: { bookingOutput: 'participant' } }));
		const { booker, participants, ...context } = body;
		expect(outcome.items).toEqual([
			{ ...booker, customFields: { dietaryNeeds: 'Vegetarian' }, booking: context },
			{
				...participants[0],
				customFields: { dietaryNeeds: null, workshops: 'A, C' },
				booking: context,
			},
			{ ...participants[1], customFields: { 'Heading 3': 'Oslo' }, booking: context },
		]);
		expect(outcome.items?.[0].booking).toMatchObject({
			webhookId: '3b2a1c0d-4e5f-6a7b-8c9d-0e1f2a3b4c5d',
			bookingReference: 12345,
			projectName: '[Project Name]',
			officeInternalName: '[Office Name]',
			billingAddress: { city: '[City]' },
		});
	});

	it('the seed booking gives two items: booker first, then the participant', async () => {
		const outcome = await send(
			current.BookingConfirmedV1,
			setup({ settings: { bookingOutput: 'participant' } }),
		);
		expect(outcome.items?.map((item) => [item.participantReference, item.isBooker])).toEqual([
			['11111111-1111-1111-1111-111111111111', true],
			['22222222-2222-2222-2222-222222222222', false],
		]);
	});

	it('a booking without people still reaches the workflow as one item', async () => {
		const body = without(sample('qondor', 'BookingConfirmedV1'), 'booker', 'participants');
		const outcome = await send(body, setup({ settings: { bookingOutput: 'participant' } }));
		expect(outcome.items).toHaveLength(1);
		expect(outcome.items?.[0].bookingReference).toBe(12345);
		expect((outcome.items?.[0]._validation as IDataObject).valid).toBe(false);
	});
});

describe('Qondor Webhook Header credential test', () => {
	const test = node.methods.credentialTest.qondorWebhookApiTest;
	const run = async (data: IDataObject) =>
		await test.call({} as never, { id: '1', name: 'c', type: 'qondorWebhookApi', data } as never);

	it('accepts a header name and a long value', async () => {
		expect(await run({ headerName: HEADER, headerSecret: SECRET })).toEqual({
			status: 'OK',
			message: `Requests must carry the header ${HEADER} with this value`,
		});
	});

	it.each([
		[
			{ headerName: 'X Token', headerSecret: SECRET },
			'Header Name must be a valid HTTP header name',
		],
		[{ headerName: HEADER, headerSecret: '' }, 'Header Value is empty'],
		[{ headerName: HEADER, headerSecret: 'short' }, 'shorter than 16 characters'],
		[{ headerName: HEADER, headerSecret: `${SECRET}\n` }, 'line breaks'],
	])('refuses %j', async (data, message) => {
		const result = await run(data);
		expect(result.status).toBe('Error');
		expect(result.message).toContain(message);
		expect(result.message).not.toContain(SECRET);
	});
});

describe('Qondor Trigger: custom fields named like object internals', () => {
	it.each([
		['an answer', ['Oslo'], 'Oslo'],
		['no answer', [], null],
	])(
		'a custom field named __proto__ with %s is a key of customFields like any other',
		async (_case, answers, value) => {
			const body = sample('qondor', 'BookingConfirmedV1');
			body.booker.participantFieldsV2 = [
				{
					customFieldId: 1,
					heading: 'City',
					type: 1,
					typeText: 'Single line text',
					internalName: '__proto__',
					answers: answers.map((text) => ({ text })),
				},
				{
					customFieldId: 2,
					heading: 'Diet',
					type: 1,
					typeText: 'Single line text',
					internalName: 'dietaryNeeds',
					answers: [{ text: 'Vegan' }],
				},
			];
			const outcome = await send(body);
			const customFields = (outcome.items?.[0].booker as IDataObject).customFields as IDataObject;
			expect(Object.getPrototypeOf(customFields)).toBe(Object.prototype);
			expect(Object.keys(customFields)).toEqual(['__proto__', 'dietaryNeeds']);
			expect(Object.getOwnPropertyDescriptor(customFields, '__proto__')?.value).toBe(value);
			expect(JSON.parse(JSON.stringify(customFields))).toEqual(
				JSON.parse(`{"__proto__":${JSON.stringify(value)},"dietaryNeeds":"Vegan"}`),
			);
		},
	);
});
