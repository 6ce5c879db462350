// The package as n8n and npm receive it: the tarball `npm pack` makes (what it holds, its size),
// n8n's community-package scanner over it and over the sources, package.json's links, and the
// release path (the publish workflow, `npm publish --dry-run`). Run after `npm run build`:
//   node --test test/package/
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

import {
	analyzePackage,
	SOURCE_FILE_PATTERNS,
} from '@n8n/scan-community-package/scanner/scanner.mjs';
import YAML from 'yaml';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));

/** What the tarball may hold: what n8n loads, and what npm always adds. */
const ALLOWED = [
	/^package\.json$/,
	/^README\.md$/,
	/^LICENSE\.md$/,
	/^index\.js$/,
	/^dist\/credentials\/[A-Za-z0-9]+\.credentials\.js$/,
	/^dist\/nodes\/[A-Za-z0-9]+\/[A-Za-z0-9]+(\.node)?\.js$/,
	/^dist\/nodes\/[A-Za-z0-9]+\/actions\/[A-Za-z0-9]+\.js$/,
	/^dist\/nodes\/[A-Za-z0-9]+\/[A-Za-z0-9]+\.node\.json$/,
	/^dist\/nodes\/[A-Za-z0-9]+\/[A-Za-z0-9.]+\.svg$/,
	/^dist\/nodes\/[A-Za-z0-9]+\/__schema__\/v\d+\.\d+\.\d+\.json$/,
];
/**
 * The budget. The three triggers took 51 files and 62 kB packed (README included); the receiving
 * pipeline's stages and the secret lifecycle in files of their own added 8 files and about 5 kB;
 * the SuperOffice node and the trigger's loop guard 11 files and about 14 kB (its code, and its
 * README section). A little room above the 69 files and 79.4 kB of today.
 */
const BUDGET = { files: 72, packedBytes: 82 * 1024 };

/** npm with this machine's settings, but never the lifecycle scripts of the package. */
function npm(args, options = {}) {
	return execFileSync('npm', args, {
		cwd: ROOT,
		encoding: 'utf8',
		stdio: ['ignore', 'pipe', 'pipe'],
		...options,
	});
}

