// The interpreter end to end: journeys built in code, contacts imported from CSV, runs driven on a virtual clock.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { validateJourney } from '../../schemas/validate.ts';
import { HttpWebhook } from '../channels/http-webhook.ts';
import type { ChannelProvider, SendRequest, SendResult } from '../channels/provider.ts';
import { SimulatedEmail, SimulatedSms, SimulatedWebhook, type EmailBehaviour, type SmsBehaviour } from '../channels/simulated.ts';
import { VirtualClock } from '../clock.ts';
import { contactId, importContactsCsv } from '../contacts/import-csv.ts';
import { PacedDialer } from '../dialer/paced-dialer.ts';
import { metricsFromEvents, runMetrics } from '../metrics.ts';
import type { Store } from '../store/dialect.ts';
import { addDoNotContact } from '../store/repositories/compliance.ts';
import { ensureContactList, publishJourney } from '../store/repositories/journeys.ts';
import { freshStore, testDialects } from '../store/test-stores.ts';
import { TemplateError, TemplateRenderer } from '../templates/render.ts';
import { Interpreter, type Providers } from './interpreter.ts';
import { pauseRun, resumeRun, startRun, stopRun } from './runs.ts';
import type { EventType } from '../../schemas/events.ts';

// Monday 5 January 2026, 10:00 in New York: inside US texting hours for the journey's default time zone.
const t0 = Date.parse('2026-01-05T15:00:00Z');
const minute = 60_000;
const hour = 60 * minute;
const day = 24 * hour;
const resolutionMs = 1000;

/** Simulated SMS and email that never fail, reply or click: outcomes depend on the journey only. */
const quietSms: SmsBehaviour = { invalidRate: 0, transientRate: 0, deliveryFailureRate: 0, replyRate: 0, stopShare: 0, clickRate: 0, reactionMeanMinutes: 60 };
const quietEmail: EmailBehaviour = { bounceRate: 0, transientRate: 0, openRate: 0, clickRate: 0, unsubscribeRate: 0, reactionMeanMinutes: 60 };

type Row = Record<string, string>;

/** A CSV text from rows; every row has an external_id so that its contact id is known. */
function csv(rows: Row[]): string {
  const headers = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const quote = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  return `${[headers.join(','), ...rows.map((r) => headers.map((h) => quote(r[h] ?? '')).join(','))].join('\n')}\n`;
}

type NodeSpec = { type: string; config?: Record<string, unknown>; next?: Record<string, string> };

let journeyCount = 0;

/**
 * A journey document with positions filled in; checked against the validator so that a test never runs a bad file.
 * Its id gets a unique suffix unless `exactId`, so that no two tests publish different journeys under one id.
 */
function journey(id: string, nodes: Record<string, NodeSpec>, options: { exactId?: boolean } = {}) {
  const settings = { timezone: 'America/New_York', compliance: 'US' };
  const doc = {
    schemaVersion: 1,
    id: options.exactId ? id : `${id}-${++journeyCount}`,
    name: `Test ${id}`,
    settings,
    nodes: Object.fromEntries(
      Object.entries(nodes).map(([nodeId, n], i) => [
        nodeId,
        { type: n.type, position: { x: i * 200, y: 0 }, config: n.config ?? {}, ...(n.next && { next: n.next }) },
      ]),
    ),
  };
  const errors = validateJourney(doc).problems.filter((p) => p.severity === 'error');
  expect(errors, `journey ${id} should be valid`).toEqual([]);
  return doc;
}

const end = (outcome: string): NodeSpec => ({ type: 'end', config: { outcome } });
const start = (next: string): NodeSpec => ({ type: 'start', config: { audience: { list: 'people' } }, next: { out: next } });
/**
 * The gate every channel step needs, checking how often the contact was reached alone: these tests are about the
 * interpreter, not about hours, consent or do-not-contact registers, which have tests of their own (and gates below).
 */
const gate = (channel: 'sms' | 'email' | 'voice', allowed: string, blocked: string): NodeSpec => ({
  type: 'compliance-gate',
  config: { channel, checks: ['frequency'] },
  next: { allowed, blocked },
});

/** Answers every voice send with an error: voice goes through the dialer, never through the outbox. */
const noVoice: ChannelProvider = { send: async () => ({ status: 'permanent-error', reason: 'voice is not sent through the outbox' }) };

interface Harness {
  store: Store;
  clock: VirtualClock;
  interpreter: Interpreter;
  runId: string;
  listId: string;
  /** Contact id by external id. */
  ids: Record<string, string>;
  drive(options?: { until?: number }): Promise<{ completed: boolean; rounds: number }>;
}

interface SetupOptions {
  providers?: (store: Store) => Partial<Providers>;
  seed?: number;
  maxAttempts?: number;
  listId?: string;
  runId?: string;
  /** Reuse the contacts already imported into `listId`. */
  skipImport?: boolean;
  clock?: VirtualClock;
  /** A live run: its opt-outs reach the shared do-not-contact lists. Runs are simulated otherwise. */
  live?: boolean;
}

async function setup(store: Store, doc: ReturnType<typeof journey>, rows: Row[], options: SetupOptions = {}): Promise<Harness> {
  const listId = options.listId ?? 'people';
  const clock = options.clock ?? new VirtualClock(t0);
  const now = clock.now();
  await ensureContactList(store.db, listId, listId, now);
  if (!options.skipImport) {
    // Consent for every channel unless a test says otherwise: every send is checked against the rules as it goes.
    const consenting = rows.map((r) => ({ consent_sms: 'yes', consent_voice: 'yes', consent_email: 'yes', ...r }));
    const report = await importContactsCsv(store.db, Readable.from([csv(consenting)]), { listId, now });
    expect(report.problems).toEqual([]);
    expect(report.imported + report.merged).toBe(rows.length);
  }
  const published = await publishJourney(store.db, doc, { author: 'test', message: 'test', now });
  const seed = options.seed ?? 1;
  const run = await startRun(store, {
    journeyId: published.journeyId,
    version: published.version,
    listId,
    now,
    seed,
    simulated: !options.live,
    ...(options.runId && { id: options.runId }),
  });
  const providers: Providers = {
    sms: new SimulatedSms(store.db, seed, quietSms),
    email: new SimulatedEmail(store.db, seed, quietEmail),
    webhook: new SimulatedWebhook(store.db),
    voice: noVoice,
    ...options.providers?.(store),
  };
  const interpreter = new Interpreter({
    store,
    clock,
    providers,
    dialer: new PacedDialer(),
    ...(options.maxAttempts !== undefined && { maxAttempts: options.maxAttempts }),
  });
  const ids = Object.fromEntries(rows.map((r) => [r.external_id!, contactId(listId, `x:${r.external_id}`)]));
  return {
    store,
    clock,
    interpreter,
    runId: run.id,
    listId,
    ids,
    drive: (o = {}) =>
      interpreter.runToCompletion(run.id, { advance: (t) => clock.advanceTo(t), resolutionMs, ...(o.until !== undefined && { until: o.until }) }),
  };
}

interface EventRow {
  seq: number;
  contactId: string | null;
  type: string;
  time: number;
  nodeId: string | null;
  port: string | null;
  data: Record<string, unknown>;
}

async function eventsOf(store: Store, runId: string, filter: { type?: EventType; contactId?: string; nodeId?: string } = {}): Promise<EventRow[]> {
  let q = store.db.selectFrom('events').selectAll().where('run_id', '=', runId);
  if (filter.type) q = q.where('type', '=', filter.type);
  if (filter.contactId) q = q.where('contact_id', '=', filter.contactId);
  if (filter.nodeId) q = q.where('node_id', '=', filter.nodeId);
  const rows = await q.orderBy('seq').execute();
  return rows.map((r) => ({
    seq: Number(r.seq),
    contactId: r.contact_id,
    type: r.type,
    time: Number(r.time),
    nodeId: r.node_id,
    port: r.port,
    data: JSON.parse(r.data) as Record<string, unknown>,
  }));
}

/** Each contact's journey outcome, from its one contact.completed event. */
async function outcomesByContact(store: Store, runId: string): Promise<Record<string, string>> {
  const completed = await eventsOf(store, runId, { type: 'contact.completed' });
  return Object.fromEntries(completed.map((e) => [e.contactId!, String(e.data.outcome)]));
}

/** Every contact of the run ended exactly once; the counters match the event log; nobody is active or held. */
async function expectFinishedConsistently(h: Harness): Promise<void> {
  const completed = await eventsOf(h.store, h.runId, { type: 'contact.completed' });
  const perContact = new Map<string, number>();
  for (const e of completed) perContact.set(e.contactId!, (perContact.get(e.contactId!) ?? 0) + 1);
  const cursors = await h.store.db.selectFrom('cursors').select(['contact_id', 'status']).where('run_id', '=', h.runId).execute();
  expect([...perContact.values()].every((n) => n === 1)).toBe(true);
  expect(new Set(perContact.keys())).toEqual(new Set(cursors.map((c) => c.contact_id)));
  expect(cursors.every((c) => c.status === 'done')).toBe(true);
  const counters = await runMetrics(h.store.db, h.runId);
  expect(counters).toEqual(await metricsFromEvents(h.store.db, h.runId));
  expect(counters.active).toBe(0);
  expect(Object.values(counters.outcomes).reduce((a, b) => a + b, 0)).toBe(counters.audience);
  for (const step of Object.values(counters.steps)) expect(step.waiting).toBe(0);
}

/** Ticks without moving the clock until nothing more is due now: sends answered, contacts at their next hold. */
async function settle(h: Harness): Promise<void> {
  for (let i = 0; i < 20; i++) if ((await h.interpreter.tick()) === 0) return;
  throw new Error('the run did not settle');
}

async function cursorsOf(store: Store, runId: string) {
  return store.db.selectFrom('cursors').selectAll().where('run_id', '=', runId).orderBy('contact_id').execute();
}

async function runStatus(store: Store, runId: string): Promise<string> {
  return (await store.db.selectFrom('runs').select('status').where('id', '=', runId).executeTakeFirstOrThrow()).status;
}

