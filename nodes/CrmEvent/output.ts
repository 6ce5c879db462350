import { z } from 'zod/v4';

import { itemSchema } from '../shared/outputSchema';
import {
	anyPayloadSchema,
	clientSchema,
	contactSchema,
	dealSchema,
	formResponseSchema,
	invoiceSchema,
	leadSchema,
	quotationSchema,
} from './events';

/** Every shape a CRM Event Trigger item can have: the envelope with each documented payload. */
export const crmEventItemSchemas = [
	leadSchema,
	dealSchema,
	clientSchema,
	contactSchema,
	invoiceSchema,
	quotationSchema,
	formResponseSchema,
	anyPayloadSchema,
].map((payload) =>
	itemSchema(z.looseObject({ event: z.string(), timestamp: z.string(), payload, webhookId: z.string().nullable() })),
);
