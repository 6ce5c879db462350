// The end-to-end suite, run once per n8n line: the package installed in a real n8n as a community
// package, real HTTP requests from outside, executions read back through n8n's public API.
'use strict';

const { startEnvironment } = require('../../scripts/lib/environment');
const { importExamples, loadExamples } = require('../../scripts/lib/examples');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawn, spawnSync } = require('node:child_process');

const { LINES, OWNER, freePort, triggerItems } = require('../../scripts/lib/n8n');
const { NodeHelpers, Workflow } = require('n8n-workflow');

const { loadSamples, sample, senderOf, senders, wireOf } = require('../../scripts/lib/registry');
const { postEvent } = require('../../scripts/lib/load');
const { freshEvent, secretValues, sentNow, signedRequest } = require('../../scripts/lib/senders');
const setupLib = require('../../scripts/lib/setup');
const { startFakeSuperOffice } = require('../fakes/superOffice');
const { startSmtpServer, withRealEmails } = require('../../scripts/lib/smtp');

const { PACKAGE_NAME } = setupLib;
const EMAIL_NODE = 'n8n-nodes-base.emailSend';
const SUPEROFFICE_NODE = `${PACKAGE_NAME}.superOffice`;
/** Nodes of the examples that call a vendor's cloud (out of reach here): disabled where the test runs an example. */
const CLOUD_NODES = ['n8n-nodes-base.hubspot'];

/**
 * A Send Email parameter as n8n renders it for an item, for parameters whose expressions only pick
 * fields (`{{ $json.offerHeading }}`): anything else in {{ }} fails the test, since examples must
 * map fields without code.
 */
function renderPicks(parameter, item, { requireValues = false } = {}) {
	if (typeof parameter !== 'string' || !parameter.startsWith('=')) return parameter;
	const pick = (expression, inner) => {
		const match = /^\$json((?:\.[A-Za-z_$][\w$]*)+)$/.exec(inner);
		if (!match) throw new Error(`Not an expression that picks a field: ${expression}`);
		const value = match[1]
			.slice(1)
			.split('.')
			.reduce(
				(object, key) => (object === null || object === undefined ? undefined : object[key]),
				item,
			);
		if (requireValues && (value === null || value === undefined || value === '')) {
			throw new Error(`${expression} picks nothing from the item`);
		}
		return value;
	};
	// A parameter that is one expression and nothing else takes the value's own type, as in n8n.
	const whole = /^=\{\{\s*(.*?)\s*\}\}$/.exec(parameter);
	if (whole && !whole[1].includes('}}')) return pick(parameter, whole[1]) ?? '';
	return parameter.slice(1).replace(/\{\{\s*(.*?)\s*\}\}/g, (expression, inner) => {
		const value = pick(expression, inner);
		return value === null || value === undefined ? '' : String(value);
	});
}

/** Every string of a parameter tree rendered as renderPicks renders one. */
function renderPicksDeep(value, item, options) {
	if (typeof value === 'string') return renderPicks(value, item, options);
	if (Array.isArray(value)) return value.map((child) => renderPicksDeep(child, item, options));
	if (value !== null && typeof value === 'object') {
		return Object.fromEntries(
			Object.entries(value).map(([key, child]) => [key, renderPicksDeep(child, item, options)]),
		);
	}
	return value;
}

/** The items a node received in an execution: the output its parent sent on the connection to it. */
function inputItems(workflow, runData, nodeName) {
	for (const [parent, { main }] of Object.entries(workflow.connections)) {
		const output = main.findIndex((targets) => targets?.some((target) => target.node === nodeName));
		if (output !== -1 && runData[parent])
			return runData[parent][0].data.main[output].map((item) => item.json);
	}
	return [];
}

/** n8n's node types, as the editor receives them, in the shape n8n-workflow's Workflow takes. */
function nodeTypesOf(descriptions) {
	const find = (name, version) =>
		descriptions.find(
			(type) =>
				type.name === name &&
				(version === undefined ||
					(Array.isArray(type.version) ? type.version : [type.version]).includes(version)),
		);
	return {
		getByName: (name) => ({ description: find(name) }),
		getByNameAndVersion: (name, version) => ({ description: find(name, version) }),
		getKnownTypes: () => ({}),
	};
}

/** Events besides the sample, per example, so that every branch runs once. */
const EVENT_VARIANTS = {
	// the customer's external reference as the SuperOffice company id, then a search by name
	'qondor-offer-sent-to-superoffice.json': [
		{ customerExternalReference: '43' },
		{ customerExternalReference: '', customerName: 'Acme AS' },
	],
	'qondor-project-status-router.json': [
		[1, 'Pending'],
		[2, 'Confirmed'],
		[3, 'Finished'],
		[4, 'Cancelled'],
	].map(([newStatus, newStatusText]) => ({ newStatus, newStatusText })),
};

/**
 * What each example that writes to SuperOffice must have written (the fake's record of the calls
 * one event made), given the event.
 */
const EXPECTED_WRITES = {
	'superoffice-quote-approved.json': (written) => {
		expect(written).toEqual([
			{
				method: 'PATCH',
				entity: 'Sale',
				id: 1021,
				body: [{ op: 'replace', path: '/Status', value: 'Sold' }],
			},
			expect.objectContaining({ method: 'POST', entity: 'Appointment' }),
		]);
		expect(written[1].body).toMatchObject({
			Associate: { AssociateId: 5 },
			Type: 'inChecklist',
			Contact: { ContactId: 43 },
			Person: { PersonId: 64 },
			Sale: { SaleId: 1021 },
			Title: 'Deliver: Widget rollout 2024',
		});
	},
	'qondor-offer-sent-to-superoffice.json': (written, event) => {
		const sale = written.find((write) => write.entity === 'Sale');
		const followUp = written.find((write) => write.entity === 'Appointment');
		expect(sale).toMatchObject({ method: 'POST' });
		expect(sale.body).toMatchObject({
			Heading: event.offerHeading,
			Contact: { ContactId: 43 },
			Associate: { AssociateId: 5 },
			Saledate: event.offerValidUntil,
			Status: 'Open',
		});
		expect(sale.body.SaleText).toContain(event.offerLink);
		expect(followUp.body).toMatchObject({
			Associate: { AssociateId: 5 },
			Contact: { ContactId: 43 },
		});
		const start = Date.parse(followUp.body.StartDate);
		expect(Math.abs(start - (Date.now() + 7 * 24 * 3600_000))).toBeLessThan(10 * 60_000);
	},
};

/** A prepared request ({ raw, headers }) as fetch takes it. */
function toFetch(request) {
	return { headers: request.headers, body: request.raw };
}
const qondorRequest = (body, credential) => signedRequest('qondor', body, credential);
const crmRequest = (body, secret, options) => signedRequest('crm', body, secret, options);
const superOfficeRequest = (body, secret, { retry, hookTest, eventId } = {}) =>
	signedRequest('superoffice', body, secret, {
		headers: {
			...(retry === undefined ? {} : { 'X-Superoffice-Retry': String(retry) }),
			...(hookTest ? { 'X-Hook-Test': 'true' } : {}),
			...(eventId === undefined ? {} : { 'X-Superoffice-Eventid': eventId }),
		},
	});

/** What a booking looks like once the trigger added each person's custom-field map. */
function bookingWithCustomFields(body) {
	const answers = (person) =>
		Object.fromEntries(
			person.participantFieldsV2.map((field) => [
				field.internalName || field.heading,
				field.answers.length ? field.answers.map((answer) => answer.text).join(', ') : null,
			]),
		);
	return {
		...body,
		booker: { ...body.booker, customFields: answers(body.booker) },
		participants: body.participants.map((person) => ({ ...person, customFields: answers(person) })),
	};
}

