import type { IDataObject, INodeCredentialTestResult } from 'n8n-workflow';

import { triggers } from '../../nodes/senders';
import { credentialsOf } from '../../nodes/shared/description';
import type { TriggerNodeClass } from '../../nodes/shared/trigger';
import { addTrigger, loadSamples, wireOf } from '../../scripts/lib/registry';
import {
	authHeaders,
	freshEvent,
	newCredential,
	secretValues,
	signedRequest,
} from '../../scripts/lib/senders';
import { FIXTURE_NODES } from '../fixtures/senders';
import { AcmeTrigger } from '../fixtures/senders/Acme/AcmeTrigger.node';
import { runWebhook } from '../helpers/harness';
import type { LogEntry, NodeSetup } from '../helpers/harness';

/*
 * The pipeline tests every sender goes through, driven by the registry: the three of nodes/senders.ts,
 * and a fourth (Acme) defined in test/fixtures/senders/Acme and added to the registry with one line,
 * as CONTRIBUTING.md tells. Sender-specific behaviour has its own test files; what n8n loads of
 * each sender (package.json's lists, icons, codex) is checked on the packed package (test/package).
 */

addTrigger(AcmeTrigger, FIXTURE_NODES);

const all: TriggerNodeClass[] = [...triggers, AcmeTrigger as unknown as TriggerNodeClass];

