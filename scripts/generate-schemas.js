#!/usr/bin/env node
// Build step: writes each trigger's output schema (`__schema__/v1.0.0.json` beside the node, the
// file n8n's editor fetches to list a node's fields before it has run) from the zod schemas of
// each sender's items (its sender's `outputSchemas`). Reads the compiled senders from dist/,
// so it runs after the TypeScript build (npm run build), and writes dist/. The copies committed beside the nodes are refreshed
// with `npm run schemas`; a unit test fails when they differ from what the build generates.
//   node scripts/generate-schemas.js            write dist/
//   node scripts/generate-schemas.js --source   also write the committed copies in nodes/
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { z } = require('zod/v4');

const { ROOT, senders } = require('./lib/registry');

/** The node's typeVersion, as the editor pads it in the schema URL. */
const SCHEMA_FILE = path.join('__schema__', 'v1.0.0.json');

/**
 * Reduces a JSON Schema to what n8n's editor reads (type, properties, items): a nullable field
 * becomes its non-null type, and zod's bookkeeping (required, additionalProperties, …) goes.
 */
function simplify(schema) {
	if (schema.anyOf) {
		const branch = schema.anyOf.find((candidate) => candidate.type !== 'null') ?? schema.anyOf[0];
		return simplify({ ...branch, description: schema.description ?? branch.description });
	}
	const result = {};
	if (schema.type) result.type = schema.type;
	if (schema.description) result.description = schema.description;
	if (schema.properties) {
		result.properties = {};
		for (const [key, value] of Object.entries(schema.properties))
			result.properties[key] = simplify(value);
	}
	if (schema.items) result.items = simplify(schema.items);
	return result;
}

/** One schema covering every field any of the shapes can have. */
function merge(a, b) {
	if (!a) return b;
	if (!b) return a;
	const merged = { ...a };
	if (a.properties || b.properties) {
		merged.properties = { ...(a.properties ?? {}) };
		for (const [key, value] of Object.entries(b.properties ?? {})) {
			merged.properties[key] = merge(merged.properties[key], value);
		}
	}
	if (a.items || b.items) merged.items = merge(a.items, b.items);
	return merged;
}

/**
 * The output schema of each node folder, as JSON text.
 * @returns {Record<string, string>}
 */
function buildSchemas() {
	const result = {};
	for (const { folder, outputSchemas } of senders()) {
		let combined;
		for (const schema of outputSchemas)
			combined = merge(combined, simplify(z.toJSONSchema(schema, { unrepresentable: 'any' })));
		const document = { $schema: 'https://json-schema.org/draft-07/schema#', ...combined };
		result[folder] = `${JSON.stringify(document, null, 2)}\n`;
	}
	return result;
}

function main() {
	const writeSource = process.argv.includes('--source');
	for (const [folder, text] of Object.entries(buildSchemas())) {
		const files = [path.join(ROOT, 'dist', 'nodes', folder, SCHEMA_FILE)];
		if (writeSource) files.push(path.join(ROOT, 'nodes', folder, SCHEMA_FILE));
		for (const file of files) {
			fs.mkdirSync(path.dirname(file), { recursive: true });
			fs.writeFileSync(file, text);
		}
	}
}

if (require.main === module) main();

module.exports = { buildSchemas, SCHEMA_FILE };
