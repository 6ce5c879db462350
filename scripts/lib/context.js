// The IWebhookFunctions context n8n passes to webhook(): a request with raw bytes, a response that
// records the answer, parameters, credentials, static data and a logger. The unit tests (through
// test/helpers/harness.ts) and the in-process benchmark both call webhook() with it.
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
		this.endedAt = Date.now();
		return this;
	}

	setHeader(name, value) {
		this.headers[name.toLowerCase()] = value;
		return this;
	}

	end() {
		this.ended = true;
		this.endedAt = Date.now();
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

/** A logger that keeps what it is given in `logs`: `{ level, message }`. */
function recordingLogger(logs) {
	const log = (level) => (message) => logs.push({ level, message });
	return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

let workflowCounter = 0;

/**
 * The context for one request. Each setup gets a fresh workflow id unless given (so that setups do
 * not share the ids a node accepted in this process); pass the same id, and the same static data
 * object, to continue a node's history. `mode` is n8n's execution mode: 'webhook' for production
 * URLs (the default), 'manual' for test URLs. `logs`: an array that receives what the node logs.
 * @param {{ raw: Buffer, headers: Record<string, string | string[] | undefined> }} request
 * `helpers`: n8n's request helpers, for nodes that call an API (`httpRequestWithAuthentication`).
 * `nodeCredentials`: the node's credential references; `credentialReads`: an array that receives
 * the type of every credential read; `webhookUrl`: the node's production URL.
 * @param {{ parameters?: object, credentials?: object, staticData?: object, workflowId?: string,
 *   nodeName?: string, mode?: string, logs?: Array<{ level: string, message: string }>, helpers?: object }} setup
 * @returns {{ context: object, response: RecordedResponse }}
 */
function createContext(request, setup = {}) {
	const parameters = setup.parameters ?? {};
	const credentials = setup.credentials ?? {};
	const staticData = setup.staticData ?? {};
	const workflow = { id: setup.workflowId ?? `workflow-${++workflowCounter}`, active: true };
	const node = { name: setup.nodeName ?? 'Trigger', type: 'test', typeVersion: 1, parameters: {} };
	// Which credential the node uses, as n8n's node says ({ type: { id, name } }): lets the trigger
	// keep it in memory (credentialCache.ts); without it, every request reads the credential.
	if (setup.nodeCredentials) node.credentials = setup.nodeCredentials;
	const mode = setup.mode ?? 'webhook';
	const req = { headers: lowerCaseHeaders(request.headers), rawBody: request.raw, body: {} };
	// `raw` as a function: the body is not read until the node asks n8n for it (readRawBody), as
	// n8n does for nodes that take the raw body.
	if (typeof request.raw === 'function') {
		const read = request.raw;
		req.rawBody = undefined;
		req.readRawBody = async () => {
			req.rawBody = await read();
		};
	}
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
			if (setup.credentialReads) setup.credentialReads.push(type);
			if (credentials[type] === undefined)
				throw new Error(`Node does not have credentials of type ${type}`);
			return credentials[type];
		},
		getWorkflowStaticData: () => staticData,
		getNode: () => node,
		getWorkflow: () => workflow,
		getMode: () => mode,
		getWebhookName: () => 'default',
		getNodeWebhookUrl: () => setup.webhookUrl,
		logger: setup.logs ? recordingLogger(setup.logs) : silentLogger,
		helpers: setup.helpers ?? {},
	};
	return { context, response };
}

/**
 * Calls a node's webhook() as n8n does and returns what the sender and the workflow see: the
 * status and JSON body of the answer, the items of the execution (undefined when none starts),
 * n8n's result, and the node's log lines.
 */
async function runWebhook(node, request, setup = {}) {
	const logs = setup.logs ?? [];
	const { context, response } = createContext(request, { ...setup, logs });
	const result = await node.webhook.call(context);
	const finishedAt = Date.now();
	const items = result.workflowData?.[0]?.map((item) => item.json);
	return {
		/** When the sender had its answer, and when the execution could start. */
		answeredAt: response.endedAt,
		finishedAt,
		statusCode: response.ended ? response.statusCode : 200,
		body: response.body ?? result.webhookResponse,
		items,
		result,
		logs,
	};
}

module.exports = { createContext, runWebhook, lowerCaseHeaders };
