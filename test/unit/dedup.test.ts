import type { IDataObject } from 'n8n-workflow';

import { QondorTrigger } from '../../nodes/Qondor/QondorTrigger.node';
import { DEDUP_WINDOW, EVICTION_BATCH, fingerprint, recentEvents, rememberEvent, wasSeen } from '../../nodes/shared/dedup';
import { seededRandom } from '../../scripts/lib/random';
import { sample } from '../../scripts/lib/registry';
import { runWebhook, toBytes } from '../helpers/harness';

const node = new QondorTrigger();
const offer = (webhookId: string) => ({ ...sample('qondor', 'OfferSentV1'), webhookId });

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
	it('remembers at least the last DEDUP_WINDOW ids and at most a batch more, forgetting the oldest', () => {
		const staticData: IDataObject = {};
		const total = DEDUP_WINDOW + EVICTION_BATCH + 10;
		for (let i = 0; i < total; i++) {
			rememberEvent(staticData, 'scope-bound', recentEvents(staticData, 'scope-bound'), fingerprint(`id-${i}`));
			const count = staticData.seenEventCount as number;
			expect(count).toBeLessThan(DEDUP_WINDOW + EVICTION_BATCH);
			if (i >= DEDUP_WINDOW) expect(count).toBeGreaterThanOrEqual(DEDUP_WINDOW);
		}
		// what is saved is all there is after a restart
		const saved = JSON.parse(JSON.stringify(staticData)) as IDataObject;
		const window = recentEvents(saved, 'scope-after-restart');
		expect(String(saved.seenEventIds)).toHaveLength(8 * (saved.seenEventCount as number));
		for (let i = total - DEDUP_WINDOW; i < total; i++) expect(wasSeen(window, fingerprint(`id-${i}`))).toBe(true);
		for (let i = 0; i < EVICTION_BATCH; i++) expect(wasSeen(window, fingerprint(`id-${i}`))).toBe(false);
		// and the same in this process's memory
		const live = recentEvents(staticData, 'scope-bound');
		expect(wasSeen(live, fingerprint(`id-${total - 1}`))).toBe(true);
		expect(wasSeen(live, fingerprint('id-0'))).toBe(false);
	});

	it('stays within its bound over many events', () => {
		const staticData: IDataObject = {};
		for (let i = 0; i < 20 * DEDUP_WINDOW; i++) {
			rememberEvent(staticData, 'scope-long', recentEvents(staticData, 'scope-long'), fingerprint(`long-${i}`));
		}
		expect(JSON.stringify(staticData).length).toBeLessThan((DEDUP_WINDOW + EVICTION_BATCH) * 8 + 100);
	});

	it('fingerprints have a fixed length whatever the id', () => {
		for (const id of ['', 'a', 'x'.repeat(10000), 'with space', 'ünïcødé\n']) {
			expect(fingerprint(id)).toMatch(/^[A-Za-z0-9_-]{8}$/);
		}
	});
});

describe('de-duplication with several processes sharing static data', () => {
	it('a process never forgets one of its own last DEDUP_WINDOW ids, whatever other processes save', () => {
		// Two webhook processes, A and B, saving the same static data; last write wins, and B often
		// saves a copy it loaded before A's save, dropping A's newest ids from what is stored.
		const { next: random } = seededRandom(7);
		let stored: IDataObject = {};
		const accept = (scope: string, loaded: IDataObject, id: string) => {
			const window = recentEvents(loaded, scope);
			expect(wasSeen(window, fingerprint(id))).toBe(false);
			rememberEvent(loaded, scope, window, fingerprint(id));
			return loaded;
		};
		const total = 3 * DEDUP_WINDOW;
		for (let i = 0; i < total; i++) {
			const beforeA = copy(stored);
			const afterA = accept('process-A', copy(stored), `a-${i}`);
			const loadedByB = random() < 0.5 ? copy(beforeA) : copy(afterA);
			stored = random() < 0.7 ? accept('process-B', loadedByB, `b-${i}`) : afterA;
		}
		const seenByA = recentEvents(copy(stored), 'process-A');
		for (let i = total - DEDUP_WINDOW; i < total; i++) expect(wasSeen(seenByA, fingerprint(`a-${i}`))).toBe(true);
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

	it('with Remember Event IDs "In Memory Only", repeats are caught in the process and nothing is written to static data', async () => {
		const staticData: IDataObject = {};
		const memory = async (workflowId: string, webhookId: string) =>
			await runWebhook(
				node,
				{ headers: { 'content-type': 'application/json' }, raw: toBytes(offer(webhookId)) },
				{ parameters: { authentication: 'none', topics: ['*'], settings: { rememberIds: 'memory' } }, staticData, workflowId },
			);
		expect((await memory('wf-memory', 'M')).items).toHaveLength(1);
		expect((await memory('wf-memory', 'M')).body?.reason).toBe('duplicate');
		expect(staticData).toEqual({});
		// a restarted process (nothing in memory) does not know it
		expect((await memory('wf-memory-restarted', 'M')).items).toHaveLength(1);
	});
});

