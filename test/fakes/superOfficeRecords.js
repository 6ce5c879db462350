// The record-reading part of the fake SuperOffice: the REST resources read by id
// (`GET /api/v1/{Contact,Person,Sale,Project,Appointment,Document,Ticket}/{id}`) and the Quote
// agent (`POST /api/v1/Agents/Quote/GetQuoteEntity`, `GetQuoteVersion`, `GetQuoteAlternatives`,
// `GetQuoteLines`), answering as SuperOffice's WebAPI reference documents
// (https://docs.superoffice.com/en/api/reference/restful/): PascalCase entities with their nested
// carriers, 404 with `{Error, ErrorType, ErrorMessage, ErrorSource}` for an unknown id on a REST
// resource, and — the agents' rule — 200 with a `null` body for an unknown id. Quote data is
// reachable through the agent only (there is no /api/v1/Quote resource).
// Failure rules stand in for what a tenant does under load or misconfiguration: a status (403,
// 429 with Retry-After, 500), or a delay, for requests whose path matches.
'use strict';

const RESOURCES = ['Contact', 'Person', 'Sale', 'Project', 'Appointment', 'Document', 'Ticket'];

/** SuperOffice's documented error body. */
function errorBody(type, message) {
	return {
		Error: true,
		ErrorType: type,
		ErrorMessage: message,
		ErrorSource: 'SuperOffice.Services.Implementation',
	};
}

const ERROR_TYPES = {
	403: 'SoAccessDeniedException',
	404: 'SoNotFoundException',
	429: 'TooManyRequests',
	500: 'SoServerException',
	503: 'ServiceUnavailable',
};

/** The five extra fields and the rights every quote entity carries. */
const extraFields = {
	ExtraField1: '',
	ExtraField2: '',
	ExtraField3: '',
	ExtraField4: '',
	ExtraField5: '',
	TableRight: null,
	FieldProperties: {},
};

const listItem = (Id, Value) => ({ Id, Value, Tooltip: '' });
const email = (Value, Description = '') => ({ Value, StrippedValue: Value, Description });
const phone = (Value, Description = '') => ({
	Value,
	StrippedValue: Value.replace(/\D/g, ''),
	Description,
});

/**
 * Example records in the documented shapes: a company (Acme AS) with a contact person (Ola
 * Nordmann), a sales rep (Jane Doe, associate 5, person 12), a sale and its quote with two
 * alternatives and their lines.
 */
