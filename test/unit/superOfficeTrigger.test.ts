import type { IDataObject } from 'n8n-workflow';

import { superOfficeEvents } from '../../nodes/SuperOffice/events';
import { SuperOfficeTrigger } from '../../nodes/SuperOffice/SuperOfficeTrigger.node';
import { loadSamples, sample } from '../../scripts/lib/registry';
import { runWebhook } from '../helpers/harness';
import type { NodeSetup } from '../helpers/harness';
import { bodySignature, sentNow } from '../../scripts/lib/senders';
import { defaultParameters } from '../../scripts/lib/setup';

const SECRET = 'superoffice-example-value-7788';
const node = new SuperOfficeTrigger();
/** The quote events as SuperOffice documents them (Timestamp 2018-04-24T08:13:02.8352175Z)… */
const documented = Object.fromEntries(
	Object.entries(loadSamples('superoffice')).filter(([event]) => event.startsWith('quote.')),
);
/** …and as SuperOffice sends them now. */
const quotes = Object.fromEntries(
	Object.entries(documented).map(([event, body]) => [event, sentNow('superoffice', body)]),
);

function setup(parameters: IDataObject = {}, extra: Partial<NodeSetup> = {}): NodeSetup {
	return {
		parameters: { ...defaultParameters('superoffice'), ...parameters },
		credentials: { superOfficeWebhookApi: { webhookSecret: SECRET } },
		...extra,
	};
}

/** A delivery as SuperOffice sends it: mixed-case header names, as in its documentation. */
function signed(
	body: IDataObject | string,
	extraHeaders: Record<string, string> = {},
	secret = SECRET,
) {
	const text = typeof body === 'string' ? body : JSON.stringify(body, null, 2);
	const raw = Buffer.from(text, 'utf8');
	const event = typeof body === 'string' ? 'quote.approved' : String(body.Event);
	const eventId =
		typeof body === 'string' ? '00000000-0000-0000-0000-000000000000' : String(body.EventId);
	return {
		raw,
		headers: {
			'Content-Type': 'application/json; charset=utf-8',
			'User-Agent': 'NetServer-Webhook/8.8.6684.1719',
			'X-Superoffice-Event': event,
			'X-Superoffice-Eventid': eventId,
			'X-Superoffice-Signature': bodySignature(raw, secret),
			...extraHeaders,
		},
	};
}

async function deliver(
	request: { headers: Record<string, string | undefined>; raw: Buffer },
	nodeSetup = setup(),
) {
	return await runWebhook(node, request, nodeSetup);
}

/** The test event SuperOffice sends when a webhook is saved. */
function testEvent(): IDataObject {
	return sentNow('superoffice', sample('superoffice', 'test'));
}

describe('SuperOffice Trigger: quote events', () => {
	it('lists the four quote events first, then the rest of the catalogue', () => {
		const values = superOfficeEvents.map((event) => event.value);
		expect(values.slice(0, 4)).toEqual([
			'quote.approved',
			'quote.ordered',
			'quote.rejected',
			'quote.sent',
		]);
		for (const event of [
			'contact.created',
			'person.changed',
			'sale.sold',
			'project.deleted',
			'activity.created',
			'document.edited',
			'ticket.changed',
			'chatsession.message',
			'contact.softdeleted',
			'person.consented',
			'salestakeholder.deleted',
			'projectmember.created',
			'relation.changed',
			'associate.deleted',
		]) {
			expect(values).toContain(event);
		}
		const panelOptions = node.description.properties.find((property) => property.name === 'events')
			?.options as unknown as IDataObject[];
		expect(panelOptions.slice(0, 5).map((option) => option.value)).toEqual([
			'*',
			'quote.approved',
			'quote.ordered',
			'quote.rejected',
			'quote.sent',
		]);
	});

	it.each(Object.entries(quotes))(
		'a signed %s starts one execution with PrimaryKey 527331 and the delivery headers',
		async (event, body) => {
			const outcome = await deliver(signed(body, { 'X-SuperOffice-Retry': '0' }));
			expect(outcome.statusCode).toBe(200);
			expect(outcome.items).toEqual([
				{
					...body,
					_delivery: {
						event,
						eventId: '1fc5752a-6de8-412d-847a-12d5529a0ec6',
						retry: 0,
						hookTest: false,
						userAgent: 'NetServer-Webhook/8.8.6684.1719',
					},
				},
			]);
			expect(outcome.items?.[0].PrimaryKey).toBe(527331);
			expect(outcome.logs).toEqual([]);
		},
	);

	it('the seed quote.approved, signed exactly as the seed request, verifies', async () => {
		// The seed's own request: body bytes as printed in SuperOffice's documentation, received
		// three seconds after its Timestamp.
		const seed = documented['quote.approved'];
		const clock = jest
			.spyOn(Date, 'now')
			.mockReturnValue(Date.parse(String(seed.Timestamp)) + 3000);
		try {
			const outcome = await deliver(signed(seed));
			expect(outcome.items).toHaveLength(1);
		} finally {
			clock.mockRestore();
		}
	});
});

