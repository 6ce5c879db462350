#!/usr/bin/env node
// Reliability and security suite, against a real n8n with the package installed (as the
// end-to-end suite runs it):
//   1. bad input: seeded, reproducible malformed, forged, replayed, oversized … requests, each with
//      its expected status; afterwards n8n is healthy and the executions are exactly the expected ones;
//   2. load with duplicates: signed events at concurrency 20, 20 % re-sent, and copies sent at the
//      same instant; every unique event runs exactly once;
//   3. restart: a stream of events with n8n restarted in the middle.
// No secret may appear in any answer or in n8n's log. Exits non-zero on any failure.
//
//   node test/reliability/run.js            the size npm test runs
//   node test/reliability/run.js --large    5x the requests
//   options: --seed <n>  --line <1|2>  --bad <n>  --load <n>  --restart <n>
'use strict';

const crypto = require('node:crypto');

const { sleep } = require('../../scripts/lib/n8n');
const { crmRequest, qondorRequest, superOfficeRequest } = require('../../scripts/lib/senders');
const { fixture } = require('../helpers/fixtures');
const { pool, postEvent } = require('../helpers/load');
const { startEnvironment } = require('../e2e/environment');
const { rawRequest } = require('./rawHttp');

function option(name, fallback) {
	const index = process.argv.indexOf(`--${name}`);
	return index === -1 ? fallback : process.argv[index + 1];
}
const scale = process.argv.includes('--large') ? 5 : 1;
const SEED = Number(option('seed', 20261123));
const LINE = Number(option('line', 1));
const BAD = Number(option('bad', 5000 * scale));
const LOAD = Number(option('load', 2000 * scale));
const RESTART = Number(option('restart', 300 * scale));

/** mulberry32: a small seeded generator, so every run sends the same cases. */
function generator(seed) {
	let state = seed >>> 0;
	const next = () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
	return {
		next,
		int: (n) => Math.floor(next() * n),
		pick: (list) => list[Math.floor(next() * list.length)],
		id: () =>
			Array.from({ length: 4 }, () =>
				Math.floor(next() * 0xffffffff)
					.toString(16)
					.padStart(8, '0'),
			).join('-'),
	};
}

const failures = [];
function check(condition, message) {
	if (!condition) failures.push(message);
	return condition;
}

// ---------------------------------------------------------------------------------------------
// Events with fresh ids, and requests as each sender makes them.

function qondorEvent(random) {
	const topic = random.pick([
		'OfferSentV1',
		'OfferAnsweredV1',
		'ProjectCreatedV1',
		'ProjectStatusChangedV1',
		'BookingConfirmedV1',
	]);
	return { ...fixture('qondor', topic), webhookId: random.id() };
}
function crmEvent(random) {
	const body = fixture(
		'crm',
		random.pick([
			'lead.created',
			'deal.created',
			'client.created',
			'invoice.created',
			'quotation.created',
		]),
	);
	return { ...body, payload: { ...body.payload, id: `rec_${random.id()}` } };
}
function superOfficeEvent(random) {
	return {
		...fixture(
			'superoffice',
			random.pick(['quote.approved', 'quote.rejected', 'quote.sent', 'quote.ordered']),
		),
		EventId: random.id(),
	};
}

function headerPairs(headers) {
	return Object.entries(headers);
}

/** A request for `trigger` carrying `body` (an object or raw text/bytes), signed/authenticated as the sender would. */
function signed(env, trigger, body, options = {}) {
	const raw = Buffer.isBuffer(body)
		? body
		: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body), 'utf8');
	if (trigger.startsWith('qondor'))
		return {
			raw,
			headers: {
				'content-type': 'application/json',
				[env.secrets.qondor.headerName]: env.secrets.qondor.headerSecret,
			},
		};
	if (trigger === 'crm') {
		const request = crmRequest(raw.toString('latin1'), env.secrets.crm.signingSecret, options);
		// sign over the exact bytes, including invalid UTF-8: the reference library signs strings
		const id = request.headers['webhook-id'];
		const timestamp = request.headers['webhook-timestamp'];
		const key = Buffer.from(env.secrets.crm.signingSecret.slice(6), 'base64');
		const signature = crypto
			.createHmac('sha256', key)
			.update(`${id}.${timestamp}.`)
			.update(raw)
			.digest('base64');
		return { raw, headers: { ...request.headers, 'webhook-signature': `v1,${signature}` } };
	}
	const request = superOfficeRequest(raw.toString('latin1'), env.secrets.superoffice.webhookSecret);
	const signature = crypto
		.createHmac('sha256', Buffer.from(env.secrets.superoffice.webhookSecret, 'utf8'))
		.update(raw)
		.digest('base64');
	return { raw, headers: { ...request.headers, 'X-Superoffice-Signature': signature } };
}

