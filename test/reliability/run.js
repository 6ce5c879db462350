#!/usr/bin/env node
// Reliability and security suite, against a real n8n with the package installed (as the
// end-to-end suite runs it):
//   1. bad input: seeded, reproducible malformed, forged, replayed, oversized … requests, each with
//      its expected status; afterwards n8n is healthy and the executions are exactly the expected ones;
//   2. load with duplicates: signed events at concurrency 20, 20 % re-sent, and copies sent at the
//      same instant; every unique event runs exactly once;
//   3. restart: a stream of events with n8n restarted in the middle;
//   4. hostile bodies: 15 MiB of schema violations, a million levels of nesting, event names as
//      long as allowed and far longer against multi-star patterns, each behind valid
//      authentication: answers, time and memory added, and genuine events around them;
//   5. burst: n8n stopped gracefully at the peak of a burst; events answered 200 that never ran
//      are counted (none may be lost with In Memory Only on n8n 2.x, where n8n answers once it
//      has the execution).
// No secret may appear in any answer or in n8n's log. Exits non-zero on any failure.
//
//   node test/reliability/run.js            the size npm test runs
//   node test/reliability/run.js --large    5x the requests
//   options: --seed <n>  --line <1|2>  --bad <n>  --load <n>  --restart <n>  --burst <n>
'use strict';

const crypto = require('node:crypto');
const { parseArgs } = require('node:util');

const { startEnvironment } = require('../../scripts/lib/environment');
const { sleep, triggerItems } = require('../../scripts/lib/n8n');
const { seededRandom } = require('../../scripts/lib/random');
const { loadSamples, senders, wireOf } = require('../../scripts/lib/registry');
const { createReport } = require('../../scripts/lib/report');
const {
	authHeaders,
	brokenCredential,
	freshEvent,
	newCredential,
	schemeOf,
	secretValues,
	signedRequest,
} = require('../../scripts/lib/senders');
const { pool, postEvent } = require('../../scripts/lib/load');
const { rawRequest } = require('./rawHttp');

const { values: args } = parseArgs({
	options: {
		large: { type: 'boolean' },
		seed: { type: 'string', default: '20261123' },
		line: { type: 'string', default: '1' },
		bad: { type: 'string' },
		load: { type: 'string' },
		restart: { type: 'string' },
		burst: { type: 'string' },
		hostile: { type: 'boolean', default: true },
	},
});
const scale = args.large ? 5 : 1;
const SEED = Number(args.seed);
const LINE = Number(args.line);
const BAD = Number(args.bad ?? 5000 * scale);
const LOAD = Number(args.load ?? 2000 * scale);
const RESTART = Number(args.restart ?? 300 * scale);
const BURST = Number(args.burst ?? 300 * scale);
/** The bounds the README states for one hostile body: memory added to n8n, and time to answer. */
const HOSTILE_MAX_MB = 1024;
const HOSTILE_MAX_MS = 30000;

const report = createReport();
const { check } = report;

/** The body field each event carries its test id in, so executions can be matched to events. */
const MARK = '_reliabilityId';

// ---------------------------------------------------------------------------------------------
// Events with fresh ids, and requests as each sender makes them.

/** The business events among a sender's samples (handshakes start no execution by default). */
function businessSamples(sender) {
	return Object.values(loadSamples(sender)).filter(
		(body) => !sender.isHandshake({}, body, body[sender.event.name.field ?? '']),
	);
}

/** The sender behind a workflow key (`qondor`, or an extra workflow such as `qondorStrict`). */
function senderOf(env, key) {
	return senders().find((sender) => sender.key === env.workflows[key].senderKey);
}

/** A new event of the sender: a random sample with a fresh id, marked with that id. */
function newEvent(random, sender, accept = () => true) {
	const id = sender.event.id.field === undefined ? `msg_${random.id()}` : random.id();
	const event = freshEvent(sender, random.pick(businessSamples(sender).filter(accept)), id);
	return { ...event, body: { ...event.body, [MARK]: id } };
}

function headerPairs(headers) {
	return Object.entries(headers);
}