describe('SuperOffice Trigger: signature', () => {
	const body = quotes['quote.sent'];

	it('a missing signature gets 401 and no execution', async () => {
		const request = signed(body);
		delete (request.headers as Record<string, string>)['X-Superoffice-Signature'];
		const outcome = await deliver(request);
		expect(outcome.statusCode).toBe(401);
		expect(outcome.body).toEqual({
			status: 'rejected',
			reason: 'missing-signature',
			message: 'Missing X-SuperOffice-Signature header',
		});
		expect(outcome.items).toBeUndefined();
	});

	it('a signature made with another secret gets 401, and the secret is never shown', async () => {
		const outcome = await deliver(signed(body, {}, 'some-other-secret'));
		expect(outcome.statusCode).toBe(401);
		expect(outcome.body?.reason).toBe('signature-mismatch');
		expect(JSON.stringify(outcome)).not.toContain(SECRET);
	});

	it('a body changed after signing gets 401', async () => {
		const request = signed(body);
		request.raw = Buffer.from(request.raw.toString().replace('527331', '527332'));
		expect((await deliver(request)).statusCode).toBe(401);
	});

	it('a signature that is not base64 gets 401', async () => {
		expect(
			(await deliver(signed(body, { 'X-Superoffice-Signature': 'not base64!' }))).statusCode,
		).toBe(401);
	});

	it('header names are matched whatever their casing', async () => {
		const request = signed(body);
		const headers = Object.fromEntries(
			Object.entries(request.headers).map(([name, value]) => [name.toUpperCase(), value]),
		);
		const outcome = await deliver({ raw: request.raw, headers });
		expect(outcome.statusCode).toBe(200);
		expect((outcome.items?.[0]._delivery as IDataObject).eventId).toBe(
			'1fc5752a-6de8-412d-847a-12d5529a0ec6',
		);
	});

	it('a credential without a secret answers 500 with a configuration message', async () => {
		const outcome = await deliver(signed(body), {
			...setup(),
			credentials: { superOfficeWebhookApi: { webhookSecret: '' } },
		});
		expect(outcome.statusCode).toBe(500);
		expect(outcome.body?.message).toBe('The credential has no webhook secret');
	});
});

