import type { IDataObject } from 'n8n-workflow';
import type { z } from 'zod/v4';

/** One way in which a delivered body differs from what the sender documents. */
export interface ValidationIssue extends IDataObject {
	/** Where in the body, e.g. `participants[0].email`; empty for the body itself. */
	path: string;
	message: string;
}

function formatPath(path: ReadonlyArray<PropertyKey>): string {
	let text = '';
	for (const key of path) {
		if (typeof key === 'number') text += `[${key}]`;
		else text += text.length === 0 ? String(key) : `.${String(key)}`;
	}
	return text;
}

function describeValue(value: unknown): string {
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'array';
	return typeof value;
}

function valueAt(body: unknown, path: ReadonlyArray<PropertyKey>): unknown {
	let value = body;
	for (const key of path) {
		if (value === null || typeof value !== 'object') return undefined;
		value = (value as Record<PropertyKey, unknown>)[key];
	}
	return value;
}

interface SchemaDefinition {
	type: string;
	checks?: unknown[];
	shape?: Record<string, z.ZodType>;
	catchall?: z.ZodType;
	innerType?: z.ZodType;
	element?: z.ZodType;
	keyType?: z.ZodType;
	valueType?: z.ZodType;
}

const definition = (schema: z.ZodType) => (schema as unknown as { def: SchemaDefinition }).def;

