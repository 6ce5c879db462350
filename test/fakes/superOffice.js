// A fake SuperOffice server for tests: it stands in for SuperOffice's REST Webhook API
// (`/<tenant>/api/v1/Webhook`) and for the webhook deliveries SuperOffice sends, so the package
// can be tested without a SuperOffice tenant. Field names, headers, the test event sent when a
// webhook is saved, the HMAC signature and the failure policy (9 consecutive failures →
// TooManyErrors, 410 → Stopped) follow SuperOffice's webhook documentation.
// Plain CommonJS, node: built-ins only; outgoing requests use the global fetch of Node 20+.
'use strict';

const crypto = require('node:crypto');
const http = require('node:http');

const { entityRoutes } = require('./superOfficeEntities');
const { recordRoutes } = require('./superOfficeRecords');

const USER_AGENT = 'NetServer-Webhook/8.8.6684.1719';
const ASSOCIATE_ID = 37201;
const STATES = ['Active', 'Stopped', 'TooManyErrors'];
const UPDATABLE = [
	'Name',
	'Events',
	'TargetUrl',
	'Secret',
	'State',
	'Headers',
	'Properties',
	'ErrorsEmail',
];
const MAX_FAILURES = 9;
const FAIL_BODIES = {
	401: { Error: 'Unauthorized', Message: 'Invalid ticket or token' },
	403: {
		Error: 'Forbidden',
		Message: 'The user does not have the rights or licence to manage webhooks',
	},
	500: { Error: 'InternalServerError', Message: 'Something went wrong' },
};

class ApiError extends Error {
	constructor(status, error, message) {
		super(message);
		this.status = status;
		this.error = error;
	}
}
const badRequest = (message) => new ApiError(400, 'BadRequest', message);
const isObject = (value) => typeof value === 'object' && value !== null && !Array.isArray(value);

/** base64(HMAC-SHA256(UTF-8 secret, raw body)), as SuperOffice signs. */
function sign(raw, secret) {
	return crypto.createHmac('sha256', Buffer.from(secret, 'utf8')).update(raw).digest('base64');
}

/** Checks the fields of a (partial) webhook that are present; throws a 400 on the first problem. */
function validate(fields, requireHttps) {
	if ('Name' in fields && (typeof fields.Name !== 'string' || fields.Name.trim() === ''))
		throw badRequest('Name must be a non-empty string');
	if (
		'Events' in fields &&
		(!Array.isArray(fields.Events) ||
			fields.Events.length === 0 ||
			!fields.Events.every((e) => typeof e === 'string' && e !== ''))
	) {
		throw badRequest('Events must be a non-empty array of strings');
	}
	if ('TargetUrl' in fields) {
		let url;
		try {
			url = new URL(fields.TargetUrl);
		} catch {
			throw badRequest('TargetUrl must be a valid URL');
		}
		if (url.protocol !== 'http:' && url.protocol !== 'https:')
			throw badRequest('TargetUrl must be a valid URL');
		if (requireHttps && !String(fields.TargetUrl).startsWith('https://'))
			throw badRequest('TargetUrl must use https');
	}
	if (
		'Type' in fields &&
		fields.Type !== undefined &&
		fields.Type !== null &&
		fields.Type !== 'webhook'
	)
		throw badRequest("Type must be 'webhook'");
	if ('State' in fields && !STATES.includes(fields.State))
		throw badRequest(`State must be one of ${STATES.join(', ')}`);
	if ('Secret' in fields && fields.Secret !== null && typeof fields.Secret !== 'string')
		throw badRequest('Secret must be a string');
	for (const name of ['Headers', 'Properties']) {
		if (name in fields && fields[name] !== null && !isObject(fields[name]))
			throw badRequest(`${name} must be an object`);
	}
	if (
		'ErrorsEmail' in fields &&
		fields.ErrorsEmail !== null &&
		typeof fields.ErrorsEmail !== 'string'
	)
		throw badRequest('ErrorsEmail must be a string');
}

