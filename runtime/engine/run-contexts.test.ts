// The interpreter keeps a context (the run's row and its parsed journey) per run it drives; a server's live interpreter
// drives thousands of runs over its life, so contexts of runs that ended must not stay in memory for ever.
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { validateJourney } from '../../schemas/validate.ts';
import { SimulatedEmail, SimulatedSms, SimulatedWebhook } from '../channels/simulated.ts';
import { VirtualClock } from '../clock.ts';
import { importContactsCsv } from '../contacts/import-csv.ts';
import type { Store } from '../store/dialect.ts';
import { ensureContactList, publishJourney } from '../store/repositories/journeys.ts';
import { freshStore, testDialects } from '../store/test-stores.ts';
import { Interpreter, type Providers } from './interpreter.ts';
import { startRun } from './runs.ts';

const t0 = Date.parse('2026-01-05T15:00:00Z');

const doc = {
  schemaVersion: 1,
  id: 'contexts',
  name: 'Contexts',
  settings: { timezone: 'America/New_York', compliance: 'US' },
  nodes: {
    start: { type: 'start', position: { x: 0, y: 0 }, config: { audience: { list: 'people' } }, next: { out: 'done' } },
    done: { type: 'end', position: { x: 200, y: 0 }, config: { outcome: 'completed' } },
  },
};

describe.each(testDialects)('run contexts on %s', (dialect) => {
  let store: Store;
  beforeEach(async () => {
    store = await freshStore(dialect);
  });
  afterEach(async () => {
    await store.close();
  });

  async function startRuns(count: number): Promise<string[]> {
    expect(validateJourney(doc).problems).toEqual([]);
    await ensureContactList(store.db, 'people', 'people', t0);
    await importContactsCsv(store.db, Readable.from(['external_id,phone\nA,+12025550101\nB,+12025550102\n']), { listId: 'people', now: t0 });
    const published = await publishJourney(store.db, doc, { author: 'test', message: 'test', now: t0 });
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const run = await startRun(store, { journeyId: published.journeyId, version: published.version, listId: 'people', now: t0, seed: i, simulated: true });
      ids.push(run.id);
    }
    return ids;
  }

  function interpreter(idleContextMs?: number): Interpreter {
    const providers: Providers = {
      sms: new SimulatedSms(store.db, 1),
      email: new SimulatedEmail(store.db, 1),
      webhook: new SimulatedWebhook(store.db),
      voice: { send: async () => ({ status: 'permanent-error', reason: 'voice is not sent through the outbox' }) },
    };
    return new Interpreter({ store, clock: new VirtualClock(t0), providers, ...(idleContextMs !== undefined && { idleContextMs }) });
  }

  it('forgets the contexts of runs that ended once they are idle', async () => {
    const runs = await startRuns(3);
    const live = interpreter(0);
    for (let i = 0; i < 5 && (await live.tick()) > 0; i++);
    const statuses = await store.db.selectFrom('runs').select('status').where('id', 'in', runs).execute();
    expect(statuses.map((r) => r.status)).toEqual(['completed', 'completed', 'completed']);
    // The round that saw them end still held their contexts; the next one lets them go.
    await live.tick();
    expect(live.contextsKept).toBe(0);
    // A finished run's context comes back on demand (a late delivery report, a monitor's question).
    expect((await live.context(runs[0]!)).run.id).toBe(runs[0]);
    expect(live.contextsKept).toBe(1);
  });

  it('keeps them for a while by default, so that a finished run’s late reports do not reload it every round', async () => {
    await startRuns(2);
    const live = interpreter();
    for (let i = 0; i < 5 && (await live.tick()) > 0; i++);
    await live.tick();
    expect(live.contextsKept).toBe(2);
  });
});
