// The senders of the built package (dist/nodes/senders.js) and their samples, for every tool and
// test suite that needs "all senders": nothing outside nodes/ lists them again.
'use strict';

const fs = require('node:fs');
const path = require('node:path');

const { readWire } = require('./wire');

const ROOT = path.resolve(__dirname, '..', '..');
const NODES = path.join(ROOT, 'nodes');

/**
 * The package's senders: from the build (`npm run build` first), or, in the unit tests (which run
 * the TypeScript sources through ts-jest, and say so with CRM_TRIGGERS_FROM_SOURCES), from the sources.
 */
function loadRegistry() {
	if (process.env.CRM_TRIGGERS_FROM_SOURCES === 'true') return require('../../nodes/senders');
	const file = path.join(ROOT, 'dist', 'nodes', 'senders.js');
	if (!fs.existsSync(file)) throw new Error('dist/ is missing: run `npm run build` first');
	return require(file);
}

let cached;
function registry() {
	if (cached === undefined) {
		const loaded = loadRegistry();
		cached = { triggers: [...loaded.triggers], senders: [...loaded.senders] };
	}
	return cached;
}

/** @returns {ReadonlyArray<import('../../nodes/shared/sender').SenderDefinition>} */
function senders() {
	return registry().senders;
}

/** Folders holding senders that are not under nodes/ (senders defined by tests). */
const nodesFolders = new Map();

/**
 * Adds a trigger to the registry of this process, as a line in nodes/senders.ts would: for tests
 * that define a sender of their own in `nodesFolder` (its folder there, with its samples).
 */
function addTrigger(triggerClass, nodesFolder) {
	registry().triggers.push(triggerClass);
	registry().senders.push(triggerClass.sender);
	nodesFolders.set(triggerClass.sender, nodesFolder);
}

/**
 * The node class of a sender (the class n8n loads), found by its sender or key.
 * @returns {import('../../nodes/shared/trigger').TriggerNodeClass}
 */
function nodeClass(keyOrSender) {
	const sender = senderOf(keyOrSender);
	const found = registry().triggers.find((candidate) => candidate.sender === sender);
	if (!found) throw new Error(`No trigger node for sender "${sender.key}" in nodes/senders.ts`);
	return found;
}

/** One sender by its key (`qondor`, `crm`, `superoffice`), or the sender itself. */
function senderOf(keyOrSender) {
	if (typeof keyOrSender !== 'string') return keyOrSender;
	const found = senders().find((candidate) => candidate.key === keyOrSender);
	if (!found)
		throw new Error(
			`Unknown sender "${keyOrSender}"; use ${senders()
				.map((s) => s.key)
				.join(', ')}`,
		);
	return found;
}

/** The folder of a sender's samples: `samples/` in its folder. */
function samplesFolder(sender) {
	return path.join(nodesFolders.get(sender) ?? NODES, sender.folder, 'samples');
}

const WIRE_FILE = 'wire.json';

/**
 * How the sender sends, beyond what its definition says (its headers, a field to mistype in
 * tests, the samples to benchmark): `samples/wire.json`, checked against its schema (wire.js).
 * @returns {import('./wire').Wire}
 */
function wireOf(sender) {
	return readWire(path.join(samplesFolder(sender), WIRE_FILE));
}

/** Sets the value at a dotted path (`payload.stage`) of a plain object. */
function setPath(target, dottedPath, value) {
	const keys = dottedPath.split('.');
	let parent = target;
	for (const key of keys.slice(0, -1)) parent = parent[key];
	parent[keys[keys.length - 1]] = value;
}

/**
 * A sender's sample events, by event name: one JSON file per event the provider documents with an
 * example, and the events wire.json derives from them (`derived`: an event the provider documents
 * without an example, made from the documented example of the same record, with its event name
 * and the fields in `set` changed). `revision` is a sub-folder of older examples (`older`).
 * @returns {Record<string, Record<string, any>>}
 */
function loadSamples(keyOrSender, { revision = '' } = {}) {
	const sender = senderOf(keyOrSender);
	const folder = path.join(samplesFolder(sender), revision);
	const result = {};
	for (const file of fs.readdirSync(folder).sort()) {
		if (!file.endsWith('.json') || file === WIRE_FILE) continue;
		result[file.slice(0, -'.json'.length)] = JSON.parse(
			fs.readFileSync(path.join(folder, file), 'utf8'),
		);
	}
	if (revision !== '') return result;
	const { derived } = wireOf(sender);
	for (const [name, { from, set = {} }] of Object.entries(derived)) {
		if (result[from] === undefined)
			throw new Error(`${sender.key}: ${name} is derived from ${from}, which has no sample`);
		const body = JSON.parse(JSON.stringify(result[from]));
		setPath(body, sender.event.name.field, name);
		for (const [dottedPath, value] of Object.entries(set)) setPath(body, dottedPath, value);
		result[name] = body;
	}
	return Object.fromEntries(Object.entries(result).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** One sample event, as a fresh copy (`name` may name a revision: `older/OfferSentV1`). */
function sample(keyOrSender, name) {
	const sender = senderOf(keyOrSender);
	const file = path.join(samplesFolder(sender), `${name}.json`);
	if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, 'utf8'));
	const found = loadSamples(sender)[name];
	if (found === undefined) throw new Error(`${sender.key} has no sample ${name}`);
	return found;
}

module.exports = {
	ROOT,
	senders,
	senderOf,
	nodeClass,
	addTrigger,
	loadSamples,
	sample,
	samplesFolder,
	wireOf,
};
