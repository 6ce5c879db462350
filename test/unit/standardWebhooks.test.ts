import { signingKey, verifyStandardWebhook } from '../../nodes/shared/standardWebhooks';

// The test vector published with the Standard Webhooks specification.
import VECTOR from '../fixtures/standard-webhooks-vector.json';

function delivery(overrides: Record<string, string | undefined> = {}, body = VECTOR.body) {
	const headers: Record<string, string | undefined> = {
		'webhook-id': VECTOR.id,
		'webhook-timestamp': String(VECTOR.timestamp),
		'webhook-signature': VECTOR.signature,
		...overrides,
	};
	return { raw: Buffer.from(body, 'utf8'), headers };
}

const key = signingKey(VECTOR.secret)!;

describe('Standard Webhooks verification', () => {
	it('verifies the published test vector with the clock frozen at its timestamp', () => {
		expect(verifyStandardWebhook(delivery(), [key], 300, VECTOR.timestamp)).toEqual({ ok: true });
	});

	it('refuses the published test vector as stale at the real time', () => {
		const now = Math.floor(Date.now() / 1000);
		expect(verifyStandardWebhook(delivery(), [key], 300, now)).toEqual({
			ok: false,
			statusCode: 401,
			reason: 'timestamp-out-of-window',
			message: 'The webhook-timestamp is outside the 300-second tolerance window (stale or from the future)',
		});
	});

	it.each([
		['exactly 300 s old', VECTOR.timestamp + 300, true],
		['301 s old', VECTOR.timestamp + 301, false],
		['exactly 300 s in the future', VECTOR.timestamp - 300, true],
		['301 s in the future', VECTOR.timestamp - 301, false],
	])('a timestamp %s is %s', (_case, now, accepted) => {
		expect(verifyStandardWebhook(delivery(), [key], 300, now).ok).toBe(accepted);
	});

	it('honours another tolerance', () => {
		expect(verifyStandardWebhook(delivery(), [key], 60, VECTOR.timestamp + 60).ok).toBe(true);
		expect(verifyStandardWebhook(delivery(), [key], 60, VECTOR.timestamp + 61).ok).toBe(false);
	});

	it('accepts a valid signature in second place', () => {
		const header = `v1,Zm9vYmFyYmF6cXV4cXV1eHh4eHh4eHh4eHh4eHh4eHg= ${VECTOR.signature}`;
		expect(verifyStandardWebhook(delivery({ 'webhook-signature': header }), [key], 300, VECTOR.timestamp).ok).toBe(true);
	});

	it('ignores entries of other versions: v1a only is refused', () => {
		const header = VECTOR.signature.replace('v1,', 'v1a,');
		expect(verifyStandardWebhook(delivery({ 'webhook-signature': header }), [key], 300, VECTOR.timestamp)).toEqual({
			ok: false,
			statusCode: 401,
			reason: 'no-v1-signature',
			message: 'The webhook-signature header has no v1 signature',
		});
	});

	it('skips garbage entries and still finds the valid one', () => {
		const header = `garbage v1, v1,!!!notbase64 ,, v2,abc ${VECTOR.signature}`;
		expect(verifyStandardWebhook(delivery({ 'webhook-signature': header }), [key], 300, VECTOR.timestamp).ok).toBe(true);
	});

	it('refuses a header of garbage only', () => {
		const result = verifyStandardWebhook(delivery({ 'webhook-signature': 'garbage v1,!!! v1,' }), [key], 300, VECTOR.timestamp);
		expect(result.ok).toBe(false);
	});

	it.each(['webhook-id', 'webhook-timestamp', 'webhook-signature'])('refuses a request without %s, naming it', (header) => {
		expect(verifyStandardWebhook(delivery({ [header]: undefined }), [key], 300, VECTOR.timestamp)).toEqual({
			ok: false,
			statusCode: 401,
			reason: 'missing-header',
			message: `Missing ${header} header`,
		});
	});

	it('refuses a body altered by one byte', () => {
		const altered = VECTOR.body.replace('2432232314', '2432232315');
		expect(verifyStandardWebhook(delivery({}, altered), [key], 300, VECTOR.timestamp)).toEqual({
			ok: false,
			statusCode: 401,
			reason: 'signature-mismatch',
			message: 'No v1 signature in webhook-signature matches the body',
		});
	});

	it('refuses a different id or timestamp than the one signed', () => {
		expect(verifyStandardWebhook(delivery({ 'webhook-id': 'msg_other' }), [key], 300, VECTOR.timestamp).ok).toBe(false);
		expect(
			verifyStandardWebhook(delivery({ 'webhook-timestamp': String(VECTOR.timestamp + 1) }), [key], 300, VECTOR.timestamp).ok,
		).toBe(false);
	});

	it('refuses a timestamp that is not Unix seconds', () => {
		expect(verifyStandardWebhook(delivery({ 'webhook-timestamp': '2021-02-25T15:02:10Z' }), [key], 300, VECTOR.timestamp)).toMatchObject({
			ok: false,
			reason: 'invalid-timestamp',
		});
		expect(verifyStandardWebhook(delivery({ 'webhook-timestamp': '1614265330.5' }), [key], 300, VECTOR.timestamp)).toMatchObject({
			ok: false,
			reason: 'invalid-timestamp',
		});
	});

	it('accepts any of several keys (secret rotation)', () => {
		const other = signingKey(`whsec_${Buffer.from('other-secret-of-24-bytes!!').toString('base64')}`)!;
		expect(verifyStandardWebhook(delivery(), [other, key], 300, VECTOR.timestamp).ok).toBe(true);
		expect(verifyStandardWebhook(delivery(), [other], 300, VECTOR.timestamp).ok).toBe(false);
	});
});

describe('signing secrets', () => {
	it('decodes a whsec_ secret and a bare base64 one to the same key', () => {
		expect(signingKey(VECTOR.secret)).toEqual(signingKey(VECTOR.secret.slice('whsec_'.length)));
		expect(signingKey(VECTOR.secret)?.length).toBe(24);
	});

	it.each(['', 'whsec_', 'whsec_not base64!', 'whsec_@@@@', 'not-base64-at-all'])('refuses %j', (secret) => {
		expect(signingKey(secret)).toBeUndefined();
	});
});