describe.each(all.map((trigger) => [trigger.sender.name, trigger] as const))(
	'%s: through the shared pipeline',
	(_name, Trigger) => {
		const sender = Trigger.sender;
		const node = new Trigger();
		const credential = newCredential(sender);
		const credentialType = sender.authentication.choices[0].credential!;
		const samples = loadSamples(sender);
		const isHandshake = (body: IDataObject) =>
			sender.isHandshake({}, body, String(body[sender.event.name.field!] ?? ''));
		const business = Object.entries(samples).filter(([, body]) => !isHandshake(body));
		const handshakes = Object.entries(samples).filter(([, body]) => isHandshake(body));
		const logs: LogEntry[] = [];

		function setup(extra: Partial<NodeSetup> = {}): NodeSetup {
			return {
				parameters: {
					authentication: sender.authentication.choices[0].value,
					[sender.events.parameter]: ['*'],
					customEvents: '',
					settings: {},
				},
				credentials: { [credentialType]: credential },
				logs,
				...extra,
			};
		}

		async function send(
			body: IDataObject | string,
			options: {
				credential?: Record<string, string> | string;
				setup?: NodeSetup;
				id?: string;
			} = {},
		) {
			const event =
				typeof body === 'string' ? { body, options: {} } : freshEvent(sender, body, options.id);
			const request = signedRequest(
				sender,
				event.body,
				'credential' in options ? options.credential : credential,
				event.options,
			);
			return await runWebhook(node, request, options.setup ?? setup());
		}

		it('has samples, and its business samples include at least one event', () => {
			expect(business.length).toBeGreaterThan(0);
		});

		it.each(business)(
			'sample %s, authenticated, starts one execution with the body and no _validation',
			async (_event, body) => {
				const outcome = await send(body);
				expect(outcome.statusCode).toBe(200);
				expect(outcome.body).toMatchObject({ status: 'accepted', reason: 'started' });
				expect(outcome.items?.length).toBeGreaterThan(0);
				for (const item of outcome.items ?? []) expect(item._validation).toBeUndefined();
			},
		);

		if (handshakes.length > 0) {
			it.each(handshakes)(
				'handshake sample %s is answered 200 and starts nothing',
				async (_event, body) => {
					const outcome = await send(body);
					expect({
						status: outcome.statusCode,
						reason: outcome.body?.reason,
						items: outcome.items,
					}).toEqual({
						status: 200,
						reason: 'handshake',
						items: undefined,
					});
				},
			);
		}

		it('a request signed with another secret gets 401 and starts nothing', async () => {
			const outcome = await send(business[0][1], { credential: newCredential(sender) });
			expect(outcome.statusCode).toBe(401);
			expect(outcome.items).toBeUndefined();
		});

		it('a request without authentication gets 401 and starts nothing', async () => {
			const outcome = await send(business[0][1], { credential: undefined });
			expect(outcome.statusCode).toBe(401);
			expect(outcome.items).toBeUndefined();
		});

		it.each(authHeaders(sender, credential).map((header) => [header]))(
			'a request without its %s header gets 401',
			async (header) => {
				const event = freshEvent(sender, business[0][1]);
				const request = signedRequest(sender, event.body, credential, event.options);
				for (const name of Object.keys(request.headers))
					if (name.toLowerCase() === header.toLowerCase()) delete request.headers[name];
				const outcome = await runWebhook(node, request, setup());
				expect(outcome.statusCode).toBe(401);
				expect(outcome.items).toBeUndefined();
			},
		);

		it('a body that is not JSON gets a clear answer and starts nothing', async () => {
			const outcome = await send('{"not json');
			expect(outcome.statusCode).toBe(sender.acknowledgeContentErrors ? 200 : 400);
			expect(outcome.body).toMatchObject({ reason: 'invalid-body' });
			expect(String(outcome.body?.message)).toContain('not valid JSON');
			expect(outcome.items).toBeUndefined();
		});

		it('the same event delivered twice runs once; the copy is answered as a duplicate', async () => {
			const nodeSetup = setup({ staticData: {}, workflowId: `twice-${sender.key}` });
			const event = freshEvent(sender, business[0][1]);
			const request = () => signedRequest(sender, event.body, credential, event.options);
			const first = await runWebhook(node, request(), nodeSetup);
			const second = await runWebhook(node, request(), nodeSetup);
			expect([first.body?.reason, second.body?.reason]).toEqual(['started', 'duplicate']);
			expect(second.items).toBeUndefined();
		});

		it('with ids saved, the node answers an accepted event itself, before n8n saves its static data', async () => {
			const outcome = await send(business[0][1]);
			expect(outcome.result).toMatchObject({ noWebhookResponse: true });
			expect(outcome.result.webhookResponse).toBeUndefined();
			expect(outcome.answeredAt).toBeDefined();
		});

		it('with In Memory Only, n8n sends the answer (after it has the execution, on n8n 2.x), and copies are still caught', async () => {
			const nodeSetup = setup({
				parameters: { ...setup().parameters, settings: { rememberIds: 'memory' } },
				workflowId: `memory-${sender.key}`,
			});
			const event = freshEvent(sender, business[0][1]);
			const request = () => signedRequest(sender, event.body, credential, event.options);
			const first = await runWebhook(node, request(), nodeSetup);
			// the node writes nothing: n8n answers with the body the node returns
			expect(first.answeredAt).toBeUndefined();
			expect(first.result.noWebhookResponse).toBeUndefined();
			expect(first.result.webhookResponse).toEqual({
				status: 'accepted',
				reason: 'started',
				message: expect.stringMatching(/ started the workflow$/),
			});
			// an empty responseData makes n8n send that body, not the first item
			expect(node.description.webhooks?.[0]).toMatchObject({
				responseMode: 'onReceived',
				responseData: '',
			});
			expect(first.items?.length).toBeGreaterThan(0);
			// a copy is answered by the node itself, as every answer that starts nothing
			const second = await runWebhook(node, request(), nodeSetup);
			expect(second.body?.reason).toBe('duplicate');
			expect(second.answeredAt).toBeDefined();
		});

		it('an event it does not know still runs, marked under _validation', async () => {
			const body = { ...business[0][1], [sender.event.name.field!]: 'future.event' };
			const outcome = await send(body);
			expect(outcome.statusCode).toBe(200);
			expect(outcome.items?.[0]._validation).toMatchObject({ unknownEvent: true });
		});

		it('an event name longer than any real one gets a clear answer and starts nothing', async () => {
			const body = {
				...business[0][1],
				[sender.event.name.field!]: `deal.${'x'.repeat(20000)}`,
			};
			const outcome = await send(body);
			expect(outcome.statusCode).toBe(sender.acknowledgeContentErrors ? 200 : 400);
			expect(outcome.body).toMatchObject({ reason: 'invalid-event' });
			expect(outcome.items).toBeUndefined();
		});

		it('a field of the wrong type still runs, and _validation says which', async () => {
			const { mistype } = wireOf(sender);
			const body = JSON.parse(JSON.stringify(business[0][1]));
			const keys = String(mistype).split('.');
			let parent = body;
			for (const key of keys.slice(0, -1)) parent = parent[key];
			parent[keys[keys.length - 1]] =
				typeof parent[keys[keys.length - 1]] === 'number' ? 'text' : 12345;
			const outcome = await send(body);
			expect(outcome.statusCode).toBe(200);
			expect(outcome.items?.[0]._validation).toMatchObject({
				valid: false,
				issues: [expect.objectContaining({ path: mistype })],
			});
		});

		it('a fresh credential passes the credential test n8n runs when it is saved', async () => {
			const test = node.methods.credentialTest[`${credentialType}Test`] as unknown as (credential: {
				data: unknown;
			}) => Promise<INodeCredentialTestResult>;
			expect(await test.call({}, { data: credential })).toMatchObject({ status: 'OK' });
		});

		it('no secret appears in an answer or a log line', () => {
			const text = JSON.stringify(logs);
			for (const secret of secretValues(sender, credential))
				expect(text.includes(secret)).toBe(false);
		});

		it('the node file lists the credentials its sender uses (n8n reads them from there)', () => {
			expect(node.description.credentials).toEqual(credentialsOf(sender));
		});
	},
);
