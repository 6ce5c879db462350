#!/usr/bin/env node
// Regenerates the README's screenshots: a local n8n set up as `npm start` sets it up (the three
// triggers' workflows and the examples), one event sent to each, then headless Chromium (Debian's
// `chromium` package: apt-get install chromium) photographs each trigger's panel, the SuperOffice
// node's panel (its lists read from a fake SuperOffice tenant) and an example workflow after an
// execution.
//   npm run screenshots            writes docs/images/*.png
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { chromium } = require('playwright-core');

const { startEnvironment } = require('./lib/environment');
const { importExamples } = require('./lib/examples');
const n8n = require('./lib/n8n');
const { sample, senders, wireOf } = require('./lib/registry');
const { freshEvent, signedRequest } = require('./lib/senders');
const { startSmtpServer, withRealEmails } = require('./lib/smtp');
const { startFakeSuperOffice } = require('../test/fakes/superOffice');

const OUT = path.join(__dirname, '..', 'docs', 'images');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

async function openNode(page, baseUrl, workflowId, nodeName, { webhook = true } = {}) {
	await page.goto(`${baseUrl}/workflow/${workflowId}`, { waitUntil: 'networkidle' });
	const node = page.locator('[data-test-id="canvas-node"]', { hasText: nodeName }).first();
	await node.waitFor({ timeout: 30000 });
	await node.dblclick();
	await page.locator('[data-test-id="ndv"]').first().waitFor({ timeout: 30000 });
	if (webhook) {
		// show the webhook URLs the user gives the sender
		await page.getByText('Webhook URLs').first().click();
		await page.getByText('Production URL').first().click();
	}
	await page.waitForTimeout(1500);
}

/** A stored workflow changed by `change(nodes)` and saved again. */
async function updateWorkflow(instance, id, change) {
	const stored = await instance.api('GET', `/workflows/${id}`);
	change(stored.nodes);
	await instance.api('PUT', `/workflows/${id}`, {
		name: stored.name,
		nodes: stored.nodes,
		connections: stored.connections,
		settings: stored.settings,
	});
	return stored;
}

