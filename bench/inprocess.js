// In-process benchmark of the built trigger nodes: webhook() called exactly as n8n calls it,
// compared with the least any receiver must do on the same bytes (parse JSON, check the secret),
// then the growth of the de-duplication state over 100,000 events.
// Run after `npm run build`: node --expose-gc bench/inprocess.js
'use strict';

const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

if (!fs.existsSync(path.join(__dirname, '..', 'dist', 'nodes'))) {
	console.error('dist/ is missing: run `npm run build` first.');
	process.exit(1);
}

const { createContext } = require('../scripts/lib/context');
const { nodeClass, sample, senders, wireOf } = require('../scripts/lib/registry');
const { freshEvent, newCredential, schemeOf, signedRequest } = require('../scripts/lib/senders');
const { defaultParameters, trigger } = require('../scripts/lib/setup');

const ROUNDS = 5;
const SLICES = 10;
const TARGET_RATIO = 1.5;
const DEDUP_CHECKPOINTS = [1_000, 10_000, 100_000];

const gc = typeof global.gc === 'function' ? global.gc : () => {};

// ---------------------------------------------------------------------------------------------
// Floors: what any receiver of these bytes must do at least, by how the sender authenticates:
// parse the JSON and compare a header in constant time, or parse it and compute one HMAC-SHA256.
// Results feed `sink` so that V8 cannot drop the work.

let sink = 0;

function floorFor(scheme, credential) {
	if (scheme.type === 'header') {
		const expected = Buffer.from(credential.headerSecret, 'utf8');
		const name = credential.headerName;
		return (request) => {
			const body = JSON.parse(request.raw.toString('utf8'));
			const received = Buffer.from(request.headers[name], 'utf8');
			const same =
				received.length === expected.length && crypto.timingSafeEqual(received, expected);
			sink += same && body !== null ? 1 : 0;
		};
	}
	const key =
		scheme.type === 'standardWebhooks'
			? Buffer.from(credential.signingSecret.replace(/^whsec_/, ''), 'base64')
			: Buffer.from(credential[scheme.secretField], 'utf8');
	return (request) => {
		const body = JSON.parse(request.raw.toString('utf8'));
		const digest = crypto.createHmac('sha256', key).update(request.raw).digest();
		sink += digest[0] + (body !== null ? 1 : 0);
	};
}

// ---------------------------------------------------------------------------------------------
// Cases: each sender's benchmark samples (samples/wire.json), through its node with the default
// authentication and every event selected. `events` is the number of distinct events per round,
// sized for about 0.1 s a round.

/** The node set up as a user would: default authentication, all events, no options. */
function nodeSetup(sender, credential) {
	return {
		parameters: defaultParameters(sender),
		credentials: { [trigger(sender).credentialType]: credential },
	};
}

const cases = senders().flatMap((sender) => {
	const credential = newCredential(sender);
	const Node = nodeClass(sender);
	return wireOf(sender).benchmark.map((name) => {
		const body = sample(sender, name);
		// Every call a new event: fresh id, fresh signature (and, for Standard Webhooks, the current timestamp).
		const request = () => {
			const event = freshEvent(sender, body);
			return signedRequest(sender, event.body, credential, event.options);
		};
		const bytes = request().raw.length;
		return {
			name: `${sender.name} ${name}`,
			node: new Node(),
			setup: nodeSetup(sender, credential),
			events: Math.min(4000, Math.max(200, Math.round(4e6 / bytes))),
			request,
			floor: floorFor(schemeOf(sender), credential),
		};
	});
});

// ---------------------------------------------------------------------------------------------
// Measuring

/** Signed requests and their contexts, made before the clock starts. */
function prepare(benchCase, count, staticData, workflowId) {
	const prepared = [];
	for (let i = 0; i < count; i++) {
		const request = benchCase.request();
		const { context, response } = createContext(request, {
			...benchCase.setup,
			staticData,
			workflowId,
		});
		prepared.push({ request, context, response });
	}
	return prepared;
}

/** Fails the run unless every call started an execution with items free of validation issues. */
function checkStarted(benchCase, prepared, results) {
	results.forEach((result, i) => {
		const { response } = prepared[i];
		const items = result.workflowData?.[0];
		if (items === undefined || items.length === 0 || response.body?.status !== 'accepted') {
			throw new Error(
				`${benchCase.name}: call ${i} started no execution: ${JSON.stringify(response.body)}`,
			);
		}
		if (items.some((item) => item.json._validation !== undefined)) {
			throw new Error(
				`${benchCase.name}: call ${i} has validation issues: ${JSON.stringify(items[0].json._validation)}`,
			);
		}
	});
}

async function timeHandler(node, prepared) {
	const results = new Array(prepared.length);
	const start = process.hrtime.bigint();
	for (let i = 0; i < prepared.length; i++)
		results[i] = await node.webhook.call(prepared[i].context);
	return { ns: Number(process.hrtime.bigint() - start), results };
}

function timeFloor(floor, prepared) {
	const start = process.hrtime.bigint();
	for (let i = 0; i < prepared.length; i++) floor(prepared[i].request);
	return Number(process.hrtime.bigint() - start);
}

/**
 * One round: handler and floor alternate over slices of the same events, so that noise from
 * other processes and the garbage collector hits both alike and their ratio stays comparable.
 */
async function round(benchCase, prepared) {
	let handlerNs = 0;
	let floorNs = 0;
	const size = Math.ceil(prepared.length / SLICES);
	gc();
	for (let start = 0; start < prepared.length; start += size) {
		const slice = prepared.slice(start, start + size);
		const handler = await timeHandler(benchCase.node, slice);
		handlerNs += handler.ns;
		// Checked per slice and then dropped, so that items do not pile up in the heap.
		checkStarted(benchCase, slice, handler.results);
		floorNs += timeFloor(benchCase.floor, slice);
	}
	return { handler: handlerNs / 1000 / prepared.length, floor: floorNs / 1000 / prepared.length };
}

