import type { IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

/** Request headers as Node.js gives them: names lower-cased, repeated headers joined or listed. */
export type RequestHeaders = Record<string, string | string[] | undefined>;

/** What the sender delivered, before anything is trusted. */
export interface Delivery {
	/** The exact bytes of the body (decompressed when the sender used gzip or deflate). */
	raw: Buffer;
	headers: RequestHeaders;
}

/** The short JSON body every trigger answers with, saying what became of the request. */
export interface ReplyBody {
	status: 'accepted' | 'ok' | 'ignored' | 'rejected';
	reason: string;
	message: string;
}

interface RequestWithRawBody {
	headers: RequestHeaders;
	rawBody?: Buffer;
	readRawBody?: () => Promise<void>;
}

export type ReadResult =
	| { ok: true; delivery: Delivery }
	| { ok: false; statusCode: 400 | 413; reason: string; message: string };

/**
 * Returns the body exactly as it arrived. n8n keeps it on `rawBody` once read and offers
 * `readRawBody()` to read it (decompressing gzip and deflate, up to its payload size limit).
 * Signatures must be checked over these bytes, never over JSON parsed and serialised again.
 */
export async function readDelivery(context: IWebhookFunctions): Promise<ReadResult> {
	const request = context.getRequestObject() as unknown as RequestWithRawBody;
	if (request.rawBody === undefined && typeof request.readRawBody === 'function') {
		try {
			await request.readRawBody();
		} catch (error) {
			const { status, type } = error as { status?: number; type?: string };
			if (status === 413 || type === 'entity.too.large') {
				return {
					ok: false,
					statusCode: 413,
					reason: 'too-large',
					message: 'The request body is larger than this n8n accepts',
				};
			}
			return {
				ok: false,
				statusCode: 400,
				reason: 'unreadable-body',
				message: 'The request body could not be read (truncated or badly compressed)',
			};
		}
	}
	return {
		ok: true,
		delivery: { raw: request.rawBody ?? Buffer.alloc(0), headers: request.headers },
	};
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
export function reply(
	context: IWebhookFunctions,
	statusCode: number,
	body: ReplyBody,
): IWebhookResponseData {
	const response = context.getResponseObject();
	response.status(statusCode).json(body);
	return { noWebhookResponse: true };
}
