import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';

import { CrmEventTrigger } from '../../nodes/CrmEvent/CrmEventTrigger.node';
import { triggers } from '../../nodes/senders';
import { QondorTrigger } from '../../nodes/Qondor/QondorTrigger.node';
import { MIN_HEADER_SECRET_LENGTH } from '../../nodes/shared/headerScheme';
import { MAX_TOLERANCE_SECONDS, testSigningCredential } from '../../nodes/shared/standardWebhooks';
import { loadSamples, sample } from '../../scripts/lib/registry';
import { freshEvent, newCredential, signedRequest } from '../../scripts/lib/senders';
import { defaultParameters } from '../../scripts/lib/setup';
import { runWebhook } from '../helpers/harness';
import type { LogEntry } from '../helpers/harness';

/*
 * Limits that hold at request time, not only in the editor: a credential saved despite its test,
 * or a workflow imported or written by hand, cannot weaken them.
 */

/** A Qondor request with the trigger's default parameters (and these settings), as n8n runs it. */
async function sendQondor(
	body: object | string,
	credential: ICredentialDataDecryptedObject,
	{ settings, logs }: { settings?: IDataObject; logs?: LogEntry[] } = {},
) {
	const parameters = defaultParameters('qondor') as IDataObject;
	return await runWebhook(new QondorTrigger(), signedRequest('qondor', body, credential), {
		parameters: settings === undefined ? parameters : { ...parameters, settings },
		credentials: { qondorWebhookApi: credential },
		logs,
	});
}

describe('limits at request time', () => {
	it(`a Qondor header value shorter than ${MIN_HEADER_SECRET_LENGTH} characters is a configuration error, even when the request carries it`, async () => {
		const credential = { headerName: 'X-Qondor-Token', headerSecret: 'abc' };
		const logs: LogEntry[] = [];
		const event = freshEvent('qondor', sample('qondor', 'OfferSentV1'));
		const outcome = await sendQondor(event.body, credential, { logs });
		expect(outcome.statusCode).toBe(500);
		expect(outcome.body).toMatchObject({ reason: 'configuration' });
		expect(outcome.items).toBeUndefined();
		// n8n's log says what to fix, without the value
		expect(logs).toContainEqual({
			level: 'error',
			message: expect.stringContaining(`shorter than ${MIN_HEADER_SECRET_LENGTH} characters`),
		});
		expect(JSON.stringify([outcome.body, logs])).not.toContain('"abc"');
	});

	it('a Standard Webhooks secret with a 1-byte key is refused by the credential test and at request time', async () => {
		const tiny = `whsec_${Buffer.from([7]).toString('base64')}`;
		expect(testSigningCredential({ signingSecret: tiny })).toMatchObject({
			status: 'Error',
			message: expect.stringContaining('1 bytes long'),
		});
		const event = freshEvent('crm', sample('crm', 'deal.created'));
		const outcome = await runWebhook(
			new CrmEventTrigger(),
			signedRequest('crm', event.body, tiny, event.options),
			{
				parameters: defaultParameters('crm') as IDataObject,
				credentials: { crmEventWebhookApi: { signingSecret: tiny } },
			},
		);
		expect(outcome.statusCode).toBe(500);
		expect(outcome.items).toBeUndefined();
	});

	describe('the CRM timestamp tolerance is clamped to an hour, whatever the workflow holds', () => {
		const credential = newCredential('crm');
		const send = async (toleranceSeconds: number, ageSeconds: number) => {
			const event = freshEvent('crm', sample('crm', 'deal.created'));
			const outcome = await runWebhook(
				new CrmEventTrigger(),
				signedRequest('crm', event.body, credential, {
					...event.options,
					timestamp: Math.floor(Date.now() / 1000) - ageSeconds,
				}),
				{
					parameters: {
						...(defaultParameters('crm') as IDataObject),
						settings: { toleranceSeconds },
					},
					credentials: { crmEventWebhookApi: credential },
				},
			);
			return [outcome.statusCode, outcome.body?.reason];
		};

		it('a tolerance of 1e9 seconds does not let a 10-year-old timestamp through', async () => {
			expect(await send(1e9, 10 * 365 * 24 * 3600)).toEqual([401, 'timestamp-out-of-window']);
		});

		it(`the widest window is ${MAX_TOLERANCE_SECONDS} seconds`, async () => {
			expect(await send(1e9, MAX_TOLERANCE_SECONDS - 5)).toEqual([200, 'started']);
			expect(await send(1e9, MAX_TOLERANCE_SECONDS + 5)).toEqual([401, 'timestamp-out-of-window']);
		});

		it('a tolerance that is not a number falls back to the default of 300 seconds', async () => {
			expect(await send(Number.NaN, 299)).toEqual([200, 'started']);
			expect(await send(Number.NaN, 310)).toEqual([401, 'timestamp-out-of-window']);
		});
	});
});

