// Several interpreters on one PostgreSQL database at once, as a scaled-out deployment runs them: each contact is moved
// by one of them at a time, ends once, and is sent each message once.
import { describe, expect, it } from 'vitest';
import { validateJourney } from '../../schemas/validate.ts';
import type { ChannelProvider } from '../channels/provider.ts';
import { SimulatedEmail, SimulatedSms, SimulatedWebhook } from '../channels/simulated.ts';
import { VirtualClock } from '../clock.ts';
import { seedGeneratedContacts } from '../contacts/generated.ts';
import { metricsFromEvents, runMetrics } from '../metrics.ts';
import { openStore, type Store } from '../store/dialect.ts';
import { publishJourney } from '../store/repositories/journeys.ts';
import { freshStore, postgresUrl } from '../store/test-stores.ts';
import { dialerMetrics } from '../test-support/dialer-metrics.ts';
import { PacedDialer } from '../dialer/paced-dialer.ts';
import { Interpreter } from './interpreter.ts';
import type { RunOptions } from './run-context.ts';
import { startRun } from './runs.ts';
import { stepsEnteredTwice } from './run-checks.ts';

// Monday 5 January 2026, 10:00 in New York: inside texting hours.
const t0 = Date.parse('2026-01-05T15:00:00Z');
const contacts = 1000;
const workers = 3;

/**
 * Texts with a tracked link, then waits up to a day for a click (replies, STOPs and clicks arrive as reactions while
 * contacts wait, so reactions and timers meet), then an email to everyone and a branch on an attribute.
 */
const document = {
  schemaVersion: 1,
  id: 'scale-out',
  name: 'Scale-out',
  settings: { timezone: 'America/New_York', compliance: 'US', helpContact: 'Call 0800 555 0100' },
  nodes: {
    start: { type: 'start', position: { x: 0, y: 0 }, config: { audience: { list: 'many' } }, next: { out: 'gate' } },
    gate: {
      type: 'compliance-gate',
      position: { x: 200, y: 0 },
      config: { channel: 'sms', checks: ['dnc', 'consent'] },
      next: { allowed: 'sms', blocked: 'blocked' },
    },
    sms: {
      type: 'sms',
      position: { x: 400, y: 0 },
      config: { body: 'Hi {{ contact.firstName }}, your order: {{ links.order }}', links: { order: 'https://example.com/orders' }, trackLinks: true },
      next: { sent: 'click', failed: 'failed' },
    },
    click: {
      type: 'wait-for-event',
      position: { x: 600, y: 0 },
      config: { event: 'link.clicked', timeout: 'P1D' },
      next: { event: 'mail-gate', timeout: 'mail-gate' },
    },
    'mail-gate': {
      type: 'compliance-gate',
      position: { x: 700, y: 0 },
      config: { channel: 'email', checks: ['dnc'] },
      next: { allowed: 'email', blocked: 'failed' },
    },
    email: {
      type: 'email',
      position: { x: 800, y: 0 },
      config: { subject: 'Order {{ attributes.order }}', text: 'Hello {{ contact.firstName }}', trackOpens: false, trackLinks: false },
      next: { sent: 'branch', failed: 'failed' },
    },
    branch: {
      type: 'branch',
      position: { x: 1000, y: 0 },
      config: { rules: [{ port: 'big', conditions: [{ field: 'attributes.order', op: 'greater-than', value: 750 }] }] },
      next: { big: 'done', else: 'done' },
    },
    done: { type: 'end', position: { x: 1200, y: 0 }, config: { outcome: 'completed' } },
    blocked: { type: 'end', position: { x: 400, y: 200 }, config: { outcome: 'blocked' } },
    failed: { type: 'end', position: { x: 1000, y: 200 }, config: { outcome: 'failed' } },
  },
};

