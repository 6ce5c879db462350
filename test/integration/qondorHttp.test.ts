
import { QondorTrigger } from '../../nodes/Qondor/QondorTrigger.node';
import { sample } from '../../scripts/lib/registry';
import { serve } from '../helpers/harness';
import type { TriggerServer } from '../helpers/harness';
import { gzip } from '../helpers/server';

const HEADER = 'X-Qondor-Webhook-Token';
const SECRET = 'qondor-example-value-0b7d3c11';

describe('Qondor Trigger over real HTTP', () => {
	const node = new QondorTrigger();
	let server: TriggerServer;

	beforeAll(async () => {
		server = await serve(node, {
			parameters: {
				authentication: 'headerAuth',
				topics: ['*'],
				settings: { bookingOutput: 'participant' },
			},
			credentials: { qondorWebhookApi: { headerName: HEADER, headerSecret: SECRET } },
			staticData: {},
		});
	});

	afterAll(async () => await server.close());

	const post = (body: string | Buffer, headers: Record<string, string>) =>
		server.post(body, headers);

	it('a booking sent with gzip content-encoding arrives whole, one item per person', async () => {
		const booking = sample('qondor', 'BookingConfirmedV1');
		const { status, outcome } = await post(gzip(JSON.stringify(booking)), {
			'content-type': 'application/json',
			'content-encoding': 'gzip',
			[HEADER]: SECRET,
		});
		expect(status).toBe(200);
		expect(outcome.items?.map((item) => item.participantReference)).toEqual([
			booking.booker.participantReference,
			booking.participants[0].participantReference,
		]);
	});

	it('bytes outside ASCII survive the socket unchanged', async () => {
		const offer = {
			...sample('qondor', 'OfferSentV1'),
			webhookId: 'c3a1e2f0-0000-4000-8000-000000000001',
			customerName: 'Bjørnstjerne Ærø — 東京',
		};
		const { status, outcome } = await post(JSON.stringify(offer), {
			'content-type': 'application/json; charset=utf-8',
			[HEADER]: SECRET,
		});
		expect(status).toBe(200);
		expect(outcome.items).toEqual([offer]);
	});

	it('a wrong header over HTTP gets 401 with a JSON reason and no execution', async () => {
		const { status, body, outcome } = await post(JSON.stringify(sample('qondor', 'OfferSentV1')), {
			'content-type': 'application/json',
			[HEADER.toLowerCase()]: 'not-the-value',
		});
		expect(status).toBe(401);
		expect(body).toEqual({
			status: 'rejected',
			reason: 'wrong-header-value',
			message: `Header ${HEADER} does not match the configured value`,
		});
		expect(outcome.items).toBeUndefined();
	});

	it('a truncated body gets 400 saying it is not JSON', async () => {
		const text = JSON.stringify(sample('qondor', 'ProjectCreatedV1')).slice(0, 40);
		const { status, body } = await post(text, {
			'content-type': 'application/json',
			[HEADER]: SECRET,
		});
		expect(status).toBe(400);
		expect(String(body.message)).toContain('The request body is not valid JSON');
	});

	it('a duplicate over HTTP gets 200 "duplicate"', async () => {
		const offer = JSON.stringify(sample('qondor', 'OfferAnsweredV1'));
		const first = await post(offer, { 'content-type': 'application/json', [HEADER]: SECRET });
		const second = await post(offer, { 'content-type': 'application/json', [HEADER]: SECRET });
		expect(first.outcome.items).toHaveLength(1);
		expect(second.status).toBe(200);
		expect(second.body.reason).toBe('duplicate');
	});
});
