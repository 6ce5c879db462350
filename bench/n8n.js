#!/usr/bin/env node
// End-to-end benchmark: the same n8n instance (as the end-to-end suite installs it), one active
// workflow per trigger and, as anchors, n8n's own Webhook node (without authentication, and with
// Header Auth) and n8n's own GitHub Trigger (activated against a fake GitHub; on n8n 2.x it checks
// GitHub's HMAC signature), each ending in a No Operation node.
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
const { startFakeGithub } = require('../test/fakes/github');

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
const HEADER_AUTH_PATH = 'bench-webhook-node-header-auth';

/** n8n's Webhook node, answering immediately, followed by a No Operation node. */
function webhookNodeWorkflow(path = WEBHOOK_NODE_PATH, credential) {
	return workflowStartingWith(`Webhook node (${credential ? 'Header Auth' : 'baseline'})`, {
		name: 'Webhook',
		type: 'n8n-nodes-base.webhook',
		typeVersion: 2,
		webhookId: crypto.randomUUID(),
		parameters: {
			httpMethod: 'POST',
			path,
			responseMode: 'onReceived',
			...(credential ? { authentication: 'headerAuth' } : {}),
			options: {},
		},
		...(credential ? { credentials: { httpHeaderAuth: credential } } : {}),
	});
}

/** n8n's GitHub Trigger on issue events of a repository at the fake GitHub. */
function githubTriggerWorkflow(credential) {
	return workflowStartingWith('GitHub Trigger (anchor)', {
		name: 'Github Trigger',
		type: 'n8n-nodes-base.githubTrigger',
		typeVersion: 1,
		webhookId: crypto.randomUUID(),
		parameters: {
			authentication: 'accessToken',
			owner: { __rl: true, mode: 'name', value: 'acme' },
			repository: { __rl: true, mode: 'name', value: 'widgets' },
			events: ['issues'],
			options: {},
		},
		credentials: { githubApi: credential },
	});
}

/** An `issues` event as GitHub documents it (trimmed), a new issue number each time. */
function githubIssueEvent(number) {
	const user = { login: 'octocat', id: 1, type: 'User', site_admin: false };
	return {
		action: 'opened',
		issue: {
			url: `https://api.github.com/repos/acme/widgets/issues/${number}`,
			id: 1000000 + number,
			number,
			title: 'Widget Pro does not start after the update',
			user,
			labels: [{ id: 208045946, name: 'bug', color: 'f29513', default: true }],
			state: 'open',
			locked: false,
			assignee: null,
			comments: 0,
			created_at: '2026-11-29T12:00:00Z',
			updated_at: '2026-11-29T12:00:00Z',
			body: 'Since 2.4.1 the widget stays dark; logs attached.',
		},
		repository: {
			id: 1296269,
			name: 'widgets',
			full_name: 'acme/widgets',
			private: false,
			owner: user,
		},
		sender: user,
	};
}

/**
 * A function giving each request to a target a new event of its sender (the first benchmark sample
 * of samples/wire.json): fresh id, and a fresh signature where there is one. The Webhook node gets
 * exactly what the first sender's trigger gets, authentication included.
 */
