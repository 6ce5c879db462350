import type { z } from 'zod/v4';

import { crmEvents } from '../../nodes/CrmEvent/events';
import { qondorTopics } from '../../nodes/Qondor/topics';
import { superOfficeEventSchema } from '../../nodes/SuperOffice/events';
import { certainlyValid, findIssues, MAX_REPORTED_ISSUES } from '../../nodes/shared/validation';
import { seededRandom } from '../../scripts/lib/random';
import { loadSamples } from '../../scripts/lib/registry';

/*
 * certainlyValid is a shortcut past zod for bodies that match: it must never accept what zod
 * refuses. Checked on every documented payload and on thousands of seeded mutations of them.
 */

const replacements: unknown[] = [
	null,
	undefined,
	0,
	-1.5,
	'',
	'text',
	true,
	false,
	[],
	[1, 'a'],
	{},
	{ a: 1 },
	Number.NaN,
];

/** A copy of the value with one randomly chosen place changed, removed or given another type. */
function mutate(value: unknown, random: () => number): unknown {
	const copy = JSON.parse(JSON.stringify(value)) as unknown;
	const places: Array<[Record<string, unknown> | unknown[], string | number]> = [];
	const walk = (node: unknown) => {
		if (Array.isArray(node))
			node.forEach((child, index) => {
				places.push([node, index]);
				walk(child);
			});
		else if (node !== null && typeof node === 'object')
			for (const [key, child] of Object.entries(node)) {
				places.push([node as Record<string, unknown>, key]);
				walk(child);
			}
	};
	walk(copy);
	if (places.length === 0) return copy;
	const [parent, key] = places[Math.floor(random() * places.length)];
	const replacement = replacements[Math.floor(random() * replacements.length)];
	if (replacement === undefined && !Array.isArray(parent))
		delete (parent as Record<string, unknown>)[key as string];
	else (parent as Record<string, unknown>)[key as string] = replacement;
	return copy;
}

const cases: Array<[string, z.ZodType, unknown]> = [
	...Object.entries(loadSamples('qondor')).map(
		([topic, body]) =>
			[topic, qondorTopics.find((t) => t.value === topic)!.schema, body] as [
				string,
				z.ZodType,
				unknown,
			],
	),
	...Object.entries(loadSamples('crm')).map(
		([event, body]) =>
			[event, crmEvents.find((e) => e.value === event)!.schema, body] as [
				string,
				z.ZodType,
				unknown,
			],
	),
	...Object.entries(loadSamples('superoffice')).map(
		([event, body]) =>
			[event, superOfficeEventSchema as z.ZodType, body] as [string, z.ZodType, unknown],
	),
];

describe('the validation shortcut', () => {
	it.each(cases)('accepts the documented %s body, as zod does', (_name, schema, body) => {
		expect(schema.safeParse(body).success).toBe(true);
		expect(certainlyValid(schema, body)).toBe(true);
	});

	it('never accepts a mutated body zod refuses, and agrees with zod on these schemas', () => {
		const { next: random } = seededRandom(42);
		let refused = 0;
		for (let round = 0; round < 300; round++) {
			for (const [name, schema, body] of cases) {
				const mutated = mutate(body, random);
				const zodSays = schema.safeParse(mutated).success;
				const shortcut = certainlyValid(schema, mutated);
				if (shortcut) expect({ name, mutated, zodSays }).toEqual({ name, mutated, zodSays: true });
				expect({ name, mutated, shortcut }).toEqual({ name, mutated, shortcut: zodSays });
				if (!zodSays) refused++;
				if (!zodSays) expect(findIssues(schema, mutated).count).toBeGreaterThan(0);
			}
		}
		expect(refused).toBeGreaterThan(1000);
	});
});

/** What zod says of a body, in the same words, to compare the bounded walk with. */
function zodIssues(schema: z.ZodType, body: unknown) {
	const result = schema.safeParse(body);
	if (result.success) return [];
	return result.error.issues.map(
		(issue) =>
			issue.path.map(String).join('|') +
			' ' +
			issue.code +
			' ' +
			('expected' in issue ? String(issue.expected) : ''),
	);
}

describe('differences, bounded', () => {
	it('are those zod reports, in its order, for thousands of mutated bodies with several changes each', () => {
		const { next: random } = seededRandom(7);
		let compared = 0;
		for (let round = 0; round < 200; round++) {
			for (const [name, schema, body] of cases) {
				let mutated = body;
				for (let changes = 1 + Math.floor(random() * 4); changes > 0; changes--)
					mutated = mutate(mutated, random);
				const zod = zodIssues(schema, mutated);
				const found = findIssues(schema, mutated, 1000);
				expect({ name, count: found.count }).toEqual({ name, count: zod.length });
				const paths = zod.map((entry) => entry.split(' ')[0]);
				expect({ name, paths: found.issues.map((issue) => issue.path) }).toEqual({
					name,
					paths: zod.map((_entry, index) => {
						const text = paths[index]
							.split('|')
							.map((key) => (/^\d+$/.test(key) ? `[${key}]` : key));
						return text.reduce(
							(acc, key) => (key.startsWith('[') ? acc + key : acc === '' ? key : `${acc}.${key}`),
							'',
						);
					}),
				});
				compared += zod.length;
			}
		}
		expect(compared).toBeGreaterThan(1000);
	});

	it(`keep the first ${MAX_REPORTED_ISSUES} and count the rest: 200,000 wrong numbers cost a count, not 200,000 objects`, () => {
		const schema = qondorTopics.find((topic) => topic.value === 'BookingConfirmedV1')!.schema;
		const body = {
			...(loadSamples('qondor').BookingConfirmedV1 as object),
			participants: Array.from({ length: 200000 }, (_, i) => i),
		};
		const started = performance.now();
		const found = findIssues(schema, body);
		const elapsed = performance.now() - started;
		expect(found.count).toBe(200000);
		expect(found.issues).toHaveLength(MAX_REPORTED_ISSUES);
		expect(found.issues[0]).toEqual({
			path: 'participants[0]',
			message: '"participants[0]" should be object but is number',
		});
		expect(elapsed).toBeLessThan(5000);
	});
});
