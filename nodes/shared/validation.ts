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

/**
 * Checks a body against its schema and lists every difference in plain words. The schemas are
 * loose: fields the sender adds later are kept and are not a difference.
 */
export function findIssues(schema: z.ZodType, body: unknown): ValidationIssue[] {
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
