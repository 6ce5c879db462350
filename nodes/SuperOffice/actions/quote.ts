import type { INodeProperties } from 'n8n-workflow';

import { readQuote } from '../quote';
import { idParameter, itemId, showFor } from './fields';
import type { Operation } from './fields';

/*
 * Quotes, read as the SuperOffice Trigger's Include Record reads them (../quote.ts): `quote`, a
 * summary to map by clicking, and `record`, SuperOffice's entities as returned.
 */

export const quoteProperties: INodeProperties[] = showFor(
	'quote',
	['get'],
	[idParameter('quoteId', 'Quote ID', 'The ID of the quote (QuoteId; a quote event’s PrimaryKey)')],
);

export const quoteOperations: Record<string, Operation> = {
	async get(context, item, calls) {
		const id = itemId(context, item, 'quoteId', 'Quote ID');
		return [{ ...(await readQuote(calls.reader(id), id)) }];
	},
};
