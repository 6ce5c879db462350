// PostgreSQL and Redis for the queue-mode tests: installed from Debian's packages when missing,
// started on loopback with throw-away data folders, stopped afterwards.
'use strict';

const { execFileSync, spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const { freePort, sleep } = require('../../scripts/lib/n8n');

function log(message) {
	process.stderr.write(`[queue] ${message}\n`);
}

function postgresBin() {
	const root = '/usr/lib/postgresql';
	if (!fs.existsSync(root)) return undefined;
	const versions = fs
		.readdirSync(root)
		.filter((name) => fs.existsSync(path.join(root, name, 'bin', 'initdb')));
	versions.sort((a, b) => Number(b) - Number(a));
	return versions.length ? path.join(root, versions[0], 'bin') : undefined;
}

function commandExists(command) {
	return spawnSync('sh', ['-c', `command -v ${command}`]).status === 0;
}

/** Debian's packages the queue-mode suite needs and this machine lacks. */
function missingPackages() {
	const missing = [];
	if (!postgresBin()) missing.push('postgresql');
	if (!commandExists('redis-server')) missing.push('redis-server');
	return missing;
}

const isRoot = () => process.getuid?.() === 0;
const canSudo = () => spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status === 0;

/**
 * What stops the suite from installing what it lacks, in one line that says how to provide it;
 * undefined when nothing is missing or it can be installed (as root, or with sudo without a password).
 */
function prerequisiteProblem(missing = missingPackages()) {
	if (missing.length === 0 || isRoot() || canSudo()) return undefined;
	return `The queue-mode suite needs ${missing.join(' and ')}, which are not installed and cannot be without root: run \`sudo apt-get install -y ${missing.join(' ')}\` once (or run npm test as root, or with sudo that asks no password), then run it again.`;
}

/** Installs Debian's postgresql and redis-server packages when they are not there yet. */
function ensurePackages() {
	const missing = missingPackages();
	if (!missing.length) return;
	const problem = prerequisiteProblem(missing);
	if (problem) throw new Error(problem);
	const asRoot = isRoot() ? [] : ['sudo', '-n'];
	log(`installing ${missing.join(', ')} from Debian's packages`);
	const run = (args) => {
		const [command, ...rest] = [...asRoot, ...args];
		execFileSync(command, rest, {
			stdio: ['ignore', 'ignore', 'inherit'],
			env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
		});
	};
	run(['apt-get', 'update', '-q']);
	run(['apt-get', 'install', '-y', '-q', '--no-install-recommends', ...missing]);
}

/** Runs a PostgreSQL binary as the postgres user when we are root (PostgreSQL refuses root). */
function asPostgres(binary, args, options = {}) {
	const command =
		process.getuid?.() === 0
			? ['runuser', '-u', 'postgres', '--', binary, ...args]
			: [binary, ...args];
	return execFileSync(command[0], command.slice(1), {
		stdio: ['ignore', 'pipe', 'pipe'],
		...options,
	});
}

/**
 * A PostgreSQL server on 127.0.0.1 with a database `n8n` owned by user `n8n` (trust auth), data
 * in `folder`.
 */
async function startPostgres(folder) {
	const bin = postgresBin();
	const data = path.join(folder, 'pgdata');
	const sockets = path.join(folder, 'pgsock');
	fs.mkdirSync(data, { recursive: true });
	fs.mkdirSync(sockets, { recursive: true });
	if (process.getuid?.() === 0) {
		execFileSync('chown', ['-R', 'postgres:postgres', folder]);
		fs.chmodSync(folder, 0o755);
	}
	const port = await freePort();
	asPostgres(path.join(bin, 'initdb'), ['-D', data, '-A', 'trust', '-U', 'n8n', '--no-sync']);
	asPostgres(path.join(bin, 'pg_ctl'), [
		'-D',
		data,
		'-l',
		path.join(folder, 'postgres.log'),
		'-w',
		'start',
		'-o',
		`-p ${port} -k ${sockets} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`,
	]);
	asPostgres(path.join(bin, 'createdb'), [
		'-h',
		'127.0.0.1',
		'-p',
		String(port),
		'-U',
		'n8n',
		'n8n',
	]);
	log(`PostgreSQL on 127.0.0.1:${port}`);
	return {
		port,
		async stop() {
			try {
				asPostgres(path.join(bin, 'pg_ctl'), ['-D', data, '-m', 'fast', '-w', 'stop']);
			} catch (error) {
				log(`stopping PostgreSQL: ${error.message}`);
			}
		},
	};
}

/** A Redis server on 127.0.0.1 without persistence. */
async function startRedis(folder) {
	const port = await freePort();
	const child = spawn(
		'redis-server',
		[
			'--port',
			String(port),
			'--bind',
			'127.0.0.1',
			'--save',
			'',
			'--appendonly',
			'no',
			'--dir',
			folder,
		],
		{
			stdio: ['ignore', fs.openSync(path.join(folder, 'redis.log'), 'a'), 'inherit'],
		},
	);
	for (let i = 0; i < 100; i++) {
		if (
			spawnSync('redis-cli', ['-p', String(port), 'ping'])
				.stdout?.toString()
				.trim() === 'PONG'
		)
			break;
		await sleep(100);
	}
	log(`Redis on 127.0.0.1:${port}`);
	return {
		port,
		async stop() {
			child.kill('SIGTERM');
			await new Promise((resolve) =>
				child.exitCode !== null ? resolve() : child.once('exit', resolve),
			);
		},
	};
}

module.exports = {
	prerequisiteProblem,
	ensurePackages,
	startPostgres,
	startRedis,
};

// `node test/queue/services.js --check`: npm test asks first, so that a machine without root learns
// what to install before the other suites run, not after.
if (require.main === module && process.argv.includes('--check')) {
	const problem = prerequisiteProblem();
	if (problem) {
		process.stderr.write(`${problem}\n`);
		process.exit(1);
	}
}