describe('SuperOffice Trigger: the test event', () => {
	it('with a secret, a signed test event gets 200 and starts no execution', async () => {
		const outcome = await deliver(signed(testEvent(), { 'X-Hook-Test': 'true' }));
		expect(outcome.statusCode).toBe(200);
		expect(outcome.items).toBeUndefined();
		expect(outcome.body).toEqual({
			status: 'ok',
			reason: 'handshake',
			message: 'SuperOffice connection check received',
		});
	});

	it('with a secret, an unsigned test event gets 401 (SuperOffice signs it)', async () => {
		const request = signed(testEvent(), { 'X-Hook-Test': 'true' });
		delete (request.headers as Record<string, string>)['X-Superoffice-Signature'];
		expect((await deliver(request)).statusCode).toBe(401);
	});

	it('the test event is told by its signed body: a signed body that is not JSON is not one, whatever X-Hook-Test says', async () => {
		const outcome = await deliver(signed('not json at all', { 'X-Hook-Test': 'true' }));
		expect(outcome.statusCode).toBe(200);
		expect(outcome.body?.reason).toBe('invalid-body');
	});

	it('an Event "test" without the X-Hook-Test header is also the test event', async () => {
		const outcome = await deliver(signed(testEvent()));
		expect(outcome.statusCode).toBe(200);
		expect(outcome.body?.reason).toBe('handshake');
	});

	it('an X-Hook-Test header does not turn a signed business event into a test event', async () => {
		const outcome = await deliver(
			signed(quotes['quote.sent'], { 'X-Hook-Test': 'true' }),
			setup({ events: ['quote.approved'], settings: { runOnTestEvent: true } }),
		);
		expect(outcome.statusCode).toBe(200);
		expect(outcome.body?.reason).toBe('not-selected');
		expect(outcome.items).toBeUndefined();
	});

	it('a signed business event carrying an unsigned X-Hook-Test header still starts the workflow', async () => {
		const outcome = await deliver(signed(quotes['quote.approved'], { 'X-Hook-Test': 'true' }));
		expect(outcome.statusCode).toBe(200);
		expect(outcome.body?.reason).toBe('started');
		expect(outcome.items?.[0]).toMatchObject({ Event: 'quote.approved' });
	});

	it('without a secret (Authentication None) the test event gets 200', async () => {
		const outcome = await deliver(
			{
				raw: Buffer.from(JSON.stringify(testEvent())),
				headers: { 'x-hook-test': 'true', 'content-type': 'application/json; charset=utf-8' },
			},
			setup({ authentication: 'none' }, { credentials: {} }),
		);
		expect(outcome.statusCode).toBe(200);
		expect(outcome.items).toBeUndefined();
		const warning = node.description.properties.find(
			(property) => property.name === 'noAuthWarning',
		);
		expect(warning?.displayName).toContain('Requests are not verified');
	});

	it('with Run on Test Event on, the test event starts an execution', async () => {
		const outcome = await deliver(
			signed(testEvent(), { 'X-Hook-Test': 'true' }),
			setup({ settings: { runOnTestEvent: true } }),
		);
		expect(outcome.items).toHaveLength(1);
		expect(outcome.items?.[0].Event).toBe('test');
		expect((outcome.items?.[0]._delivery as IDataObject).hookTest).toBe(true);
	});
});

describe('SuperOffice Trigger: the rest of the catalogue', () => {
	it('a contact.changed with FieldValues arrives with them', async () => {
		const body = {
			EventId: 'c6a1d2e3-0000-4000-8000-0000000000c1',
			Timestamp: new Date().toISOString(),
			Changes: ['name', 'department'],
			Event: 'contact.changed',
			PrimaryKey: 1234,
			Entity: 'contact',
			ContextIdentifier: 'Cust12345',
			ChangedByAssociateId: 5,
			WebhookName: 'n8n',
			FieldValues: { name: 'Acme Inc.', department: 'Sales', contact_id: 1234 },
		};
		const outcome = await deliver(signed(body, { 'X-SuperOffice-Retry': '2' }));
		expect(outcome.items?.[0]).toMatchObject({
			FieldValues: body.FieldValues,
			Changes: ['name', 'department'],
		});
		expect((outcome.items?.[0]._delivery as IDataObject).retry).toBe(2);
		expect(outcome.items?.[0]).not.toHaveProperty('_validation');
	});

	it('a person.deleted with Values arrives with them', async () => {
		const body = {
			EventId: 'c6a1d2e3-0000-4000-8000-0000000000d1',
			Timestamp: new Date().toISOString(),
			Changes: [],
			Event: 'person.deleted',
			PrimaryKey: 77,
			Entity: 'person',
			ContextIdentifier: 'Cust12345',
			ChangedByAssociateId: 5,
			WebhookName: 'n8n',
			Values: { firstname: 'Ada', lastname: 'Lovelace', person_id: 77 },
		};
		const outcome = await deliver(signed(body));
		expect(outcome.items?.[0].Values).toEqual(body.Values);
		expect(outcome.items?.[0]).not.toHaveProperty('_validation');
	});

	it('custom properties set on the webhook are kept', async () => {
		const body = { ...quotes['quote.ordered'], Tenant: 'north', Priority: 1 };
		const outcome = await deliver(signed(body));
		expect(outcome.items?.[0]).toMatchObject({ Tenant: 'north', Priority: 1 });
	});

	it.each([
		['list.category.created', 'list.*.created', true],
		['list.category.changed', 'list.*.created', false],
		['webhook42.errors', 'webhook*.errors', true],
		['y_equipment.created', 'y_*', true],
	])('%s with custom events "%s" runs: %s', async (event, customEvents, runs) => {
		const body = {
			...quotes['quote.approved'],
			Event: event,
			EventId: `id-${event}`,
			Entity: event.split('.')[0],
		};
		const outcome = await deliver(
			signed(body),
			setup({ events: ['quote.approved'], customEvents }),
		);
		expect(outcome.statusCode).toBe(200);
		if (runs) {
			expect(outcome.items).toHaveLength(1);
			expect(outcome.items?.[0]._validation).toEqual({
				valid: true,
				unknownEvent: true,
				issues: [],
			});
		} else {
			expect(outcome.body?.reason).toBe('not-selected');
		}
	});

	it('an event that is not selected gets 200 and no execution', async () => {
		const outcome = await deliver(
			signed(quotes['quote.rejected']),
			setup({ events: ['quote.approved'] }),
		);
		expect(outcome.statusCode).toBe(200);
		expect(outcome.body).toEqual({
			status: 'ignored',
			reason: 'not-selected',
			message: 'quote.rejected is not selected on this trigger',
		});
	});
});