// ---------------------------------------------------------------------------------------------
// 1. Bad input

/**
 * Every case: which workflow it goes to, the request, the status expected and whether it should
 * start an execution. SuperOffice acknowledges content problems of authenticated requests with
 * 200 (it disables webhooks that fail), so its expectations differ for those.
 */
function badInputCases(env, random, count) {
	const triggers = ['qondor', 'crm', 'superoffice'];
	const contentError = (trigger) => (trigger === 'superoffice' ? 200 : 400);
	const builders = {
		valid: (t) => ({ request: signed(env, t, eventFor(t)), status: 200, runs: true }),
		'truncated JSON': (t) => {
			const text = JSON.stringify(eventFor(t));
			return {
				request: signed(env, t, text.slice(0, 1 + random.int(text.length - 1))),
				status: contentError(t),
				runs: false,
			};
		},
		'non-object JSON': (t) => ({
			request: signed(env, t, random.pick(['[]', '[1,2]', '"text"', '42', 'null', 'true'])),
			status: contentError(t),
			runs: false,
		}),
		'empty body': (t) => ({ request: signed(env, t, ''), status: contentError(t), runs: false }),
		'invalid UTF-8': (t) => {
			const text = JSON.stringify(eventFor(t));
			const cut = text.indexOf('"', 10) + 1;
			const raw = Buffer.concat([
				Buffer.from(text.slice(0, cut)),
				Buffer.from([0xff, 0xfe, 0xc3]),
				Buffer.from(text.slice(cut)),
			]);
			return { request: signed(env, t, raw), status: contentError(t), runs: false };
		},
		'deeply nested JSON': (t) => {
			const depth = 20 + random.int(480);
			const nested = `${'{"n":'.repeat(depth)}1${'}'.repeat(depth)}`;
			const text = JSON.stringify(eventFor(t)).replace(/}$/, `,"deep":${nested}}`);
			return { request: signed(env, t, text), status: 200, runs: true };
		},
		'wrong content type': (t) => {
			const request = signed(env, t, eventFor(t));
			const type = random.pick([
				'text/plain',
				'application/xml',
				'application/x-www-form-urlencoded',
				'multipart/form-data; boundary=x',
				'application/octet-stream',
			]);
			for (const name of Object.keys(request.headers))
				if (name.toLowerCase() === 'content-type') delete request.headers[name];
			request.headers['content-type'] = type;
			return { request, status: 200, runs: true };
		},
		'missing auth header': (t) => {
			const request = signed(env, t, eventFor(t));
			const drop = {
				qondor: env.secrets.qondor.headerName,
				crm: random.pick(['webhook-id', 'webhook-timestamp', 'webhook-signature']),
				superoffice: 'X-Superoffice-Signature',
			}[t];
			delete request.headers[drop];
			return { request, status: 401, runs: false };
		},
		'duplicated auth header': (t) => {
			const request = signed(env, t, eventFor(t));
			const name = {
				qondor: env.secrets.qondor.headerName,
				crm: 'webhook-id',
				superoffice: 'X-Superoffice-Signature',
			}[t];
			const pairs = headerPairs(request.headers);
			pairs.push([name, random.next() < 0.5 ? request.headers[name] : 'something-else']);
			return { request: { raw: request.raw, pairs }, status: 401, runs: false };
		},
		'oversized header': (t) => {
			const request = signed(env, t, eventFor(t));
			request.headers['x-padding'] = 'x'.repeat(20000 + random.int(20000));
			return { request, status: 431, runs: false };
		},
		'control characters in a header': (t) => {
			const request = signed(env, t, eventFor(t));
			const name = {
				qondor: env.secrets.qondor.headerName,
				crm: 'webhook-signature',
				superoffice: 'X-Superoffice-Signature',
			}[t];
			request.headers[name] =
				`${request.headers[name].slice(0, 5)}\x01\x7f${request.headers[name].slice(5)}`;
			return { request, status: 400, runs: false };
		},
		'forged signature or header value': (t) => {
			const request = signed(env, t, eventFor(t));
			if (t === 'qondor')
				request.headers[env.secrets.qondor.headerName] = crypto
					.randomBytes(24)
					.toString('base64url');
			if (t === 'crm')
				request.headers['webhook-signature'] = `v1,${crypto.randomBytes(32).toString('base64')}`;
			if (t === 'superoffice')
				request.headers['X-Superoffice-Signature'] = crypto.randomBytes(32).toString('base64');
			return { request, status: 401, runs: false };
		},
		'signature of a different body': (t) => {
			if (t === 'qondor') return builders['forged signature or header value'](t);
			const request = signed(env, t, eventFor(t));
			return {
				request: { ...request, raw: Buffer.from(JSON.stringify(eventFor(t))) },
				status: 401,
				runs: false,
			};
		},
		'replay outside the window': () => {
			const request = signed(env, 'crm', eventFor('crm'), {
				timestamp: Math.floor(Date.now() / 1000) - 301 - random.int(86400),
			});
			return { trigger: 'crm', request, status: 401, runs: false };
		},
		'wrong secret': (t) => {
			const body = eventFor(t);
			if (t === 'qondor')
				return {
					request: qondorRequest(body, {
						headerName: env.secrets.qondor.headerName,
						headerSecret: `${env.secrets.qondor.headerSecret}x`,
					}),
					status: 401,
					runs: false,
				};
			if (t === 'crm')
				return {
					request: crmRequest(body, `whsec_${crypto.randomBytes(24).toString('base64')}`),
					status: 401,
					runs: false,
				};
			return {
				request: superOfficeRequest(body, crypto.randomBytes(16).toString('hex')),
				status: 401,
				runs: false,
			};
		},
		'receiver secret not base64': () => ({
			trigger: 'crmBadSecret',
			request: signed(env, 'crm', eventFor('crm')),
			status: 500,
			runs: false,
		}),
		'wrong field types': (t) => ({
			request: signed(env, t, wrongTypes(t, eventFor(t))),
			status: 200,
			runs: true,
		}),
		'wrong field types, Reject Invalid Payloads on': () => ({
			trigger: 'qondorStrict',
			request: signed(env, 'qondor', wrongTypes('qondor', eventFor('qondor'))),
			status: 422,
			runs: false,
		}),
		'unknown event': (t) => {
			const body = eventFor(t);
			if (t === 'qondor') body.topic = `FutureTopic${random.int(9)}V1`;
			if (t === 'crm') body.event = `webinar.${random.pick(['booked', 'cancelled'])}`;
			if (t === 'superoffice') body.Event = `y_equipment.${random.pick(['created', 'changed'])}`;
			return { request: signed(env, t, body), status: 200, runs: true };
		},
	};

	function eventFor(trigger) {
		if (trigger === 'qondor') return qondorEvent(random);
		if (trigger === 'crm') return crmEvent(random);
		return superOfficeEvent(random);
	}

	function wrongTypes(trigger, body) {
		if (trigger === 'qondor') return { ...body, projectId: String(body.projectId) };
		if (trigger === 'crm') return { ...body, payload: { ...body.payload, id: 12345 } };
		return { ...body, PrimaryKey: String(body.PrimaryKey) };
	}

	const names = Object.keys(builders);
	const cases = [];
	for (let i = 0; i < count; i++) {
		const kind = names[i % names.length];
		const trigger = random.pick(triggers);
		const built = builders[kind](trigger);
		cases.push({ kind, trigger: built.trigger ?? trigger, ...built });
	}
	// A few bodies around n8n's size limit (16 MB by default): valid just under it, refused beyond.
	for (const [megabytes, status, runs] of [
		[4, 200, true],
		[15, 200, true],
		[17, 413, false],
		[32, 413, false],
	]) {
		const trigger = random.pick(triggers);
		const body = eventFor(trigger);
		body.padding = 'p'.repeat(megabytes * 1024 * 1024);
		cases.push({ kind: 'huge body', trigger, request: signed(env, trigger, body), status, runs });
	}
	return cases;
}

