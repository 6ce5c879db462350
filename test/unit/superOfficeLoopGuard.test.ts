import type { IDataObject } from 'n8n-workflow';

import { forgetApiUsers } from '../../nodes/SuperOffice/ownChanges';
import { SuperOfficeTrigger } from '../../nodes/SuperOffice/SuperOfficeTrigger.node';
import { forgetCredentials } from '../../nodes/shared/credentialCache';
import { sample } from '../../scripts/lib/registry';
import { sentNow, signedRequest } from '../../scripts/lib/senders';
import { defaultParameters } from '../../scripts/lib/setup';
import { startFakeSuperOffice } from '../fakes/superOffice';
import { runWebhook } from '../helpers/harness';
import type { LogEntry } from '../helpers/harness';
import { superOfficeRequestHelper } from '../helpers/superOfficeApi';

/*
 * The SuperOffice Trigger's loop guard: a workflow that writes back to SuperOffice gets SuperOffice's
 * events for its own writes, with ChangedByAssociateId = the API user's associate. With Skip Changes
 * Made by the API User on, those are acknowledged without running; the associate is asked of
 * SuperOffice (User/currentAssociate) once per credential.
 */

type Fake = Awaited<ReturnType<typeof startFakeSuperOffice>>;

const TOKEN = 'example-token-for-the-fake';
const VALUE = 'superoffice-loop-guard-value-7788';
const SECRET = { webhookSecret: VALUE };
const node = new SuperOfficeTrigger();
let fake: Fake;
let logs: LogEntry[];

beforeEach(async () => {
	fake = await startFakeSuperOffice({ auth: { type: 'bearer', token: TOKEN } });
	logs = [];
	forgetApiUsers();
	forgetCredentials();
});
afterEach(async () => {
	await fake.close();
});

function credentials() {
	return {
		superOfficeWebhookApi: SECRET,
		superOfficeApi: {
			baseUrl: fake.baseUrl,
			allowHttp: true,
			authType: 'bearer',
			accessToken: TOKEN,
		},
	};
}

/** A sale.changed event made by `associate`, delivered to a trigger with these parameters. */
async function deliver(associate: number, parameters: IDataObject = {}) {
	const body = {
		...sentNow('superoffice', sample('superoffice', 'quote.approved')),
		Event: 'sale.changed',
		Entity: 'sale',
		PrimaryKey: 1021,
		Changes: ['status'],
		EventId: `loop-${Math.random()}`,
		ChangedByAssociateId: associate,
	};
	const all = credentials();
	return await runWebhook(node, signedRequest('superoffice', body, SECRET), {
		parameters: {
			...defaultParameters('superoffice'),
			skipOwnChanges: true,
			apiAccess: 'onSite',
			...parameters,
		},
		credentials: all,
		nodeCredentials: { superOfficeApi: { id: 'api-1', name: 'SuperOffice API' } },
		helpers: superOfficeRequestHelper(all, () => fake.origin),
		workflowId: 'loop-guard',
		logs,
	});
}

const lookups = () =>
	fake.requests.filter((request) => request.path.endsWith('/User/currentAssociate'));

describe('SuperOffice Trigger: Skip Changes Made by the API User', () => {
	it('an event the API user caused is acknowledged without running, and says why', async () => {
		const outcome = await deliver(fake.apiUser.AssociateId);
		expect(outcome.statusCode).toBe(200);
		expect(outcome.body).toMatchObject({ status: 'ignored', reason: 'own-change' });
		expect(outcome.items).toBeUndefined();
		expect(logs.find((log) => log.level === 'info')?.message).toContain(
			`sale.changed was made by the API user (associate ${fake.apiUser.AssociateId})`,
		);
	});

	it('the same event by another associate runs', async () => {
		const outcome = await deliver(5);
		expect(outcome.body).toMatchObject({ reason: 'started' });
		expect(outcome.items?.[0]).toMatchObject({ Event: 'sale.changed', ChangedByAssociateId: 5 });
	});

	it('SuperOffice is asked for the API user once, not per event', async () => {
		const own = fake.apiUser.AssociateId as number;
		for (const associate of [own, 5, own, 7, 37201]) await deliver(associate);
		expect(lookups()).toHaveLength(1);
		expect(lookups()[0].headers.authorization).toBe(`Bearer ${TOKEN}`);
	});

	it('when it is off (the default), the API user’s events run and nothing is asked', async () => {
		const outcome = await deliver(fake.apiUser.AssociateId, { skipOwnChanges: false });
		expect(outcome.body).toMatchObject({ reason: 'started' });
		expect(lookups()).toHaveLength(0);
	});

	it('when SuperOffice cannot say who the API user is, the event runs and the log says why', async () => {
		fake.recordRules.push({ path: 'User/currentAssociate', status: 403 });
		const outcome = await deliver(fake.apiUser.AssociateId);
		expect(outcome.body).toMatchObject({ reason: 'started' });
		expect(logs.find((log) => log.level === 'warn')?.message).toContain(
			"the API user's associate could not be found, so the event runs",
		);
		// not asked again for every event while SuperOffice refuses
		await deliver(fake.apiUser.AssociateId);
		expect(lookups()).toHaveLength(1);
	});
});

describe('SuperOffice Trigger: Skip Changes by Associates', () => {
	it('events by a listed associate are acknowledged without running, with no API call', async () => {
		const settings = { skipAssociates: '5, 12' };
		const outcome = await deliver(12, { skipOwnChanges: false, settings });
		expect(outcome.body).toMatchObject({ status: 'ignored', reason: 'skipped-associate' });
		expect(outcome.body?.message).toContain(
			'was made by associate 12, listed under Skip Changes by Associates',
		);
		expect((await deliver(7, { skipOwnChanges: false, settings })).body).toMatchObject({
			reason: 'started',
		});
		expect(lookups()).toHaveLength(0);
	});
});
