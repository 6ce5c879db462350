// Sending many requests at a fixed concurrency, and reading the triggers' answers.
'use strict';

/** Runs the tasks, at most `concurrency` at a time; resolves with their results in order. */
async function pool(tasks, concurrency) {
	const results = new Array(tasks.length);
	let next = 0;
	await Promise.all(
		Array.from({ length: concurrency }, async () => {
			while (next < tasks.length) {
				const index = next++;
				results[index] = await tasks[index]();
			}
		}),
	);
	return results;
}

/**
 * POSTs a prepared request ({ raw, headers }); resolves with the status, the answer (`body`,
 * parsed when it is JSON, and `text`) and the trigger's `reason`, or status 0 and the network
 * error when there was no answer.
 */
async function postEvent(url, request) {
	try {
		const response = await fetch(url, {
			method: 'POST',
			headers: request.headers,
			body: request.raw,
		});
		const text = await response.text();
		let body;
		try {
			body = JSON.parse(text);
		} catch {
			body = text;
		}
		return { status: response.status, reason: body?.reason, body, text };
	} catch (error) {
		return { status: 0, reason: error.cause?.code ?? error.message, body: undefined, text: '' };
	}
}

module.exports = { pool, postEvent };
