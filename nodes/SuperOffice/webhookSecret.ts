import { createHmac, hash, randomBytes, scrypt } from 'crypto';
import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';

/*
 * The secret SuperOffice signs a registered webhook's deliveries with, derived from the API
 * credential the trigger registered it with, so that it is stored nowhere: n8n keeps the
 * credential encrypted, and the workflow's static data holds only what cannot sign anything.
 *
 *   key    = scrypt(credential fields, salt)          salt: 16 random bytes per registration
 *   secret = base64(key)                               what SuperOffice gets as the webhook's Secret
 *   check  = HMAC-SHA256(key, "check"), 16 characters  tells whether the credential changed
 *
 * Static data keeps the webhook id, the salt and the check. Neither signs a delivery; deriving
 * the secret needs the credential's fields (all of them but the OAuth2 token n8n renews), and
 * scrypt makes guessing a weak password from the check or from a captured delivery slow.
 *
 * When the credential is edited (a new client secret, ticket, token or password), the derived
 * secret changes: the trigger notices on the next request (its credential is re-read at least
 * every minute), gives SuperOffice the new secret (PUT Webhook/{id}) and, while SuperOffice may
 * still sign with the old one, accepts both. The old secret is known to a process that derived it
 * before the edit (on activation, on n8n's start, or for an earlier delivery); it is kept in
 * memory only, and for ROTATION_GRACE_MS after SuperOffice has the new one.
 */

/** The static-data fields of a registration. */
export interface Registration extends IDataObject {
	superOfficeWebhookId?: number;
	/** Base64 salt of the derivation. */
	superOfficeSecretSalt?: string;
	/** The check of the secret SuperOffice was given. */
	superOfficeSecretCheck?: string;
	/** The secret in clear, as earlier versions stored it; replaced on the next activation. */
	superOfficeWebhookSecret?: string;
}

export interface DerivedSecret {
	secret: string;
	check: string;
}

/** How long the previous secret is still accepted once SuperOffice has the new one. */
export const ROTATION_GRACE_MS = 10 * 60_000;

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

/**
 * Derivations by salt and digest of the credential's fields: a delivery costs a hash of a few
 * fields, never scrypt unless the credential or the salt is new. Entries not used for
 * DIGEST_TTL_MS are forgotten (the credential was edited, or the workflow left).
 */
const derivations = new Map<string, { derived: Promise<DerivedSecret>; usedAt: number }>();
const DIGEST_TTL_MS = ROTATION_GRACE_MS;

/** The secret derived from a credential's fields and a registration's salt. */
export async function derivedSecret(
	credentials: ICredentialDataDecryptedObject,
	salt: string,
): Promise<DerivedSecret> {
	const material = keyMaterial(credentials);
	const digest = `${salt}:${hash('sha256', material, 'base64')}`;
	const now = Date.now();
	let entry = derivations.get(digest);
	if (entry === undefined) {
		for (const [key, old] of derivations) {
			if (now - old.usedAt > DIGEST_TTL_MS) derivations.delete(key);
		}
		entry = { derived: derive(material, salt), usedAt: now };
		derivations.set(digest, entry);
		entry.derived.catch(() => derivations.delete(digest));
	}
	entry.usedAt = now;
	return await entry.derived;
}

/** A trigger node in one workflow, as the key of what this process remembers of it. */
export function nodeKey(workflow: { id?: string }, node: { id?: string; name: string }): string {
	return `${workflow.id ?? ''}:${node.id ?? node.name}`;
}

export interface Known {
	/** The secret SuperOffice was last known to sign with (its check matched static data). */
	registered?: DerivedSecret;
	/** The one it signed with before a rotation, and until when it is still accepted. */
	previous?: DerivedSecret;
	previousUntil?: number;
	/** A rotation to this check: under way, or done (SuperOffice has it). */
	rotation?: {
		check: string;
		state: 'pending' | 'done' | 'failed';
		at: number;
		/** While pending: the secret SuperOffice is being given (its test event is signed with it). */
		secret?: string;
	};
	/** Until when no new rotation is looked into, after one found SuperOffice up to date. */
	quietUntil?: number;
}

const known = new Map<string, Known>();

/** What this process knows of a node's secrets. */
export function knownSecrets(key: string): Known {
	let entry = known.get(key);
	if (entry === undefined) {
		entry = {};
		known.set(key, entry);
	}
	return entry;
}

/** Forgets a node's secrets (deactivation, tests). */
export function forgetSecrets(key?: string): void {
	if (key === undefined) known.clear();
	else known.delete(key);
}

/** The registration's salt and check, when it has them. */
export function registrationKey(
	staticData: IDataObject,
): { salt: string; check: string } | undefined {
	const { superOfficeSecretSalt: salt, superOfficeSecretCheck: check } = staticData as Registration;
	return typeof salt === 'string' && salt !== '' && typeof check === 'string' && check !== ''
		? { salt, check }
		: undefined;
}

/** Records in static data that SuperOffice signs with this derived secret. */
export function storeRegistration(
	staticData: IDataObject,
	id: number,
	salt: string,
	derived: DerivedSecret,
): void {
	staticData.superOfficeWebhookId = id;
	staticData.superOfficeSecretSalt = salt;
	staticData.superOfficeSecretCheck = derived.check;
	delete staticData.superOfficeWebhookSecret;
}
