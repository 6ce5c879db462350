import type { IDataObject } from 'n8n-workflow';

import { selectionMatcher } from '../shared/eventFilter';
import { headerValue } from '../shared/http';
import type { RequestHeaders } from '../shared/http';
import { rememberIdsSetting, withValidation } from '../shared/pipeline';
import type { Authenticator, ReceiveSettings, SenderSpec } from '../shared/pipeline';
import { superOfficeEventSchema, superOfficeEventSchemas, TEST_EVENT } from './events';

/** The node's Options collection. */
export interface SuperOfficeOptions {
	rememberIds?: 'saved' | 'memory';
	runOnTestEvent?: boolean;
	unknownEvents?: 'run' | 'acknowledge';
}

function asString(value: unknown): string | undefined {
	return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The delivery headers a workflow may need, so nobody has to parse headers. */
export function deliveryDetails(headers: RequestHeaders): IDataObject {
	const retry = headerValue(headers, 'X-SuperOffice-Retry');
	return {
		event: headerValue(headers, 'X-SuperOffice-Event') ?? null,
		eventId: headerValue(headers, 'X-SuperOffice-EventId') ?? null,
		retry: retry !== undefined && /^\d+$/.test(retry.trim()) ? Number(retry) : null,
		hookTest: headerValue(headers, 'X-Hook-Test')?.toLowerCase() === 'true',
		userAgent: headerValue(headers, 'User-Agent') ?? null,
	};
}

/**
 * How SuperOffice delivers: Event and EventId in the body (also in headers), a `test` event when
 * a webhook is saved. SuperOffice stops a webhook after 9 failed deliveries and at once on 410, so
 * once a request is authenticated its content never earns an error status.
 */
export const superOfficeSpec: SenderSpec = {
	sender: 'SuperOffice',
	eventNameSource: '"Event" field or X-SuperOffice-Event header',
	events: superOfficeEventSchemas,
	unknownEventSchema: superOfficeEventSchema,
	acknowledgeContentErrors: true,
	identify: (body, headers) => ({
		name: asString(body.Event) ?? headerValue(headers, 'X-SuperOffice-Event'),
		id: asString(body.EventId) ?? headerValue(headers, 'X-SuperOffice-EventId'),
	}),
	isHandshake: (headers, _body, eventName) =>
		eventName === TEST_EVENT || headerValue(headers, 'X-Hook-Test')?.toLowerCase() === 'true',
	toItems: (event) => {
		event.body._delivery = deliveryDetails(event.headers);
		return [withValidation(event.body, event)];
	},
};

export function superOfficeReceiveSettings(
	authenticate: Authenticator,
	selected: readonly string[],
	customEvents: readonly string[],
	options: SuperOfficeOptions,
): ReceiveSettings {
	return {
		authenticate,
		isSelected: selectionMatcher(selected, customEvents),
		runHandshakes: options.runOnTestEvent === true,
		rejectInvalid: false,
		rememberIds: rememberIdsSetting(options),
		unknownEvents: options.unknownEvents ?? 'run',
	};
}
