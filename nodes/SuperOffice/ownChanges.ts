import type { IDataObject, IWebhookFunctions } from 'n8n-workflow';

import { ExpiringMap } from '../shared/expiry';
import type { AcceptedEvent, Declined } from '../shared/sender';
import { superOfficeApi } from './api';
import { ApiSession } from './session';
import type { CallLimits } from './session';

/*
 * The loop guard: a workflow that writes back to SuperOffice makes SuperOffice send `sale.changed`,
 * `contact.changed`, … for its own write, and a workflow listening to those would run again.
 * SuperOffice names who made a change (`ChangedByAssociateId`); the API user's own associate is
 * `GET /api/v1/User/currentAssociate` (SuperOffice WebAPI reference, rest/User/), asked once per
 * credential and kept for an hour. Events by that associate, or by associates the user lists, are
 * acknowledged without running. When the associate cannot be found, the event runs (and the log
 * says why): a genuine event is never dropped for want of an answer.
 */

/** How long the API user's associate is kept; a failed look-up is tried again after a minute. */
const ASSOCIATE_TTL_MS = 60 * 60_000;
const FAILED_LOOKUP_MS = 60_000;

/** The look-up is made while SuperOffice waits for its answer: two short tries. */
const LOOKUP_LIMITS: CallLimits = {
	attempts: 2,
	attemptTimeoutMs: 4000,
	totalMs: 8000,
	backoffMs: 500,
};

const associates = new ExpiringMap<string, number>();
const failedLookups = new ExpiringMap<string, string>();

/** Associate ids from a comma-separated list (`12, 37`). */
export function associateIds(text: unknown): Set<number> {
	return new Set(
		String(text ?? '')
			.split(/[\s,;]+/)
			.map(Number)
			.filter((id) => Number.isInteger(id) && id > 0),
	);
}

/** The associate behind an API credential, or why it could not be found. */
async function apiUserAssociate(
	context: IWebhookFunctions,
	credentialType: string,
): Promise<number | string> {
	const key = `${credentialType}:${context.getNode().credentials?.[credentialType]?.id ?? ''}`;
	const known = associates.get(key) ?? failedLookups.get(key);
	if (known !== undefined) return known;
	const now = Date.now();
	try {
		const connection = await superOfficeApi(context, credentialType);
		if ('refused' in connection) throw new Error(connection.refused);
		const session = new ApiSession(connection.api, LOOKUP_LIMITS);
		const answer = (await session.call('GET', 'User/currentAssociate', undefined, {
			repeatable: true,
		})) as IDataObject;
		const id = Number(answer?.AssociateId);
		if (!Number.isInteger(id) || id <= 0) throw new Error('SuperOffice named no AssociateId');
		associates.set(key, id, now + ASSOCIATE_TTL_MS);
		return id;
	} catch (error) {
		const reason = (error as Error).message;
		failedLookups.set(key, reason, now + FAILED_LOOKUP_MS);
		return reason;
	}
}

/** Forgets the associates found (tests: a new process). */
export function forgetApiUsers(): void {
	associates.clear();
	failedLookups.clear();
}

/**
 * Whether an event is a change the trigger is told to skip: made by an associate listed under
 * Skip Changes by Associates, or, with Skip Changes Made by the API User on, by the API user.
 */
export function declineSkippedChanges(
	context: IWebhookFunctions,
	event: Pick<AcceptedEvent, 'body' | 'name'>,
	settings: IDataObject,
	credentialType: () => string | undefined,
): Declined | undefined | Promise<Declined | undefined> {
	const changedBy = event.body.ChangedByAssociateId;
	if (typeof changedBy !== 'number' || changedBy <= 0) return undefined;
	if (associateIds(settings.skipAssociates).has(changedBy)) {
		return {
			reason: 'skipped-associate',
			message: `${event.name} was made by associate ${changedBy}, listed under Skip Changes by Associates; acknowledged without running the workflow`,
		};
	}
	if (context.getNodeParameter('skipOwnChanges', false) !== true) return undefined;
	const type = credentialType();
	if (type === undefined) return undefined;
	return apiUserAssociate(context, type).then((own) => {
		if (typeof own === 'string') {
			context.logger.warn(
				`SuperOffice event ${event.name}: the API user's associate could not be found, so the event runs even if the workflow's own write caused it: ${own}`,
			);
			return undefined;
		}
		if (own !== changedBy) return undefined;
		return {
			reason: 'own-change',
			message: `${event.name} was made by the API user (associate ${own}), as a workflow's own write to SuperOffice is; acknowledged without running the workflow (Skip Changes Made by the API User)`,
		};
	});
}
