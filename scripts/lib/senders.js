// Requests as each sender makes them, built from the sender's sender (its authentication
// scheme, where it carries the event name and id) and its samples/wire.json (the headers it adds).
// Written from the providers' documentation and independently of the package's verifiers:
// Standard Webhooks signatures are made by the specification's reference library, body HMACs with
// node:crypto.
'use strict';

const crypto = require('node:crypto');
const { Webhook } = require('standardwebhooks');

const { senderOf, wireOf } = require('./registry');

let counter = 0;

/** The default authentication choice's scheme (the one a sender is set up with first). */
function schemeOf(sender) {
	return sender.authentication.choices.find((choice) => choice.scheme)?.scheme;
}

/** Where the sender carries the event id: a body field (`webhookId`) or a header (`webhook-id`). */
function idLocation(sender) {
	return sender.event.id;
}

/** A new, unique event id in the sender's style. */
function newEventId(sender) {
	return idLocation(sender).field === undefined
		? `msg_${Date.now().toString(36)}${(counter++).toString(36)}${crypto.randomBytes(4).toString('hex')}`
		: crypto.randomUUID();
}

/**
 * The event as the sender would send it now: where it signs the event's time in the body
 * (SuperOffice's Timestamp), that time is now; other senders' bodies are returned as they are.
 * @template T
 * @param {string | object} keyOrSender
 * @param {T} body
 * @returns {T}
 */
function sentNow(keyOrSender, body) {
	const time = senderOf(keyOrSender).event.time?.field;
	return time === undefined ? body : { ...body, [time]: new Date().toISOString() };
}

/**
 * A new event from a sample: a fresh event id, in the body where the sender carries it there, else
 * in `options` for signedRequest (a Standard Webhooks `webhook-id`), so the trigger does not take
 * it for a repeat; and the time of now, where the sender signs one in the body.
 * @returns {{ body: object, id: string, options: { id?: string } }}
 */
function freshEvent(keyOrSender, body, id) {
	const sender = senderOf(keyOrSender);
	const eventId = id ?? newEventId(sender);
	const { field } = idLocation(sender);
	const timed = sentNow(sender, body);
	if (field === undefined) return { body: timed, id: eventId, options: { id: eventId } };
	return { body: { ...timed, [field]: eventId }, id: eventId, options: {} };
}

/**
 * Local credential data for a sender's default authentication: fresh random secrets.
 * @returns {Record<string, string>}
 */
function newCredential(keyOrSender) {
	const sender = senderOf(keyOrSender);
	const scheme = schemeOf(sender);
	switch (scheme?.type) {
		case 'header':
			return {
				headerName: `X-${sender.name}-Webhook-Token`,
				headerSecret: crypto.randomBytes(24).toString('base64url'),
			};
		case 'standardWebhooks':
			return {
				signingSecret: `whsec_${crypto.randomBytes(24).toString('base64')}`,
				previousSigningSecret: '',
			};
		case 'bodyHmac':
			return { [scheme.secretField]: crypto.randomBytes(24).toString('base64url') };
		default:
			return {};
	}
}

/**
 * Credential data the trigger cannot verify with (it must answer 500 and log what to fix), where
 * the scheme allows one to be stored: a header name that is not one, a signing secret that is not
 * base64. Undefined for schemes whose only field is the secret itself.
 */
function brokenCredential(keyOrSender) {
	switch (schemeOf(senderOf(keyOrSender))?.type) {
		case 'header':
			return {
				headerName: 'not a header name',
				headerSecret: crypto.randomBytes(24).toString('base64url'),
			};
		case 'standardWebhooks':
			return { signingSecret: 'whsec_***not-base64***', previousSigningSecret: '' };
		default:
			return undefined;
	}
}

