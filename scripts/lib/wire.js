// samples/wire.json: how a sender sends, beyond what its definition says, for the tools and tests
// that act as the sender. Read through `readWire`, which holds every file to one schema.
'use strict';

const fs = require('node:fs');
const { z } = require('zod/v4');

const headerMap = z.record(z.string(), z.string());

/** What a wire.json may hold; anything else (a misspelt key, a wrong type) is refused. */
const wireSchema = z.strictObject({
	/** What the file is, for a person reading it. */
	description: z.string().min(1),
	/** Headers the sender adds to every request. */
	headers: headerMap.default({}),
	/** Headers that repeat a body field (`X-SuperOffice-Event` → `Event`). */
	repeatedInHeaders: headerMap.default({}),
	/** Header names as the sender's documentation spells them, where that differs. */
	headerSpelling: headerMap.default({}),
	/** A field (dotted path) the tests may give the wrong type. */
	mistype: z.string().min(1).optional(),
	/** The sample shown in the editor's screenshots. */
	screenshot: z.string().min(1).optional(),
	/** The samples the benchmarks send. */
	benchmark: z.array(z.string().min(1)).default([]),
	/** Events made from the documented example of the same record: its name, and fields `set`. */
	derived: z
		.record(
			z.string(),
			z.strictObject({
				from: z.string().min(1),
				set: z.record(z.string(), z.unknown()).optional(),
			}),
		)
		.default({}),
});

/** @typedef {z.infer<typeof wireSchema>} Wire */

/**
 * The wire description in `file` (defaults where the file is missing), or an error that names the
 * file and what is wrong in it.
 * @returns {Wire}
 */
function readWire(file) {
	const data = fs.existsSync(file)
		? JSON.parse(fs.readFileSync(file, 'utf8'))
		: { description: file };
	return parseWire(data, file);
}

/**
 * A wire description read from `source`, checked against the schema.
 * @returns {Wire}
 */
function parseWire(data, source) {
	const parsed = wireSchema.safeParse(data);
	if (!parsed.success) {
		const problems = parsed.error.issues
			.map((issue) => `${issue.path.join('.') || '(the file)'}: ${issue.message}`)
			.join('; ');
		throw new Error(`${source} does not describe a sender's wire: ${problems}`);
	}
	return parsed.data;
}

module.exports = { parseWire, readWire, wireSchema };
