import type { IDataObject } from 'n8n-workflow';

import type { ReadOne } from '../quote';
import { ApiSession, CallFailure } from '../session';
import type { CallLimits } from '../session';
import type { SuperOfficeApi } from '../api';

/*
 * SuperOffice's REST entities as the SuperOffice node reads and writes them (SuperOffice WebAPI
 * reference, rest/<Entity>/index.html): `GET <Entity>/{id}`; create = `GET <Entity>/default` (the
 * entity with NetServer's defaults, "required when creating a new instance") filled in, then
 * `POST <Entity>`; update = the entity read, changed, and the changed fields sent as a JSON Patch
 * (`PATCH <Entity>/{id}`, RFC 6902), so that fields the node does not touch are left as they are;
 * search = an OData query over the entity's archive (`GET <Entity>?$select=…&$filter=…&$top=…`),
 * then each found entity read by id. Reads, patches and the default are repeated after a failure
 * that leaves their outcome unknown; a POST is not (session.ts).
 */

/** The entities the node writes, with their REST resource and id field. */
export const ENTITIES = {
	sale: { resource: 'Sale', key: 'SaleId', label: 'sale' },
	company: { resource: 'Contact', key: 'ContactId', label: 'company' },
	person: { resource: 'Person', key: 'PersonId', label: 'person' },
	followUp: { resource: 'Appointment', key: 'AppointmentId', label: 'follow-up' },
} as const;

export type EntityName = keyof typeof ENTITIES;

/** Time limits of one item's calls: 15 s a try, 3 tries, 60 s in all. */
export const ACTION_LIMITS: CallLimits = {
	attempts: 3,
	attemptTimeoutMs: 15_000,
	totalMs: 60_000,
	backoffMs: 1_000,
};

/** What an item's calls were about, for messages: "update sale 1021". */
export interface Purpose {
	action: 'read' | 'create' | 'update' | 'search' | 'list';
	entity: string;
	id?: number | string;
}

/** A call of the node that failed: a message, a description with what to do, SuperOffice's status. */
export class ActionFailure extends Error {
	constructor(
		message: string,
		readonly description: string,
		readonly status: number | null,
	) {
		super(message);
	}
}

/** "sales", "companies". */
const plural = (noun: string) => (noun.endsWith('y') ? `${noun.slice(0, -1)}ies` : `${noun}s`);

/** What each kind of failure says: a message and what to do, given the item's words. */
type Explain = (words: {
	verb: string;
	which: string;
	entity: string;
	id?: number | string;
	status: number | null;
	made: string;
}) => [message: string, description: string];

const EXPLAIN: Record<Exclude<CallFailure['kind'], 'request-failed'>, Explain> = {
	unauthorized: () => [
		'SuperOffice did not accept the API credential (401)',
		'Check the credential, or reconnect it.',
	],
	forbidden: ({ verb, which, entity }) => [
		`SuperOffice refused to ${verb} ${which} (403)`,
		`The API user lacks the rights to ${verb} ${plural(entity)}: give the user behind the credential the role or licence for it in SuperOffice.`,
	],
	'not-found': ({ entity, id }) => [
		id === undefined
			? `SuperOffice found no ${entity}`
			: `SuperOffice has no ${entity} with ID ${id}`,
		'It may have been deleted, or the API user may not see it.',
	],
	throttled: () => [
		'SuperOffice is limiting requests (429)',
		'Try again later, or send fewer items at a time.',
	],
	timeout: ({ verb, which, made }) => [
		`SuperOffice did not answer in time to ${verb} ${which}`,
		made || 'Try again later.',
	],
	unreachable: ({ verb, which, made }) => [
		`SuperOffice could not be reached to ${verb} ${which}`,
		made || "Check the credential's API base URL.",
	],
	'server-error': ({ verb, which, status, made }) => [
		`SuperOffice failed (${status}) to ${verb} ${which}`,
		made || 'Try again later.',
	],
	'unexpected-answer': ({ verb, which }) => [
		`SuperOffice's answer to ${verb} ${which} was not JSON`,
		"Check the credential's API base URL (…/api/v1).",
	],
};

/** An answer SuperOffice gave that fits no other kind: a redirect, a 400, a 409. */
const requestFailed: Explain = ({ verb, which, status }) =>
	status !== null && status >= 300 && status < 400
		? [
				`SuperOffice's API answered with a redirect (${status})`,
				"n8n does not follow redirects with your credential: set the credential's API base URL to the address the API really has.",
			]
		: [`SuperOffice refused to ${verb} ${which} (${status})`, 'Check the values sent.'];