describe('SuperOffice Trigger: never an error status for an authenticated delivery', () => {
	it.each([
		['malformed JSON', '{"Event": "quote.sent", '],
		['a JSON array', '[]'],
		['an empty body', ''],
	])('%s, signed, gets 200 with the reason and no execution', async (_case, text) => {
		const outcome = await deliver(signed(text));
		expect(outcome.statusCode).toBe(200);
		expect(outcome.body?.status).toBe('ignored');
		expect(outcome.body?.reason).toBe('invalid-body');
		expect(outcome.items).toBeUndefined();
		expect(outcome.logs[0].level).toBe('warn');
	});

	it('a body without Event is not named by the X-SuperOffice-Event header, which is not signed', async () => {
		const body = { ...quotes['quote.sent'] } as IDataObject;
		delete body.Event;
		const outcome = await deliver(signed(body, { 'X-Superoffice-Event': 'quote.sent' }));
		expect(outcome.statusCode).toBe(200);
		expect(outcome.body?.reason).toBe('missing-event');
		expect(outcome.body?.message).toBe('The body has no "Event" field naming the event');
		expect(outcome.items).toBeUndefined();
		expect(outcome.logs[0].level).toBe('warn');
	});

	it('a body with no event name anywhere gets 200, not 400', async () => {
		const body = { ...quotes['quote.sent'] } as IDataObject;
		delete body.Event;
		const request = signed(body);
		delete (request.headers as Record<string, string>)['X-Superoffice-Event'];
		const outcome = await deliver(request);
		expect(outcome.statusCode).toBe(200);
		expect(outcome.body?.reason).toBe('missing-event');
	});

	it('a body with wrongly typed fields still runs the workflow', async () => {
		const body = { ...quotes['quote.approved'], PrimaryKey: '527331' };
		const outcome = await deliver(signed(body));
		expect(outcome.statusCode).toBe(200);
		expect(outcome.items?.[0]._validation).toEqual({
			valid: false,
			issues: [{ path: 'PrimaryKey', message: '"PrimaryKey" should be number but is string' }],
		});
	});
});

