import type { IDataObject } from 'n8n-workflow';

import { selectionMatcher } from '../shared/eventFilter';
import { headerValue } from '../shared/http';
import { rememberIdsSetting, withValidation } from '../shared/pipeline';
import type { Authenticator, ReceiveSettings, SenderSpec } from '../shared/pipeline';
import { crmEventSchemas, unknownCrmEventSchema } from './events';

/** The node's Options collection. */
export interface CrmEventOptions {
	rememberIds?: 'saved' | 'memory';
	rejectInvalid?: boolean;
	toleranceSeconds?: number;
	unknownEvents?: 'run' | 'acknowledge';
}

/**
 * One page of the CRM's documentation calls the inner object `data` instead of `payload`: items
 * always carry it as `payload`.
 */
export function normaliseEnvelope(body: IDataObject): IDataObject {
	if (body.payload !== undefined || body.data === undefined) return body;
	const { data, ...rest } = body;
	return { ...rest, payload: data };
}

/** How the CRM delivers: event name in the body, the Standard Webhooks id header as event id. */
export const crmEventSpec: SenderSpec = {
	sender: 'CRM',
	eventNameSource: '"event" field',
	events: crmEventSchemas,
	unknownEventSchema: unknownCrmEventSchema,
	normalise: normaliseEnvelope,
	identify: (body, headers) => ({
		name: typeof body.event === 'string' ? body.event : undefined,
		id: headerValue(headers, 'webhook-id'),
	}),
	isHandshake: () => false,
	toItems: (event) => {
		event.body.webhookId = event.id ?? null;
		return [withValidation(event.body, event)];
	},
};

/** The user's selection: the listed events plus free patterns with `*` wildcards. */
export function crmEventReceiveSettings(
	authenticate: Authenticator,
	selected: readonly string[],
	customEvents: readonly string[],
	options: CrmEventOptions,
): ReceiveSettings {
	return {
		authenticate,
		isSelected: selectionMatcher(selected, customEvents),
		runHandshakes: false,
		rejectInvalid: options.rejectInvalid === true,
		rememberIds: rememberIdsSetting(options),
		unknownEvents: options.unknownEvents ?? 'run',
	};
}
