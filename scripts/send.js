#!/usr/bin/env node
// `npm run send -- <sender> [event] [options]`: posts a sample event to a trigger's URL, signed or
// authenticated exactly as the real sender does. For building workflows without waiting for a
// real event. Not part of the published package.
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { parseArgs } = require('node:util');

const { LOCAL_HOME } = require('./lib/n8n');
const { loadSamples, senderOf, senders, wireOf } = require('./lib/registry');
const { freshEvent, sentNow, signedRequest } = require('./lib/senders');

/** The sample sent when none is named: the sender's first benchmark sample (its everyday event). */
function defaultSample(sender) {
	return wireOf(sender).benchmark[0] ?? Object.keys(loadSamples(sender))[0];
}

function usage() {
	const keys = senders().map((sender) => sender.key);
	const examples = senders().map(defaultSample);
	return `Usage: npm run send -- <${keys.join('|')}> [event] [options]

  event                 a sample event, e.g. ${examples.join(', ')}
                        (default: the first of these; --list shows them all)
Options:
  --url <url>           where to post (default: the local n8n started by npm start)
  --test                post to the test URL (/webhook-test/...) instead of the production URL
  --secret-file <path>  a file holding the secret (a header value, a signing secret whsec_... or a
                        webhook secret) on its first line; or set CRM_TRIGGERS_SECRET. Never on the
                        command line, where other users see it (default: the local secrets written
                        by npm start)
  --header-name <name>  the header name, for senders authenticated by a header
  --file <payload.json> send this body instead of the sample (its own ids are replaced unless --keep-ids)
  --repeat <n>          send n times, each with a fresh event id (default 1)
  --keep-ids            keep the body's event ids, so repeats are duplicates
  --no-auth             send without header or signature
  --list                list the sample events of the sender
`;
}

const OPTIONS = {
	url: { type: 'string' },
	test: { type: 'boolean' },
	'secret-file': { type: 'string' },
	// refused with a message: a secret on the command line is visible to other users
	secret: { type: 'string' },
	'header-name': { type: 'string' },
	file: { type: 'string' },
	repeat: { type: 'string', default: '1' },
	'keep-ids': { type: 'boolean' },
	'no-auth': { type: 'boolean' },
	list: { type: 'boolean' },
	help: { type: 'boolean', short: 'h' },
};

function localState() {
	for (const line of [1, 2]) {
		try {
			return JSON.parse(
				fs.readFileSync(path.join(LOCAL_HOME, `local-n8n-${line}`, 'local-setup.json'), 'utf8'),
			);
		} catch {
			// not started on this line
		}
	}
	return undefined;
}

/** The secret given with --secret-file or CRM_TRIGGERS_SECRET, if any. */
function givenSecret(values) {
	if (values.secret !== undefined) {
		throw new Error(
			'--secret is not accepted: a secret on the command line is visible to other users of this machine (ps) and stays in your shell history. Put it in a file and pass --secret-file <path>, or set CRM_TRIGGERS_SECRET.',
		);
	}
	if (values['secret-file'] !== undefined) {
		return fs.readFileSync(values['secret-file'], 'utf8').split(/\r?\n/)[0];
	}
	return process.env.CRM_TRIGGERS_SECRET || undefined;
}

/** The credential to authenticate with: the local one, with the given secret and --header-name laid over it. */
function credentialFor(sender, values, state) {
	if (values['no-auth']) return undefined;
	const local = state?.secrets?.[sender.key] ?? {};
	const secret = givenSecret(values);
	if (secret === undefined) {
		if (Object.keys(local).length === 0)
			throw new Error(
				`No secret for ${sender.key}: pass --secret-file or set CRM_TRIGGERS_SECRET, or start the local n8n with npm start`,
			);
		return { ...local, ...(values['header-name'] ? { headerName: values['header-name'] } : {}) };
	}
	const scheme = sender.authentication.choices.find((choice) => choice.scheme)?.scheme;
	if (scheme?.type === 'header')
		return {
			headerName:
				values['header-name'] || local.headerName || `X-${sender.name}-Webhook-Token`,
			headerSecret: secret,
		};
	return secret;
}

async function main() {
	const { values, positionals } = parseArgs({ options: OPTIONS, allowPositionals: true });
	const [key, eventName] = positionals;
	if (values.help || !key) {
		process.stdout.write(usage());
		process.exit(key || values.help ? 0 : 1);
	}
	const sender = senderOf(key);
	const samples = loadSamples(sender);
	if (values.list) {
		process.stdout.write(`${Object.keys(samples).join('\n')}\n`);
		return;
	}
	const state = localState();
	let body;
	if (values.file) {
		body = JSON.parse(fs.readFileSync(values.file, 'utf8'));
	} else {
		const name = eventName || defaultSample(sender);
		if (samples[name] === undefined)
			throw new Error(
				`No sample "${name}" for ${key}; available: ${Object.keys(samples).join(', ')}`,
			);
		body = samples[name];
	}
	let url = values.url;
	if (!url) {
		if (!state?.workflows?.[key])
			throw new Error('No --url given and no local n8n found: run npm start first');
		url = state.workflows[key].url;
	}
	if (values.test) url = url.replace('/webhook/', '/webhook-test/');
	const credential = credentialFor(sender, values, state);
	// With --keep-ids every copy is the same event: the body as it is, one id for senders that carry it in a header.
	const kept = { body: sentNow(sender, body), options: freshEvent(sender, body).options };

	for (let i = 0; i < Number(values.repeat); i++) {
		const event = values['keep-ids'] ? kept : freshEvent(sender, body);
		const request = signedRequest(sender, event.body, credential, event.options);
		const response = await fetch(url, {
			method: 'POST',
			headers: request.headers,
			body: request.raw,
		});
		process.stdout.write(`${response.status} ${await response.text()}\n`);
	}
}

main().catch((error) => {
	process.stderr.write(`${error.message}\n`);
	process.exit(1);
});