async function sendCase(env, testCase) {
	const url = new URL(env.workflows[testCase.trigger].url);
	const pairs = testCase.request.pairs ?? headerPairs(testCase.request.headers);
	return await rawRequest({
		port: Number(url.port),
		path: url.pathname,
		headers: pairs,
		body: testCase.request.raw,
	});
}

async function executionCounts(env) {
	const counts = {};
	for (const key of Object.keys(env.workflows)) {
		counts[key] = (
			await env.instance.executions(env.workflows[key].id, { includeData: false })
		).length;
	}
	return counts;
}

async function waitForCounts(env, expected, timeoutMs = 180000) {
	const deadline = Date.now() + timeoutMs;
	let counts;
	do {
		counts = await executionCounts(env);
		if (Object.keys(expected).every((key) => counts[key] >= expected[key])) break;
		await sleep(500);
	} while (Date.now() < deadline);
	await sleep(2000); // anything that should not have run has had time to show up
	return await executionCounts(env);
}

function secretsOf(env) {
	return [
		env.secrets.qondor.headerSecret,
		env.secrets.crm.signingSecret.slice(6),
		env.secrets.superoffice.webhookSecret,
		'whsec_***not-base64***',
	];
}

async function badInput(env, random, summary) {
	const cases = badInputCases(env, random, BAD);
	const before = await executionCounts(env);
	const started = Date.now();
	const responses = await pool(
		cases.map((testCase) => () => sendCase(env, testCase)),
		10,
	);
	const byKind = {};
	const expected = { ...before };
	const leaks = new Set();
	cases.forEach((testCase, index) => {
		const response = responses[index];
		const row = (byKind[testCase.kind] ??= { sent: 0, statuses: {}, mismatches: 0 });
		row.sent++;
		row.statuses[response.status] = (row.statuses[response.status] ?? 0) + 1;
		if (response.status !== testCase.status) {
			row.mismatches++;
			if (row.mismatches <= 3)
				failures.push(
					`bad input "${testCase.kind}" to ${testCase.trigger}: expected ${testCase.status}, got ${response.status} ${response.error ?? response.body.slice(0, 200)}`,
				);
		}
		if (testCase.runs) expected[testCase.trigger]++;
		for (const secret of secretsOf(env))
			if (response.body.includes(secret)) leaks.add(testCase.kind);
	});
	const health = await fetch(`${env.instance.baseUrl}/healthz`).then(
		(response) => response.status,
		() => 0,
	);
	check(health === 200, `n8n /healthz answered ${health} after the bad-input phase`);
	const found = await waitForCounts(env, expected);
	for (const key of Object.keys(expected)) {
		check(
			found[key] === expected[key],
			`bad input: ${key} has ${found[key]} executions, expected ${expected[key]}`,
		);
	}
	check(leaks.size === 0, `a secret appeared in the answer to: ${[...leaks].join(', ')}`);
	summary.badInput = {
		requests: cases.length,
		seconds: (Date.now() - started) / 1000,
		byKind,
		expected,
		found,
		leaks: leaks.size,
	};
}

