// A real n8n with this package installed as a community package, one credential and one active
// workflow per trigger, and helpers to send requests and read back executions.
'use strict';

const fs = require('node:fs');
const path = require('node:path');

const { postEvent } = require('./load');
const n8n = require('./n8n');
const { senders } = require('./registry');
const setup = require('./setup');

const running = new Set();
process.on('exit', () => {
	// Last resort when the test process dies: no n8n may outlive it.
	for (const instance of running) {
		try {
			if (instance.child) process.kill(-instance.child.pid, 'SIGKILL');
		} catch {
			// already gone
		}
	}
});

/**
 * Starts n8n of the given line (1 or 2) on a free port with a fresh user folder, signs in, creates
 * an API key, the credentials and one active workflow per sender (keyed by the sender's key).
 * @param {number} line
 * @param {{ workflowParameters?: Record<string, object>, env?: Record<string, string> }} [options]
 */
async function startEnvironment(line, options = {}) {
	const runtime = n8n.ensureN8n(line);
	const userFolder = n8n.temporaryFolder(`n8n-e2e-${runtime.version}-`);
	const tarball = n8n.packPackage(path.join(userFolder, 'pack'));
	n8n.installPackage(userFolder, tarball);
	const instance = new n8n.N8nInstance({
		runtime,
		userFolder,
		port: await n8n.freePort(),
		env: options.env,
	});
	running.add(instance);
	process.stderr.write(`[e2e] n8n ${runtime.version} log: ${instance.logFile}\n`);
	await instance.start();
	await instance.signIn();
	await instance.createApiKey('e2e');

	const secrets = setup.generateSecrets();
	const workflows = {};
	for (const { key: trigger } of senders()) {
		const created = await setup.createTriggerWorkflow(instance, trigger, secrets[trigger], {
			label: 'e2e',
			parameters: options.workflowParameters?.[trigger],
		});
		workflows[trigger] = { ...created, url: instance.webhookUrl(created.path) };
	}
	return new Environment(instance, secrets, workflows);
}

class Environment {
	constructor(instance, secrets, workflows) {
		this.instance = instance;
		this.secrets = secrets;
		this.workflows = workflows;
	}

	/**
	 * Adds another active workflow for a trigger, with its own credential, webhook id and node
	 * parameters, under `key` (e.g. a Qondor trigger with Reject Invalid Payloads on).
	 */
	async addWorkflow(key, trigger, { webhookId, parameters, credentialData }) {
		const created = await setup.createTriggerWorkflow(this.instance, trigger, credentialData, {
			label: key,
			name: `${setup.trigger(trigger).nodeName} ${key}`,
			webhookId,
			parameters,
		});
		this.workflows[key] = { ...created, url: this.instance.webhookUrl(created.path) };
		return this.workflows[key];
	}

	/** POSTs a prepared request ({ raw, headers }) to a trigger's production URL. */
	async post(trigger, request) {
		const { status, body } = await postEvent(this.workflows[trigger].url, request);
		return { status, body };
	}

	/** Every execution of a trigger's workflow, oldest first. */
	async executions(trigger) {
		const list = await this.instance.executions(this.workflows[trigger].id);
		return list.sort((a, b) => Number(a.id) - Number(b.id));
	}

	/** The items each execution of the trigger received, oldest execution first. */
	async executionItems(trigger) {
		const executions = await this.executions(trigger);
		return executions.map((execution) =>
			n8n.triggerItems(execution, this.workflows[trigger].nodeName),
		);
	}

	/** Waits until the trigger's workflow has exactly `count` finished executions. */
	async waitForExecutions(trigger, count, { timeoutMs = 30000 } = {}) {
		const deadline = Date.now() + timeoutMs;
		let executions = [];
		while (Date.now() < deadline) {
			executions = await this.executions(trigger);
			const finished = executions.filter((execution) => execution.finished || execution.stoppedAt);
			if (finished.length >= count) return executions;
			await n8n.sleep(200);
		}
		throw new Error(
			`Expected ${count} executions of the ${trigger} workflow, found ${executions.length}`,
		);
	}

	async restart() {
		await this.instance.stop();
		await this.instance.start();
		await this.instance.signIn();
	}

	async stop() {
		await this.instance.stop();
		running.delete(this.instance);
	}

	logPath() {
		return this.instance.logFile;
	}

	log() {
		return this.instance.readLog();
	}

	removeFolder() {
		fs.rmSync(this.instance.userFolder, { recursive: true, force: true });
	}
}

module.exports = { startEnvironment };
