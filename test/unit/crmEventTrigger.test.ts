import type { IDataObject } from 'n8n-workflow';

import { CrmEventTrigger } from '../../nodes/CrmEvent/CrmEventTrigger.node';
import { crmEvents } from '../../nodes/CrmEvent/events';
import { loadSamples, sample } from '../../scripts/lib/registry';
import { runWebhook } from '../helpers/harness';
import type { NodeSetup } from '../helpers/harness';
import { signedRequest } from '../../scripts/lib/senders';
import { defaultParameters } from '../../scripts/lib/setup';

import VECTOR from '../fixtures/standard-webhooks-vector.json';

const whsec = (key: string) => `whsec_${Buffer.from(key, 'utf8').toString('base64')}`;
const SECRET = whsec('example-crm-signing-key-001');
const OLD_SECRET = whsec('example-crm-previous-key-002');
const node = new CrmEventTrigger();

function setup(parameters: IDataObject = {}, extra: Partial<NodeSetup> = {}): NodeSetup {
	return {
		parameters: { ...defaultParameters('crm'), ...parameters },
		credentials: { crmEventWebhookApi: { signingSecret: SECRET, previousSigningSecret: '' } },
		...extra,
	};
}

async function deliver(
	request: { headers: Record<string, string | undefined>; raw: Buffer },
	nodeSetup = setup(),
) {
	return await runWebhook(node, request, nodeSetup);
}

const seeds = loadSamples('crm');

describe('CRM Event Trigger: documented events', () => {
	it('lists all 26 documented events', () => {
		expect(crmEvents.map((event) => event.value).sort()).toEqual(
			[
				'lead.created',
				'lead.updated',
				'lead.deleted',
				'lead.stageChanged',
				'deal.created',
				'deal.updated',
				'deal.deleted',
				'deal.stageChanged',
				'client.created',
				'client.updated',
				'client.deleted',
				'contact.created',
				'contact.updated',
				'contact.deleted',
				'contact.stageChanged',
				'invoice.created',
				'invoice.updated',
				'invoice.paid',
				'invoice.deleted',
				'invoice.statusChanged',
				'quotation.created',
				'quotation.updated',
				'quotation.deleted',
				'quotation.statusChanged',
				'payment.received',
				'form.response.created',
			].sort(),
		);
	});

	it.each(Object.entries(seeds))(
		'a signed %s starts one execution with the envelope and its webhook id',
		async (event, body) => {
			const request = signedRequest('crm', body, SECRET, { id: `msg_${event}` });
			const outcome = await deliver(request);
			expect(outcome.statusCode).toBe(200);
			expect(outcome.body).toEqual({
				status: 'accepted',
				reason: 'started',
				message: `${event} started the workflow`,
			});
			expect(outcome.items).toEqual([{ ...body, webhookId: `msg_${event}` }]);
			expect(outcome.logs).toEqual([]);
		},
	);

	it.each([
		['lead.stageChanged', 'lead.created'],
		['deal.deleted', 'deal.created'],
		['client.updated', 'client.created'],
		['invoice.paid', 'invoice.created'],
		['quotation.statusChanged', 'quotation.created'],
		['contact.stageChanged', 'contact.created'],
	])('%s carries the same payload as %s and validates against it', async (event, example) => {
		const body = { ...sample('crm', example), event };
		const outcome = await deliver(signedRequest('crm', body, SECRET));
		expect(outcome.items?.[0]).not.toHaveProperty('_validation');
		expect(outcome.items?.[0].event).toBe(event);
	});

	it('payment.received (undocumented payload) validates as any object', async () => {
		const body = {
			event: 'payment.received',
			timestamp: '2025-01-15T10:30:00.000Z',
			payload: { id: 'pay_1', amount: 100, invoiceId: 'inv_ghi012' },
		};
		const outcome = await deliver(signedRequest('crm', body, SECRET, { id: 'msg_pay' }));
		expect(outcome.items).toEqual([{ ...body, webhookId: 'msg_pay' }]);
	});

	it('the inner object sent as "data" reaches the workflow as "payload"', async () => {
		const { payload, ...envelope } = sample('crm', 'deal.created');
		const outcome = await deliver(
			signedRequest('crm', { ...envelope, data: payload }, SECRET, { id: 'msg_alias' }),
		);
		expect(outcome.items).toEqual([{ ...envelope, payload, webhookId: 'msg_alias' }]);
	});

	it('a deal whose nested client lacks a field still runs, with the issue shown', async () => {
		const body = sample('crm', 'deal.created');
		delete body.payload.client.name;
		const outcome = await deliver(signedRequest('crm', body, SECRET));
		expect(outcome.items?.[0]._validation).toEqual({
			valid: false,
			issues: [
				{
					path: 'payload.client.name',
					message: '"payload.client.name" is missing (expected string)',
				},
			],
		});
		expect(outcome.logs[0].level).toBe('warn');
	});

	it('with Reject Invalid Payloads on, a mismatch gets 422', async () => {
		const body = { ...sample('crm', 'invoice.created') };
		body.payload.total = '25000';
		const outcome = await deliver(
			signedRequest('crm', body, SECRET),
			setup({ settings: { rejectInvalid: true } }),
		);
		expect(outcome.statusCode).toBe(422);
		expect(outcome.items).toBeUndefined();
		expect(outcome.body?.message).toBe(
			'invoice.created does not match the documented schema: "payload.total" should be number but is string',
		);
	});
});

