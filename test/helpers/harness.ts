import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	INodeType,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';

/*
 * Runs a node's webhook() the way n8n calls it, with a request that carries raw bytes and a
 * response that records what the node answered. Used by the unit tests and the real-HTTP server.
 */

export type Headers = Record<string, string | string[] | undefined>;

export interface LogEntry {
	level: 'debug' | 'info' | 'warn' | 'error';
	message: string;
}

export interface NodeSetup {
	parameters?: IDataObject;
	credentials?: Record<string, ICredentialDataDecryptedObject>;
	/** The node's static data; pass the same object again to simulate a later request. */
	staticData?: IDataObject;
	logs?: LogEntry[];
	/**
	 * The workflow id the node sees. Each setup gets a fresh one unless given, so tests do not
	 * share the ids a node accepted in this process; pass the same id to continue a node's history.
	 */
	workflowId?: string;
	/** n8n's execution mode: 'webhook' for production URLs (the default), 'manual' for test URLs. */
	mode?: string;
}

let workflowCounter = 0;

export interface Outcome {
	/** The HTTP status the sender sees (200 when an execution starts). */
	statusCode: number;
	/** The JSON body the sender sees: the node's own answer, or the one for a started execution. */
	body: IDataObject | undefined;
	/** Items of the execution, or undefined when no execution starts. */
	items: IDataObject[] | undefined;
	result: IWebhookResponseData;
	logs: LogEntry[];
}

class RecordedResponse {
	statusCode = 200;
	body: IDataObject | undefined;
	headers: Record<string, string> = {};
	ended = false;

	status(code: number) {
		this.statusCode = code;
		return this;
	}

	json(body: IDataObject) {
		this.body = body;
		this.headers['content-type'] = 'application/json; charset=utf-8';
		this.ended = true;
		return this;
	}

	setHeader(name: string, value: string) {
		this.headers[name.toLowerCase()] = value;
		return this;
	}

	end() {
		this.ended = true;
		return this;
	}
}

function getPath(source: IDataObject, path: string): unknown {
	let value: unknown = source;
	for (const key of path.split('.')) {
		if (value === null || typeof value !== 'object') return undefined;
		value = (value as IDataObject)[key];
	}
	return value;
}

export function toBytes(body: string | Buffer | IDataObject | unknown[]): Buffer {
	if (Buffer.isBuffer(body)) return body;
	return Buffer.from(typeof body === 'string' ? body : JSON.stringify(body), 'utf8');
}

/** Lower-cases header names as Node.js does for incoming requests. */
export function normaliseHeaders(headers: Headers): Headers {
	const result: Headers = {};
	for (const [name, value] of Object.entries(headers)) result[name.toLowerCase()] = value;
	return result;
}

export async function runWebhook(
	node: INodeType,
	request: { headers: Headers; raw: Buffer },
	setup: NodeSetup = {},
): Promise<Outcome> {
	const logs = setup.logs ?? [];
	const staticData = setup.staticData ?? {};
	const response = new RecordedResponse();
	const log = (level: LogEntry['level']) => (message: string) => logs.push({ level, message });
	const req = { headers: normaliseHeaders(request.headers), rawBody: request.raw, body: {} };
	const context = {
		getRequestObject: () => req,
		getResponseObject: () => response,
		getHeaderData: () => req.headers,
		getBodyData: () => req.body,
		getNodeParameter: (name: string, fallback?: unknown) => {
			const value = getPath(setup.parameters ?? {}, name);
			return value === undefined ? fallback : value;
		},
		getCredentials: async (type: string) => {
			const credentials = setup.credentials?.[type];
			if (credentials === undefined) throw new Error(`Node does not have credentials of type ${type}`);
			return credentials;
		},
		getWorkflowStaticData: () => staticData,
		getNode: () => ({ name: 'Trigger', type: 'test', typeVersion: 1, parameters: {} }),
		getWorkflow: () => ({ id: setup.workflowId ?? `workflow-${++workflowCounter}`, active: true }),
		getMode: () => setup.mode ?? 'webhook',
		getWebhookName: () => 'default',
		logger: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') },
	} as unknown as IWebhookFunctions;

	const result = await node.webhook!.call(context);
	const items = result.workflowData?.[0]?.map((item) => item.json);
	return {
		statusCode: response.ended ? response.statusCode : 200,
		body: response.body ?? (result.webhookResponse as IDataObject | undefined),
		items,
		result,
		logs,
	};
}
