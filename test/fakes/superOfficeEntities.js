// The writing part of the fake SuperOffice, for the SuperOffice node: the REST entities it creates,
// updates and searches, the lists it picks ids from, and the current user. Shapes and behaviour as
// SuperOffice's WebAPI reference documents them (https://docs.superoffice.com/en/api/reference/restful/rest/):
// - Sale, Contact, Person, Appointment (`…/rest/<Entity>/index.html`): `GET /<Entity>/default` is
//   "the entity with NetServer's default values, which is required when creating a new instance";
//   `POST /<Entity>` answers 200 (not 201) with the saved entity; `PUT /<Entity>/{id}` takes the
//   whole entity; `PATCH /<Entity>/{id}` takes a JSON Patch (RFC 6902: add, replace, remove, test;
//   paths case-insensitive, the leading slash optional) or a JSON Merge Patch object (RFC 7396), and
//   answers 404 "does not exist in the db" for an unknown id; a failed `test` is 409.
// - Searches (`GET /<Entity>?$select=…&$filter=…&$top=…`, OData over the archives SimpleContact and
//   Person; search/odata/index.html): string operators `is`, `begins`, `contains`, joined by `and`;
//   the answer is `{ "odata.metadata", "value": [ { "PrimaryKey", "EntityName", <selected columns> } ] }`
//   with the columns as selected (`contactId`, `name`, `orgnr`, `personId`, `email/emailAddress`).
// - `GET /User/currentAssociate` (rest/User/v1User_GetCurrentAssociate.html): the logged-in user's
//   associate (`AssociateId`, `PersonId`, `Name`, `FullName`, `Type`, …).
// - `GET /MDOList/associate?flat=true` (mdo-providers/reference/associate.html): `Id, Name, ToolTip,
//   Deleted, Rank, Type, ChildItems, IconHint, ColorBlock, ExtraInfo, StyleHint, FullName`.
// - `GET /List/Task/Items` (rest/List_Task/v1TaskList_GetAllTaskListItem.html): `TaskListItemId,
//   Value, Direction, Type, Tooltip, Deleted, IntentId, Rank, …`.
// - Errors: the documented body `{ Error: true, ErrorType, ErrorMessage, ErrorSource }` (404
//   SoNotFoundException); SuperOffice documents no other body, so 400s use the same shape.
// Every write is recorded in `fake.writes`; like SuperOffice, a write is followed by its webhook
// events (`sale.changed`, `sale.sold`, `person.created`, …) to the webhooks that listen, with
// `ChangedByAssociateId` = the API user's associate. `fake.settled()` waits for them.
'use strict';

const { errorBody } = require('./superOfficeRecords');

const ENTITIES = {
	Sale: { key: 'SaleId', event: 'sale' },
	Contact: { key: 'ContactId', event: 'contact' },
	Person: { key: 'PersonId', event: 'person' },
	Appointment: { key: 'AppointmentId', event: 'activity' },
};

/**
 * The associate behind the fake's API credential (an integration's system user); SuperOffice's
 * documented example events are made by associate 37201, a person.
 */
const API_USER = {
	AssociateId: 71,
	Name: 'N8N',
	PersonId: 9100,
	Rank: 90,
	Tooltip: 'n8n integration',
	Type: 'SystemAssociate',
	GroupIdx: 1,
	FullName: 'n8n Integration',
	FormalName: 'n8n Integration',
	Deleted: false,
	EjUserId: 0,
	UserName: 'n8n-integration',
	TableRight: null,
	FieldProperties: {},
};

const TASKS = [
	[1, 'Follow-up call', 'Outgoing'],
	[2, 'Meeting', 'SelfInitiated'],
	[3, 'Send offer', 'Outgoing'],
	[9, 'Old task type', 'Outgoing', true],
];

const isObject = (value) => typeof value === 'object' && value !== null && !Array.isArray(value);
const clone = (value) => JSON.parse(JSON.stringify(value));

