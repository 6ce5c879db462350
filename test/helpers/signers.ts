import { createHmac } from 'crypto';
import { Webhook } from 'standardwebhooks';

/*
 * Senders, written from the providers' documentation and independently of the verifiers under
 * test: the Standard Webhooks reference library signs CRM events, node:crypto signs SuperOffice's.
 */

export interface SignedRequest {
	headers: Record<string, string>;
	raw: Buffer;
}

let counter = 0;

/** A CRM delivery signed as the Standard Webhooks specification says. */
export function signCrmEvent(
	body: string | object,
	secret: string,
	options: { id?: string; timestamp?: number } = {},
): SignedRequest {
	const text = typeof body === 'string' ? body : JSON.stringify(body);
	const id = options.id ?? `msg_test${Date.now().toString(36)}${(counter++).toString(36)}`;
	const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
	const signature = new Webhook(secret).sign(id, new Date(timestamp * 1000), text);
	return {
		raw: Buffer.from(text, 'utf8'),
		headers: {
			'webhook-id': id,
			'webhook-timestamp': String(timestamp),
			'webhook-signature': signature,
			'content-type': 'application/json',
			'user-agent': 'Heffl-Webhooks/1.0',
		},
	};
}

/** base64(HMAC-SHA256(UTF-8 secret, raw body)), as SuperOffice signs. */
export function superOfficeSignature(raw: Buffer | string, secret: string): string {
	return createHmac('sha256', Buffer.from(secret, 'utf8')).update(raw).digest('base64');
}