function exampleRecords(origin, tenant) {
	const self = (resource, id) => `${origin}/${tenant}/api/v1/${resource}/${id}`;
	const repAssociate = {
		AssociateId: 5,
		Name: 'JD',
		PersonId: 12,
		Rank: 1,
		Tooltip: '',
		Type: 'InternalAssociate',
		GroupIdx: 1,
		FullName: 'Jane Doe',
		FormalName: 'Ms. Jane Doe',
		Deleted: false,
		EjUserId: 0,
		UserName: 'JD',
	};
	const contactCarrier = {
		ContactId: 43,
		Name: 'Acme AS',
		OrgNr: '987654321',
		Department: '',
		URL: 'https://acme.example',
		City: 'OSLO',
		DirectPhone: '+47 22 00 00 00',
		AssociateId: 5,
		CountryId: 578,
		EmailAddress: 'post@acme.example',
		Kananame: '',
		EmailAddressName: 'post@acme.example',
		URLName: 'https://acme.example',
		AssociateFullName: 'Jane Doe',
		BusinessName: 'IT',
		CategoryName: 'Customer',
		CountryName: 'Norway',
		Address: {},
		FormattedAddress: 'Storgata 1\n0155 OSLO',
		FullName: 'Acme AS',
		IsOwnerContact: false,
		ActiveErpLinks: 0,
	};
	const personCarrier = {
		PersonId: 64,
		Firstname: 'Ola',
		MiddleName: '',
		Lastname: 'Nordmann',
		Mrmrs: 'Mr',
		Title: 'CTO',
		Position: '',
		Description: '',
		Email: 'ola@acme.example',
		EmailName: 'ola@acme.example',
		FullName: 'Ola Nordmann',
		FormalName: 'Mr Ola Nordmann',
		DirectPhone: '+47 22 00 00 01',
		MobilePhone: '+47 900 00 000',
		ContactId: 43,
		ContactName: 'Acme AS',
		AssociateId: 5,
		CountryId: 578,
		Retired: 0,
		Rank: 1,
	};
	const person = (PersonId, Firstname, Lastname, mail, office, contact) => ({
		PersonId,
		Firstname,
		MiddleName: '',
		Lastname,
		FullName: `${Firstname} ${Lastname}`,
		FormalName: `${Firstname} ${Lastname}`,
		Mrmrs: '',
		Title: '',
		Salutation: '',
		PersonNumber: '',
		UpdatedDate: '2024-03-01T10:00:00',
		CreatedDate: '2019-01-15T08:00:00',
		BirthDate: '0001-01-01T00:00:00',
		Emails: [email(mail, 'Work')],
		MobilePhones: [],
		OfficePhones: [phone(office)],
		PrivatePhones: [],
		OtherPhones: [],
		Faxes: [],
		Urls: [],
		ChatEmails: [],
		InternetPhones: [],
		Contact: contact,
		Position: null,
		Country: null,
		Category: null,
		Business: null,
		Associate: null,
		CreatedBy: null,
		UpdatedBy: null,
		SupportAssociate: null,
		IsAssociate: PersonId === 12,
		CorrespondingAssociate: null,
		UserInfo: null,
		Retired: false,
		NoMailing: false,
		UsePersonAddress: false,
		Address: null,
		Description: '',
		Interests: [],
		Consents: [],
		BounceEmails: [],
		ShipmentTypes: [],
		UserDefinedFields: {},
		ExtraFields: {},
		CustomFields: {},
		TableRight: null,
		FieldProperties: {},
		_Links: { Self: self('Person', PersonId) },
	});
	const line = (
		QuoteLineId,
		QuoteAlternativeId,
		Name,
		Code,
		Quantity,
		UnitListPrice,
		DiscountPercent,
		Rank,
	) => {
		const SubTotal = Quantity * UnitListPrice;
		const DiscountAmount = (SubTotal * DiscountPercent) / 100;
		return {
			QuoteLineId,
			ERPQuoteLineKey: '',
			QuoteAlternativeId,
			ERPProductKey: `${Code}|PL1`,
			Status: 'Ok',
			Reason: '',
			Quantity,
			DeliveredQuantity: 0,
			Rank,
			Name,
			Description: `${Name}, standard`,
			Code,
			QuantityUnit: 'pcs',
			PriceUnit: 'pcs',
			ItemNumber: `1.${Rank}`,
			Url: '',
			ProductCategoryKey: '',
			ProductFamilyKey: '',
			ProductTypeKey: '',
			Supplier: '',
			SupplierCode: '',
			Thumbnail: '',
			VATInfo: '',
			VAT: 25,
			UnitCost: UnitListPrice * 0.68,
			UnitMinimumPrice: UnitListPrice * 0.8,
			UnitListPrice,
			ExtraInfo: [],
			RawExtraInfo: '',
			IsSubscription: false,
			SubscriptionUnit: '',
			SubscriptionQuantity: 0,
			SubscriptionStart: '0001-01-01T00:00:00',
			ERPDiscountPercent: 0,
			ERPDiscountAmount: 0,
			DiscountPercent,
			DiscountAmount,
			UserValueOverride: 'DiscountPercent',
			EarningPercent: 28.4,
			EarningAmount: 0,
			SubTotal,
			TotalPrice: SubTotal - DiscountAmount,
			Rights: '',
			Rule: '',
			...extraFields,
		};
	};
	const lines = new Map([
		[
			701,
			[
				line(9001, 701, 'Widget Pro', 'WP-100', 10, 1000, 5, 1),
				line(9002, 701, 'Installation', 'SRV-1', 8, 150, 0, 2),
			],
		],
		[702, [line(9003, 702, 'Widget Basic', 'WB-50', 10, 700, 0, 1)]],
	]);
	const alternative = (QuoteAlternativeId, Name, Description) => {
		const ownLines = lines.get(QuoteAlternativeId);
		const SubTotal = ownLines.reduce((sum, entry) => sum + entry.SubTotal, 0);
		const TotalPrice = ownLines.reduce((sum, entry) => sum + entry.TotalPrice, 0);
		return {
			QuoteAlternativeId,
			ERPQuoteAlternativeKey: '',
			QuoteVersionId: 611,
			Name,
			Description,
			Status: 'Ok',
			Reason: '',
			ERPDiscountPercent: 0,
			ERPDiscountAmount: 0,
			DiscountPercent: 0,
			DiscountAmount: SubTotal - TotalPrice,
			UserValueOverride: 'DiscountPercent',
			VATInfo: '25% MVA',
			VAT: TotalPrice * 0.25,
			EarningPercent: 32,
			EarningAmount: TotalPrice * 0.32,
			SubTotal,
			TotalPrice,
			...extraFields,
		};
	};
	const alternatives = new Map([
		[
			611,
			[
				alternative(701, 'Alternative A', 'Standard package'),
				alternative(702, 'Alternative B', 'Basic package'),
			],
		],
	]);
	const version = {
		QuoteVersionId: 611,
		ERPQuoteVersionKey: '',
		QuoteId: 493,
		Description: 'Revised after call',
		Number: 'Q-1021-2',
		State: 'Sent',
		ArchivedState: 'Unknown',
		Status: 'Ok',
		Reason: '',
		LikelyQuoteAlternativeId: 701,
		SentDate: '2024-05-02T09:15:00',
		FollowupId: 4039840,
		ExpirationDate: '2024-06-01T00:00:00',
		DeliveryCountryId: 578,
		HasOwnDeliveryAddress: false,
		InvoiceCountryId: 578,
		HasOwnInvoiceAddress: false,
		ERPPaymentTermsKey: '30 days',
		ERPPaymentTypeKey: 'Invoice',
		ERPDeliveryTermsKey: 'FOB',
		ERPDeliveryTypeKey: 'Air',
		Rank: 2,
		ApprovedBy: 0,
		ApprovedText: '',
		ApprovedRegisteredBy: 0,
		ApprovedRegisteredDate: '0001-01-01T00:00:00',
		ExtraField1: '',
		ExtraField2: '',
		ExtraField3: '',
		ExtraField4: '',
		ExtraField5: '',
		LastRecalculated: '2024-05-02T09:10:00',
		Updated: '2024-05-02T09:15:00',
		UpdatedAssociateId: 5,
		Registered: '2024-04-28T13:00:00',
		RegisteredAssociateId: 5,
		RequestAssociateId: 0,
		RequestComment: '',
		QuoteAlternatives: alternatives.get(611),
		TableRight: null,
		FieldProperties: {},
	};
	const quote = {
		QuoteId: 493,
		SaleId: 1021,
		QuoteConnectionId: 2,
		ERPQuoteKey: '',
		ERPOrderKey: '',
		ActiveQuoteVersionId: 611,
		AcceptedQuoteAlternativeId: 0,
		UseValuesFromQuote: 1,
		DocumentId: 880,
		PoNumber: 'PO-4711',
		OrderComment: 'Deliver to gate 3',
		PreferredEmailCulture: 'en-US',
		QuoteVersions: [version],
		TableRight: null,
		FieldProperties: {},
	};
	const sale = {
		SaleId: 1021,
		Heading: 'Widget rollout 2024',
		Number: 'S-1021',
		Amount: 10700,
		Earning: 3040,
		EarningPercent: 32,
		Saledate: '2024-06-15T00:00:00',
		Status: 'Open',
		Probability: 60,
		Completed: 'Started',
		SaleText: 'Phase 1',
		Postit: '',
		CreatedDate: '2024-04-28T13:00:00',
		UpdatedDate: '2024-05-02T09:15:00',
		NextDueDate: '2024-05-10T00:00:00',
		ReopenDate: '0001-01-01T00:00:00',
		ActiveLinks: 1,
		ActiveErpLinks: 0,
		Currency: { Id: 1, Value: 'NOK', Tooltip: 'Norwegian krone' },
		Associate: repAssociate,
		Contact: contactCarrier,
		Person: personCarrier,
		Project: null,
		Appointment: null,
		UpdatedBy: repAssociate,
		CreatedBy: repAssociate,
		Competitor: null,
		Credited: null,
		Rating: null,
		Reason: null,
		Source: null,
		SaleType: listItem(2, 'Standard'),
		ReasonSold: null,
		ReasonStalled: null,
		Links: [],
		SaleStakeholders: [],
		UserDefinedFields: {},
		ExtraFields: {},
		CustomFields: {},
		PublishEventDate: '0001-01-01T00:00:00',
		PublishTo: '0001-01-01T00:00:00',
		PublishFrom: '0001-01-01T00:00:00',
		IsPublished: false,
		VisibleFor: [],
		TableRight: null,
		FieldProperties: {},
		_Links: { Self: self('Sale', 1021), Archive: `${origin}/${tenant}/api/v1/Sale` },
	};
	const contact = {
		ContactId: 43,
		Name: 'Acme AS',
		Department: '',
		OrgNr: '987654321',
		Number1: '10043',
		Number2: '',
		UpdatedDate: '2024-03-01T10:00:00',
		CreatedDate: '2019-01-15T08:00:00',
		Emails: [email('post@acme.example', 'Main')],
		Phones: [phone('+47 22 00 00 00', 'Switchboard')],
		Urls: [email('https://acme.example')],
		Faxes: [],
		Interests: [],
		Description: 'Key account',
		Associate: repAssociate,
		UpdatedBy: null,
		CreatedBy: null,
		Business: listItem(3, 'IT'),
		Category: listItem(1, 'Customer'),
		Country: {
			CountryId: 578,
			Name: 'Norway',
			CurrencyId: 1,
			EnglishName: 'Norway',
			TwoLetterISOCountry: 'NO',
			ThreeLetterISOCountry: 'NOR',
		},
		Persons: [
			{
				PersonId: 64,
				Firstname: 'Ola',
				Lastname: 'Nordmann',
				Email: 'ola@acme.example',
				FullName: 'Ola Nordmann',
				ContactId: 43,
			},
		],
		NoMailing: false,
		Kananame: '',
		Xstop: false,
		ActiveInterests: 0,
		GroupId: 1,
		ActiveStatusMonitorId: 0,
		SupportAssociate: null,
		TicketPriority: null,
		CustomerLanguage: null,
		SupportPerson: null,
		Deleted: 0,
		DbiAgentId: 0,
		DbiKey: '',
		Source: 0,
		ActiveErpLinks: 0,
		BounceEmails: [],
		Domains: ['acme.example'],
		Address: {
			Wgs84Latitude: 0,
			Wgs84Longitude: 0,
			LocalizedAddress: [],
			Street: {
				Address1: 'Storgata 1',
				Address2: '',
				Address3: '',
				City: 'OSLO',
				Zipcode: '0155',
				State: '',
				County: '',
				Formatted: 'Storgata 1\n0155 OSLO',
			},
			Postal: {
				Address1: 'Postboks 12',
				Address2: '',
				Address3: '',
				City: 'OSLO',
				Zipcode: '0101',
				State: '',
				County: '',
				Formatted: 'Postboks 12\n0101 OSLO',
			},
			Formatted: 'Postboks 12\n0101 OSLO',
		},
		UserDefinedFields: {},
		ExtraFields: {},
		CustomFields: {},
		TableRight: null,
		FieldProperties: {},
		_Links: { Self: self('Contact', 43), Archive: `${origin}/${tenant}/api/v1/Contact` },
	};
	return {
		Contact: new Map([[43, contact]]),
		Person: new Map([
			[64, person(64, 'Ola', 'Nordmann', 'ola@acme.example', '+47 22 00 00 01', contactCarrier)],
			[12, person(12, 'Jane', 'Doe', 'jane.doe@vendor.example', '+47 21 00 00 12', null)],
		]),
		Sale: new Map([[1021, sale]]),
		Project: new Map([
			[
				178105,
				{
					ProjectId: 178105,
					Name: 'Widget rollout',
					ProjectNumber: 'P-178105',
					Associate: repAssociate,
					TableRight: null,
					FieldProperties: {},
				},
			],
		]),
		Appointment: new Map([
			[
				69,
				{
					AppointmentId: 69,
					Description: 'Kick-off meeting',
					StartDate: '2024-05-10T09:00:00',
					EndDate: '2024-05-10T10:00:00',
					Contact: contactCarrier,
					Person: personCarrier,
					Associate: repAssociate,
					TableRight: null,
					FieldProperties: {},
				},
			],
		]),
		Document: new Map([
			[
				880,
				{
					DocumentId: 880,
					Name: 'Quote Q-1021-2.pdf',
					Header: 'Quote Q-1021-2',
					Contact: contactCarrier,
					Person: personCarrier,
					TableRight: null,
					FieldProperties: {},
				},
			],
		]),
		Ticket: new Map([
			[
				3001,
				{
					TicketId: 3001,
					Title: 'Widget does not start',
					Status: 'Open',
					Person: personCarrier,
					TableRight: null,
					FieldProperties: {},
				},
			],
		]),
		quotes: new Map([[493, quote]]),
		versions: new Map([[611, version]]),
		alternatives,
		lines,
	};
}

