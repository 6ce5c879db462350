import type { IDataObject } from 'n8n-workflow';

/*
 * A quote as a person writing an order or an email reads it: SuperOffice has no REST resource for
 * quotes, only the Quote agent (agent/Quote_Agent/ in SuperOffice's WebAPI reference):
 * `POST Agents/Quote/GetQuoteEntity` `{QuoteId}`, `GetQuoteVersion` `{QuoteVersionId}`,
 * `GetQuoteAlternatives` `{QuoteVersionId}`, `GetQuoteLines` `{QuoteAlternativeId}`; agents answer
 * an unknown id with 200 and a `null` body. The sale the quote belongs to (`GET Sale/{id}`: company,
 * contact person, sales rep) and the rep's person record (`GET Person/{id}`: associates have no REST
 * resource with an email) complete it. The SuperOffice Trigger's Include Record and the SuperOffice
 * node's Quote → Get both read a quote here.
 */

/** Reads one thing from the API, `what` naming it in messages; fails with a message that says what. */
export type ReadOne = (
	what: string,
	method: 'GET' | 'POST',
	path: string,
	body?: IDataObject,
) => Promise<unknown>;

/** A quote's summary (`quote`) and SuperOffice's entities as returned (`record`). */
export interface QuoteRead {
	quote: IDataObject;
	record: IDataObject;
}

const isObject = (value: unknown): value is IDataObject =>
	typeof value === 'object' && value !== null && !Array.isArray(value);

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
export function quoteSummary(parts: {
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

interface QuoteParts {
	version: IDataObject | undefined;
	alternatives: IDataObject[];
	sale: IDataObject | undefined;
}

/** The quote's active version, its alternatives and its sale: one round of calls in parallel. */
async function quoteParts(read: ReadOne, quoteId: number, quote: IDataObject): Promise<QuoteParts> {
	const versionId = positiveId(quote.ActiveQuoteVersionId);
	const saleId = positiveId(quote.SaleId);
	const of = `of quote ${quoteId}`;
	const [version, alternatives, sale] = await Promise.all([
		versionId === undefined
			? undefined
			: read(`version ${versionId} ${of}`, 'POST', 'Agents/Quote/GetQuoteVersion', {
					QuoteVersionId: versionId,
				}),
		versionId === undefined
			? []
			: read(`the alternatives ${of}`, 'POST', 'Agents/Quote/GetQuoteAlternatives', {
					QuoteVersionId: versionId,
				}),
		saleId === undefined ? undefined : read(`sale ${saleId} ${of}`, 'GET', `Sale/${saleId}`),
	]);
	return {
		version: version as IDataObject | undefined,
		alternatives: (Array.isArray(alternatives) ? alternatives : []).filter(isObject),
		sale: sale as IDataObject | undefined,
	};
}

/** Each alternative's lines and the sales rep's person record: the last round of calls. */
async function linesAndRep(read: ReadOne, quoteId: number, parts: QuoteParts) {
	const { alternatives, sale } = parts;
	const repPersonId = positiveId(isObject(sale?.Associate) ? sale.Associate.PersonId : undefined);
	const [lines, salesRep] = await Promise.all([
		Promise.all(
			alternatives.map(async (alternative) => {
				const id = positiveId(alternative.QuoteAlternativeId);
				if (id === undefined) return [];
				const answer = await read(
					`the lines of quote ${quoteId}`,
					'POST',
					'Agents/Quote/GetQuoteLines',
					{
						QuoteAlternativeId: id,
					},
				);
				return (Array.isArray(answer) ? answer : []).filter(isObject);
			}),
		),
		repPersonId === undefined
			? undefined
			: (read(`the sales rep's person ${repPersonId}`, 'GET', `Person/${repPersonId}`) as Promise<
					IDataObject | undefined
				>),
	]);
	return { lines, salesRep };
}

/**
 * A quote: the quote, its active version with its alternatives and their lines, the sale it belongs
 * to (company, contact person, sales rep) and the rep's person record for an email. Three rounds of
 * calls; the calls within a round go in parallel.
 */
export async function readQuote(read: ReadOne, quoteId: number): Promise<QuoteRead> {
	const quote = (await read(`quote ${quoteId}`, 'POST', 'Agents/Quote/GetQuoteEntity', {
		QuoteId: quoteId,
	})) as IDataObject;
	const parts = await quoteParts(read, quoteId, quote);
	const { lines, salesRep } = await linesAndRep(read, quoteId, parts);
	const { version, alternatives, sale } = parts;
	return {
		quote: quoteSummary({ quote, version, alternatives, lines, sale, salesRep }),
		record: {
			Quote: quote,
			ActiveVersion: version ?? null,
			Alternatives: alternatives.map((alternative, index) => ({
				...alternative,
				QuoteLines: lines[index],
			})),
			Sale: sale ?? null,
			SalesRepPerson: salesRep ?? null,
		},
	};
}
