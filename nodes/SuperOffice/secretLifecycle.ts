import { wakeUp } from '../shared/expiry';

/*
 * What one n8n process knows of the secret of one registered webhook beyond static data: a secret
 * it gave SuperOffice (and the one that replaced), a rotation under way, failed rotations. One
 * state type, changed only by `transition`; the invariants below hold after every transition.
 *
 * 1. Every secret held here has an end: `previous` at `previous.until` (ROTATION_GRACE_MS after
 *    SuperOffice got its successor; swept then); `pending` when its rotation settles (every API
 *    call of a rotation has a time limit, so it settles).
 * 2. `previous` exists only after this process gave SuperOffice a new secret.
 * 3. At most one rotation per webhook and process is `pending`; none starts while one is, after
 *    MAX_ROTATION_ATTEMPTS failures (until the lifecycle, activation or n8n's start, registers
 *    again), or before `retryAt`.
 * 4. `given` is the check of the secret this process gave SuperOffice, until static data holds it.
 *
 * Rotations are started by a delivery that passed authentication, or by the lifecycle; checking a
 * request only reads this state (registeredSecret.ts).
 */

/** How long the previous secret is still accepted once SuperOffice has the new one. */
export const ROTATION_GRACE_MS = 10 * 60_000;

/** How many failed rotations in a row this process tries before it leaves it to the next activation. */
export const MAX_ROTATION_ATTEMPTS = 3;

/** The wait after the first, second… failed rotation before a delivery may start another. */
export const ROTATION_BACKOFF_MS = [60_000, 5 * 60_000];

export interface SecretState {
	/** The secret SuperOffice signed with before this process gave it another one. */
	previous?: { secret: string; until: number };
	/**
	 * A rotation under way; once the new secret is derived, SuperOffice is being given `secret`
	 * (its test event is signed with it).
	 */
	pending?: { secret?: string; check?: string };
	/** The check of the secret this process gave SuperOffice, until static data records it. */
	given?: string;
	/** Failed rotations since the last success or registration. */
	failures: number;
	/** No rotation starts before this time (after a failure). */
	retryAt: number;
}

export type SecretEvent =
	/** The lifecycle registered the webhook or confirmed its secret (static data holds it). */
	| { type: 'registered'; replaced?: string; at: number }
	/** A rotation begins: no other starts in this process until it settles. */
	| { type: 'rotation-started' }
	/** SuperOffice is being given this secret. */
	| { type: 'rotation-offered'; secret: string; check: string }
	/** SuperOffice took it; `replaced` is the secret it had, when this process knows it. */
	| { type: 'rotation-succeeded'; replaced?: string; check: string; at: number }
	/** Nothing to give: SuperOffice already had the secret of the credential as it is now. */
	| { type: 'rotation-unneeded' }
	| { type: 'rotation-failed'; at: number }
	/** Static data now records `given`. */
	| { type: 'recorded' }
	/** Time passed: whatever has ended is dropped. */
	| { type: 'expired'; at: number };

export const INITIAL: SecretState = { failures: 0, retryAt: 0 };

/** The previous secret, kept ROTATION_GRACE_MS for deliveries SuperOffice signed with it before. */
function previousAfter(
	state: SecretState,
	replaced: string | undefined,
	at: number,
): SecretState['previous'] {
	// Nothing known was replaced, or SuperOffice was given the secret it had.
	if (replaced === undefined || replaced === state.pending?.secret) return state.previous;
	return { secret: replaced, until: at + ROTATION_GRACE_MS };
}

/** The one place the state changes. */
export function transition(state: SecretState, event: SecretEvent): SecretState {
	switch (event.type) {
		case 'registered':
			return {
				...INITIAL,
				previous: previousAfter(state, event.replaced, event.at),
			};
		case 'rotation-started':
			return { ...state, pending: {} };
		case 'rotation-offered':
			return { ...state, pending: { secret: event.secret, check: event.check } };
		case 'rotation-succeeded':
			return {
				...INITIAL,
				previous: previousAfter(state, event.replaced, event.at),
				given: event.check,
			};
		case 'rotation-unneeded':
			return { ...state, pending: undefined };
		case 'rotation-failed': {
			const failures = state.failures + 1;
			const backoff = ROTATION_BACKOFF_MS[Math.min(failures, ROTATION_BACKOFF_MS.length) - 1];
			return { ...state, pending: undefined, failures, retryAt: event.at + backoff };
		}
		case 'recorded':
			return { ...state, given: undefined };
		case 'expired':
			return state.previous !== undefined && state.previous.until <= event.at
				? { ...state, previous: undefined }
				: state;
	}
}

/** Whether a delivery may start a rotation now (invariant 3). */
export function mayRotate(state: SecretState, now: number): boolean {
	return (
		state.pending === undefined && state.failures < MAX_ROTATION_ATTEMPTS && now >= state.retryAt
	);
}

/** Whether rotations stopped for good in this process (until the next activation or start). */
export function gaveUp(state: SecretState): boolean {
	return state.failures >= MAX_ROTATION_ATTEMPTS;
}

const states = new Map<string, SecretState>();

/** What this process knows of a webhook's secrets (read only: change it with `apply`). */
export function secretState(key: string): SecretState {
	return states.get(key) ?? INITIAL;
}

/** Applies an event to a webhook's state; a previous secret is swept when its grace ends. */
export function apply(key: string, event: SecretEvent): SecretState {
	const before = secretState(key);
	const after = transition(before, event);
	states.set(key, after);
	const { previous } = after;
	if (previous !== undefined && previous !== before.previous) {
		wakeUp.after(previous.until - Date.now(), () =>
			apply(key, { type: 'expired', at: Date.now() }),
		);
	}
	return after;
}

/** Forgets a webhook's state (deactivation), or every webhook's (tests: a new process). */
export function forgetSecretState(key?: string): void {
	if (key === undefined) states.clear();
	else states.delete(key);
}