/** A predictive call with a small team: the dialer's state (calls out, agents, its ledger) is shared by the workers. */
const dialing = {
  schemaVersion: 1,
  id: 'scale-out-calls',
  name: 'Scale-out calls',
  settings: { timezone: 'America/New_York', compliance: 'US' },
  nodes: {
    start: { type: 'start', position: { x: 0, y: 0 }, config: { audience: { list: 'many' } }, next: { out: 'gate' } },
    // The do-not-contact check only, as the texting journey above: the test is about several workers sharing a dialer.
    gate: { type: 'compliance-gate', position: { x: 100, y: 100 }, config: { channel: 'voice', checks: ['dnc'] }, next: { allowed: 'call', blocked: 'done' } },
    call: {
      type: 'dialer',
      position: { x: 200, y: 0 },
      config: { mode: 'predictive', queue: 'team', script: 'Hello {{ contact.firstName }}', callerId: '+12025550199', ringSeconds: 25 },
      next: { connected: 'done', machine: 'done', 'no-answer': 'done', abandoned: 'done', failed: 'done' },
    },
    done: { type: 'end', position: { x: 400, y: 0 }, config: { outcome: 'done' } },
  },
};

async function seed(store: Store, journey: typeof document | typeof dialing, count: number, options: RunOptions = {}): Promise<string> {
  await seedGeneratedContacts(store, { listId: 'many', count, now: t0, idPrefix: 'p' });
  expect(validateJourney(journey).problems.filter((p) => p.severity === 'error')).toEqual([]);
  const published = await publishJourney(store.db, journey, { author: 'test', message: 'test', now: t0 });
  const run = await startRun(store, { journeyId: published.journeyId, version: published.version, listId: 'many', now: t0, simulated: true, seed: 3, options });
  return run.id;
}

/**
 * One worker: rounds of work until the run completes. With nothing it can take (another worker may hold what is due),
 * it moves the shared virtual clock to the next due moment, or waits a moment when that has already come.
 */