/** The entity NetServer fills in before a new one is stored (the documented `/default`). */
function defaults(entity) {
	const now = new Date().toISOString().slice(0, 19);
	const common = { TableRight: null, FieldProperties: {}, CustomFields: {}, ExtraFields: {} };
	switch (entity) {
		case 'Sale':
			return {
				SaleId: 0,
				Heading: '',
				Amount: 0,
				Status: 'Open',
				Probability: 10,
				Saledate: now,
				Completed: 'Started',
				SaleText: '',
				Associate: { ...API_USER },
				Contact: null,
				Person: null,
				Currency: { Id: 1, Value: 'NOK', Tooltip: 'Norwegian krone' },
				SaleType: { Id: 2, Value: 'Standard', Tooltip: '' },
				...common,
			};
		case 'Contact':
			return {
				ContactId: 0,
				Name: '',
				Department: '',
				OrgNr: '',
				Emails: [],
				Phones: [],
				Urls: [],
				Associate: { ...API_USER },
				Persons: [],
				Deleted: 0,
				...common,
			};
		case 'Person':
			return {
				PersonId: 0,
				Firstname: '',
				Lastname: '',
				Title: '',
				Emails: [],
				OfficePhones: [],
				MobilePhones: [],
				Contact: null,
				Associate: { ...API_USER },
				Retired: false,
				...common,
			};
		case 'Appointment':
			return {
				AppointmentId: 0,
				Title: '',
				Description: '',
				StartDate: now,
				EndDate: now,
				Type: 'inDiary',
				Completed: 'NotStarted',
				Task: { TaskListItemId: 1, Value: 'Follow-up call', Deleted: false },
				Associate: { ...API_USER },
				Contact: null,
				Person: null,
				Sale: null,
				...common,
			};
	}
	return undefined;
}

/**
 * Adds the writing routes to a fake SuperOffice (superOffice.js): `fake.writes` records
 * `{ method, entity, id, body }` of every create and update, `fake.emitted` the webhook events that
 * followed (`{ event, primaryKey, results }`: each webhook's answer), `fake.apiUser` is the associate behind
 * the credential, `fake.associates` and `fake.tasks` the lists, `fake.settled()` waits for the
 * webhook events that followed writes.
 */