function median(values) {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.floor(sorted.length / 2)];
}

async function measure(benchCase, index) {
	// Warm-up on its own static data and workflow id, so the measured node starts empty.
	await round(benchCase, prepare(benchCase, benchCase.events, {}, `bench-${index}-warmup`));

	const staticData = {};
	const rounds = [];
	for (let r = 0; r < ROUNDS; r++) {
		// Signed per round, so CRM timestamps stay well inside the 5-minute window.
		rounds.push(
			await round(benchCase, prepare(benchCase, benchCase.events, staticData, `bench-${index}`)),
		);
	}
	const handlerUs = rounds.map((r) => r.handler);
	const handler = median(handlerUs);
	return {
		name: benchCase.name,
		bytes: benchCase.request().raw.length,
		events: benchCase.events,
		handler,
		spread: (Math.max(...handlerUs) - Math.min(...handlerUs)) / handler,
		floor: median(rounds.map((r) => r.floor)),
		ratio: median(rounds.map((r) => r.handler / r.floor)),
	};
}

/**
 * Memory after a full collection. V8 hands freed pages back in tasks of its own, so the event
 * loop gets a turn before rss is read; without it rss wanders by tens of MB between runs.
 */
async function settledMemory() {
	gc();
	await new Promise((resolve) => setTimeout(resolve, 50));
	gc();
	return process.memoryUsage();
}

/** 100,000 distinct events through one node (the first case's): the remembered ids must stay bounded. */
async function dedupGrowth() {
	const [{ node, setup, request: nextRequest }] = cases;
	const staticData = {};
	const rows = [];
	for (let n = 1; n <= DEDUP_CHECKPOINTS[DEDUP_CHECKPOINTS.length - 1]; n++) {
		const request = nextRequest();
		const { context } = createContext(request, { ...setup, staticData, workflowId: 'bench-dedup' });
		const result = await node.webhook.call(context);
		if (result.workflowData === undefined)
			throw new Error(`dedup: event ${n} started no execution`);
		if (DEDUP_CHECKPOINTS.includes(n)) {
			const memory = await settledMemory();
			rows.push({
				events: n,
				json: JSON.stringify(staticData).length,
				remembered: staticData.seenEventCount,
				heap: memory.heapUsed,
				rss: memory.rss,
			});
		}
	}
	return rows;
}

// ---------------------------------------------------------------------------------------------
// Printing

function table(headings, rows) {
	const widths = headings.map((heading, c) =>
		Math.max(heading.length, ...rows.map((row) => row[c].length)),
	);
	const line = (cells) =>
		cells
			.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c])))
			.join('  ');
	return [line(headings), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join(
		'\n',
	);
}

const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const fixed = (value, digits) => value.toFixed(digits);
const thousands = (value) => Math.round(value).toLocaleString('en-US');

async function main() {
	const started = Date.now();
	const cpus = os.cpus();
	console.log('In-process webhook() benchmark (built nodes from dist/)');
	console.log(`CPU:   ${cpus[0]?.model ?? 'unknown'} x ${cpus.length} cores`);
	console.log(`Node:  ${process.version} (${process.platform}/${process.arch})`);
	console.log(`Date:  ${new Date().toISOString()}`);
	console.log(
		`Load:  ${os.loadavg()[0].toFixed(2)} (1-minute average at start; other processes skew the numbers)`,
	);
	if (typeof global.gc !== 'function')
		console.log('Note:  run with --expose-gc for settled heap figures');
	console.log(
		`\nwebhook() per event, median of ${ROUNDS} rounds; every call is a new event id and starts an execution.`,
	);
	console.log(
		'floor: JSON.parse + HMAC-SHA256 of the same bytes (senders authenticated by a header: JSON.parse + constant-time header compare).',
	);
	console.log(
		'ratio: median over rounds of handler/floor; spread: (slowest - fastest round) / median.\n',
	);

	// The de-dup run goes first, on a clean heap, so that its rss is not that of the large bookings.
	const growth = await dedupGrowth();
	const results = [];
	for (const [index, benchCase] of cases.entries()) results.push(await measure(benchCase, index));
	console.log(
		table(
			[
				'case',
				'body B',
				'events/round',
				'events/s',
				'us/event',
				'spread',
				'floor us',
				'ratio',
				`<= ${TARGET_RATIO}`,
			],
			results.map((r) => [
				r.name,
				String(r.bytes),
				String(r.events),
				thousands(1e6 / r.handler),
				fixed(r.handler, 2),
				`${fixed(r.spread * 100, 0)}%`,
				fixed(r.floor, 2),
				fixed(r.ratio, 2),
				r.ratio <= TARGET_RATIO ? 'yes' : 'NO',
			]),
		),
	);
	const missed = results.filter((r) => r.ratio > TARGET_RATIO);
	console.log(
		missed.length === 0
			? `\nAll cases meet the target (handler <= ${TARGET_RATIO} x floor).`
			: `\n${results.length - missed.length} of ${results.length} cases meet the target; above ${TARGET_RATIO} x floor: ${missed.map((r) => r.name).join(', ')}`,
	);

	console.log(
		`\nDe-duplication state, 100,000 distinct events through one node (${cases[0].name}; measured first):\n`,
	);
	console.log(
		table(
			['events', 'static data JSON chars', 'ids remembered', 'heapUsed', 'rss'],
			growth.map((row) => [
				thousands(row.events),
				thousands(row.json),
				String(row.remembered ?? '-'),
				mb(row.heap),
				mb(row.rss),
			]),
		),
	);
	console.log(`\nTotal time ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