describe('CRM Event Trigger: verification', () => {
	const body = seeds['lead.created'];

	/** The Standard Webhooks test vector as a delivery, to a node holding the vector's secret. */
	const vectorDelivery = () =>
		[
			{
				raw: Buffer.from(VECTOR.body),
				headers: {
					'webhook-id': VECTOR.id,
					'webhook-timestamp': String(VECTOR.timestamp),
					'webhook-signature': VECTOR.signature,
				},
			},
			{ ...setup(), credentials: { crmEventWebhookApi: { signingSecret: VECTOR.secret } } },
		] as const;

	it('the published test vector is refused as stale at the real time', async () => {
		const outcome = await deliver(...vectorDelivery());
		expect(outcome.statusCode).toBe(401);
		expect(outcome.body?.reason).toBe('timestamp-out-of-window');
	});

	it('the published test vector passes with the clock frozen at its timestamp', async () => {
		const now = jest.spyOn(Date, 'now').mockReturnValue(VECTOR.timestamp * 1000);
		try {
			const outcome = await deliver(...vectorDelivery());
			// authenticated, then refused for its content: the vector's body has no "event" field
			expect(outcome.statusCode).toBe(400);
			expect(outcome.body?.reason).toBe('missing-event');
		} finally {
			now.mockRestore();
		}
	});

	it.each([
		[-300, 200],
		[-301, 401],
		[300, 200],
		[301, 401],
	])('a request signed %i s from now gets %i', async (offset, status) => {
		const nowSeconds = 1_900_000_000;
		const now = jest.spyOn(Date, 'now').mockReturnValue(nowSeconds * 1000);
		try {
			const outcome = await deliver(
				signedRequest('crm', body, SECRET, { timestamp: nowSeconds + offset }),
			);
			expect(outcome.statusCode).toBe(status);
		} finally {
			now.mockRestore();
		}
	});

	it('the tolerance option narrows the window', async () => {
		const request = signedRequest('crm', body, SECRET, {
			timestamp: Math.floor(Date.now() / 1000) - 120,
		});
		expect((await deliver(request, setup({ settings: { toleranceSeconds: 60 } }))).statusCode).toBe(
			401,
		);
		expect(
			(await deliver(request, setup({ settings: { toleranceSeconds: 600 } }))).statusCode,
		).toBe(200);
	});

	it('a tolerance of 0 does not switch the check off: the default window applies', async () => {
		const stale = signedRequest('crm', body, SECRET, {
			timestamp: Math.floor(Date.now() / 1000) - 3600,
		});
		expect((await deliver(stale, setup({ settings: { toleranceSeconds: 0 } }))).statusCode).toBe(
			401,
		);
		const fresh = signedRequest('crm', body, SECRET, {
			timestamp: Math.floor(Date.now() / 1000) - 200,
		});
		expect((await deliver(fresh, setup({ settings: { toleranceSeconds: 0 } }))).statusCode).toBe(
			200,
		);
	});

	it.each(['webhook-id', 'webhook-timestamp', 'webhook-signature'])(
		'a request without %s gets 401 naming it',
		async (header) => {
			const request = signedRequest('crm', body, SECRET);
			delete request.headers[header];
			const outcome = await deliver(request);
			expect(outcome.statusCode).toBe(401);
			expect(outcome.body?.message).toBe(`Missing ${header} header`);
			expect(outcome.items).toBeUndefined();
		},
	);

	it('a body altered by one byte gets 401', async () => {
		const request = signedRequest('crm', body, SECRET);
		request.raw[request.raw.length - 2] ^= 1;
		const outcome = await deliver(request);
		expect(outcome.statusCode).toBe(401);
		expect(outcome.body?.reason).toBe('signature-mismatch');
	});

	it('a request signed with another secret gets 401 and never shows a secret', async () => {
		const outcome = await deliver(signedRequest('crm', body, whsec('someone-elses-secret-key!')));
		expect(outcome.statusCode).toBe(401);
		expect(JSON.stringify(outcome)).not.toContain(SECRET.slice(6));
	});

	it('multi-signature headers: a valid second entry passes, v1a alone and garbage fail', async () => {
		const signed = signedRequest('crm', body, SECRET);
		const valid = signed.headers['webhook-signature'];
		const other = signedRequest('crm', body, OLD_SECRET, {
			id: signed.headers['webhook-id'],
			timestamp: Number(signed.headers['webhook-timestamp']),
		});
		signed.headers['webhook-signature'] = `${other.headers['webhook-signature']} ${valid}`;
		expect((await deliver(signed)).statusCode).toBe(200);

		const v1a = signedRequest('crm', body, SECRET);
		v1a.headers['webhook-signature'] = v1a.headers['webhook-signature'].replace('v1,', 'v1a,');
		expect((await deliver(v1a)).body?.reason).toBe('no-v1-signature');

		const garbage = signedRequest('crm', body, SECRET);
		garbage.headers['webhook-signature'] = 'v1,AAAA v1,%%% nonsense';
		expect((await deliver(garbage)).statusCode).toBe(401);
	});

	it('during a rotation, requests signed with the current or the previous secret both pass', async () => {
		const rotating = setup(
			{},
			{
				credentials: {
					crmEventWebhookApi: { signingSecret: SECRET, previousSigningSecret: OLD_SECRET },
				},
			},
		);
		expect((await deliver(signedRequest('crm', body, SECRET), rotating)).statusCode).toBe(200);
		expect((await deliver(signedRequest('crm', body, OLD_SECRET), rotating)).statusCode).toBe(200);
		expect((await deliver(signedRequest('crm', body, OLD_SECRET))).statusCode).toBe(401);
	});

	it('a malformed secret in the credential is a clear configuration error, not a crash', async () => {
		const outcome = await deliver(signedRequest('crm', body, SECRET), {
			...setup(),
			credentials: { crmEventWebhookApi: { signingSecret: 'whsec_not base64!' } },
		});
		expect(outcome.statusCode).toBe(500);
		expect(outcome.body).toEqual({
			status: 'rejected',
			reason: 'configuration',
			message: 'The signing secret is not a Standard Webhooks secret (whsec_ followed by base64)',
		});
		expect(JSON.stringify(outcome)).not.toContain('not base64!');
	});

	it('with Authentication None an unsigned request runs, and the panel warns about it', async () => {
		const outcome = await deliver(
			{ raw: Buffer.from(JSON.stringify(body)), headers: { 'content-type': 'application/json' } },
			setup({ authentication: 'none' }, { credentials: {} }),
		);
		expect(outcome.items).toEqual([{ ...body, webhookId: null }]);
		const warning = node.description.properties.find(
			(property) => property.name === 'noAuthWarning',
		);
		expect(warning?.displayOptions).toEqual({ show: { authentication: ['none'] } });
		expect(warning?.displayName).toContain('anyone who knows the URL can start this workflow');
	});
});