/** A request for workflow `key` carrying `body` (an object or raw text/bytes), authenticated as the sender would. */
function signed(env, key, body, options = {}) {
	const sender = senderOf(env, key);
	return signedRequest(sender, body, env.secrets[sender.key], options);
}

/** `value` with its base64 part replaced by random characters of the same length. */
function forged(value) {
	return value.replace(/[A-Za-z0-9+/_-]{16,}=*$/, (part) =>
		crypto.randomBytes(part.length).toString('base64').slice(0, part.length),
	);
}

/** `body` with the field at the dotted path given a value of another type. */
function mistyped(body, dottedPath) {
	const copy = JSON.parse(JSON.stringify(body));
	const keys = dottedPath.split('.');
	let parent = copy;
	for (const key of keys.slice(0, -1)) parent = parent[key];
	const last = keys[keys.length - 1];
	parent[last] = typeof parent[last] === 'number' ? String(parent[last]) : 12345;
	return copy;
}

/** Extra workflows: a strict one for senders with Reject Invalid Payloads, a broken credential where one can be made. */
function extraWorkflows() {
	const extra = [];
	senders().forEach((sender, index) => {
		if (sender.settings.some((option) => option.name === 'rejectInvalid')) {
			extra.push({
				key: `${sender.key}Strict`,
				senderKey: sender.key,
				index: 2 * index,
				parameters: { settings: { rejectInvalid: true } },
			});
		}
		const broken = brokenCredential(sender);
		if (broken)
			extra.push({
				key: `${sender.key}BadSecret`,
				senderKey: sender.key,
				index: 2 * index + 1,
				credentialData: broken,
			});
	});
	return extra;
}

// ---------------------------------------------------------------------------------------------
// 1. Bad input

/**
 * Every case: which workflow it goes to, the request, the status expected and whether it should
 * start an execution. Senders that disable failing webhooks (SuperOffice) get 200 for content
 * problems of authenticated requests, so their expectations differ for those.
 */
