import type {
	IHookFunctions,
	INodeCredentialDescription,
	INodeProperties,
	INodeTypeDescription,
	IWebhookDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { ALL_EVENTS } from './eventFilter';
import { isTestedLocally } from './sender';
import type { AuthenticationChoice, EventSelectionDescription, SenderDefinition } from './sender';

/*
 * The editor-facing description of a trigger, built from its sender definition by small
 * property builders (as n8n's own Webhook node builds its description).
 */

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
		// The node writes its answers itself (see receiveWebhook), except for accepted events with
		// event ids kept in memory only, where it gives n8n the body to send: an empty responseData
		// makes n8n send that body rather than the first item.
		responseMode: 'onReceived',
		responseData: '',
		path,
	};
}

/** The option, on every trigger, choosing where accepted event ids are remembered. */
export const rememberIdsOption: INodeProperties = {
	displayName: 'Remember Event IDs',
	name: 'rememberIds',
	type: 'options',
	default: 'saved',
	description:
		'Where the trigger keeps the IDs of the last 1,000 events it accepted, to recognise repeats',
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

/** A notice in the node panel, shown for some authentication choices only when `showFor` is given. */
export function notice(name: string, text: string, showFor?: string[]): INodeProperties {
	const property: INodeProperties = { displayName: text, name, type: 'notice', default: '' };
	if (showFor !== undefined) property.displayOptions = { show: { authentication: showFor } };
	return property;
}

/** The Authentication parameter: a fixed choice, never an expression. */
export function authenticationParameter(choices: readonly AuthenticationChoice[]): INodeProperties {
	const first = choices[0].value;
	return {
		displayName: 'Authentication',
		name: 'authentication',
		type: 'options',
		noDataExpression: true,
		default: first,
		options: choices.map(({ name, value, description }) => ({ name, value, description })),
	};
}

/** One credential entry per authentication choice that needs one, shown for that choice only. */
export function credentialsOf(sender: SenderDefinition): INodeCredentialDescription[] {
	return sender.authentication.choices.flatMap((choice) => {
		if (choice.credential === undefined) return [];
		const credential: INodeCredentialDescription = { name: choice.credential, required: true };
		if (isTestedLocally(choice)) credential.testedBy = `${choice.credential}Test`;
		credential.displayOptions = choice.credentialDisplay ?? {
			show: { authentication: [choice.value] },
		};
		return [credential];
	});
}

/** The list of events that start the workflow, "all" first. */
export function eventsParameter(events: EventSelectionDescription): INodeProperties {
	const property: INodeProperties = {
		displayName: events.displayName,
		name: events.parameter,
		type: 'multiOptions',
		default: [ALL_EVENTS],
		description: events.description,
		options: [
			{ name: events.all.name, value: ALL_EVENTS, description: events.all.description },
			...events.catalogue.map(({ name, value, description }) => ({ name, value, description })),
		],
	};
	if (events.required) return { ...property, required: true };
	return property;
}

/** More event names and `*` patterns, as free text. */
export function customEventsParameter(
	custom: NonNullable<EventSelectionDescription['custom']>,
): INodeProperties {
	return {
		displayName: 'Custom Events',
		name: 'customEvents',
		type: 'string',
		default: '',
		placeholder: custom.placeholder,
		description: custom.description,
	};
}

/** The Options collection (parameter `settings`: `options` is the hidden raw-body flag). */
export function optionsCollection(settings: INodeProperties[]): INodeProperties {
	return {
		displayName: 'Options',
		name: 'settings',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [rememberIdsOption, ...settings],
	};
}

/** The node's subtitle in the editor: the selected events (and patterns). */
export function subtitle(sender: SenderDefinition): string {
	const { events } = sender;
	const selected = `$parameter["${events.parameter}"]`;
	const all = `"All ${events.parameter}"`;
	if (events.custom === undefined) {
		return `={{${selected}.includes("*") ? ${all} : ${selected}.join(", ")}}`;
	}
	return `={{(${selected}.includes("*") ? [${all}] : ${selected}).concat($parameter["customEvents"] ? [$parameter["customEvents"]] : []).join(", ")}}`;
}

/**
 * The part of a trigger's description that receiving needs: no inputs, one output, the webhook
 * and the parameters. The node file adds what n8n shows of the node (its name, icon, text and
 * credentials).
 */
export function receivingDescription(
	sender: SenderDefinition,
): Pick<INodeTypeDescription, 'inputs' | 'outputs' | 'webhooks' | 'properties'> {
	const { events } = sender;
	const properties: INodeProperties[] = [
		rawBodyParameter,
		notice('setupNotice', sender.setupNotice.text, sender.setupNotice.showFor),
		authenticationParameter(sender.authentication.choices),
		...sender.authentication.notices.map((entry) => notice(entry.name, entry.text, entry.showFor)),
		eventsParameter(events),
	];
	if (events.custom !== undefined) properties.push(customEventsParameter(events.custom));
	properties.push(...(sender.parameters ?? []), optionsCollection(sender.settings));
	return {
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		webhooks: [webhookEndpoint(sender.path)],
		properties,
	};
}
