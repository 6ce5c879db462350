// What a local n8n needs to receive events with this package's triggers: one credential and one
// active workflow per sender, with fixed webhook ids so the production URLs are predictable.
'use strict';

const crypto = require('node:crypto');

const { nodeClass, senderOf, senders } = require('./registry');
const { newCredential } = require('./senders');

const PACKAGE_NAME = 'n8n-nodes-crm-triggers';

/**
 * How a sender's trigger appears in n8n: node type and name, the credential type a local setup
 * uses (that of the default authentication), every credential type the node offers, its webhook
 * path and a fixed webhook id (derived from the sender's key, so it stays the same across runs).
 */
function trigger(keyOrSender) {
	const sender = senderOf(keyOrSender);
	const { description } = new (nodeClass(sender))();
	const digest = crypto.createHash('sha256').update(`webhook:${sender.key}`).digest('hex');
	return {
		key: sender.key,
		nodeType: `${PACKAGE_NAME}.${description.name}`,
		nodeName: description.displayName,
		credentialType: sender.authentication.choices[0].credential,
		credentialTypes: description.credentials.map((credential) => credential.name),
		webhookId: `${digest.slice(0, 8)}-${digest.slice(8, 12)}-4${digest.slice(13, 16)}-8${digest.slice(17, 20)}-${digest.slice(20, 32)}`,
		path: sender.path,
		folder: sender.folder,
	};
}

/** Every sender's trigger, by key. */
function triggers() {
	return Object.fromEntries(senders().map((sender) => [sender.key, trigger(sender)]));
}

/** The trigger's parameters as a user leaves them: default authentication, every event, no options. */
function defaultParameters(keyOrSender) {
	const sender = senderOf(keyOrSender);
	return {
		authentication: sender.authentication.choices[0].value,
		[sender.events.parameter]: ['*'],
		customEvents: '',
		settings: {},
	};
}

/** Fresh random credential data for every sender, by key. */
function generateSecrets() {
	return Object.fromEntries(
		senders().map((sender) => [sender.key, newCredential(sender)]),
	);
}

/**
 * A workflow whose first node hands its items to a No Operation node, as a user would start one.
 * @param {string} name
 * @param {object} node the first node (`name`, `type`, `typeVersion`, `parameters`, …)
 */
function workflowStartingWith(name, node) {
	return {
		name,
		nodes: [
			{ id: crypto.randomUUID(), position: [0, 0], ...node },
			{
				id: crypto.randomUUID(),
				name: 'Received',
				type: 'n8n-nodes-base.noOp',
				typeVersion: 1,
				position: [260, 0],
				parameters: {},
			},
		],
		connections: { [node.name]: { main: [[{ node: 'Received', type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
	};
}

/**
 * A workflow started by a sender's trigger.
 * @param {string} key a sender key
 * @param {{ id: string, name: string }} credential
 * @param {{ name?: string, parameters?: object, webhookId?: string }} [options]
 */
function triggerWorkflow(key, credential, options = {}) {
	const info = trigger(key);
	return workflowStartingWith(options.name || `${info.nodeName} example`, {
		name: info.nodeName,
		type: info.nodeType,
		typeVersion: 1,
		webhookId: options.webhookId || info.webhookId,
		parameters: options.parameters || {},
		credentials: { [info.credentialType]: { id: credential.id, name: credential.name } },
	});
}

/**
 * Creates a credential for a sender's trigger and an active workflow started by it in a running
 * n8n (`label` names both); returns what tools need to reach it.
 * @param {import('./n8n').N8nInstance} instance
 * @param {string} key a sender key
 * @param {object} credentialData
 * @param {{ label: string, name?: string, webhookId?: string, parameters?: object }} options
 */
async function createTriggerWorkflow(
	instance,
	key,
	credentialData,
	{ label, name, webhookId, parameters },
) {
	const info = trigger(key);
	const credentialName = `${info.nodeName} ${label}`;
	const credential = await instance.createCredential(
		credentialName,
		info.credentialType,
		credentialData,
	);
	const created = await instance.createActiveWorkflow(
		triggerWorkflow(
			key,
			{ id: credential.id, name: credentialName },
			{ name, webhookId, parameters },
		),
	);
	return {
		id: created.id,
		senderKey: key,
		nodeName: info.nodeName,
		credential: { id: credential.id, name: credentialName },
		path: webhookPath(key, webhookId),
	};
}

function webhookPath(key, webhookId) {
	const info = trigger(key);
	return `${webhookId || info.webhookId}/${info.path}`;
}

module.exports = {
	PACKAGE_NAME,
	trigger,
	triggers,
	generateSecrets,
	defaultParameters,
	workflowStartingWith,
	triggerWorkflow,
	createTriggerWorkflow,
	webhookPath,
};
