import { z } from 'zod/v4';

import { itemSchema } from '../shared/outputSchema';
import { bookingConfirmedSchema, personSchema, qondorTopics } from './topics';

const customFields = z.record(z.string(), z.string().nullable());
const personItem = personSchema.extend({ customFields });

/** Booking Confirmed as one item: each person gets a `customFields` map. */
const bookingItem = bookingConfirmedSchema.extend({ booker: personItem, participants: z.array(personItem) });

/** Booking Confirmed as one item per person: the person's fields, and the booking under `booking`. */
const participantItem = personItem.extend({
	booking: bookingConfirmedSchema.omit({ booker: true, participants: true }),
});

/** Every shape a Qondor Trigger item can have, whatever topics and options are chosen. */
export const qondorItemSchemas = [
	...qondorTopics.map((topic) => topic.schema as z.ZodObject),
	bookingItem,
	participantItem,
].map(itemSchema);
