import type { IDataObject } from 'n8n-workflow';

import type { BookingConfirmed, BookingPerson, CustomField } from './topics';

/*
 * BookingConfirmedV1 helpers. They read the body defensively: a booking whose fields differ from
 * the documentation still reaches the workflow, so nothing here may assume the schema held.
 */

function isObject(value: unknown): value is IDataObject {
	return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function customFieldKey(field: Partial<CustomField>): string {
	if (typeof field.internalName === 'string' && field.internalName !== '')
		return field.internalName;
	if (typeof field.heading === 'string' && field.heading !== '') return field.heading;
	return `customField${String(field.customFieldId ?? '')}`;
}

/**
 * A person's custom-field answers as `{ internalName: answer }`, so a workflow can map
 * `customFields.dietaryNeeds` without searching `participantFieldsV2`. Several answers (a
 * multiple-choice field) are joined with ", "; a field without answers maps to null.
 */
export function customFieldAnswers(person: Partial<BookingPerson>): IDataObject {
	const answers: IDataObject = {};
	if (!Array.isArray(person.participantFieldsV2)) return answers;
	for (const field of person.participantFieldsV2 as unknown[]) {
		if (!isObject(field)) continue;
		let text: string | null = null;
		if (Array.isArray(field.answers)) {
			for (const answer of field.answers as unknown[]) {
				if (!isObject(answer) || typeof answer.text !== 'string') continue;
				text = text === null ? answer.text : `${text}, ${answer.text}`;
			}
		}
		// Defined, not assigned: a field named `__proto__` (Qondor lets customers name fields) would
		// otherwise set the map's prototype instead of becoming a key.
		Object.defineProperty(answers, customFieldKey(field as Partial<CustomField>), {
			value: text,
			enumerable: true,
			writable: true,
			configurable: true,
		});
	}
	return answers;
}

/*
 * The functions below add to the body in place: it was parsed for this request and nothing else
 * holds it, and copying a booking with many participants costs more than everything else.
 */

function addCustomFields(person: unknown): void {
	if (isObject(person)) person.customFields = customFieldAnswers(person as Partial<BookingPerson>);
}

/** The booking as sent, with `customFields` added to the booker and to every participant. */
export function addCustomFieldMaps(body: IDataObject): IDataObject {
	addCustomFields(body.booker);
	if (Array.isArray(body.participants)) (body.participants as unknown[]).forEach(addCustomFields);
	return body;
}

/**
 * One item per person of a booking: the booker first, then every participant (a participant who
 * is also the booker appears once). Each item holds the person's own fields, their
 * `customFields`, and under `booking` everything else Qondor sent: webhook id, office, project,
 * team, booking details and billing address, names unchanged.
 */
export function splitBookingIntoParticipants(body: IDataObject): IDataObject[] {
	const { booker, participants, ...context } = body as Partial<BookingConfirmed> & IDataObject;
	const people: IDataObject[] = [];
	const seen = new Set<unknown>();
	const add = (person: unknown) => {
		if (!isObject(person)) return;
		const reference = person.participantReference;
		if (reference !== undefined && reference !== null) {
			if (seen.has(reference)) return;
			seen.add(reference);
		}
		addCustomFields(person);
		person.booking = context as IDataObject;
		people.push(person);
	};
	add(booker);
	if (Array.isArray(participants)) (participants as unknown[]).forEach(add);
	return people;
}