function entityRoutes(fake) {
	fake.writes = [];
	fake.emitted = [];
	fake.apiUser = { ...API_USER };
	fake.associates = [
		{ AssociateId: 5, Name: 'JD', FullName: 'Jane Doe', PersonId: 12, ContactId: 2 },
		{ AssociateId: 7, Name: 'PK', FullName: 'Per Knutsen', PersonId: 14, ContactId: 2 },
		{
			AssociateId: API_USER.AssociateId,
			Name: API_USER.Name,
			FullName: API_USER.FullName,
			PersonId: API_USER.PersonId,
			ContactId: 2,
		},
	];
	fake.tasks = TASKS.map(([TaskListItemId, Value, Direction, Deleted = false], index) => ({
		TaskListItemId,
		Value,
		Direction,
		Type: 'Appointment',
		Tooltip: Value,
		Deleted,
		IntentId: 0,
		Rank: index + 1,
		IsDefaultAlldayEvent: false,
		IsDefaultFree: false,
		IsDefaultPublished: false,
		ColorIndex: 'BlueAlt1',
		DefaultVideomeetingStatus: 'NoChange',
		TableRight: null,
		FieldProperties: {},
	}));
	const pending = [];
	fake.settled = async () => {
		while (pending.length > 0) await Promise.all(pending.splice(0));
	};
	let nextId = 50000;

	/** The webhook events SuperOffice sends after a write, sent after the answer. */
	function emit(entity, id, type, changes) {
		const name = `${ENTITIES[entity].event}.${type}`;
		const events = [name];
		if (entity === 'Sale' && type === 'changed' && changes.includes('status')) {
			const status = fake.records.Sale.get(id)?.Status;
			if (status === 'Sold') events.push('sale.sold');
			if (status === 'Lost') events.push('sale.lost');
		}
		for (const event of events) {
			const sent = new Promise((resolve) => setImmediate(resolve))
				.then(() =>
					fake.fire(event, {
						primaryKey: id,
						entity: ENTITIES[entity].event === 'activity' ? 'appointment' : ENTITIES[entity].event,
						changes,
						changedByAssociateId: fake.apiUser.AssociateId,
					}),
				)
				.then((results) => fake.emitted.push({ event, primaryKey: id, results }));
			pending.push(sent);
		}
	}

	/** A reference as a saved entity carries it: the whole carrier when the fake knows the record. */
	function carrier(entity, value) {
		if (!isObject(value)) return value ?? null;
		const id = value[ENTITIES[entity]?.key ?? `${entity}Id`];
		if (entity === 'Associate') {
			const known = fake.associates.find(
				(associate) => associate.AssociateId === value.AssociateId,
			);
			if (value.AssociateId !== undefined && !known)
				throw [
					400,
					errorBody('SoValidationException', `Associate ${value.AssociateId} does not exist`),
				];
			return known ? { ...value, ...known } : value;
		}
		const record = fake.records[entity]?.get(Number(id));
		if (id !== undefined && id !== 0 && record === undefined)
			throw [400, errorBody('SoValidationException', `${entity} ${id} does not exist`)];
		if (record === undefined) return value;
		if (entity === 'Contact')
			return {
				ContactId: record.ContactId,
				Name: record.Name,
				OrgNr: record.OrgNr,
				AssociateId: record.Associate?.AssociateId ?? 0,
				AssociateFullName: record.Associate?.FullName ?? '',
			};
		if (entity === 'Person')
			return {
				PersonId: record.PersonId,
				Firstname: record.Firstname,
				Lastname: record.Lastname,
				FullName: `${record.Firstname} ${record.Lastname}`.trim(),
				Email: record.Emails?.[0]?.Value ?? '',
				ContactId: record.Contact?.ContactId ?? 0,
			};
		if (entity === 'Sale')
			return { SaleId: record.SaleId, Title: record.Heading, Status: record.Status };
		return value;
	}

	/** Checks and completes an entity before it is stored (the references SuperOffice resolves). */
	function saved(entity, body) {
		const record = clone(body);
		for (const reference of ['Associate', 'Contact', 'Person', 'Sale']) {
			if (reference in record) record[reference] = carrier(reference, record[reference]);
		}
		if (entity === 'Sale' && !['Open', 'Sold', 'Lost', 'Stalled'].includes(record.Status))
			throw [
				400,
				errorBody('SoValidationException', `Status ${record.Status} is not a sale status`),
			];
		if (entity === 'Sale' && (typeof record.Heading !== 'string' || record.Heading.trim() === ''))
			throw [400, errorBody('SoValidationException', 'A sale needs a heading')];
		if (entity === 'Contact' && (typeof record.Name !== 'string' || record.Name.trim() === ''))
			throw [400, errorBody('SoValidationException', 'A company needs a name')];
		if (entity === 'Appointment' && !isObject(record.Associate))
			throw [400, errorBody('SoValidationException', 'An appointment needs an owner')];
		if (entity === 'Person' && record.Contact !== null && !isObject(record.Contact))
			throw [400, errorBody('SoValidationException', 'Contact must be an object')];
		return record;
	}

	/** The top-level fields a patch document changes, applied to a copy of the record. */
	function patched(record, document) {
		const next = clone(record);
		if (isObject(document)) return Object.assign(next, document);
		if (!Array.isArray(document))
			throw [
				400,
				errorBody('SoValidationException', 'A JSON Patch array or merge object is required'),
			];
		for (const operation of document) {
			const path = String(operation?.path ?? '')
				.replace(/^\//, '')
				.split('/');
			const field =
				Object.keys(next).find((name) => name.toLowerCase() === path[0].toLowerCase()) ?? path[0];
			if (operation.op === 'test') {
				if (JSON.stringify(next[field]) !== JSON.stringify(operation.value))
					throw [409, errorBody('SoConflictException', `Test of ${operation.path} failed`)];
				continue;
			}
			if (!['add', 'replace', 'remove'].includes(operation.op))
				throw [400, errorBody('SoValidationException', `Unsupported op ${operation.op}`)];
			if (path.length === 1) {
				if (operation.op === 'remove') delete next[field];
				else next[field] = operation.value;
			} else {
				let parent = next[field];
				for (const key of path.slice(1, -1)) parent = parent?.[key];
				const last = path[path.length - 1];
				if (parent === undefined || parent === null)
					throw [400, errorBody('SoValidationException', `No ${operation.path}`)];
				if (Array.isArray(parent) && last === '-') parent.push(operation.value);
				else if (operation.op === 'remove') delete parent[last];
				else parent[last] = operation.value;
			}
		}
		return next;
	}

	/** What changed, as the database field names SuperOffice lists in `Changes`. */
	function changesOf(before, after) {
		return Object.keys(after)
			.filter((field) => JSON.stringify(before[field]) !== JSON.stringify(after[field]))
			.map((field) => field.toLowerCase());
	}

	function write(method, entity, id, body) {
		fake.writes.push({ method, entity, id, body: clone(body) });
	}

	/** `name is 'Acme'` … joined by `and`: [column, operator, value] triples. */
	function parseFilter(filter) {
		const clauses = [];
		const pattern = /^\s*([\w/]+)\s+(is|begins|contains)\s+'((?:[^']|'')*)'\s*(?:and\s+|$)/i;
		let rest = filter;
		while (rest.trim() !== '') {
			const match = pattern.exec(rest);
			if (!match) throw [400, errorBody('SoArchiveException', `Cannot parse $filter: ${filter}`)];
			clauses.push([match[1].toLowerCase(), match[2].toLowerCase(), match[3].replace(/''/g, "'")]);
			rest = rest.slice(match[0].length);
		}
		return clauses;
	}

	const COLUMNS = {
		Contact: {
			contactid: (record) => record.ContactId,
			name: (record) => record.Name,
			orgnr: (record) => record.OrgNr,
			department: (record) => record.Department,
			'email/emailaddress': (record) => record.Emails?.map((entry) => entry.Value) ?? [],
		},
		Person: {
			personid: (record) => record.PersonId,
			firstname: (record) => record.Firstname,
			lastname: (record) => record.Lastname,
			fullname: (record) => `${record.Firstname} ${record.Lastname}`.trim(),
			contactid: (record) => record.Contact?.ContactId ?? 0,
			'email/emailaddress': (record) => record.Emails?.map((entry) => entry.Value) ?? [],
		},
	};

	function matches(values, operator, wanted) {
		const list = (Array.isArray(values) ? values : [values]).map((value) =>
			String(value ?? '').toLowerCase(),
		);
		const target = wanted.toLowerCase();
		if (operator === 'is') return list.includes(target);
		if (operator === 'begins') return list.some((value) => value.startsWith(target));
		return list.some((value) => value.includes(target));
	}

	function search(entity, query) {
		const columns = COLUMNS[entity];
		const select = String(query.get('$select') ?? '')
			.split(',')
			.map((name) => name.trim())
			.filter(Boolean);
		const clauses = parseFilter(String(query.get('$filter') ?? ''));
		for (const name of [...select, ...clauses.map(([column]) => column)]) {
			if (!(name.toLowerCase() in columns))
				throw [400, errorBody('SoArchiveException', `Unknown column ${name}`)];
		}
		const top = Number(query.get('$top') ?? 50);
		const rows = [...fake.records[entity].values()]
			.filter((record) =>
				clauses.every(([column, operator, value]) =>
					matches(columns[column](record), operator, value),
				),
			)
			.slice(0, top)
			.map((record) => {
				const row = { PrimaryKey: record[ENTITIES[entity].key], EntityName: entity.toLowerCase() };
				for (const name of select) {
					const value = columns[name.toLowerCase()](record);
					row[name] = Array.isArray(value) ? (value[0] ?? '') : value;
				}
				return row;
			});
		return [200, { 'odata.metadata': `${fake.baseUrl}/archive$metadata`, value: rows }];
	}

	function create(entity, body) {
		if (!isObject(body))
			throw [400, errorBody('SoValidationException', 'Entity to save is not in request body.')];
		const record = saved(entity, { ...defaults(entity), ...body });
		const id = nextId++;
		record[ENTITIES[entity].key] = id;
		fake.records[entity].set(id, record);
		write('POST', entity, id, body);
		emit(
			entity,
			id,
			'created',
			Object.keys(body).map((field) => field.toLowerCase()),
		);
		return [200, record];
	}

	function update(method, entity, id, body) {
		const record = fake.records[entity].get(id);
		if (record === undefined)
			return [404, errorBody('SoNotFoundException', `${entity} ${id} does not exist in the db`)];
		if (method === 'PUT' && !isObject(body))
			return [400, errorBody('SoValidationException', 'Entity to save is not in request body.')];
		const next = saved(
			entity,
			method === 'PUT' ? { ...body, [ENTITIES[entity].key]: id } : patched(record, body),
		);
		const changes = changesOf(record, next);
		fake.records[entity].set(id, next);
		write(method, entity, id, body);
		if (changes.length > 0) emit(entity, id, 'changed', changes);
		return [200, next];
	}

	function lists(parts, query) {
		const joined = parts.join('/').toLowerCase();
		if (joined === 'user/currentassociate') return [200, fake.apiUser];
		if (joined === 'mdolist/associate') {
			if (query.get('flat') !== 'true')
				return [200, [{ Id: -1, Name: 'Everyone', ChildItems: [], Type: 'heading' }]];
			return [
				200,
				fake.associates.map((associate, index) => ({
					Id: associate.AssociateId,
					Name: associate.Name,
					ToolTip: associate.FullName,
					Deleted: false,
					Rank: index + 1,
					Type: 'associate',
					ChildItems: [],
					IconHint: 'person',
					ColorBlock: 0,
					ExtraInfo: `person_id=${associate.PersonId}&contact_id=${associate.ContactId}`,
					StyleHint: '',
					FullName: associate.FullName,
					TableRight: null,
					FieldProperties: {},
				})),
			];
		}
		if (joined === 'list/task/items') return [200, fake.tasks];
		return undefined;
	}

	/**
	 * Answers a write, search or list request, or undefined when the path is not one of these.
	 * @returns {[number, unknown, Record<string, string>?] | undefined}
	 */
	return function route(method, rest, query, readBody) {
		const parts = rest.split('/').filter(Boolean);
		try {
			if (method === 'GET') {
				const listed = lists(parts, query);
				if (listed !== undefined) return listed;
			}
			const entity = Object.keys(ENTITIES).find(
				(name) => name.toLowerCase() === parts[0]?.toLowerCase(),
			);
			if (entity === undefined || parts.length > 2) return undefined;
			if (parts.length === 1) {
				if (method === 'GET') return search(entity, query);
				if (method === 'POST') return create(entity, readBody());
				return [405, errorBody('MethodNotAllowed', `${method} is not allowed here`)];
			}
			if (parts[1].toLowerCase() === 'default') {
				return method === 'GET'
					? [200, defaults(entity)]
					: [405, errorBody('MethodNotAllowed', `${method} is not allowed here`)];
			}
			if (!/^\d+$/.test(parts[1])) return undefined;
			if (method === 'PUT' || method === 'PATCH')
				return update(method, entity, Number(parts[1]), readBody());
			return undefined;
		} catch (thrown) {
			if (Array.isArray(thrown)) return thrown;
			throw thrown;
		}
	};
}

module.exports = { entityRoutes, API_USER };
