// The example workflows in examples/, imported into a running n8n through its public API, as a
// user would import them: no credentials, nothing activated.
'use strict';

const fs = require('node:fs');
const path = require('node:path');

const EXAMPLES_DIR = path.resolve(__dirname, '..', '..', 'examples');

/** Every examples/*.json, sorted by file name: `{ file, workflow }`. */
function loadExamples() {
	return fs
		.readdirSync(EXAMPLES_DIR)
		.filter((file) => file.endsWith('.json'))
		.sort()
		.map((file) => ({
			file,
			workflow: JSON.parse(fs.readFileSync(path.join(EXAMPLES_DIR, file), 'utf8')),
		}));
}

/**
 * Imports every example into n8n (POST /api/v1/workflows with the fields the public API accepts)
 * and returns the workflows n8n created, in the order of loadExamples() (file name).
 * @param {import('./n8n').N8nInstance} instance started, signed in, with an API key
 * @returns {Promise<object[]>}
 */
async function importExamples(instance) {
	const imported = [];
	for (const { file, workflow } of loadExamples()) {
		let created;
		try {
			created = await instance.api('POST', '/workflows', {
				name: workflow.name,
				nodes: workflow.nodes,
				connections: workflow.connections,
				settings: workflow.settings || { executionOrder: 'v1' },
			});
		} catch (error) {
			error.message = `Importing examples/${file}: ${error.message}`;
			throw error;
		}
		imported.push(created);
	}
	return imported;
}

module.exports = { EXAMPLES_DIR, loadExamples, importExamples };