// ---------------------------------------------------------------------------------------------
// 2. Load with duplicates

function eventRequest(env, random, trigger) {
	if (trigger === 'qondor') {
		const body = qondorEvent(random);
		return { id: body.webhookId, build: () => qondorRequest(body, env.secrets.qondor) };
	}
	if (trigger === 'crm') {
		const body = crmEvent(random);
		const id = `msg_${random.id()}`;
		return { id, build: () => crmRequest(body, env.secrets.crm.signingSecret, { id }) };
	}
	const body = superOfficeEvent(random);
	return {
		id: body.EventId,
		build: () => superOfficeRequest(body, env.secrets.superoffice.webhookSecret),
	};
}

async function post(env, trigger, request) {
	return await postEvent(env.workflows[trigger].url, request);
}

async function loadWithDuplicates(env, random, summary) {
	const triggers = ['qondor', 'crm', 'superoffice'];
	const uniqueCount = Math.round(LOAD / 1.2);
	const events = Array.from({ length: uniqueCount }, () => {
		const trigger = random.pick(triggers);
		return { trigger, ...eventRequest(env, random, trigger) };
	});
	const sends = events.map((event) => event);
	for (let i = 0; i < LOAD - uniqueCount; i++) {
		// a re-send of an earlier event, at a random later position
		const original = random.int(events.length);
		sends.splice(original + 1 + random.int(sends.length - original), 0, events[original]);
	}
	const before = await executionCounts(env);
	const started = Date.now();
	const results = await pool(
		sends.map((event) => () => post(env, event.trigger, event.build())),
		20,
	);
	const seconds = (Date.now() - started) / 1000;
	const statuses = {};
	const reasons = {};
	for (const result of results) {
		statuses[result.status] = (statuses[result.status] ?? 0) + 1;
		reasons[result.reason] = (reasons[result.reason] ?? 0) + 1;
	}
	check(
		results.every((result) => result.status >= 200 && result.status < 300),
		`load: not every response was 2xx: ${JSON.stringify(statuses)}`,
	);

	// Copies of one event sent at the same instant, to different connections.
	const pairs = Array.from({ length: Math.max(50, Math.round(LOAD / 20)) }, () => {
		const trigger = random.pick(triggers);
		return { trigger, ...eventRequest(env, random, trigger) };
	});
	const pairResults = await pool(
		pairs.map(
			(event) => () =>
				Promise.all([
					post(env, event.trigger, event.build()),
					post(env, event.trigger, event.build()),
				]),
		),
		10,
	);
	const bothStarted = pairResults.filter(
		([a, b]) => a.reason === 'started' && b.reason === 'started',
	).length;

	const expected = { ...before };
	for (const event of [...events, ...pairs]) expected[event.trigger]++;
	const found = await waitForCounts(env, expected);
	for (const trigger of triggers) {
		check(
			found[trigger] === expected[trigger],
			`load: ${trigger} has ${found[trigger] - before[trigger]} new executions for ${expected[trigger] - before[trigger]} unique events`,
		);
	}
	check(
		bothStarted === 0,
		`load: ${bothStarted} of ${pairs.length} simultaneous copies both started an execution`,
	);
	summary.load = {
		requests: sends.length,
		unique: events.length,
		resent: sends.length - events.length,
		seconds,
		requestsPerSecond: sends.length / seconds,
		statuses,
		reasons,
		duplicatesSuppressed: reasons.duplicate ?? 0,
		simultaneousPairs: pairs.length,
		simultaneousBothRan: bothStarted,
		executionsExpected: Object.fromEntries(triggers.map((t) => [t, expected[t] - before[t]])),
		executionsFound: Object.fromEntries(triggers.map((t) => [t, found[t] - before[t]])),
	};
}

