// What a local n8n needs to receive events with this package's triggers: one credential and one
// active workflow per trigger, with fixed webhook ids so the production URLs are predictable.
'use strict';

const crypto = require('node:crypto');

const PACKAGE_NAME = 'n8n-nodes-crm-triggers';

/**
 * The three triggers, the credential type a local setup uses for each (`credentialType`), every
 * credential type the node offers, and the path each webhook listens on.
 */
const TRIGGERS = {
	qondor: {
		nodeType: `${PACKAGE_NAME}.qondorTrigger`,
		nodeName: 'Qondor Trigger',
		credentialType: 'qondorWebhookApi',
		credentialTypes: ['qondorWebhookApi'],
		webhookId: '6f1e0d2c-7a4b-4c3d-9e8f-0a1b2c3d4e51',
		path: 'qondor',
	},
	crm: {
		nodeType: `${PACKAGE_NAME}.crmEventTrigger`,
		nodeName: 'CRM Event Trigger',
		credentialType: 'crmEventWebhookApi',
		credentialTypes: ['crmEventWebhookApi'],
		webhookId: '6f1e0d2c-7a4b-4c3d-9e8f-0a1b2c3d4e52',
		path: 'crm-event',
	},
	superoffice: {
		nodeType: `${PACKAGE_NAME}.superOfficeTrigger`,
		nodeName: 'SuperOffice Trigger',
		credentialType: 'superOfficeWebhookApi',
		credentialTypes: ['superOfficeWebhookApi', 'superOfficeOAuth2Api', 'superOfficeApi'],
		webhookId: '6f1e0d2c-7a4b-4c3d-9e8f-0a1b2c3d4e53',
		path: 'superoffice',
	},
};

/** Fresh random secrets for a local instance. */
function generateSecrets() {
	return {
		qondor: {
			headerName: 'X-Qondor-Webhook-Token',
			headerSecret: crypto.randomBytes(24).toString('base64url'),
		},
		crm: { signingSecret: `whsec_${crypto.randomBytes(24).toString('base64')}` },
		superoffice: { webhookSecret: crypto.randomBytes(24).toString('base64url') },
	};
}

/** Credential data as n8n stores it for each trigger's credential type. */
function credentialData(trigger, secrets) {
	if (trigger === 'crm')
		return { signingSecret: secrets.crm.signingSecret, previousSigningSecret: '' };
	return secrets[trigger];
}

/**
 * A workflow whose trigger hands its items to a No Operation node, as a user would start one.
 * @param {'qondor'|'crm'|'superoffice'} trigger
 * @param {{ id: string, name: string }} credential
 * @param {{ name?: string, parameters?: object, webhookId?: string }} [options]
 */
function triggerWorkflow(trigger, credential, options = {}) {
	const spec = TRIGGERS[trigger];
	const parameters = options.parameters || {};
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
				parameters,
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

function webhookPath(trigger, webhookId) {
	return `${webhookId || TRIGGERS[trigger].webhookId}/${TRIGGERS[trigger].path}`;
}

module.exports = {
	TRIGGERS,
	PACKAGE_NAME,
	generateSecrets,
	credentialData,
	triggerWorkflow,
	webhookPath,
};
