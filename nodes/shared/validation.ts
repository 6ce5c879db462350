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

type Check = (value: unknown) => boolean;

const never: Check = () => false;
const compiled = new WeakMap<z.ZodType, Check>();

/** Builds, once per schema, a function telling whether a value certainly satisfies it. */
function compile(schema: z.ZodType): Check {
	let check = compiled.get(schema);
	if (check !== undefined) return check;
	const def = definition(schema);
	if (def.checks !== undefined && def.checks.length > 0) {
		check = never;
	} else {
		switch (def.type) {
			case 'string':
				check = (value) => typeof value === 'string';
				break;
			case 'number':
				check = (value) => typeof value === 'number' && Number.isFinite(value);
				break;
			case 'boolean':
				check = (value) => typeof value === 'boolean';
				break;
			case 'unknown':
			case 'any':
				check = () => true;
				break;
			case 'optional': {
				const inner = compile(def.innerType!);
				check = (value) => value === undefined || inner(value);
				break;
			}
			case 'nullable': {
				const inner = compile(def.innerType!);
				check = (value) => value === null || inner(value);
				break;
			}
			case 'array': {
				const element = compile(def.element!);
				check = (value) => {
					if (!Array.isArray(value)) return false;
					for (let i = 0; i < value.length; i++) if (!element(value[i])) return false;
					return true;
				};
				break;
			}
			case 'record': {
				const entry = compile(def.valueType!);
				const stringKeys = definition(def.keyType!).type === 'string';
				check = (value) => {
					if (!stringKeys || !isPlainObject(value)) return false;
					for (const key in value) if (!entry(value[key])) return false;
					return true;
				};
				break;
			}
			case 'object': {
				const open =
					def.catchall === undefined || ['unknown', 'any'].includes(definition(def.catchall).type);
				const fields = Object.entries(def.shape ?? {}).map(
					([key, field]) => [key, compile(field)] as const,
				);
				check = (value) => {
					if (!open || !isPlainObject(value)) return false;
					for (let i = 0; i < fields.length; i++)
						if (!fields[i][1](value[fields[i][0]])) return false;
					return true;
				};
				break;
			}
			default:
				check = never;
		}
	}
	compiled.set(schema, check);
	return check;
}

/**
 * Whether a value certainly satisfies a schema, from a check built once from the schema's
 * definition (zod's public `def`). Unlike zod's `safeParse` it builds no parsed copy of the body,
 * which for a booking with fifty participants costs as much as parsing its JSON. Answers false
 * for anything it does not know for sure (a refinement, a type it does not handle): zod decides.
 */
export function certainlyValid(schema: z.ZodType, value: unknown): boolean {
	return compile(schema)(value);
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

type Walker = (value: unknown, path: PropertyKey[], sink: Sink) => void;
const walkers = new WeakMap<z.ZodType, Walker>();

/**
 * Builds, once per schema, a walk that finds the differences of a value in the order zod reports
 * them, with zod's wording, but keeps only the first few and counts the rest: a body of 200,000
 * wrong numbers costs a count, not 200,000 issue objects. Schemas of a kind it does not know are
 * left to zod (none of the senders' schemas has one).
 */
function walker(schema: z.ZodType): Walker {
	let walk = walkers.get(schema);
	if (walk !== undefined) return walk;
	const def = definition(schema);
	const primitive = (type: string, test: (value: unknown) => boolean): Walker => {
		return (value, path, sink) => {
			if (!test(value)) typeIssue(sink, path, type, value);
		};
	};
	if (def.checks !== undefined && def.checks.length > 0) {
		walk = zodWalker(schema);
	} else {
		switch (def.type) {
			case 'string':
				walk = primitive('string', (value) => typeof value === 'string');
				break;
			case 'number':
				walk = primitive('number', (value) => typeof value === 'number' && Number.isFinite(value));
				break;
			case 'boolean':
				walk = primitive('boolean', (value) => typeof value === 'boolean');
				break;
			case 'unknown':
			case 'any':
				walk = () => {};
				break;
			case 'optional': {
				const inner = walker(def.innerType!);
				walk = (value, path, sink) => {
					if (value !== undefined) inner(value, path, sink);
				};
				break;
			}
			case 'nullable': {
				const inner = walker(def.innerType!);
				walk = (value, path, sink) => {
					if (value !== null) inner(value, path, sink);
				};
				break;
			}
			case 'array': {
				const element = walker(def.element!);
				walk = (value, path, sink) => {
					if (!Array.isArray(value)) return typeIssue(sink, path, 'array', value);
					for (let i = 0; i < value.length; i++) element(value[i], [...path, i], sink);
				};
				break;
			}
			case 'record': {
				if (definition(def.keyType!).type !== 'string') {
					walk = zodWalker(schema);
					break;
				}
				const entry = walker(def.valueType!);
				walk = (value, path, sink) => {
					if (!isPlainObject(value)) return typeIssue(sink, path, 'record', value);
					for (const key in value) entry(value[key], [...path, key], sink);
				};
				break;
			}
			case 'object': {
				const open =
					def.catchall === undefined || ['unknown', 'any'].includes(definition(def.catchall).type);
				if (!open) {
					walk = zodWalker(schema);
					break;
				}
				const fields = Object.entries(def.shape ?? {}).map(
					([key, field]) => [key, walker(field)] as const,
				);
				walk = (value, path, sink) => {
					if (!isPlainObject(value)) return typeIssue(sink, path, 'object', value);
					for (const [key, field] of fields) field(value[key], [...path, key], sink);
				};
				break;
			}
			default:
				walk = zodWalker(schema);
		}
	}
	walkers.set(schema, walk);
	return walk;
}

/** Zod's own check of a part of the body, for schemas the walk does not know. */
function zodWalker(schema: z.ZodType): Walker {
	return (value, path, sink) => {
		const result = schema.safeParse(value);
		if (result.success) return;
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
	};
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
	if (certainlyValid(schema, body)) return { issues: [], count: 0 };
	const sink: Sink = { issues: [], count: 0, limit };
	walker(schema)(body, [], sink);
	return { issues: sink.issues, count: sink.count };
}
