import { describe, expect, it } from 'vitest';
import { SimulatedEmail, SimulatedSms, SimulatedWebhook } from '../runtime/channels/simulated.ts';
import { VirtualClock } from '../runtime/clock.ts';
import { Interpreter } from '../runtime/engine/interpreter.ts';
import { startRun } from '../runtime/engine/runs.ts';
import type { Store } from '../runtime/store/dialect.ts';
import { publishJourney } from '../runtime/store/repositories/journeys.ts';
import { freshStore } from '../runtime/store/test-stores.ts';
import { benchJourney, seedContacts } from './bench-data.ts';
import { playStoreOnly } from './store-only.ts';

const t0 = Date.parse('2026-01-05T14:00:00Z');
const contacts = 400;

/** Rows of each kind a run left: events by type, outbox rows and provider records by channel, cursors by status. */
async function rowsOf(store: Store, runId: string) {
  const events = await store.db
    .selectFrom('events')
    .select(['type', (eb) => eb.fn.countAll<number>().as('n')])
    .where('run_id', '=', runId)
    .where('contact_id', 'is not', null)
    .groupBy('type')
    .execute();
  const outbox = await store.db
    .selectFrom('outbox')
    .select(['channel', (eb) => eb.fn.countAll<number>().as('n')])
    .where('run_id', '=', runId)
    .groupBy('channel')
    .execute();
  const sends = await store.db
    .selectFrom('simulated_sends')
    .select(['channel', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy('channel')
    .execute();
  const cursors = await store.db
    .selectFrom('cursors')
    .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
    .where('run_id', '=', runId)
    .groupBy('status')
    .execute();
  const inbox = await store.db
    .selectFrom('inbox')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  const byKey = (rows: { n: number }[], key: (r: any) => string) => Object.fromEntries(rows.map((r) => [key(r), Number(r.n)]));
  return {
    events: byKey(events, (r) => r.type),
    outbox: byKey(outbox, (r) => r.channel),
    sends: byKey(sends, (r) => r.channel),
    cursors: byKey(cursors, (r) => r.status),
    inboxLeft: Number(inbox.n),
  };
}

async function interpreted() {
  const store = await freshStore('sqlite');
  try {
    await seedContacts(store, contacts, t0);
    const published = await publishJourney(store.db, benchJourney, { author: 'test', message: 'test', now: t0 });
    const clock = new VirtualClock(t0);
    const interpreter = new Interpreter({
      store,
      clock,
      providers: {
        sms: new SimulatedSms(store.db, 1),
        email: new SimulatedEmail(store.db, 1),
        webhook: new SimulatedWebhook(store.db),
        voice: new SimulatedWebhook(store.db),
      },
      batchSize: 2000,
    });
    const run = await startRun(store, { journeyId: published.journeyId, version: published.version, listId: 'bench', now: t0, simulated: true, seed: 1 });
    await interpreter.runToCompletion(run.id, { advance: (t) => clock.advanceTo(t), resolutionMs: 60_000 });
    return await rowsOf(store, run.id);
  } finally {
    await store.close();
  }
}

async function storeOnly() {
  const store = await freshStore('sqlite');
  try {
    await seedContacts(store, contacts, t0);
    const { runId } = await playStoreOnly(store, t0);
    return await rowsOf(store, runId);
  } finally {
    await store.close();
  }
}

// bench:store-only stands for the runtime's writes; if the interpreter starts writing other rows, its figure means nothing.
describe('the store-only benchmark', () => {
  it('writes the rows the interpreter writes for the benchmark journey, each contact on the path without failures', async () => {
    const real = await interpreted();
    const bare = await storeOnly();
    // Every contact ends; nothing is left to do.
    expect(bare.cursors).toEqual({ done: contacts });
    expect(real.cursors).toEqual({ done: contacts });
    expect(bare.inboxLeft).toBe(0);
    // Every kind of event it writes, the interpreter writes too, about as often: the interpreter's extra kinds are the
    // failures, bounces and replies of a few contacts.
    for (const [type, n] of Object.entries(bare.events)) {
      expect(real.events[type], type).toBeGreaterThan(0);
      expect(Math.abs(n - real.events[type]!) / n, type).toBeLessThan(0.06);
    }
    const total = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);
    const [bareEvents, realEvents] = [total(bare.events), total(real.events)];
    expect(bareEvents).toBe(21 * contacts);
    expect(bareEvents).toBeGreaterThanOrEqual(realEvents);
    expect((bareEvents - realEvents) / realEvents).toBeLessThan(0.03);
    // One outbox row and one provider record per message, two messages per contact.
    expect(bare.outbox).toEqual({ sms: contacts, email: contacts });
    expect(bare.sends).toEqual({ sms: contacts, email: contacts });
    for (const channel of ['sms', 'email']) {
      expect(bare.outbox[channel]).toBeGreaterThanOrEqual(real.outbox[channel]!);
      expect(bare.sends[channel]).toBeGreaterThanOrEqual(real.sends[channel]!);
      expect(real.sends[channel]! / contacts).toBeGreaterThan(0.9);
    }
  }, 60_000);
});