// ---------------------------------------------------------------------------------------------
// 3. Restart in the middle of a stream

async function restartMidStream(env, random, summary) {
	const triggers = ['qondor', 'crm', 'superoffice'];
	const stream = Array.from({ length: RESTART }, () => {
		const trigger = random.pick(triggers);
		return { trigger, ...eventRequest(env, random, trigger) };
	});
	const before = await executionCounts(env);
	const outcome = new Map();
	let index = 0;
	let restarting;
	// A steady stream (about 25 events a second from 5 connections) that outlasts the restart, so
	// some events arrive while n8n is stopping or down.
	const worker = async () => {
		while (index < stream.length) {
			const event = stream[index++];
			if (index === Math.floor(stream.length / 2)) restarting = env.restart();
			const sentAt = Date.now();
			const result = await post(env, event.trigger, event.build());
			outcome.set(event.id, {
				...result,
				event,
				duringRestart: restarting !== undefined,
				answeredAt: Date.now(),
			});
			await sleep(Math.max(0, 200 - (Date.now() - sentAt)));
		}
	};
	await Promise.all(Array.from({ length: 5 }, worker));
	await restarting;
	// events refused while n8n was down are sent again, as a sender's retry would
	const retried = [...outcome.values()].filter((result) => result.status !== 200);
	for (const result of retried)
		outcome.set(result.event.id, {
			...(await post(env, result.event.trigger, result.event.build())),
			event: result.event,
			retried: true,
		});

	const acknowledged = [...outcome.values()].filter(
		(result) => result.status === 200 && result.reason === 'started',
	);
	const expected = { ...before };
	for (const result of acknowledged) expected[result.event.trigger]++;
	await waitForCounts(env, expected, 60000);
	// every acknowledged event has exactly one execution
	const executed = new Map();
	for (const trigger of triggers) {
		for (const execution of await env.executions(trigger)) {
			const items =
				require('../../scripts/lib/n8n').triggerItems(execution, env.workflows[trigger].nodeName) ??
				[];
			const item = items[0] ?? {};
			const id = item.webhookId ?? item.EventId;
			if (id) executed.set(id, (executed.get(id) ?? 0) + 1);
		}
	}
	// n8n keeps serving open connections while it shuts down, and the executions it starts in its
	// last milliseconds can be cut off: only events answered before the stop was requested must have
	// an execution; losses after it are counted and reported.
	const stoppedAt = env.instance.stopRequestedAt;
	const lost = acknowledged.filter((result) => !executed.has(result.event.id));
	const missing = lost.filter((result) => result.answeredAt < stoppedAt);
	const lostDuringShutdown = lost.length - missing.length;
	const doubled = stream.filter((event) => (executed.get(event.id) ?? 0) > 1);
	check(
		missing.length === 0,
		`restart: ${missing.length} events answered 200 have no execution: ${missing.map((result) => `${result.event.trigger} ${result.event.id}${result.retried ? ' (re-sent)' : ''}${result.duringRestart ? ' (sent after the restart began)' : ''}`).join(', ')}`,
	);
	check(doubled.length === 0, `restart: ${doubled.length} events ran twice`);

	// ids seen before the restart are still duplicates afterwards
	const seen = acknowledged.slice(0, 30);
	const again = await pool(
		seen.map((result) => () => post(env, result.event.trigger, result.event.build())),
		5,
	);
	const notDuplicate = again.filter((result) => result.reason !== 'duplicate').length;
	check(
		notDuplicate === 0,
		`restart: ${notDuplicate} of ${seen.length} re-sent events were not recognised as duplicates`,
	);
	// and new events still run
	const fresh = triggers.map((trigger) => ({ trigger, ...eventRequest(env, random, trigger) }));
	const freshResults = await Promise.all(
		fresh.map((event) => post(env, event.trigger, event.build())),
	);
	check(
		freshResults.every((result) => result.reason === 'started'),
		`restart: new events after the restart did not all start`,
	);
	summary.restart = {
		events: stream.length,
		sentAfterRestartBegan: [...outcome.values()].filter((result) => result.duringRestart).length,
		acknowledgedBeforeOrAfter: acknowledged.length,
		refusedWhileDown: retried.length,
		acknowledgedWithoutExecution: missing.length,
		answeredBeforeStop: acknowledged.filter((result) => result.answeredAt < stoppedAt).length,
		answeredDuringShutdown: acknowledged.filter(
			(result) =>
				result.answeredAt >= stoppedAt && result.answeredAt <= (env.instance.startedAt ?? Infinity),
		).length,
		lostDuringShutdown,
		ranTwice: doubled.length,
		resentDuplicatesRecognised: `${seen.length - notDuplicate}/${seen.length}`,
	};
}

