// A fake GitHub for n8n's own GitHub Trigger, as the benchmark uses it for an anchor: the
// repository webhook endpoints the trigger calls when a workflow is activated and deactivated
// (`POST /repos/{owner}/{repo}/hooks`, `GET` and `DELETE /repos/{owner}/{repo}/hooks/{id}`,
// https://docs.github.com/en/rest/repos/webhooks), answering with the documented shapes (the
// secret is never echoed: GitHub shows `********`), and deliveries signed as GitHub signs them:
// `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the body>`
// (https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries).
'use strict';

const crypto = require('node:crypto');
const http = require('node:http');

/**
 * @param {{ token: string }} options the personal access token requests must carry
 * @returns {Promise<{ url: string, hooks: Map<number, object>, secretOf: (id?: number) => string | undefined, delivery: (event: string, body: object, hookId?: number) => { raw: Buffer, headers: Record<string, string> }, close: () => Promise<void> }>}
 */
async function startFakeGithub({ token }) {
	const hooks = new Map();
	const secrets = new Map();
	let nextId = 1;
	const server = http.createServer((req, res) => {
		const chunks = [];
		req.on('data', (chunk) => chunks.push(chunk));
		req.on('end', () => {
			const answer = (status, body) => {
				res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
				res.end(body === undefined ? '' : JSON.stringify(body));
			};
			const authorization = String(req.headers.authorization ?? '');
			if (authorization !== `token ${token}` && authorization !== `Bearer ${token}`) {
				return answer(401, {
					message: 'Bad credentials',
					documentation_url: 'https://docs.github.com/rest',
				});
			}
			const match = /^\/repos\/([^/]+)\/([^/]+)\/hooks(?:\/(\d+))?$/.exec(
				new URL(req.url ?? '/', 'http://localhost').pathname,
			);
			const notFound = {
				message: 'Not Found',
				documentation_url: 'https://docs.github.com/rest/repos/webhooks',
			};
			if (!match) return answer(404, notFound);
			const [, owner, repo, id] = match;
			const base = `https://api.github.com/repos/${owner}/${repo}/hooks`;
			const present = (hook) => ({
				...hook,
				config: { ...hook.config, secret: hook.config.secret ? '********' : undefined },
			});
			if (id === undefined && req.method === 'POST') {
				const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
				const hookId = nextId++;
				const now = new Date().toISOString();
				const hook = {
					type: 'Repository',
					id: hookId,
					name: 'web',
					active: body.active ?? true,
					events: body.events ?? ['push'],
					config: { ...body.config },
					updated_at: now,
					created_at: now,
					url: `${base}/${hookId}`,
					test_url: `${base}/${hookId}/test`,
					ping_url: `${base}/${hookId}/pings`,
					deliveries_url: `${base}/${hookId}/deliveries`,
					last_response: { code: null, status: 'unused', message: null },
				};
				hooks.set(hookId, hook);
				secrets.set(hookId, body.config?.secret);
				return answer(201, present(hook));
			}
			const hook = hooks.get(Number(id));
			if (hook === undefined) return answer(404, notFound);
			if (req.method === 'GET') return answer(200, present(hook));
			if (req.method === 'DELETE') {
				hooks.delete(hook.id);
				res.writeHead(204).end();
				return undefined;
			}
			return answer(404, notFound);
		});
	});
	await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
	const address = server.address();
	const url = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
	const secretOf = (hookId = [...secrets.keys()].at(-1)) => secrets.get(hookId);
	return {
		url,
		hooks,
		secretOf,
		/** A delivery of `event` as GitHub sends it to the hook (the last created by default). */
		delivery(event, body, hookId) {
			const raw = Buffer.from(JSON.stringify(body), 'utf8');
			const signature = crypto
				.createHmac('sha256', secretOf(hookId) ?? '')
				.update(raw)
				.digest('hex');
			return {
				raw,
				headers: {
					'content-type': 'application/json',
					'user-agent': 'GitHub-Hookshot/a2b3c4d',
					'x-github-event': event,
					'x-github-delivery': crypto.randomUUID(),
					'x-github-hook-id': String(hookId ?? [...secrets.keys()].at(-1)),
					'x-hub-signature-256': `sha256=${signature}`,
				},
			};
		},
		close: () =>
			new Promise((resolve) => {
				server.close(() => resolve(undefined));
				server.closeAllConnections?.();
			}),
	};
}

module.exports = { startFakeGithub };