/**
 * @typedef {{
 *   WebhookId: number, Name: string, Events: string[], TargetUrl: string, Secret: string | null,
 *   State: 'Active' | 'Stopped' | 'TooManyErrors', Type: 'webhook', Headers: Record<string, string>,
 *   Properties: Record<string, unknown>, ErrorsEmail: string | null, Registered: string, RegisteredAssociateId: number,
 * }} SuperOfficeWebhook
 * @typedef {{ type: 'bearer', token: string } | { type: 'basic', username: string, password: string } | { type: 'ticket', ticket: string, appToken: string }} SuperOfficeAuth
 * @typedef {{ primaryKey?: number, entity?: string, fieldValues?: object, values?: object, changes?: string[], eventId?: string, retry?: number, changedByAssociateId?: number }} FireOptions
 */

/**
 * Starts a fake SuperOffice tenant on 127.0.0.1 (free port).
 *
 * @param {object} [options]
 * @param {string} [options.tenant='Cust12345'] the API base is `${origin}/${tenant}/api/v1`
 * @param {SuperOfficeAuth} [options.auth] what every API request must carry; omitted → nothing is checked
 * @param {boolean} [options.requireHttps=false] refuse (400) a TargetUrl that does not start with https://
 * @param {boolean} [options.webhookAgentEnabled=true] false → every API path answers 404
 * @param {number} [options.failWith] 401 | 403 | 500: every API call answers this status (settable later: `fake.failWith = …`)
 * `fake.redirectTo = origin`: every API call answers 307 to the same path at that origin (a moved tenant)
 * @returns {Promise<{
 *   origin: string, baseUrl: string, tenant: string,
 *   auth: SuperOfficeAuth | undefined, requireHttps: boolean, webhookAgentEnabled: boolean, failWith: number | undefined, redirectTo: string | undefined,
 *   webhooks: Map<number, SuperOfficeWebhook>, failures: Map<number, number>,
 *   records: any, recordRules: Array<{ path: string, status?: number, retryAfter?: number, delayMs?: number, times?: number }>,
 *   writes: Array<{ method: string, entity: string, id: number, body: any }>, apiUser: Record<string, any>,
 *   emitted: Array<{ event: string, primaryKey: number, results: Array<{ webhookId: number, status: number | null, responseBody: string | null }> }>,
 *   associates: Array<Record<string, any>>, tasks: Array<Record<string, any>>, settled: () => Promise<void>,
 *   requests: Array<{ method: string, path: string, url: string, headers: Record<string, string | string[] | undefined>, body: any }>,
 *   testDeliveries: Array<{ webhookId: number | null, status: number | null, body: Record<string, any>, headers: Record<string, string>, responseBody: string | null, error?: string }>,
 *   fire: (event: string, options?: FireOptions) => Promise<Array<{ webhookId: number, status: number | null, responseBody: string | null, error?: string }>>,
 *   close: () => Promise<void>,
 * }>}
 */