describe('the packed package', () => {
	let folder;
	let packed;

	before(() => {
		assert.ok(
			fs.existsSync(path.join(ROOT, 'dist', 'nodes')),
			'dist/ is missing: run `npm run build` first',
		);
		folder = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-triggers-pack-'));
		[packed] = JSON.parse(npm(['pack', '--json', '--pack-destination', folder]));
		execFileSync('tar', ['-xzf', path.join(folder, packed.filename), '-C', folder]);
	});

	after(() => fs.rmSync(folder, { recursive: true, force: true }));

	it('holds only what n8n loads: compiled nodes and credentials, icons, codex and output schemas, README, licence', () => {
		const unexpected = packed.files
			.map((file) => file.path)
			.filter((file) => !ALLOWED.some((pattern) => pattern.test(file)));
		assert.deepEqual(unexpected, []);
	});

	it('has every node and credential package.json names, each with its codex and icons, each trigger with its output schema', () => {
		const files = new Set(packed.files.map((file) => file.path));
		for (const file of [...pkg.n8n.nodes, ...pkg.n8n.credentials])
			assert.ok(files.has(file), `${file} is not in the tarball`);
		for (const node of pkg.n8n.nodes) {
			assert.ok(files.has(node.replace(/\.js$/, '.json')), `${node}: no codex file`);
			if (node.endsWith('Trigger.node.js'))
				assert.ok(
					files.has(path.join(path.dirname(node), '__schema__', 'v1.0.0.json')),
					`${node}: no output schema`,
				);
			const nodeModule = fs.readFileSync(path.join(folder, 'package', node), 'utf8');
			for (const [, icon] of nodeModule.matchAll(/'file:([^']+\.svg)'/g)) {
				assert.ok(
					files.has(path.join(path.dirname(node), icon)),
					`${node}: icon ${icon} is not in the tarball`,
				);
			}
		}
	});

	it('holds every file its JavaScript requires (nothing is left out of package.json "files")', () => {
		const files = new Set(packed.files.map((file) => file.path));
		const missing = [];
		for (const file of files) {
			if (!file.endsWith('.js') || !file.startsWith('dist/')) continue;
			const text = fs.readFileSync(path.join(folder, 'package', file), 'utf8');
			for (const [, target] of text.matchAll(/require\("(\.{1,2}\/[^"]+)"\)/g)) {
				const resolved = path.posix.normalize(path.posix.join(path.posix.dirname(file), target));
				if (!files.has(`${resolved}.js`) && !files.has(resolved)) missing.push(`${file} → ${target}`);
			}
		}
		assert.deepEqual(missing, []);
	});

	it(`stays within its budget (${BUDGET.files} files, ${BUDGET.packedBytes / 1024} kB packed)`, (t) => {
		t.diagnostic(
			`tarball ${packed.filename}: ${packed.entryCount} files, ${(packed.size / 1024).toFixed(1)} kB packed, ` +
				`${(packed.unpackedSize / 1024).toFixed(1)} kB unpacked`,
		);
		assert.ok(packed.entryCount <= BUDGET.files, `${packed.entryCount} files`);
		assert.ok(packed.size <= BUDGET.packedBytes, `${packed.size} bytes packed`);
	});

	it("passes n8n's community-package scanner over every file of the tarball", async () => {
		const result = await analyzePackage(path.join(folder, 'package'));
		assert.equal(result.passed, true, `${result.message}\n${result.details ?? ''}`);
	});

	it("passes the scanner's two legs as n8n runs them: the tarball's JavaScript and package.json, and the source files", async () => {
		const tarball = await analyzePackage(path.join(folder, 'package'), ['**/*.js', 'package.json']);
		assert.equal(tarball.passed, true, `${tarball.message}\n${tarball.details ?? ''}`);
		const sources = await analyzePackage(ROOT, SOURCE_FILE_PATTERNS);
		assert.equal(sources.passed, true, `${sources.message}\n${sources.details ?? ''}`);
	});

	it('has no runtime dependencies and n8n-workflow as its only peer dependency', () => {
		assert.equal(pkg.dependencies, undefined);
		assert.deepEqual(Object.keys(pkg.peerDependencies), ['n8n-workflow']);
	});
});

describe('package.json lists what n8n must load for every node of the registry (nodes/senders.ts)', () => {
	const { triggers, actionNodes } = createRequire(import.meta.url)(
		path.join(ROOT, 'dist', 'nodes', 'senders.js'),
	);

	/** The credential types a node names, each in package.json and in credentials/. */
	function assertCredentials(description) {
		for (const { name } of description.credentials ?? []) {
			const file = `${name[0].toUpperCase()}${name.slice(1)}.credentials`;
			assert.ok(
				pkg.n8n.credentials.includes(`dist/credentials/${file}.js`),
				`package.json's n8n.credentials lacks ${file}.js`,
			);
			assert.ok(
				fs.existsSync(path.join(ROOT, 'credentials', `${file}.ts`)),
				`credentials/${file}.ts is missing`,
			);
		}
	}

	for (const Action of actionNodes) {
		it(`${Action.name}: its node file and credentials, its codex naming it`, () => {
			const { description } = new Action();
			const folder = pkg.n8n.nodes
				.map((node) => node.split('/'))
				.find((parts) => parts.at(-1) === `${Action.name}.node.js`);
			assert.ok(folder, `package.json's n8n.nodes lacks ${Action.name}.node.js`);
			assertCredentials(description);
			const codexFile = path.join(ROOT, 'nodes', folder.at(-2), `${Action.name}.node.json`);
			const codex = JSON.parse(fs.readFileSync(codexFile, 'utf8'));
			assert.equal(codex.node, `${pkg.name}.${description.name}`);
		});
	}

	for (const Trigger of triggers) {
		it(`${Trigger.name}: its node file and credentials, its codex naming it`, () => {
			const { description } = new Trigger();
			const node = `dist/nodes/${Trigger.sender.folder}/${Trigger.name}.node.js`;
			assert.ok(pkg.n8n.nodes.includes(node), `package.json's n8n.nodes lacks ${node}`);
			assertCredentials(description);
			const codex = JSON.parse(
				fs.readFileSync(
					path.join(ROOT, 'nodes', Trigger.sender.folder, `${Trigger.name}.node.json`),
					'utf8',
				),
			);
			assert.equal(codex.node, `${pkg.name}.${description.name}`);
		});
	}

	it('and no node that is not in the registry', () => {
		assert.equal(pkg.n8n.nodes.length, triggers.length + actionNodes.length);
	});
});

