#!/usr/bin/env node
// End-to-end benchmark: the same n8n instance (as the end-to-end suite installs it), one active
// workflow per trigger and one with n8n's own Webhook node, each ending in a No Operation node.
// autocannon drives each at a fixed concurrency, in alternating runs over several rounds; every
// request is a new event (fresh id, fresh signature), so every request starts an execution.
//
//   npm run bench:n8n [-- --line 2] [-- --seconds 10 --rounds 3 --connections 10 --sqlite-pool 4]
//                     [-- --env N8N_EXPRESSION_ENGINE=legacy]  (any n8n setting, repeatable)
'use strict';

const os = require('node:os');
const crypto = require('node:crypto');
const { execFileSync } = require('node:child_process');
const { parseArgs } = require('node:util');
const autocannon = require('autocannon');

const { startEnvironment } = require('../scripts/lib/environment');
const { sample, senders, wireOf } = require('../scripts/lib/registry');
const { freshEvent, signedRequest } = require('../scripts/lib/senders');
const { workflowStartingWith } = require('../scripts/lib/setup');

const { values: args } = parseArgs({
	options: {
		line: { type: 'string', default: '1' },
		seconds: { type: 'string', default: '10' },
		rounds: { type: 'string', default: '3' },
		connections: { type: 'string', default: '10' },
		// n8n's SQLite connection pool; above 1 n8n switches SQLite to write-ahead logging (WAL).
		'sqlite-pool': { type: 'string' },
		// Any other n8n setting for the run: --env NAME=value (repeatable).
		env: { type: 'string', multiple: true, default: [] },
	},
});
const LINE = Number(args.line);
const SECONDS = Number(args.seconds);
const ROUNDS = Number(args.rounds);
const CONNECTIONS = Number(args.connections);
const SQLITE_POOL = args['sqlite-pool'];
const EXTRA_ENV = Object.fromEntries(
	args.env.map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
);

const WEBHOOK_NODE_PATH = 'bench-webhook-node';

/** n8n's Webhook node, answering immediately, followed by a No Operation node. */
function webhookNodeWorkflow() {
	return workflowStartingWith('Webhook node (baseline)', {
		name: 'Webhook',
		type: 'n8n-nodes-base.webhook',
		typeVersion: 2,
		webhookId: crypto.randomUUID(),
		parameters: {
			httpMethod: 'POST',
			path: WEBHOOK_NODE_PATH,
			responseMode: 'onReceived',
			options: {},
		},
	});
}

/**
 * A function giving each request to a target a new event of its sender (the first benchmark sample
 * of samples/wire.json): fresh id, and a fresh signature where there is one. The Webhook node gets
 * exactly what the first sender's trigger gets, authentication included.
 */
function requestFactory(target) {
	const definition = senders().find((candidate) => candidate.key === target.sender);
	const body = sample(definition, wireOf(definition).benchmark[0]);
	let counter = 0;
	return () => {
		const event = freshEvent(
			definition,
			body,
			`${definition.event.id.field ? '' : 'msg_'}${process.pid}-${Date.now()}-${counter++}`,
		);
		return signedRequest(definition, event.body, target.credential, event.options);
	};
}

async function latestExecutionId(instance, workflowId) {
	const [latest] = await instance.executions(workflowId, {
		limit: 1,
		includeData: false,
		onePage: true,
	});
	return latest === undefined ? 0 : Number(latest.id);
}

/**
 * One run: autocannon for SECONDS, then waits until every answered event's execution has
 * finished (the triggers answer before n8n creates the execution, n8n's Webhook node once it has
 * started it, so answers alone would flatter whichever leaves more work behind). Throughput is
 * executions finished per second from the first request to the last execution's end, and no run
 * starts while the previous one's executions are still running.
 */
async function drive(instance, target, makeRequest) {
	const sinceId = await latestExecutionId(instance, target.workflowId);
	const started = Date.now();
	const result = await autocannon({
		url: target.url,
		method: 'POST',
		connections: CONNECTIONS,
		duration: SECONDS,
		requests: [
			{
				setupRequest: (request) => {
					const { raw, headers } = makeRequest();
					return { ...request, method: 'POST', headers, body: raw };
				},
			},
		],
	});
	const answered = result['2xx'];
	const deadline = Date.now() + 300_000;
	let executions = [];
	for (;;) {
		executions = await instance.executions(target.workflowId, { includeData: false, sinceId });
		if (executions.length >= answered && executions.every((execution) => execution.stoppedAt))
			break;
		if (Date.now() > deadline) {
			throw new Error(
				`${target.label}: ${executions.length} executions for ${answered} answered events after 5 minutes`,
			);
		}
		await new Promise((resolve) => setTimeout(resolve, 500));
	}
	const lastEnd = Math.max(...executions.map((execution) => Date.parse(execution.stoppedAt)));
	return {
		requests: result.requests.total,
		executions: executions.length,
		answeredRps: result.requests.average,
		rps: executions.length / ((lastEnd - started) / 1000),
		drainMs: Math.max(0, lastEnd - (started + SECONDS * 1000)),
		p50: result.latency.p50,
		p99: result.latency.p99,
		non2xx: result.non2xx + result.errors + result.timeouts,
	};
}

