/** End-to-end tests: the built package inside real n8n instances, one at a time. */
/** @type {import('jest').Config} */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test/e2e'],
	testMatch: ['**/*.e2e.test.js'],
	testTimeout: 120000,
	maxWorkers: 1,
};