describe('the release path', () => {
	const workflowFile = path.join(ROOT, '.github', 'workflows', 'publish.yml');

	it('package.json, the credentials and the codex files all point at one repository', () => {
		const repository = pkg.repository.url.replace(/^git\+/, '').replace(/\.git$/, '');
		assert.match(repository, /^https:\/\/github\.com\/[^/]+\/[^/]+$/);
		assert.equal(pkg.homepage, `${repository}#readme`);
		assert.equal(pkg.bugs.url, `${repository}/issues`);
		const documented = [];
		for (const file of fs.readdirSync(path.join(ROOT, 'credentials'))) {
			const text = fs.readFileSync(path.join(ROOT, 'credentials', file), 'utf8');
			documented.push(
				...[...text.matchAll(/documentationUrl\s*=\s*'([^']+)'/g)].map((match) => [file, match[1]]),
			);
		}
		for (const node of pkg.n8n.nodes) {
			const codexFile = path.join(ROOT, node.replace(/^dist\//, '').replace(/\.js$/, '.json'));
			const codex = JSON.parse(fs.readFileSync(codexFile, 'utf8'));
			for (const list of Object.values(codex.resources))
				documented.push(...list.map(({ url }) => [codexFile, url]));
		}
		assert.ok(documented.length > 0);
		for (const [file, url] of documented)
			assert.ok(url.startsWith(`${repository}#`), `${file}: ${url}`);
	});

	it('the publish workflow is valid YAML that publishes with provenance from a version tag', () => {
		const workflow = YAML.parse(fs.readFileSync(workflowFile, 'utf8'), {
			strict: true,
			uniqueKeys: true,
		});
		assert.deepEqual(workflow.on.push.tags, ['v*.*.*']);
		assert.equal(workflow.permissions['id-token'], 'write');
		const steps = workflow.jobs.publish.steps;
		const commands = steps.filter((step) => step.run).map((step) => step.run);
		assert.ok(commands.includes('npm publish --provenance --access public'));
		assert.ok(
			commands.indexOf('npm test') < commands.indexOf('npm publish --provenance --access public'),
		);
		assert.ok(
			steps.some(
				(step) =>
					step.uses?.startsWith('actions/setup-node@') &&
					step.with['registry-url'] === 'https://registry.npmjs.org',
			),
		);
	});

	it('every npm script the publish workflow runs exists', () => {
		const text = fs.readFileSync(workflowFile, 'utf8');
		const scripts = [...text.matchAll(/npm (?:run (\S+)|(test|start))\b/g)].map(
			(match) => match[1] ?? match[2],
		);
		assert.ok(scripts.length > 0);
		for (const script of scripts)
			assert.ok(pkg.scripts[script], `npm script "${script}" does not exist`);
	});

	it('CHANGELOG.md has an entry for the next release (Unreleased) or for this version', () => {
		const changelog = fs.readFileSync(path.join(ROOT, 'CHANGELOG.md'), 'utf8');
		assert.match(
			changelog,
			new RegExp(`^## (Unreleased|${pkg.version.replace(/\./g, '\\.')})$`, 'm'),
		);
	});

	it('npm publish --dry-run succeeds', () => {
		const output = npm(['publish', '--dry-run', '--json', '--tag', 'dry-run'], {
			env: { ...process.env, npm_config_loglevel: 'error' },
		});
		const parsed = JSON.parse(output.slice(output.indexOf('{')));
		// npm 11 keys the result by package name; npm 10 gives it as is.
		const result = parsed[pkg.name] ?? parsed;
		assert.equal(result.name, pkg.name);
		assert.equal(result.version, pkg.version);
	});
});
