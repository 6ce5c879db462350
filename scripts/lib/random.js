// One seeded random generator for every tool and test that needs reproducible "random" input.
'use strict';

/**
 * mulberry32: a small seeded generator, so every run with the same seed makes the same choices.
 * @param {number} seed
 */
function seededRandom(seed) {
	let state = seed >>> 0;
	const next = () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
	return {
		/** A number in [0, 1). */
		next,
		/** An integer in [0, n). */
		int: (n) => Math.floor(next() * n),
		/** One element of the list. */
		pick: (list) => list[Math.floor(next() * list.length)],
		/** An id in the shape of a UUID, from this generator. */
		id: () =>
			Array.from({ length: 4 }, () =>
				Math.floor(next() * 0xffffffff)
					.toString(16)
					.padStart(8, '0'),
			).join('-'),
	};
}

module.exports = { seededRandom };
