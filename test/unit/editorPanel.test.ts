import type { INodeProperties, INodeTypeDescription } from 'n8n-workflow';

import { actionNodes, triggers } from '../../nodes/senders';

/*
 * How n8n's editor lays out a node's panel, as far as authentication goes. The editor picks a
 * "main auth field": the parameter named `authentication` when it has no `none` option, else a
 * parameter that credentials' `show` conditions name, when every one of its values is named there.
 * It then hides that parameter from the panel and lets the credential pickers set it. For the
 * triggers that would hide Authentication for good (they have `none`, and under None no picker
 * shows); the SuperOffice node uses it as n8n intends: one picker for either credential.
 */

function mainAuthField(description: INodeTypeDescription): INodeProperties | undefined {
	const named = new Map<string, string[]>();
	for (const credential of description.credentials ?? []) {
		for (const [key, values] of Object.entries(credential.displayOptions?.show ?? {})) {
			named.set(key, [...(named.get(key) ?? []), ...(values ?? []).map(String)]);
		}
	}
	const candidates = description.properties.filter((property) => named.has(property.name));
	const values = (property: INodeProperties) =>
		(property.options ?? []).flatMap((option) =>
			'value' in option && typeof option.value === 'string' ? [option.value] : [],
		);
	const byName = candidates.find(
		(property) => property.name === 'authentication' && !values(property).includes('none'),
	);
	return (
		byName ??
		candidates.find((property) =>
			values(property).every((value) => named.get(property.name)!.includes(value)),
		)
	);
}

describe.each(triggers.map((Trigger) => [new Trigger().description.displayName, Trigger] as const))(
	'%s in the editor',
	(_name, Trigger) => {
		it('keeps Authentication in the panel: no parameter is taken for the main auth field', () => {
			expect(mainAuthField(new Trigger().description)?.name).toBeUndefined();
		});
	},
);

it('the SuperOffice node lets its credential picker choose between Online and on-site', () => {
	const [SuperOffice] = actionNodes;
	expect(mainAuthField(new SuperOffice().description)?.name).toBe('authentication');
});

it('the rule sees a trigger whose credentials name every Authentication value (as the SuperOffice Trigger’s did, before)', () => {
	const description = new triggers[2]().description;
	const every = {
		...description,
		credentials: description.credentials?.map((credential) => ({
			...credential,
			displayOptions: { show: { authentication: ['signature', 'oAuth2', 'onSite', 'none'] } },
		})),
	};
	expect(mainAuthField(every)?.name).toBe('authentication');
});