/** The secret fields of credential data, for tests that check no secret leaks. */
function secretValues(keyOrSender, credential) {
	const scheme = schemeOf(senderOf(keyOrSender));
	switch (scheme?.type) {
		case 'header':
			return [credential.headerSecret];
		case 'standardWebhooks':
			return [credential.signingSecret, credential.signingSecret.replace(/^whsec_/, '')];
		case 'bodyHmac':
			return [credential[scheme.secretField]];
		default:
			return [];
	}
}

/** The headers that carry authentication, for tests that remove, repeat or damage them. */
function authHeaders(keyOrSender, credential) {
	const sender = senderOf(keyOrSender);
	const scheme = schemeOf(sender);
	const spelled = (name) => wireOf(sender).headerSpelling[name] ?? name;
	switch (scheme?.type) {
		case 'header':
			return [credential.headerName];
		case 'standardWebhooks':
			return ['webhook-id', 'webhook-timestamp', 'webhook-signature'];
		case 'bodyHmac':
			return [spelled(scheme.header)];
		default:
			return [];
	}
}

/** base64(HMAC-SHA256(UTF-8 secret, raw body)). */
function bodySignature(raw, secret) {
	return crypto.createHmac('sha256', Buffer.from(secret, 'utf8')).update(raw).digest('base64');
}

/**
 * A delivery from the sender: the body's exact bytes and the headers the sender adds,
 * authenticated with `credential` (credential data, or the secret alone for schemes with one;
 * undefined sends it unauthenticated).
 * @param {string|object} keyOrSender a sender key (`qondor`) or sender
 * @param {object|string|Buffer} body
 * @param {object|string|undefined} credential
 * @param {{ id?: string, timestamp?: number, headers?: Record<string, string> }} [options]
 *   id and timestamp (Unix seconds) for Standard Webhooks; more headers
 * @returns {{ raw: Buffer, headers: Record<string, string> }}
 */
function signedRequest(keyOrSender, body, credential, options = {}) {
	const sender = senderOf(keyOrSender);
	const wire = wireOf(sender);
	const spelled = (name) => wire.headerSpelling[name] ?? name;
	const raw = Buffer.isBuffer(body)
		? body
		: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body), 'utf8');
	const headers = { ...wire.headers };
	// Headers that repeat a body field (SuperOffice's X-SuperOffice-Event and -EventId)
	const parsed = typeof body === 'object' && !Buffer.isBuffer(body) ? body : {};
	for (const [header, field] of Object.entries(wire.repeatedInHeaders ?? {})) {
		if (parsed[field] !== undefined) headers[spelled(header)] = String(parsed[field]);
	}
	const scheme = schemeOf(sender);
	if (credential !== undefined && scheme !== undefined) {
		if (scheme.type === 'header') {
			headers[credential.headerName] = credential.headerSecret;
		} else if (scheme.type === 'standardWebhooks') {
			const secret = typeof credential === 'string' ? credential : credential.signingSecret;
			const id = options.id || newEventId(sender);
			const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
			// The reference library signs text; bytes that are not UTF-8 are signed with node:crypto.
			const text = raw.toString('utf8');
			const signature = Buffer.from(text, 'utf8').equals(raw)
				? new Webhook(secret).sign(id, new Date(timestamp * 1000), text)
				: `v1,${crypto
						.createHmac('sha256', Buffer.from(secret.replace(/^whsec_/, ''), 'base64'))
						.update(`${id}.${timestamp}.`)
						.update(raw)
						.digest('base64')}`;
			Object.assign(headers, {
				'webhook-id': id,
				'webhook-timestamp': String(timestamp),
				'webhook-signature': signature,
			});
		} else if (scheme.type === 'bodyHmac') {
			const secret = typeof credential === 'string' ? credential : credential[scheme.secretField];
			headers[spelled(scheme.header)] = bodySignature(raw, secret);
		}
	}
	return { raw, headers: { ...headers, ...options.headers } };
}

module.exports = {
	signedRequest,
	freshEvent,
	sentNow,
	newCredential,
	brokenCredential,
	secretValues,
	authHeaders,
	bodySignature,
	schemeOf,
};
