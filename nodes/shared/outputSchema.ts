import { z } from 'zod/v4';

/*
 * Schemas of the items the triggers emit (not of what senders send): the build turns them into
 * the `__schema__` files n8n's editor uses to list a trigger's fields before its first event.
 */

/** `_validation`, present on items whose event surprised the trigger. */
export const validationSchema = z
	.object({
		valid: z.boolean(),
		unknownEvent: z.boolean().optional(),
		issues: z.array(z.object({ path: z.string(), message: z.string() })),
		/** Differences beyond the first ones listed in `issues`. */
		moreIssues: z.number().optional(),
		/** A field the sender itself named `_validation`, kept here. */
		sent: z.looseObject({}).optional(),
	})
	.optional();

/** A sender's schema with the fields the triggers add to every item. */
export function itemSchema<T extends z.ZodObject>(schema: T) {
	return schema.extend({ _validation: validationSchema });
}
