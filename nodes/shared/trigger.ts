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

import { acceptAnyRequest } from './auth';
import { cachedCredential, rereadAfterFailure } from './credentialCache';
import { setUpBySender } from './description';
import { ALL_EVENTS, parseEventList, selectionMatcher } from './eventFilter';
import { receiveWebhook } from './pipeline';
import type { ReceiveSettings } from './pipeline';
import { boundedSeconds, schemeAuthenticator, schemeCredentialTest } from './schemes';
import { isTestedLocally } from './sender';
import type {
	AuthenticationChoice,
	Authenticator,
	EventSelection,
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
		const test = schemeCredentialTest(choice.scheme!, sender.sender);
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

async function authenticator(
	context: IWebhookFunctions,
	choice: AuthenticationChoice,
	options: IDataObject,
): Promise<Authenticator> {
	if (choice.authenticator !== undefined) return await choice.authenticator(context, choice);
	if (choice.scheme === undefined || choice.credential === undefined) return acceptAnyRequest;
	return schemeAuthenticator(
		choice.scheme,
		await cachedCredential(context, choice.credential),
		options,
	);
}

/**
 * For a request that failed the check: an authenticator built from the credential as n8n holds
 * it now, when it changed since it was read (a rotated secret); see credentialCache.ts.
 */
function recheck(
	context: IWebhookFunctions,
	choice: AuthenticationChoice,
	options: IDataObject,
): (() => Promise<Authenticator | undefined>) | undefined {
	const { credential } = choice;
	if (credential === undefined) return undefined;
	// The credential read again is what the cache holds now: the check is built as for any request.
	return async () =>
		(await rereadAfterFailure(context, credential)) === undefined
			? undefined
			: await authenticator(context, choice, options);
}

/** The user's choices on the node, read for one request. */
async function receiveSettings(
	context: IWebhookFunctions,
	sender: SenderDefinition,
): Promise<ReceiveSettings> {
	const { events } = sender;
	const options = context.getNodeParameter('settings', {}) as IDataObject;
	const selected = context.getNodeParameter(events.parameter, [ALL_EVENTS]) as string[];
	const custom =
		events.custom === undefined
			? []
			: parseEventList(String(context.getNodeParameter('customEvents', '')));
	const selection: EventSelection = sender.selection?.(selected, custom, options) ?? {
		isSelected: selectionMatcher(selected, custom),
		runHandshakes: false,
	};
	const choice = chosenAuthentication(context, sender);
	const authenticate = await authenticator(context, choice, options);
	const { time } = sender.event;
	// A plain literal with the same fields in the same order every time: the pipeline reads it on
	// every request, and a spread (or an await) inside the literal makes V8 build a slower object.
	return {
		authenticate,
		recheck: recheck(context, choice, options),
		isSelected: selection.isSelected,
		runHandshakes: selection.runHandshakes,
		rejectInvalid: options.rejectInvalid === true,
		unknownEvents:
			options[events.unknownOption ?? 'unknownEvents'] === 'acknowledge' ? 'acknowledge' : 'run',
		rememberIds: options.rememberIds === 'memory' ? 'memory' : 'saved',
		replayWindowSeconds:
			time === undefined || choice.credential === undefined
				? undefined
				: boundedSeconds(options[time.option], time.defaultSeconds, time.maxSeconds),
		options,
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

		webhookMethods = { default: sender.lifecycle ?? setUpBySender.default };

		async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
			return await receiveWebhook(this, sender, await receiveSettings(this, sender));
		}
	};
}
