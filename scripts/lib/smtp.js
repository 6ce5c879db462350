// A real SMTP server on loopback for the tools and tests that run workflows sending email:
// smtp-server (the SMTP server of the Nodemailer project) receives the messages, mailparser reads them.
'use strict';

const { simpleParser } = require('mailparser');
const { SMTPServer } = require('smtp-server');

/**
 * Starts the server on a free port of 127.0.0.1. It accepts any user name and password and keeps
 * every message it receives, parsed: `{ from, to, subject, text }` (addresses as plain strings).
 * @returns {Promise<{ host: string, port: number, messages: object[], waitFor: (count: number, timeoutMs?: number) => Promise<object[]>, close: () => Promise<void> }>}
 */
async function startSmtpServer() {
	const messages = [];
	const server = new SMTPServer({
		secure: false,
		disabledCommands: ['STARTTLS'],
		authOptional: true,
		onAuth: (_auth, _session, callback) => callback(null, { user: 'test' }),
		onData: (stream, session, callback) => {
			simpleParser(stream)
				.then((mail) => {
					messages.push({
						from: mail.from?.value.map((address) => address.address).join(', ') ?? '',
						to: session.envelope.rcptTo.map((address) => address.address),
						subject: mail.subject ?? '',
						text: mail.text ?? '',
					});
					callback();
				})
				.catch(callback);
		},
	});
	await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.server.address();
	return {
		host: '127.0.0.1',
		port,
		messages,
		/** Waits until `count` messages have arrived; resolves with them. */
		async waitFor(count, timeoutMs = 30000) {
			const deadline = Date.now() + timeoutMs;
			while (messages.length < count && Date.now() < deadline)
				await new Promise((resolve) => setTimeout(resolve, 100));
			return messages;
		},
		close: () => new Promise((resolve) => server.close(resolve)),
	};
}

/**
 * The sample with its placeholder addresses (`[Booker Email]`, a documentation page's
 * `[email protected]`) made deliverable, so that an SMTP server takes messages sent to them.
 */
function withRealEmails(body) {
	let count = 0;
	const visit = (value, key) => {
		if (Array.isArray(value)) return value.map((child) => visit(child, key));
		if (value !== null && typeof value === 'object') {
			return Object.fromEntries(
				Object.entries(value).map(([name, child]) => [name, visit(child, name)]),
			);
		}
		if (typeof value === 'string' && /email/i.test(key ?? '') && !/^[^@\s]+@[^@\s]+$/.test(value))
			return `person${++count}@example.com`;
		return value;
	};
	return visit(body);
}

module.exports = { startSmtpServer, withRealEmails };
