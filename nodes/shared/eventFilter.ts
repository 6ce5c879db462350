/** The value of the "all events" choice in every trigger's event list. */
export const ALL_EVENTS = '*';

const compiledPatterns = new Map<string, RegExp>();

/**
 * Whether an event name matches a pattern in which `*` stands for any run of characters
 * (`deal.*`, `*.deleted`, `list.*.created`, `webhook*.errors`). Matching ignores case.
 */
export function matchesPattern(eventName: string, pattern: string): boolean {
	if (!pattern.includes('*')) return eventName.toLowerCase() === pattern.toLowerCase();
	let regex = compiledPatterns.get(pattern);
	if (regex === undefined) {
		const source = pattern
			.split('*')
			.map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
			.join('.*');
		regex = new RegExp(`^${source}$`, 'i');
		compiledPatterns.set(pattern, regex);
	}
	return regex.test(eventName);
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
