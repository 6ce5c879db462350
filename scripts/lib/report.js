// Checks that collect failures instead of throwing, and the closing verdict, for the suites that
// run as plain scripts (reliability, queue mode) and print a summary before they exit.
'use strict';

function createReport() {
	const failures = [];
	return {
		failures,
		/** Records `message` as a failure unless `condition` holds; returns the condition. */
		check(condition, message) {
			if (!condition) failures.push(message);
			return condition;
		},
		/** Records an error that stopped the suite. */
		fail(error) {
			failures.push(`${error?.stack || error}`);
		},
		/** `PASSED`, or `FAILED (n):` with each failure on its own line. */
		verdict(extra = '') {
			return failures.length
				? `FAILED (${failures.length}):\n  ${failures.join('\n  ')}${extra}`
				: 'PASSED';
		},
		/** Ends the process: 0 when every check held. */
		exit() {
			process.exit(failures.length ? 1 : 0);
		},
	};
}

module.exports = { createReport };
