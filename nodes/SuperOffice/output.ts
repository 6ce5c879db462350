import { z } from 'zod/v4';

import { itemSchema } from '../shared/outputSchema';
import { superOfficeEventSchema } from './events';

/** A SuperOffice Trigger item: the body as sent, plus the delivery headers. */
export const superOfficeItemSchemas = [
	itemSchema(
		superOfficeEventSchema.extend({
			_delivery: z.object({
				event: z.string().nullable(),
				eventId: z.string().nullable(),
				retry: z.number().nullable(),
				hookTest: z.boolean(),
				userAgent: z.string().nullable(),
			}),
		}),
	),
];
