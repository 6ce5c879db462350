import type { IDataObject } from 'n8n-workflow';

/*
 * The body as JSON: an object, in UTF-8, not nested deeper than events are. Every way a body can
 * fail is said in a sentence the sender (and n8n's log) can act on.
 */

export type Parsed = { ok: true; body: IDataObject } | { ok: false; message: string };

/**
 * The deepest nesting of objects and arrays a body may have. Real events nest a few levels; a
 * body nested a million levels deep parses, but the execution it would start breaks n8n itself
 * (its execution API answers "Maximum call stack size exceeded" for the whole workflow).
 */
export const MAX_NESTING_DEPTH = 1000;

/**
 * Bodies up to this size are parsed first and their depth measured on the parsed value (a few
 * microseconds for a 65 kB event); larger ones are scanned byte by byte before parsing, so that
 * n8n's 16 MiB of nesting is refused without being parsed (parsing a megabyte nested half a
 * million levels deep takes about 0.2 s). Up to this size, the worst such body parses in about
 * 50 ms.
 */
const PARSE_FIRST_BYTES = 256 * 1024;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** Whether the JSON text nests deeper than `limit` (one pass over the bytes, strings skipped). */
function nestsDeeperThan(raw: Buffer, limit: number): boolean {
	let depth = 0;
	let inString = false;
	for (let i = 0; i < raw.length; i++) {
		const byte = raw[i];
		if (inString) {
			if (byte === BACKSLASH) i++;
			else if (byte === QUOTE) inString = false;
		} else if (byte === QUOTE) {
			inString = true;
		} else if (byte === 0x5b || byte === 0x7b) {
			if (++depth > limit) return true;
		} else if (byte === 0x5d || byte === 0x7d) {
			depth--;
		}
	}
	return false;
}

/** Whether a parsed value nests objects and arrays deeper than `limit` (iteratively: no recursion). */
function valueDeeperThan(value: object, limit: number): boolean {
	const pending: object[] = [value];
	const depths: number[] = [1];
	while (pending.length > 0) {
		const next = pending.pop() as Record<string, unknown>;
		const depth = depths.pop() as number;
		if (depth > limit) return true;
		for (const key in next) {
			const child = next[key];
			if (child !== null && typeof child === 'object') {
				pending.push(child);
				depths.push(depth + 1);
			}
		}
	}
	return false;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

const TOO_DEEP: Parsed = {
	ok: false,
	message: `The request body is nested more than ${MAX_NESTING_DEPTH} levels deep; events are not`,
};

/** The body as text, or why it is not text. */
function decode(raw: Buffer): { text: string } | { message: string } {
	if (raw.length === 0) return { message: 'The request body is empty; expected a JSON object' };
	try {
		return { text: utf8.decode(raw) };
	} catch {
		return { message: 'The request body is not valid UTF-8 text; expected a JSON object' };
	}
}

/** What a parsed value is, when it is not an object. */
function notAnObject(value: unknown): string | undefined {
	if (value !== null && typeof value === 'object' && !Array.isArray(value)) return undefined;
	const kind = value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
	return `The request body is ${kind}; expected a JSON object`;
}

/** Parses the raw bytes as one JSON object. */
export function parseJsonObject(raw: Buffer): Parsed {
	const decoded = decode(raw);
	if ('message' in decoded) return { ok: false, message: decoded.message };
	// A body of fewer than 2 × (limit + 1) bytes cannot nest deeper than the limit.
	const mayNestTooDeep = raw.length > 2 * MAX_NESTING_DEPTH + 1;
	const scanFirst = mayNestTooDeep && raw.length > PARSE_FIRST_BYTES;
	if (scanFirst && nestsDeeperThan(raw, MAX_NESTING_DEPTH)) return TOO_DEEP;
	let value: unknown;
	try {
		value = JSON.parse(decoded.text);
	} catch (error) {
		return {
			ok: false,
			message: `The request body is not valid JSON: ${(error as Error).message}`,
		};
	}
	const measure = mayNestTooDeep && !scanFirst && value !== null && typeof value === 'object';
	if (measure && valueDeeperThan(value as object, MAX_NESTING_DEPTH)) return TOO_DEEP;
	const kind = notAnObject(value);
	if (kind !== undefined) return { ok: false, message: kind };
	return { ok: true, body: value as IDataObject };
}