async function main() {
	if (!fs.existsSync(CHROMIUM))
		throw new Error(
			`${CHROMIUM} not found: install Debian's chromium package (apt-get install chromium)`,
		);
	fs.mkdirSync(OUT, { recursive: true });
	const env = await startEnvironment(1);
	const smtp = await startSmtpServer();
	const superOffice = await startFakeSuperOffice({
		auth: { type: 'bearer', token: 'screenshots' },
	});
	const browser = await chromium.launch({
		executablePath: CHROMIUM,
		args: [
			'--no-sandbox',
			'--disable-gpu',
			'--disable-quic',
			'--no-first-run',
			'--disable-background-networking',
			'--disable-component-update',
			'--disable-sync',
		],
	});
	try {
		// One event each (samples/wire.json's screenshot sample, else its first benchmark sample), so the panels show real output.
		for (const sender of senders()) {
			const wire = wireOf(sender);
			const event = freshEvent(sender, sample(sender, wire.screenshot ?? wire.benchmark[0]));
			await env.post(
				sender.key,
				signedRequest(sender, event.body, env.secrets[sender.key], event.options),
			);
		}
		const examples = await importExamples(env.instance);

		// The SuperOffice Trigger with Include Record and the loop guard on, and the SuperOffice node,
		// both with an API credential for a fake tenant (its users and activity types fill the lists).
		const apiCredential = await env.instance.createCredentialAsEditor(
			'SuperOffice API',
			'superOfficeApi',
			{
				baseUrl: superOffice.baseUrl,
				allowHttp: true,
				authType: 'bearer',
				accessToken: 'screenshots',
			},
		);
		const api = { superOfficeApi: { id: apiCredential.id, name: 'SuperOffice API' } };
		await updateWorkflow(env.instance, env.workflows.superoffice.id, (nodes) => {
			Object.assign(nodes[0].parameters, {
				includeRecord: true,
				skipOwnChanges: true,
				apiAccess: 'onSite',
			});
			Object.assign(nodes[0].credentials, api);
		});
		const quoteApproved = examples.find((workflow) => workflow.name.includes('quote approved'));
		await updateWorkflow(env.instance, quoteApproved.id, (nodes) => {
			for (const node of nodes.filter((candidate) => candidate.type.endsWith('.superOffice'))) {
				node.parameters.authentication = 'onSite';
				node.credentials = api;
			}
		});

		const [name, value] = env.instance.cookie.split('=');
		const context = await browser.newContext({
			viewport: { width: 1440, height: 900 },
			deviceScaleFactor: 1,
		});
		await context.addCookies([{ name, value, domain: 'localhost', path: '/' }]);
		const page = await context.newPage();
		const base = env.instance.baseUrl;

		for (const { key: trigger } of senders()) {
			const file = `${env.workflows[trigger].nodeName.toLowerCase().replace(/ /g, '-')}.png`;
			// SuperOffice's panel is long: Include Record and the loop guard below the events
			await page.setViewportSize({ width: 1440, height: trigger === 'superoffice' ? 1400 : 900 });
			await openNode(page, base, env.workflows[trigger].id, env.workflows[trigger].nodeName);
			await page.screenshot({ path: path.join(OUT, file) });
			process.stdout.write(`docs/images/${file}\n`);
		}
		await page.setViewportSize({ width: 1440, height: 1000 });
		for (const [nodeName, file] of [
			['Mark Sale as Sold', 'superoffice-node-sale.png'],
			['Follow-Up for Sales Rep', 'superoffice-node-follow-up.png'],
		]) {
			await openNode(page, base, quoteApproved.id, nodeName, { webhook: false });
			await page.screenshot({ path: path.join(OUT, file) });
			process.stdout.write(`docs/images/${file}\n`);
		}

		// An example workflow after an execution: the booking → HubSpot contacts + email example, its
		// trigger given a credential, its emails sent to a local SMTP server, its HubSpot node (which
		// cannot reach HubSpot from here) disabled, run by a real booking.
		const booking = examples.find((workflow) =>
			workflow.name.toLowerCase().includes('booked participant'),
		);
		const stored = await env.instance.api('GET', `/workflows/${booking.id}`);
		const credential = await env.instance.createCredential(
			'Qondor (screenshots)',
			'qondorWebhookApi',
			env.secrets.qondor,
		);
		const smtpCredential = await env.instance.createCredential('SMTP (screenshots)', 'smtp', {
			user: 'n8n',
			password: 'screenshots',
			host: smtp.host,
			port: smtp.port,
			secure: false,
			disableStartTls: true,
			hostName: '',
		});
		for (const node of stored.nodes) {
			if (node.type.endsWith('.qondorTrigger'))
				node.credentials = {
					qondorWebhookApi: { id: credential.id, name: 'Qondor (screenshots)' },
				};
			if (node.type === 'n8n-nodes-base.emailSend')
				node.credentials = { smtp: { id: smtpCredential.id, name: 'SMTP (screenshots)' } };
			if (node.type === 'n8n-nodes-base.hubspot') node.disabled = true;
		}
		await env.instance.api('PUT', `/workflows/${booking.id}`, {
			name: stored.name,
			nodes: stored.nodes,
			connections: stored.connections,
			settings: stored.settings,
		});
		await env.instance.activate(booking.id);
		const trigger = stored.nodes.find((node) => node.type.endsWith('.qondorTrigger'));
		const url = env.instance.webhookUrl(`${trigger.webhookId}/qondor`);
		const request = signedRequest(
			'qondor',
			withRealEmails({
				...sample('qondor', 'BookingConfirmedV1'),
				webhookId: 'screenshot-booking',
			}),
			env.secrets.qondor,
		);
		const response = await fetch(url, {
			method: 'POST',
			headers: request.headers,
			body: request.raw,
		});
		if (response.status !== 200)
			throw new Error(
				`The example workflow did not accept the booking: ${response.status} ${await response.text()}`,
			);
		let executions = [];
		for (let i = 0; i < 60 && !executions.some((execution) => execution.stoppedAt); i++) {
			await n8n.sleep(500);
			executions = await env.instance.executions(booking.id, { includeData: false });
		}
		if (executions.length === 0)
			throw new Error(`No execution of the example workflow; n8n log: ${env.logPath()}`);
		await page.goto(`${base}/workflow/${booking.id}/executions/${executions[0].id}`, {
			waitUntil: 'networkidle',
		});
		await page.waitForTimeout(3000);
		await page.screenshot({ path: path.join(OUT, 'example-booking-execution.png') });
		process.stdout.write('docs/images/example-booking-execution.png\n');
	} finally {
		await browser.close();
		await smtp.close();
		await superOffice.close();
		await env.stop();
		env.removeFolder();
	}
}

main().catch((error) => {
	process.stderr.write(`${error.stack || error}\n`);
	process.exit(1);
});
