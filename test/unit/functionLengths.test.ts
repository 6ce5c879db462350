import { functionLengths } from '../../scripts/function-lengths';

/*
 * The package's code reads as small functions with names that say what they do: none is longer
 * than a screen.
 */

const MAX_LINES = 60;

it(`no function under nodes/ or credentials/ is longer than ${MAX_LINES} lines`, () => {
	const long = functionLengths().filter((entry) => entry.lines > MAX_LINES);
	expect(
		long.map(({ name, file, line, lines }) => `${name} (${file}:${line}): ${lines} lines`),
	).toEqual([]);
});

it('the measure sees the functions it is meant to (the pipeline and its stages)', () => {
	const names = functionLengths().map((entry) => `${entry.file}:${entry.name}`);
	expect(names).toEqual(
		expect.arrayContaining([
			'nodes/shared/pipeline.ts:receiveWebhook',
			'nodes/shared/pipeline.ts:authenticate',
			'nodes/SuperOffice/records.ts:readRecord',
		]),
	);
});
