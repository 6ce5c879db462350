import type { IDataObject } from 'n8n-workflow';

import { QondorTrigger } from '../../nodes/Qondor/QondorTrigger.node';
import { DEDUP_WINDOW, fingerprint, recentEvents, rememberEvent, wasSeen } from '../../nodes/shared/dedup';
import { fixture } from '../helpers/fixtures';
import { runWebhook, toBytes } from '../helpers/harness';

const node = new QondorTrigger();
const offer = (webhookId: string) => ({ ...fixture('qondor', 'OfferSentV1'), webhookId });

/** One request to a Qondor trigger without authentication, in the given workflow, with the static data n8n loaded. */
async function send(workflowId: string, staticData: IDataObject, webhookId: string) {
	return await runWebhook(
		node,
		{ headers: { 'content-type': 'application/json' }, raw: toBytes(offer(webhookId)) },
		{ parameters: { authentication: 'none', topics: ['*'], settings: {} }, staticData, workflowId },
	);
}

const copy = (data: IDataObject) => JSON.parse(JSON.stringify(data)) as IDataObject;

describe('de-duplication window', () => {
	it('keeps at most DEDUP_WINDOW ids, forgetting the oldest', () => {
		const staticData: IDataObject = {};
		for (let i = 0; i < DEDUP_WINDOW + 10; i++) {
			rememberEvent(staticData, `scope-bound`, recentEvents(staticData, 'scope-bound'), fingerprint(`id-${i}`));
		}
		const window = recentEvents(staticData, 'scope-bound');
		expect(window.count).toBe(DEDUP_WINDOW);
		expect(String(staticData.seenEventIds).trim().split(' ')).toHaveLength(DEDUP_WINDOW);
		expect(wasSeen(window, fingerprint('id-9'))).toBe(false);
		expect(wasSeen(window, fingerprint('id-10'))).toBe(true);
		expect(wasSeen(window, fingerprint(`id-${DEDUP_WINDOW + 9}`))).toBe(true);
	});

	it('fingerprints have a fixed length and never contain the separator', () => {
		for (const id of ['', 'a', 'x'.repeat(10000), 'with space', 'ünïcødé\n']) {
			expect(fingerprint(id)).toMatch(/^[A-Za-z0-9_-]{22}$/);
		}
	});
});

describe('de-duplication across requests of one n8n process', () => {
	it('a request that loaded static data before the previous save still knows the previous id', async () => {
		const saved: IDataObject = {};
		const loadedBeforeSave = copy(saved);
		expect((await send('wf-stale', saved, 'A')).items).toHaveLength(1);
		// B started before A's static data reached the database: it sees the old, empty window.
		expect((await send('wf-stale', loadedBeforeSave, 'B')).items).toHaveLength(1);
		// and what B saves (last write wins) still contains A
		const window = recentEvents(copy(loadedBeforeSave), 'unrelated-scope');
		expect(wasSeen(window, fingerprint('A'))).toBe(true);
		expect(wasSeen(window, fingerprint('B'))).toBe(true);
	});

	it('the same id delivered twice at the same instant runs once', async () => {
		const staticData: IDataObject = {};
		const outcomes = await Promise.all([
			send('wf-instant', copy(staticData), 'same'),
			send('wf-instant', copy(staticData), 'same'),
			send('wf-instant', copy(staticData), 'same'),
		]);
		expect(outcomes.filter((outcome) => outcome.items !== undefined)).toHaveLength(1);
		expect(outcomes.filter((outcome) => outcome.body?.reason === 'duplicate')).toHaveLength(2);
	});

	it('after a restart (nothing in memory) the saved static data alone recognises duplicates', async () => {
		const staticData: IDataObject = {};
		await send('wf-before-restart', staticData, 'R');
		const again = await send('wf-after-restart', copy(staticData), 'R');
		expect(again.body?.reason).toBe('duplicate');
	});

	it('ids accepted by other processes (already in static data) are kept alongside this process’s', async () => {
		const staticData: IDataObject = {};
		await send('wf-shared', staticData, 'mine');
		const fromOtherProcess = copy(staticData);
		rememberEvent(fromOtherProcess, 'other-process', recentEvents(fromOtherProcess, 'other-process'), fingerprint('theirs'));
		await send('wf-shared', fromOtherProcess, 'new');
		const window = recentEvents(copy(fromOtherProcess), 'fresh');
		for (const id of ['mine', 'theirs', 'new']) expect(wasSeen(window, fingerprint(id))).toBe(true);
	});

	it('test (manual) deliveries do not make production deliveries duplicates', async () => {
		const manual = await runWebhook(
			node,
			{ headers: {}, raw: toBytes(offer('T')) },
			{ parameters: { authentication: 'none', topics: ['*'], settings: {} }, staticData: {}, workflowId: 'wf-mode', mode: 'manual' },
		);
		expect(manual.items).toHaveLength(1);
		expect((await send('wf-mode', {}, 'T')).items).toHaveLength(1);
	});
});
