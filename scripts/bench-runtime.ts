// `npm run bench:runtime -- --contacts N --json`: interpreter throughput on a SQLite file against the bare-write ceiling.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { SimulatedEmail, SimulatedSms, SimulatedWebhook } from '../runtime/channels/simulated.ts';
import { VirtualClock } from '../runtime/clock.ts';
import { Interpreter } from '../runtime/engine/interpreter.ts';
import { startRun } from '../runtime/engine/runs.ts';
import { openStore, type Store } from '../runtime/store/dialect.ts';
import { migrate } from '../runtime/store/migrate.ts';
import { publishJourney } from '../runtime/store/repositories/journeys.ts';
import { benchJourney, seedContacts } from './bench-data.ts';

const { values } = parseArgs({ options: { contacts: { type: 'string', default: '100000' }, json: { type: 'boolean' }, keep: { type: 'boolean' } } });
const contacts = Number(values.contacts);
if (!Number.isInteger(contacts) || contacts < 1) throw new Error(`--contacts must be a positive whole number, not "${values.contacts}"`);

let peakRss = process.memoryUsage().rss;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);

/** The same number of rows written the cheapest way this store allows: batched inserts and updates, no logic. */
async function ceiling(store: Store, steps: number): Promise<number> {
  const db = store.db.withTables<{ ceiling: { id: number; v: string } }>();
  await db.schema
    .createTable('ceiling')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('v', 'text')
    .execute();
  const started = performance.now();
  const batch = 500;
  for (let i = 0; i < steps; i += batch) {
    const n = Math.min(batch, steps - i);
    await db.transaction().execute(async (tx) => {
      await tx
        .insertInto('ceiling')
        .values(Array.from({ length: n }, (_, k) => ({ id: i + k, v: 'x' })))
        .execute();
      await tx
        .updateTable('ceiling')
        .set({ v: 'y' })
        .where('id', '>=', i)
        .where('id', '<', i + n)
        .execute();
    });
  }
  return steps / ((performance.now() - started) / 1000);
}

const dir = mkdtempSync(join(tmpdir(), 'bench-runtime-'));
const store = openStore(join(dir, 'bench.db'));
try {
  await migrate(store);
  const t0 = Date.parse('2026-01-05T14:00:00Z');
  const clock = new VirtualClock(t0);
  await seedContacts(store, contacts, t0);
  const published = await publishJourney(store.db, benchJourney, { author: 'bench', message: 'bench', now: t0 });
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
  const started = performance.now();
  const run = await startRun(store, { journeyId: published.journeyId, version: published.version, listId: 'bench', now: t0, simulated: true, seed: 1 });
  const { completed } = await interpreter.runToCompletion(run.id, { advance: (t) => clock.advanceTo(t), resolutionMs: 60_000 });
  const seconds = (performance.now() - started) / 1000;
  const entered = await store.db
    .selectFrom('counters')
    .select((eb) => eb.fn.sum<number>('count').as('n'))
    .where('run_id', '=', run.id)
    .where('metric', '=', 'entered')
    .executeTakeFirstOrThrow();
  const contactSteps = Number(entered.n);
  const ceilingStepsPerSecond = await ceiling(store, contactSteps);
  const stepsPerSecond = contactSteps / seconds;
  const result = {
    contacts,
    completed,
    contactSteps,
    seconds: Math.round(seconds * 100) / 100,
    stepsPerSecond: Math.round(stepsPerSecond),
    ceilingStepsPerSecond: Math.round(ceilingStepsPerSecond),
    ratioToCeiling: Math.round((stepsPerSecond / ceilingStepsPerSecond) * 1000) / 1000,
    peakRssBytes: Math.max(peakRss, process.memoryUsage().rss),
  };
  console.log(values.json ? JSON.stringify(result) : result);
} finally {
  clearInterval(sampler);
  await store.close();
  if (!values.keep) rmSync(dir, { recursive: true, force: true });
}