describe('a sender cannot pass for the trigger', () => {
	it('a body field named _validation in a valid event is kept under _validation.sent, and the item is marked', async () => {
		const credential = newCredential('qondor');
		const forged = { valid: true, issues: [] };
		const event = freshEvent('qondor', { ...sample('qondor', 'OfferSentV1'), _validation: forged });
		const outcome = await sendQondor(event.body, credential);
		expect(outcome.statusCode).toBe(200);
		expect(outcome.items?.[0]._validation).toEqual({ valid: true, issues: [], sent: forged });
	});
});

describe('bounded work per event, whatever the body', () => {
	const credential = newCredential('qondor');
	const many = () => ({
		...sample('qondor', 'BookingConfirmedV1'),
		participants: Array.from({ length: 200000 }, (_, i) => i),
	});

	it('200,000 schema violations: the item lists 20 and counts the rest; the log line stays short', async () => {
		const logs: LogEntry[] = [];
		const event = freshEvent('qondor', many());
		const outcome = await sendQondor(event.body, credential, { logs });
		expect(outcome.statusCode).toBe(200);
		const validation = outcome.items?.[0]._validation as IDataObject;
		expect(validation.issues).toHaveLength(20);
		expect(validation.moreIssues).toBe(199980);
		const warnings = logs.filter((entry) => entry.level === 'warn');
		expect(warnings).toHaveLength(1);
		expect(warnings[0].message).toContain('and 199980 more');
		expect(warnings[0].message.length).toBeLessThan(8000);
	});

	it('with Reject Invalid Payloads, the 422 answer is as short', async () => {
		const event = freshEvent('qondor', many());
		const outcome = await sendQondor(event.body, credential, { settings: { rejectInvalid: true } });
		expect(outcome.statusCode).toBe(422);
		expect(String(outcome.body?.message)).toContain('and 199980 more');
		expect(JSON.stringify(outcome.body).length).toBeLessThan(8000);
	});
});

describe.each(triggers.map((Trigger) => [Trigger.sender.name, Trigger] as const))(
	'%s: what headers can tell is checked before the body is read',
	(_name, Trigger) => {
		const sender = Trigger.sender;
		const type = sender.authentication.choices[0].credential!;
		const credential = newCredential(sender);
		const body = Object.values(loadSamples(sender)).find(
			(candidate) =>
				!sender.isHandshake(
					{},
					candidate,
					String(candidate[sender.event.name.field!] ?? ''),
				),
		)!;

		async function send(headers: Record<string, string>, raw: Buffer) {
			const read = jest.fn(async () => raw);
			const outcome = await runWebhook(
				new Trigger(),
				{ headers, raw: read },
				{
					parameters: defaultParameters(sender) as IDataObject,
					credentials: { [type]: credential },
				},
			);
			return {
				status: outcome.statusCode,
				reason: outcome.body?.reason,
				reads: read.mock.calls.length,
			};
		}

		it('a request without the authentication headers gets 401 and its body is never read', async () => {
			const event = freshEvent(sender, body);
			const { raw } = signedRequest(sender, event.body, credential, event.options);
			expect(await send({ 'content-type': 'application/json' }, raw)).toMatchObject({
				status: 401,
				reads: 0,
			});
		});

		it('a genuine request is read once and runs', async () => {
			const event = freshEvent(sender, body);
			const { raw, headers } = signedRequest(sender, event.body, credential, event.options);
			expect(await send(headers, raw)).toEqual({ status: 200, reason: 'started', reads: 1 });
		});
	},
);

