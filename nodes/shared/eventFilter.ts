/** The value of the "all events" choice in every trigger's event list. */
export const ALL_EVENTS = '*';

/** A pattern cut at its stars, lower-cased: `deal.*` → `['deal.', '']`. */
const compiledPatterns = new Map<string, string[]>();

/**
 * Whether an event name matches a pattern in which `*` stands for any run of characters
 * (`deal.*`, `*.deleted`, `list.*.created`, `webhook*.errors`). Matching ignores case.
 *
 * The text between stars must appear in order: the first part at the start, the last at the end,
 * each one between them at its leftmost place after the previous one. Taking the leftmost place
 * never loses a match, so nothing is tried twice: the time grows with the name's length, not with
 * its square (as a regular expression's backtracking would on `*a*a*a*b`).
 */
export function matchesPattern(eventName: string, pattern: string): boolean {
	let parts = compiledPatterns.get(pattern);
	if (parts === undefined) {
		parts = pattern.toLowerCase().split('*');
		compiledPatterns.set(pattern, parts);
	}
	const name = eventName.toLowerCase();
	if (parts.length === 1) return name === parts[0];
	const first = parts[0];
	const last = parts[parts.length - 1];
	if (name.length < first.length + last.length || !name.startsWith(first) || !name.endsWith(last)) {
		return false;
	}
	const end = name.length - last.length;
	let position = first.length;
	for (let i = 1; i < parts.length - 1; i++) {
		if (parts[i] === '') continue;
		const found = name.indexOf(parts[i], position);
		if (found === -1 || found + parts[i].length > end) return false;
		position = found + parts[i].length;
	}
	return true;
}

/** Splits a free-text list of event names or patterns (commas, spaces or new lines). */
export function parseEventList(text: string): string[] {
	return text
		.split(/[\s,]+/)
		.map((part) => part.trim())
		.filter((part) => part.length > 0);
}

/** Whether the event is one of the selected names or matches one of the selected patterns. */
export function isEventSelected(eventName: string, selection: readonly string[]): boolean {
	return selection.some((choice) => matchesPattern(eventName, choice));
}

/**
 * The events a trigger runs for: those chosen in its list plus its free-text patterns. "All"
 * (`*`) is itself a pattern matching every name.
 */
export function selectionMatcher(
	selected: readonly string[],
	customEvents: readonly string[],
): (eventName: string) => boolean {
	const selection = [...selected, ...customEvents];
	return (eventName) => isEventSelected(eventName, selection);
}
