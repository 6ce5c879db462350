import { createHmac, hash, randomBytes, scrypt } from 'crypto';
import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';

import { ExpiringMap } from '../shared/expiry';

/*
 * The secret SuperOffice signs a registered webhook's deliveries with, derived from the API
 * credential the trigger registered it with, so that it is stored nowhere: n8n keeps the
 * credential encrypted, and the workflow's static data holds only what cannot sign anything.
 *
 *   key    = scrypt(credential's login fields, salt)   salt: 16 random bytes per registration
 *   secret = base64(key)                               what SuperOffice gets as the webhook's Secret
 *   check  = HMAC-SHA256(key, "check"), 16 characters  tells which secret SuperOffice was given
 *
 * Static data keeps the webhook id, the salt and the check of the secret SuperOffice was given.
 * Neither signs a delivery; deriving the secret needs the credential's login fields, and scrypt
 * makes guessing a weak password from the check or from a captured delivery slow.
 */

/** The static-data fields of a registration. */
export interface RegistrationData extends IDataObject {
	superOfficeWebhookId?: number;
	/** Base64 salt of the derivation. */
	superOfficeSecretSalt?: string;
	/** The check of the secret SuperOffice was given. */
	superOfficeSecretCheck?: string;
}

/** A registration as static data holds it. */
export interface Registration {
	id: number;
	salt: string;
	check: string;
}

export interface DerivedSecret {
	secret: string;
	check: string;
}

/**
 * How long a derived secret is kept in memory after it was derived or last verified a delivery;
 * deriving it again costs one scrypt.
 */
export const DERIVATION_TTL_MS = 10 * 60_000;

/**
 * scrypt's cost: 32 MiB and about a tenth of a second, once per credential version and process;
 * the same for each guess of someone trying passwords against a salt and check.
 */
const SCRYPT = { N: 32_768, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };

/** A new salt for a registration. */
export function newSalt(): string {
	return randomBytes(16).toString('base64');
}

/**
 * The credential fields the secret depends on: the ones that say who calls the API, by the
 * credential types' field names (SuperOffice OAuth2 API: client id and secret; SuperOffice API:
 * how it logs in, ticket, application token, bearer token, user name, password). Others are left
 * out: the OAuth2 token n8n renews, and what n8n itself writes into a credential while a user
 * connects it (a reconnect must not change the secret).
 */
const KEY_FIELDS = [
	'clientId',
	'clientSecret',
	'authType',
	'ticketToken',
	'appToken',
	'accessToken',
	'username',
	'password',
];
const SECRET_FIELDS = ['clientSecret', 'ticketToken', 'appToken', 'accessToken', 'password'];

function keyMaterial(credentials: ICredentialDataDecryptedObject): string {
	const secret = SECRET_FIELDS.some(
		(name) => typeof credentials[name] === 'string' && credentials[name] !== '',
	);
	// Without a secret field, the derived secret would follow from the salt alone.
	if (!secret)
		throw new Error('the API credential holds no secret to derive the webhook secret from');
	return JSON.stringify(KEY_FIELDS.map((name) => credentials[name] ?? null));
}

async function derive(material: string, salt: string): Promise<DerivedSecret> {
	const key = await new Promise<Buffer>((resolve, reject) => {
		scrypt(material, Buffer.from(salt, 'base64'), 32, SCRYPT, (error, derived) =>
			error ? reject(error) : resolve(derived),
		);
	});
	return {
		secret: key.toString('base64'),
		check: createHmac('sha256', key).update('check').digest('base64url').slice(0, 16),
	};
}

interface Derivation {
	salt: string;
	derived: Promise<DerivedSecret>;
	/** Once derived: what `derived` resolved to. */
	done?: DerivedSecret;
}

/**
 * Derivations by salt and digest of the credential's login fields: a delivery costs a hash of a
 * few fields, never scrypt unless the credential or the salt is new.
 */
const derivations = new ExpiringMap<string, Derivation>();

/** The secret derived from a credential's fields and a registration's salt. */
export async function derivedSecret(
	credentials: ICredentialDataDecryptedObject,
	salt: string,
	now = Date.now(),
): Promise<DerivedSecret> {
	const material = keyMaterial(credentials);
	const key = `${salt}:${hash('sha256', material, 'base64')}`;
	let entry = derivations.get(key, now);
	if (entry === undefined) {
		const derivation: Derivation = { salt, derived: derive(material, salt) };
		derivations.set(key, derivation, now + DERIVATION_TTL_MS);
		derivation.derived.then(
			(done) => (derivation.done = done),
			() => derivations.delete(key),
		);
		entry = derivation;
	}
	return await entry.derived;
}

/** A secret this process derived lately for a salt, found by its check (nothing is derived). */
export function derivedEarlier(
	salt: string,
	check: string,
	now = Date.now(),
): DerivedSecret | undefined {
	for (const [, derivation] of derivations.entries(now)) {
		if (derivation.salt === salt && derivation.done?.check === check) return derivation.done;
	}
	return undefined;
}

/** A derived secret verified a delivery: it is kept DERIVATION_TTL_MS from now. */
export function derivationUsed(salt: string, check: string, now = Date.now()): void {
	for (const [key, derivation] of derivations.entries(now)) {
		if (derivation.salt === salt && derivation.done?.check === check) {
			derivations.extend(key, now + DERIVATION_TTL_MS);
		}
	}
}

/** Forgets every derivation (tests: a new process). */
export function forgetDerivations(): void {
	derivations.clear();
}

/** The registration static data holds, when it is complete. */
export function registrationOf(staticData: IDataObject): Registration | undefined {
	const {
		superOfficeWebhookId: id,
		superOfficeSecretSalt: salt,
		superOfficeSecretCheck: check,
	} = staticData as RegistrationData;
	const complete =
		typeof id === 'number' &&
		typeof salt === 'string' &&
		salt !== '' &&
		typeof check === 'string' &&
		check !== '';
	return complete ? { id, salt, check } : undefined;
}

/** Records in static data that SuperOffice signs this webhook's deliveries with this secret. */
export function storeRegistration(staticData: IDataObject, registration: Registration): void {
	staticData.superOfficeWebhookId = registration.id;
	staticData.superOfficeSecretSalt = registration.salt;
	staticData.superOfficeSecretCheck = registration.check;
}

/** Removes a registration from static data (and a secret in clear an unpublished 0.1 version kept). */
export function forgetRegistration(staticData: IDataObject): void {
	delete staticData.superOfficeWebhookId;
	delete staticData.superOfficeSecretSalt;
	delete staticData.superOfficeSecretCheck;
	delete staticData.superOfficeWebhookSecret;
}

/** A trigger node in one workflow, as the key of what this process remembers of it. */
export function nodeKey(workflow: { id?: string }, node: { id?: string; name: string }): string {
	return `${workflow.id ?? ''}:${node.id ?? node.name}`;
}