// ---------------------------------------------------------------------------------------------

function printSummary(summary, env) {
	const lines = ['', `Reliability summary (seed ${SEED}, n8n ${env.instance.runtime.version})`, ''];
	const bad = summary.badInput;
	if (bad) {
		lines.push(`Bad input: ${bad.requests} requests in ${bad.seconds.toFixed(1)} s`);
		lines.push(`  ${'class'.padEnd(46)} ${'sent'.padStart(5)}  statuses`);
		for (const [kind, row] of Object.entries(bad.byKind)) {
			const statuses = Object.entries(row.statuses)
				.map(([status, n]) => `${status}×${n}`)
				.join(' ');
			lines.push(
				`  ${kind.padEnd(46)} ${String(row.sent).padStart(5)}  ${statuses}${row.mismatches ? `  (${row.mismatches} unexpected)` : ''}`,
			);
		}
		lines.push(
			`  executions expected/found: ${Object.keys(bad.expected)
				.map((k) => `${k} ${bad.expected[k]}/${bad.found[k]}`)
				.join(', ')}`,
		);
	}
	const load = summary.load;
	if (load) {
		lines.push(
			'',
			`Load: ${load.requests} signed requests (${load.unique} unique, ${load.resent} re-sent) at concurrency 20 in ${load.seconds.toFixed(1)} s (${load.requestsPerSecond.toFixed(0)} req/s)`,
		);
		lines.push(
			`  statuses ${JSON.stringify(load.statuses)}, answers ${JSON.stringify(load.reasons)}`,
		);
		lines.push(`  duplicates suppressed: ${load.duplicatesSuppressed}`);
		lines.push(
			`  same id sent twice at the same instant: ${load.simultaneousPairs} pairs, both ran: ${load.simultaneousBothRan}`,
		);
		lines.push(
			`  executions expected/found: ${Object.keys(load.executionsExpected)
				.map((k) => `${k} ${load.executionsExpected[k]}/${load.executionsFound[k]}`)
				.join(', ')}`,
		);
	}
	const restart = summary.restart;
	if (restart) {
		lines.push('', `Restart mid-stream: ${restart.events} events, n8n restarted halfway`);
		lines.push(
			`  sent after the restart began: ${restart.sentAfterRestartBegan}; answered 200 (started): ${restart.acknowledgedBeforeOrAfter}; refused or cut off while n8n was down, then re-sent: ${restart.refusedWhileDown}`,
		);
		lines.push(
			`  answered 200 before the stop: ${restart.answeredBeforeStop}, of which without an execution: ${restart.acknowledgedWithoutExecution}`,
		);
		lines.push(
			`  answered 200 while n8n was shutting down: ${restart.answeredDuringShutdown}, of which cut off by the shutdown: ${restart.lostDuringShutdown}`,
		);
		lines.push(
			`  ran twice: ${restart.ranTwice}, re-sent ids recognised as duplicates after the restart: ${restart.resentDuplicatesRecognised}`,
		);
	}
	lines.push(
		'',
		`Crashes: ${summary.crashes}`,
		`Secrets leaked (answers + n8n log): ${summary.secretsLeaked}`,
		'',
	);
	lines.push(
		failures.length ? `FAILED (${failures.length}):\n  ${failures.join('\n  ')}` : 'PASSED',
		'',
	);
	process.stdout.write(lines.join('\n'));
}

