import type { IDataObject } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import type { ApiResponse, SuperOfficeApi } from './api';

/*
 * Include Record: the record a SuperOffice event names, read from SuperOffice's REST API before
 * the execution starts, so that a workflow can email a customer or create an order without
 * another node. SuperOffice has already been answered when this runs (see the pipeline): a slow
 * or failing API delays the execution, never the delivery, and never loses the event.
 *
 * Endpoints (SuperOffice WebAPI reference, https://docs.superoffice.com/en/api/reference/restful/):
 * - records by id: `GET Contact/{id}`, `Person/{id}`, `Sale/{id}`, `Project/{id}`,
 *   `Appointment/{id}` (activity events: PrimaryKey is the appointment id), `Document/{id}`,
 *   `Ticket/{id}`; 404 when the id does not exist (rest/index.html);
 * - quotes have no REST resource, only the Quote agent: `POST Agents/Quote/GetQuoteEntity`
 *   `{QuoteId}`, `GetQuoteVersion` `{QuoteVersionId}`, `GetQuoteAlternatives` `{QuoteVersionId}`,
 *   `GetQuoteLines` `{QuoteAlternativeId}` (agent/Quote_Agent/). Agents answer an unknown id
 *   with 200 and a `null` body, not 404 (agents-webapi/index.html);
 * - associates have no REST resource with an email: a sales rep's email is on the person record
 *   behind `Sale.Associate.PersonId` (`GET Person/{id}`, `Emails[0].Value`).
 */

/** Reads from the tenant's API (see api.ts); records only need GET and POST. */
export type RecordApi = SuperOfficeApi;

/** How long and how often reading may try. */
export interface RecordLimits {
	/** Tries per API call (the first and the retries after 429, 5xx, time-outs, network errors). */
	attempts: number;
	/** Time limit of one try. */
	attemptTimeoutMs: number;
	/** Time limit for everything read for one event; the execution starts when it is reached. */
	totalMs: number;
	/** Wait before the first retry, doubled for each one after (unless SuperOffice says Retry-After). */
	backoffMs: number;
}

export const RECORD_LIMITS: RecordLimits = {
	attempts: 3,
	attemptTimeoutMs: 5000,
	totalMs: 15000,
	backoffMs: 500,
};

/** Why a record is not on the item, in a word an If node can test. */
export type RecordError =
	| 'deleted'
	| 'no-credential'
	| 'not-readable'
	| 'not-found'
	| 'unauthorized'
	| 'forbidden'
	| 'throttled'
	| 'server-error'
	| 'timeout'
	| 'unreachable'
	| 'request-failed'
	| 'unexpected-answer';

/** `_record` on every item when Include Record is on: whether the record was read, and if not why. */
export interface RecordStatus extends IDataObject {
	read: boolean;
	error: RecordError | null;
	/** The HTTP status of the call that failed, when there was one. */
	status: number | null;
	message: string;
	/** API calls made for this event (retries included). */
	requests: number;
	/** Time spent reading, in milliseconds. */
	durationMs: number;
}

/** What reading adds to an item: the record(s) as SuperOffice returns them, and for quotes a summary. */
export interface RecordFields {
	record?: IDataObject;
	quote?: IDataObject;
	_record: RecordStatus;
}

/**
 * Events whose record can be read by id: entity (as the event names it) → REST resource. A Map:
 * an entity named `constructor` or `__proto__` is not a resource of an object's prototype.
 */
const RESOURCES: ReadonlyMap<string, string> = new Map([
	['contact', 'Contact'],
	['person', 'Person'],
	['sale', 'Sale'],
	['project', 'Project'],
	['activity', 'Appointment'],
	['document', 'Document'],
	['ticket', 'Ticket'],
]);

/** A failed read, with what to put in `_record`. */
class ReadFailure extends Error {
	constructor(
		readonly error: RecordError,
		readonly status: number | null,
		message: string,
	) {
		super(message);
	}
}

const isObject = (value: unknown): value is IDataObject =>
	typeof value === 'object' && value !== null && !Array.isArray(value);

/** SuperOffice's own words from an error body, short. */
function saidBy(body: unknown): string {
	if (!isObject(body)) return '';
	for (const key of ['ErrorMessage', 'Message', 'Error']) {
		const value = body[key];
		if (typeof value === 'string' && value.trim() !== '')
			return ` SuperOffice said: “${value.trim().slice(0, 200)}”`;
	}
	return '';
}

