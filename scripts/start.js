#!/usr/bin/env node
// `npm start`: a local n8n with this package installed as a community package, an owner account,
// one active example workflow per trigger, on SQLite. Ctrl-C stops it.
//
// Environment: N8N_LINE=2 starts the n8n 2.x line (Node 24, installed into the cache) instead of
// 1.x; N8N_V1_VERSION / N8N_V2_VERSION pin other versions; N8N_PORT picks the port (5678);
// N8N_LOCAL_FOLDER moves n8n's data (~/.n8n-nodes-crm-triggers by default).
'use strict';

const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const { importExamples } = require('./lib/examples');
const n8n = require('./lib/n8n');
const { loadSamples, senders } = require('./lib/registry');
const { newCredential } = require('./lib/senders');
const setup = require('./lib/setup');

const line = Number(process.env.N8N_LINE || 1);
const port = Number(process.env.N8N_PORT || 5678);
const home = path.join(n8n.LOCAL_HOME, `local-n8n-${line}`);
const stateFile = path.join(home, 'local-setup.json');

function readState() {
	try {
		return JSON.parse(fs.readFileSync(stateFile, 'utf8'));
	} catch {
		return {};
	}
}

/** The setup file holds the owner's password, the API key and the secrets: the owner's alone. */
function writeState(state) {
	fs.writeFileSync(stateFile, JSON.stringify(state, null, 2), { mode: 0o600 });
	// a file that existed before keeps its mode through writeFileSync
	fs.chmodSync(stateFile, 0o600);
}

/** A random password n8n accepts (8+ characters, a digit, an upper-case letter). */
function newPassword() {
	return `Local-${crypto.randomBytes(18).toString('base64url')}-7N`;
}

/**
 * Owner-only permissions on the folder and everything n8n keeps in it (its database, settings
 * file with the encryption key, log), and on files an older version left readable by others.
 */
function restrictPermissions(folder) {
	fs.chmodSync(folder, 0o700);
	for (const entry of fs.readdirSync(folder, { withFileTypes: true, recursive: true })) {
		if (entry.isSymbolicLink()) continue;
		const file = path.join(entry.parentPath ?? entry.path, entry.name);
		if (file.includes(`${path.sep}node_modules${path.sep}`)) continue;
		fs.chmodSync(file, entry.isDirectory() ? 0o700 : 0o600);
	}
}

async function ensureWorkflows(instance, state) {
	state.secrets = state.secrets || {};
	state.credentials = state.credentials || {};
	state.workflows = state.workflows || {};
	for (const { key: trigger } of senders()) {
		state.secrets[trigger] = state.secrets[trigger] || newCredential(trigger);
		const existing = state.workflows[trigger];
		if (existing) {
			try {
				await instance.api('GET', `/workflows/${existing.id}`);
				continue;
			} catch (error) {
				if (error.status !== 404) throw error;
			}
		}
		const created = await setup.createTriggerWorkflow(instance, trigger, state.secrets[trigger], {
			label: '(local)',
		});
		state.credentials[trigger] = created.credential;
		state.workflows[trigger] = { id: created.id, url: instance.webhookUrl(created.path) };
	}
}

function printSummary(instance, state) {
	const lines = [
		'',
		`n8n ${instance.runtime.version} is running with ${n8n.PACKAGE.name} installed.`,
		'',
		`  Editor:   ${instance.baseUrl}`,
		`  Login:    ${n8n.OWNER.email} / ${state.ownerPassword}   (kept in ${stateFile}, readable by you alone)`,
		'',
		'  Example workflows (active) and their production webhook URLs:',
	];
	for (const { key } of senders()) {
		lines.push(`    ${setup.trigger(key).nodeName.padEnd(20)} ${state.workflows[key].url}`);
	}
	if (state.examplesImported?.length) {
		lines.push('', '  Also imported, inactive (see examples/README.md):');
		for (const name of state.examplesImported) lines.push(`    ${name}`);
	}
	lines.push('', '  Local secrets (also in the credentials of these workflows):');
	for (const { key } of senders()) {
		const fields = Object.entries(state.secrets[key]).filter(([, value]) => value !== '');
		lines.push(
			`    ${setup.trigger(key).nodeName.padEnd(20)} ${fields.map(([name, value]) => `${name}: ${value}`).join(', ')}`,
		);
	}
	const [first] = senders();
	lines.push(
		'',
		`  Send a sample event:   npm run send -- ${first.key} ${Object.keys(loadSamples(first))[0]}`,
		`  n8n log:                ${instance.logFile}`,
		'  Stop with Ctrl-C.',
		'',
	);
	process.stdout.write(lines.join('\n'));
}

async function main() {
	// Whatever n8n and this script create from here (database, settings, log) is the owner's alone.
	process.umask(0o077);
	const runtime = n8n.ensureN8n(line);
	fs.mkdirSync(home, { recursive: true, mode: 0o700 });
	const state = readState();
	state.encryptionKey = state.encryptionKey || crypto.randomBytes(24).toString('hex');
	// An owner created by an older version kept the fixed password it was given: it stays.
	state.ownerPassword =
		state.ownerPassword ||
		(fs.existsSync(path.join(home, '.n8n')) ? n8n.OWNER.password : newPassword());
	writeState(state);

	n8n.installPackage(home, n8n.packPackage(path.join(home, 'pack')));
	restrictPermissions(home);
	const instance = new n8n.N8nInstance({
		runtime,
		userFolder: home,
		port,
		encryptionKey: state.encryptionKey,
		owner: { ...n8n.OWNER, password: state.ownerPassword },
		// n8n checks its settings file is readable by its owner alone
		env: { N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'true' },
	});

	let stopping = false;
	const stop = async () => {
		if (stopping) return;
		stopping = true;
		process.stdout.write('\nStopping n8n…\n');
		await instance.stop();
		process.exit(0);
	};
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
	process.on('SIGHUP', stop);
	process.on('exit', () => {
		// However this script ends, n8n must not outlive it.
		try {
			if (instance.child) process.kill(-instance.child.pid, 'SIGKILL');
		} catch {
			// already stopped
		}
	});

	await instance.start();
	await instance.signIn();
	if (state.apiKey) instance.apiKey = state.apiKey;
	try {
		if (!instance.apiKey) throw Object.assign(new Error('no key'), { status: 401 });
		await instance.api('GET', '/workflows?limit=1');
	} catch (error) {
		if (error.status !== 401 && error.status !== 403) throw error;
		state.apiKey = await instance.createApiKey(`local ${new Date().toISOString()}`);
	}
	await ensureWorkflows(instance, state);
	if (!state.examplesImported) {
		// The workflows of examples/, inactive: they need your credentials and addresses first.
		state.examplesImported = (await importExamples(instance)).map((workflow) => workflow.name);
	}
	writeState(state);
	printSummary(instance, state);

	instance.child.once('exit', (code) => {
		if (!stopping) {
			process.stderr.write(`n8n exited (code ${code}); see ${instance.logFile}\n`);
			process.exit(code ?? 1);
		}
	});
}

main().catch((error) => {
	process.stderr.write(`${error.stack || error}\n`);
	process.exit(1);
});
