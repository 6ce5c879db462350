#!/usr/bin/env node
// `npm run send -- <sender> [event] [options]`: posts a sample event to a trigger's URL, signed or
// authenticated exactly as the real sender does. For building workflows without waiting for a
// real event. Not part of the published package.
'use strict';

const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const { LOCAL_HOME } = require('./lib/n8n');
const { crmRequest, qondorRequest, superOfficeRequest } = require('./lib/senders');

const FIXTURES = path.join(__dirname, '..', 'test', 'fixtures');
const FOLDERS = { qondor: 'qondor', crm: 'crm', superoffice: 'superoffice' };

const USAGE = `Usage: npm run send -- <qondor|crm|superoffice> [event] [options]

  event                 a sample event, e.g. OfferSentV1, deal.created, quote.approved
                        (default: the first one; --list shows them all)
Options:
  --url <url>           where to post (default: the local n8n started by npm start)
  --test                post to the test URL (/webhook-test/...) instead of the production URL
  --secret <value>      Qondor header value, CRM signing secret (whsec_...) or SuperOffice secret
                        (default: the local secrets written by npm start)
  --header-name <name>  Qondor header name (default: X-Qondor-Webhook-Token)
  --file <payload.json> send this body instead of the sample (its own ids are replaced unless --keep-ids)
  --repeat <n>          send n times, each with a fresh event id (default 1)
  --keep-ids            keep the body's event ids, so repeats are duplicates
  --no-auth             send without header or signature
  --list                list the sample events of the sender
`;

function parseArgs(argv) {
	const options = { positional: [], repeat: 1 };
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i];
		const value = () => {
			if (i + 1 >= argv.length) throw new Error(`${arg} needs a value`);
			return argv[++i];
		};
		if (arg === '--url') options.url = value();
		else if (arg === '--test') options.test = true;
		else if (arg === '--secret') options.secret = value();
		else if (arg === '--header-name') options.headerName = value();
		else if (arg === '--file') options.file = value();
		else if (arg === '--repeat') options.repeat = Number(value());
		else if (arg === '--keep-ids') options.keepIds = true;
		else if (arg === '--no-auth') options.noAuth = true;
		else if (arg === '--list') options.list = true;
		else if (arg === '--help' || arg === '-h') options.help = true;
		else if (arg.startsWith('--')) throw new Error(`Unknown option ${arg}`);
		else options.positional.push(arg);
	}
	return options;
}

function samples(sender) {
	const folder = path.join(FIXTURES, FOLDERS[sender]);
	return fs
		.readdirSync(folder)
		.filter((file) => file.endsWith('.json'))
		.sort()
		.map((file) => file.slice(0, -'.json'.length));
}

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

/** A body with fresh ids, as a new event from the sender would have. */
function freshIds(sender, body) {
	const copy = { ...body };
	if (sender === 'qondor') copy.webhookId = crypto.randomUUID();
	if (sender === 'superoffice') copy.EventId = crypto.randomUUID();
	if (sender === 'crm' && copy.timestamp) copy.timestamp = new Date().toISOString();
	return copy;
}

function buildRequest(sender, body, options, state) {
	if (options.noAuth) {
		const headers = { 'content-type': 'application/json' };
		return { raw: Buffer.from(JSON.stringify(body)), headers };
	}
	const secrets = state?.secrets;
	if (sender === 'qondor') {
		const headerName = options.headerName || secrets?.qondor.headerName || 'X-Qondor-Webhook-Token';
		const headerSecret = options.secret || secrets?.qondor.headerSecret;
		if (!headerSecret)
			throw new Error(
				'No Qondor header value: pass --secret, or start the local n8n with npm start',
			);
		return qondorRequest(body, { headerName, headerSecret });
	}
	if (sender === 'crm') {
		const secret = options.secret || secrets?.crm.signingSecret;
		if (!secret)
			throw new Error(
				'No CRM signing secret: pass --secret whsec_..., or start the local n8n with npm start',
			);
		return crmRequest(body, secret, options.keepIds ? { id: options.crmId } : {});
	}
	const secret = options.secret || secrets?.superoffice.webhookSecret;
	if (!secret)
		throw new Error('No SuperOffice secret: pass --secret, or start the local n8n with npm start');
	return superOfficeRequest(body, secret);
}

async function main() {
	const options = parseArgs(process.argv.slice(2));
	const [sender, eventName] = options.positional;
	if (options.help || !sender) {
		process.stdout.write(USAGE);
		process.exit(sender || options.help ? 0 : 1);
	}
	if (!FOLDERS[sender])
		throw new Error(`Unknown sender "${sender}"; use qondor, crm or superoffice`);
	if (options.list) {
		process.stdout.write(`${samples(sender).join('\n')}\n`);
		return;
	}
	const state = localState();
	let body;
	if (options.file) {
		body = JSON.parse(fs.readFileSync(options.file, 'utf8'));
	} else {
		const name = eventName || samples(sender)[0];
		if (!samples(sender).includes(name)) {
			throw new Error(
				`No sample "${name}" for ${sender}; available: ${samples(sender).join(', ')}`,
			);
		}
		body = JSON.parse(
			fs.readFileSync(path.join(FIXTURES, FOLDERS[sender], `${name}.json`), 'utf8'),
		);
	}
	let url = options.url;
	if (!url) {
		if (!state?.workflows?.[sender])
			throw new Error('No --url given and no local n8n found: run npm start first');
		url = state.workflows[sender].url;
	}
	if (options.test) url = url.replace('/webhook/', '/webhook-test/');
	options.crmId = `msg_${crypto.randomBytes(12).toString('hex')}`;

	for (let i = 0; i < options.repeat; i++) {
		const event = options.keepIds ? body : freshIds(sender, body);
		const request = buildRequest(sender, event, options, state);
		const response = await fetch(url, {
			method: 'POST',
			headers: request.headers,
			body: request.raw,
		});
		const text = await response.text();
		process.stdout.write(`${response.status} ${text}\n`);
	}
}

main().catch((error) => {
	process.stderr.write(`${error.message}\n`);
	process.exit(1);
});
