// A minimal HTTP/1.1 client over a raw socket, for requests no well-behaved client would send:
// repeated headers, control characters in header values, oversized headers, invalid UTF-8 bodies.
'use strict';

const net = require('node:net');

/** Decodes a chunked transfer-encoded body. */
function dechunk(buffer) {
	const parts = [];
	let offset = 0;
	while (offset < buffer.length) {
		const lineEnd = buffer.indexOf('\r\n', offset);
		if (lineEnd === -1) break;
		const size = parseInt(buffer.subarray(offset, lineEnd).toString('latin1'), 16);
		if (!size) break;
		parts.push(buffer.subarray(lineEnd + 2, lineEnd + 2 + size));
		offset = lineEnd + 2 + size + 2;
	}
	return Buffer.concat(parts);
}

/**
 * Sends one request and resolves with the status and body text; `status` is 0 when the
 * connection failed or was closed without an answer.
 * @param {{ port: number, path: string, method?: string, headers: Array<[string, string]>, body?: Buffer, timeoutMs?: number }} request
 * @returns {Promise<{ status: number, body: string, error?: string }>}
 */
function rawRequest({
	port,
	path,
	method = 'POST',
	headers,
	body = Buffer.alloc(0),
	timeoutMs = 60000,
}) {
	return new Promise((resolve) => {
		const socket = net.connect(port, '127.0.0.1');
		const chunks = [];
		let settled = false;
		const finish = (result) => {
			if (settled) return;
			settled = true;
			socket.destroy();
			resolve(result);
		};
		socket.setTimeout(timeoutMs, () => finish({ status: 0, body: '', error: 'timeout' }));
		// A server may answer and close before reading a large body (413): the write then fails,
		// but the answer already received still counts, so errors wait for 'close'.
		let socketError;
		socket.on('error', (error) => {
			socketError = error.code || error.message;
		});
		socket.on('data', (chunk) => chunks.push(chunk));
		socket.on('close', () => {
			const response = Buffer.concat(chunks);
			const headerEnd = response.indexOf('\r\n\r\n');
			if (headerEnd === -1)
				return finish({ status: 0, body: '', error: socketError ?? 'no response' });
			const head = response.subarray(0, headerEnd).toString('latin1');
			const status = Number(head.split(' ')[1]);
			let payload = response.subarray(headerEnd + 4);
			if (/\r\ntransfer-encoding:\s*chunked/i.test(head)) payload = dechunk(payload);
			finish({ status, body: payload.toString('utf8') });
		});
		socket.on('connect', () => {
			const lines = [
				`${method} ${path} HTTP/1.1`,
				`Host: localhost:${port}`,
				'Connection: close',
				`Content-Length: ${body.length}`,
			];
			for (const [name, value] of headers) lines.push(`${name}: ${value}`);
			socket.write(Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), body]));
		});
	});
}

module.exports = { rawRequest };
