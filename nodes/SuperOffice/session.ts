import type { IDataObject } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import { withinTime } from './api';
import type { ApiResponse, SuperOfficeApi } from './api';

/*
 * A series of calls to SuperOffice's API for one purpose (the record of one event, one item of the
 * SuperOffice node): each call with its own time limit, all within a total, and retries with
 * back-off where repeating the call cannot do a thing twice.
 *
 * - 429 (SuperOffice refused the call, it did nothing) and a connection that was never made
 *   (refused, unknown host) are retried for every call;
 * - 5xx, a time-out and a connection broken mid-call are retried only for calls that may be
 *   repeated (reads, updates by id); a create that failed so may have been made, and says so;
 * - 401, 403, 404 and other answers are final. Retry-After is honoured when it fits in the time left.
 */

/** How long and how often a series of calls may try. */
export interface CallLimits {
	/** Tries per call (the first and the retries). */
	attempts: number;
	/** Time limit of one try. */
	attemptTimeoutMs: number;
	/** Time limit of the whole series. */
	totalMs: number;
	/** Wait before the first retry, doubled for each one after (unless SuperOffice says Retry-After). */
	backoffMs: number;
}

/** Why a call failed, in a word an If node can test. */
export type FailureKind =
	| 'not-found'
	| 'unauthorized'
	| 'forbidden'
	| 'throttled'
	| 'server-error'
	| 'timeout'
	| 'unreachable'
	| 'request-failed'
	| 'unexpected-answer';

/** A call that failed: why, SuperOffice's status and own words, and whether it may have happened. */
export class CallFailure extends Error {
	constructor(
		readonly kind: FailureKind,
		readonly status: number | null,
		/** SuperOffice's own message, when it gave one. */
		readonly said: string,
		/** A create (or other call not repeated) that may have been carried out all the same. */
		readonly uncertain: boolean,
		/** For a redirect: where to. */
		readonly location?: string,
	) {
		super(`${kind}${status === null ? '' : ` (${status})`}${said ? `: ${said}` : ''}`);
	}
}

export interface CallOptions {
	/** The call may be sent again after a failure that leaves unknown whether it was carried out. */
	repeatable: boolean;
	/** An empty 2xx answer means "no such record" (how SuperOffice's agents answer an unknown id). */
	emptyIsNotFound?: boolean;
}

const isObject = (value: unknown): value is IDataObject =>
	typeof value === 'object' && value !== null && !Array.isArray(value);

/** SuperOffice's own words from an error body, short. */
export function saidBy(body: unknown): string {
	if (!isObject(body)) return '';
	for (const key of ['ErrorMessage', 'Message', 'Error']) {
		const value = body[key];
		if (typeof value === 'string' && value.trim() !== '') return value.trim().slice(0, 200);
	}
	return '';
}

