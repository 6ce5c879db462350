import type {
	ICredentialsDecrypted,
	ICredentialTestFunctions,
	IDataObject,
	INodeCredentialTestResult,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';

import { acceptAnyRequest, always, configurationError } from './authentication';
import { cachedCredential, rereadAfterFailure } from './credentialCache';
import { setUpBySender } from './description';
import { ALL_EVENTS, parseEventList, selectionMatcher } from './eventFilter';
import { receiveWebhook } from './pipeline';
import type { ReceiveChoices } from './pipeline';
import { boundedSeconds, schemeAuthenticator, schemeCredentialTest } from './schemes';
import { isTestedLocally } from './sender';
import type {
	AuthenticationChoice,
	Authenticator,
	EventSelection,
	RegisteringCredential,
	SenderDefinition,
	WebhookLifecycle,
} from './sender';

type CredentialTestMethod = (
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
) => Promise<INodeCredentialTestResult>;

/** The credential tests n8n runs when a user saves a credential that holds an inbound secret. */
function credentialTests(sender: SenderDefinition): Record<string, CredentialTestMethod> {
	const tests: Record<string, CredentialTestMethod> = {};
	for (const choice of sender.authentication.choices) {
		if (!isTestedLocally(choice)) continue;
		const test = schemeCredentialTest(choice.scheme!, sender.name);
		tests[`${choice.credential}Test`] = async (credential) => test(credential.data ?? {});
	}
	return tests;
}

/** The authentication choice the user made (the default when the parameter is missing). */
export function chosenAuthentication(
	context: { getNodeParameter(name: string, fallback: unknown): unknown },
	sender: SenderDefinition,
): AuthenticationChoice {
	const { choices } = sender.authentication;
	const value = context.getNodeParameter('authentication', choices[0].value);
	return choices.find((choice) => choice.value === value) ?? choices[0];
}

/** The API credential type of the chosen authentication, when that choice registers the webhook. */
export function registeringCredential(sender: SenderDefinition): RegisteringCredential {
	return (context) => {
		const choice = chosenAuthentication(context, sender);
		return choice.registers === true ? choice.credential : undefined;
	};
}

/** The check of the chosen authentication, built from the credential as this process holds it. */
async function authenticator(
	context: IWebhookFunctions,
	sender: SenderDefinition,
	choice: AuthenticationChoice,
	settings: IDataObject,
): Promise<Authenticator> {
	const { credential, scheme } = choice;
	if (credential === undefined) return acceptAnyRequest;
	if (choice.registers === true && sender.registration !== undefined) {
		return await sender.registration.authenticator(context, credential);
	}
	if (scheme === undefined) return acceptAnyRequest;
	const read = await cachedCredential(context, credential).catch((error: Error) => error);
	if (read instanceof Error) {
		// Deleted, no longer shared, not decryptable: the check cannot be made.
		return always(configurationError(`The credential cannot be read: ${read.message}`));
	}
	return schemeAuthenticator(scheme, read, settings);
}

/**
 * For a request that failed the check: the check built from the credential as n8n holds it now,
 * when it changed since it was read (a rotated secret); see credentialCache.ts.
 */
function recheck(
	context: IWebhookFunctions,
	sender: SenderDefinition,
	choice: AuthenticationChoice,
	settings: IDataObject,
): (() => Promise<Authenticator | undefined>) | undefined {
	const { credential } = choice;
	if (credential === undefined) return undefined;
	// The credential read again is what the cache holds now: the check is built as for any request.
	return async () =>
		(await rereadAfterFailure(context, credential)) === undefined
			? undefined
			: await authenticator(context, sender, choice, settings);
}

/** The events the user selected, as a matcher. */
function eventSelection(
	context: IWebhookFunctions,
	sender: SenderDefinition,
	settings: IDataObject,
): EventSelection {
	const { events } = sender;
	const selected = context.getNodeParameter(events.parameter, [ALL_EVENTS]) as string[];
	const custom =
		events.custom === undefined
			? []
			: parseEventList(String(context.getNodeParameter('customEvents', '')));
	return (
		sender.selection?.(selected, custom, settings) ?? {
			isSelected: selectionMatcher(selected, custom),
			runHandshakes: false,
		}
	);
}

/** The user's choices on the node, read for one request. */
async function receiveChoices(
	context: IWebhookFunctions,
	sender: SenderDefinition,
): Promise<ReceiveChoices> {
	const settings = context.getNodeParameter('settings', {}) as IDataObject;
	const selection = eventSelection(context, sender, settings);
	const choice = chosenAuthentication(context, sender);
	const authenticate = await authenticator(context, sender, choice, settings);
	const { time } = sender.event;
	const { registration } = sender;
	const registered = choice.registers === true && registration !== undefined;
	// A plain literal with the same fields in the same order every time: the pipeline reads it on
	// every request, and a spread (or an await) inside the literal makes V8 build a slower object.
	return {
		authenticate,
		recheck: recheck(context, sender, choice, settings),
		afterAuthentication: registered
			? (passed) => registration.afterAuthentication(context, choice.credential!, passed)
			: undefined,
		isSelected: selection.isSelected,
		runHandshakes: selection.runHandshakes,
		rejectInvalid: settings.rejectInvalid === true,
		unknownEvents:
			settings[sender.events.unknownOption ?? 'unknownEvents'] === 'acknowledge'
				? 'acknowledge'
				: 'run',
		rememberIds: settings.rememberIds === 'memory' ? 'memory' : 'saved',
		replayWindowSeconds:
			time === undefined || choice.credential === undefined
				? undefined
				: boundedSeconds(settings[time.option], time.defaultSeconds, time.maxSeconds),
		settings,
	};
}

/** A trigger node, with the parts every trigger of this package has. */
export interface TriggerNodeType extends INodeType {
	description: INodeTypeDescription;
	methods: { credentialTest: Record<string, CredentialTestMethod> };
	webhookMethods: { default: WebhookLifecycle };
	webhook(this: IWebhookFunctions): Promise<IWebhookResponseData>;
}

/** A trigger node class, with the definition it was built from. */
export interface TriggerNodeClass {
	new (): TriggerNodeType;
	readonly sender: SenderDefinition;
}

/**
 * The base of the node class n8n loads for a sender: credential tests, webhook lifecycle and
 * `webhook()`, all from the sender's definition. The node file extends it and gives the
 * description (see QondorTrigger.node.ts).
 */
export function triggerNode(sender: SenderDefinition): TriggerNodeClass {
	return class implements TriggerNodeType {
		static readonly sender = sender;

		declare description: INodeTypeDescription;

		methods = { credentialTest: credentialTests(sender) };

		webhookMethods = {
			default:
				sender.registration?.lifecycle(registeringCredential(sender)) ?? setUpBySender.default,
		};

		async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
			return await receiveWebhook(this, sender, await receiveChoices(this, sender));
		}
	};
}