/**
 * SuperOffice's documented quote examples, sent now (their Timestamp is of 2018): they all share
 * one EventId; real events each have their own.
 */
function quoteEvents() {
	return Object.entries(loadSamples('superoffice'))
		.filter(([event]) => event.startsWith('quote.'))
		.map(([event, body], index) => ({
			event,
			body: {
				...sentNow('superoffice', body),
				EventId: `1fc5752a-6de8-412d-847a-12d5529a0e${String(index).padStart(2, '0')}`,
			},
		}));
}

function defineSuite(line) {
	const { version, nodeMajor } = LINES[line];

	describe(`n8n ${version} on Node ${nodeMajor}: the package as a user meets it`, () => {
		let env;
		const accepted = Object.fromEntries(senders().map(({ key }) => [key, []]));
		const counts = () =>
			Object.fromEntries(Object.entries(accepted).map(([key, items]) => [key, items.length]));

		/** Wraps a test so a failure says where n8n's log is. */
		const step = (name, fn, timeout = 120000) =>
			it(
				name,
				async () => {
					try {
						await fn();
					} catch (error) {
						error.message = `${error.message}\n\n(n8n log: ${env ? env.logPath() : 'n8n did not start'})`;
						throw error;
					}
				},
				timeout,
			);

		async function expectExecutionCounts(expected) {
			for (const [trigger, count] of Object.entries(expected)) {
				await env.waitForExecutions(trigger, count);
			}
			// Give n8n time to start any execution it should not have started, then count exactly.
			await new Promise((resolve) => setTimeout(resolve, 1500));
			for (const [trigger, count] of Object.entries(expected)) {
				expect({ trigger, executions: (await env.executions(trigger)).length }).toEqual({
					trigger,
					executions: count,
				});
			}
		}

		/** A workflow's executions (newest first), once `count` of them have finished. */
		async function waitForExecution(workflowId, count = 1, timeoutMs = 30000) {
			const deadline = Date.now() + timeoutMs;
			let executions = [];
			while (
				Date.now() < deadline &&
				executions.filter((execution) => execution.finished || execution.stoppedAt).length < count
			) {
				await new Promise((resolve) => setTimeout(resolve, 200));
				executions = await env.instance.executions(workflowId);
			}
			return executions;
		}

		beforeAll(async () => {
			env = await startEnvironment(line);
		}, 600000);

		afterAll(async () => {
			if (env) await env.stop();
		}, 60000);

		step(
			'n8n lists every node with its icons and credentials, each trigger with its output schema, the SuperOffice node also as an AI tool',
			async () => {
				const nodeTypes = await env.instance.request('GET', '/types/nodes.json');
				const credentialTypes = await env.instance.request('GET', '/types/credentials.json');
				const action = nodeTypes.find((candidate) => candidate.name === SUPEROFFICE_NODE);
				expect(action).toMatchObject({ displayName: 'SuperOffice', group: ['transform'] });
				expect(action.credentials.map((credential) => credential.name)).toEqual([
					'superOfficeOAuth2Api',
					'superOfficeApi',
				]);
				// usableAsTool: n8n makes a tool of it for its AI agents
				expect(nodeTypes.map((candidate) => candidate.name)).toContain(`${SUPEROFFICE_NODE}Tool`);
				for (const iconPath of [action.iconUrl.light, action.iconUrl.dark]) {
					const icon = await fetch(`${env.instance.baseUrl}/${iconPath}`);
					expect(icon.status).toBe(200);
				}
				for (const trigger of Object.values(setupLib.triggers())) {
					const type = nodeTypes.find((candidate) => candidate.name === trigger.nodeType);
					expect(type).toBeDefined();
					expect(type.displayName).toBe(trigger.nodeName);
					expect(type.group).toEqual(['trigger']);
					expect(type.credentials.map((credential) => credential.name)).toEqual(
						trigger.credentialTypes,
					);
					for (const credentialType of trigger.credentialTypes) {
						expect(credentialTypes.map((credential) => credential.name)).toContain(credentialType);
					}
					// The output schema the editor fetches to list the trigger's fields before its first event.
					const schema = await fetch(
						`${env.instance.baseUrl}/schemas/${trigger.nodeType}/1.0.0.json`,
					);
					expect(schema.status).toBe(200);
					expect(await schema.json()).toEqual(
						require(`../../nodes/${trigger.folder}/__schema__/v1.0.0.json`),
					);
					for (const iconPath of [type.iconUrl.light, type.iconUrl.dark]) {
						expect(iconPath).toMatch(new RegExp(`^icons/${PACKAGE_NAME}/dist/nodes/.+\\.svg$`));
						const icon = await fetch(`${env.instance.baseUrl}/${iconPath}`);
						expect(icon.status).toBe(200);
						expect(await icon.text()).toMatch(/^<svg /);
					}
				}
			},
		);

		step(
			'every Qondor topic, authenticated with the header, runs with the body as Qondor sent it',
			async () => {
				const seeds = loadSamples('qondor');
				for (const [topic, body] of Object.entries(seeds)) {
					const response = await env.post('qondor', qondorRequest(body, env.secrets.qondor));
					if (topic === 'PingV1') {
						expect(response).toEqual({
							status: 200,
							body: {
								status: 'ok',
								reason: 'handshake',
								message: 'Qondor connection check received',
							},
						});
						continue;
					}
					expect(response).toEqual({
						status: 200,
						body: {
							status: 'accepted',
							reason: 'started',
							message: `${topic} started the workflow`,
						},
					});
					accepted.qondor.push(
						topic === 'BookingConfirmedV1' ? bookingWithCustomFields(body) : body,
					);
				}
				await env.waitForExecutions('qondor', accepted.qondor.length);
				expect(await env.executionItems('qondor')).toEqual(accepted.qondor.map((item) => [item]));
			},
		);

		step(
			'every documented CRM event, signed with Standard Webhooks, runs with the envelope and its webhook-id',
			async () => {
				for (const [event, body] of Object.entries(loadSamples('crm'))) {
					const request = crmRequest(body, env.secrets.crm.signingSecret, {
						id: `msg_e2e_${event}`,
					});
					const response = await env.post('crm', request);
					expect(response.status).toBe(200);
					accepted.crm.push({ ...body, webhookId: `msg_e2e_${event}` });
				}
				await env.waitForExecutions('crm', accepted.crm.length);
				expect(await env.executionItems('crm')).toEqual(accepted.crm.map((item) => [item]));
			},
		);

		step(
			'every SuperOffice quote event, signed, runs with the body and delivery headers; the test event runs nothing',
			async () => {
				const test = {
					...sentNow('superoffice', sample('superoffice', 'test')),
					EventId: 'e2e-test-event',
				};
				const testResponse = await env.post(
					'superoffice',
					superOfficeRequest(test, env.secrets.superoffice.webhookSecret, { hookTest: true }),
				);
				expect(testResponse).toEqual({
					status: 200,
					body: {
						status: 'ok',
						reason: 'handshake',
						message: 'SuperOffice connection check received',
					},
				});
				for (const { event, body } of quoteEvents()) {
					const response = await env.post(
						'superoffice',
						superOfficeRequest(body, env.secrets.superoffice.webhookSecret, { retry: 0 }),
					);
					expect(response.status).toBe(200);
					accepted.superoffice.push({
						...body,
						_delivery: {
							event,
							eventId: body.EventId,
							retry: 0,
							hookTest: false,
							userAgent: 'NetServer-Webhook/8.8.6684.1719',
						},
					});
				}
				await env.waitForExecutions('superoffice', accepted.superoffice.length);
				expect(await env.executionItems('superoffice')).toEqual(
					accepted.superoffice.map((item) => [item]),
				);
			},
		);

		step(
			'forged, unsigned, stale, malformed and duplicate requests get their status and start no execution',
			async () => {
				const offer = sample('qondor', 'OfferSentV1');
				const deal = sample('crm', 'deal.created');
				const [quote] = quoteEvents();
				const { headerName, headerSecret } = env.secrets.qondor;
				const crmSecret = env.secrets.crm.signingSecret;
				const soSecret = env.secrets.superoffice.webhookSecret;
				const now = Math.floor(Date.now() / 1000);
				const forgedCrmSecret = `whsec_${Buffer.from('an attacker guessing the key').toString('base64')}`;
				const cases = [
					[
						'qondor',
						'wrong header value',
						qondorRequest(offer, { headerName, headerSecret: 'guess' }),
						401,
						'wrong-header-value',
					],
					[
						'qondor',
						'no header',
						{
							raw: Buffer.from(JSON.stringify(offer)),
							headers: { 'content-type': 'application/json' },
						},
						401,
						'missing-header',
					],
					[
						'qondor',
						'malformed JSON',
						qondorRequest('{"topic":"OfferSentV1",', env.secrets.qondor),
						400,
						'invalid-body',
					],
					[
						'qondor',
						'a JSON array',
						qondorRequest('[1,2]', env.secrets.qondor),
						400,
						'invalid-body',
					],
					[
						'qondor',
						'no topic',
						qondorRequest({ webhookId: 'no-topic' }, env.secrets.qondor),
						400,
						'missing-event',
					],
					[
						'qondor',
						'a duplicate webhookId',
						qondorRequest(offer, env.secrets.qondor),
						200,
						'duplicate',
					],
					[
						'crm',
						'a forged signature',
						crmRequest(deal, forgedCrmSecret),
						401,
						'signature-mismatch',
					],
					[
						'crm',
						'no signature',
						{
							raw: Buffer.from(JSON.stringify(deal)),
							headers: { 'content-type': 'application/json' },
						},
						401,
						'missing-header',
					],
					[
						'crm',
						'a stale timestamp',
						crmRequest(deal, crmSecret, { timestamp: now - 3600 }),
						401,
						'timestamp-out-of-window',
					],
					[
						'crm',
						'a timestamp from the future',
						crmRequest(deal, crmSecret, { timestamp: now + 3600 }),
						401,
						'timestamp-out-of-window',
					],
					[
						'crm',
						'malformed JSON, signed',
						crmRequest('{"event":', crmSecret),
						400,
						'invalid-body',
					],
					[
						'crm',
						'a duplicate webhook-id',
						crmRequest(deal, crmSecret, { id: 'msg_e2e_deal.created' }),
						200,
						'duplicate',
					],
					[
						'superoffice',
						'a forged signature',
						superOfficeRequest({ ...quote.body, EventId: 'forged' }, 'guess'),
						401,
						'signature-mismatch',
					],
					[
						'superoffice',
						'no signature',
						superOfficeRequest({ ...quote.body, EventId: 'unsigned' }, undefined),
						401,
						'missing-signature',
					],
					[
						'superoffice',
						'malformed JSON, signed (acknowledged, never an error status)',
						superOfficeRequest('{"Event":', soSecret),
						200,
						'invalid-body',
					],
					[
						'superoffice',
						'a duplicate EventId',
						superOfficeRequest(quote.body, soSecret, { retry: 1 }),
						200,
						'duplicate',
					],
					[
						'superoffice',
						'a copy with another X-SuperOffice-EventId header (the id is read from the signed body)',
						superOfficeRequest(quote.body, soSecret, { eventId: 'another-id' }),
						200,
						'duplicate',
					],
					[
						'superoffice',
						'a genuine delivery sent again 10 minutes after its signed Timestamp',
						superOfficeRequest(
							{
								...quote.body,
								EventId: 'e2e-replayed',
								Timestamp: new Date(Date.now() - 600_000).toISOString(),
							},
							soSecret,
						),
						200,
						'outside-window',
					],
				];
				for (const [trigger, description, request, status, reason] of cases) {
					const response = await env.post(trigger, request);
					expect({
						trigger,
						description,
						status: response.status,
						reason: response.body.reason,
					}).toEqual({ trigger, description, status, reason });
				}
				await expectExecutionCounts(counts());
			},
		);

		step(
			'after a restart, events seen before are still duplicates and new events run',
			async () => {
				await env.restart();
				const offer = sample('qondor', 'OfferAnsweredV1');
				const replays = [
					['qondor', qondorRequest(offer, env.secrets.qondor)],
					[
						'crm',
						crmRequest(sample('crm', 'lead.created'), env.secrets.crm.signingSecret, {
							id: 'msg_e2e_lead.created',
						}),
					],
					[
						'superoffice',
						superOfficeRequest(quoteEvents()[1].body, env.secrets.superoffice.webhookSecret, {
							retry: 2,
						}),
					],
				];
				for (const [trigger, request] of replays) {
					const response = await env.post(trigger, request);
					expect({ trigger, status: response.status, reason: response.body.reason }).toEqual({
						trigger,
						status: 200,
						reason: 'duplicate',
					});
				}
				const fresh = [
					['qondor', qondorRequest({ ...offer, webhookId: 'after-restart-1' }, env.secrets.qondor)],
					[
						'crm',
						crmRequest(sample('crm', 'lead.created'), env.secrets.crm.signingSecret, {
							id: 'msg_after_restart',
						}),
					],
					[
						'superoffice',
						superOfficeRequest(
							{ ...quoteEvents()[2].body, EventId: 'after-restart-1' },
							env.secrets.superoffice.webhookSecret,
						),
					],
				];
				for (const [trigger, request] of fresh) {
					const response = await env.post(trigger, request);
					expect({ trigger, status: response.status, reason: response.body.reason }).toEqual({
						trigger,
						status: 200,
						reason: 'started',
					});
					accepted[trigger].push('after-restart');
				}
				await expectExecutionCounts(counts());
			},
			300000,
		);

		step(
			'SuperOffice Trigger registers its own webhook at (a fake) SuperOffice, receives its events, and removes it',
			async () => {
				const token = 'e2e-superoffice-api-token';
				const fake = await startFakeSuperOffice({ auth: { type: 'bearer', token } });
				try {
					const apiData = {
						baseUrl: fake.baseUrl,
						allowHttp: true,
						authType: 'bearer',
						accessToken: token,
					};
					const credential = await env.instance.createCredentialAsEditor(
						'SuperOffice API (fake)',
						'superOfficeApi',
						apiData,
					);
					const webhookId = '6f1e0d2c-7a4b-4c3d-9e8f-0a1b2c3d4e60';
					const workflow = setupLib.triggerWorkflow(
						'superoffice',
						{ id: credential.id, name: 'SuperOffice API (fake)' },
						{
							name: 'SuperOffice automatic registration',
							webhookId,
							parameters: { authentication: 'onSite', events: ['quote.approved'] },
						},
					);
					workflow.nodes[0].credentials = {
						superOfficeApi: { id: credential.id, name: 'SuperOffice API (fake)' },
					};
					const created = await env.instance.createActiveWorkflow(workflow);
					const url = env.instance.webhookUrl(setupLib.webhookPath('superoffice', webhookId));

					// the registration SuperOffice received, and its test event answered 200
					expect([...fake.webhooks.values()]).toEqual([
						expect.objectContaining({
							Name: `n8n: SuperOffice automatic registration (${created.id})`,
							Events: ['quote.approved'],
							TargetUrl: url,
							Type: 'webhook',
							State: 'Active',
						}),
					]);
					expect(Buffer.from(fake.webhooks.get(1).Secret, 'base64')).toHaveLength(32);
					expect(fake.testDeliveries.map((delivery) => delivery.status)).toEqual([200]);

					// a quote.approved fired by SuperOffice starts an execution
					const [delivery] = await fake.fire('quote.approved', {
						primaryKey: 4711,
						eventId: 'e2e-auto-1',
					});
					expect(delivery.status).toBe(200);
					const executions = await waitForExecution(created.id);
					expect(executions).toHaveLength(1);
					const items = triggerItems(executions[0], 'SuperOffice Trigger');
					expect(items).toEqual([
						expect.objectContaining({
							Event: 'quote.approved',
							PrimaryKey: 4711,
							EventId: 'e2e-auto-1',
						}),
					]);

					// the workflow's static data (public API) holds no secret: it is derived from the credential
					const secret = fake.webhooks.get(1).Secret;
					const saved = JSON.stringify(
						(await env.instance.api('GET', `/workflows/${created.id}`)).staticData,
					);
					expect(saved).toContain('superOfficeSecretCheck');
					expect(saved).not.toContain(secret);
					expect(saved).not.toContain('superOfficeWebhookSecret');

					// the API credential edited in n8n. A request that fails the check makes the trigger read
					// the credential again (at most every 5 seconds; it was read for the delivery above), but
					// it calls nothing at SuperOffice: only a genuine delivery, or an activation, may.
					const renewed = `${token}-renewed`;
					await env.instance.updateCredentialAsEditor(
						credential.id,
						'SuperOffice API (fake)',
						'superOfficeApi',
						{ ...apiData, accessToken: renewed },
					);
					fake.auth = { type: 'bearer', token: renewed };
					await new Promise((resolve) => setTimeout(resolve, 5100));
					const calls = fake.requests.length;
					const forged = await postEvent(
						url,
						superOfficeRequest(
							{ ...quoteEvents()[0].body, EventId: 'e2e-auto-forged' },
							'not-the-secret',
						),
					);
					expect(forged.status).toBe(401);
					await new Promise((resolve) => setTimeout(resolve, 1000));
					expect(fake.requests.length).toBe(calls);
					// SuperOffice's next event, still signed with the old secret, runs; the process that
					// knows the old secret then gives SuperOffice the one derived from the edited credential
					const [genuine] = await fake.fire('quote.approved', {
						primaryKey: 4713,
						eventId: 'e2e-auto-old-secret',
					});
					expect(genuine.status).toBe(200);
					const rotated = Date.now() + 30000;
					while (fake.webhooks.get(1).Secret === secret && Date.now() < rotated)
						await new Promise((resolve) => setTimeout(resolve, 100));
					expect(fake.webhooks.get(1).Secret).not.toBe(secret);
					expect(
						fake.requests
							.filter((request) => request.method === 'PUT')
							.map((request) => request.headers.authorization),
					).toEqual([`Bearer ${renewed}`]);
					// SuperOffice's test of the new secret, and its next event, get 200
					expect(fake.testDeliveries.map((delivery) => delivery.status)).toEqual([200, 200]);
					const [next] = await fake.fire('quote.approved', {
						primaryKey: 4712,
						eventId: 'e2e-auto-2',
					});
					expect(next.status).toBe(200);
					// a delivery SuperOffice signed with the old secret just before still runs
					const late = await postEvent(
						url,
						superOfficeRequest({ ...quoteEvents()[0].body, EventId: 'e2e-auto-late' }, secret),
					);
					expect(late.status).toBe(200);
					expect((await waitForExecution(created.id, 4)).length).toBe(4);

					// deactivating removes the webhook at SuperOffice
					await env.instance.deactivate(created.id);
					const deleted = Date.now() + 30000;
					while (fake.webhooks.size > 0 && Date.now() < deleted)
						await new Promise((resolve) => setTimeout(resolve, 100));
					expect(
						fake.requests
							.filter((request) => request.method === 'DELETE')
							.map((request) => request.path),
					).toEqual(['/Cust12345/api/v1/Webhook/1']);
					expect(fake.webhooks.size).toBe(0);

					// when SuperOffice refuses, activation fails with a readable error and nothing is left registered
					fake.failWith = 403;
					const refused = await env.instance.activate(created.id).then(
						() => undefined,
						(error) => error,
					);
					expect(refused).toBeDefined();
					expect(refused.message).toContain('lacks the licence or rights to manage webhooks');
					expect(fake.webhooks.size).toBe(0);
					const stored = await env.instance.api('GET', `/workflows/${created.id}`);
					// n8n 1.x rolls the activation back; n8n 2.x keeps the workflow published with its
					// trigger marked failed (the error above is what its editor shows).
					if (line === 1) expect(stored.active).toBe(false);
					expect(JSON.stringify(stored.staticData ?? {})).not.toContain('superOfficeWebhookId');
				} finally {
					await fake.close();
				}
			},
		);

		step(
			'SuperOffice Trigger with Include Record: items carry the quote read from (a fake) SuperOffice, each failure still runs with _record saying why, and SuperOffice’s answer is not held up',
			async () => {
				const token = 'e2e-superoffice-records-token';
				const fake = await startFakeSuperOffice({ auth: { type: 'bearer', token } });
				try {
					const secret = env.secrets.superoffice;
					const webhookCredential = await env.instance.createCredential(
						'SuperOffice webhook secret (records)',
						'superOfficeWebhookApi',
						secret,
					);
					const apiCredential = await env.instance.createCredentialAsEditor(
						'SuperOffice API (records, fake)',
						'superOfficeApi',
						{ baseUrl: fake.baseUrl, allowHttp: true, authType: 'bearer', accessToken: token },
					);
					const webhookId = '6f1e0d2c-7a4b-4c3d-9e8f-0a1b2c3d4e71';
					const workflow = setupLib.triggerWorkflow(
						'superoffice',
						{ id: webhookCredential.id, name: 'SuperOffice webhook secret (records)' },
						{
							name: 'SuperOffice records',
							webhookId,
							parameters: { includeRecord: true, apiAccess: 'onSite' },
						},
					);
					workflow.nodes[0].credentials.superOfficeApi = {
						id: apiCredential.id,
						name: 'SuperOffice API (records, fake)',
					};
					const created = await env.instance.createActiveWorkflow(workflow);
					const url = env.instance.webhookUrl(setupLib.webhookPath('superoffice', webhookId));

					// [event, PrimaryKey, what the fake does, what _record says]
					const cases = [
						['quote.approved', 493, undefined, { read: true, error: null, requests: 7 }],
						[
							'quote.sent',
							493,
							{ path: 'GetQuoteEntity', delayMs: 3000, times: 1 },
							{ read: true },
						],
						['sale.changed', 999, undefined, { error: 'not-found', status: 404 }],
						['quote.rejected', 9999, undefined, { error: 'not-found', status: 200 }],
						[
							'contact.changed',
							43,
							{ path: 'Contact/', status: 403 },
							{ error: 'forbidden', status: 403 },
						],
						[
							'person.changed',
							64,
							{ path: 'Person/64', status: 429, retryAfter: 1, times: 1 },
							{ read: true, requests: 2 },
						],
						[
							'ticket.changed',
							3001,
							{ path: 'Ticket/', status: 429, retryAfter: 120 },
							{ error: 'throttled', status: 429 },
						],
						[
							'project.changed',
							178105,
							{ path: 'Project/', status: 500 },
							{ error: 'server-error', status: 500, requests: 3 },
						],
						['sale.deleted', 1021, undefined, { error: 'deleted', requests: 0 }],
						// SuperOffice no longer accepts the credential's token
						['person.created', 64, { revokeToken: true }, { error: 'unauthorized', status: 401 }],
						// every try slower than its 5 seconds: the 15-second limit ends the read
						[
							'activity.changed',
							69,
							{ path: 'Appointment/', delayMs: 6000 },
							{ error: 'timeout', status: null, requests: 3 },
						],
						// SuperOffice down: nothing listens any more (last: the fake is closed)
						[
							'document.changed',
							880,
							{ down: true },
							{ error: 'unreachable', status: null, requests: 3 },
						],
					];
					const answerMs = {};
					for (const [index, [event, primaryKey, rule]] of cases.entries()) {
						fake.recordRules.splice(0, fake.recordRules.length);
						fake.auth = { type: 'bearer', token: rule?.revokeToken ? 'a-revoked-token' : token };
						if (rule?.down) await fake.close();
						else if (rule?.path) fake.recordRules.push({ ...rule });
						const body = {
							...sentNow('superoffice', sample('superoffice', 'quote.approved')),
							EventId: `e2e-records-${index}`,
							Event: event,
							Entity: event.split('.')[0],
							PrimaryKey: primaryKey,
						};
						const started = performance.now();
						const response = await postEvent(url, superOfficeRequest(body, secret.webhookSecret));
						answerMs[event] = Math.round(performance.now() - started);
						expect({ event, status: response.status, reason: response.reason }).toEqual({
							event,
							status: 200,
							reason: 'started',
						});
						// each execution is read before the next rule replaces this one
						await waitForExecution(created.id, index + 1, 30000);
					}
					console.log(
						`SuperOffice answer time with Include Record (ms): ${JSON.stringify(answerMs)}`,
					);

					const executions = await waitForExecution(created.id, cases.length, 30000);
					const items = new Map(
						executions
							.map((execution) => triggerItems(execution, 'SuperOffice Trigger')[0])
							.map((item) => [item.EventId, item]),
					);
					expect(items.size).toBe(cases.length);
					for (const [index, [event, primaryKey, , expected]] of cases.entries()) {
						const item = items.get(`e2e-records-${index}`);
						expect({ event, item }).toEqual({
							event,
							item: expect.objectContaining({
								Event: event,
								PrimaryKey: primaryKey,
								_record: expect.objectContaining(expected),
							}),
						});
					}
					const approved = items.get('e2e-records-0');
					expect(approved.quote).toMatchObject({
						number: 'Q-1021-2',
						title: 'Widget rollout 2024',
						currency: 'NOK',
						total: 10700,
						validUntil: '2024-06-01T00:00:00',
						customer: { company: 'Acme AS', name: 'Ola Nordmann', email: 'ola@acme.example' },
						salesRep: { name: 'Jane Doe', email: 'jane.doe@vendor.example' },
					});
					expect(approved.quote.lines).toEqual([
						expect.objectContaining({
							product: 'Widget Pro',
							quantity: 10,
							unitPrice: 1000,
							total: 9500,
						}),
						expect.objectContaining({ product: 'Installation', quantity: 8, total: 1200 }),
					]);
					expect(approved.record.Quote).toMatchObject({ QuoteId: 493, SaleId: 1021 });

					// A 3-second API delays the execution, not SuperOffice's answer.
					expect(items.get('e2e-records-1')._record.durationMs).toBeGreaterThanOrEqual(3000);
					expect(answerMs['quote.sent']).toBeLessThan(1000);
					// n8n sent the credential's token to SuperOffice, and nowhere else
					expect(
						fake.requests.every((request) => request.headers.authorization === `Bearer ${token}`),
					).toBe(true);
					expect(JSON.stringify([...items.values()])).not.toContain(token);
					expect(env.log()).not.toContain(token);
					await env.instance.deactivate(created.id);
				} finally {
					await fake.close();
				}
			},
			180000,
		);

		step(
			'SuperOffice node writes back: a quote.approved event marks the sale sold and creates a follow-up for the sales rep; SuperOffice’s event for that write starts nothing, the same event by another associate does',
			async () => {
				const token = 'e2e-superoffice-write-back-token';
				const fake = await startFakeSuperOffice({ auth: { type: 'bearer', token } });
				try {
					const credential = await env.instance.createCredentialAsEditor(
						'SuperOffice API (write-back, fake)',
						'superOfficeApi',
						{ baseUrl: fake.baseUrl, allowHttp: true, authType: 'bearer', accessToken: token },
					);
					const api = {
						superOfficeApi: { id: credential.id, name: 'SuperOffice API (write-back, fake)' },
					};
					const node = (name, parameters, position) => ({
						id: crypto.randomUUID(),
						name,
						type: SUPEROFFICE_NODE,
						typeVersion: 1,
						position,
						parameters: { authentication: 'onSite', ...parameters },
						credentials: api,
					});
					const workflow = setupLib.triggerWorkflow(
						'superoffice',
						{ id: credential.id, name: 'x' },
						{
							name: 'SuperOffice write-back',
							webhookId: '6f1e0d2c-7a4b-4c3d-9e8f-0a1b2c3d4e91',
							parameters: {
								authentication: 'onSite',
								events: ['quote.approved', 'sale.changed'],
								includeRecord: true,
								skipOwnChanges: true,
							},
						},
					);
					const [trigger] = workflow.nodes;
					trigger.credentials = api;
					// quote.approved: write back; anything else (sale.changed): Received only
					workflow.nodes.push(
						{
							id: crypto.randomUUID(),
							name: 'Quote Approved?',
							type: 'n8n-nodes-base.if',
							typeVersion: 2.2,
							position: [260, -200],
							parameters: {
								conditions: {
									options: {
										caseSensitive: true,
										leftValue: '',
										typeValidation: 'strict',
										version: 2,
									},
									conditions: [
										{
											id: crypto.randomUUID(),
											leftValue: '={{ $json.Event }}',
											rightValue: 'quote.approved',
											operator: { type: 'string', operation: 'equals' },
										},
									],
									combinator: 'and',
								},
								options: {},
							},
						},
						node(
							'Mark Sale as Sold',
							{
								resource: 'sale',
								operation: 'update',
								saleId: '={{ $json.quote.saleId }}',
								updateFields: { status: 'Sold' },
							},
							[520, -200],
						),
						node(
							'Follow-Up for Sales Rep',
							{
								resource: 'followUp',
								operation: 'create',
								owner: '={{ $json.Associate.AssociateId }}',
								text: '=Deliver {{ $json.Heading }}',
								start: 'daysFromNow',
								daysFromNow: 1,
								company: { __rl: true, mode: 'id', value: '={{ $json.Contact.ContactId }}' },
								person: '={{ $json.Person.PersonId }}',
								sale: '={{ $json.SaleId }}',
							},
							[780, -200],
						),
					);
					workflow.connections[trigger.name].main[0].push({
						node: 'Quote Approved?',
						type: 'main',
						index: 0,
					});
					workflow.connections['Quote Approved?'] = {
						main: [[{ node: 'Mark Sale as Sold', type: 'main', index: 0 }], []],
					};
					workflow.connections['Mark Sale as Sold'] = {
						main: [[{ node: 'Follow-Up for Sales Rep', type: 'main', index: 0 }]],
					};
					const created = await env.instance.createActiveWorkflow(workflow);
					expect(fake.webhooks.size).toBe(1);

					// a sales rep (associate 5) approves quote 493 in SuperOffice
					const [delivery] = await fake.fire('quote.approved', {
						primaryKey: 493,
						changedByAssociateId: 5,
					});
					expect(delivery.status).toBe(200);
					const [execution] = await waitForExecution(created.id, 1);
					expect(execution.data.resultData.error).toBeUndefined();
					expect(fake.writes).toEqual([
						{
							method: 'PATCH',
							entity: 'Sale',
							id: 1021,
							body: [{ op: 'replace', path: '/Status', value: 'Sold' }],
						},
						expect.objectContaining({ method: 'POST', entity: 'Appointment' }),
					]);
					expect(fake.writes[1].body).toMatchObject({
						Associate: { AssociateId: 5 },
						Contact: { ContactId: 43 },
						Person: { PersonId: 64 },
						Sale: { SaleId: 1021 },
						Description: 'Deliver Widget rollout 2024',
					});
					expect(fake.records.Sale.get(1021).Status).toBe('Sold');

					// SuperOffice's event for the workflow's own write: answered, nothing run
					await fake.settled();
					const own = fake.emitted.find((entry) => entry.event === 'sale.changed');
					expect(own.results).toEqual([
						expect.objectContaining({
							status: 200,
							responseBody: expect.stringContaining('"reason":"own-change"'),
						}),
					]);
					await new Promise((resolve) => setTimeout(resolve, 1500));
					expect(await env.instance.executions(created.id, { includeData: false })).toHaveLength(1);

					// the same event made by a person in SuperOffice runs the workflow
					const [byPerson] = await fake.fire('sale.changed', {
						primaryKey: 1021,
						changedByAssociateId: 5,
						changes: ['status'],
					});
					expect(byPerson.status).toBe(200);
					const executions = await waitForExecution(created.id, 2);
					expect(executions).toHaveLength(2);
					expect(triggerItems(executions[0], 'SuperOffice Trigger')).toEqual([
						expect.objectContaining({ Event: 'sale.changed', ChangedByAssociateId: 5 }),
					]);
					expect(fake.writes).toHaveLength(2);
					// the API user was looked up once
					expect(
						fake.requests.filter((request) => request.path.endsWith('/User/currentAssociate')),
					).toHaveLength(1);
					await env.instance.deactivate(created.id);
				} finally {
					await fake.close();
				}
			},
		);

		step(
			'a SuperOffice API credential can be created by script through n8n’s public API, as the README shows, for every kind of login',
			async () => {
				// n8n 1.x adds allowedHttpRequestDomains to credentials that sign requests and demands
				// allowedDomains unless it is given; n8n 2.x needs neither.
				const domains = line === 1 ? { allowedHttpRequestDomains: 'all' } : {};
				const logins = [
					{ authType: 'ticket', ticketToken: '7T:e2e', appToken: 'e2e-app' },
					{ authType: 'bearer', accessToken: 'e2e-bearer' },
					{ authType: 'basic', username: 'ada', password: 'e2e-password' },
				];
				for (const login of logins) {
					const created = await env.instance.createCredential(
						`SuperOffice API by script (${login.authType})`,
						'superOfficeApi',
						{
							baseUrl: 'https://crm.example.com/SuperOffice/api/v1',
							allowHttp: false,
							...login,
							...domains,
						},
					);
					expect(created).toMatchObject({ id: expect.any(String), type: 'superOfficeApi' });
				}
			},
		);

		step(
			'SuperOffice credentials: Test sends the login to https:// only (or http:// with Allow Plain HTTP) and never follows a redirect with it',
			async () => {
				const token = 'e2e-credential-test-token';
				const fake = await startFakeSuperOffice({ auth: { type: 'bearer', token } });
				const elsewhere = await startFakeSuperOffice({});
				try {
					const onSite = (allowHttp) => ({
						baseUrl: fake.baseUrl,
						allowHttp,
						authType: 'bearer',
						accessToken: token,
					});
					// n8n 2.x tests a saved credential (by id) with the data in the form
					const saved = await env.instance.createCredentialAsEditor(
						'SuperOffice API (test button)',
						'superOfficeApi',
						onSite(true),
					);
					const test = async (type, data, id = saved.id) =>
						await env.instance.request('POST', '/rest/credentials/test', {
							body: { credentials: { id, name: 'SuperOffice (test button)', type, data } },
						});
					// http:// without Allow Plain HTTP: refused before anything is sent
					const plain = await test('superOfficeApi', onSite(false));
					expect(plain.status).toBe('Error');
					expect(plain.message).toContain('must start with https://');
					expect(fake.requests).toEqual([]);
					// a redirect is an answer: the other address hears nothing
					fake.redirectTo = elsewhere.origin;
					const moved = await test('superOfficeApi', onSite(true));
					expect(moved.status).toBe('Error');
					expect(elsewhere.requests).toEqual([]);
					fake.redirectTo = undefined;
					const allowed = await test('superOfficeApi', onSite(true));
					expect(allowed).toMatchObject({ status: 'OK' });
					expect(fake.requests.at(-1)).toMatchObject({ method: 'GET' });
					// OAuth2: the access token never goes to an http:// address
					const oAuth2Data = {
						clientId: 'e2e-client',
						clientSecret: 'e2e-client-value',
						baseUrl: fake.baseUrl,
						oauthTokenData: { access_token: token },
					};
					const oAuth2 = await env.instance.createCredentialAsEditor(
						'SuperOffice OAuth2 (test button)',
						'superOfficeOAuth2Api',
						oAuth2Data,
					);
					const before = fake.requests.length;
					const refused = await test('superOfficeOAuth2Api', oAuth2Data, oAuth2.id);
					expect(refused.status).toBe('Error');
					expect(fake.requests.length).toBe(before);
				} finally {
					await fake.close();
					await elsewhere.close();
				}
			},
		);

		step(
			'with Remember Event IDs: In Memory Only, n8n sends the trigger’s answer (on 2.x once the execution exists) and copies are still caught',
			async () => {
				const memory = await env.addWorkflow('qondorMemory', 'qondor', {
					webhookId: '6f1e0d2c-7a4b-4c3d-9e8f-0a1b2c3d4e72',
					parameters: { settings: { rememberIds: 'memory' } },
					credentialData: env.secrets.qondor,
				});
				const event = freshEvent('qondor', sample('qondor', 'OfferSentV1'));
				const request = () => qondorRequest(event.body, env.secrets.qondor);
				const first = await postEvent(memory.url, request());
				const answeredAt = Date.now();
				expect({ status: first.status, body: first.body }).toEqual({
					status: 200,
					body: {
						status: 'accepted',
						reason: 'started',
						message: 'OfferSentV1 started the workflow',
					},
				});
				const copy = await postEvent(memory.url, request());
				expect({ status: copy.status, reason: copy.reason }).toEqual({
					status: 200,
					reason: 'duplicate',
				});
				const [execution] = await env.waitForExecutions('qondorMemory', 1);
				if (line === 2) {
					// n8n 2.x answered once the execution had started
					expect(Date.parse(execution.startedAt)).toBeLessThanOrEqual(answeredAt);
				}
				await new Promise((resolve) => setTimeout(resolve, 1000));
				expect(await env.executionItems('qondorMemory')).toEqual([[event.body]]);
				await env.instance.deactivate(memory.id);
			},
		);

		step(
			'every example workflow in examples/ imports cleanly, with node types and versions n8n knows',
			async () => {
				const nodeTypes = await env.instance.request('GET', '/types/nodes.json');
				const known = new Map();
				for (const type of nodeTypes) {
					const versions = Array.isArray(type.version) ? type.version : [type.version];
					known.set(type.name, [...(known.get(type.name) ?? []), ...versions]);
				}
				const examples = loadExamples();
				const imported = await importExamples(env.instance);
				expect(imported).toHaveLength(examples.length);
				for (const [index, created] of imported.entries()) {
					const stored = await env.instance.api('GET', `/workflows/${created.id}`);
					expect(stored.nodes.map((node) => node.name).sort()).toEqual(
						examples[index].workflow.nodes.map((node) => node.name).sort(),
					);
					for (const node of stored.nodes) {
						expect({
							file: examples[index].file,
							node: node.name,
							known: known.get(node.type)?.includes(node.typeVersion) ?? false,
						}).toEqual({
							file: examples[index].file,
							node: node.name,
							known: true,
						});
					}
				}
			},
		);

		step(
			"no node of any example has a parameter issue, by n8n's own parameter validation",
			async () => {
				const nodeTypes = await env.instance.request('GET', '/types/nodes.json');
				const typeOf = (node) =>
					nodeTypes.find(
						(type) =>
							type.name === node.type &&
							(Array.isArray(type.version) ? type.version : [type.version]).includes(
								node.typeVersion,
							),
					);
				for (const { file, workflow } of loadExamples()) {
					for (const node of workflow.nodes) {
						const type = typeOf(node);
						expect({ file, node: node.name, known: type !== undefined }).toEqual({
							file,
							node: node.name,
							known: true,
						});
						// As the editor does: the parameters with their defaults, then the issues n8n finds.
						const parameters = NodeHelpers.getNodeParameters(
							type.properties,
							node.parameters,
							true,
							false,
							node,
							type,
						);
						const issues = NodeHelpers.getNodeParametersIssues(
							type.properties,
							{ ...node, parameters },
							type,
						);
						expect({ file, node: node.name, issues }).toEqual({
							file,
							node: node.name,
							issues: null,
						});
					}
				}
			},
		);

		step(
			'every example runs on a signed event: each email reaches a real SMTP server, each CRM node resolves its fields',
			async () => {
				const smtp = await startSmtpServer();
				// Examples that read records (SuperOffice's Include Record) read them from a fake SuperOffice
				// that knows the sample's quote. They are written for SuperOffice Online (OAuth2, whose consent
				// screen cannot run here); the test reads with the on-site credential type instead, as bearer.
				const superOffice = await startFakeSuperOffice({
					auth: { type: 'bearer', token: 'e2e-examples-token' },
				});
				const quote = superOffice.records.quotes.get(493);
				superOffice.records.quotes.set(sample('superoffice', 'quote.approved').PrimaryKey, {
					...quote,
					QuoteId: sample('superoffice', 'quote.approved').PrimaryKey,
				});
				try {
					const recordCredential = await env.instance.createCredentialAsEditor(
						'SuperOffice API (examples, fake)',
						'superOfficeApi',
						{
							baseUrl: superOffice.baseUrl,
							allowHttp: true,
							authType: 'bearer',
							accessToken: 'e2e-examples-token',
						},
					);
					const smtpCredential = await env.instance.createCredential('SMTP (e2e)', 'smtp', {
						user: 'n8n',
						password: 'e2e-smtp-password',
						host: smtp.host,
						port: smtp.port,
						secure: false,
						disableStartTls: true,
						hostName: '',
					});
					const hubspot = await env.instance.createCredential('HubSpot (e2e)', 'hubspotAppToken', {
						appToken: 'pat-e2e-not-a-token',
					});
					const cloudCredentials = {
						'n8n-nodes-base.hubspot': {
							hubspotAppToken: { id: hubspot.id, name: 'HubSpot (e2e)' },
						},
					};
					const nodeTypes = await env.instance.request('GET', '/types/nodes.json');
					const triggersByType = new Map(
						Object.values(setupLib.triggers()).map((trigger) => [trigger.nodeType, trigger]),
					);
					let sent = 0;
					let resolved = 0;
					for (const { file, workflow } of loadExamples()) {
						const triggerNode = workflow.nodes.find((node) => triggersByType.has(node.type));
						const trigger = triggersByType.get(triggerNode.type);
						const sender = senderOf(trigger.key);
						const nodes = workflow.nodes.map((node) => {
							if (node === triggerNode && node.parameters.includeRecord === true)
								return {
									...node,
									parameters: { ...node.parameters, apiAccess: 'onSite' },
									credentials: {
										[trigger.credentialType]: env.workflows[trigger.key].credential,
										superOfficeApi: {
											id: recordCredential.id,
											name: 'SuperOffice API (examples, fake)',
										},
									},
								};
							if (node === triggerNode)
								return {
									...node,
									credentials: { [trigger.credentialType]: env.workflows[trigger.key].credential },
								};
							if (node.type === EMAIL_NODE)
								return {
									...node,
									credentials: { smtp: { id: smtpCredential.id, name: 'SMTP (e2e)' } },
								};
							// The SuperOffice node writes to the fake, with the on-site credential type (as bearer).
							if (node.type === SUPEROFFICE_NODE)
								return {
									...node,
									parameters: { ...node.parameters, authentication: 'onSite' },
									credentials: {
										superOfficeApi: {
											id: recordCredential.id,
											name: 'SuperOffice API (examples, fake)',
										},
									},
								};
							// Nodes that call a vendor's cloud get a credential, but cannot run here: disabled,
							// they pass their items on.
							if (CLOUD_NODES.includes(node.type)) {
								return { ...node, credentials: cloudCredentials[node.type], disabled: true };
							}
							return node;
						});
						const created = await env.instance.createActiveWorkflow({
							...workflow,
							name: `${workflow.name} (e2e)`,
							nodes,
						});

						// Events the example's trigger selects (every branch, for the status router), signed as the sender signs.
						const selected = triggerNode.parameters[sender.events.parameter] ?? ['*'];
						const samples = loadSamples(sender);
						const eventName =
							selected.find((name) => samples[name] !== undefined) ?? wireOf(sender).benchmark[0];
						for (const variant of EVENT_VARIANTS[file] ?? [{}]) {
							const event = freshEvent(sender, {
								...withRealEmails(samples[eventName]),
								...variant,
							});
							const before = (await env.instance.executions(created.id, { includeData: false }))
								.length;
							const writesBefore = superOffice.writes.length;
							const response = await fetch(
								env.instance.webhookUrl(`${triggerNode.webhookId}/${sender.path}`),
								{
									method: 'POST',
									...toFetch(
										signedRequest(sender, event.body, env.secrets[trigger.key], event.options),
									),
								},
							);
							expect({ file, status: response.status }).toEqual({ file, status: 200 });
							const [execution] = await waitForExecution(created.id, before + 1);
							const { runData } = execution.data.resultData;
							expect({ file, error: execution.data.resultData.error?.message }).toEqual({
								file,
								error: undefined,
							});
							EXPECTED_WRITES[file]?.(superOffice.writes.slice(writesBefore), event.body);

							// Each email node that ran sends one message per item it received, rendered by its own expressions.
							const expected = [];
							for (const node of nodes.filter(
								(candidate) => candidate.type === EMAIL_NODE && runData[candidate.name],
							)) {
								for (const item of inputItems(workflow, runData, node.name)) {
									expected.push({
										file,
										to: [renderPicks(node.parameters.toEmail, item)],
										subject: renderPicks(node.parameters.subject, item),
										text: renderPicks(node.parameters.text, item).trim(),
									});
								}
							}
							sent += expected.length;
							const messages = await smtp.waitFor(sent);
							const received = messages
								.slice(sent - expected.length)
								.map(({ to, subject, text }) => ({ file, to, subject, text: text.trim() }));
							const order = (message) => `${message.to}|${message.subject}`;
							const sorted = (list) => [...list].sort((x, y) => order(x).localeCompare(order(y)));
							expect(sorted(received)).toEqual(sorted(expected));

							// Each CRM node that was reached: n8n's own expression evaluation, for every item it received,
							// gives exactly the fields its expressions pick, and none of them is empty.
							const evaluator = new Workflow({
								id: created.id,
								nodes: workflow.nodes,
								connections: workflow.connections,
								active: false,
								nodeTypes: nodeTypesOf(nodeTypes),
								settings: {},
							});
							for (const node of nodes.filter(
								(candidate) => CLOUD_NODES.includes(candidate.type) && runData[candidate.name],
							)) {
								const items = inputItems(workflow, runData, node.name);
								items.forEach((item, index) => {
									const value = evaluator.expression.getParameterValue(
										node.parameters,
										execution.data,
										0,
										index,
										node.name,
										items.map((json) => ({ json })),
										'manual',
										{},
									);
									expect({ file, node: node.name, value }).toEqual({
										file,
										node: node.name,
										value: renderPicksDeep(node.parameters, item, { requireValues: true }),
									});
									resolved++;
								});
							}
						}
						await env.instance.deactivate(created.id);
					}
					expect({ sent: sent > 0, resolved: resolved > 0 }).toEqual({
						sent: true,
						resolved: true,
					});
					// the SuperOffice example emailed the customer and the rep with what it read
					expect(smtp.messages.map((message) => message.to).flat()).toEqual(
						expect.arrayContaining(['ola@acme.example', 'jane.doe@vendor.example']),
					);
					// the Qondor offer made its contact person once, whichever way the company was found
					const persons = superOffice.writes.filter((write) => write.entity === 'Person');
					expect(persons.map((write) => write.method)).toEqual(['POST']);
					expect(persons[0].body).toMatchObject({
						Emails: [{ Value: 'person1@example.com' }],
						Contact: { ContactId: 43 },
					});
				} finally {
					await smtp.close();
					await superOffice.close();
				}
			},
		);

		if (line === 1) {
			step(
				'npm start: a random owner password in a setup file only its owner can read, owner-only data, n8n’s permission checks on; npm run send takes secrets from a file, never the command line',
				async () => {
					const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-triggers-start-'));
					const home = path.join(folder, 'local-n8n-1');
					// a setup file left readable by others by an older version
					fs.mkdirSync(home, { recursive: true, mode: 0o755 });
					fs.writeFileSync(path.join(home, 'local-setup.json'), '{}', { mode: 0o644 });
					const port = await freePort();
					const child = spawn(process.execPath, ['scripts/start.js'], {
						cwd: path.resolve(__dirname, '..', '..'),
						env: {
							...process.env,
							N8N_LOCAL_FOLDER: folder,
							N8N_PORT: String(port),
							N8N_LINE: '1',
						},
						detached: true,
						stdio: ['ignore', 'pipe', 'pipe'],
					});
					let output = '';
					child.stdout.on('data', (chunk) => (output += chunk));
					child.stderr.on('data', (chunk) => (output += chunk));
					try {
						const deadline = Date.now() + 240000;
						while (
							!output.includes('Stop with Ctrl-C') &&
							Date.now() < deadline &&
							child.exitCode === null
						)
							await new Promise((resolve) => setTimeout(resolve, 500));
						expect(output).toContain('Stop with Ctrl-C');
						const stateFile = path.join(home, 'local-setup.json');
						const state = JSON.parse(fs.readFileSync(stateFile, 'utf8'));
						expect((fs.statSync(stateFile).mode & 0o777).toString(8)).toBe('600');
						expect((fs.statSync(home).mode & 0o777).toString(8)).toBe('700');
						for (const file of ['database.sqlite', 'config', '../n8n.log']) {
							const where = path.join(home, '.n8n', file);
							if (file === 'config' && !fs.existsSync(where)) continue;
							expect({ file, mode: (fs.statSync(where).mode & 0o777).toString(8) }).toEqual({
								file,
								mode: '600',
							});
						}
						// a random password, not the fixed one of test instances, and it logs in
						expect(state.ownerPassword).toMatch(/^Local-[\w-]{24}-7N$/);
						expect(state.ownerPassword).not.toBe(OWNER.password);
						const logIn = (password) =>
							fetch(`http://localhost:${port}/rest/login`, {
								method: 'POST',
								headers: { 'content-type': 'application/json' },
								body: JSON.stringify({
									emailOrLdapLoginId: OWNER.email,
									email: OWNER.email,
									password,
								}),
							});
						expect((await logIn(state.ownerPassword)).status).toBe(200);
						expect((await logIn(OWNER.password)).status).toBe(401);
						// n8n ran with its settings-file permission check on, and had nothing to complain about
						const log = fs.readFileSync(path.join(home, 'n8n.log'), 'utf8');
						expect(log).not.toMatch(/Permissions 0\d+ for n8n settings file .* are too wide/);

						// npm run send: --secret is refused; --secret-file works
						const send = (args, env = {}) =>
							spawnSync(process.execPath, ['scripts/send.js', 'qondor', 'OfferSentV1', ...args], {
								cwd: path.resolve(__dirname, '..', '..'),
								env: { ...process.env, N8N_LOCAL_FOLDER: folder, ...env },
								encoding: 'utf8',
							});
						const refused = send(['--secret', state.secrets.qondor.headerSecret]);
						expect(refused.status).not.toBe(0);
						expect(refused.stderr).toContain('--secret is not accepted');
						const secretFile = path.join(folder, 'qondor.secret');
						fs.writeFileSync(secretFile, `${state.secrets.qondor.headerSecret}\n`, { mode: 0o600 });
						const sent = send(['--secret-file', secretFile]);
						expect({ status: sent.status, out: sent.stdout }).toEqual({
							status: 0,
							out: expect.stringContaining('200'),
						});
					} finally {
						try {
							process.kill(-child.pid, 'SIGINT');
						} catch {
							// already stopped
						}
						await new Promise((resolve) => {
							if (child.exitCode !== null) resolve(undefined);
							child.once('exit', resolve);
							setTimeout(resolve, 60000);
						});
						fs.rmSync(folder, { recursive: true, force: true });
					}
				},
				300000,
			);
		}

		step('no secret appears in n8n’s log', async () => {
			const log = env.log();
			expect(log.length).toBeGreaterThan(0);
			for (const secret of senders().flatMap(({ key }) => secretValues(key, env.secrets[key]))) {
				expect(log.includes(secret)).toBe(false);
			}
		});
	});
}

module.exports = { defineSuite };