async function startFakeSuperOffice(options = {}) {
	const tenant = options.tenant ?? 'Cust12345';
	const prefix = `/${tenant}/api/v1`;
	let nextId = 1;
	/** Records by id and the Quote agent (superOfficeRecords.js), set up once the origin is known. */
	let readRecord;
	/** Entities written, searched and listed (superOfficeEntities.js). */
	let writeEntity;

	const fake = {
		origin: '',
		baseUrl: '',
		tenant,
		auth: options.auth,
		requireHttps: options.requireHttps ?? false,
		webhookAgentEnabled: options.webhookAgentEnabled ?? true,
		failWith: options.failWith,
		redirectTo: undefined,
		webhooks: new Map(),
		failures: new Map(), // consecutive failed deliveries per WebhookId
		requests: [],
		testDeliveries: [],
		fire,
		close,
	};

	/** POSTs a signed delivery; never throws. */
	async function deliver(webhook, body, extraHeaders) {
		const raw = Buffer.from(JSON.stringify(body), 'utf8');
		const headers = {
			...Object.fromEntries(
				Object.entries(isObject(webhook.Headers) ? webhook.Headers : {}).map(([k, v]) => [
					k,
					String(v),
				]),
			),
			'Content-Type': 'application/json; charset=utf-8',
			'User-Agent': USER_AGENT,
			'X-Superoffice-Event': String(body.Event),
			'X-Superoffice-Eventid': String(body.EventId),
			...extraHeaders,
		};
		if (typeof webhook.Secret === 'string' && webhook.Secret !== '')
			headers['X-Superoffice-Signature'] = sign(raw, webhook.Secret);
		try {
			const response = await fetch(webhook.TargetUrl, {
				method: 'POST',
				headers,
				body: raw,
				redirect: 'manual',
				signal: AbortSignal.timeout(10000),
			});
			return { status: response.status, responseBody: await response.text(), headers };
		} catch (error) {
			const reason = error?.cause?.code ?? error?.cause?.message ?? error?.message ?? String(error);
			return { status: null, responseBody: null, headers, error: String(reason) };
		}
	}

	/** Sends the `test` event SuperOffice sends when a webhook is saved; records it. */
	async function sendTestEvent(webhook, webhookId) {
		const body = {
			EventId: crypto.randomUUID(),
			Timestamp: new Date().toISOString(),
			Changes: [],
			Event: 'test',
			PrimaryKey: 0,
			Entity: 'test',
			ContextIdentifier: tenant,
			ChangedByAssociateId: 0,
			WebhookName: webhook.Name,
		};
		const result = await deliver(webhook, body, { 'X-Hook-Test': 'true' });
		const record = {
			webhookId,
			status: result.status,
			body,
			headers: result.headers,
			responseBody: result.responseBody,
		};
		if (result.error) record.error = result.error;
		fake.testDeliveries.push(record);
		return result;
	}

	/** The test event must be answered 2xx, else the save fails with a 400. */
	async function requireTestPasses(webhook, webhookId, isNew) {
		const result = await sendTestEvent(webhook, webhookId);
		const passed = result.status !== null && result.status >= 200 && result.status <= 299;
		if (passed) return;
		if (isNew) fake.testDeliveries[fake.testDeliveries.length - 1].webhookId = null; // never saved
		throw badRequest(
			result.status === null
				? `Webhook test failed: TargetUrl could not be reached: ${result.error}`
				: `Webhook test failed: TargetUrl answered ${result.status}`,
		);
	}

	const present = (webhook) => ({ ...webhook, Secret: null }); // SuperOffice never echoes secrets

	function find(id) {
		const webhook = fake.webhooks.get(Number(id));
		if (!webhook) throw new ApiError(404, 'NotFound', `Webhook ${id} not found`);
		return webhook;
	}

	/** Applies validated updates; runs the test event first when TargetUrl or Secret change. */
	async function update(webhook, changes) {
		validate(changes, fake.requireHttps);
		const next = { ...webhook, ...changes };
		if (
			next.TargetUrl !== webhook.TargetUrl ||
			(next.Secret ?? null) !== (webhook.Secret ?? null)
		) {
			await requireTestPasses(next, webhook.WebhookId, false);
		}
		if (changes.State === 'Active') fake.failures.set(webhook.WebhookId, 0); // re-activation
		Object.assign(webhook, changes);
		return webhook;
	}

	const pick = (body, names) =>
		Object.fromEntries(names.filter((name) => name in body).map((name) => [name, body[name]]));

	async function route(method, rest, readBody) {
		const parts = rest.split('/').filter(Boolean);
		if (parts.length === 0 || parts[0].toLowerCase() !== 'webhook' || parts.length > 2)
			return undefined;
		if (parts.length === 1) {
			if (method === 'GET') return [200, [...fake.webhooks.values()].map(present)];
			if (method !== 'POST')
				throw new ApiError(405, 'MethodNotAllowed', `${method} is not allowed here`);
			const body = readBody();
			if (!isObject(body)) throw badRequest('The body must be a webhook object');
			for (const name of ['Name', 'Events', 'TargetUrl'])
				if (!(name in body)) throw badRequest(`${name} is required`);
			validate(body, fake.requireHttps);
			const webhook = {
				WebhookId: nextId,
				Name: body.Name,
				Events: [...body.Events],
				TargetUrl: body.TargetUrl,
				Secret: typeof body.Secret === 'string' ? body.Secret : null,
				State: body.State ?? 'Active',
				Type: 'webhook',
				Headers: isObject(body.Headers) ? { ...body.Headers } : {},
				Properties: isObject(body.Properties) ? { ...body.Properties } : {},
				ErrorsEmail: body.ErrorsEmail ?? null,
				Registered: new Date().toISOString(),
				RegisteredAssociateId: ASSOCIATE_ID,
			};
			await requireTestPasses(webhook, webhook.WebhookId, true);
			nextId += 1;
			fake.webhooks.set(webhook.WebhookId, webhook);
			fake.failures.set(webhook.WebhookId, 0);
			return [201, present(webhook)];
		}
		const [, id] = parts;
		if (id.toLowerCase() === 'test') {
			if (method !== 'POST')
				throw new ApiError(405, 'MethodNotAllowed', `${method} is not allowed here`);
			const body = readBody();
			if (!isObject(body)) throw badRequest('The body must be a webhook object');
			validate(pick(body, ['TargetUrl', 'Secret', 'Headers']), fake.requireHttps);
			if (typeof body.TargetUrl !== 'string') throw badRequest('TargetUrl is required');
			const result = await sendTestEvent({ ...body, Name: body.Name ?? '' }, null);
			return [
				200,
				{ Status: result.status ?? 0, Response: result.responseBody ?? result.error ?? '' },
			];
		}
		if (!/^\d+$/.test(id)) return undefined;
		const webhook = find(id);
		if (method === 'GET') return [200, present(webhook)];
		if (method === 'DELETE') {
			fake.webhooks.delete(webhook.WebhookId);
			fake.failures.delete(webhook.WebhookId);
			return [204, undefined];
		}
		if (method === 'PUT') {
			const body = readBody();
			if (!isObject(body)) throw badRequest('The body must be a webhook object');
			return [200, present(await update(webhook, pick(body, UPDATABLE)))];
		}
		if (method === 'PATCH') {
			const body = readBody();
			if (!Array.isArray(body)) throw badRequest('The body must be a JSON Patch array');
			const changes = {};
			for (const operation of body) {
				if (!isObject(operation) || typeof operation.path !== 'string')
					throw badRequest('Each operation needs op and path');
				const name = UPDATABLE.find(
					(field) => field.toLowerCase() === operation.path.replace(/^\//, '').toLowerCase(),
				);
				if (!name) throw badRequest(`Cannot patch ${operation.path}`);
				if (operation.op !== 'replace' && operation.op !== 'add')
					throw badRequest(`Unsupported op ${operation.op}`);
				changes[name] = operation.value;
			}
			return [200, present(await update(webhook, changes))];
		}
		throw new ApiError(405, 'MethodNotAllowed', `${method} is not allowed here`);
	}

	function authError(headers) {
		const auth = fake.auth;
		if (!auth) return undefined;
		const header = String(headers.authorization ?? '');
		const [scheme, ...restParts] = header.trim().split(/\s+/);
		const value = restParts.join(' ');
		if (header === '') return 'Missing Authorization header';
		if (auth.type === 'bearer') {
			return scheme.toLowerCase() === 'bearer' && value === auth.token
				? undefined
				: 'Invalid bearer token';
		}
		if (auth.type === 'basic') {
			const expected = Buffer.from(`${auth.username}:${auth.password}`, 'utf8').toString('base64');
			return scheme.toLowerCase() === 'basic' && value === expected
				? undefined
				: 'Invalid user name or password';
		}
		if (auth.type === 'ticket') {
			if (scheme.toLowerCase() !== 'soticket' || value !== auth.ticket) return 'Invalid ticket';
			return headers['so-apptoken'] === auth.appToken
				? undefined
				: 'Missing or invalid SO-AppToken';
		}
		return `Unknown auth type ${auth.type}`;
	}

	async function handle(req, raw) {
		const url = new URL(req.url ?? '/', 'http://localhost');
		const text = raw.toString('utf8');
		let body;
		let malformed = false;
		if (text.trim() !== '') {
			try {
				body = JSON.parse(text);
			} catch {
				body = text;
				malformed = true;
			}
		}
		fake.requests.push({
			method: req.method,
			path: url.pathname,
			url: req.url,
			headers: req.headers,
			body,
		});
		if (fake.failWith)
			return [
				fake.failWith,
				FAIL_BODIES[fake.failWith] ?? { Error: 'Error', Message: `Failing with ${fake.failWith}` },
			];
		if (fake.redirectTo)
			return [
				307,
				{ Error: 'Moved', Message: 'Moved' },
				{ Location: `${fake.redirectTo}${url.pathname}` },
			];
		const problem = authError(req.headers);
		if (problem) return [401, { Error: 'Unauthorized', Message: problem }];
		const notFound = [404, { Error: 'NotFound', Message: `No resource at ${url.pathname}` }];
		const path = url.pathname.replace(/\/+$/, '');
		if (path !== prefix && !path.startsWith(`${prefix}/`)) return notFound;
		if (readRecord !== undefined) {
			const answer = await readRecord(req.method, path.slice(prefix.length), () =>
				malformed ? undefined : body,
			);
			if (answer !== undefined) return answer;
			const rest = path.slice(prefix.length);
			if (!/^\/webhook/i.test(rest)) {
				const failed = await fake.ruled(rest);
				if (failed !== undefined) return failed;
				const written = writeEntity(req.method, rest, url.searchParams, () =>
					malformed ? undefined : body,
				);
				if (written !== undefined) return written;
			}
		}
		if (!fake.webhookAgentEnabled)
			return [
				404,
				{ Error: 'NotFound', Message: 'The webhook agent is not available for this tenant' },
			];
		const readBody = () => {
			if (malformed) throw badRequest('Malformed JSON body');
			return body;
		};
		try {
			return (await route(req.method, path.slice(prefix.length), readBody)) ?? notFound;
		} catch (error) {
			if (error instanceof ApiError)
				return [error.status, { Error: error.error, Message: error.message }];
			return [500, { Error: 'InternalServerError', Message: String(error?.message ?? error) }];
		}
	}

	const server = http.createServer((req, res) => {
		const chunks = [];
		req.on('data', (chunk) => chunks.push(chunk));
		req.on('end', async () => {
			const [status, answer, headers = {}] = await handle(req, Buffer.concat(chunks));
			if (answer === undefined) {
				res.writeHead(status, headers).end();
			} else {
				res
					.writeHead(status, { ...headers, 'Content-Type': 'application/json; charset=utf-8' })
					.end(JSON.stringify(answer));
			}
		});
	});

	/**
	 * Delivers `event` to every Active webhook subscribed to it (exact name, or an entry ending in
	 * '*' matching by prefix), one attempt each, and applies the failure policy.
	 */
	async function fire(event, opts = {}) {
		const results = [];
		const matches = (entry) =>
			entry === event || (entry.endsWith('*') && event.startsWith(entry.slice(0, -1)));
		for (const webhook of [...fake.webhooks.values()]) {
			if (webhook.State !== 'Active' || !webhook.Events.some(matches)) continue;
			const body = {
				EventId: opts.eventId ?? crypto.randomUUID(),
				Timestamp: new Date().toISOString(),
				Changes: opts.changes ?? [],
				Event: event,
				PrimaryKey: opts.primaryKey ?? 0,
				Entity: opts.entity ?? event.split('.')[0],
				ContextIdentifier: tenant,
				ChangedByAssociateId: opts.changedByAssociateId ?? ASSOCIATE_ID,
				WebhookName: webhook.Name,
			};
			if (opts.fieldValues !== undefined) body.FieldValues = opts.fieldValues;
			if (opts.values !== undefined) body.Values = opts.values;
			Object.assign(body, webhook.Properties);
			const extra = opts.retry !== undefined ? { 'X-Superoffice-Retry': String(opts.retry) } : {};
			const result = await deliver(webhook, body, extra);
			if (result.status === 410) {
				webhook.State = 'Stopped';
			} else if (result.status !== null && result.status >= 200 && result.status <= 299) {
				fake.failures.set(webhook.WebhookId, 0);
			} else {
				const count = (fake.failures.get(webhook.WebhookId) ?? 0) + 1;
				fake.failures.set(webhook.WebhookId, count);
				if (count >= MAX_FAILURES) webhook.State = 'TooManyErrors';
			}
			const entry = {
				webhookId: webhook.WebhookId,
				status: result.status,
				responseBody: result.responseBody,
			};
			if (result.error) entry.error = result.error;
			results.push(entry);
		}
		return results;
	}

	function close() {
		return new Promise((resolve) => {
			server.close(() => resolve(undefined));
			if (typeof server.closeAllConnections === 'function') server.closeAllConnections();
		});
	}

	await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
	const address = server.address();
	fake.origin = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
	fake.baseUrl = `${fake.origin}${prefix}`;
	readRecord = recordRoutes(fake);
	writeEntity = entityRoutes(fake);
	return fake;
}

module.exports = { startFakeSuperOffice, superOfficeSignature: sign };
