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
import { ensureContactList, publishJourney } from '../runtime/store/repositories/journeys.ts';

const { values } = parseArgs({ options: { contacts: { type: 'string', default: '100000' }, json: { type: 'boolean' }, keep: { type: 'boolean' } } });
const contacts = Number(values.contacts);
if (!Number.isInteger(contacts) || contacts < 1) throw new Error(`--contacts must be a positive whole number, not "${values.contacts}"`);

/** Six steps after the start: gate, SMS, wait, email, branch, end (two ends, as a real journey has). */
export const benchJourney = {
  schemaVersion: 1,
  id: 'bench',
  name: 'Runtime benchmark',
  settings: { timezone: 'America/New_York', compliance: 'US' },
  nodes: {
    start: { type: 'start', position: { x: 0, y: 0 }, config: { audience: { list: 'bench' } }, next: { out: 'gate' } },
    gate: { type: 'compliance-gate', position: { x: 200, y: 0 }, config: { channel: 'sms', checks: ['dnc', 'consent'] }, next: { allowed: 'sms', blocked: 'blocked' } },
    sms: { type: 'sms', position: { x: 400, y: 0 }, config: { body: 'Hi {{ contact.firstName }}, your order {{ attributes.order }} is ready.', trackLinks: false }, next: { sent: 'wait', failed: 'failed' } },
    wait: { type: 'wait', position: { x: 600, y: 0 }, config: { duration: 'PT1H' }, next: { out: 'email' } },
    email: { type: 'email', position: { x: 800, y: 0 }, config: { subject: 'Your order {{ attributes.order }}', text: 'Hello {{ contact.firstName }}', trackOpens: false, trackLinks: false }, next: { sent: 'branch', failed: 'failed' } },
    branch: {
      type: 'branch',
      position: { x: 1000, y: 0 },
      config: { rules: [{ port: 'big', conditions: [{ field: 'attributes.order', op: 'greater-than', value: 500000 }] }] },
      next: { big: 'done', else: 'done' },
    },
    done: { type: 'end', position: { x: 1200, y: 0 }, config: { outcome: 'completed' } },
    blocked: { type: 'end', position: { x: 400, y: 200 }, config: { outcome: 'blocked' } },
    failed: { type: 'end', position: { x: 1000, y: 200 }, config: { outcome: 'failed' } },
  },
};

let peakRss = process.memoryUsage().rss;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);

async function seedContacts(store: Store, n: number, now: number): Promise<void> {
  await ensureContactList(store.db, 'bench', 'bench', now);
  for (let i = 0; i < n; i += 1000) {
    const rows = [];
    for (let j = i; j < Math.min(n, i + 1000); j++) {
      rows.push({
        id: `c${String(j).padStart(8, '0')}`,
        list_id: 'bench',
        external_id: String(j),
        phone: `+1202${String(2000000 + j).slice(-7)}`,
        email: `person${j}@example.com`,
        first_name: 'Sam',
        last_name: null,
        timezone: null,
        state: null,
        postal_code: null,
        attributes: JSON.stringify({ order: String(j) }),
        consent: '{"sms":true,"email":true,"voice":true}',
        created_at: now,
      });
    }
    await store.db.insertInto('contacts').values(rows).execute();
  }
}

/** The same number of rows written the cheapest way this store allows: batched inserts and updates, no logic. */
async function ceiling(store: Store, steps: number): Promise<number> {
  const db = store.db.withTables<{ ceiling: { id: number; v: string } }>();
  await db.schema.createTable('ceiling').addColumn('id', 'integer', (c) => c.primaryKey()).addColumn('v', 'text').execute();
  const started = performance.now();
  const batch = 500;
  for (let i = 0; i < steps; i += batch) {
    const n = Math.min(batch, steps - i);
    await db.transaction().execute(async (tx) => {
      await tx.insertInto('ceiling').values(Array.from({ length: n }, (_, k) => ({ id: i + k, v: 'x' }))).execute();
      await tx.updateTable('ceiling').set({ v: 'y' }).where('id', '>=', i).where('id', '<', i + n).execute();
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
    providers: { sms: new SimulatedSms(store.db, 1), email: new SimulatedEmail(store.db, 1), webhook: new SimulatedWebhook(store.db), voice: new SimulatedWebhook(store.db) },
    batchSize: 2000,
  });
  const started = performance.now();
  const run = await startRun(store, { journeyId: published.journeyId, version: published.version, listId: 'bench', now: t0, simulated: true, seed: 1 });
  const { completed } = await interpreter.runToCompletion(run.id, { advance: (t) => clock.advanceTo(t), resolutionMs: 60_000 });
  const seconds = (performance.now() - started) / 1000;
  const entered = await store.db.selectFrom('counters').select((eb) => eb.fn.sum<number>('count').as('n')).where('run_id', '=', run.id).where('metric', '=', 'entered').executeTakeFirstOrThrow();
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