function requestFactory(target) {
	if (target.github !== undefined) {
		let number = 0;
		return () => target.github.delivery('issues', githubIssueEvent(++number));
	}
	const sender = senders().find((candidate) => candidate.key === target.senderKey);
	const body = sample(sender, wireOf(sender).benchmark[0]);
	let counter = 0;
	return () => {
		const event = freshEvent(
			senderKey,
			body,
			`${sender.event.id.field ? '' : 'msg_'}${process.pid}-${Date.now()}-${counter++}`,
		);
		return signedRequest(sender, event.body, target.credential, event.options);
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
	// n8n's GitHub Trigger refuses a production URL on "localhost": n8n is addressed as 127.0.0.1.
	const env = await startEnvironment(LINE, {
		env: { WEBHOOK_URL: 'http://127.0.0.1:{port}/', ...n8nEnv },
	});
	const github = await startFakeGithub({ token: 'bench-github-token' });
	try {
		const baseline = await env.instance.createActiveWorkflow(webhookNodeWorkflow());
		const [qondorLike] = senders();
		const headerCredential = env.secrets[qondorLike.key];
		const headerAuth = await env.instance.createCredential(
			'Header Auth (bench)',
			'httpHeaderAuth',
			{
				name: headerCredential.headerName,
				value: headerCredential.headerSecret,
			},
		);
		const headerAuthWorkflow = await env.instance.createActiveWorkflow(
			webhookNodeWorkflow(HEADER_AUTH_PATH, { id: headerAuth.id, name: 'Header Auth (bench)' }),
		);
		const githubCredential = await env.instance.createCredentialAsEditor(
			'GitHub (bench, fake)',
			'githubApi',
			{ server: github.url, user: 'octocat', accessToken: 'bench-github-token' },
		);
		const githubWorkflow = await env.instance.createActiveWorkflow(
			githubTriggerWorkflow({ id: githubCredential.id, name: 'GitHub (bench, fake)' }),
		);
		const githubPath = `${githubWorkflow.nodes[0].webhookId}/webhook`;
		// The first sender's trigger keeping event ids in memory only: shows what saving them costs.
		const [first] = senders();
		const memoryKey = `${first.key}Memory`;
		const memory = await env.addWorkflow(memoryKey, first.key, {
			webhookId: '6f1e0d2c-7a4b-4c3d-9e8f-0a1b2c3d4e81',
			parameters: { settings: { rememberIds: 'memory' } },
			credentialData: env.secrets[first.key],
		});
		const target = (label, senderKey, url, workflowId) => ({
			label,
			senderKey,
			url,
			workflowId,
			credential: env.secrets[senderKey],
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
			[memoryKey]: target(`${first.name}, IDs in memory`, first.key, memory.url, memory.id),
			'webhook-header-auth': target(
				'Webhook node, Header Auth',
				qondorLike.key,
				env.instance.webhookUrl(HEADER_AUTH_PATH),
				headerAuthWorkflow.id,
			),
			'github-trigger': {
				...target(
					LINE === 2 ? 'GitHub Trigger (signed)' : 'GitHub Trigger',
					qondorLike.key,
					env.instance.webhookUrl(githubPath),
					githubWorkflow.id,
				),
				github,
			},
		};
		const ANCHORS = ['webhook-header-auth', 'github-trigger'];
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
		// The yardstick: on n8n 2.x the best of n8n's own authenticated anchors (the Webhook node
		// without authentication skips work every signed trigger must do there; its row stays, for
		// honesty); on n8n 1.x the Webhook node.
		const referenceKey =
			LINE === 2
				? ANCHORS.reduce((best, key) => (summary[key].rps > summary[best].rps ? key : best))
				: 'webhook-node';
		const base = summary[referenceKey];
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
			`Reference (×): ${targets[referenceKey].label}`,
			'',
			`${'workflow'.padEnd(26)} ${'exec/s'.padStart(7)} ${'answers/s'.padStart(9)} ${'p50 ms'.padStart(7)} ${'p99 ms'.padStart(7)} ${'exec/s ×'.padStart(8)} ${'each run ×'.padStart(11)} ${'p99 ×'.padStart(6)}  non-2xx`,
		];
		const anchor = (key) => key === 'webhook-node' || ANCHORS.includes(key);
		for (const [key, row] of Object.entries(summary)) {
			const throughput = row.rps / base.rps;
			const tail = row.p99 / base.p99;
			const meets = anchor(key)
				? ''
				: throughput >= 0.95 && tail <= 1.1
					? '  meets target'
					: '  BELOW TARGET';
			const spread =
				paired[key].length === 0
					? ''
					: `${Math.min(...paired[key]).toFixed(2)}–${Math.max(...paired[key]).toFixed(2)}`;
			lines.push(
				`${targets[key].label.padEnd(26)} ${row.rps.toFixed(1).padStart(7)} ${row.answeredRps.toFixed(1).padStart(9)} ${String(row.p50).padStart(7)} ${String(row.p99).padStart(7)} ${throughput.toFixed(2).padStart(8)} ${spread.padStart(11)} ${tail.toFixed(2).padStart(6)}  ${row.non2xx}${meets}`,
			);
		}
		lines.push(
			'',
			'exec/s: executions finished per second, from the first request until the last execution ended;',
			'answers/s: responses per second while the load ran. p50/p99: response times the sender sees.',
			'exec/s ×, p99 ×: the median of the workflow over the median of the reference. each run ×: the',
			'lowest and highest ratio of one run to the Webhook-node run just before it (how runs scatter).',
			'Target: throughput ≥ 0.95× and p99 ≤ 1.1× the reference (n8n 2.x: the best of n8n’s Webhook node',
			'with Header Auth and n8n’s GitHub Trigger; n8n 1.x: the Webhook node).',
			'The triggers save the ids they accept with the workflow (one database write per event, so that',
			'repeats are recognised after a restart); "IDs in memory" is the same trigger without that write.',
			'',
		);
		process.stdout.write(lines.join('\n'));
	} finally {
		await env.stop();
		await github.close();
		env.removeFolder();
	}
}

main().catch((error) => {
	process.stderr.write(`${error.stack || error}\n`);
	process.exit(1);
});