describe('SuperOffice Trigger: duplicates', () => {
	it('the same EventId twice runs once', async () => {
		const staticData: IDataObject = {};
		expect(
			(await deliver(signed(quotes['quote.approved']), setup({}, { staticData }))).items,
		).toHaveLength(1);
		const again = await deliver(
			signed(quotes['quote.approved'], { 'X-SuperOffice-Retry': '1' }),
			setup({}, { staticData }),
		);
		expect(again.statusCode).toBe(200);
		expect(again.body?.reason).toBe('duplicate');
	});

	it('a copy with another X-SuperOffice-EventId header is still a duplicate: the id comes from the signed body', async () => {
		const staticData: IDataObject = {};
		const body = quotes['quote.sent'];
		const first = await deliver(signed(body), setup({}, { staticData }));
		expect(first.items).toHaveLength(1);
		const copy = await deliver(
			signed(body, { 'X-Superoffice-Eventid': 'another-id' }),
			setup({}, { staticData }),
		);
		expect(copy.body?.reason).toBe('duplicate');
		expect(copy.items).toBeUndefined();
	});

	it('a body without EventId runs, says so, and is de-duplicated on its signed bytes, not on the header', async () => {
		const staticData: IDataObject = {};
		const body = { ...quotes['quote.sent'] } as IDataObject;
		delete body.EventId;
		const first = await deliver(
			signed(body, { 'X-Superoffice-Eventid': 'header-1' }),
			setup({}, { staticData }),
		);
		expect(first.items).toHaveLength(1);
		expect(first.items?.[0]._validation).toEqual({
			valid: false,
			issues: [{ path: 'EventId', message: '"EventId" is missing (expected string)' }],
		});
		// The same bytes again, under any EventId header: a duplicate.
		const copy = await deliver(
			signed(body, { 'X-Superoffice-Eventid': 'header-2' }),
			setup({}, { staticData }),
		);
		expect(copy.body?.reason).toBe('duplicate');
		// Another event without EventId (another signed time) runs.
		const other = { ...body, Timestamp: new Date(Date.now() + 1000).toISOString() };
		const next = await deliver(signed(other), setup({}, { staticData }));
		expect(next.items).toHaveLength(1);
	});
});

describe('SuperOffice Trigger: replay window on the signed Timestamp', () => {
	const at = (secondsAgo: number) => ({
		...quotes['quote.approved'],
		EventId: `replay-${secondsAgo}-${Math.random()}`,
		Timestamp: new Date(Date.now() - secondsAgo * 1000).toISOString(),
	});

	it.each([
		[0, true],
		[299, true],
		[-299, true],
		[301, false],
		[-301, false],
		[7 * 24 * 3600, false],
	])('a signed delivery %i seconds old runs: %s (default window 300 s)', async (age, runs) => {
		const outcome = await deliver(signed(at(age)));
		expect(outcome.statusCode).toBe(200);
		if (runs) {
			expect(outcome.items).toHaveLength(1);
		} else {
			expect(outcome.items).toBeUndefined();
			expect(outcome.body?.status).toBe('ignored');
			expect(outcome.body?.reason).toBe('outside-window');
			expect(outcome.body?.message).toMatch(
				/deliveries more than 300 seconds from this server's clock start nothing/,
			);
			expect(outcome.logs.map((log) => log.level)).toEqual(['warn']);
		}
	});

	it('a captured delivery sent again after its id left the de-duplication window starts nothing', async () => {
		const staticData: IDataObject = {};
		const captured = signed(at(0));
		expect((await deliver(captured, setup({}, { staticData }))).items).toHaveLength(1);
		// Twenty minutes later, after more than 1,000 other events: the id is forgotten.
		const later = Date.now() + 20 * 60 * 1000;
		const clock = jest.spyOn(Date, 'now').mockReturnValue(later);
		try {
			for (let i = 0; i < 1101; i++) {
				const other = { ...at(0), Timestamp: new Date(later).toISOString() };
				await deliver(signed(other), setup({}, { staticData }));
			}
			const replay = await deliver(captured, setup({}, { staticData }));
			expect(replay.items).toBeUndefined();
			expect(replay.body?.reason).toBe('outside-window');
			// It is the window that stops it: with one wider than twenty minutes, the copy runs.
			const wider = setup({ settings: { replayWindowSeconds: 3600 } }, { staticData });
			expect((await deliver(captured, wider)).items).toHaveLength(1);
		} finally {
			clock.mockRestore();
		}
	});

	it('the window is an option, clamped to 1..3600 seconds whatever the workflow holds', async () => {
		expect(
			(await deliver(signed(at(90)), setup({ settings: { replayWindowSeconds: 60 } }))).items,
		).toBeUndefined();
		expect(
			(await deliver(signed(at(900)), setup({ settings: { replayWindowSeconds: 1200 } }))).items,
		).toHaveLength(1);
		expect(
			(await deliver(signed(at(7200)), setup({ settings: { replayWindowSeconds: 1e9 } }))).items,
		).toBeUndefined();
		expect(
			(await deliver(signed(at(200)), setup({ settings: { replayWindowSeconds: 0 } }))).items,
		).toHaveLength(1);
	});

	it('without verification (Authentication None) nothing is signed, and the Timestamp is not judged', async () => {
		const body = at(3600);
		const outcome = await deliver(
			{ raw: Buffer.from(JSON.stringify(body)), headers: { 'content-type': 'application/json' } },
			setup({ authentication: 'none' }, { credentials: {} }),
		);
		expect(outcome.items).toHaveLength(1);
	});

	it('a Timestamp that is missing runs the event and says so', async () => {
		const body = at(0) as IDataObject;
		delete body.Timestamp;
		const outcome = await deliver(signed(body));
		expect(outcome.items).toHaveLength(1);
		expect(outcome.items?.[0]._validation).toEqual({
			valid: false,
			issues: [{ path: 'Timestamp', message: '"Timestamp" is missing (expected string)' }],
		});
	});
});

