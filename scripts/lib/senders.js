// Requests as each sender makes them, written from the providers' documentation and independently
// of the package's verifiers: Qondor's static header, Standard Webhooks signatures made by the
// specification's reference library, SuperOffice's HMAC made with node:crypto.
'use strict';

const crypto = require('node:crypto');
const { Webhook } = require('standardwebhooks');

let counter = 0;

function bodyText(body) {
	return typeof body === 'string' ? body : JSON.stringify(body);
}

/**
 * A Qondor delivery: the JSON body and the authentication header Qondor was given.
 * @param {object|string} body
 * @param {{ headerName: string, headerSecret: string }} credential
 * @returns {{ raw: Buffer, headers: Record<string, string> }}
 */
function qondorRequest(body, credential) {
	return {
		raw: Buffer.from(bodyText(body), 'utf8'),
		headers: {
			'content-type': 'application/json',
			[credential.headerName]: credential.headerSecret,
		},
	};
}

/**
 * A CRM delivery signed per the Standard Webhooks specification.
 * @param {object|string} body
 * @param {string} secret `whsec_…`
 * @param {{ id?: string, timestamp?: number }} [options] timestamp in Unix seconds
 * @returns {{ raw: Buffer, headers: Record<string, string> }}
 */
function crmRequest(body, secret, options = {}) {
	const text = bodyText(body);
	const id =
		options.id ||
		`msg_${Date.now().toString(36)}${(counter++).toString(36)}${crypto.randomBytes(4).toString('hex')}`;
	const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
	const signature = new Webhook(secret).sign(id, new Date(timestamp * 1000), text);
	return {
		raw: Buffer.from(text, 'utf8'),
		headers: {
			'content-type': 'application/json',
			'user-agent': 'Heffl-Webhooks/1.0',
			'webhook-id': id,
			'webhook-timestamp': String(timestamp),
			'webhook-signature': signature,
		},
	};
}

/**
 * base64(HMAC-SHA256(UTF-8 secret, raw body)), as SuperOffice signs.
 * @param {Buffer|string} raw
 * @param {string} secret
 * @returns {string}
 */
function superOfficeSignature(raw, secret) {
	return crypto.createHmac('sha256', Buffer.from(secret, 'utf8')).update(raw).digest('base64');
}

/**
 * A SuperOffice delivery, header names spelled as in SuperOffice's documentation.
 * @param {object|string} body
 * @param {string|undefined} secret undefined for a webhook created without a secret
 * @param {{ retry?: number, hookTest?: boolean }} [options]
 * @returns {{ raw: Buffer, headers: Record<string, string> }}
 */
function superOfficeRequest(body, secret, options = {}) {
	const text = bodyText(body);
	const raw = Buffer.from(text, 'utf8');
	const parsed = typeof body === 'string' ? {} : body;
	const headers = {
		'Content-Type': 'application/json; charset=utf-8',
		'User-Agent': 'NetServer-Webhook/8.8.6684.1719',
	};
	if (parsed.Event) headers['X-Superoffice-Event'] = String(parsed.Event);
	if (parsed.EventId) headers['X-Superoffice-Eventid'] = String(parsed.EventId);
	if (secret !== undefined) headers['X-Superoffice-Signature'] = superOfficeSignature(raw, secret);
	if (options.retry !== undefined) headers['X-Superoffice-Retry'] = String(options.retry);
	if (options.hookTest) headers['X-Hook-Test'] = 'true';
	return { raw, headers };
}

module.exports = { qondorRequest, crmRequest, superOfficeRequest, superOfficeSignature };
