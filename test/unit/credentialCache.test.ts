import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';

import { triggers } from '../../nodes/senders';
import {
	CREDENTIAL_TTL_MS,
	forgetCredentials,
	RECHECK_INTERVAL_MS,
} from '../../nodes/shared/credentialCache';
import { loadSamples } from '../../scripts/lib/registry';
import { freshEvent, newCredential, signedRequest } from '../../scripts/lib/senders';
import { defaultParameters } from '../../scripts/lib/setup';
import { runWebhook } from '../helpers/harness';

/*
 * Each trigger reads the credential it checks requests with from n8n once, then from memory for
 * CREDENTIAL_TTL_MS (on n8n 2.x every read costs an expression isolate). A changed secret is read
 * again on the first request that fails the check, at most once per RECHECK_INTERVAL_MS.
 */

let credentialId = 0;

beforeEach(() => {
	forgetCredentials();
	jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
	jest.setSystemTime(Date.parse('2026-11-29T12:00:00Z'));
});
afterEach(() => {
	jest.useRealTimers();
});

const advance = (ms: number) => jest.setSystemTime(Date.now() + ms);

describe.each(triggers.map((Trigger) => [Trigger.sender.name, Trigger] as const))(
	'%s: the credential is read once, not on every request',
	(_name, Trigger) => {
		const sender = Trigger.sender;
		const node = new Trigger();
		const type = sender.authentication.choices[0].credential!;
		const business = Object.values(loadSamples(sender)).filter(
			(body) => !sender.isHandshake({}, body, String(body[sender.event.name.field!] ?? '')),
		);

		/** A node of a workflow whose credential n8n holds in `store` (edit it to rotate). */
		function nodeSetup(store: Record<string, ICredentialDataDecryptedObject>, named = true) {
			const reads: string[] = [];
			const setup = {
				parameters: defaultParameters(sender) as IDataObject,
				credentials: store,
				credentialReads: reads,
				staticData: {},
				nodeCredentials: named
					? { [type]: { id: `credential-${++credentialId}`, name: 'Secret' } }
					: undefined,
			};
			return { setup, reads };
		}

		async function send(setup: ReturnType<typeof nodeSetup>['setup'], credential: unknown) {
			const event = freshEvent(sender, business[0]);
			const outcome = await runWebhook(
				node,
				signedRequest(sender, event.body, credential as Record<string, string>, event.options),
				setup,
			);
			return outcome.statusCode;
		}

		it('ten genuine requests read the credential once', async () => {
			const credential = newCredential(sender);
			const { setup, reads } = nodeSetup({ [type]: credential });
			for (let i = 0; i < 10; i++) expect(await send(setup, credential)).toBe(200);
			expect(reads).toEqual([type]);
		});

		it('without a credential id from n8n, every request reads it (nothing is assumed)', async () => {
			const credential = newCredential(sender);
			const { setup, reads } = nodeSetup({ [type]: credential }, false);
			for (let i = 0; i < 3; i++) expect(await send(setup, credential)).toBe(200);
			expect(reads).toHaveLength(3);
		});

		it('a rotated secret is accepted on its first request, and the old one is refused from then on', async () => {
			const old = newCredential(sender);
			const store = { [type]: old };
			const { setup, reads } = nodeSetup(store);
			expect(await send(setup, old)).toBe(200);
			advance(RECHECK_INTERVAL_MS + 1);
			const rotated = newCredential(sender);
			store[type] = rotated;
			// the sender signs with the new secret: the first request reads the credential again
			expect(await send(setup, rotated)).toBe(200);
			expect(reads).toHaveLength(2);
			// the old secret no longer passes: the entry holds the new one
			expect(await send(setup, old)).toBe(401);
		});

		it('until the credential is read again, the old secret passes at most CREDENTIAL_TTL_MS', async () => {
			const old = newCredential(sender);
			const store = { [type]: old };
			const { setup } = nodeSetup(store);
			expect(await send(setup, old)).toBe(200);
			store[type] = newCredential(sender);
			advance(CREDENTIAL_TTL_MS - 1000);
			expect(await send(setup, old)).toBe(200);
			advance(1000);
			expect(await send(setup, old)).toBe(401);
		});

		it('a credential that cannot be read (deleted, unshared) is read again at most once per recheck interval', async () => {
			const { setup, reads } = nodeSetup({});
			for (let i = 0; i < 10; i++) {
				expect(await send(setup, newCredential(sender))).toBe(500);
				advance(100);
			}
			expect(reads).toHaveLength(1);
			advance(RECHECK_INTERVAL_MS);
			expect(await send(setup, newCredential(sender))).toBe(500);
			expect(reads).toHaveLength(2);
		});

		it('a stream of bad requests reads the credential at most once per recheck interval', async () => {
			const credential = newCredential(sender);
			const { setup, reads } = nodeSetup({ [type]: credential });
			expect(await send(setup, credential)).toBe(200);
			const wrong = newCredential(sender);
			for (let i = 0; i < 50; i++) {
				expect(await send(setup, wrong)).toBe(401);
				advance(100);
			}
			// 5 seconds of bad requests: the first read, and one recheck
			expect(reads.length).toBeLessThanOrEqual(1 + Math.ceil(5000 / RECHECK_INTERVAL_MS));
		});
	},
);
