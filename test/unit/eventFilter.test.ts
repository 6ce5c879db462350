import { isEventSelected, matchesPattern, parseEventList } from '../../nodes/shared/eventFilter';
import { seededRandom } from '../../scripts/lib/random';

/** The meaning of a pattern, spelled as a regular expression (what matching did before). */
function asRegExp(pattern: string): RegExp {
	const source = pattern
		.split('*')
		.map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
		.join('.*');
	return new RegExp(`^${source}$`, 'is');
}

describe('event patterns', () => {
	it.each([
		['deal.created', 'deal.*', true],
		['deal.created', '*.created', true],
		['deal.created', '*.deleted', false],
		['list.country.created', 'list.*.created', true],
		['list.created', 'list.*.created', false],
		['webhook12.errors', 'webhook*.errors', true],
		['Deal.StageChanged', 'deal.stagechanged', true],
		['deal.created', '*', true],
		['', '*', true],
		['ab', 'a*b*', true],
		['aXbXb', 'a*b', true],
		['abab', '*ab*ab*', true],
		['aba', '*ab*ab*', false],
		['a', 'a*a', false],
	])('%s against %s: %s', (name, pattern, expected) => {
		expect(matchesPattern(name, pattern)).toBe(expected);
	});

	it('means what the same pattern as a regular expression means, on 20,000 seeded names and patterns', () => {
		const random = seededRandom(42);
		const letter = () => random.pick(['a', 'b', '.', 'A']);
		const word = (max: number) => Array.from({ length: random.int(max) }, letter).join('');
		for (let i = 0; i < 20000; i++) {
			const pattern = Array.from({ length: 1 + random.int(4) }, () => word(3)).join('*');
			const name = word(12);
			expect({ name, pattern, matches: matchesPattern(name, pattern) }).toEqual({
				name,
				pattern,
				matches: asRegExp(pattern).test(name),
			});
		}
	});

	it('a selection matches when any of its names or patterns does', () => {
		const selection = parseEventList('deal.*, *.deleted\ncontact.created');
		expect(selection).toEqual(['deal.*', '*.deleted', 'contact.created']);
		expect(
			['deal.won', 'lead.deleted', 'contact.created', 'lead.created'].map((name) =>
				isEventSelected(name, selection),
			),
		).toEqual([true, true, true, false]);
	});
});