/**
 * Adds record reading to a fake SuperOffice (see superOffice.js): `fake.records` holds the data,
 * `fake.recordRules` the failures: `{ path: string (substring of the path), status?, retryAfter?,
 * delayMs?, times? }`, the first matching rule with times left applies.
 */
function recordRoutes(fake) {
	fake.records = exampleRecords(fake.origin, fake.tenant);
	fake.recordRules = [];
	const agent = {
		GetQuoteEntity: (body) => fake.records.quotes.get(Number(body?.QuoteId)) ?? null,
		GetQuoteVersion: (body) => fake.records.versions.get(Number(body?.QuoteVersionId)) ?? null,
		GetQuoteAlternatives: (body) =>
			fake.records.alternatives.get(Number(body?.QuoteVersionId)) ?? null,
		GetQuoteLines: (body) => fake.records.lines.get(Number(body?.QuoteAlternativeId)) ?? null,
	};

	/** The failure rule for this path, if any (used up as it applies). */
	function ruleFor(path) {
		const rule = fake.recordRules.find(
			(entry) => path.includes(entry.path) && (entry.times === undefined || entry.times > 0),
		);
		if (rule && rule.times !== undefined) rule.times -= 1;
		return rule;
	}

	/** What a failure rule makes of a request to this path: a delay, and an answer or nothing. */
	async function ruled(path) {
		const rule = ruleFor(path);
		if (rule?.delayMs) await new Promise((resolve) => setTimeout(resolve, rule.delayMs));
		if (!rule?.status) return undefined;
		const headers = rule.retryAfter === undefined ? {} : { 'Retry-After': String(rule.retryAfter) };
		return [
			rule.status,
			errorBody(ERROR_TYPES[rule.status] ?? 'Error', `Failing with ${rule.status}`),
			headers,
		];
	}
	fake.ruled = ruled;

	/**
	 * Answers a record request, or undefined when the path is not one of these.
	 * @returns {Promise<[number, unknown, Record<string, string>?] | undefined>}
	 */
	return async function route(method, rest, readBody) {
		const parts = rest.split('/').filter(Boolean);
		const isAgent =
			parts.length === 3 && parts[0] === 'Agents' && parts[1] === 'Quote' && parts[2] in agent;
		const isResource = parts.length === 2 && RESOURCES.includes(parts[0]) && /^\d+$/.test(parts[1]);
		if (!isAgent && !isResource) return undefined;
		if (isResource && method !== 'GET') return undefined;
		const failed = await ruled(rest);
		if (failed !== undefined) return failed;
		if (isAgent) {
			if (method !== 'POST')
				return [405, errorBody('MethodNotAllowed', `${method} is not allowed here`)];
			return [200, agent[parts[2]](readBody())];
		}
		const record = fake.records[parts[0]].get(Number(parts[1]));
		if (record === undefined)
			return [404, errorBody('SoNotFoundException', `${parts[0]} id ${parts[1]} not found`)];
		return [200, record];
	};
}

module.exports = { recordRoutes, exampleRecords, errorBody };