/** Runs a request whose body is read only if the trigger asks for it: [status, reason, reads]. */
async function lazily(
	Trigger: typeof QondorTrigger | typeof CrmEventTrigger,
	key: string,
	type: string,
	credential: object,
	request: { headers: Record<string, string>; raw: Buffer },
) {
	const read = jest.fn(async () => request.raw);
	const outcome = await runWebhook(
		new Trigger(),
		{ headers: request.headers, raw: read },
		{
			parameters: defaultParameters(key) as IDataObject,
			credentials: { [type]: credential as ICredentialDataDecryptedObject },
		},
	);
	return [outcome.statusCode, outcome.body?.reason, read.mock.calls.length];
}

it('a wrong Qondor header value, and a CRM timestamp out of the window, are refused before the body is read', async () => {
	const qondor = newCredential('qondor');
	const event = freshEvent('qondor', sample('qondor', 'OfferSentV1'));
	const wrong = signedRequest('qondor', event.body, {
		...qondor,
		headerSecret: `${qondor.headerSecret}x`,
	});
	expect(await lazily(QondorTrigger, 'qondor', 'qondorWebhookApi', qondor, wrong)).toEqual([
		401,
		'wrong-header-value',
		0,
	]);

	const crm = newCredential('crm');
	const crmEvent = freshEvent('crm', sample('crm', 'deal.created'));
	const stale = signedRequest('crm', crmEvent.body, crm, {
		...crmEvent.options,
		timestamp: Math.floor(Date.now() / 1000) - 3600,
	});
	expect(await lazily(CrmEventTrigger, 'crm', 'crmEventWebhookApi', crm, stale)).toEqual([
		401,
		'timestamp-out-of-window',
		0,
	]);
});

describe('nesting', () => {
	const credential = newCredential('qondor');
	const send = async (depth: number, padding = 0) => {
		const event = freshEvent('qondor', {
			...sample('qondor', 'OfferSentV1'),
			...(padding > 0 ? { padding: 'x'.repeat(padding) } : {}),
		});
		const text = JSON.stringify(event.body).replace(
			/}$/,
			`,"deep":${'['.repeat(depth)}${']'.repeat(depth)}}`,
		);
		const outcome = await sendQondor(text, credential);
		return [outcome.statusCode, outcome.body?.reason];
	};

	it('a body nested 1,000 levels deep runs; one nested deeper is refused', async () => {
		expect(await send(999)).toEqual([200, 'started']);
		expect(await send(1000)).toEqual([400, 'invalid-body']);
	});

	it('above 256 KiB the nesting is measured on the bytes, before parsing: a million levels are refused', async () => {
		expect(await send(999, 300_000)).toEqual([200, 'started']);
		expect(await send(1000, 300_000)).toEqual([400, 'invalid-body']);
		const parse = jest.spyOn(JSON, 'parse');
		try {
			expect(await send(1_000_000)).toEqual([400, 'invalid-body']);
			expect(parse.mock.calls.some(([text]) => String(text).length > 1_000_000)).toBe(false);
		} finally {
			parse.mockRestore();
		}
	});

	it('brackets inside strings do not count', async () => {
		const event = freshEvent('qondor', {
			...sample('qondor', 'OfferSentV1'),
			note: '[[[[\\"{{{{'.repeat(500),
		});
		const outcome = await sendQondor(event.body, credential);
		expect(outcome.statusCode).toBe(200);
	});
});