/** The message and hint for a failed call, in the words of what the item was doing. */
export function describeFailure(failure: CallFailure, purpose: Purpose): ActionFailure {
	const { entity, id, action } = purpose;
	const which =
		id !== undefined ? `${entity} ${id}` : action === 'create' ? `a ${entity}` : plural(entity);
	const made = failure.uncertain
		? `The ${entity} may have been created: check in SuperOffice before running this item again (it was not sent twice).`
		: '';
	const explain = failure.kind === 'request-failed' ? requestFailed : EXPLAIN[failure.kind];
	const words = { verb: action, which, entity, id, status: failure.status, made };
	const [message, description] = explain(words);
	const said = failure.said ? ` SuperOffice said: “${failure.said}”` : '';
	return new ActionFailure(message, `${description}${said}`.trim(), failure.status);
}

/** One item's calls to SuperOffice, each failure turned into an ActionFailure. */
export class ItemCalls {
	readonly session: ApiSession;

	constructor(api: SuperOfficeApi) {
		this.session = new ApiSession(api, ACTION_LIMITS);
	}

	async call(
		method: Parameters<SuperOfficeApi>[0],
		path: string,
		body: IDataObject | IDataObject[] | undefined,
		purpose: Purpose,
		options: { repeatable: boolean; emptyIsNotFound?: boolean },
	): Promise<unknown> {
		return await this.session
			.call(method, path, body, options)
			.catch((failure: unknown) =>
				Promise.reject(
					failure instanceof CallFailure ? describeFailure(failure, purpose) : failure,
				),
			);
	}

	/** Reads for quote.ts: the agents answer an unknown id with an empty body. */
	reader(quoteId: number): ReadOne {
		return async (_what, method, path, body) =>
			await this.call(
				method,
				path,
				body,
				{ action: 'read', entity: 'quote', id: quoteId },
				{
					repeatable: true,
					emptyIsNotFound: true,
				},
			);
	}

	async get(entity: EntityName, id: number): Promise<IDataObject> {
		const { resource, label } = ENTITIES[entity];
		const purpose: Purpose = { action: 'read', entity: label, id };
		return (await this.call('GET', `${resource}/${id}`, undefined, purpose, {
			repeatable: true,
		})) as IDataObject;
	}

	/** The entity with SuperOffice's defaults, changed by `fill`, created. */
	async create(entity: EntityName, fill: (draft: IDataObject) => void): Promise<IDataObject> {
		const { resource, label } = ENTITIES[entity];
		const purpose: Purpose = { action: 'create', entity: label };
		const draft = (await this.call('GET', `${resource}/default`, undefined, purpose, {
			repeatable: true,
		})) as IDataObject;
		fill(draft);
		return (await this.call('POST', resource, draft, purpose, {
			repeatable: false,
		})) as IDataObject;
	}

	/** The entity read, changed by `change`, and its changed fields patched (nothing sent when none). */
	async update(
		entity: EntityName,
		id: number,
		change: (draft: IDataObject) => void,
	): Promise<IDataObject> {
		const { resource, label } = ENTITIES[entity];
		const current = await this.get(entity, id);
		const draft = JSON.parse(JSON.stringify(current)) as IDataObject;
		change(draft);
		const patch = Object.keys(draft)
			.filter((field) => JSON.stringify(draft[field]) !== JSON.stringify(current[field]))
			.map((field) => ({ op: 'replace', path: `/${field}`, value: draft[field] }) as IDataObject);
		if (patch.length === 0) return current;
		const purpose: Purpose = { action: 'update', entity: label, id };
		return (await this.call('PATCH', `${resource}/${id}`, patch, purpose, {
			repeatable: true,
		})) as IDataObject;
	}

	/** The entities a search finds (at most `limit`), each read by id. */
	async search(entity: EntityName, filter: string, limit: number): Promise<IDataObject[]> {
		const { resource, label } = ENTITIES[entity];
		const idColumn = entity === 'company' ? 'contactId' : 'personId';
		const query = `$select=${idColumn}&$filter=${encodeURIComponent(filter)}&$top=${limit}`;
		const purpose: Purpose = { action: 'search', entity: label };
		const answer = (await this.call('GET', `${resource}?${query}`, undefined, purpose, {
			repeatable: true,
		})) as IDataObject;
		const rows = Array.isArray(answer?.value) ? (answer.value as IDataObject[]) : [];
		const found: IDataObject[] = [];
		for (const row of rows.slice(0, limit)) {
			const id = Number(row.PrimaryKey ?? row[idColumn]);
			if (Number.isInteger(id) && id > 0) found.push(await this.get(entity, id));
		}
		return found;
	}
}

/** A text value for an OData filter: quoted, with quotes doubled. */
export function odataText(value: string): string {
	return `'${value.replace(/'/g, "''")}'`;
}
