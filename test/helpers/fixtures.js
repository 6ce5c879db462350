// Reads the provider example payloads kept under test/fixtures (copied from the providers' docs).
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..', 'fixtures');

/**
 * All fixtures of one sender folder, by event name.
 * @param {string} folder
 * @returns {Record<string, Record<string, any>>}
 */
function loadFixtures(folder) {
	const result = {};
	for (const file of fs.readdirSync(path.join(root, folder)).sort()) {
		if (!file.endsWith('.json')) continue;
		result[file.slice(0, -'.json'.length)] = JSON.parse(
			fs.readFileSync(path.join(root, folder, file), 'utf8'),
		);
	}
	return result;
}

/**
 * One fixture, as a fresh copy.
 * @param {string} folder
 * @param {string} name
 * @returns {Record<string, any>}
 */
function fixture(folder, name) {
	return JSON.parse(fs.readFileSync(path.join(root, folder, `${name}.json`), 'utf8'));
}

module.exports = { loadFixtures, fixture };
