#!/usr/bin/env node
// The longest functions of the package's code (nodes/ and credentials/), by lines from their first
// line to their last: `node scripts/function-lengths.js [--top N] [--over LINES]`.
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { parseArgs } = require('node:util');
const ts = require('typescript');

const ROOT = path.resolve(__dirname, '..');

function sourceFiles(folder) {
	return fs.readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
		const full = path.join(folder, entry.name);
		if (entry.isDirectory()) return entry.name === 'samples' ? [] : sourceFiles(full);
		return entry.name.endsWith('.ts') ? [full] : [];
	});
}

function nameOf(node) {
	if (node.name && ts.isIdentifier(node.name)) return node.name.text;
	if (node.name && ts.isStringLiteral(node.name)) return node.name.text;
	const parent = node.parent;
	if (parent && ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name)) return parent.name.text;
	if (parent && ts.isPropertyAssignment(parent) && ts.isIdentifier(parent.name)) return parent.name.text;
	return '(anonymous)';
}

/** Every function of the package's code with its length in lines, longest first. */
function functionLengths(folders = ['nodes', 'credentials']) {
	const found = [];
	for (const file of folders.flatMap((folder) => sourceFiles(path.join(ROOT, folder)))) {
		const text = fs.readFileSync(file, 'utf8');
		const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
		const visit = (node) => {
			if (ts.isFunctionLike(node) && 'body' in node && node.body !== undefined) {
				const first = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
				const last = source.getLineAndCharacterOfPosition(node.getEnd()).line;
				found.push({
					file: path.relative(ROOT, file),
					line: first + 1,
					name: nameOf(node),
					lines: last - first + 1,
				});
			}
			ts.forEachChild(node, visit);
		};
		visit(source);
	}
	return found.sort((a, b) => b.lines - a.lines);
}

if (require.main === module) {
	const { values } = parseArgs({
		options: { top: { type: 'string', default: '10' }, over: { type: 'string' } },
	});
	const all = functionLengths();
	const shown =
		values.over === undefined
			? all.slice(0, Number(values.top))
			: all.filter((entry) => entry.lines > Number(values.over));
	for (const { lines, name, file, line } of shown) {
		process.stdout.write(`${String(lines).padStart(4)}  ${name}  ${file}:${line}\n`);
	}
}

module.exports = { functionLengths };