/** Seconds (or an HTTP date) in a Retry-After header, as milliseconds. */
export function retryAfterMs(
	headers: Record<string, unknown>,
	now = Date.now(),
): number | undefined {
	const raw = headers['retry-after'] ?? headers['Retry-After'];
	const value = Array.isArray(raw) ? raw[0] : raw;
	if (typeof value !== 'string' && typeof value !== 'number') return undefined;
	const text = String(value).trim();
	if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
	const date = Date.parse(text);
	return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Connections that were never made: nothing reached SuperOffice. */
const NEVER_SENT =
	/ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|refused the connection|incorrect host|DNS server returned an error|host is unreachable/i;
const TIMED_OUT = /ECONNABORTED|ETIMEDOUT|timeout|timed out/i;

/** What kind of failure an error thrown by the request helper is. */
function thrownKind(error: unknown): 'timeout' | 'never-sent' | 'broken' {
	const { code, message, cause } = (error ?? {}) as {
		code?: string;
		message?: string;
		cause?: { code?: string; message?: string };
	};
	const text = [code, message, cause?.code, cause?.message].filter(Boolean).join(' ');
	if (TIMED_OUT.test(text)) return 'timeout';
	return NEVER_SENT.test(text) ? 'never-sent' : 'broken';
}

type Attempt = ApiResponse | 'timeout' | 'never-sent' | 'broken';

/** What one try's outcome means: the body, or a failure and whether to try again. */
function judge(
	outcome: Attempt,
	options: CallOptions,
): { body: unknown } | { failure: CallFailure; retry: boolean } {
	const { repeatable } = options;
	if (outcome === 'timeout' || outcome === 'broken') {
		const kind = outcome === 'timeout' ? 'timeout' : 'unreachable';
		return { failure: new CallFailure(kind, null, '', !repeatable), retry: repeatable };
	}
	if (outcome === 'never-sent') {
		return { failure: new CallFailure('unreachable', null, '', false), retry: true };
	}
	const { statusCode: status, body } = outcome;
	if (status >= 200 && status < 300) {
		const empty = body === null || body === undefined || body === '';
		if (empty && options.emptyIsNotFound) {
			return { failure: new CallFailure('not-found', status, '', false), retry: false };
		}
		if (!empty && typeof body !== 'object') {
			return { failure: new CallFailure('unexpected-answer', status, '', false), retry: false };
		}
		return { body };
	}
	const said = saidBy(body);
	if (status === 429)
		return { failure: new CallFailure('throttled', 429, said, false), retry: true };
	if (status >= 500) {
		return {
			failure: new CallFailure('server-error', status, said, !repeatable),
			retry: repeatable,
		};
	}
	return { failure: finalFailure(outcome, said), retry: false };
}

function finalFailure({ statusCode: status, headers = {} }: ApiResponse, said: string) {
	if (status >= 300 && status < 400) {
		const location = headers.location ?? headers.Location;
		const to = typeof location === 'string' ? location : undefined;
		return new CallFailure('request-failed', status, said, false, to);
	}
	const kinds: Record<number, FailureKind> = {
		401: 'unauthorized',
		403: 'forbidden',
		404: 'not-found',
	};
	return new CallFailure(kinds[status] ?? 'request-failed', status, said, false);
}

/** One purpose's calls: counts them and keeps to the time limits. */
export class ApiSession {
	requests = 0;

	private readonly deadline: number;

	constructor(
		private readonly api: SuperOfficeApi,
		private readonly limits: CallLimits,
		readonly started = Date.now(),
	) {
		this.deadline = started + limits.totalMs;
	}

	private remaining(): number {
		return this.deadline - Date.now();
	}

	/** One try, bounded by the attempt limit and what is left of the total. */
	private async attempt(
		method: Parameters<SuperOfficeApi>[0],
		path: string,
		body: IDataObject | IDataObject[] | undefined,
	): Promise<Attempt> {
		const timeout = Math.min(this.limits.attemptTimeoutMs, this.remaining());
		if (timeout <= 0) return 'timeout';
		this.requests += 1;
		// The request has its own time limit; this one also covers a helper that ignores it.
		return await withinTime(this.api(method, path, body, timeout), timeout).catch(thrownKind);
	}

	/** Calls the API, retrying as the module comment says; the answer's body, or a CallFailure. */
	async call(
		method: Parameters<SuperOfficeApi>[0],
		path: string,
		body: IDataObject | IDataObject[] | undefined,
		options: CallOptions,
	): Promise<unknown> {
		let failure: CallFailure | undefined;
		for (let attempt = 1; attempt <= this.limits.attempts; attempt++) {
			const outcome = await this.attempt(method, path, body);
			const judged = judge(outcome, options);
			if ('body' in judged) return judged.body;
			failure = judged.failure;
			if (!judged.retry) break;
			const backoff = this.limits.backoffMs * 2 ** (attempt - 1);
			const waitMs =
				typeof outcome === 'object' ? (retryAfterMs(outcome.headers ?? {}) ?? backoff) : backoff;
			// Retry only when the wait and a useful try still fit in the time limit.
			if (attempt === this.limits.attempts || waitMs >= this.remaining()) break;
			await sleep(waitMs);
		}
		throw failure!;
	}
}
