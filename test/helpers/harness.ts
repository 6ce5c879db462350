import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	INodeType,
	IWebhookResponseData,
} from 'n8n-workflow';

import { runWebhook as run } from '../../scripts/lib/context';
import { serveTrigger } from './server';

/*
 * Runs a node's webhook() the way n8n calls it (scripts/lib/context.js, which the benchmarks use
 * too), typed for the tests.
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
	/** The workflow id the node sees: a fresh one unless given; the same id continues a node's history. */
	workflowId?: string;
	/** n8n's execution mode: 'webhook' for production URLs (the default), 'manual' for test URLs. */
	mode?: string;
	/** n8n's request helpers, for nodes that call an API. */
	helpers?: IDataObject;
	/** The node's credential references ({ type: { id, name } }), as n8n's node carries them. */
	nodeCredentials?: Record<string, { id: string; name: string }>;
	/** Receives the type of every credential the node reads. */
	credentialReads?: string[];
	/** The node's name in its workflow ('Trigger' unless given). */
	nodeName?: string;
}

export interface Outcome {
	/** The HTTP status the sender sees (200 when an execution starts). */
	statusCode: number;
	/** The JSON body the sender sees: the node's own answer, or the one for a started execution. */
	body: IDataObject | undefined;
	/** Items of the execution, or undefined when no execution starts. */
	items: IDataObject[] | undefined;
	result: IWebhookResponseData;
	logs: LogEntry[];
	/** When the sender had its answer (ms since the epoch). */
	answeredAt: number | undefined;
	/** When webhook() returned, so the execution could start. */
	finishedAt: number;
}

export function toBytes(body: string | Buffer | IDataObject | unknown[]): Buffer {
	if (Buffer.isBuffer(body)) return body;
	return Buffer.from(typeof body === 'string' ? body : JSON.stringify(body), 'utf8');
}

export async function runWebhook(
	node: INodeType,
	/** `raw` as a function: the body is read only when the node asks n8n for it. */
	request: { headers: Headers; raw: Buffer | (() => Promise<Buffer>) },
	setup: NodeSetup = {},
): Promise<Outcome> {
	return (await run(node, request, setup)) as Outcome;
}

/** A real HTTP server running one trigger node (see test/helpers/server.js). */
export interface TriggerServer {
	post(
		body: string | Buffer,
		headers: Record<string, string>,
	): Promise<{ status: number; body: IDataObject; outcome: Outcome }>;
	close(): Promise<void>;
}

export async function serve(node: INodeType, setup: NodeSetup): Promise<TriggerServer> {
	return (await serveTrigger(node, setup)) as TriggerServer;
}
