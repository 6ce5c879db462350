import type { IHookFunctions, INodeProperties, IWebhookDescription } from 'n8n-workflow';

/**
 * Hidden parameter that makes n8n hand the request body to the node unparsed.
 *
 * For version-1 nodes n8n reads `options.binaryData` before calling `webhook()` and, when it is
 * true, skips its own body parsing. The triggers parse the raw bytes themselves (after checking
 * the signature over them), so they can answer a body that is not JSON with their own 400 and do
 * not pay for a second parse. Without this, n8n would answer malformed JSON with its generic 422
 * before the node runs. The trigger's own options therefore live under `settings`.
 */
export const rawBodyParameter: INodeProperties = {
	displayName: 'Raw Body',
	name: 'options',
	type: 'hidden',
	default: { binaryData: true },
};

/** The one POST endpoint each trigger listens on. */
export function webhookEndpoint(path: string): IWebhookDescription {
	return {
		name: 'default',
		httpMethod: 'POST',
		// The node writes every answer itself (see receiveWebhook).
		responseMode: 'onReceived',
		path,
	};
}

/** The option, on every trigger, choosing where accepted event ids are remembered. */
export const rememberIdsOption: INodeProperties = {
	displayName: 'Remember Event IDs',
	name: 'rememberIds',
	type: 'options',
	default: 'saved',
	description: 'Where the trigger keeps the IDs of the last 1,000 events it accepted, to recognise repeats',
	options: [
		{
			name: 'Saved With the Workflow',
			value: 'saved',
			description:
				'Repeats are recognised after n8n restarts and across webhook processes. Costs one database write per event: up to about 10% fewer events per second when n8n is at full load.',
		},
		{
			name: 'In Memory Only',
			value: 'memory',
			description:
				'No database write per event. Repeats that arrive after a restart, or at another webhook process, are not recognised.',
		},
	],
};

/** The option of the CRM and SuperOffice triggers for events they do not list. */
export const unknownEventsOption: INodeProperties = {
	displayName: 'Unknown Events',
	name: 'unknownEvents',
	type: 'options',
	default: 'run',
	description: 'What to do with events this node does not list, when your selection matches them',
	options: [
		{
			name: 'Run the Workflow',
			value: 'run',
			description: 'The item is marked under _validation',
		},
		{
			name: 'Acknowledge Only',
			value: 'acknowledge',
			description: 'Answer with 200 and do not run the workflow',
		},
	],
};

/**
 * Webhook lifecycle for senders whose webhooks are set up by hand (Qondor's team, a CRM's
 * settings page): there is nothing to create or remove at the sender, so activation and
 * deactivation always succeed.
 */
export const setUpBySender = {
	default: {
		async checkExists(this: IHookFunctions): Promise<boolean> {
			return true;
		},
		async create(this: IHookFunctions): Promise<boolean> {
			return true;
		},
		async delete(this: IHookFunctions): Promise<boolean> {
			return true;
		},
	},
};