function badInputCases(env, random, count) {
	const triggers = senders().map((sender) => sender.key);
	const senderFor = (t) => senderOf(env, t);
	const contentError = (t) => (senderFor(t).acknowledgeContentErrors ? 200 : 400);
	const eventFor = (t) => newEvent(random, senderFor(t));
	// An event whose schema documents the field the test mistypes (payment.received's payload, for
	// one, is undocumented: any value is valid there).
	const mistypeableEventFor = (t) => {
		const sender = senderFor(t);
		const { mistype } = wireOf(sender);
		return newEvent(random, sender, (body) => {
			const schema = sender.schemas[body[sender.event.name.field]];
			return schema !== undefined && !schema.safeParse(mistyped(body, mistype)).success;
		});
	};
	const request = (t, event = eventFor(t)) => signed(env, t, event.body, event.options);
	const authHeadersOf = (t) => authHeaders(senderFor(t), env.secrets[t]);
	const timestamped = triggers.filter(
		(t) => schemeOf(senderFor(t))?.type === 'standardWebhooks',
	);
	// Senders that sign the event's time in the body (SuperOffice's Timestamp).
	const timed = triggers.filter((t) => senderFor(t).event.time !== undefined);
	const strict = Object.keys(env.workflows).filter((key) => key.endsWith('Strict'));
	const broken = Object.keys(env.workflows).filter((key) => key.endsWith('BadSecret'));
	const builders = {
		valid: (t) => ({ request: request(t), status: 200, runs: true }),
		'truncated JSON': (t) => {
			const text = JSON.stringify(eventFor(t).body);
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
			const text = JSON.stringify(eventFor(t).body);
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
			const event = eventFor(t);
			const text = JSON.stringify(event.body).replace(/}$/, `,"deep":${nested}}`);
			return { request: signed(env, t, text, event.options), status: 200, runs: true };
		},
		'wrong content type': (t) => {
			const built = request(t);
			const type = random.pick([
				'text/plain',
				'application/xml',
				'application/x-www-form-urlencoded',
				'multipart/form-data; boundary=x',
				'application/octet-stream',
			]);
			for (const name of Object.keys(built.headers))
				if (name.toLowerCase() === 'content-type') delete built.headers[name];
			built.headers['content-type'] = type;
			return { request: built, status: 200, runs: true };
		},
		'missing auth header': (t) => {
			const built = request(t);
			delete built.headers[random.pick(authHeadersOf(t))];
			return { request: built, status: 401, runs: false };
		},
		'duplicated auth header': (t) => {
			const built = request(t);
			const name = authHeadersOf(t)[0];
			const pairs = headerPairs(built.headers);
			pairs.push([name, random.next() < 0.5 ? built.headers[name] : 'something-else']);
			return { request: { raw: built.raw, pairs }, status: 401, runs: false };
		},
		'oversized header': (t) => {
			const built = request(t);
			built.headers['x-padding'] = 'x'.repeat(20000 + random.int(20000));
			return { request: built, status: 431, runs: false };
		},
		'control characters in a header': (t) => {
			const built = request(t);
			const name = authHeadersOf(t).at(-1);
			built.headers[name] =
				`${built.headers[name].slice(0, 5)}\x01\x7f${built.headers[name].slice(5)}`;
			return { request: built, status: 400, runs: false };
		},
		'forged signature or header value': (t) => {
			const built = request(t);
			const name = authHeadersOf(t).at(-1);
			built.headers[name] = forged(built.headers[name]);
			return { request: built, status: 401, runs: false };
		},
		'signature of a different body': (t) => {
			if (schemeOf(senderFor(t)).type === 'header')
				return builders['forged signature or header value'](t);
			const built = request(t);
			return {
				request: { ...built, raw: Buffer.from(JSON.stringify(eventFor(t).body)) },
				status: 401,
				runs: false,
			};
		},
		'replay outside the window': (t) => {
			if (!timestamped.length && !timed.length)
				return builders['forged signature or header value'](t);
			const target = random.pick([...timestamped, ...timed]);
			const event = eventFor(target);
			const secondsAgo = 301 + random.int(86400);
			const sender = senderFor(target);
			if (timed.includes(target)) {
				// A genuine delivery, signed by the sender, sent again later: its signed time is old.
				const { field } = sender.event.time;
				const body = {
					...event.body,
					[field]: new Date(Date.now() - secondsAgo * 1000).toISOString(),
				};
				return {
					trigger: target,
					request: signed(env, target, body, event.options),
					status: contentError(target) === 200 ? 200 : 401,
					runs: false,
				};
			}
			const stale = signed(env, target, event.body, {
				...event.options,
				timestamp: Math.floor(Date.now() / 1000) - secondsAgo,
			});
			return { trigger: target, request: stale, status: 401, runs: false };
		},
		'wrong secret': (t) => {
			const event = eventFor(t);
			return {
				request: signedRequest(
					senderFor(t),
					event.body,
					newCredential(senderFor(t)),
					event.options,
				),
				status: 401,
				runs: false,
			};
		},
		'receiver credential unusable': (t) => {
			if (!broken.length) return builders['wrong secret'](t);
			const key = random.pick(broken);
			return { trigger: key, request: request(key), status: 500, runs: false };
		},
		'wrong field types': (t) => {
			const event = mistypeableEventFor(t);
			return {
				request: signed(
					env,
					t,
					mistyped(event.body, wireOf(senderFor(t)).mistype),
					event.options,
				),
				status: 200,
				runs: true,
			};
		},
		'wrong field types, Reject Invalid Payloads on': (t) => {
			if (!strict.length) return builders['wrong field types'](t);
			const key = random.pick(strict);
			const event = mistypeableEventFor(key);
			return {
				trigger: key,
				request: signed(
					env,
					key,
					mistyped(event.body, wireOf(senderFor(key)).mistype),
					event.options,
				),
				status: 422,
				runs: false,
			};
		},
		'unknown event': (t) => {
			const event = eventFor(t);
			const body = {
				...event.body,
				[senderFor(t).event.name.field]: `future.event${random.int(9)}`,
			};
			return { request: signed(env, t, body, event.options), status: 200, runs: true };
		},
	};

	// Each case is built when it is sent, not all at once before: a signed request carries the
	// time it was signed, and on a slow n8n the phase outlasts the Standard Webhooks window. The
	// pool starts cases in order, so the seeded choices are the same from run to run.
	const names = Object.keys(builders);
	const cases = [];
	for (let i = 0; i < count; i++) {
		const kind = names[i % names.length];
		const trigger = random.pick(triggers);
		cases.push({
			kind,
			trigger,
			build() {
				const built = builders[kind](trigger);
				Object.assign(this, built, { trigger: built.trigger ?? trigger });
			},
		});
	}
	// A few bodies around n8n's size limit (16 MB by default): valid just under it, refused beyond.
	for (const [megabytes, status, runs] of [
		[4, 200, true],
		[15, 200, true],
		[17, 413, false],
		[32, 413, false],
	]) {
		const trigger = random.pick(triggers);
		cases.push({
			kind: 'huge body',
			trigger,
			status,
			runs,
			build() {
				const event = eventFor(trigger);
				const body = { ...event.body, padding: 'p'.repeat(megabytes * 1024 * 1024) };
				this.request = signed(env, trigger, body, event.options);
			},
		});
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

/** How long executions may take to show up: n8n 2.x runs them several times slower. */
const SETTLE_MS = LINE === 2 ? 600000 : 180000;

async function waitForCounts(env, expected, timeoutMs = SETTLE_MS) {
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
	const configured = senders().flatMap((sender) =>
		secretValues(sender, env.secrets[sender.key]),
	);
	const broken = extraWorkflows().flatMap((extra) =>
		extra.credentialData ? secretValues(extra.senderKey, extra.credentialData) : [],
	);
	return [...configured, ...broken].filter(
		(secret) => typeof secret === 'string' && secret.length >= 8,
	);
}

async function badInput(env, random, summary) {
	const cases = badInputCases(env, random, BAD);
	const before = await executionCounts(env);
	const started = Date.now();
	const responses = await pool(
		cases.map((testCase) => () => {
			testCase.build();
			const sent = sendCase(env, testCase);
			delete testCase.request; // the 16 and 32 MB bodies are not kept
			return sent;
		}),
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
				check(
					false,
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

/** A new event for a trigger: its id, and a function building a request for it (each copy the same event). */
function eventRequest(env, random, trigger) {
	const event = newEvent(random, senderOf(env, trigger));
	return { id: event.id, build: () => signed(env, trigger, event.body, event.options) };
}

async function post(env, trigger, request) {
	return await postEvent(env.workflows[trigger].url, request);
}

async function loadWithDuplicates(env, random, summary) {
	const triggers = senders().map((sender) => sender.key);
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
	const triggers = senders().map((sender) => sender.key);
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
	await waitForCounts(env, expected, SETTLE_MS / 3);
	// every acknowledged event has exactly one execution
	const executed = new Map();
	for (const trigger of triggers) {
		for (const execution of await env.executions(trigger)) {
			const items = triggerItems(execution, env.workflows[trigger].nodeName) ?? [];
			const id = items[0]?.[MARK];
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
	// A sender's signed time may have left the replay window by now (SuperOffice's, 300 s): such a
	// copy is refused for its age before its id is looked up, which runs nothing either.
	const outsideWindow = (result, index) =>
		result.reason === 'outside-window' && senderOf(env, seen[index].event.trigger).event.time;
	const notDuplicate = again.filter(
		(result, index) => result.reason !== 'duplicate' && !outsideWindow(result, index),
	).length;
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
// 5. Hostile bodies behind valid authentication

/** n8n's resident memory now, in MB (its main process). */
function rssMb(env) {
	try {
		const status = require('node:fs').readFileSync(
			`/proc/${env.instance.child.pid}/status`,
			'utf8',
		);
		return Number(/VmRSS:\s+(\d+)/.exec(status)[1]) / 1024;
	} catch {
		return Number.NaN;
	}
}

/** Sends one request while sampling n8n's memory: its answer, the time and the peak added. */
async function measured(env, key, request) {
	const baseline = rssMb(env);
	let peak = baseline;
	const sampler = setInterval(() => {
		peak = Math.max(peak, rssMb(env));
	}, 20);
	const started = Date.now();
	const result = await post(env, key, request);
	const ms = Date.now() - started;
	await sleep(500); // the execution it started
	peak = Math.max(peak, rssMb(env));
	clearInterval(sampler);
	return { ...result, ms, addedMb: Math.round(peak - baseline) };
}

/**
 * The worst bodies n8n lets through (up to its 16 MiB limit), each authenticated: 15 MiB of
 * schema violations (a list of 3.6 million numbers where objects or strings belong), a field
 * nested a million levels deep, and event names as long as allowed (and far longer) against
 * multi-star patterns. n8n must stay up, memory and time stay bounded, and genuine events sent
 * before and after still run exactly once.
 */
async function hostileBodies(env, random, summary) {
	const patterns = 'hostilePatterns';
	await env.addWorkflow(patterns, 'superoffice', {
		webhookId: '6f1e0d2c-7a4b-4c3d-9e8f-0a1b2c3d4f91',
		parameters: { events: [], customEvents: '*a*a*a*b, *.*.deleted, webhook*.errors' },
		credentialData: env.secrets.superoffice,
	});
	const triggers = senders().map((sender) => sender.key);
	const genuine = () =>
		triggers.map((trigger) => ({ trigger, ...eventRequest(env, random, trigger) }));
	const before = genuine();
	for (const event of before) await post(env, event.trigger, event.build());

	const megabytes = 15;
	const numbers = (bytes) => Array.from({ length: Math.floor(bytes / 4.5) }, (_, i) => i % 1000);
	const withBody = (key, change) => {
		const event = newEvent(random, senderOf(env, key));
		const request = signed(env, key, change(event.body), event.options);
		// the event name is in the signed body; a copy in a header would be refused by Node.js (431)
		for (const [name, value] of Object.entries(request.headers))
			if (String(value).length > 1024) delete request.headers[name];
		return request;
	};
	const nested = (depth) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
	const cases = [
		{
			name: `${megabytes} MiB of schema violations (Qondor booking, header)`,
			key: 'qondor',
			build: () => {
				const event = newEvent(random, senderOf(env, 'qondor'), (body) =>
					Array.isArray(body.participants),
				);
				return signed(
					env,
					'qondor',
					{ ...event.body, participants: numbers(megabytes * 1024 * 1024) },
					event.options,
				);
			},
			expect: 'started',
		},
		{
			name: `${megabytes} MiB of schema violations (SuperOffice, signed)`,
			key: 'superoffice',
			build: () =>
				withBody('superoffice', (body) => ({ ...body, Changes: numbers(megabytes * 1024 * 1024) })),
			expect: 'started',
		},
		{
			name: 'a field nested 1,000,000 levels deep (CRM, signed)',
			status: 400,
			key: 'crm',
			build: () => {
				const event = newEvent(random, senderOf(env, 'crm'));
				const text = JSON.stringify(event.body).replace(/}$/, `,"deep":${nested(1000000)}}`);
				return signed(env, 'crm', text, event.options);
			},
			expect: 'invalid-body',
		},
		{
			name: 'a 200-character event name against *a*a*a*b (SuperOffice, signed)',
			key: patterns,
			build: () => withBody(patterns, (body) => ({ ...body, Event: `${'a'.repeat(199)}c` })),
			expect: 'not-selected',
		},
		{
			name: `a ${megabytes} MiB event name (SuperOffice, signed)`,
			key: patterns,
			build: () =>
				withBody(patterns, (body) => ({ ...body, Event: 'a'.repeat(megabytes * 1024 * 1024) })),
			expect: 'invalid-event',
		},
	];
	const results = [];
	for (const testCase of cases) {
		const result = await measured(env, testCase.key, testCase.build());
		results.push({
			name: testCase.name,
			status: result.status,
			reason: result.reason,
			ms: result.ms,
			addedMb: result.addedMb,
		});
		const status = testCase.status ?? 200;
		check(
			result.status === status && result.reason === testCase.expect,
			`hostile body "${testCase.name}": expected ${status} ${testCase.expect}, got ${result.status} ${result.reason ?? result.text.slice(0, 200)}`,
		);
		check(
			result.ms < HOSTILE_MAX_MS,
			`hostile body "${testCase.name}" took ${result.ms} ms (bound ${HOSTILE_MAX_MS} ms)`,
		);
		check(
			!(result.addedMb > HOSTILE_MAX_MB),
			`hostile body "${testCase.name}" added ${result.addedMb} MB to n8n's memory (bound ${HOSTILE_MAX_MB} MB)`,
		);
	}
	const health = await fetch(`${env.instance.baseUrl}/healthz`).then(
		(response) => response.status,
		() => 0,
	);
	check(health === 200, `n8n /healthz answered ${health} after the hostile bodies`);
	const after = genuine();
	for (const event of after) await post(env, event.trigger, event.build());
	const deadline = Date.now() + SETTLE_MS;
	let missing = [];
	let doubled = [];
	do {
		await sleep(1000);
		missing = [];
		doubled = [];
		for (const trigger of triggers) {
			const executed = await executedIds(env, trigger);
			for (const event of [...before, ...after].filter(
				(candidate) => candidate.trigger === trigger,
			)) {
				const count = executed.get(event.id) ?? 0;
				if (count === 0) missing.push(event.id);
				if (count > 1) doubled.push(event.id);
			}
		}
	} while (missing.length > 0 && Date.now() < deadline);
	check(
		missing.length === 0,
		`hostile bodies: genuine events without an execution: ${missing.join(', ')}`,
	);
	check(
		doubled.length === 0,
		`hostile bodies: genuine events that ran twice: ${doubled.join(', ')}`,
	);
	summary.hostile = {
		results,
		genuine: before.length + after.length,
		missing: missing.length,
		doubled: doubled.length,
	};
}

// ---------------------------------------------------------------------------------------------
// 4. A graceful stop at the peak of a burst

/** Executions per marked event id among a workflow's executions. */
async function executedIds(env, key) {
	const executed = new Map();
	for (const execution of await env.executions(key)) {
		const items = triggerItems(execution, env.workflows[key].nodeName) ?? [];
		const id = items[0]?.[MARK];
		if (id) executed.set(id, (executed.get(id) ?? 0) + 1);
	}
	return executed;
}

/**
 * The worst case of the backlog: a burst of events at concurrency 30, and n8n asked to stop
 * (gracefully, as a deployment does) once half of them are answered. Counts the events answered
 * `200 started` that never ran, for the first trigger with its ids saved (the node answers before
 * n8n has the execution) and with *In Memory Only* (n8n answers; on n8n 2.x only once it has the
 * execution, which a graceful stop lets finish: none may be lost there).
 */
async function burstThenStop(env, random, summary) {
	const [first] = senders();
	const memoryKey = `${first.key}Memory`;
	await env.addWorkflow(memoryKey, first.key, {
		webhookId: '6f1e0d2c-7a4b-4c3d-9e8f-0a1b2c3d4f90',
		parameters: { settings: { rememberIds: 'memory' } },
		credentialData: env.secrets[first.key],
	});
	summary.burst = {};
	for (const [key, mode] of [
		[first.key, 'ids saved'],
		[memoryKey, 'In Memory Only'],
	]) {
		const events = Array.from({ length: BURST }, () => eventRequest(env, random, key));
		const outcome = new Map();
		let answered = 0;
		let stopping;
		await pool(
			events.map((event) => async () => {
				const result = await post(env, key, event.build());
				outcome.set(event.id, result);
				answered += 1;
				if (answered === Math.floor(BURST / 2)) stopping = env.instance.stop({ timeoutMs: 60000 });
			}),
			30,
		);
		await stopping;
		await env.instance.start();
		await env.instance.signIn();
		const acknowledged = [...outcome.entries()].filter(
			([, result]) => result.status === 200 && result.reason === 'started',
		);
		// executions settle: counted until the number stops changing for 3 seconds
		let executed = new Map();
		const deadline = Date.now() + 90000;
		for (let stable = 0, last = -1; stable < 3 && Date.now() < deadline; ) {
			await sleep(1000);
			executed = await executedIds(env, key);
			stable = executed.size === last ? stable + 1 : 0;
			last = executed.size;
		}
		const lost = acknowledged.filter(([id]) => !executed.has(id));
		const ranTwice = [...executed.values()].filter((count) => count > 1).length;
		check(ranTwice === 0, `burst (${mode}): ${ranTwice} events ran twice`);
		if (key === memoryKey && LINE === 2) {
			check(
				lost.length === 0,
				`burst (${mode}, n8n 2.x): ${lost.length} events answered 200 never ran; n8n answers only once it has the execution`,
			);
		}
		summary.burst[mode] = {
			sent: events.length,
			acknowledged: acknowledged.length,
			notAnswered200: events.length - acknowledged.length,
			lost: lost.length,
			ranTwice,
		};
	}
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
	if (summary.hostile) {
		lines.push(
			'',
			'Hostile bodies behind valid authentication (one at a time; memory: n8n main process, peak added)',
		);
		for (const result of summary.hostile.results) {
			lines.push(
				`  ${result.name.padEnd(62)} ${result.status} ${String(result.reason).padEnd(13)} ${String(result.ms).padStart(6)} ms  +${result.addedMb} MB`,
			);
		}
		lines.push(
			`  genuine events before and after: ${summary.hostile.genuine}; without an execution: ${summary.hostile.missing}; ran twice: ${summary.hostile.doubled}`,
		);
	}
	if (summary.burst) {
		lines.push(
			'',
			`Graceful stop at the peak of a burst (${BURST} events, 30 at a time, stop after half were answered)`,
		);
		for (const [mode, burst] of Object.entries(summary.burst)) {
			lines.push(
				`  ${mode}: answered 200 ${burst.acknowledged} of ${burst.sent} (the rest refused or cut off: ${burst.notAnswered200}); answered 200 but never ran: ${burst.lost}; ran twice: ${burst.ranTwice}`,
			);
		}
	}
	lines.push(
		'',
		`Crashes: ${summary.crashes}`,
		`Secrets leaked (answers + n8n log): ${summary.secretsLeaked}`,
		'',
	);
	lines.push(report.verdict(), '');
	process.stdout.write(lines.join('\n'));
}

async function main() {
	const random = seededRandom(SEED);
	const env = await startEnvironment(LINE, { env: { N8N_LOG_LEVEL: 'debug' } });
	const summary = { crashes: 0, secretsLeaked: 0 };
	const crashed = () => {
		summary.crashes++;
	};
	env.instance.child.on('exit', crashed);
	try {
		for (const extra of extraWorkflows()) {
			await env.addWorkflow(extra.key, extra.senderKey, {
				webhookId: `6f1e0d2c-7a4b-4c3d-9e8f-0a1b2c3d4f${String(extra.index).padStart(2, '0')}`,
				parameters: extra.parameters,
				credentialData: extra.credentialData ?? env.secrets[extra.senderKey],
			});
		}
		await badInput(env, random, summary);
		await loadWithDuplicates(env, random, summary);
		if (args.hostile !== false) await hostileBodies(env, random, summary);
		env.instance.child.off('exit', crashed);
		await restartMidStream(env, random, summary);
		await burstThenStop(env, random, summary);
		env.instance.child.on('exit', crashed);
		const log = env.log();
		const leaked = secretsOf(env).filter((secret) => log.includes(secret));
		summary.secretsLeaked = leaked.length + (summary.badInput?.leaks ?? 0);
		check(leaked.length === 0, `${leaked.length} secrets appear in n8n's log`);
		check(summary.crashes === 0, `n8n exited unexpectedly ${summary.crashes} times`);
		if (report.failures.length) process.stdout.write(`\nn8n log: ${env.logPath()}\n`);
	} catch (error) {
		report.fail(error);
		process.stdout.write(`\nn8n log: ${env.logPath()}\n`);
	} finally {
		env.instance.child?.off('exit', crashed);
		printSummary(summary, env);
		await env.stop();
	}
	report.exit();
}

main().catch((error) => {
	process.stderr.write(`${error.stack || error}\n`);
	process.exit(1);
});
