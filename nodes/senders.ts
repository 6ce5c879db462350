import { CrmEventTrigger } from './CrmEvent/CrmEventTrigger.node';
import { QondorTrigger } from './Qondor/QondorTrigger.node';
import type { SenderDefinition } from './shared/sender';
import type { TriggerNodeClass } from './shared/trigger';
import type { INodeType } from 'n8n-workflow';

import { SuperOffice } from './SuperOffice/SuperOffice.node';
import { SuperOfficeTrigger } from './SuperOffice/SuperOfficeTrigger.node';

/**
 * Every trigger of this package, one per sender. Schema generation, the local n8n of `npm start`,
 * `npm run send`, the test suites and the benchmarks all read this list: adding a sender is its
 * folder under `nodes/` and one line here (see CONTRIBUTING.md).
 */
export const triggers: readonly TriggerNodeClass[] = [
	QondorTrigger,
	CrmEventTrigger,
	SuperOfficeTrigger,
];

/** The definition of each trigger's sender. */
export const senders: readonly SenderDefinition[] = triggers.map((trigger) => trigger.sender);

/** The package's regular (action) nodes, which write back to a sender's API. */
export const actionNodes: ReadonlyArray<new () => INodeType> = [SuperOffice];
