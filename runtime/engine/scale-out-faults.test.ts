// Scale-out under faults: three worker processes, each an interpreter on one PostgreSQL schema, drive a texting run and
// a predictive-dialer run while one of them is killed (SIGKILL) in the middle of a batch, of sends and of a dialer
// round, several times, a replacement (started beforehand, waiting loaded) put to work each time. At the end every
// contact ended once, every idempotency key was accepted once, the dialer's ledger equals the events, and the work the
// killed worker held was taken over: what it held in a transaction within a worker's round (PostgreSQL ends a dead
// client's transaction at once), and its sends once their lease has run out, not before, and within a round after.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { validateJourney } from '../../schemas/validate.ts';
import { seedGeneratedContacts } from '../contacts/generated.ts';
import { dialerMetrics } from '../test-support/dialer-metrics.ts';
import { metricsFromEvents, runMetrics } from '../metrics.ts';
import type { Store } from '../store/dialect.ts';
import { publishJourney } from '../store/repositories/journeys.ts';
import { freshStore, postgresUrl } from '../store/test-stores.ts';
import { stepsEnteredTwice } from './run-checks.ts';
import { startRun } from './runs.ts';
import { lingerMs } from './scale-out-worker.ts';

const workerPath = join(import.meta.dirname, 'scale-out-worker.ts');

// Monday 5 January 2026, 10:00 in New York: inside texting hours.
const t0 = Date.parse('2026-01-05T15:00:00Z');
/** Run time per wall-clock second: the four-hour wait for a click lasts 30 s. */
const speed = 480;
/** The send lease, 2 s of wall time: long enough for a round of sends, short enough to wait out in a test. */
const leaseWallMs = 2000;
/**
 * How long a running worker takes to reach work that was freed: the rest of the round it is in and the next one (the
 * workers here poll every 5 ms when idle, so it is their rounds that count, not an idle sleep). A round of 50 contacts
 * and 50 sends takes 0.05-0.7 s on this 2-core machine under a load of 7-10, now and then over 1 s; takeovers came
 * 0.15-0.85 s after the work was free. Slower is a worker that did not see it was free (as when a round's sends were
 * claimed by its old `now`), or a machine too loaded for this test. With the whole suite running beside it, a dialer
 * round was taken over 1.6 s after the kill (3 runs alone: 0.3-1.3 s), so the bound is 2 s: still far under any
 * lease or timeout a worker that missed the freed work would have waited for.
 */
const pickUpMs = 2000;
const texters = 500;
const callees = 360;
const kills = 6;

const texting = {
  schemaVersion: 1,
  id: 'faults-texts',
  name: 'Faults: texts',
  settings: { timezone: 'America/New_York', compliance: 'US', helpContact: 'Call 0800 555 0100' },
  nodes: {
    start: { type: 'start', position: { x: 0, y: 0 }, config: { audience: { list: 'texts' } }, next: { out: 'gate' } },
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
      config: { event: 'link.clicked', timeout: 'PT4H' },
      next: { event: 'email-gate', timeout: 'email-gate' },
    },
    'email-gate': {
      type: 'compliance-gate',
      position: { x: 800, y: 0 },
      config: { channel: 'email', checks: ['dnc', 'consent'] },
      next: { allowed: 'email', blocked: 'blocked' },
    },
    email: {
      type: 'email',
      position: { x: 1000, y: 0 },
      config: { subject: 'Your order', text: 'Hello {{ contact.firstName }}', trackOpens: false, trackLinks: false },
      next: { sent: 'done', failed: 'failed' },
    },
    done: { type: 'end', position: { x: 1200, y: 0 }, config: { outcome: 'completed' } },
    blocked: { type: 'end', position: { x: 400, y: 200 }, config: { outcome: 'blocked' } },
    failed: { type: 'end', position: { x: 1000, y: 200 }, config: { outcome: 'failed' } },
  },
};