/** Seconds (or an HTTP date) in a Retry-After header, as milliseconds. */
export function retryAfterMs(
	headers: Record<string, unknown>,
	now = Date.now(),
): number | undefined {
	const raw = headers['retry-after'] ?? headers['Retry-After'];
	const value = Array.isArray(raw) ? raw[0] : raw;
	if (typeof value !== 'string' && typeof value !== 'number') return undefined;
	const text = String(value).trim();
	if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
	const date = Date.parse(text);
	return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** One event's reading: counts calls and keeps to the time limit. */
class Reader {
	requests = 0;

	private readonly deadline: number;

	constructor(
		private readonly api: RecordApi,
		private readonly limits: RecordLimits,
		readonly started = Date.now(),
	) {
		this.deadline = started + limits.totalMs;
	}

	private remaining(): number {
		return this.deadline - Date.now();
	}

	/** One try, bounded by the attempt limit and what is left of the total. */
	private async attempt(
		method: 'GET' | 'POST',
		path: string,
		body: IDataObject | undefined,
	): Promise<ApiResponse | 'timeout' | 'unreachable'> {
		const timeout = Math.min(this.limits.attemptTimeoutMs, this.remaining());
		if (timeout <= 0) return 'timeout';
		this.requests += 1;
		// The request has its own time limit; this one also covers a helper that ignores it.
		const expired = sleep(timeout).then(() => 'timeout' as const);
		return await Promise.race([
			this.api(method, path, body, timeout).catch((error: unknown) => {
				const { code, message } = (error ?? {}) as { code?: string; message?: string };
				return code === 'ECONNABORTED' || code === 'ETIMEDOUT' || /timeout/i.test(message ?? '')
					? ('timeout' as const)
					: ('unreachable' as const);
			}),
			expired,
		]);
	}

	/** Calls the API, retrying 429, 5xx, time-outs and network errors with back-off, within the limits. */
	async call(
		what: string,
		method: 'GET' | 'POST',
		path: string,
		body?: IDataObject,
	): Promise<unknown> {
		let failure: ReadFailure | undefined;
		for (let attempt = 1; attempt <= this.limits.attempts; attempt++) {
			const response = await this.attempt(method, path, body);
			let waitMs = this.limits.backoffMs * 2 ** (attempt - 1);
			if (response === 'timeout') {
				failure = new ReadFailure(
					'timeout',
					null,
					`SuperOffice did not answer in time when reading ${what}`,
				);
			} else if (response === 'unreachable') {
				failure = new ReadFailure(
					'unreachable',
					null,
					`SuperOffice could not be reached to read ${what}`,
				);
			} else {
				const { statusCode, body: answer } = response;
				if (statusCode >= 200 && statusCode < 300) {
					if (answer === null || answer === undefined || answer === '') {
						// How the agents say "no such id".
						throw new ReadFailure(
							'not-found',
							statusCode,
							`SuperOffice has no ${what}: deleted since the event, or not visible to the API user`,
						);
					}
					if (typeof answer !== 'object') {
						throw new ReadFailure(
							'unexpected-answer',
							statusCode,
							`SuperOffice answered ${what} with something that is not JSON`,
						);
					}
					return answer;
				}
				const said = saidBy(answer);
				if (statusCode >= 300 && statusCode < 400) {
					throw new ReadFailure(
						'request-failed',
						statusCode,
						`SuperOffice's API answered ${what} with a redirect (${statusCode}); n8n does not follow redirects with your credential: set the credential's API base URL to the address the API really has`,
					);
				}
				if (statusCode === 404) {
					throw new ReadFailure(
						'not-found',
						404,
						`SuperOffice has no ${what} (404): deleted since the event, or not visible to the API user.${said}`,
					);
				}
				if (statusCode === 401) {
					throw new ReadFailure(
						'unauthorized',
						401,
						`SuperOffice did not accept the API credential (401) when reading ${what}: check or reconnect it.${said}`,
					);
				}
				if (statusCode === 403) {
					throw new ReadFailure(
						'forbidden',
						403,
						`SuperOffice refused to show ${what} (403): the API user lacks the rights to it.${said}`,
					);
				}
				if (statusCode === 429) {
					failure = new ReadFailure(
						'throttled',
						429,
						`SuperOffice is limiting requests (429) and did not serve ${what} in time.${said}`,
					);
					waitMs = retryAfterMs(response.headers ?? {}) ?? waitMs;
				} else if (statusCode >= 500) {
					failure = new ReadFailure(
						'server-error',
						statusCode,
						`SuperOffice failed (${statusCode}) when reading ${what}.${said}`,
					);
					waitMs = retryAfterMs(response.headers ?? {}) ?? waitMs;
				} else {
					throw new ReadFailure(
						'request-failed',
						statusCode,
						`SuperOffice answered ${statusCode} when asked for ${what}.${said}`,
					);
				}
			}
			// Retry only when the wait and a useful try still fit in the time limit.
			if (attempt === this.limits.attempts || waitMs >= this.remaining()) break;
			await sleep(waitMs);
		}
		throw failure!;
	}
}

const NO_DATE = /^0001-01-01/;

/** SuperOffice writes "no date" as 0001-01-01; a summary says null. */
function dateOrNull(value: unknown): string | null {
	return typeof value === 'string' && value !== '' && !NO_DATE.test(value) ? value : null;
}

const text = (value: unknown): string | null =>
	typeof value === 'string' && value.trim() !== '' ? value : null;

const numberOr = (value: unknown, fallback: number | null = null): number | null =>
	typeof value === 'number' && Number.isFinite(value) ? value : fallback;

const firstValue = (list: unknown): string | null =>
	Array.isArray(list) && isObject(list[0]) ? text(list[0].Value) : null;

const positiveId = (value: unknown): number | undefined =>
	typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : undefined;

/** A quote line as a person writing an order reads it. */
function lineSummary(line: IDataObject): IDataObject {
	return {
		product: text(line.Name),
		code: text(line.Code),
		description: text(line.Description),
		quantity: numberOr(line.Quantity),
		unit: text(line.QuantityUnit),
		unitPrice: numberOr(line.UnitListPrice),
		discountPercent: numberOr(line.DiscountPercent),
		discountAmount: numberOr(line.DiscountAmount),
		vatPercent: numberOr(line.VAT),
		total: numberOr(line.TotalPrice),
	};
}

function alternativeSummary(alternative: IDataObject, lines: IDataObject[]): IDataObject {
	return {
		id: numberOr(alternative.QuoteAlternativeId),
		name: text(alternative.Name),
		description: text(alternative.Description),
		subTotal: numberOr(alternative.SubTotal),
		discountPercent: numberOr(alternative.DiscountPercent),
		discountAmount: numberOr(alternative.DiscountAmount),
		vat: numberOr(alternative.VAT),
		total: numberOr(alternative.TotalPrice),
		lines: lines.map(lineSummary),
	};
}

/** The fields a quote email or order needs, flat, with SuperOffice's "none" values as null. */
function quoteSummary(parts: {
	quote: IDataObject;
	version: IDataObject | undefined;
	alternatives: IDataObject[];
	lines: IDataObject[][];
	sale: IDataObject | undefined;
	salesRep: IDataObject | undefined;
}): IDataObject {
	const { quote, version, alternatives, lines, sale, salesRep } = parts;
	const alternativeSummaries = alternatives.map((alternative, index) =>
		alternativeSummary(alternative, lines[index] ?? []),
	);
	// The alternative the customer accepted, else the one marked likely, else the first.
	const chosenId =
		positiveId(quote.AcceptedQuoteAlternativeId) ?? positiveId(version?.LikelyQuoteAlternativeId);
	const chosen =
		alternativeSummaries.find((alternative) => alternative.id === chosenId) ??
		alternativeSummaries[0];
	const contact = isObject(sale?.Contact) ? sale.Contact : {};
	const person = isObject(sale?.Person) ? sale.Person : {};
	const associate = isObject(sale?.Associate) ? sale.Associate : {};
	const currency = isObject(sale?.Currency) ? sale.Currency : {};
	return {
		id: numberOr(quote.QuoteId),
		number: text(version?.Number),
		title: text(sale?.Heading),
		state: text(version?.State),
		status: text(version?.Status),
		currency: text(currency.Value),
		total: chosen === undefined ? null : chosen.total,
		validUntil: dateOrNull(version?.ExpirationDate),
		sentDate: dateOrNull(version?.SentDate),
		poNumber: text(quote.PoNumber),
		orderComment: text(quote.OrderComment),
		saleId: numberOr(quote.SaleId),
		customer: {
			company: text(contact.Name),
			companyEmail: text(contact.EmailAddress),
			companyPhone: text(contact.DirectPhone),
			name: text(person.FullName),
			firstName: text(person.Firstname),
			lastName: text(person.Lastname),
			email: text(person.Email),
			phone: text(person.DirectPhone) ?? text(person.MobilePhone),
		},
		salesRep: {
			name: text(associate.FullName) ?? text(salesRep?.FullName),
			email: firstValue(salesRep?.Emails),
			phone: firstValue(salesRep?.OfficePhones) ?? firstValue(salesRep?.MobilePhones),
		},
		alternative: chosen ?? null,
		lines: chosen === undefined ? [] : chosen.lines,
		alternatives: alternativeSummaries,
	};
}

/**
 * A quote event's quote: the quote, its active version with its alternatives and their lines, the
 * sale it belongs to (company, contact person, sales rep) and the rep's person record for an email.
 * Three rounds of calls; the calls within a round go in parallel.
 */
async function readQuote(reader: Reader, quoteId: number): Promise<Omit<RecordFields, '_record'>> {
	const quote = (await reader.call(`quote ${quoteId}`, 'POST', 'Agents/Quote/GetQuoteEntity', {
		QuoteId: quoteId,
	})) as IDataObject;
	const versionId = positiveId(quote.ActiveQuoteVersionId);
	const saleId = positiveId(quote.SaleId);
	const [version, alternatives, sale] = await Promise.all([
		versionId === undefined
			? undefined
			: (reader.call(
					`version ${versionId} of quote ${quoteId}`,
					'POST',
					'Agents/Quote/GetQuoteVersion',
					{
						QuoteVersionId: versionId,
					},
				) as Promise<IDataObject>),
		versionId === undefined
			? []
			: (reader.call(
					`the alternatives of quote ${quoteId}`,
					'POST',
					'Agents/Quote/GetQuoteAlternatives',
					{ QuoteVersionId: versionId },
				) as Promise<unknown>),
		saleId === undefined
			? undefined
			: (reader.call(
					`sale ${saleId} of quote ${quoteId}`,
					'GET',
					`Sale/${saleId}`,
				) as Promise<IDataObject>),
	]);
	const alternativeList = (Array.isArray(alternatives) ? alternatives : []).filter(isObject);
	const repPersonId = positiveId(isObject(sale?.Associate) ? sale.Associate.PersonId : undefined);
	const [lines, salesRep] = await Promise.all([
		Promise.all(
			alternativeList.map(async (alternative) => {
				const id = positiveId(alternative.QuoteAlternativeId);
				if (id === undefined) return [];
				const answer = await reader.call(
					`the lines of quote ${quoteId}`,
					'POST',
					'Agents/Quote/GetQuoteLines',
					{ QuoteAlternativeId: id },
				);
				return (Array.isArray(answer) ? answer : []).filter(isObject);
			}),
		),
		repPersonId === undefined
			? undefined
			: (reader.call(
					`the sales rep's person ${repPersonId}`,
					'GET',
					`Person/${repPersonId}`,
				) as Promise<IDataObject>),
	]);
	return {
		quote: quoteSummary({ quote, version, alternatives: alternativeList, lines, sale, salesRep }),
		record: {
			Quote: quote,
			ActiveVersion: version ?? null,
			Alternatives: alternativeList.map((alternative, index) => ({
				...alternative,
				QuoteLines: lines[index],
			})),
			Sale: sale ?? null,
			SalesRepPerson: salesRep ?? null,
		},
	};
}

function status(
	reader: Reader | undefined,
	error: RecordError | null,
	code: number | null,
	message: string,
): RecordStatus {
	return {
		read: error === null,
		error,
		status: code,
		message,
		requests: reader?.requests ?? 0,
		durationMs: reader === undefined ? 0 : Date.now() - reader.started,
	};
}

/** `_record` for an event whose record was not even asked for. */
export function unread(error: RecordError, message: string): RecordFields {
	return { _record: status(undefined, error, null, message) };
}

/**
 * Reads the record an event names. Never throws: what could not be read is said in `_record`,
 * and the event's own fields (for a deleted record, `Values`) stay on the item.
 */
export async function readRecord(
	api: RecordApi,
	event: IDataObject,
	limits: RecordLimits = RECORD_LIMITS,
): Promise<RecordFields> {
	const entity = typeof event.Entity === 'string' ? event.Entity.toLowerCase() : '';
	const name = typeof event.Event === 'string' ? event.Event.toLowerCase() : '';
	const id = positiveId(event.PrimaryKey);
	if (name.endsWith('.deleted')) {
		return {
			_record: status(
				undefined,
				'deleted',
				null,
				`The ${entity} was deleted: SuperOffice can no longer return it. Values holds its last values.`,
			),
		};
	}
	const isQuote = entity === 'quote';
	const resource = RESOURCES.get(entity);
	if ((!isQuote && resource === undefined) || id === undefined) {
		return {
			_record: status(
				undefined,
				'not-readable',
				null,
				id === undefined
					? `The event names no record (PrimaryKey ${String(event.PrimaryKey)})`
					: `SuperOffice's API has no record to read for ${entity || 'these'} events`,
			),
		};
	}
	const reader = new Reader(api, limits);
	try {
		const fields = isQuote
			? await readQuote(reader, id)
			: {
					record: (await reader.call(`${entity} ${id}`, 'GET', `${resource}/${id}`)) as IDataObject,
				};
		return { ...fields, _record: status(reader, null, null, `Read ${entity} ${id}`) };
	} catch (error) {
		if (error instanceof ReadFailure) {
			return { _record: status(reader, error.error, error.status, error.message) };
		}
		return {
			_record: status(
				reader,
				'unexpected-answer',
				null,
				`Reading ${entity} ${id} failed: SuperOffice's answer could not be used`,
			),
		};
	}
}