function median(values) {
	const sorted = [...values].sort((a, b) => a - b);
	const middle = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

async function main() {
	const n8nEnv = {
		...EXTRA_ENV,
		...(SQLITE_POOL === undefined ? {} : { DB_SQLITE_POOL_SIZE: String(SQLITE_POOL) }),
	};
	const env = await startEnvironment(LINE, { env: n8nEnv });
	try {
		const baseline = await env.instance.createActiveWorkflow(webhookNodeWorkflow());
		// The first sender's trigger keeping event ids in memory only: shows what saving them costs.
		const [first] = senders();
		const memoryKey = `${first.key}Memory`;
		const memory = await env.addWorkflow(memoryKey, first.key, {
			webhookId: '6f1e0d2c-7a4b-4c3d-9e8f-0a1b2c3d4e81',
			parameters: { settings: { rememberIds: 'memory' } },
			credentialData: env.secrets[first.key],
		});
		const target = (label, sender, url, workflowId) => ({
			label,
			sender,
			url,
			workflowId,
			credential: env.secrets[sender],
		});
		const targets = {
			'webhook-node': target(
				"n8n's Webhook node",
				first.key,
				env.instance.webhookUrl(WEBHOOK_NODE_PATH),
				baseline.id,
			),
			...Object.fromEntries(
				senders().map(({ key }) => [
					key,
					target(env.workflows[key].nodeName, key, env.workflows[key].url, env.workflows[key].id),
				]),
			),
			[memoryKey]: target(`${first.sender}, IDs in memory`, first.key, memory.url, memory.id),
		};
		const runs = Object.fromEntries(Object.keys(targets).map((key) => [key, []]));
		// Each trigger run over the Webhook-node run just before it: how far single comparisons
		// scatter on this machine.
		const paired = Object.fromEntries(Object.keys(targets).map((key) => [key, []]));
		// Warm-up, then alternate: Webhook node, one trigger, Webhook node, the next trigger, …
		for (const key of Object.keys(targets))
			await drive(env.instance, targets[key], requestFactory(targets[key]));
		for (let round = 1; round <= ROUNDS; round++) {
			for (const key of Object.keys(targets).filter((name) => name !== 'webhook-node')) {
				for (const target of ['webhook-node', key]) {
					const result = await drive(
						env.instance,
						targets[target],
						requestFactory(targets[target]),
					);
					runs[target].push(result);
					if (target === key) paired[key].push(result.rps / runs['webhook-node'].at(-1).rps);
					process.stderr.write(
						`round ${round} ${targets[target].label}: ${result.rps.toFixed(1)} executions/s (answered ${result.answeredRps.toFixed(1)} req/s, drained in ${result.drainMs} ms), p99 ${result.p99} ms\n`,
					);
				}
			}
		}

		const summary = {};
		for (const [key, results] of Object.entries(runs)) {
			summary[key] = {
				rps: median(results.map((r) => r.rps)),
				answeredRps: median(results.map((r) => r.answeredRps)),
				p50: median(results.map((r) => r.p50)),
				p99: median(results.map((r) => r.p99)),
				non2xx: results.reduce((sum, r) => sum + r.non2xx, 0),
				requests: results.reduce((sum, r) => sum + r.requests, 0),
			};
		}
		const base = summary['webhook-node'];
		const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
		const lines = [
			'',
			`End-to-end, n8n ${env.instance.runtime.version} on Node ${execFileSync(env.instance.runtime.nodeBinary, ['-v']).toString().trim()}, SQLite, ${
				Object.keys(n8nEnv).length === 0
					? "n8n's default settings"
					: Object.entries(n8nEnv)
							.map(([name, value]) => `${name}=${value}`)
							.join(' ')
			}`,
			`${os.cpus().length} × ${cpu}; ${CONNECTIONS} connections, ${SECONDS} s runs, ${ROUNDS} rounds (medians); ${new Date().toISOString().slice(0, 10)}`,
			'',
			`${'workflow'.padEnd(22)} ${'exec/s'.padStart(7)} ${'answers/s'.padStart(9)} ${'p50 ms'.padStart(7)} ${'p99 ms'.padStart(7)} ${'exec/s ×'.padStart(8)} ${'each run ×'.padStart(11)} ${'p99 ×'.padStart(6)}  non-2xx`,
		];
		for (const [key, row] of Object.entries(summary)) {
			const throughput = row.rps / base.rps;
			const tail = row.p99 / base.p99;
			const meets =
				key === 'webhook-node'
					? ''
					: throughput >= 0.95 && tail <= 1.1
						? '  meets target'
						: '  BELOW TARGET';
			const spread =
				paired[key].length === 0
					? ''
					: `${Math.min(...paired[key]).toFixed(2)}–${Math.max(...paired[key]).toFixed(2)}`;
			lines.push(
				`${targets[key].label.padEnd(22)} ${row.rps.toFixed(1).padStart(7)} ${row.answeredRps.toFixed(1).padStart(9)} ${String(row.p50).padStart(7)} ${String(row.p99).padStart(7)} ${throughput.toFixed(2).padStart(8)} ${spread.padStart(11)} ${tail.toFixed(2).padStart(6)}  ${row.non2xx}${meets}`,
			);
		}
		lines.push(
			'',
			'exec/s: executions finished per second, from the first request until the last execution ended;',
			'answers/s: responses per second while the load ran. p50/p99: response times the sender sees.',
			'exec/s ×, p99 ×: the median of the workflow over the median of the Webhook node. each run ×: the',
			'lowest and highest ratio of one run to the Webhook-node run just before it (how runs scatter).',
			'Target: throughput ≥ 0.95× and p99 ≤ 1.1× the Webhook node.',
			'The triggers save the ids they accept with the workflow (one database write per event, so that',
			'repeats are recognised after a restart); "IDs in memory" is the same trigger without that write.',
			'',
		);
		process.stdout.write(lines.join('\n'));
	} finally {
		await env.stop();
		env.removeFolder();
	}
}

main().catch((error) => {
	process.stderr.write(`${error.stack || error}\n`);
	process.exit(1);
});
