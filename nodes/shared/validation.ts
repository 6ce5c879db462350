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

/**
 * Checks a body against its schema and lists every difference in plain words. The schemas are
 * loose: fields the sender adds later are kept and are not a difference.
 */
export function findIssues(schema: z.ZodType, body: unknown): ValidationIssue[] {
	if (certainlyValid(schema, body)) return [];
	const result = schema.safeParse(body);
	if (result.success) return [];
	return result.error.issues.map((issue) => {
		const path = formatPath(issue.path);
		const where = path === '' ? 'The body' : `"${path}"`;
		if (issue.code === 'invalid_type') {
			const value = valueAt(body, issue.path);
			const message =
				value === undefined
					? `${where} is missing (expected ${issue.expected})`
					: `${where} should be ${issue.expected} but is ${describeValue(value)}`;
			return { path, message };
		}
		return { path, message: `${where}: ${issue.message}` };
	});
}