function isPlainObject(value: unknown): value is Record<string, unknown> {
	return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** How many differences an item, an answer and a log line list; the rest are counted. */
export const MAX_REPORTED_ISSUES = 20;

/** The longest message of one difference (a path through deep nesting can be long). */
const MAX_MESSAGE_LENGTH = 300;

/** The differences found: the first few, and how many there are in all. */
export interface IssueReport {
	issues: ValidationIssue[];
	count: number;
}

interface Sink extends IssueReport {
	limit: number;
}

function clip(text: string): string {
	return text.length <= MAX_MESSAGE_LENGTH ? text : `${text.slice(0, MAX_MESSAGE_LENGTH - 1)}…`;
}

/** Records one difference: counted always, described only while there is room. */
function record(sink: Sink, describe: () => ValidationIssue): void {
	sink.count++;
	if (sink.issues.length < sink.limit) {
		const issue = describe();
		sink.issues.push({ path: clip(issue.path), message: clip(issue.message) });
	}
}

function typeIssue(sink: Sink, path: PropertyKey[], expected: string, value: unknown): void {
	record(sink, () => {
		const text = formatPath(path);
		const where = text === '' ? 'The body' : `"${text}"`;
		return {
			path: text,
			message:
				value === undefined
					? `${where} is missing (expected ${expected})`
					: `${where} should be ${expected} but is ${describeValue(value)}`,
		};
	});
}

/**
 * A walk of a value against a schema, built once per schema from its definition (zod's public
 * `def`): true when the value certainly matches. Without a sink it stops at the first difference
 * and builds nothing (no path, no issue): unlike zod's `safeParse` it makes no parsed copy of the
 * body, which for a booking with fifty participants costs as much as parsing its JSON. With a sink
 * it goes on and records the differences in the order zod reports them, with zod's wording,
 * describing the first few and counting the rest: a body of 200,000 wrong numbers costs a count,
 * not 200,000 issue objects. Schemas of a kind it does not know are left to zod (none of the
 * senders' schemas has one); without a sink they are never certain.
 */
type Walk = (value: unknown, sink: Sink | undefined, path: PropertyKey[]) => boolean;

const walks = new WeakMap<z.ZodType, Walk>();

/** Records a value of the wrong type, when there is a sink; the value does not match. */
function mismatch(sink: Sink | undefined, path: PropertyKey[], expected: string, value: unknown) {
	if (sink !== undefined) typeIssue(sink, path, expected, value);
	return false;
}

const stringWalk: Walk = (value, sink, path) =>
	typeof value === 'string' || mismatch(sink, path, 'string', value);
const numberWalk: Walk = (value, sink, path) =>
	(typeof value === 'number' && Number.isFinite(value)) || mismatch(sink, path, 'number', value);
const booleanWalk: Walk = (value, sink, path) =>
	typeof value === 'boolean' || mismatch(sink, path, 'boolean', value);

// The containers walk their children twice over in code: a tight loop that stops at the first
// difference (every valid body takes it), and one that records them all.

function arrayWalk(element: Walk): Walk {
	return (value, sink, path) => {
		if (!Array.isArray(value)) return mismatch(sink, path, 'array', value);
		if (sink === undefined) {
			for (let i = 0; i < value.length; i++) if (!element(value[i], undefined, path)) return false;
			return true;
		}
		let matches = true;
		for (let i = 0; i < value.length; i++)
			matches = element(value[i], sink, [...path, i]) && matches;
		return matches;
	};
}

function recordWalk(entry: Walk): Walk {
	return (value, sink, path) => {
		if (!isPlainObject(value)) return mismatch(sink, path, 'record', value);
		if (sink === undefined) {
			for (const key in value) if (!entry(value[key], undefined, path)) return false;
			return true;
		}
		let matches = true;
		for (const key in value) matches = entry(value[key], sink, [...path, key]) && matches;
		return matches;
	};
}

function objectWalk(keys: readonly string[], fields: readonly Walk[]): Walk {
	return (value, sink, path) => {
		if (!isPlainObject(value)) return mismatch(sink, path, 'object', value);
		if (sink === undefined) {
			for (let i = 0; i < keys.length; i++) {
				if (!fields[i](value[keys[i]], undefined, path)) return false;
			}
			return true;
		}
		let matches = true;
		for (let i = 0; i < keys.length; i++) {
			matches = fields[i](value[keys[i]], sink, [...path, keys[i]]) && matches;
		}
		return matches;
	};
}

/** Zod's own check of a part of the body, for schemas the walk does not know. */
function zodWalk(schema: z.ZodType): Walk {
	return (value, sink, path) => {
		if (sink === undefined) return false;
		const result = schema.safeParse(value);
		if (result.success) return true;
		for (const issue of result.error.issues) {
			const full = [...path, ...issue.path];
			if (issue.code === 'invalid_type') {
				typeIssue(sink, full, issue.expected, valueAt(value, issue.path));
				continue;
			}
			record(sink, () => {
				const text = formatPath(full);
				return {
					path: text,
					message: `${text === '' ? 'The body' : `"${text}"`}: ${issue.message}`,
				};
			});
		}
		return false;
	};
}

const isOpen = (def: SchemaDefinition) =>
	def.catchall === undefined || ['unknown', 'any'].includes(definition(def.catchall).type);

/** The walk of one kind of schema (zod's for refinements, closed objects and unknown kinds). */
function build(schema: z.ZodType): Walk {
	const def = definition(schema);
	if (def.checks !== undefined && def.checks.length > 0) return zodWalk(schema);
	switch (def.type) {
		case 'string':
			return stringWalk;
		case 'number':
			return numberWalk;
		case 'boolean':
			return booleanWalk;
		case 'unknown':
		case 'any':
			return () => true;
		case 'optional': {
			const inner = walkOf(def.innerType!);
			return (value, sink, path) => value === undefined || inner(value, sink, path);
		}
		case 'nullable': {
			const inner = walkOf(def.innerType!);
			return (value, sink, path) => value === null || inner(value, sink, path);
		}
		case 'array':
			return arrayWalk(walkOf(def.element!));
		case 'record':
			if (definition(def.keyType!).type !== 'string') return zodWalk(schema);
			return recordWalk(walkOf(def.valueType!));
		case 'object': {
			if (!isOpen(def)) return zodWalk(schema);
			const shape = Object.entries(def.shape ?? {});
			return objectWalk(
				shape.map(([key]) => key),
				shape.map(([, field]) => walkOf(field)),
			);
		}
		default:
			return zodWalk(schema);
	}
}

function walkOf(schema: z.ZodType): Walk {
	let walk = walks.get(schema);
	if (walk === undefined) {
		walk = build(schema);
		walks.set(schema, walk);
	}
	return walk;
}

/**
 * Whether a value certainly satisfies a schema. Answers false for anything it does not know for
 * sure (a refinement, a type it does not handle): zod decides.
 */
export function certainlyValid(schema: z.ZodType, value: unknown): boolean {
	return walkOf(schema)(value, undefined, []);
}

/**
 * Checks a body against its schema and describes the differences in plain words: the first
 * `limit` of them, and how many there are. The schemas are loose: fields the sender adds later are
 * kept and are not a difference.
 */
export function findIssues(
	schema: z.ZodType,
	body: unknown,
	limit = MAX_REPORTED_ISSUES,
): IssueReport {
	const walk = walkOf(schema);
	if (walk(body, undefined, [])) return { issues: [], count: 0 };
	const sink: Sink = { issues: [], count: 0, limit };
	walk(body, sink, []);
	return { issues: sink.issues, count: sink.count };
}
