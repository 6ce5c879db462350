// How long secrets stay in the memory of an n8n process, measured the way someone reading a heap
// dump would: a heap snapshot of this process, searched for the secret's text, before and after
// its stated end. The built package's triggers take real requests (as in n8n); time is moved on
// and the package's own timers fired, with no other request in between. Run after `npm run build`.
import assert from 'node:assert/strict';
import { createHash, randomBytes, scrypt } from 'node:crypto';
import { promisify } from 'node:util';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { after, before, describe, it } from 'node:test';
import v8 from 'node:v8';

const require = createRequire(import.meta.url);
const dist = (file) => require(`../../dist/nodes/${file}`);
const { wakeUp } = dist('shared/expiry.js');
const { CREDENTIAL_TTL_MS } = dist('shared/credentialCache.js');
const { DERIVATION_TTL_MS, derivedSecret, forgetDerivations } = dist(
	'SuperOffice/webhookSecret.js',
);
const { apply, ROTATION_GRACE_MS } = dist('SuperOffice/secretLifecycle.js');
const { SuperOfficeTrigger } = dist('SuperOffice/SuperOfficeTrigger.node.js');
const { runWebhook } = require('../../scripts/lib/context');
const { bodySignature, sentNow } = require('../../scripts/lib/senders');
const { sample } = require('../../scripts/lib/registry');

// The clock the package reads, stopped and moved on by the tests only (a heap snapshot takes
// seconds), and its timers, fired when due.
const realNow = Date.now.bind(Date);
const start = realNow();
let offset = 0;
const timers = [];
const originalAfter = wakeUp.after;

function advance(ms) {
	offset += ms;
	for (const timer of timers.splice(0)) {
		if (timer.at <= Date.now()) timer.callback();
		else timers.push(timer);
	}
}

/**
 * Whether a heap snapshot of this process holds the text `make` gives. The snapshot is taken first
 * and the text made after, so the test's own copy is not what is found.
 */
async function inHeap(make) {
	// Out of whatever callback is running: a finished scrypt job stays reachable until then.
	await new Promise((resolve) => setImmediate(resolve));
	const file = v8.writeHeapSnapshot(
		path.join(os.tmpdir(), `lifetimes-${process.pid}-${realNow()}.heapsnapshot`),
	);
	try {
		return fs.readFileSync(file, 'utf8').includes(await make());
	} finally {
		fs.rmSync(file, { force: true });
	}
}

/**
 * A secret the test never keeps: made again from a seed whenever it is needed, so that the only
 * copies in memory are the package's (the credential n8n hands it is a new object each read).
 */
const seed = randomBytes(16).toString('hex');
const secret = (label) => createHash('sha256').update(`${seed}:${label}`).digest('hex');

const node = new SuperOfficeTrigger();
const nodeCredentials = { superOfficeWebhookApi: { id: 'lifetime-1', name: 'Secret' } };

/** A signed quote event as SuperOffice sends it, built and sent in a scope of its own. */
async function deliver(setup, signingSecret) {
	const signingWith = await signingSecret();
	const raw = Buffer.from(
		JSON.stringify({
			...sentNow('superoffice', sample('superoffice', 'quote.approved')),
			EventId: `${realNow()}-${Math.random()}`,
		}),
	);
	const headers = {
		'content-type': 'application/json; charset=utf-8',
		'x-superoffice-signature': bodySignature(raw, signingWith),
	};
	return (await runWebhook(node, { raw, headers }, setup)).statusCode;
}

describe('secrets in memory end when the README says, with no request in between', () => {
	before(() => {
		Date.now = () => start + offset;
		wakeUp.after = (delayMs, callback) => timers.push({ at: Date.now() + delayMs, callback });
	});
	after(() => {
		Date.now = realNow;
		wakeUp.after = originalAfter;
	});

	it('a webhook secret read from its credential: gone 60 seconds after it was read', async () => {
		const setup = {
			parameters: { authentication: 'signature', events: ['*'], settings: {} },
			credentials: {
				get superOfficeWebhookApi() {
					return { webhookSecret: secret('webhook') };
				},
			},
			nodeCredentials,
		};
		assert.equal(await deliver(setup, () => secret('webhook')), 200);
		assert.equal(
			await inHeap(() => secret('webhook')),
			true,
			'the cached credential is in memory while fresh',
		);
		advance(CREDENTIAL_TTL_MS - 1000);
		assert.equal(await inHeap(() => secret('webhook')), true);
		advance(1000);
		assert.equal(
			await inHeap(() => secret('webhook')),
			false,
			'the expired credential is unreachable',
		);
	});

	it('a derived registration secret: gone 10 minutes after it last verified a delivery', async () => {
		const salt = Buffer.alloc(16, 3).toString('base64');
		const credential = () => ({
			baseUrl: 'https://crm.example.com/api/v1',
			authType: 'bearer',
			accessToken: secret('token'),
		});
		// The derivation as webhookSecret.ts documents it, computed here independently.
		const fields = [
			'clientId',
			'clientSecret',
			'authType',
			'ticketToken',
			'appToken',
			'accessToken',
			'username',
			'password',
		];
		const derived = async () =>
			(
				await promisify(scrypt)(
					JSON.stringify(fields.map((name) => credential()[name] ?? null)),
					Buffer.from(salt, 'base64'),
					32,
					{ N: 32_768, r: 8, p: 1, maxmem: 64 * 1024 * 1024 },
				)
			).toString('base64');
		const { check } = await derivedSecret(credential(), salt);
		forgetDerivations();
		const setup = {
			parameters: { authentication: 'onSite', events: ['*'], settings: {} },
			credentials: {
				get superOfficeApi() {
					return credential();
				},
			},
			nodeCredentials: { superOfficeApi: { id: 'lifetime-2', name: 'API' } },
			staticData: {
				superOfficeWebhookId: 7,
				superOfficeSecretSalt: salt,
				superOfficeSecretCheck: check,
			},
		};
		assert.equal(await deliver(setup, derived), 200);
		advance(5 * 60_000);
		// A delivery five minutes later keeps it (the credential is read again: it expired).
		assert.equal(await deliver(setup, derived), 200);
		advance(DERIVATION_TTL_MS - 60_000);
		assert.equal(await inHeap(derived), true, 'the derived secret is kept while in use');
		assert.equal(
			await inHeap(() => secret('token')),
			false,
			'the credential it came from is long gone',
		);
		advance(60_000);
		assert.equal(await inHeap(derived), false, 'the unused derived secret is unreachable');
	});

	it('the previous secret after a rotation: gone when its 10 minutes of grace end', async () => {
		apply('lifetimes:node', { type: 'rotation-started' });
		apply('lifetimes:node', { type: 'rotation-offered', secret: secret('new'), check: 'c' });
		apply('lifetimes:node', {
			type: 'rotation-succeeded',
			replaced: secret('previous'),
			check: 'c',
			at: Date.now(),
		});
		advance(ROTATION_GRACE_MS - 1000);
		assert.equal(await inHeap(() => secret('previous')), true, 'accepted during its grace');
		advance(1000);
		assert.equal(
			await inHeap(() => secret('previous')),
			false,
			'unreachable once the grace is over',
		);
	});
});