const dialing = {
  schemaVersion: 1,
  id: 'faults-calls',
  name: 'Faults: calls',
  settings: { timezone: 'America/New_York', compliance: 'US' },
  nodes: {
    start: { type: 'start', position: { x: 0, y: 0 }, config: { audience: { list: 'calls' } }, next: { out: 'gate' } },
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

async function seed(store: Store, journey: typeof texting | typeof dialing, listId: string, count: number, prefix: string, options = {}): Promise<string> {
  await seedGeneratedContacts(store, { listId, count, now: t0, idPrefix: prefix });
  expect(validateJourney(journey).problems.filter((p) => p.severity === 'error')).toEqual([]);
  const published = await publishJourney(store.db, journey, { author: 'test', message: 'test', now: t0 });
  return (await startRun(store, { journeyId: published.journeyId, version: published.version, listId, now: t0, simulated: true, seed: 3, options })).id;
}

interface Worker {
  child: ChildProcess;
  /** The last line it printed. */
  last?: string;
  /** It said it is loaded and about to start its rounds. */
  ready?: boolean;
  /** Loaded and waiting to be put to work in place of a killed worker. */
  standby?: boolean;
  killed?: boolean;
  /** Resolves with the next line starting with one of `prefixes`, or undefined after `ms`. */
  next(prefixes: string[], ms: number): Promise<{ at: number; text: string } | undefined>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr: string[];
}

type Phase = 'batch' | 'sent' | 'pace';

interface Kill {
  phase: Phase;
  /** The kill came while the worker was still inside the moment it announced. */
  inside: boolean;
  line: string;
  pid: number;
  /** Wall-clock ms from the kill until another worker moved what the killed one held; undefined if nothing did. */
  takenOverMs?: number;
  /**
   * Wall-clock ms from the kill until the lease ran out on the sends the killed worker held: the sends it announced, or
   * in a batch the contact's send whose answer it was recording (0 when it held none).
   */
  leaseLeftMs?: number;
  /** For sends: wall-clock ms from the start of their lease (the claim) until the provider had answered. */
  leasedBeforeMs?: number;
}

const wallOf = (wall0: number, virtual: number) => wall0 + (virtual - t0) / speed;

describe.runIf(postgresUrl)('worker processes on one PostgreSQL database, killed at random', () => {
  it(`run texts to ${texters} and calls to ${callees} while a worker is killed ${kills} times in batches, sends and dialer rounds`, async () => {
    const store = await freshStore('postgres');
    const db = store.db;
    /** The workers running now (not the one on standby), and every worker started. */
    const workers = new Set<Worker>();
    const everyone: Worker[] = [];
    try {
      const textRun = await seed(store, texting, 'texts', texters, 't');
      const callRun = await seed(store, dialing, 'calls', callees, 'c', { agents: { team: 6 } });
      const wall0 = Date.now() + 500;
      const leaseMs = leaseWallMs * speed;

      const spawnWorker = (standby: boolean): Worker => {
        const args = [workerPath, postgresUrl!, store.pgSchema!, String(t0), String(wall0), String(speed), String(leaseMs), ...(standby ? ['standby'] : [])];
        const child = spawn(process.execPath, ['--import', 'tsx', ...args], { stdio: [standby ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
        const waiting: { prefixes: string[]; resolve: (line: { at: number; text: string }) => void }[] = [];
        createInterface({ input: child.stdout! }).on('line', (text) => {
          const line = { at: Date.now(), text };
          worker.last = text;
          if (text.startsWith('ready ')) worker.ready = true;
          for (const w of waiting.splice(0)) {
            if (w.prefixes.some((p) => text.startsWith(`${p} `))) w.resolve(line);
            else waiting.push(w);
          }
        });
        const stderr: string[] = [];
        child.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
        const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
          child.once('exit', (code, signal) => resolve({ code, signal })),
        );
        const worker: Worker = {
          child,
          standby,
          stderr,
          exited,
          next: (prefixes, ms) =>
            new Promise((resolve) => {
              const timer = setTimeout(() => resolve(undefined), ms);
              waiting.push({
                prefixes,
                resolve: (line) => {
                  clearTimeout(timer);
                  resolve(line);
                },
              });
            }),
        };
        if (!standby) workers.add(worker);
        everyone.push(worker);
        void exited.then(() => workers.delete(worker));
        return worker;
      };
      for (let i = 0; i < 3; i++) spawnWorker(false);
      // Starting a worker takes seconds on a busy machine (loading the code), more than the time between kills: the
      // replacement of a killed worker is started beforehand and waits, loaded, until it is put to work.
      let standby = spawnWorker(true);
      /** Puts the standby to work if fewer than three workers run and it is loaded, and starts the next one. */
      const replace = () => {
        if (workers.size >= 3 || !standby.ready) return;
        standby.standby = false;
        workers.add(standby);
        standby.child.stdin!.end('go\n');
        standby = spawnWorker(true);
      };

      /** Polls `changed` every 10 ms from the kill for up to `ms`; the wall-clock ms until it first says yes. */
      const firstProgress = async (killedAt: number, ms: number, changed: () => Promise<boolean>): Promise<number | undefined> => {
        while (Date.now() - killedAt < ms) {
          if (await changed()) return Date.now() - killedAt;
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
        return undefined;
      };

      const done: Kill[] = [];
      const measuring: Promise<void>[] = [];
      // Dialer rounds first among the kinds killed in least so far: the calls are over before the texts.
      const phases: Phase[] = ['pace', 'sent', 'batch'];
      const inside = (phase: Phase) => done.filter((k) => k.inside && k.phase === phase).length;
      const killsUntil = Date.now() + 40_000;
      while (done.filter((k) => k.inside).length < kills && Date.now() < killsUntil) {
        // Three workers running before each kill, so that two are there to take over what the killed one held. Then let
        // the replacement's work spread before the next kill.
        const upBy = Date.now() + 20_000;
        while ((workers.size < 3 || [...workers].some((w) => !w.ready)) && Date.now() < upBy) {
          replace();
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        await new Promise((resolve) => setTimeout(resolve, 500 + Math.random() * 1000));
        const live = [...workers].filter((w) => w.ready);
        if (!live.length) {
          if (!workers.size) break;
          continue;
        }
        const victim = live[Math.floor(Math.random() * live.length)]!;
        // The kind of moment killed in least so far, if it comes within 3 s (the calls or the texts may be over).
        const wanted = [...phases].sort((a, b) => inside(a) - inside(b))[0]!;
        const line = (await victim.next([wanted], 3000)) ?? (await victim.next(phases, 3000));
        if (!line) continue;
        victim.killed = true;
        victim.child.kill('SIGKILL');
        const killedAt = Date.now();
        const [phase, printed, ...rest] = line.text.split(' ') as [Phase, string, ...string[]];
        // The worker waits lingerMs after the line before it writes or records anything: a kill sooner lands inside.
        const kill: Kill = { phase, inside: killedAt - Number(printed) < lingerMs, line: line.text.slice(0, 120), pid: victim.child.pid! };
        done.push(kill);

        // What the killed worker held, read at once: its transaction never commits, so this is the state it claimed.
        const watch = (changed: () => Promise<boolean>) =>
          measuring.push(
            firstProgress(killedAt, leaseWallMs + pickUpMs + 3000, changed).then((ms) => {
              kill.takenOverMs = ms;
            }),
          );
        if (phase === 'sent') {
          const keys = rest;
          const leased = await db
            .selectFrom('outbox')
            .select(['idempotency_key', 'next_attempt_at'])
            .where('idempotency_key', 'in', keys)
            .where('status', '=', 'pending')
            .execute();
          if (kill.inside && leased.length) {
            const until = Math.min(...leased.map((r) => wallOf(wall0, Number(r.next_attempt_at))));
            kill.leaseLeftMs = Math.round(until - killedAt);
            kill.leasedBeforeMs = Math.round(Number(printed) - (until - leaseWallMs));
            const held = leased.map((r) => r.idempotency_key);
            watch(
              async () =>
                (await db.selectFrom('outbox').select('status').where('idempotency_key', 'in', held).where('status', '!=', 'pending').limit(1).execute())
                  .length > 0,
            );
          }
        } else if (phase === 'batch') {
          const [runId, contactId] = rest as [string, string];
          // The contact moved, or something happened to it (a receipt recorded): either writes an event of it.
          const latest = async () =>
            Number(
              (
                await db
                  .selectFrom('events')
                  .select((eb) => eb.fn.max('seq').as('seq'))
                  .where('run_id', '=', runId)
                  .where('contact_id', '=', contactId)
                  .executeTakeFirst()
              )?.seq ?? 0,
            );
          const before = await latest();
          // Killed recording the answer to the contact's send, the worker still holds that send by its lease: another
          // worker sends it again, and moves the contact, only once the lease has run out.
          const sends = await db
            .selectFrom('outbox')
            .select('next_attempt_at')
            .where('run_id', '=', runId)
            .where('contact_id', '=', contactId)
            .where('status', '=', 'pending')
            .execute();
          const until = sends.length ? Math.min(...sends.map((r) => wallOf(wall0, Number(r.next_attempt_at)))) : killedAt;
          kill.leaseLeftMs = Math.max(0, Math.round(until - killedAt));
          if (kill.inside) watch(async () => (await latest()) > before);
        } else {
          const [runId] = rest as [string];
          const memory = async () =>
            JSON.stringify(await db.selectFrom('dialer_state').select('memory').where('run_id', '=', runId).orderBy('node_id').execute());
          const before = await memory();
          if (kill.inside) {
            watch(
              async () =>
                (await db.selectFrom('runs').select('status').where('id', '=', runId).executeTakeFirstOrThrow()).status === 'completed' ||
                (await memory()) !== before,
            );
          }
        }
        await victim.exited;
        replace();
      }
      // The last standby is not needed.
      standby.child.kill('SIGKILL');
      await Promise.all(measuring);

      // The last workers finish the runs undisturbed.
      const ends = await Promise.all(
        everyone.filter((w) => !w.killed && !w.standby).map(async (w) => ({ ...(await w.exited), stdout: w.last, stderr: w.stderr.join('') })),
      );
      for (const end of ends) expect(end, 'a worker that was not killed').toEqual({ code: 0, signal: null, stdout: 'done', stderr: '' });

      const retried = await db
        .selectFrom('simulated_sends')
        .select([(eb) => eb.fn.countAll<number>().as('n')])
        .where('attempts', '>', 1)
        .executeTakeFirstOrThrow();
      console.log(`scale-out under faults: ${done.length} kills, send lease ${leaseWallMs} ms of wall time; keys offered more than once: ${retried.n}`);
      for (const k of done) {
        const lease = k.leaseLeftMs
          ? ` (lease ran out ${k.leaseLeftMs} ms after it${k.leasedBeforeMs !== undefined ? `, taken ${k.leasedBeforeMs} ms before the provider answered` : ''})`
          : '';
        console.log(
          `  ${k.phase}${k.inside ? '' : ' (too late: after the moment)'}: ${k.takenOverMs === undefined ? 'nothing taken over' : `taken over ${k.takenOverMs} ms after the kill`}${lease} — ${k.line.slice(0, 70)}`,
        );
      }

      expect(done.filter((k) => k.inside).length, 'kills inside a batch, sends or a dialer round').toBeGreaterThanOrEqual(kills - 1);
      expect(new Set(done.filter((k) => k.inside).map((k) => k.phase)), 'kinds of moment killed in').toEqual(new Set(['batch', 'sent', 'pace']));
      for (const k of done) {
        if (!k.inside) continue;
        expect(k.takenOverMs, `${k.phase}: what the killed worker held was taken over`).toBeDefined();
        // A transaction's claims are free as soon as PostgreSQL drops the dead connection, and a running worker takes
        // them in its next round; sends once their lease has run out and a worker's round after (never before: that
        // would be a second worker sending them while the first might).
        expect(k.takenOverMs!, `${k.phase}: taken over within a round of the lease running out`).toBeLessThanOrEqual((k.leaseLeftMs ?? 0) + pickUpMs);
        if (k.phase === 'sent') {
          expect(k.takenOverMs!, 'sends taken over before their lease ran out').toBeGreaterThanOrEqual(k.leaseLeftMs! - 50);
          // The lease counts from the claim, not from an older moment (the start of the worker's round): most of it is
          // left once the provider has answered. Counted from the round's start, it ran out seconds early, even before
          // the claim, and other workers sent the same keys while their worker was alive.
          expect(k.leasedBeforeMs!, 'the lease was taken well before the provider answered').toBeLessThanOrEqual(leaseWallMs / 2);
        }
      }
      expect(done.filter((k) => k.phase === 'sent' && k.takenOverMs !== undefined).length, 'sends taken over after a kill').toBeGreaterThan(0);

      for (const [runId, count] of [
        [textRun, texters],
        [callRun, callees],
      ] as const) {
        const run = await db.selectFrom('runs').select('status').where('id', '=', runId).executeTakeFirstOrThrow();
        expect(run.status).toBe('completed');
        // Every contact ended once and entered each step it reached once.
        const endsOf = await db
          .selectFrom('events')
          .select(['contact_id', (eb) => eb.fn.countAll<number>().as('n')])
          .where('run_id', '=', runId)
          .where('type', '=', 'contact.completed')
          .groupBy('contact_id')
          .execute();
        expect(endsOf).toHaveLength(count);
        expect(endsOf.filter((e) => Number(e.n) !== 1)).toEqual([]);
        expect(await stepsEnteredTwice(db, runId)).toEqual([]);
        expect(await db.selectFrom('cursors').select('contact_id').where('run_id', '=', runId).where('status', '!=', 'done').execute()).toEqual([]);
        expect(await runMetrics(db, runId)).toEqual(await metricsFromEvents(db, runId));
      }

      // Every key accepted once by the provider, and the outbox and the provider agree on every send.
      const outbox = await db.selectFrom('outbox').select(['idempotency_key', 'run_id', 'contact_id', 'node_id', 'channel', 'status']).execute();
      expect(new Set(outbox.map((o) => o.idempotency_key)).size).toBe(outbox.length);
      expect(outbox.filter((o) => o.status === 'pending')).toEqual([]);
      // No contact got two different sends for one step visit (the journeys have no loops: one per contact and step).
      const perVisit = new Map<string, number>();
      for (const o of outbox) perVisit.set(`${o.run_id}/${o.contact_id}/${o.node_id}`, (perVisit.get(`${o.run_id}/${o.contact_id}/${o.node_id}`) ?? 0) + 1);
      expect([...perVisit].filter(([, n]) => n > 1)).toEqual([]);
      const accepted = await db.selectFrom('simulated_sends').select(['idempotency_key']).execute();
      expect(new Set(accepted.map((a) => a.idempotency_key)).size).toBe(accepted.length);
      // The dialer's calls are in the outbox as placed (sent) without a provider's answer: the ledger below checks them.
      const sentKeys = new Set(outbox.filter((o) => o.status === 'sent' && o.channel !== 'voice').map((o) => o.idempotency_key));
      expect(
        accepted.filter((a) => !sentKeys.has(a.idempotency_key)),
        'accepted by the provider, not recorded as sent',
      ).toEqual([]);
      expect(
        [...sentKeys].filter((key) => !accepted.some((a) => a.idempotency_key === key)),
        'recorded as sent, never accepted',
      ).toEqual([]);
      const sentEvents = await db
        .selectFrom('events')
        .select(['contact_id', 'node_id', (eb) => eb.fn.countAll<number>().as('n')])
        .where('run_id', '=', textRun)
        .where('type', 'in', ['sms.sent', 'email.sent'])
        .groupBy(['contact_id', 'node_id'])
        .execute();
      expect(sentEvents.filter((s) => Number(s.n) !== 1)).toEqual([]);
      expect(sentEvents.length).toBe(sentKeys.size);

      // The dialer: each contact called once, and the ledger it paces by counted what the events record.
      const perContact = await db
        .selectFrom('events')
        .select(['contact_id', 'type', (eb) => eb.fn.countAll<number>().as('n')])
        .where('run_id', '=', callRun)
        .where('type', 'in', ['call.placed', 'call.ended'])
        .groupBy(['contact_id', 'type'])
        .execute();
      for (const type of ['call.placed', 'call.ended']) {
        const rows = perContact.filter((r) => r.type === type);
        expect(rows, type).toHaveLength(callees);
        expect(
          rows.filter((r) => Number(r.n) !== 1),
          type,
        ).toEqual([]);
      }
      const state = await db.selectFrom('dialer_state').select('state').where('run_id', '=', callRun).where('node_id', '=', 'call').executeTakeFirstOrThrow();
      const gauges = JSON.parse(state.state) as { abandon: { liveAnswers: number; abandoned: number } };
      const metrics = await dialerMetrics(db, callRun, 'call', { costPerMinute: 0 });
      expect(gauges.abandon.liveAnswers).toBe(metrics.liveAnswers);
      expect(gauges.abandon.abandoned).toBe(metrics.abandoned.us);
    } finally {
      for (const w of everyone) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGKILL');
      await store.close();
    }
  }, 150_000);
});
