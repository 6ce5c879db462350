
import { CrmEventTrigger } from '../../nodes/CrmEvent/CrmEventTrigger.node';
import { sample } from '../../scripts/lib/registry';
import { serve } from '../helpers/harness';
import type { TriggerServer } from '../helpers/harness';
import { gzip } from '../helpers/server';
import { signedRequest } from '../../scripts/lib/senders';

const SECRET = `whsec_${Buffer.from('http-example-signing-key-456').toString('base64')}`;

describe('CRM Event Trigger over real HTTP, signed by the Standard Webhooks reference library', () => {
	const node = new CrmEventTrigger();
	let server: TriggerServer;

	beforeAll(async () => {
		server = await serve(node, {
			parameters: {
				authentication: 'signature',
				events: ['deal.created', 'deal.stageChanged'],
				customEvents: '*.deleted',
				settings: {},
			},
			credentials: { crmEventWebhookApi: { signingSecret: SECRET } },
			staticData: {},
		});
	});

	afterAll(async () => await server.close());

	const post = (body: string | Buffer, headers: Record<string, string>) =>
		server.post(body, headers);

	it('a signed deal.created with unusual spacing and unicode verifies over the exact bytes', async () => {
		const deal = sample('crm', 'deal.created');
		deal.payload.title = 'Lisens — Ærøskøbing 東京';
		// Whitespace and key order that re-serialised JSON would not reproduce.
		const text = JSON.stringify(deal, null, 3).replace('"event":', '"event" :');
		const { headers, raw } = signedRequest('crm', text, SECRET, { id: 'msg_http_1' });
		const { status, outcome } = await post(raw, headers);
		expect(status).toBe(200);
		expect(outcome.items).toEqual([{ ...deal, webhookId: 'msg_http_1' }]);
	});

	it('a gzip-compressed body verifies against the decompressed bytes', async () => {
		const { headers, raw } = signedRequest('crm', sample('crm', 'deal.created'), SECRET, {
			id: 'msg_http_gzip',
		});
		const { status } = await post(gzip(raw), { ...headers, 'content-encoding': 'gzip' });
		expect(status).toBe(200);
	});

	it('a forged signature gets 401 and no execution', async () => {
		const { headers, raw } = signedRequest(
			'crm',
			sample('crm', 'deal.created'),
			`whsec_${Buffer.from('forged-key-for-testing-1234').toString('base64')}`,
			{ id: 'msg_http_forged' },
		);
		const { status, body, outcome } = await post(raw, headers);
		expect(status).toBe(401);
		expect(body.reason).toBe('signature-mismatch');
		expect(outcome.items).toBeUndefined();
	});

	it('a wildcard custom event (*.deleted) runs; an unselected event is acknowledged', async () => {
		const deleted = signedRequest(
			'crm',
			{ ...sample('crm', 'lead.created'), event: 'lead.deleted' },
			SECRET,
		);
		expect((await post(deleted.raw, deleted.headers)).outcome.items).toHaveLength(1);
		const created = signedRequest('crm', sample('crm', 'lead.created'), SECRET);
		const ignored = await post(created.raw, created.headers);
		expect(ignored.status).toBe(200);
		expect(ignored.body.reason).toBe('not-selected');
	});

	it('a replay of an accepted request is a duplicate', async () => {
		const { headers, raw } = signedRequest(
			'crm',
			{ ...sample('crm', 'deal.created'), event: 'deal.stageChanged' },
			SECRET,
			{ id: 'msg_http_replay' },
		);
		expect((await post(raw, headers)).status).toBe(200);
		const replay = await post(raw, headers);
		expect(replay.status).toBe(200);
		expect(replay.body.reason).toBe('duplicate');
	});
});
