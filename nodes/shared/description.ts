import type { INodeProperties, IWebhookDescription } from 'n8n-workflow';

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
				'Repeats are recognised after n8n restarts and across webhook processes. Costs one small database write per event.',
		},
		{
			name: 'In Memory Only',
			value: 'memory',
			description:
				'No database write per event. Repeats that arrive after a restart, or at another webhook process, are not recognised.',
		},
	],
};