async function main() {
	const random = generator(SEED);
	const env = await startEnvironment(LINE, { env: { N8N_LOG_LEVEL: 'debug' } });
	const summary = { crashes: 0, secretsLeaked: 0 };
	const crashed = () => {
		summary.crashes++;
	};
	env.instance.child.on('exit', crashed);
	try {
		await env.addWorkflow('qondorStrict', 'qondor', {
			webhookId: '6f1e0d2c-7a4b-4c3d-9e8f-0a1b2c3d4e71',
			parameters: { settings: { rejectInvalid: true } },
			credentialData: env.secrets.qondor,
		});
		await env.addWorkflow('crmBadSecret', 'crm', {
			webhookId: '6f1e0d2c-7a4b-4c3d-9e8f-0a1b2c3d4e72',
			credentialData: { signingSecret: 'whsec_***not-base64***', previousSigningSecret: '' },
		});
		await badInput(env, random, summary);
		await loadWithDuplicates(env, random, summary);
		env.instance.child.off('exit', crashed);
		await restartMidStream(env, random, summary);
		env.instance.child.on('exit', crashed);
		const log = env.log();
		const leaked = secretsOf(env).filter((secret) => log.includes(secret));
		summary.secretsLeaked = leaked.length + (summary.badInput?.leaks ?? 0);
		check(leaked.length === 0, `${leaked.length} secrets appear in n8n's log`);
		check(summary.crashes === 0, `n8n exited unexpectedly ${summary.crashes} times`);
		if (failures.length) process.stdout.write(`\nn8n log: ${env.logPath()}\n`);
	} catch (error) {
		failures.push(`${error.stack || error}`);
		process.stdout.write(`\nn8n log: ${env.logPath()}\n`);
	} finally {
		env.instance.child?.off('exit', crashed);
		printSummary(summary, env);
		await env.stop();
	}
	process.exit(failures.length ? 1 : 0);
}

main().catch((error) => {
	process.stderr.write(`${error.stack || error}\n`);
	process.exit(1);
});
