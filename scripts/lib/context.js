// The IWebhookFunctions context n8n passes to webhook(), built as test/helpers/harness.ts builds
// it: a request with raw bytes, a response that records the answer, parameters, credentials and
// static data. Plain CommonJS so the benchmark runs the built nodes without ts-jest.
'use strict';

class RecordedResponse {
	constructor() {
		this.statusCode = 200;
		this.body = undefined;
		this.headers = {};
		this.ended = false;
	}

	status(code) {
		this.statusCode = code;
		return this;
	}

	json(body) {
		this.body = body;
		this.headers['content-type'] = 'application/json; charset=utf-8';
		this.ended = true;
		return this;
	}

	setHeader(name, value) {
		this.headers[name.toLowerCase()] = value;
		return this;
	}

	end() {
		this.ended = true;
		return this;
	}
}

/** Reads `a.b.c` from an object, as getNodeParameter does for collection options. */
function getPath(source, path) {
	let value = source;
	for (const key of path.split('.')) {
		if (value === null || typeof value !== 'object') return undefined;
		value = value[key];
	}
	return value;
}

/** Lower-cases header names as Node.js does for incoming requests. */
function lowerCaseHeaders(headers) {
	const result = {};
	for (const [name, value] of Object.entries(headers)) result[name.toLowerCase()] = value;
	return result;
}

const noop = () => {};
const silentLogger = { debug: noop, info: noop, warn: noop, error: noop };

/**
 * @param {{ raw: Buffer, headers: Record<string, string> }} request
 * @param {{ parameters?: object, credentials?: object, staticData?: object, workflowId?: string,
 *   nodeName?: string, mode?: string, logger?: object }} setup
 * @returns {{ context: object, response: RecordedResponse }}
 */
function createContext(request, setup = {}) {
	const parameters = setup.parameters ?? {};
	const credentials = setup.credentials ?? {};
	const staticData = setup.staticData ?? {};
	const workflow = { id: setup.workflowId ?? 'bench-workflow', active: true };
	const node = { name: setup.nodeName ?? 'Trigger', type: 'bench', typeVersion: 1, parameters: {} };
	const mode = setup.mode ?? 'webhook';
	const req = { headers: lowerCaseHeaders(request.headers), rawBody: request.raw, body: {} };
	const response = new RecordedResponse();
	const context = {
		getRequestObject: () => req,
		getResponseObject: () => response,
		getHeaderData: () => req.headers,
		getBodyData: () => req.body,
		getNodeParameter: (name, fallback) => {
			const value = getPath(parameters, name);
			return value === undefined ? fallback : value;
		},
		getCredentials: async (type) => {
			if (credentials[type] === undefined)
				throw new Error(`Node does not have credentials of type ${type}`);
			return credentials[type];
		},
		getWorkflowStaticData: () => staticData,
		getNode: () => node,
		getWorkflow: () => workflow,
		getMode: () => mode,
		getWebhookName: () => 'default',
		logger: setup.logger ?? silentLogger,
	};
	return { context, response };
}

module.exports = { createContext, lowerCaseHeaders };
