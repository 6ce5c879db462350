// The senders of the built package (dist/nodes/senders.js) and their samples, for every tool and
// test suite that needs "all senders": nothing outside nodes/ lists them again.
'use strict';

const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');
const NODES = path.join(ROOT, 'nodes');

/**
 * The package's senders: from the build (`npm run build` first), or, inside the unit tests (which
 * run the TypeScript sources through ts-jest), from the sources.
 */
function loadRegistry() {
	if (process.env.JEST_WORKER_ID !== undefined) return require('../../nodes/senders');
	const file = path.join(ROOT, 'dist', 'nodes', 'senders.js');
	if (!fs.existsSync(file)) throw new Error('dist/ is missing: run `npm run build` first');
	return require(file);
}

let cached;
/** @returns {ReadonlyArray<import('../../nodes/shared/sender').SenderDefinition>} */
function senders() {
	cached ??= loadRegistry();
	return cached.senders;
}

/**
 * The node class of a sender (the class n8n loads), found by its definition or key.
 * @returns {import('../../nodes/shared/trigger').TriggerNodeClass}
 */
function nodeClass(keyOrDefinition) {
	const definition = sender(keyOrDefinition);
	senders();
	const found = cached.triggers.find((candidate) => candidate.sender === definition);
	if (!found) throw new Error(`No trigger node for sender "${definition.key}" in nodes/senders.ts`);
	return found;
}

/** One sender by its key (`qondor`, `crm`, `superoffice`), or the definition itself. */
function sender(keyOrDefinition) {
	if (typeof keyOrDefinition !== 'string') return keyOrDefinition;
	const found = senders().find((candidate) => candidate.key === keyOrDefinition);
	if (!found)
		throw new Error(
			`Unknown sender "${keyOrDefinition}"; use ${senders()
				.map((s) => s.key)
				.join(', ')}`,
		);
	return found;
}

/** The folder of a sender's samples; `nodesFolder` for senders defined outside nodes/ (tests). */
function samplesFolder(definition, nodesFolder = NODES) {
	return path.join(nodesFolder, definition.folder, 'samples');
}

const WIRE_FILE = 'wire.json';

/**
 * How the sender sends, beyond what the definition says (its headers, a field to mistype in
 * tests, the samples to benchmark): `samples/wire.json`.
 */
function wireOf(definition, nodesFolder) {
	const file = path.join(samplesFolder(definition, nodesFolder), WIRE_FILE);
	const wire = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : {};
	return { headers: {}, headerSpelling: {}, benchmark: [], ...wire };
}

/**
 * A sender's sample events, by event name (`revision` is a sub-folder, e.g. `older`).
 * @returns {Record<string, Record<string, any>>}
 */
function loadSamples(keyOrDefinition, { revision = '', nodesFolder } = {}) {
	const folder = path.join(samplesFolder(sender(keyOrDefinition), nodesFolder), revision);
	const result = {};
	for (const file of fs.readdirSync(folder).sort()) {
		if (!file.endsWith('.json') || file === WIRE_FILE) continue;
		result[file.slice(0, -'.json'.length)] = JSON.parse(
			fs.readFileSync(path.join(folder, file), 'utf8'),
		);
	}
	return result;
}

/** One sample event, as a fresh copy (`name` may name a revision: `older/OfferSentV1`). */
function sample(keyOrDefinition, name, { nodesFolder } = {}) {
	const file = path.join(samplesFolder(sender(keyOrDefinition), nodesFolder), `${name}.json`);
	return JSON.parse(fs.readFileSync(file, 'utf8'));
}

module.exports = { ROOT, senders, sender, nodeClass, loadSamples, sample, samplesFolder, wireOf };
