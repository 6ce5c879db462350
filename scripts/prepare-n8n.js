#!/usr/bin/env node
// Installs the n8n versions the end-to-end tests run against into the cache (first run only).
// Usage: node scripts/prepare-n8n.js [1] [2]   (both lines when none is given)
'use strict';

const { ensureN8n, LINES, CACHE } = require('./lib/n8n');

const lines = process.argv.slice(2).length ? process.argv.slice(2) : Object.keys(LINES);
for (const line of lines) {
	const started = Date.now();
	const runtime = ensureN8n(line);
	const seconds = ((Date.now() - started) / 1000).toFixed(0);
	process.stdout.write(`n8n ${runtime.version} ready in ${CACHE} (${seconds} s)\n`);
}
