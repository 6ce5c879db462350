import { SuperOfficeTrigger } from '../../nodes/SuperOffice/SuperOfficeTrigger.node';
import { sample } from '../../scripts/lib/registry';
import { serve } from '../helpers/harness';
import type { TriggerServer } from '../helpers/harness';
import { bodySignature, sentNow } from '../../scripts/lib/senders';

const SECRET = 'superoffice-example-value-http';

describe('SuperOffice Trigger over real HTTP, signed with node:crypto as SuperOffice documents', () => {
	const node = new SuperOfficeTrigger();
	let server: TriggerServer;

	beforeAll(async () => {
		server = await serve(node, {
			parameters: {
				authentication: 'signature',
				events: ['quote.approved', 'quote.rejected', 'quote.sent', 'quote.ordered'],
				customEvents: '',
				settings: {},
			},
			credentials: { superOfficeWebhookApi: { webhookSecret: SECRET } },
			staticData: {},
		});
	});

	afterAll(async () => await server.close());

	const post = (body: string | Buffer, headers: Record<string, string>) =>
		server.post(body, headers);

	const sign = (text: string) => ({
		'Content-Type': 'application/json; charset=utf-8',
		'X-Superoffice-Event': 'quote.approved',
		'X-Superoffice-Eventid': '1fc5752a-6de8-412d-847a-12d5529a0ec6',
		'X-Superoffice-Signature': bodySignature(text, SECRET),
	});

	it('the test event SuperOffice sends on save is answered 200 without an execution', async () => {
		const text = JSON.stringify({
			EventId: 'e1',
			Timestamp: new Date().toISOString(),
			Changes: [],
			Event: 'test',
			PrimaryKey: 0,
			Entity: 'test',
			ContextIdentifier: 'Cust1',
			ChangedByAssociateId: 0,
			WebhookName: 'n8n',
		});
		const { status, outcome } = await post(text, { ...sign(text), 'X-Hook-Test': 'true' });
		expect(status).toBe(200);
		expect(outcome.items).toBeUndefined();
	});

	it('quote.approved, pretty-printed as in the documentation, verifies over the exact bytes and runs', async () => {
		const text = JSON.stringify(
			sentNow('superoffice', sample('superoffice', 'quote.approved')),
			null,
			2,
		).replace(/\n/g, '\r\n');
		const { status, outcome } = await post(text, sign(text));
		expect(status).toBe(200);
		expect(outcome.items?.[0]).toMatchObject({ Event: 'quote.approved', PrimaryKey: 527331 });
	});

	it('the retry of the same event is acknowledged as a duplicate', async () => {
		const text = JSON.stringify(
			sentNow('superoffice', sample('superoffice', 'quote.approved')),
			null,
			2,
		).replace(/\n/g, '\r\n');
		const { status, body } = await post(text, { ...sign(text), 'X-Superoffice-Retry': '1' });
		expect(status).toBe(200);
		expect(body.reason).toBe('duplicate');
	});

	it('a forged signature gets 401', async () => {
		const text = JSON.stringify({
			...sentNow('superoffice', sample('superoffice', 'quote.sent')),
			EventId: 'forged-1',
		});
		const { status } = await post(text, {
			...sign(text),
			'X-Superoffice-Signature': bodySignature(text, 'guess'),
		});
		expect(status).toBe(401);
	});
});
