import { z } from 'zod/v4';

/*
 * What Include Record adds to an item, for the editor's field list (`__schema__`): the quote
 * summary of quote events, the records as SuperOffice returns them (main fields only; SuperOffice
 * sends more), and `_record`.
 */

const line = z.object({
	product: z.string().nullable(),
	code: z.string().nullable(),
	description: z.string().nullable(),
	quantity: z.number().nullable(),
	unit: z.string().nullable(),
	unitPrice: z.number().nullable(),
	discountPercent: z.number().nullable(),
	discountAmount: z.number().nullable(),
	vatPercent: z.number().nullable(),
	total: z.number().nullable(),
});

const alternative = z.object({
	id: z.number().nullable(),
	name: z.string().nullable(),
	description: z.string().nullable(),
	subTotal: z.number().nullable(),
	discountPercent: z.number().nullable(),
	discountAmount: z.number().nullable(),
	vat: z.number().nullable(),
	total: z.number().nullable(),
	lines: z.array(line),
});

export const quoteSummarySchema = z.object({
	id: z.number().nullable(),
	number: z.string().nullable(),
	title: z.string().nullable(),
	state: z.string().nullable(),
	status: z.string().nullable(),
	currency: z.string().nullable(),
	total: z.number().nullable(),
	validUntil: z.string().nullable(),
	sentDate: z.string().nullable(),
	poNumber: z.string().nullable(),
	orderComment: z.string().nullable(),
	saleId: z.number().nullable(),
	customer: z.object({
		company: z.string().nullable(),
		companyEmail: z.string().nullable(),
		companyPhone: z.string().nullable(),
		name: z.string().nullable(),
		firstName: z.string().nullable(),
		lastName: z.string().nullable(),
		email: z.string().nullable(),
		phone: z.string().nullable(),
	}),
	salesRep: z.object({
		name: z.string().nullable(),
		email: z.string().nullable(),
		phone: z.string().nullable(),
	}),
	alternative: alternative.nullable(),
	lines: z.array(line),
	alternatives: z.array(alternative),
});

const listItem = z.looseObject({ Id: z.number(), Value: z.string() });

/** A quote event's `record`: the Quote agent's entities and the sale, as SuperOffice returns them. */
export const quoteRecordSchema = z.object({
	Quote: z.looseObject({
		QuoteId: z.number(),
		SaleId: z.number(),
		ActiveQuoteVersionId: z.number(),
		AcceptedQuoteAlternativeId: z.number(),
		PoNumber: z.string(),
		OrderComment: z.string(),
	}),
	ActiveVersion: z
		.looseObject({
			QuoteVersionId: z.number(),
			Number: z.string(),
			Description: z.string(),
			State: z.string(),
			Status: z.string(),
			ExpirationDate: z.string(),
			SentDate: z.string(),
		})
		.nullable(),
	Alternatives: z.array(
		z.looseObject({
			QuoteAlternativeId: z.number(),
			Name: z.string(),
			TotalPrice: z.number(),
			QuoteLines: z.array(
				z.looseObject({
					QuoteLineId: z.number(),
					Name: z.string(),
					Code: z.string(),
					Quantity: z.number(),
					UnitListPrice: z.number(),
					DiscountPercent: z.number(),
					TotalPrice: z.number(),
				}),
			),
		}),
	),
	Sale: z
		.looseObject({
			SaleId: z.number(),
			Heading: z.string(),
			Amount: z.number(),
			Currency: listItem.nullable(),
			Contact: z
				.looseObject({ ContactId: z.number(), Name: z.string(), EmailAddress: z.string() })
				.nullable(),
			Person: z
				.looseObject({ PersonId: z.number(), FullName: z.string(), Email: z.string() })
				.nullable(),
			Associate: z
				.looseObject({ AssociateId: z.number(), FullName: z.string(), PersonId: z.number() })
				.nullable(),
		})
		.nullable(),
	SalesRepPerson: z
		.looseObject({
			PersonId: z.number(),
			FullName: z.string(),
			Emails: z.array(z.looseObject({ Value: z.string() })),
		})
		.nullable(),
});

export const recordStatusSchema = z.object({
	read: z.boolean(),
	error: z.string().nullable(),
	status: z.number().nullable(),
	message: z.string(),
	requests: z.number(),
	durationMs: z.number(),
});