async function addInbox(store: Store, runId: string, contact: string, type: EventType, at: number, data: Record<string, unknown>): Promise<void> {
  await store.db
    .insertInto('inbox')
    .values({ run_id: runId, contact_id: contact, type, due_at: at, data: JSON.stringify(data) })
    .execute();
}

/** A provider for one test of the retry logic: answers from a script per phone number and logs each call. */
class ScriptedProvider implements ChannelProvider {
  readonly calls: { key: string; to: string; now: number }[] = [];
  constructor(private readonly answer: (to: string, attempt: number) => SendResult) {}
  async send(request: SendRequest): Promise<SendResult> {
    const to = request.payload.channel === 'webhook' ? request.payload.url : request.payload.to;
    this.calls.push({ key: request.key, to, now: request.now });
    const attempt = this.calls.filter((c) => c.key === request.key).length;
    return this.answer(to, attempt);
  }
}

const accepted = (id: string): SendResult => ({ status: 'accepted', providerId: id, followUps: [] });

describe.each(testDialects)('interpreter on %s', (dialect) => {
  let store: Store;
  beforeEach(async () => {
    store = await freshStore(dialect);
  });
  afterEach(async () => {
    await store.close();
  });

  describe('(a) a gate, SMS, wait, email and branch journey', () => {
    const doc = () =>
      journey('a-linear', {
        start: start('gate'),
        gate: { type: 'compliance-gate', config: { channel: 'sms' }, next: { allowed: 'text', blocked: 'blocked' } },
        text: { type: 'sms', config: { body: 'Hi {{ contact.firstName }}, you owe {{ attributes.balance }}.' }, next: { sent: 'pause', failed: 'failed' } },
        pause: { type: 'wait', config: { duration: 'P1D' }, next: { out: 'mail-gate' } },
        'mail-gate': gate('email', 'mail', 'failed'),
        mail: {
          type: 'email',
          config: { subject: 'Your balance', text: 'Hello {{ contact.firstName }}', trackOpens: false, trackLinks: false },
          next: { sent: 'route', failed: 'failed' },
        },
        route: {
          type: 'branch',
          config: { rules: [{ port: 'high', conditions: [{ field: 'attributes.balance', op: 'greater-than', value: 1000 }] }] },
          next: { high: 'done-high', else: 'done' },
        },
        done: end('completed'),
        'done-high': end('high-balance'),
        blocked: end('blocked'),
        failed: end('failed'),
      });
    const people: Row[] = [
      { external_id: 'A', first_name: 'Ann', phone: '+12025550101', email: 'ann@example.com', consent_sms: 'yes', balance: '1500' },
      { external_id: 'B', first_name: 'Bob', phone: '+12025550102', email: 'bob@example.com', consent_sms: 'yes', balance: '200' },
      { external_id: 'C', first_name: 'Cy', phone: '+12025550103', email: 'cy@example.com', consent_sms: 'no', balance: '300' },
      { external_id: 'D', first_name: 'Di', phone: '+12025550104', email: '', consent_sms: 'yes', balance: '400' },
      // 07:00 in Los Angeles at t0: held by the gate until texting hours open at 08:00 there.
      {
        external_id: 'E',
        first_name: 'Ed',
        phone: '+12025550105',
        email: 'ed@example.com',
        consent_sms: 'yes',
        balance: '500',
        timezone: 'America/Los_Angeles',
      },
    ];

    it('completes; every contact ends exactly once with the right outcome; counters equal the events', async () => {
      const h = await setup(store, doc(), people);
      const result = await h.drive();
      expect(result.completed).toBe(true);
      expect(await runStatus(store, h.runId)).toBe('completed');
      expect(await eventsOf(store, h.runId, { type: 'run.completed' })).toHaveLength(1);
      await expectFinishedConsistently(h);

      const outcomes = await outcomesByContact(store, h.runId);
      expect(outcomes).toEqual({
        [h.ids.A!]: 'high-balance',
        [h.ids.B!]: 'completed',
        [h.ids.C!]: 'blocked',
        [h.ids.D!]: 'failed',
        [h.ids.E!]: 'completed',
      });
      const metrics = await runMetrics(store.db, h.runId);
      expect(metrics.audience).toBe(5);
      expect(metrics.steps.gate).toMatchObject({ entered: 5, ports: { allowed: 4, blocked: 1 } });
      expect(metrics.steps.text).toMatchObject({ entered: 4, ports: { sent: 4 } });
      expect(metrics.steps.mail).toMatchObject({ entered: 4, ports: { sent: 3, failed: 1 } });
      expect(metrics.steps.route).toMatchObject({ entered: 3, ports: { high: 1, else: 2 } });

      // C has not consented to texts; D has no email address.
      const blocked = await eventsOf(store, h.runId, { type: 'compliance.blocked', contactId: h.ids.C! });
      expect(blocked).toHaveLength(1);
      expect(blocked[0]!.data.rule).toBe('US.consent.sms');
      const bounced = await eventsOf(store, h.runId, { type: 'email.bounced', contactId: h.ids.D! });
      expect(bounced.map((e) => e.data.reason)).toEqual(['The contact has no email address']);

      // E is held until 08:00 in Los Angeles, then texted, then waits a day.
      const deferred = await eventsOf(store, h.runId, { type: 'compliance.deferred', contactId: h.ids.E! });
      expect(deferred).toHaveLength(1);
      expect(deferred[0]!.data.nextAllowedAt).toBe('2026-01-05T16:00:00.000Z');
      const eSent = await eventsOf(store, h.runId, { type: 'sms.sent', contactId: h.ids.E! });
      expect(eSent).toHaveLength(1);
      expect(eSent[0]!.time).toBeGreaterThanOrEqual(Date.parse('2026-01-05T16:00:00Z'));

      // The wait holds each contact one day (to the clock's resolution) between the SMS answer and the email.
      for (const key of ['A', 'B', 'E']) {
        const id = h.ids[key]!;
        const waitIn = (await eventsOf(store, h.runId, { type: 'node.entered', contactId: id, nodeId: 'pause' }))[0]!;
        const waitOut = (await eventsOf(store, h.runId, { type: 'node.exited', contactId: id, nodeId: 'pause' }))[0]!;
        expect(waitOut.port).toBe('out');
        expect(waitOut.time - waitIn.time).toBeGreaterThanOrEqual(day);
        expect(waitOut.time - waitIn.time).toBeLessThanOrEqual(day + resolutionMs);
      }

      // One SMS and one email per contact that got that far, each under its own idempotency key.
      const outbox = await store.db.selectFrom('outbox').select(['idempotency_key', 'channel', 'status']).where('run_id', '=', h.runId).execute();
      expect(outbox.filter((o) => o.channel === 'sms')).toHaveLength(4);
      expect(outbox.filter((o) => o.channel === 'email')).toHaveLength(3);
      expect(outbox.every((o) => o.status === 'sent')).toBe(true);
      expect(new Set(outbox.map((o) => o.idempotency_key)).size).toBe(outbox.length);
    });

    it('with the default simulated behaviour (failures, replies, clicks) every contact still ends once and counters equal events', async () => {
      const crowd: Row[] = Array.from({ length: 40 }, (_, i) => ({
        external_id: `P${i}`,
        first_name: `Person${i}`,
        phone: `+1202555${String(100 + i).padStart(4, '0')}`,
        email: i % 7 === 0 ? '' : `p${i}@example.com`,
        consent_sms: i % 5 === 0 ? 'no' : 'yes',
        balance: String(i * 100),
      }));
      const h = await setup(store, doc(), crowd, {
        seed: 3,
        providers: (s) => ({ sms: new SimulatedSms(s.db, 3), email: new SimulatedEmail(s.db, 3) }),
      });
      const result = await h.drive();
      expect(result.completed).toBe(true);
      await expectFinishedConsistently(h);
      expect((await runMetrics(store.db, h.runId)).audience).toBe(40);
    });
  });

  describe('(a) waits and deleted contacts', () => {
    const doc = () =>
      journey('a-wait-day', {
        start: start('pause'),
        pause: { type: 'wait', config: { duration: 'P1D' }, next: { out: 'done' } },
        done: end('completed'),
      });

    it('a one-day wait ends at the same moment whatever the time zone of the machine running it', async () => {
      const saved = process.env.TZ;
      const dueAt: Record<string, number> = {};
      try {
        for (const tz of ['UTC', 'America/New_York']) {
          process.env.TZ = tz;
          // Saturday 7 March 2026, 10:00 in New York; clocks there go forward in the night to Sunday.
          const h = await setup(store, doc(), [{ external_id: `W-${tz}`, phone: '+12025550177' }], {
            runId: `tz-${tz.replace('/', '-').toLowerCase()}`,
            clock: new VirtualClock(Date.parse('2026-03-07T15:00:00Z')),
            listId: `tz-${tz === 'UTC' ? 'utc' : 'ny'}`,
          });
          await settle(h);
          const cursor = (await cursorsOf(store, h.runId))[0]!;
          expect([cursor.node_id, cursor.status]).toEqual(['pause', 'waiting']);
          dueAt[tz] = Number(cursor.due_at);
        }
      } finally {
        if (saved === undefined) delete process.env.TZ;
        else process.env.TZ = saved;
      }
      expect(new Date(dueAt['America/New_York']!).toISOString()).toBe(new Date(dueAt.UTC!).toISOString());
    });

    it('a contact deleted from its list while it waits is released when the wait ends; counters still equal the events', async () => {
      const h = await setup(store, doc(), [
        { external_id: 'A', phone: '+12025550178' },
        { external_id: 'B', phone: '+12025550179' },
      ]);
      await settle(h);
      await store.db.deleteFrom('contacts').where('id', '=', h.ids.B!).execute();
      expect((await h.drive()).completed).toBe(true);
      const released = await eventsOf(store, h.runId, { type: 'contact.released' });
      expect(released.map((e) => [e.contactId, e.nodeId])).toEqual([[h.ids.B!, 'pause']]);
      expect(await outcomesByContact(store, h.runId)).toEqual({ [h.ids.A!]: 'completed' });
      const metrics = await runMetrics(store.db, h.runId);
      expect(metrics).toEqual(await metricsFromEvents(store.db, h.runId));
      expect(metrics.active).toBe(0);
      expect(metrics.steps.pause!.waiting).toBe(0);
    });
  });

  describe('(b) wait-for-event', () => {
    const doc = () =>
      journey('b-click', {
        start: start('text-gate'),
        'text-gate': gate('sms', 'text', 'failed'),
        text: {
          type: 'sms',
          config: { body: 'Offer {{ links.offer }} or {{ links.other }}', links: { offer: 'https://example.com/offer', other: 'https://example.com/other' } },
          next: { sent: 'wait', failed: 'failed' },
        },
        wait: { type: 'wait-for-event', config: { event: 'link.clicked', link: 'offer', timeout: 'PT2H' }, next: { event: 'clicked', timeout: 'timed-out' } },
        clicked: end('clicked'),
        'timed-out': end('timed-out'),
        failed: end('failed'),
      });
    const people: Row[] = ['A', 'B', 'C'].map((k, i) => ({ external_id: k, phone: `+120255501${10 + i}` }));

    it('a click on the awaited link moves the contact out by "event"; others time out; a click on another link does not count', async () => {
      const h = await setup(store, doc(), people);
      await settle(h);
      const waiting = await cursorsOf(store, h.runId);
      expect(waiting.map((c) => [c.node_id, c.status, Number(c.due_at)])).toEqual(waiting.map(() => ['wait', 'waiting', t0 + 2 * hour]));
      expect(JSON.parse(waiting[0]!.wait_event!)).toEqual({ type: 'link.clicked', link: 'offer' });

      await addInbox(store, h.runId, h.ids.A!, 'link.clicked', t0 + 10 * minute, { nodeId: 'text', link: 'offer' });
      await addInbox(store, h.runId, h.ids.B!, 'link.clicked', t0 + 10 * minute, { nodeId: 'text', link: 'other' });
      expect((await h.drive()).completed).toBe(true);
      await expectFinishedConsistently(h);

      expect(await outcomesByContact(store, h.runId)).toEqual({ [h.ids.A!]: 'clicked', [h.ids.B!]: 'timed-out', [h.ids.C!]: 'timed-out' });
      const exits = await eventsOf(store, h.runId, { type: 'node.exited', nodeId: 'wait' });
      const exitOf = (id: string) => exits.find((e) => e.contactId === id)!;
      expect(exitOf(h.ids.A!)).toMatchObject({ port: 'event', time: t0 + 10 * minute });
      for (const key of ['B', 'C']) {
        expect(exitOf(h.ids[key]!).port).toBe('timeout');
        expect(exitOf(h.ids[key]!).time).toBeGreaterThanOrEqual(t0 + 2 * hour);
      }
      // B's click is recorded as a click, it just is not the awaited one.
      const clicks = await eventsOf(store, h.runId, { type: 'link.clicked' });
      expect(clicks.map((c) => [c.contactId, c.data.link])).toEqual(
        expect.arrayContaining([
          [h.ids.A!, 'offer'],
          [h.ids.B!, 'other'],
        ]),
      );
      expect((await runMetrics(store.db, h.runId)).steps.wait!.ports).toEqual({ event: 1, timeout: 2 });
    });

    it('a click on the awaited link made after the timeout has passed does not move the contact out by "event"', async () => {
      const h = await setup(store, doc(), people);
      await settle(h);
      // Half a second after A's wait ran out: A has already timed out, whenever the interpreter gets to look.
      await addInbox(store, h.runId, h.ids.A!, 'link.clicked', t0 + 2 * hour + 500, { nodeId: 'text', link: 'offer' });
      expect((await h.drive()).completed).toBe(true);
      await expectFinishedConsistently(h);
      const exit = (await eventsOf(store, h.runId, { type: 'node.exited', nodeId: 'wait', contactId: h.ids.A! }))[0]!;
      expect(exit.port).toBe('timeout');
      expect((await outcomesByContact(store, h.runId))[h.ids.A!]).toBe('timed-out');
    });
  });

  describe('(c) branch', () => {
    it('on contact fields and imported attributes: first matching rule wins, all/any, booleans and missing values', async () => {
      const doc = journey('c-attributes', {
        start: start('route'),
        route: {
          type: 'branch',
          config: {
            rules: [
              {
                port: 'gold',
                match: 'all',
                conditions: [
                  { field: 'attributes.tier', op: 'equals', value: 'gold' },
                  { field: 'attributes.balance', op: 'greater-than', value: 100 },
                ],
              },
              {
                port: 'west',
                match: 'any',
                conditions: [
                  { field: 'contact.state', op: 'in', value: ['CA', 'WA'] },
                  { field: 'contact.timezone', op: 'equals', value: 'America/Los_Angeles' },
                ],
              },
              { port: 'vip', conditions: [{ field: 'attributes.vip', op: 'equals', value: true }] },
              { port: 'no-nickname', conditions: [{ field: 'attributes.nickname', op: 'not-exists' }] },
            ],
          },
          next: { gold: 'gold', west: 'west', vip: 'vip', 'no-nickname': 'no-nickname', else: 'other' },
        },
        gold: end('gold'),
        west: end('west'),
        vip: end('vip'),
        'no-nickname': end('no-nickname'),
        other: end('other'),
      });
      const people: Row[] = [
        { external_id: 'A', phone: '+12025550121', tier: 'Gold', balance: '500', state: 'CA', vip: 'no', nickname: 'Al' },
        { external_id: 'B', phone: '+12025550122', tier: 'gold', balance: '50', state: 'WA', vip: 'no', nickname: 'Bo' },
        { external_id: 'C', phone: '+12025550123', tier: 'silver', balance: '900', state: 'NY', timezone: 'America/Los_Angeles', vip: 'no', nickname: 'Cy' },
        { external_id: 'D', phone: '+12025550124', tier: 'silver', balance: '900', state: 'NY', vip: 'yes', nickname: 'Di' },
        { external_id: 'E', phone: '+12025550125', tier: 'silver', balance: '900', state: 'NY', vip: 'no', nickname: 'Ed' },
        { external_id: 'F', phone: '+12025550126', tier: 'silver', balance: '900', state: 'NY', vip: 'no', nickname: '' },
      ];
      const h = await setup(store, doc, people);
      expect((await h.drive()).completed).toBe(true);
      await expectFinishedConsistently(h);
      expect(await outcomesByContact(store, h.runId)).toEqual({
        [h.ids.A!]: 'gold',
        [h.ids.B!]: 'west',
        [h.ids.C!]: 'west',
        [h.ids.D!]: 'vip',
        [h.ids.E!]: 'other',
        [h.ids.F!]: 'no-nickname',
      });
    });

    it('on lastCall.disposition and results.<step>.<key> written by earlier steps', async () => {
      const machineDispositions = ['answering-machine', 'machine-hangup', 'message-left', 'message-clipped'];
      const doc = journey('c-results', {
        start: start('hook'),
        hook: {
          type: 'webhook',
          config: { url: 'https://crm.example.com/lookup/{{ contact.id }}', method: 'GET', timeoutMs: 1000 },
          next: { ok: 'call-gate', error: 'hook-failed' },
        },
        'call-gate': gate('voice', 'call', 'after'),
        call: {
          type: 'dialer',
          config: { mode: 'progressive', queue: 'agents', callerId: '+12025550199' },
          next: { connected: 'after', machine: 'after', 'no-answer': 'after', abandoned: 'after', failed: 'after' },
        },
        after: {
          type: 'branch',
          config: {
            rules: [
              {
                port: 'talked',
                conditions: [
                  { field: 'lastCall.port', op: 'equals', value: 'connected' },
                  { field: 'results.hook.status', op: 'equals', value: 200 },
                ],
              },
              { port: 'machine', conditions: [{ field: 'lastCall.disposition', op: 'in', value: machineDispositions }] },
              { port: 'unreached', conditions: [{ field: 'results.call.disposition', op: 'in', value: ['no-answer', 'busy'] }] },
            ],
          },
          next: { talked: 'talked', machine: 'machine', unreached: 'unreached', else: 'other' },
        },
        talked: end('talked'),
        machine: end('machine'),
        unreached: end('unreached'),
        other: end('other'),
        'hook-failed': end('hook-failed'),
      });
      const people: Row[] = Array.from({ length: 30 }, (_, i) => ({ external_id: `P${i}`, phone: `+1202555${String(130 + i).padStart(4, '0')}` }));
      const h = await setup(store, doc, people, { seed: 5 });
      expect((await h.drive()).completed).toBe(true);
      await expectFinishedConsistently(h);

      const ended = await eventsOf(store, h.runId, { type: 'call.ended' });
      expect(ended).toHaveLength(30);
      const outcomes = await outcomesByContact(store, h.runId);
      for (const e of ended) {
        const disposition = String(e.data.disposition);
        const expected =
          e.data.port === 'connected'
            ? 'talked'
            : machineDispositions.includes(disposition)
              ? 'machine'
              : ['no-answer', 'busy'].includes(disposition)
                ? 'unreached'
                : 'other';
        expect([e.contactId, outcomes[e.contactId!]]).toEqual([e.contactId, expected]);
      }
      // The seed gives a mix of call outcomes, so more than one rule is exercised.
      expect(new Set(Object.values(outcomes)).size).toBeGreaterThanOrEqual(3);
      const cursor = (await cursorsOf(store, h.runId))[0]!;
      const results = JSON.parse(cursor.results) as { steps: Record<string, Record<string, unknown>>; lastCall: Record<string, unknown> };
      expect(results.steps.hook).toEqual({ status: 200, port: 'ok' });
      expect(results.lastCall.disposition).toBe(results.steps.call!.disposition);
    });
  });

  describe('(d) split', () => {
    it('is deterministic per contact and seed, and close to its percentages over 2,000 contacts', async () => {
      const doc = journey('d-split', {
        start: start('ab'),
        ab: {
          type: 'split',
          config: {
            branches: [
              { port: 'a', percent: 20 },
              { port: 'b', percent: 30 },
              { port: 'c', percent: 50 },
            ],
          },
          next: { a: 'end-a', b: 'end-b', c: 'end-c' },
        },
        'end-a': end('a'),
        'end-b': end('b'),
        'end-c': end('c'),
      });
      const people: Row[] = Array.from({ length: 2000 }, (_, i) => ({ external_id: `S${i}`, email: `s${i}@example.com` }));
      const first = await setup(store, doc, people, { seed: 7, runId: 'split-7-a' });
      expect((await first.drive()).completed).toBe(true);
      const again = await setup(store, doc, people, { seed: 7, runId: 'split-7-b', skipImport: true });
      expect((await again.drive()).completed).toBe(true);
      const other = await setup(store, doc, people, { seed: 8, runId: 'split-8', skipImport: true });
      expect((await other.drive()).completed).toBe(true);
      for (const h of [first, again, other]) await expectFinishedConsistently(h);

      const a = await outcomesByContact(store, first.runId);
      const b = await outcomesByContact(store, again.runId);
      const c = await outcomesByContact(store, other.runId);
      expect(Object.keys(a)).toHaveLength(2000);
      expect(b).toEqual(a);
      const differing = Object.keys(a).filter((id) => a[id] !== c[id]).length;
      expect(differing).toBeGreaterThan(0);

      const counts = (await runMetrics(store.db, first.runId)).steps.ab!.ports;
      expect(counts.a! + counts.b! + counts.c!).toBe(2000);
      // Three standard deviations of a binomial on 2,000 draws is under 3.4 points for every share here.
      expect(Math.abs(counts.a! / 2000 - 0.2)).toBeLessThan(0.035);
      expect(Math.abs(counts.b! / 2000 - 0.3)).toBeLessThan(0.035);
      expect(Math.abs(counts.c! / 2000 - 0.5)).toBeLessThan(0.035);
    });
  });

  describe('(e) pause, resume and stop', () => {
    const doc = () =>
      journey('e-control', {
        start: start('text-gate'),
        'text-gate': gate('sms', 'text', 'failed'),
        text: { type: 'sms', config: { body: 'Hello' }, next: { sent: 'pause', failed: 'failed' } },
        pause: { type: 'wait', config: { duration: 'PT1H' }, next: { out: 'mail-gate' } },
        'mail-gate': gate('email', 'mail', 'failed'),
        mail: { type: 'email', config: { subject: 'Hi', text: 'Hello', trackOpens: false, trackLinks: false }, next: { sent: 'done', failed: 'failed' } },
        done: end('completed'),
        failed: end('failed'),
      });
    const people: Row[] = ['A', 'B', 'C'].map((k, i) => ({ external_id: k, phone: `+120255501${60 + i}`, email: `${k.toLowerCase()}@example.com` }));

    it('a paused run makes no progress; resuming continues it to the end', async () => {
      const h = await setup(store, doc(), people);
      await settle(h);
      const before = await cursorsOf(store, h.runId);
      expect(before.every((c) => c.node_id === 'pause' && c.status === 'waiting')).toBe(true);
      const eventsBefore = (await eventsOf(store, h.runId)).length;

      await pauseRun(store, h.runId, h.clock.now());
      expect(await runStatus(store, h.runId)).toBe('paused');
      h.clock.advanceTo(t0 + 3 * hour);
      expect(await h.interpreter.tick()).toBe(0);
      expect(await h.interpreter.tick()).toBe(0);
      expect(await cursorsOf(store, h.runId)).toEqual(before);
      // Only the run.paused event was added.
      expect((await eventsOf(store, h.runId)).slice(eventsBefore).map((e) => e.type)).toEqual(['run.paused']);
      expect(await h.interpreter.nextDueAt()).toBeUndefined();
      expect(await runMetrics(store.db, h.runId)).toEqual(await metricsFromEvents(store.db, h.runId));

      await resumeRun(store, h.runId, h.clock.now());
      expect(await runStatus(store, h.runId)).toBe('running');
      expect((await h.drive()).completed).toBe(true);
      await expectFinishedConsistently(h);
      expect(Object.values(await outcomesByContact(store, h.runId))).toEqual(['completed', 'completed', 'completed']);
      // The emails went out after the resume, not during the pause.
      const mails = await eventsOf(store, h.runId, { type: 'email.sent' });
      expect(mails.every((e) => e.time >= t0 + 3 * hour)).toBe(true);
    });

    it('a paused run does not deliver its pending messages or move the contacts waiting for them', async () => {
      // The first attempt of every SMS meets a passing error, so the messages stay pending for a retry in 30 s.
      const sms = new ScriptedProvider((_to, attempt) => (attempt === 1 ? { status: 'transient-error', reason: 'gateway busy' } : accepted('ok')));
      const h = await setup(store, doc(), people, { providers: () => ({ sms }) });
      await h.interpreter.tick();
      const before = await cursorsOf(store, h.runId);
      expect(before.every((c) => c.node_id === 'text' && c.status === 'in-flight')).toBe(true);
      expect(sms.calls).toHaveLength(3);

      await pauseRun(store, h.runId, h.clock.now());
      h.clock.advanceTo(t0 + 10 * minute);
      await h.interpreter.tick();
      expect(sms.calls).toHaveLength(3);
      expect(await cursorsOf(store, h.runId)).toEqual(before);
      const pending = await store.db.selectFrom('outbox').select(['status', 'attempts']).where('run_id', '=', h.runId).execute();
      expect(pending.every((o) => o.status === 'pending' && o.attempts === 1)).toBe(true);
    });

    it('stop releases every unfinished contact with the reason, fails pending messages and ends the run as stopped', async () => {
      const doc = journey('e-stop', {
        start: start('text-gate'),
        'text-gate': gate('sms', 'text', 'no-phone'),
        text: { type: 'sms', config: { body: 'Hello' }, next: { sent: 'wait', failed: 'no-phone' } },
        wait: { type: 'wait-for-event', config: { event: 'sms.replied', timeout: 'P1D' }, next: { event: 'replied', timeout: 'silent' } },
        replied: end('replied'),
        silent: end('silent'),
        'no-phone': end('no-phone'),
      });
      const rows: Row[] = [
        { external_id: 'A', phone: '+12025550171' }, // its SMS keeps meeting passing errors: pending at the stop
        { external_id: 'B', phone: '+12025550172' }, // texted, waiting for a reply at the stop
        { external_id: 'C', email: 'c@example.com' }, // no phone: finished before the stop
      ];
      const sms = new ScriptedProvider((to) => (to === '+12025550171' ? { status: 'transient-error', reason: 'gateway busy' } : accepted('ok')));
      const h = await setup(store, doc, rows, { providers: () => ({ sms }) });
      await settle(h);
      // A reply that would arrive after the stop must not be processed.
      await addInbox(store, h.runId, h.ids.B!, 'sms.replied', t0 + hour, { nodeId: 'text', text: 'Yes' });
      const callsBefore = sms.calls.length;

      h.clock.advanceTo(t0 + 5 * minute);
      const reason = 'Campaign withdrawn by the manager';
      await stopRun(store, h.runId, h.clock.now(), reason);
      expect(await runStatus(store, h.runId)).toBe('stopped');
      const run = await store.db.selectFrom('runs').selectAll().where('id', '=', h.runId).executeTakeFirstOrThrow();
      expect(run.stop_reason).toBe(reason);
      expect(Number(run.ended_at)).toBe(t0 + 5 * minute);

      const released = await eventsOf(store, h.runId, { type: 'contact.released' });
      expect(released.map((e) => e.contactId).sort()).toEqual([h.ids.A!, h.ids.B!].sort());
      for (const e of released) expect(e.data).toEqual({ reason });
      expect(released.find((e) => e.contactId === h.ids.A!)!.nodeId).toBe('text');
      expect(released.find((e) => e.contactId === h.ids.B!)!.nodeId).toBe('wait');
      expect(await eventsOf(store, h.runId, { type: 'contact.completed' })).toHaveLength(1);
      expect(await eventsOf(store, h.runId, { type: 'run.stopped' })).toHaveLength(1);

      const outbox = await store.db.selectFrom('outbox').select(['contact_id', 'status', 'error']).where('run_id', '=', h.runId).execute();
      const aRow = outbox.find((o) => o.contact_id === h.ids.A!)!;
      expect(aRow.status).toBe('failed');
      expect(aRow.error).toContain(reason);
      expect(outbox.find((o) => o.contact_id === h.ids.B!)!.status).toBe('sent');
      expect((await cursorsOf(store, h.runId)).every((c) => c.status === 'done' && c.due_at === null)).toBe(true);

      // A stopped run sends nothing more and moves nobody, however far the clock moves; late reactions to what it
      // already sent are still recorded (an opt-out must be obeyed).
      expect((await h.drive()).completed).toBe(true);
      h.clock.advanceTo(t0 + 2 * day);
      await h.interpreter.tick();
      expect(sms.calls.length).toBe(callsBefore);
      expect(await runStatus(store, h.runId)).toBe('stopped');
      expect((await cursorsOf(store, h.runId)).every((c) => c.status === 'done' && c.due_at === null)).toBe(true);

      const metrics = await runMetrics(store.db, h.runId);
      expect(metrics).toEqual(await metricsFromEvents(store.db, h.runId));
      expect(metrics.active).toBe(0);
      for (const step of Object.values(metrics.steps)) expect(step.waiting).toBe(0);
    });
  });

  describe('(e) counters after a stop', () => {
    it('a scheduled run stopped before it started releases its contacts and keeps the counters equal to the events', async () => {
      const doc = journey('e-stop-scheduled', { start: start('done'), done: end('completed') });
      await ensureContactList(store.db, 'people', 'people', t0);
      await importContactsCsv(store.db, Readable.from([csv([{ external_id: 'A', phone: '+12025550175' }])]), { listId: 'people', now: t0 });
      const published = await publishJourney(store.db, doc, { author: 'test', message: 'test', now: t0 });
      const run = await startRun(store, { journeyId: published.journeyId, version: published.version, listId: 'people', now: t0, startAt: t0 + day, seed: 1 });
      expect(run.status).toBe('scheduled');
      await stopRun(store, run.id, t0 + hour, 'cancelled before the start');
      const released = await eventsOf(store, run.id, { type: 'contact.released' });
      expect(released.map((e) => [e.nodeId, e.data])).toEqual([['start', { reason: 'cancelled before the start' }]]);
      expect(await runMetrics(store.db, run.id)).toEqual(await metricsFromEvents(store.db, run.id));
    });
  });

  describe('(f) provider errors', () => {
    const doc = () =>
      journey('f-errors', {
        start: start('text-gate'),
        'text-gate': gate('sms', 'text', 'failed'),
        text: { type: 'sms', config: { body: 'Hello' }, next: { sent: 'sent', failed: 'failed' } },
        sent: end('sent'),
        failed: end('failed'),
      });

    it('retries passing errors with growing backoff and then succeeds, moving the contact once', async () => {
      const sms = new ScriptedProvider((_to, attempt) => (attempt <= 2 ? { status: 'transient-error', reason: 'gateway busy' } : accepted('sms-1')));
      const h = await setup(store, doc(), [{ external_id: 'A', phone: '+12025550181' }], { providers: () => ({ sms }) });
      expect((await h.drive()).completed).toBe(true);
      await expectFinishedConsistently(h);

      expect(sms.calls).toHaveLength(3);
      expect(new Set(sms.calls.map((c) => c.key)).size).toBe(1);
      const gaps = [sms.calls[1]!.now - sms.calls[0]!.now, sms.calls[2]!.now - sms.calls[1]!.now];
      expect(gaps[0]).toBeGreaterThanOrEqual(30_000);
      expect(gaps[1]).toBeGreaterThanOrEqual(60_000);
      expect(gaps[1]!).toBeGreaterThan(gaps[0]!);

      const row = await store.db.selectFrom('outbox').selectAll().where('run_id', '=', h.runId).executeTakeFirstOrThrow();
      expect(row).toMatchObject({ status: 'sent', attempts: 3, error: null });
      const sent = await eventsOf(store, h.runId, { type: 'sms.sent' });
      expect(sent).toHaveLength(1);
      expect(sent[0]!.data).toMatchObject({ providerId: 'sms-1', attempts: 3 });
      const exits = await eventsOf(store, h.runId, { type: 'node.exited', nodeId: 'text' });
      expect(exits.map((e) => e.port)).toEqual(['sent']);
      expect(await outcomesByContact(store, h.runId)).toEqual({ [h.ids.A!]: 'sent' });
    });

    it('a permanent error takes the failed port with the reason in sms.failed', async () => {
      const reason = 'The number is not a mobile phone';
      const sms = new ScriptedProvider(() => ({ status: 'permanent-error', reason }));
      const h = await setup(store, doc(), [{ external_id: 'A', phone: '+12025550182' }], { providers: () => ({ sms }) });
      expect((await h.drive()).completed).toBe(true);
      await expectFinishedConsistently(h);
      expect(sms.calls).toHaveLength(1);
      const failed = await eventsOf(store, h.runId, { type: 'sms.failed' });
      expect(failed).toHaveLength(1);
      expect(failed[0]!.data).toEqual({ reason, attempts: 1 });
      const exits = await eventsOf(store, h.runId, { type: 'node.exited', nodeId: 'text' });
      expect(exits).toHaveLength(1);
      expect(exits[0]!.port).toBe('failed');
      expect(exits[0]!.data.error).toBe(reason);
      expect(await store.db.selectFrom('outbox').select(['status', 'error']).where('run_id', '=', h.runId).executeTakeFirstOrThrow()).toEqual({
        status: 'failed',
        error: reason,
      });
      expect(await outcomesByContact(store, h.runId)).toEqual({ [h.ids.A!]: 'failed' });
    });

    it('a send answered with passing errors maxAttempts times ends as failed, "gave up after" maxAttempts attempts', async () => {
      const sms = new ScriptedProvider(() => ({ status: 'transient-error', reason: 'gateway busy' }));
      const h = await setup(store, doc(), [{ external_id: 'A', phone: '+12025550183' }], { providers: () => ({ sms }), maxAttempts: 3 });
      expect((await h.drive()).completed).toBe(true);
      await expectFinishedConsistently(h);
      expect(sms.calls).toHaveLength(3);
      const failed = await eventsOf(store, h.runId, { type: 'sms.failed' });
      expect(failed).toHaveLength(1);
      expect(failed[0]!.data.reason).toBe('gateway busy (gave up after 3 attempts)');
      expect(failed[0]!.data.attempts).toBe(3);
      const exit = (await eventsOf(store, h.runId, { type: 'node.exited', nodeId: 'text' }))[0]!;
      expect(exit.port).toBe('failed');
      expect(String(exit.data.error)).toContain('gave up after 3 attempts');
      expect(await store.db.selectFrom('outbox').select(['status', 'attempts']).where('run_id', '=', h.runId).executeTakeFirstOrThrow()).toEqual({
        status: 'failed',
        attempts: 3,
      });
    });
  });

  describe('(f) a provider that throws', () => {
    it('one send that throws does not stop the rest of the batch from being recorded, nor make it send twice', async () => {
      const doc = journey('f-throws', {
        start: start('text-gate'),
        'text-gate': gate('sms', 'text', 'failed'),
        text: { type: 'sms', config: { body: 'Hello' }, next: { sent: 'sent', failed: 'failed' } },
        sent: end('sent'),
        failed: end('failed'),
      });
      const sms = new ScriptedProvider((to) => {
        if (to === '+12025550186') throw new Error('socket hang up');
        return accepted('ok');
      });
      const h = await setup(
        store,
        doc,
        [
          { external_id: 'A', phone: '+12025550186' },
          { external_id: 'B', phone: '+12025550187' },
        ],
        { providers: () => ({ sms }), maxAttempts: 2 },
      );
      await settle(h);
      expect((await h.drive()).completed).toBe(true);
      await expectFinishedConsistently(h);
      expect(sms.calls.filter((c) => c.to === '+12025550187')).toHaveLength(1);
      expect(await outcomesByContact(store, h.runId)).toEqual({ [h.ids.A!]: 'failed', [h.ids.B!]: 'sent' });
    });
  });

  describe('(g) exactly-once sends', () => {
    it('a crash between a send and its record repeats the send under the same key: one simulated send, one move per contact', async () => {
      const doc = journey('g-once', {
        start: start('text-gate'),
        'text-gate': gate('sms', 'text', 'failed'),
        text: { type: 'sms', config: { body: 'Hello {{ contact.firstName }}' }, next: { sent: 'sent', failed: 'failed' } },
        sent: end('sent'),
        failed: end('failed'),
      });
      const rows: Row[] = ['A', 'B', 'C'].map((k, i) => ({ external_id: k, first_name: k, phone: `+120255501${90 + i}` }));
      // The first process sends through the simulated provider, then dies before it records the answers.
      const inFlight: Promise<unknown>[] = [];
      const crashing: ChannelProvider = {
        send: async (request) => {
          const sent = new SimulatedSms(store.db, 1, quietSms).send(request);
          inFlight.push(sent);
          await sent;
          throw new Error('process killed');
        },
      };
      const h = await setup(store, doc, rows, { providers: () => ({ sms: crashing }) });
      // The failure is recorded as a passing error of each message; the sends themselves reached the provider.
      await h.interpreter.tick();
      await Promise.allSettled(inFlight);
      expect(inFlight).toHaveLength(3);
      expect(await store.db.selectFrom('simulated_sends').select('idempotency_key').execute()).toHaveLength(3);
      expect(await eventsOf(store, h.runId, { type: 'sms.sent' })).toEqual([]);

      // A new process over the same store: the messages are offered again once their retry is due.
      const sms = new SimulatedSms(store.db, 1, quietSms);
      const restarted = new Interpreter({
        store,
        clock: h.clock,
        providers: { sms, email: new SimulatedEmail(store.db, 1, quietEmail), webhook: new SimulatedWebhook(store.db), voice: noVoice },
      });
      expect((await restarted.runToCompletion(h.runId, { advance: (t) => h.clock.advanceTo(t), resolutionMs })).completed).toBe(true);
      await expectFinishedConsistently(h);

      const sends = await store.db.selectFrom('simulated_sends').selectAll().orderBy('idempotency_key').execute();
      expect(sends).toHaveLength(3);
      expect(sends.every((s) => s.attempts === 2)).toBe(true);
      const outbox = await store.db
        .selectFrom('outbox')
        .select(['idempotency_key', 'status'])
        .where('run_id', '=', h.runId)
        .orderBy('idempotency_key')
        .execute();
      expect(outbox.map((o) => o.idempotency_key)).toEqual(sends.map((s) => s.idempotency_key));
      expect(outbox.every((o) => o.status === 'sent')).toBe(true);
      for (const key of ['A', 'B', 'C']) {
        expect(await eventsOf(store, h.runId, { type: 'sms.sent', contactId: h.ids[key]! })).toHaveLength(1);
        expect((await eventsOf(store, h.runId, { type: 'node.exited', contactId: h.ids[key]!, nodeId: 'text' })).map((e) => e.port)).toEqual(['sent']);
      }

      // Offering the same key once more gives the first answer again and still no second send.
      const first = JSON.parse(sends[0]!.result) as SendResult;
      const again = await sms.send({
        key: sends[0]!.idempotency_key,
        runId: h.runId,
        contactId: h.ids.A!,
        nodeId: 'text',
        payload: { channel: 'sms', to: '+12025550190', body: 'x', links: {} },
        attempt: 3,
        now: h.clock.now(),
      });
      expect(again).toEqual(first);
      expect(await store.db.selectFrom('simulated_sends').select('idempotency_key').execute()).toHaveLength(3);
    });
  });

  describe('(h) webhook with the real HTTP provider', () => {
    let server: Server | undefined;
    afterEach(async () => {
      if (!server) return;
      server.closeAllConnections();
      await new Promise<void>((resolve) => server!.close(() => resolve()));
      server = undefined;
    });

    async function listen(
      handler: (req: IncomingMessage, body: string) => Promise<{ status: number; body: string }>,
    ): Promise<{ url: string; requests: { url: string; headers: IncomingMessage['headers']; body: string }[] }> {
      const requests: { url: string; headers: IncomingMessage['headers']; body: string }[] = [];
      server = createServer((req, res) => {
        let body = '';
        req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
        req.on('end', () => {
          requests.push({ url: req.url ?? '', headers: req.headers, body });
          void handler(req, body).then((reply) => {
            if (res.destroyed) return;
            res.writeHead(reply.status, { 'content-type': 'application/json' });
            res.end(reply.body);
          });
        });
      });
      await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
      return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests };
    }

    const hookJourney = (id: string, base: string, timeoutMs: number) =>
      journey(id, {
        start: start('hook'),
        hook: {
          type: 'webhook',
          config: { url: `${base}/score/{{ contact.externalId }}`, method: 'POST', body: '{"phone": {{ contact.phone | json }}}', timeoutMs, saveAs: 'crm' },
          next: { ok: 'route', error: 'hook-error' },
        },
        route: {
          type: 'branch',
          config: { rules: [{ port: 'gold', conditions: [{ field: 'attributes.crm.tier', op: 'equals', value: 'gold' }] }] },
          next: { gold: 'gold', else: 'other' },
        },
        gold: end('gold'),
        other: end('other'),
        'hook-error': end('hook-error'),
      });

    it('saves a 200 JSON reply with saveAs, readable by a later branch as attributes.<name>', async () => {
      const { url, requests } = await listen(async (req) => ({
        status: 200,
        body: JSON.stringify({ tier: req.url?.endsWith('/G') ? 'gold' : 'silver', score: 7 }),
      }));
      const rows: Row[] = [
        { external_id: 'G', phone: '+12025550141' },
        { external_id: 'S', phone: '+12025550142' },
      ];
      const h = await setup(store, hookJourney('h-ok', url, 2000), rows, { providers: () => ({ webhook: new HttpWebhook({ allow: ['127.0.0.1'] }) }) });
      expect((await h.drive()).completed).toBe(true);
      await expectFinishedConsistently(h);
      expect(await outcomesByContact(store, h.runId)).toEqual({ [h.ids.G!]: 'gold', [h.ids.S!]: 'other' });

      expect(requests.map((r) => r.url).sort()).toEqual(['/score/G', '/score/S']);
      const g = requests.find((r) => r.url === '/score/G')!;
      expect(JSON.parse(g.body)).toEqual({ phone: '+12025550141' });
      expect(g.headers['idempotency-key']).toBe(`${h.runId}:${h.ids.G}:hook:1`);

      const cursor = (await cursorsOf(store, h.runId)).find((c) => c.contact_id === h.ids.G)!;
      expect((JSON.parse(cursor.results) as { attributes: unknown }).attributes).toEqual({ crm: { tier: 'gold', score: 7 } });
      const exits = await eventsOf(store, h.runId, { type: 'node.exited', nodeId: 'hook' });
      expect(exits.map((e) => [e.port, e.data.status])).toEqual([
        ['ok', 200],
        ['ok', 200],
      ]);
    });

    it('a server slower than timeoutMs sends the contact out by "error" after maxAttempts tries', async () => {
      const { url, requests } = await listen(() => new Promise((resolve) => setTimeout(() => resolve({ status: 200, body: '{}' }), 1500)));
      const h = await setup(store, hookJourney('h-timeout', url, 200), [{ external_id: 'T', phone: '+12025550143' }], {
        providers: () => ({ webhook: new HttpWebhook({ allow: ['127.0.0.1'] }) }),
        maxAttempts: 2,
      });
      expect((await h.drive()).completed).toBe(true);
      await expectFinishedConsistently(h);
      expect(requests).toHaveLength(2);
      expect(await outcomesByContact(store, h.runId)).toEqual({ [h.ids.T!]: 'hook-error' });
      const exit = (await eventsOf(store, h.runId, { type: 'node.exited', nodeId: 'hook' }))[0]!;
      expect(exit.port).toBe('error');
      expect(exit.data.error).toBe(`${url}/score/T did not answer within 200 ms (gave up after 2 attempts)`);
      expect(await store.db.selectFrom('outbox').select(['status', 'attempts']).where('run_id', '=', h.runId).executeTakeFirstOrThrow()).toEqual({
        status: 'failed',
        attempts: 2,
      });
    });
    it("keeps a step's webhooks to its concurrency and rate, and records each call with its attempt number, a retry as a retry", async () => {
      let open = 0;
      let maxOpen = 0;
      let stalled = false;
      const { url, requests } = await listen(async (req) => {
        open++;
        maxOpen = Math.max(maxOpen, open);
        // The first call for T outlasts the step's timeout, as a CRM under load would; its retry answers.
        const stall = req.url === '/score/T' && !stalled;
        if (stall) stalled = true;
        await new Promise((resolve) => setTimeout(resolve, stall ? 600 : 40));
        open--;
        return { status: 200, body: '{"tier":"silver"}' };
      });
      const doc = hookJourney('h-limits', url, 300);
      (doc.nodes.hook!.config as Record<string, unknown>).concurrency = 3;
      (doc.nodes.hook!.config as Record<string, unknown>).ratePerSecond = 50;
      const rows: Row[] = Array.from({ length: 24 }, (_, i) => ({ external_id: i === 0 ? 'T' : `N${i}`, phone: `+120255502${String(i).padStart(2, '0')}` }));
      const h = await setup(store, doc, rows, { providers: () => ({ webhook: new HttpWebhook({ allow: ['127.0.0.1'] }) }) });
      expect((await h.drive()).completed).toBe(true);
      expect(maxOpen).toBeLessThanOrEqual(3);
      // Every contact called once, and T once more after its timeout.
      expect(requests).toHaveLength(25);
      const calls = await eventsOf(store, h.runId, { type: 'webhook.called', contactId: h.ids.T! });
      expect(calls.map((e) => [e.data.attempt, e.data.status ?? null, typeof e.data.error])).toEqual([
        [1, null, 'string'],
        [2, 200, 'undefined'],
      ]);
      expect(calls[0]!.data.error).toMatch(/did not answer within 300 ms/);
      expect(requests.filter((r) => r.url === '/score/T').map((r) => r.headers['idempotency-key'])).toEqual([
        `${h.runId}:${h.ids.T}:hook:1`,
        `${h.runId}:${h.ids.T}:hook:1`,
      ]);
    });
  });

  describe('(i) template errors', () => {
    it('a template reading a missing variable sends the contact out by "failed" with the TemplateError message', async () => {
      const body = 'Hi {{ attributes.nickname }}!';
      const doc = journey('i-template', {
        start: start('text-gate'),
        'text-gate': gate('sms', 'text', 'failed'),
        text: { type: 'sms', config: { body }, next: { sent: 'sent', failed: 'failed' } },
        sent: end('sent'),
        failed: end('failed'),
      });
      const rows: Row[] = [
        { external_id: 'N', phone: '+12025550151', nickname: 'Nico' },
        { external_id: 'M', phone: '+12025550152', nickname: '' },
      ];
      const h = await setup(store, doc, rows);
      expect((await h.drive()).completed).toBe(true);
      await expectFinishedConsistently(h);
      expect(await outcomesByContact(store, h.runId)).toEqual({ [h.ids.N!]: 'sent', [h.ids.M!]: 'failed' });

      let expected = '';
      try {
        new TemplateRenderer().render(body, { contact: {}, attributes: {}, links: {}, results: {}, lastCall: {} });
      } catch (error) {
        expect(error).toBeInstanceOf(TemplateError);
        expected = (error as Error).message;
      }
      expect(expected).toContain('attributes.nickname');
      const exit = (await eventsOf(store, h.runId, { type: 'node.exited', nodeId: 'text', contactId: h.ids.M! }))[0]!;
      expect(exit.port).toBe('failed');
      expect(exit.data.error).toBe(expected);
      // Nothing was queued for the contact whose message could not be written.
      const outbox = await store.db.selectFrom('outbox').select(['contact_id', 'payload']).where('run_id', '=', h.runId).execute();
      expect(outbox.map((o) => o.contact_id)).toEqual([h.ids.N!]);
      expect(JSON.parse(outbox[0]!.payload).body).toBe('Hi Nico!');
    });
  });

  describe('(j) SMS opt-out keywords', () => {
    const doc = () =>
      journey('j-stop', {
        start: start('text-gate'),
        'text-gate': gate('sms', 'text', 'failed'),
        text: { type: 'sms', config: { body: 'Reply STOP to opt out' }, next: { sent: 'wait', failed: 'failed' } },
        wait: { type: 'wait-for-event', config: { event: 'sms.replied', timeout: 'PT1H' }, next: { event: 'gate', timeout: 'gate' } },
        gate: { type: 'compliance-gate', config: { channel: 'sms', checks: ['dnc'] }, next: { allowed: 'follow-up', blocked: 'blocked' } },
        'follow-up': { type: 'sms', config: { body: 'Thanks' }, next: { sent: 'done', failed: 'failed' } },
        done: end('done'),
        blocked: end('blocked'),
        failed: end('failed'),
      });
    const rows: Row[] = [
      // Consent to texts exempts the numbers from the National DNC Registry, which these tests do not import.
      { external_id: 'A', phone: '+12025550161', consent_sms: 'yes' },
      { external_id: 'B', phone: '+12025550162', consent_sms: 'yes' },
    ];

    it('STOP puts the phone on the do-not-contact list and a later SMS gate blocks it; START removes it', async () => {
      const h = await setup(store, doc(), rows, { runId: 'stop-run', live: true });
      await settle(h);
      await addInbox(store, h.runId, h.ids.A!, 'sms.replied', t0 + 5 * minute, { nodeId: 'text', text: 'STOP' });
      expect((await h.drive()).completed).toBe(true);
      await expectFinishedConsistently(h);

      expect(await store.db.selectFrom('do_not_contact').select(['channel', 'value']).execute()).toEqual([{ channel: 'sms', value: '+12025550161' }]);
      const optedOut = await eventsOf(store, h.runId, { type: 'contact.optedOut' });
      expect(optedOut.map((e) => [e.contactId, e.data])).toEqual([[h.ids.A!, { channel: 'sms', keyword: 'STOP', source: 'reply' }]]);
      expect(await outcomesByContact(store, h.runId)).toEqual({ [h.ids.A!]: 'blocked', [h.ids.B!]: 'done' });
      const blocked = await eventsOf(store, h.runId, { type: 'compliance.blocked' });
      expect(blocked.map((e) => [e.contactId, e.data.rule])).toEqual([[h.ids.A!, 'US.dnc.internal']]);
      expect(await store.db.selectFrom('outbox').select('contact_id').where('run_id', '=', h.runId).where('node_id', '=', 'follow-up').execute()).toEqual([
        { contact_id: h.ids.B! },
      ]);

      // A second run over the same list: A texts START and the gate lets A through again.
      // A texts START before the run's first text: while A is on the list, no text of any journey may reach A.
      const second = await setup(store, doc(), rows, { runId: 'start-run', skipImport: true, clock: new VirtualClock(h.clock.now()), live: true });
      await addInbox(store, second.runId, h.ids.A!, 'sms.replied', second.clock.now(), { nodeId: 'text', text: 'start' });
      await settle(second);
      expect((await second.drive()).completed).toBe(true);
      await expectFinishedConsistently(second);
      expect(await store.db.selectFrom('do_not_contact').select(['channel', 'value']).execute()).toEqual([]);
      const optedIn = await eventsOf(store, second.runId, { type: 'contact.optedIn' });
      expect(optedIn.map((e) => [e.contactId, e.data])).toEqual([[h.ids.A!, { channel: 'sms', keyword: 'START', source: 'reply' }]]);
      // Both changes are kept, with the run and the time: an opt-in deletes nothing without a record.
      const history = await store.db
        .selectFrom('permission_changes')
        .select(['change', 'channel', 'value', 'run_id', 'source', 'scope'])
        .orderBy('id')
        .execute();
      expect(history).toEqual([
        { change: 'added', channel: 'sms', value: '+12025550161', run_id: 'stop-run', source: 'reply', scope: '' },
        { change: 'removed', channel: 'sms', value: '+12025550161', run_id: 'start-run', source: 'reply', scope: '' },
      ]);
      expect(await outcomesByContact(store, second.runId)).toEqual({ [h.ids.A!]: 'done', [h.ids.B!]: 'done' });
    });
  });

  describe('(l) the check at the moment of sending', () => {
    // Every gate check passes both contacts at t0; an hour later, when the step sends, something about A has changed.
    const allChecks = ['hours', 'holidays', 'dnc', 'consent', 'frequency'];
    const steps: Record<'sms' | 'email' | 'voice', NodeSpec> = {
      sms: { type: 'sms', config: { body: 'Your balance is due' }, next: { sent: 'done', failed: 'failed' } },
      email: {
        type: 'email',
        config: { subject: 'Your balance', text: 'It is due', trackOpens: false, trackLinks: false },
        next: { sent: 'done', failed: 'failed' },
      },
      voice: {
        type: 'dialer',
        config: { mode: 'agentless', message: 'Your balance is due. To stop these calls, press 9.', callerId: '+12025550199' },
        next: { connected: 'done', machine: 'done', 'no-answer': 'done', abandoned: 'done', failed: 'failed' },
      },
    };
    const doc = (channel: 'sms' | 'email' | 'voice') =>
      journey(`l-last-${channel}`, {
        start: start('gate'),
        gate: { type: 'compliance-gate', config: { channel, checks: allChecks }, next: { allowed: 'wait', blocked: 'blocked' } },
        wait: { type: 'wait', config: { duration: 'PT1H' }, next: { out: 'send' } },
        send: steps[channel],
        done: end('done'),
        failed: end('failed'),
        blocked: end('blocked'),
      });
    const rows: Row[] = [
      { external_id: 'A', phone: '+12025550181', email: 'a@example.com' },
      { external_id: 'B', phone: '+12025550182', email: 'b@example.com' },
    ];

    /** Runs the journey live until everyone waits after the gate, changes A, then runs it to the end. */
    async function sendAfter(channel: 'sms' | 'email' | 'voice', change: (h: Harness) => Promise<void>) {
      const h = await setup(store, doc(channel), rows, { live: true });
      await settle(h);
      expect((await eventsOf(store, h.runId, { type: 'node.exited', nodeId: 'gate' })).map((e) => e.port)).toEqual(['allowed', 'allowed']);
      await change(h);
      expect((await h.drive()).completed).toBe(true);
      await expectFinishedConsistently(h);
      return h;
    }

    async function expectRefused(h: Harness, channel: 'sms' | 'email' | 'voice', check: string, rule: string) {
      expect(await outcomesByContact(store, h.runId)).toEqual({ [h.ids.A!]: 'failed', [h.ids.B!]: 'done' });
      const refused = await eventsOf(store, h.runId, { type: 'compliance.refused' });
      expect(refused.map((e) => [e.contactId, e.nodeId, e.data.check, e.data.rule])).toEqual([[h.ids.A!, 'send', check, rule]]);
      const exited = await eventsOf(store, h.runId, { type: 'node.exited', nodeId: 'send', contactId: h.ids.A! });
      expect(exited.map((e) => [e.port, String(e.data.error)])).toEqual([
        ['failed', `Not ${channel === 'voice' ? 'called' : 'sent'}: ${refused[0]!.data.reason}`],
      ]);
    }

    for (const channel of ['sms', 'email', 'voice'] as const) {
      it(`a ${channel} step does not reach a contact put on the do-not-contact list after its gate passed it`, async () => {
        const h = await sendAfter(channel, async (h) => {
          await addDoNotContact(store.db, {
            channel,
            value: channel === 'email' ? 'A@Example.com' : '+12025550181',
            reason: 'Asked on the phone',
            now: h.clock.now(),
            actor: 'operator',
          });
        });
        await expectRefused(h, channel, 'dnc', 'US.dnc.internal');
        // Nothing went to A: the provider's record holds B's send alone.
        if (channel === 'voice') expect((await eventsOf(store, h.runId, { type: 'call.placed' })).map((e) => e.contactId)).toEqual([h.ids.B!]);
        else
          expect(
            (await store.db.selectFrom('simulated_sends').select('idempotency_key').where('channel', '=', channel).execute()).map((r) =>
              r.idempotency_key.includes(h.ids.A!),
            ),
          ).toEqual([false]);
      });

      it(`a ${channel} step does not reach a contact whose consent was withdrawn after its gate passed it`, async () => {
        const h = await sendAfter(channel, async (h) => {
          await store.db
            .updateTable('contacts')
            .set({ consent: JSON.stringify({ sms: false, voice: false, email: false }) })
            .where('id', '=', h.ids.A!)
            .execute();
        });
        // US rules ask consent for texts; for calls and emails a withdrawn consent leaves the register to decide, and no copy was imported.
        if (channel === 'sms') await expectRefused(h, channel, 'consent', 'US.consent.sms');
        else if (channel === 'voice') await expectRefused(h, channel, 'dnc', 'US.dnc.registry-missing');
        else expect(await outcomesByContact(store, h.runId)).toEqual({ [h.ids.A!]: 'done', [h.ids.B!]: 'done' });
      });
    }

    it("a UK number in a US journey's call is held by the UK rule against calling again within 72 hours of an abandoned call", async () => {
      const uk: Row[] = [{ external_id: 'U', phone: '+447400123456', email: 'u@example.com' }];
      const h = await setup(store, doc('voice'), uk, { live: true });
      await settle(h);
      await store.db
        .insertInto('abandoned_calls')
        .values({ value: '+447400123456', at: t0 - hour, run_id: h.runId })
        .execute();
      expect((await h.drive({ until: t0 + 2 * hour })).completed).toBe(false);
      const held = await eventsOf(store, h.runId, { type: 'compliance.deferred', nodeId: 'send' });
      expect(held.map((e) => e.data.rule)).toEqual(['UK.redial.abandoned']);
      expect(await eventsOf(store, h.runId, { type: 'call.placed' })).toEqual([]);
    });

    it('a call is held, not placed, while the number has had its three calls in 24 hours from other campaigns', async () => {
      const h = await setup(store, doc('voice'), rows, { live: true });
      await settle(h);
      // Another live campaign called A three times in the last hours.
      const other = await setup(store, doc('voice'), rows, { live: true, skipImport: true, runId: 'other-campaign', clock: new VirtualClock(h.clock.now()) });
      const calls = [t0 - 3 * hour, t0 - 2 * hour, t0 - hour];
      for (const [i, at] of calls.entries()) {
        await store.db
          .insertInto('outbox')
          .values({
            idempotency_key: `other:${i}`,
            run_id: other.runId,
            contact_id: h.ids.A!,
            node_id: 'send',
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
      await stopRun(store, other.runId, h.clock.now(), 'not needed');
      expect((await h.drive()).completed).toBe(true);
      const held = await eventsOf(store, h.runId, { type: 'compliance.deferred', contactId: h.ids.A! });
      expect(held[0]).toMatchObject({ nodeId: 'send', data: { check: 'frequency', rule: 'US.frequency' } });
      expect(held[0]!.time - (t0 + hour)).toBeLessThan(minute);
      // A's call goes once the first of the three falls out of the window, never before.
      const placed = await eventsOf(store, h.runId, { type: 'call.placed', contactId: h.ids.A! });
      expect(placed).toHaveLength(1);
      expect(placed[0]!.time).toBeGreaterThanOrEqual(calls[0]! + day);
      expect(await outcomesByContact(store, h.runId)).toEqual({ [h.ids.A!]: 'done', [h.ids.B!]: 'done' });
    });
  });

  describe('(m) email opt-outs reported from outside', () => {
    it('an unsubscribe or a spam complaint puts the address on the email list for every journey, with its source', async () => {
      const doc = journey('m-email', {
        start: start('mail-gate'),
        'mail-gate': gate('email', 'mail', 'done'),
        mail: { type: 'email', config: { subject: 'News', text: 'Hello', trackOpens: false, trackLinks: false }, next: { sent: 'done', failed: 'done' } },
        done: end('done'),
      });
      const h = await setup(
        store,
        doc,
        [
          { external_id: 'A', phone: '+12025550191', email: 'Ann@Example.com' },
          { external_id: 'B', phone: '+12025550192', email: 'bo@example.com' },
        ],
        { live: true },
      );
      await settle(h);
      await addInbox(store, h.runId, h.ids.A!, 'email.complained', h.clock.now(), { nodeId: 'mail' });
      await addInbox(store, h.runId, h.ids.B!, 'email.unsubscribed', h.clock.now(), { nodeId: 'mail' });
      await settle(h);
      const listed = await store.db.selectFrom('do_not_contact').select(['channel', 'value', 'source', 'run_id', 'reason']).orderBy('value').execute();
      expect(listed).toEqual([
        { channel: 'email', value: 'ann@example.com', source: 'complaint', run_id: h.runId, reason: 'Marked an email as spam' },
        { channel: 'email', value: 'bo@example.com', source: 'unsubscribe', run_id: h.runId, reason: 'Unsubscribed by link' },
      ]);
    });
  });

  describe('(k) simulated runs are sealed', () => {
    it("a simulated STOP holds the run's own contact at its later gate but never reaches the shared list or another run", async () => {
      const doc = () =>
        journey('k-sealed', {
          start: start('text-gate'),
          'text-gate': gate('sms', 'text', 'done'),
          text: { type: 'sms', config: { body: 'Reply STOP to opt out' }, next: { sent: 'wait', failed: 'done' } },
          wait: { type: 'wait', config: { duration: 'PT1H' }, next: { out: 'follow-gate' } },
          'follow-gate': { type: 'compliance-gate', config: { channel: 'sms', checks: ['dnc'] }, next: { allowed: 'follow-up', blocked: 'blocked' } },
          'follow-up': { type: 'sms', config: { body: 'Still there?' }, next: { sent: 'done', failed: 'done' } },
          blocked: end('blocked'),
          done: end('done'),
        });
      const rows: Row[] = [
        { external_id: 'A', phone: '+12025550171' },
        { external_id: 'B', phone: '+12025550172' },
      ];
      const h = await setup(store, doc(), rows, { runId: 'sealed-sim' });
      await settle(h);
      await addInbox(store, h.runId, h.ids.A!, 'sms.replied', t0 + 5 * minute, { nodeId: 'text', text: 'STOP' });
      expect((await h.drive()).completed).toBe(true);
      // Inside the simulation the opt-out is real: A is held at the later gate.
      expect(await outcomesByContact(store, h.runId)).toEqual({ [h.ids.A!]: 'blocked', [h.ids.B!]: 'done' });
      // Outside it nothing changed: the shared list is empty, and the change is kept in the run's own scope.
      expect(await store.db.selectFrom('do_not_contact').selectAll().execute()).toEqual([]);
      const history = await store.db.selectFrom('permission_changes').select(['scope', 'change', 'value', 'run_id']).execute();
      expect(history).toEqual([{ scope: 'sealed-sim', change: 'added', value: '+12025550171', run_id: 'sealed-sim' }]);

      // A live run over the same list texts A at its later gate.
      const live = await setup(store, doc(), rows, { runId: 'after-sim', skipImport: true, clock: new VirtualClock(h.clock.now()), live: true });
      expect((await live.drive()).completed).toBe(true);
      expect(await outcomesByContact(store, live.runId)).toEqual({ [h.ids.A!]: 'done', [h.ids.B!]: 'done' });
    });
  });

  describe('(j) replies after the journey', () => {
    it('a STOP reply to the last SMS of a journey is honoured even though the contact has already finished', async () => {
      const doc = journey('j-late-stop', {
        start: start('text-gate'),
        'text-gate': gate('sms', 'text', 'done'),
        text: { type: 'sms', config: { body: 'Your appointment is tomorrow' }, next: { sent: 'done', failed: 'done' } },
        done: end('done'),
      });
      // Every text is delivered and answered with an opt-out keyword, a while after the send.
      const stopEveryone: SmsBehaviour = { ...quietSms, replyRate: 1, stopShare: 1 };
      const h = await setup(store, doc, [{ external_id: 'A', phone: '+12025550165' }], {
        providers: (s) => ({ sms: new SimulatedSms(s.db, 1, stopEveryone) }),
        live: true,
      });
      expect((await h.drive()).completed).toBe(true);
      // Give the reply every chance to be processed: a day later, the interpreter still runs.
      h.clock.advanceTo(t0 + day);
      await settle(h);
      expect(await store.db.selectFrom('do_not_contact').select(['channel', 'value']).execute()).toEqual([{ channel: 'sms', value: '+12025550165' }]);
      expect(await eventsOf(store, h.runId, { type: 'contact.optedOut' })).toHaveLength(1);
    });

    it('a HELP reply is answered once with who is texting and how to stop, even after the journey has finished', async () => {
      const doc = journey('j-help', {
        start: start('text-gate'),
        'text-gate': gate('sms', 'text', 'done'),
        text: { type: 'sms', config: { body: 'Your appointment is tomorrow' }, next: { sent: 'done', failed: 'done' } },
        done: end('done'),
      });
      const h = await setup(store, doc, [{ external_id: 'A', phone: '+12025550168' }], { providers: (s) => ({ sms: new SimulatedSms(s.db, 1, quietSms) }) });
      expect((await h.drive()).completed).toBe(true);
      await addInbox(store, h.runId, h.ids.A!, 'sms.replied', h.clock.now() + minute, { nodeId: 'text', text: 'help' });
      h.clock.advanceTo(h.clock.now() + 2 * minute);
      await settle(h);
      await settle(h);
      const sends = await store.db
        .selectFrom('outbox')
        .select(['idempotency_key', 'node_id', 'status', 'payload'])
        .where('run_id', '=', h.runId)
        .where('idempotency_key', 'like', '%:help:%')
        .execute();
      expect(sends).toHaveLength(1);
      expect(sends[0]).toMatchObject({ node_id: '', status: 'sent' });
      expect(JSON.parse(sends[0]!.payload)).toMatchObject({
        to: '+12025550168',
        body: expect.stringMatching(/^Test j-help: Reply STOP to stop these messages, START to receive them again/),
      });
      expect(
        await store.db.selectFrom('simulated_sends').select('idempotency_key').where('idempotency_key', '=', sends[0]!.idempotency_key).execute(),
      ).toHaveLength(1);
      // The answer moves nobody: the contact ended once, where it ended.
      expect(await outcomesByContact(store, h.runId)).toEqual({ [h.ids.A!]: 'done' });
    });

    it("a HELP answer says how to reach the contact centre when the journey's settings give it", async () => {
      const doc = journey('j-help-contact', {
        start: start('text-gate'),
        'text-gate': gate('sms', 'text', 'done'),
        text: { type: 'sms', config: { body: 'Your appointment is tomorrow' }, next: { sent: 'done', failed: 'done' } },
        done: end('done'),
      });
      Object.assign(doc.settings, { helpContact: 'call 0800 123 456 or email help@acme.example.' });
      const h = await setup(store, doc, [{ external_id: 'A', phone: '+12025550169' }], { providers: (s) => ({ sms: new SimulatedSms(s.db, 1, quietSms) }) });
      expect((await h.drive()).completed).toBe(true);
      await addInbox(store, h.runId, h.ids.A!, 'sms.replied', h.clock.now() + minute, { nodeId: 'text', text: 'HELP' });
      h.clock.advanceTo(h.clock.now() + 2 * minute);
      await settle(h);
      const sends = await store.db.selectFrom('outbox').select('payload').where('run_id', '=', h.runId).where('idempotency_key', 'like', '%:help:%').execute();
      expect(sends.map((r) => JSON.parse(r.payload).body)).toEqual([
        'Test j-help-contact: For help, call 0800 123 456 or email help@acme.example. Reply STOP to stop these messages, START to receive them again. Message and data rates may apply.',
      ]);
    });

    it('a STOP reply is honoured when it reaches a stopped run, whether it arrived just before the stop or after it', async () => {
      const doc = journey('j-stopped-stop', {
        start: start('text-gate'),
        'text-gate': gate('sms', 'text', 'done'),
        text: { type: 'sms', config: { body: 'Reply STOP to opt out' }, next: { sent: 'wait', failed: 'done' } },
        wait: { type: 'wait-for-event', config: { event: 'sms.replied', timeout: 'P1D' }, next: { event: 'done', timeout: 'done' } },
        done: end('done'),
      });
      const h = await setup(
        store,
        doc,
        [
          { external_id: 'A', phone: '+12025550166' },
          { external_id: 'B', phone: '+12025550167' },
        ],
        { live: true },
      );
      await settle(h);
      h.clock.advanceTo(t0 + 10 * minute);
      // A's reply has come in but no round has processed it yet when the manager stops the run.
      await addInbox(store, h.runId, h.ids.A!, 'sms.replied', t0 + 9 * minute, { nodeId: 'text', text: 'STOP' });
      await stopRun(store, h.runId, h.clock.now(), 'stopped by the manager');
      // B's reply comes in after the stop.
      await addInbox(store, h.runId, h.ids.B!, 'sms.replied', t0 + 11 * minute, { nodeId: 'text', text: 'STOP' });
      h.clock.advanceTo(t0 + hour);
      await settle(h);
      const dnc = await store.db.selectFrom('do_not_contact').select(['channel', 'value']).orderBy('value').execute();
      expect(dnc).toEqual([
        { channel: 'sms', value: '+12025550166' },
        { channel: 'sms', value: '+12025550167' },
      ]);
    });
  });

  describe('journey versions in more than one store', () => {
    it('a run executes the journey published in its own store, even when another store has a different journey under the same id and version', async () => {
      const other = await freshStore(dialect);
      try {
        const make = (outcome: string) => journey(`shared-${dialect}`, { start: start('done'), done: end(outcome) }, { exactId: true });
        const rows: Row[] = [{ external_id: 'A', phone: '+12025550131' }];
        const first = await setup(other, make('first'), rows);
        expect((await first.drive()).completed).toBe(true);
        expect(Object.values(await outcomesByContact(other, first.runId))).toEqual(['first']);

        const second = await setup(store, make('second'), rows);
        expect((await second.drive()).completed).toBe(true);
        expect(Object.values(await outcomesByContact(store, second.runId))).toEqual(['second']);
      } finally {
        await other.close();
      }
    });
  });
});
