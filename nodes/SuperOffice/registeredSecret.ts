import type { IWebhookFunctions } from 'n8n-workflow';

import { unauthorized } from '../shared/authentication';
import { verifyBodySignature } from '../shared/bodyHmacScheme';
import type { SigningSecret } from '../shared/bodyHmacScheme';
import { cachedCredential } from '../shared/credentialCache';
import type { AuthPassed, Authenticator } from '../shared/sender';
import { superOfficeApi } from './api';
import {
	call,
	describeFailure,
	findOurs,
	ok,
	RegistrationError,
	webhookName,
} from './registration';
import { apply, gaveUp, mayRotate, MAX_ROTATION_ATTEMPTS, secretState } from './secretLifecycle';
import type { SecretState } from './secretLifecycle';
import {
	derivationUsed,
	derivedEarlier,
	derivedSecret,
	nodeKey,
	registrationOf,
	storeRegistration,
} from './webhookSecret';
import type { DerivedSecret, Registration } from './webhookSecret';

/*
 * Deliveries to a webhook the trigger registered, at request time. Checking one only reads: the
 * registration in static data, the API credential, what this process knows (secretLifecycle.ts).
 * What follows from a genuine delivery is `afterAuthentication`: recording in static data the
 * secret this process gave SuperOffice, and, when the delivery shows that SuperOffice still signs
 * with the secret of an edited credential, giving it the new one (in the background).
 */

/** The header SuperOffice signs deliveries in. */
export const SIGNATURE_HEADER = 'X-SuperOffice-Signature';

/** Which secret signed a delivery: its role and its check, as `signedWith` says it. */
type Role = 'current' | 'registered' | 'given' | 'pending' | 'previous';

const signedWith = (role: Role, check = '') => `${role}:${check}`;

const notRegistered: Authenticator = () => ({
	ok: false,
	statusCode: 401,
	reason: 'not-registered',
	message: 'The webhook is not registered with SuperOffice yet',
	handshakesOnly: true,
});

/** The check when the API credential cannot be read. */
function unreadable(error: unknown): Authenticator {
	const message = `The API credential the webhook was registered with cannot be read: ${(error as Error).message}`;
	return () => ({ ok: false, statusCode: 500, reason: 'configuration', message });
}

/**
 * The secrets a delivery may be signed with: the one derived from the credential as it is now;
 * while static data names another (the credential was edited), that one too, if this process
 * derived it lately; one this process gave SuperOffice and static data does not record yet; the one
 * a rotation is giving SuperOffice; the one a rotation replaced, in its grace.
 */
function acceptedSecrets(
	registration: Registration,
	current: DerivedSecret,
	state: SecretState,
	now: number,
): SigningSecret[] {
	const { salt } = registration;
	const secrets: SigningSecret[] = [
		{ secret: current.secret, id: signedWith('current', current.check) },
	];
	const earlier = (role: Role, check: string) => {
		if (check === current.check) return;
		const derived = derivedEarlier(salt, check, now);
		if (derived !== undefined)
			secrets.push({ secret: derived.secret, id: signedWith(role, check) });
	};
	earlier('registered', registration.check);
	if (state.given !== undefined && state.given !== registration.check)
		earlier('given', state.given);
	const { pending, previous } = state;
	if (pending?.secret !== undefined) {
		secrets.push({ secret: pending.secret, id: signedWith('pending', pending.check) });
	}
	if (previous !== undefined && previous.until > now) {
		secrets.push({ secret: previous.secret, id: signedWith('previous') });
	}
	return secrets;
}

/**
 * Verifies deliveries with the secret derived from the API credential (webhookSecret.ts), and the
 * others SuperOffice may sign with. SuperOffice sends its test event while the webhook is being
 * created, before n8n has stored the registration: until then only that connection check is
 * answered (it starts nothing), anything else is refused.
 */
