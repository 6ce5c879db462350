// What a local n8n needs to receive events with this package's triggers: one credential and one
// active workflow per sender, with fixed webhook ids so the production URLs are predictable.
'use strict';

const crypto = require('node:crypto');

const { nodeClass, senders, sender } = require('./registry');
const { newCredential } = require('./senders');

const PACKAGE_NAME = 'n8n-nodes-crm-triggers';

/**
 * How a sender's trigger appears in n8n: node type and name, the credential type a local setup
 * uses (that of the default authentication), every credential type the node offers, its webhook
 * path and a fixed webhook id (derived from the sender's key, so it stays the same across runs).
 */
function trigger(keyOrDefinition) {
	const definition = sender(keyOrDefinition);
	const { description } = new (nodeClass(definition))();
	const digest = crypto.createHash('sha256').update(`webhook:${definition.key}`).digest('hex');
	return {
		key: definition.key,
		nodeType: `${PACKAGE_NAME}.${description.name}`,
		nodeName: description.displayName,
		credentialType: definition.authentication.choices[0].credential,
		credentialTypes: description.credentials.map((credential) => credential.name),
		webhookId: `${digest.slice(0, 8)}-${digest.slice(8, 12)}-4${digest.slice(13, 16)}-8${digest.slice(17, 20)}-${digest.slice(20, 32)}`,
		path: definition.path,
		folder: definition.folder,
	};
}

/** Every sender's trigger, by key. */
function triggers() {
	return Object.fromEntries(senders().map((definition) => [definition.key, trigger(definition)]));
}

/** Fresh random credential data for every sender, by key. */
function generateSecrets() {
	return Object.fromEntries(
		senders().map((definition) => [definition.key, newCredential(definition)]),
	);
}

/**
 * A workflow whose trigger hands its items to a No Operation node, as a user would start one.
 * @param {string} key a sender key
 * @param {{ id: string, name: string }} credential
 * @param {{ name?: string, parameters?: object, webhookId?: string }} [options]
 */
function triggerWorkflow(key, credential, options = {}) {
	const spec = trigger(key);
	return {
		name: options.name || `${spec.nodeName} example`,
		nodes: [
			{
				id: crypto.randomUUID(),
				name: spec.nodeName,
				type: spec.nodeType,
				typeVersion: 1,
				position: [0, 0],
				webhookId: options.webhookId || spec.webhookId,
				parameters: options.parameters || {},
				credentials: { [spec.credentialType]: { id: credential.id, name: credential.name } },
			},
			{
				id: crypto.randomUUID(),
				name: 'Received',
				type: 'n8n-nodes-base.noOp',
				typeVersion: 1,
				position: [260, 0],
				parameters: {},
			},
		],
		connections: { [spec.nodeName]: { main: [[{ node: 'Received', type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
	};
}

function webhookPath(key, webhookId) {
	const spec = trigger(key);
	return `${webhookId || spec.webhookId}/${spec.path}`;
}

module.exports = { PACKAGE_NAME, trigger, triggers, generateSecrets, triggerWorkflow, webhookPath };
