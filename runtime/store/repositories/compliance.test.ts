// What a gate counts as a number's past calls and texts: only its own timeline, and only what has already happened.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Journey } from '../../../schemas/journey.ts';
import { validateJourney } from '../../../schemas/validate.ts';
import { startRun } from '../../engine/runs.ts';
import type { Store } from '../dialect.ts';
import { freshStore, testDialects } from '../test-stores.ts';
import { loadGateData, recordAbandonedCall } from './compliance.ts';
import { ensureContactList, publishJourney } from './journeys.ts';

const hour = 3_600_000;
const now = Date.parse('2026-06-10T16:00:00Z');
const phone = '+12125550100';
const examples = join(import.meta.dirname, '..', '..', '..', 'examples');

describe.each(testDialects)('gate history on %s', (dialect) => {
  let store: Store;
  let journey: Journey;
  let runs: { live: string; otherLive: string; simulated: string; otherSimulated: string };

  beforeEach(async () => {
    store = await freshStore(dialect);
    const db = store.db;
    const file: unknown = JSON.parse(readFileSync(join(examples, 'missed-payment.journey.json'), 'utf8'));
    journey = validateJourney(file).journey!;
    const published = await publishJourney(db, file, { author: 'test', message: 'test', now });
    await ensureContactList(db, 'people', 'people', now);
    await db
      .insertInto('contacts')
      .values({
        id: 'c1',
        list_id: 'people',
        external_id: null,
        phone,
        email: null,
        first_name: null,
        last_name: null,
        timezone: 'America/New_York',
        state: null,
        postal_code: null,
        attributes: '{}',
        consent: '{}',
        created_at: now,
      })
      .execute();
    const start = (simulated: boolean) =>
      startRun(store, { journeyId: published.journeyId, version: published.version, listId: 'people', now, simulated, seed: 1 }).then((r) => r.id);
    runs = { live: await start(false), otherLive: await start(false), simulated: await start(true), otherSimulated: await start(true) };
  });

  afterEach(async () => {
    await store.close();
  });

  async function call(runId: string, at: number): Promise<void> {
    const n = await store.db
      .selectFrom('outbox')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    await store.db
      .insertInto('outbox')
      .values({
        idempotency_key: `${runId}:${Number(n.n)}`,
        run_id: runId,
        contact_id: 'c1',
        node_id: 'collections-call',
        channel: 'voice',
        payload: '{}',
        status: 'sent',
        attempts: 1,
        next_attempt_at: at,
        created_at: at,
        sent_at: at,
        error: null,
      })
      .execute();
  }

  const attempts = async (runId: string, simulated: boolean) => {
    const data = await loadGateData(store.db, journey, { runId, simulated }, [{ phone }], now);
    return data.history!.attemptsSince(phone, ['voice'], now - 24 * hour).map((at) => (at - now) / hour);
  };

  it('counts a live run the calls of every live run, and none of a simulation', async () => {
    await call(runs.live, now - 3 * hour);
    await call(runs.otherLive, now - 2 * hour);
    await call(runs.simulated, now - hour);
    expect(await attempts(runs.live, false)).toEqual([-3, -2]);
  });

  it('counts a simulated run only its own calls: other runs are on other timelines', async () => {
    await call(runs.live, now - 3 * hour);
    await call(runs.simulated, now - 2 * hour);
    await call(runs.otherSimulated, now - hour);
    expect(await attempts(runs.simulated, true)).toEqual([-2]);
  });

  it('leaves out a call exactly one window ago, which has just fallen out, and calls after now', async () => {
    await call(runs.live, now - 24 * hour);
    await call(runs.live, now - 23 * hour);
    await call(runs.live, now + hour);
    expect(await attempts(runs.live, false)).toEqual([-23]);
  });

  it('counts abandoned calls on the same timelines', async () => {
    const gb = { ...journey, settings: { ...journey.settings, compliance: 'UK' as const } };
    await recordAbandonedCall(store.db, { phone, at: now - 2 * hour, runId: runs.otherSimulated });
    expect((await loadGateData(store.db, gb, { runId: runs.live, simulated: false }, [{ phone }], now)).history?.lastAbandonedAt(phone)).toBeUndefined();
    expect((await loadGateData(store.db, gb, { runId: runs.simulated, simulated: true }, [{ phone }], now)).history?.lastAbandonedAt(phone)).toBeUndefined();
    await recordAbandonedCall(store.db, { phone, at: now - hour, runId: runs.otherLive });
    expect((await loadGateData(store.db, gb, { runId: runs.live, simulated: false }, [{ phone }], now)).history?.lastAbandonedAt(phone)).toBe(now - hour);
  });
});
