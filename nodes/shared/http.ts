import type { IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

/** Request headers as Node.js gives them: names lower-cased, repeated headers joined or listed. */
export type RequestHeaders = Record<string, string | string[] | undefined>;

/** The short JSON body every trigger answers with, saying what became of the request. */
export interface ReplyBody {
	status: 'accepted' | 'ok' | 'ignored' | 'rejected';
	reason: string;
	message: string;
}

/** An answer to the sender that starts no execution: its status and body. */
export interface Answer {
	statusCode: number;
	body: ReplyBody;
}

/** A request refused: nothing runs. */
export function rejected(statusCode: number, reason: string, message: string): Answer {
	return { statusCode, body: { status: 'rejected', reason, message } };
}

/** A genuine request that starts nothing, by the user's choice or because it is a repeat. */
export function ignored(reason: string, message: string): Answer {
	return { statusCode: 200, body: { status: 'ignored', reason, message } };
}

interface RequestWithRawBody {
	headers: RequestHeaders;
	rawBody?: Buffer;
	readRawBody?: () => Promise<void>;
}

export type ReadResult = { ok: true; raw: Buffer } | { ok: false; answer: Answer };

/**
 * Returns the body exactly as it arrived. n8n keeps it on `rawBody` once read (then it is returned
 * at once) and offers `readRawBody()` to read it (decompressing gzip and deflate, up to its payload
 * size limit). Signatures must be checked over these bytes, never over JSON parsed and serialised
 * again.
 */
export function readRawBody(context: IWebhookFunctions): ReadResult | Promise<ReadResult> {
	const request = context.getRequestObject() as unknown as RequestWithRawBody;
	if (request.rawBody !== undefined || typeof request.readRawBody !== 'function') {
		return { ok: true, raw: request.rawBody ?? Buffer.alloc(0) };
	}
	return request.readRawBody().then(
		(): ReadResult => ({ ok: true, raw: request.rawBody ?? Buffer.alloc(0) }),
		(error: { status?: number; type?: string }): ReadResult => {
			if (error?.status === 413 || error?.type === 'entity.too.large') {
				return {
					ok: false,
					answer: rejected(413, 'too-large', 'The request body is larger than this n8n accepts'),
				};
			}
			return {
				ok: false,
				answer: rejected(
					400,
					'unreadable-body',
					'The request body could not be read (truncated or badly compressed)',
				),
			};
		},
	);
}

/**
 * Reads one header. Node.js lower-cases incoming header names, so the lookup lower-cases the
 * name asked for: senders and their documentation spell names in several casings.
 */
export function headerValue(headers: RequestHeaders, name: string): string | undefined {
	const value = headers[name.toLowerCase()];
	return Array.isArray(value) ? value.join(', ') : value;
}

/** Answers the sender directly; n8n then sends no answer of its own. */
export function reply(context: IWebhookFunctions, answer: Answer): IWebhookResponseData {
	const response = context.getResponseObject();
	response.status(answer.statusCode).json(answer.body);
	return { noWebhookResponse: true };
}