export async function registeredSecretAuthenticator(
	context: IWebhookFunctions,
	credentialType: string,
): Promise<Authenticator> {
	const registration = registrationOf(context.getWorkflowStaticData('node'));
	if (registration === undefined) return notRegistered;
	let current: DerivedSecret;
	try {
		const credentials = await cachedCredential(context, credentialType);
		current = await derivedSecret(credentials, registration.salt);
	} catch (error) {
		return unreadable(error);
	}
	const now = Date.now();
	const state = secretState(nodeKey(context.getWorkflow(), context.getNode()));
	const secrets = acceptedSecrets(registration, current, state, now);
	// The credential was edited and this process no longer knows the secret SuperOffice has.
	const unknown = current.check !== registration.check && secrets.length === 1;
	return (arrival) => {
		const result = verifyBodySignature(arrival, SIGNATURE_HEADER, secrets);
		if (result.ok || !unknown || result.reason !== 'signature-mismatch') return result;
		return unauthorized(
			'signature-mismatch',
			`${SIGNATURE_HEADER} does not match the body. The API credential was changed after SuperOffice was given the webhook's secret: activate the workflow again so that SuperOffice gets the new one`,
		);
	};
}

/**
 * What a genuine delivery shows about the secret SuperOffice signs with: when it is one this
 * process gave it, static data records it; when it is not the one derived from the credential as
 * it is now (the credential was edited), SuperOffice is given that one.
 */
export function afterAuthentication(
	context: IWebhookFunctions,
	credentialType: string,
	passed: AuthPassed,
): void {
	const staticData = context.getWorkflowStaticData('node');
	const registration = registrationOf(staticData);
	if (registration === undefined || passed.signedWith === undefined) return;
	const [role, check] = passed.signedWith.split(':') as [Role, string];
	if (role === 'pending' || role === 'previous') return;
	const key = nodeKey(context.getWorkflow(), context.getNode());
	const now = Date.now();
	derivationUsed(registration.salt, check, now);
	const state = secretState(key);
	if (state.given === check && registration.check !== check) {
		storeRegistration(staticData, { ...registration, check });
		apply(key, { type: 'recorded' });
	}
	if (role !== 'current' && mayRotate(state, now)) {
		apply(key, { type: 'rotation-started' });
		void rotate(context, credentialType, { ...registration, check }, key);
	}
}

/**
 * Gives SuperOffice the secret derived from the API credential as n8n holds it now (read afresh:
 * a process whose copy is behind never gives SuperOffice an older secret), in place of the one
 * `signing` says it signs with. Every call has its time limit; a failure is logged and counted
 * (secretLifecycle.ts: at most MAX_ROTATION_ATTEMPTS).
 */
async function rotate(
	context: IWebhookFunctions,
	credentialType: string,
	signing: Registration,
	key: string,
): Promise<void> {
	const { id, salt } = signing;
	try {
		const connection = await superOfficeApi(context, credentialType);
		if ('refused' in connection) throw new RegistrationError(connection.refused);
		const next = await derivedSecret(connection.credentials, salt);
		if (next.check === signing.check) {
			apply(key, { type: 'rotation-unneeded' });
			return;
		}
		apply(key, { type: 'rotation-offered', ...next });
		const workflow = context.getWorkflow();
		const target = {
			url: context.getNodeWebhookUrl('default') ?? '',
			workflowId: workflow.id ?? '',
		};
		const webhook = await findOurs(connection.api, id, target);
		if (webhook === undefined) {
			throw new RegistrationError(
				`SuperOffice has no webhook ${id} named ${webhookName(workflow)}`,
			);
		}
		const updated = await call(connection.api, 'PUT', `Webhook/${id}`, {
			...webhook,
			Secret: next.secret,
		});
		if (!ok(updated)) throw describeFailure('update', updated);
		const replaced = derivedEarlier(salt, signing.check)?.secret;
		apply(key, { type: 'rotation-succeeded', replaced, check: next.check, at: Date.now() });
		context.logger.info(
			`SuperOffice webhook ${id}: SuperOffice was given the webhook secret derived from the API credential as it is now`,
		);
	} catch (error) {
		const state = apply(key, { type: 'rotation-failed', at: Date.now() });
		const then = gaveUp(state)
			? `no more tries after ${MAX_ROTATION_ATTEMPTS}: activate the workflow again (or restart n8n) to give it the new secret`
			: 'tried again with a later delivery';
		context.logger.error(
			`SuperOffice webhook ${id}: SuperOffice could not be given the webhook secret derived from the API credential as it is now (${then}); deliveries signed with the old secret are accepted only while this process still knows it: ${(error as Error).message}`,
		);
	}
}