describe('SuperOffice Trigger: a signed Timestamp the window cannot read', () => {
	const withTimestamp = (Timestamp: string | number): IDataObject => ({
		...quotes['quote.approved'],
		EventId: `unreadable-${Math.random()}`,
		Timestamp,
	});
	const issueAbout = (value: string) => ({
		path: 'Timestamp',
		message: `"Timestamp" (${value}) is not a date and time such as 2026-12-02T17:00:00Z, so the delivery could not be checked for a replay`,
	});

	it.each([
		['an RFC 1123 date', 'Wed, 02 Dec 2026 17:00:00 GMT', '"Wed, 02 Dec 2026 17:00:00 GMT"'],
		['over 40 characters', `${new Date().toISOString()}${' '.repeat(20)}`, undefined],
		['not a date at all', 'yesterday', '"yesterday"'],
	])('%s: the event runs, and its item and n8n’s log say it was not judged', async (_case, value, shown) => {
		const outcome = await deliver(signed(withTimestamp(value)));
		expect(outcome.statusCode).toBe(200);
		expect(outcome.items).toHaveLength(1);
		const validation = outcome.items?.[0]._validation as IDataObject;
		expect(validation.valid).toBe(false);
		expect((validation.issues as IDataObject[])[0]).toEqual(
			issueAbout(shown ?? `"${String(value).slice(0, 40)}"`),
		);
		expect(outcome.logs.find((log) => log.level === 'warn')?.message).toContain(
			'could not be checked for a replay',
		);
	});

	it('a number: the event runs, flagged both as unreadable and as the wrong type', async () => {
		const outcome = await deliver(signed(withTimestamp(Date.now())));
		expect(outcome.items).toHaveLength(1);
		const issues = (outcome.items?.[0]._validation as IDataObject).issues as IDataObject[];
		expect(issues).toEqual([
			issueAbout('number'),
			{ path: 'Timestamp', message: '"Timestamp" should be string but is number' },
		]);
	});

	it('an ISO time without a zone is read as UTC and judged', async () => {
		const old = new Date(Date.now() - 3600_000).toISOString().replace('Z', '');
		const outcome = await deliver(signed(withTimestamp(old)));
		expect(outcome.items).toBeUndefined();
		expect(outcome.body?.reason).toBe('outside-window');
	});
});

describe('SuperOffice webhook secret credential test', () => {
	const test = node.methods.credentialTest.superOfficeWebhookApiTest;
	const run = async (data: IDataObject) =>
		await test.call(
			{} as never,
			{ id: '1', name: 'c', type: 'superOfficeWebhookApi', data } as never,
		);

	it('accepts a secret', async () => {
		expect((await run({ webhookSecret: SECRET })).status).toBe('OK');
	});

	it.each([
		[{ webhookSecret: '' }, 'empty'],
		[{ webhookSecret: ` ${SECRET}` }, 'spaces'],
	])('refuses %j', async (data, message) => {
		const result = await run(data);
		expect(result.status).toBe('Error');
		expect(result.message).toContain(message);
	});
});

describe('SuperOffice fixtures', () => {
	it('are the four documented quote events', () => {
		expect(Object.keys(quotes).sort()).toEqual([
			'quote.approved',
			'quote.ordered',
			'quote.rejected',
			'quote.sent',
		]);
		expect(sample('superoffice', 'quote.approved').WebhookName).toBe('Name you provided');
	});
});