describe('CRM Event Trigger: selection and duplicates', () => {
	const stage = { ...sample('crm', 'deal.created'), event: 'deal.stageChanged' };

	it.each([
		[['deal.stageChanged'], '', true],
		[['lead.created'], '', false],
		[[], 'deal.*', true],
		[[], '*.stageChanged', true],
		[[], '*.deleted', false],
		[['lead.created'], 'invoice.*, deal.*', true],
	])(
		'events %j with custom "%s" selects deal.stageChanged: %s',
		async (events, customEvents, selected) => {
			const outcome = await deliver(
				signedRequest('crm', stage, SECRET),
				setup({ events, customEvents }),
			);
			expect(outcome.statusCode).toBe(200);
			if (selected) expect(outcome.items).toHaveLength(1);
			else
				expect(outcome.body).toEqual({
					status: 'ignored',
					reason: 'not-selected',
					message: 'deal.stageChanged is not selected on this trigger',
				});
		},
	);

	it('an unknown event matched by a custom pattern runs and is marked unknown', async () => {
		const body = {
			event: 'webinar.booked',
			timestamp: '2025-01-15T10:30:00.000Z',
			payload: { id: 'wb_1' },
		};
		const outcome = await deliver(
			signedRequest('crm', body, SECRET, { id: 'msg_web' }),
			setup({ events: [], customEvents: 'webinar.*' }),
		);
		expect(outcome.items).toEqual([
			{
				...body,
				webhookId: 'msg_web',
				_validation: { valid: true, unknownEvent: true, issues: [] },
			},
		]);
	});

	it('an unknown event is acknowledged without execution when Unknown Events is Acknowledge Only', async () => {
		const body = { event: 'webinar.booked', timestamp: '2025-01-15T10:30:00.000Z', payload: {} };
		const outcome = await deliver(
			signedRequest('crm', body, SECRET),
			setup({ settings: { unknownEvents: 'acknowledge' } }),
		);
		expect(outcome.body?.reason).toBe('unknown-event');
		expect(outcome.items).toBeUndefined();
	});

	it('the same webhook-id twice runs once, also after a restart', async () => {
		const staticData: IDataObject = {};
		const request = signedRequest('crm', seeds['invoice.created'], SECRET, { id: 'msg_dup' });
		expect((await deliver(request, setup({}, { staticData }))).items).toHaveLength(1);
		const restarted = JSON.parse(JSON.stringify(staticData)) as IDataObject;
		const again = await deliver(
			signedRequest('crm', seeds['invoice.created'], SECRET, { id: 'msg_dup' }),
			setup({}, { staticData: restarted }),
		);
		expect(again.body).toEqual({
			status: 'ignored',
			reason: 'duplicate',
			message: 'Event msg_dup was already received',
		});
	});

	it('an event without an "event" field gets 400 naming it', async () => {
		const outcome = await deliver(signedRequest('crm', { timestamp: 'x', payload: {} }, SECRET));
		expect(outcome.statusCode).toBe(400);
		expect(outcome.body?.message).toBe('The body has no "event" field naming the event');
	});
});

describe('CRM signing secret credential test', () => {
	const test = node.methods.credentialTest.crmEventWebhookApiTest;
	const run = async (data: IDataObject) =>
		await test.call({} as never, { id: '1', name: 'c', type: 'crmEventWebhookApi', data } as never);

	it('accepts a whsec_ secret, and a rotation pair', async () => {
		expect(await run({ signingSecret: SECRET })).toEqual({
			status: 'OK',
			message: 'The signing secret is valid',
		});
		expect(
			(await run({ signingSecret: SECRET, previousSigningSecret: OLD_SECRET })).message,
		).toContain('Both secrets');
	});

	it.each([
		[{ signingSecret: '' }, 'The credential has no signing secret'],
		[{ signingSecret: 'whsec_***' }, 'The signing secret is not a Standard Webhooks secret'],
		[
			{ signingSecret: SECRET, previousSigningSecret: 'whsec_ nope' },
			'The previous signing secret is not',
		],
	])('refuses %j', async (data, message) => {
		const result = await run(data);
		expect(result.status).toBe('Error');
		expect(result.message).toContain(message);
	});
});