async function work(interpreter: Interpreter, clock: VirtualClock, runId: string): Promise<number> {
  let done = 0;
  const deadline = performance.now() + 90_000;
  while (performance.now() < deadline) {
    const n = await interpreter.tick();
    done += n;
    const run = await interpreter.store.db.selectFrom('runs').select('status').where('id', '=', runId).executeTakeFirstOrThrow();
    // Reactions still come after a run completes (deliveries of its last messages) and are recorded then: a worker
    // stops once the run is complete and a round finds nothing more to do.
    if (run.status === 'completed' && n === 0) return done;
    if (n > 0) continue;
    const next = await interpreter.nextDueAt();
    if (next !== undefined && next > clock.now()) clock.advanceTo(next + 1000);
    else await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error('The run did not complete within 90 s');
}

describe.runIf(postgresUrl)('several interpreters on one PostgreSQL database', () => {
  it(`run ${contacts} contacts together: each ends once, each message is sent once, counters match the events`, async () => {
    const store = await freshStore('postgres');
    const stores = Array.from({ length: workers }, () => openStore(postgresUrl, { pgSchema: store.pgSchema! }));
    try {
      const runId = await seed(store, document, contacts);
      const clock = new VirtualClock(t0);
      const interpreters = stores.map((s) => {
        const voice: ChannelProvider = { send: async () => ({ status: 'permanent-error', reason: 'no calls in this journey' }) };
        return new Interpreter({
          store: s,
          clock,
          providers: { sms: new SimulatedSms(s.db, 3), email: new SimulatedEmail(s.db, 3), webhook: new SimulatedWebhook(s.db), voice },
          batchSize: 100,
        });
      });
      const done = await Promise.all(interpreters.map((interpreter) => work(interpreter, clock, runId)));
      // The work was shared: every worker moved contacts.
      for (const n of done) expect(n).toBeGreaterThan(0);

      const db = store.db;
      const ends = await db
        .selectFrom('events')
        .select(['contact_id', (eb) => eb.fn.countAll<number>().as('n')])
        .where('run_id', '=', runId)
        .where('type', '=', 'contact.completed')
        .groupBy('contact_id')
        .execute();
      expect(ends).toHaveLength(contacts);
      expect(ends.filter((e) => Number(e.n) !== 1)).toEqual([]);
      // Every contact went through the whole journey once: one entry into each step it reached.
      const entries = await stepsEnteredTwice(db, runId);
      expect(entries).toEqual([]);
      // One send per message, and one record of it at the provider.
      const outbox = await db.selectFrom('outbox').select(['idempotency_key', 'status']).where('run_id', '=', runId).execute();
      expect(new Set(outbox.map((o) => o.idempotency_key)).size).toBe(outbox.length);
      expect(outbox.filter((o) => o.status === 'pending')).toEqual([]);
      const sent = await db
        .selectFrom('events')
        .select(['contact_id', 'node_id', (eb) => eb.fn.countAll<number>().as('n')])
        .where('run_id', '=', runId)
        .where('type', 'in', ['sms.sent', 'email.sent'])
        .groupBy(['contact_id', 'node_id'])
        .execute();
      expect(sent.filter((s) => Number(s.n) !== 1)).toEqual([]);
      expect(sent.length).toBe(outbox.filter((o) => o.status === 'sent').length);
      const cursors = await db.selectFrom('cursors').select('status').where('run_id', '=', runId).where('status', '!=', 'done').execute();
      expect(cursors).toEqual([]);
      // Reactions reached waiting contacts (clicks moved some on early) and nothing is left to process.
      const clicked = await db
        .selectFrom('events')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('run_id', '=', runId)
        .where('type', '=', 'node.exited')
        .where('node_id', '=', 'click')
        .where('port', '=', 'event')
        .executeTakeFirstOrThrow();
      expect(Number(clicked.n)).toBeGreaterThan(0);
      expect(await db.selectFrom('inbox').select('id').where('run_id', '=', runId).where('due_at', '<=', clock.now()).execute()).toEqual([]);
      expect(await runMetrics(db, runId)).toEqual(await metricsFromEvents(db, runId));
    } finally {
      for (const s of stores) await s.close();
      await store.close();
    }
  }, 120_000);

  it('pace one predictive dialer together: each contact is called once and ends once, and the ledger counts every answer', async () => {
    const count = 200;
    const store = await freshStore('postgres');
    const stores = Array.from({ length: workers }, () => openStore(postgresUrl, { pgSchema: store.pgSchema! }));
    try {
      const runId = await seed(store, dialing, count, { agents: { team: 6 } });
      const clock = new VirtualClock(t0);
      const interpreters = stores.map((s) => {
        const unused: ChannelProvider = { send: async () => ({ status: 'permanent-error', reason: 'no messages in this journey' }) };
        return new Interpreter({
          store: s,
          clock,
          providers: { sms: unused, email: unused, webhook: unused, voice: unused },
          dialer: new PacedDialer(),
          batchSize: 100,
        });
      });
      const done = await Promise.all(interpreters.map((interpreter) => work(interpreter, clock, runId)));
      for (const n of done) expect(n).toBeGreaterThan(0);
      const db = store.db;
      const perContact = await db
        .selectFrom('events')
        .select(['contact_id', 'type', (eb) => eb.fn.countAll<number>().as('n')])
        .where('run_id', '=', runId)
        .where('type', 'in', ['contact.completed', 'call.placed', 'call.ended'])
        .groupBy(['contact_id', 'type'])
        .execute();
      for (const type of ['contact.completed', 'call.placed', 'call.ended']) {
        const rows = perContact.filter((r) => r.type === type);
        expect(rows, type).toHaveLength(count);
        expect(
          rows.filter((r) => Number(r.n) !== 1),
          type,
        ).toEqual([]);
      }
      // The dialer's ledger, which paces against the cap, counted what the events record, and no agent took two calls.
      const state = await db.selectFrom('dialer_state').select('state').where('run_id', '=', runId).where('node_id', '=', 'call').executeTakeFirstOrThrow();
      const gauges = JSON.parse(state.state) as { abandon: { liveAnswers: number; abandoned: number } };
      const metrics = await dialerMetrics(db, runId, 'call', { costPerMinute: 0 });
      expect(gauges.abandon.liveAnswers).toBe(metrics.liveAnswers);
      expect(gauges.abandon.abandoned).toBe(metrics.abandoned.us);
      expect(await runMetrics(db, runId)).toEqual(await metricsFromEvents(db, runId));
    } finally {
      for (const s of stores) await s.close();
      await store.close();
    }
  }, 120_000);
});
