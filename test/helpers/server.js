// A real HTTP server for tests: reads the request body from the socket the way n8n does
// (decompressing gzip and deflate), hands the raw bytes to a handler, and writes its answer.
const http = require('node:http');
const zlib = require('node:zlib');

const { runWebhook } = require('../../scripts/lib/context');

/**
 * @typedef {{ statusCode: number, body: unknown }} Answer
 * @param {(request: { method: string, url: string, headers: Record<string, string | string[] | undefined>, raw: Buffer }) => Promise<Answer>} handle
 * @returns {Promise<{ url: string, close: () => Promise<void> }>}
 */
async function startServer(handle) {
	const server = http.createServer((req, res) => {
		/** @type {NodeJS.ReadableStream} */
		let stream = req;
		const encoding = req.headers['content-encoding'];
		if (encoding === 'gzip') stream = req.pipe(zlib.createGunzip());
		else if (encoding === 'deflate') stream = req.pipe(zlib.createInflate());
		const chunks = [];
		stream.on('data', (chunk) => chunks.push(chunk));
		stream.on('error', () => {
			res.writeHead(400, { 'content-type': 'application/json' });
			res.end(JSON.stringify({ message: 'Could not decompress the body' }));
		});
		stream.on('end', async () => {
			try {
				const answer = await handle({
					method: req.method ?? 'GET',
					url: req.url ?? '/',
					headers: req.headers,
					raw: Buffer.concat(chunks),
				});
				res.writeHead(answer.statusCode, { 'content-type': 'application/json; charset=utf-8' });
				res.end(JSON.stringify(answer.body));
			} catch (error) {
				res.writeHead(500, { 'content-type': 'application/json' });
				res.end(JSON.stringify({ message: String(error) }));
			}
		});
	});
	await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
	const address = server.address();
	const port = typeof address === 'object' && address !== null ? address.port : 0;
	return {
		url: `http://127.0.0.1:${port}`,
		close: () => new Promise((resolve) => server.close(() => resolve(undefined))),
	};
}

/**
 * @param {string | Buffer} body
 * @returns {Buffer}
 */
function gzip(body) {
	return zlib.gzipSync(typeof body === 'string' ? Buffer.from(body, 'utf8') : body);
}

/**
 * A real HTTP server that runs one trigger node's webhook() for every request, with the same node
 * setup (and so the same static data) each time. `post` answers with the status and JSON body the
 * sender sees, and the outcome inside (items, logs).
 * @param {object} node
 * @param {object} setup parameters, credentials, staticData
 */
async function serveTrigger(node, setup) {
	const outcomes = [];
	const server = await startServer(async ({ headers, raw }) => {
		const outcome = await runWebhook(node, { headers, raw }, setup);
		outcomes.push(outcome);
		return { statusCode: outcome.statusCode, body: outcome.body };
	});
	return {
		close: server.close,
		/**
		 * @param {string | Buffer} body
		 * @param {Record<string, string>} headers
		 */
		async post(body, headers) {
			const response = await fetch(`${server.url}/webhook`, { method: 'POST', body, headers });
			return {
				status: response.status,
				body: await response.json(),
				outcome: outcomes[outcomes.length - 1],
			};
		},
	};
}

module.exports = { startServer, serveTrigger, gzip };
