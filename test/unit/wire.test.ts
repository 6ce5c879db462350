import { triggers } from '../../nodes/senders';
import { loadSamples, sample, wireOf } from '../../scripts/lib/registry';
import { parseWire, readWire } from '../../scripts/lib/wire';

/*
 * samples/wire.json, the part of a sender the tools read besides its definition, is held to one
 * schema: a misspelt key or a wrong type is an error that names the file, not a default.
 */

describe.each(triggers.map((Trigger) => [Trigger.sender.name, Trigger.sender] as const))(
	'%s samples/wire.json',
	(_name, sender) => {
		const wire = wireOf(sender);
		const samples = loadSamples(sender);

		it('matches the schema and names samples that exist', () => {
			for (const name of [...wire.benchmark, ...(wire.screenshot ? [wire.screenshot] : [])]) {
				expect(() => sample(sender, name)).not.toThrow();
			}
			for (const { from } of Object.values(wire.derived)) expect(samples[from]).toBeDefined();
		});

		it('repeats in headers only fields the bodies have, and mistypes a field they have', () => {
			for (const field of Object.values(wire.repeatedInHeaders)) {
				for (const body of Object.values(samples)) expect(body).toHaveProperty(field);
			}
			if (wire.mistype !== undefined) {
				const [first] = Object.values(samples);
				expect(first).toHaveProperty(wire.mistype.split('.'));
			}
		});
	},
);

describe('a wire.json that does not match', () => {
	it.each([
		[{ description: 'x', benchmarks: ['a'] }, 'benchmarks'],
		[{ description: 'x', headers: { 'User-Agent': 7 } }, 'headers.User-Agent'],
		[{ description: 'x', derived: { 'a.b': { set: {} } } }, 'derived.a.b.from'],
		[{ headers: {} }, 'description'],
	])('%j is refused, naming %s and the file', (content, where) => {
		const source = 'nodes/Acme/samples/wire.json';
		expect(() => parseWire(content, source)).toThrow(source);
		expect(() => parseWire(content, source)).toThrow(where);
	});

	it('a sender without one gets the defaults', () => {
		expect(readWire('/no-such-folder/samples/wire.json')).toMatchObject({
			headers: {},
			benchmark: [],
			derived: {},
		});
	});
});
