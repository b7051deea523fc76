// Crash test: a child process runs a 20,000-contact journey on a SQLite file and is killed with SIGKILL at random
// moments; after each restart the run goes on, and at the end every contact has ended exactly once and no idempotency
// key was sent twice (the simulated providers record every send in `simulated_sends`).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import SQLite from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { validateJourney } from '../../schemas/validate.ts';
import { importContactsCsv } from '../contacts/import-csv.ts';
import { metricsFromEvents, runMetrics } from '../metrics.ts';
import { seededRandom } from '../random.ts';
import { openStore } from '../store/dialect.ts';
import { migrate } from '../store/migrate.ts';
import { ensureContactList, publishJourney } from '../store/repositories/journeys.ts';
import { startRun } from './runs.ts';
import { stepsEnteredTwice } from './run-checks.ts';
import type { EventType } from '../../schemas/events.ts';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '../..');
const workerPath = join(here, '../test-support/crash-worker.ts');

const contacts = Number(process.env.CRASH_CONTACTS ?? 20_000);
const plannedKills = Number(process.env.CRASH_KILLS ?? 7);
const seed = Number(process.env.CRASH_SEED ?? 20_261_124);
const runId = 'crash-run';
const listId = 'crash-list';
/** Monday 2026-01-05 08:30 in New York: contacts further west are held by the SMS gate until 08:00 their time. */
const startAt = Date.parse('2026-01-05T13:30:00Z');

/**
 * Virtual time the run spans: the last contacts (Los Angeles, held until 08:00 local = 16:00Z) get their email after the
 * two-hour wait, at 18:00Z. Kills are aimed at moments spread over this span, so that they land in every phase.
 */
const spanMs = 4.4 * 3_600_000;

const zones = ['America/New_York', 'America/Chicago', 'America/Denver', 'America/Los_Angeles', ''];
const areaCodes = ['212', '312', '303', '415', '202'];

/** Deterministic contacts: E.164 US numbers in five area codes, emails, consent for every channel, some time zones. */
function* contactsCsv(n: number): Generator<string> {
  yield 'id,first_name,last_name,phone,email,timezone,consent_sms,consent_email,consent_voice,amount\n';
  for (let i = 0; i < n; i++) {
    const k = i % areaCodes.length;
    const line = String(Math.floor(i / areaCodes.length)).padStart(4, '0');
    const amount = Math.floor(seededRandom(seed, 'amount', i)() * 1000);
    yield `${i},Person${i},Crash,+1${areaCodes[k]}234${line},person${i}@example.com,${zones[k]},yes,yes,yes,${amount}\n`;
  }
}

/** gate(sms) → sms → wait PT2H → gate(email) → email → branch → end, with an end for every other port. */
const journey = {
  schemaVersion: 1,
  id: 'crash',
  name: 'Crash test',
  settings: { timezone: 'America/New_York', compliance: 'US', helpContact: 'call 0800 123 456' },
  nodes: {
    start: { type: 'start', position: { x: 0, y: 0 }, config: { audience: { list: listId } }, next: { out: 'sms-gate' } },
    'sms-gate': {
      type: 'compliance-gate',
      position: { x: 200, y: 0 },
      config: { channel: 'sms', checks: ['hours', 'dnc', 'consent'], outsideHours: 'defer' },
      next: { allowed: 'reminder-sms', blocked: 'blocked' },
    },
    'reminder-sms': {
      type: 'sms',
      position: { x: 400, y: 0 },
      config: {
        body: 'Hi {{ contact.firstName }}, your bill of ${{ attributes.amount }} is due. Pay here: {{ links.pay }}',
        links: { pay: 'https://pay.example.com/bill' },
        trackLinks: true,
      },
      next: { sent: 'wait-2h', failed: 'sms-failed' },
    },
    'wait-2h': { type: 'wait', position: { x: 600, y: 0 }, config: { duration: 'PT2H' }, next: { out: 'email-gate' } },
    'email-gate': {
      type: 'compliance-gate',
      position: { x: 800, y: 0 },
      config: { channel: 'email', checks: ['dnc', 'consent'], outsideHours: 'defer' },
      next: { allowed: 'reminder-email', blocked: 'blocked' },
    },
    'reminder-email': {
      type: 'email',
      position: { x: 1000, y: 0 },
      config: {
        subject: 'Your bill of ${{ attributes.amount }}',
        text: 'Hello {{ contact.firstName }}, your bill of ${{ attributes.amount }} is due. Pay here: {{ links.pay }}',
        links: { pay: 'https://pay.example.com/bill' },
        trackOpens: true,
        trackLinks: true,
      },
      next: { sent: 'by-amount', failed: 'email-failed' },
    },
    'by-amount': {
      type: 'branch',
      position: { x: 1200, y: 0 },
      config: { rules: [{ port: 'large', match: 'all', conditions: [{ field: 'attributes.amount', op: 'greater-than', value: 500 }] }] },
      next: { large: 'reminded-large', else: 'reminded' },
    },
    'reminded-large': { type: 'end', position: { x: 1400, y: 0 }, config: { outcome: 'reminded-large' } },
    reminded: { type: 'end', position: { x: 1400, y: 200 }, config: { outcome: 'reminded' } },
    blocked: { type: 'end', position: { x: 400, y: 200 }, config: { outcome: 'blocked' } },
    'sms-failed': { type: 'end', position: { x: 600, y: 200 }, config: { outcome: 'sms-failed' } },
    'email-failed': { type: 'end', position: { x: 1200, y: 200 }, config: { outcome: 'email-failed' } },
  },
};

interface WorkerLife {
  pid: number;
  /** Killed while sends were under way: claimed but not yet offered, or accepted but not yet recorded. */
  duringSends?: 'claimed' | 'accepted';
  delayMs: number;
  /** From spawn to SIGKILL (or to exit, for a worker that was not killed). */
  livedMs: number;
  /** Events committed when the worker started and when it was killed. */
  seqAtStart: number;
  seqAtEnd: number;
  killed: boolean;
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Where the contacts were when it was killed, "node:status count". */
  cursorsAtKill?: string;
  /** The time of the run's last committed event when the worker was killed. */
  virtualAtKill?: number;
  /** Keys offered more than once so far. */
  repeatedKeys: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function spawnWorker(file: string): ChildProcess & { out: string[]; err: string[]; exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }> } {
  // `node --import tsx` keeps the worker a single process, so SIGKILL hits the process that writes (npx tsx would not).
  const child = spawn(process.execPath, ['--import', 'tsx', workerPath, file, runId, String(seed)], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  const out: string[] = [];
  const err: string[] = [];
  child.stdout!.setEncoding('utf8').on('data', (d: string) => out.push(d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => err.push(d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) => child.on('exit', (code, signal) => res({ code, signal })));
  return Object.assign(child, { out, err, exited });
}

describe('the interpreter survives SIGKILL', () => {
  const dir = mkdtempSync(join(tmpdir(), 'journey-crash-'));
  afterAll(() => {
    if (process.env.CRASH_KEEP) console.log(`crash test database kept in ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  });

  it(`runs ${contacts} contacts to completion through ${plannedKills} kills, each contact ending once, no key sent twice`, { timeout: 240_000 }, async () => {
    const file = join(dir, 'crash.db');
    const timings: Record<string, number> = {};
    let t = performance.now();
    const lap = (name: string) => {
      const now = performance.now();
      timings[name] = Math.round(now - t);
      t = now;
    };

    // --- Set-up: list, journey, run, all in the file the worker will use. ---
    const validation = validateJourney(journey);
    expect(validation.problems).toEqual([]);
    {
      const store = openStore(file);
      try {
        await migrate(store);
        await ensureContactList(store.db, listId, 'Crash test', startAt);
        const report = await importContactsCsv(store.db, Readable.from(contactsCsv(contacts)), { listId, now: startAt });
        expect(report.problems).toEqual([]);
        expect(report.imported).toBe(contacts);
        lap('import');
        const published = await publishJourney(store.db, journey, { author: 'crash test', message: 'crash test', now: startAt });
        const run = await startRun(store, {
          id: runId,
          journeyId: published.journeyId,
          version: published.version,
          listId,
          now: startAt,
          simulated: true,
          seed,
        });
        expect(run.status).toBe('running');
        lap('startRun');
      } finally {
        await store.close();
      }
    }

    // --- Kill and restart. The parent watches progress on a read-only connection of its own. ---
    const reader = new SQLite(file, { readonly: true, fileMustExist: true });
    const lives: WorkerLife[] = [];
    try {
      const maxSeq = () => Number((reader.prepare('select coalesce(max(seq), 0) as n from events').get() as { n: number }).n);
      const repeated = () => Number((reader.prepare('select count(*) as n from simulated_sends where attempts > 1').get() as { n: number }).n);
      const whereAreContacts = () =>
        (
          reader
            .prepare('select node_id, status, count(*) as n from cursors where run_id = ? group by node_id, status order by node_id, status')
            .all(runId) as { node_id: string; status: string; n: number }[]
        )
          .map((r) => `${r.node_id}:${r.status} ${r.n}`)
          .join(', ');
      const lastEventTime = () =>
        Number(
          (reader.prepare('select time from events where run_id = ? order by seq desc limit 1').get(runId) as { time: number } | undefined)?.time ?? startAt,
        );
      // Sends whose claim has committed (the claim pushes next_attempt_at out as a lease) and whose answer is not
      // recorded yet, split by whether the provider has accepted them already: 'claimed' ones are about to be handed to
      // the provider, 'accepted' ones were sent and only the record of it is missing. Random kills seldom hit either.
      const sendsUnderWay = (window: 'claimed' | 'accepted') =>
        Number(
          (
            reader
              .prepare(
                `select count(*) as n from outbox o where o.status = 'pending' and o.attempts = 0 and o.next_attempt_at > o.created_at
                   and ${window === 'accepted' ? '' : 'not '}exists (select 1 from simulated_sends s where s.idempotency_key = o.idempotency_key)`,
              )
              .get() as { n: number }
          ).n,
        );
      const random = seededRandom(seed, 'kill moments');

      for (let k = 0; k < plannedKills; k++) {
        // Each worker is killed at a random moment at least 300-2,500 ms after it starts, once it has committed
        // something, and once the run has reached the k-th slice of its virtual time: without that last condition every
        // kill would land in the first phase of the run. Most kills land inside a batch's transaction, where the
        // worker spends most of its time; every other kill also waits for sends under way, alternately before and
        // after the provider accepted them: the windows the lease and the idempotency keys protect.
        const window = k % 4 === 1 ? 'accepted' : k % 4 === 3 ? 'claimed' : undefined;
        const duringSends = window !== undefined && k < plannedKills - 1;
        const delayMs = Math.round(300 + random() * 2200);
        const target = startAt + Math.round(spanMs * ((k + random()) / plannedKills));
        const seqAtStart = maxSeq();
        const started = performance.now();
        const worker = spawnWorker(file);
        let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
        void worker.exited.then((e) => (exit = e));
        let cursorsAtKill: string | undefined;
        let virtualAtKill: number | undefined;
        for (;;) {
          await sleep(20);
          if (exit) break;
          if (performance.now() - started >= delayMs && maxSeq() > seqAtStart && lastEventTime() >= target && (!duringSends || sendsUnderWay(window!) > 0)) {
            worker.kill('SIGKILL');
            virtualAtKill = lastEventTime();
            cursorsAtKill = whereAreContacts();
            break;
          }
          if (performance.now() - started > 120_000)
            throw new Error(`Worker ${worker.pid} did not reach ${new Date(target).toISOString()} in 120 s: ${worker.err.join('')}`);
        }
        const livedMs = Math.round(performance.now() - started);
        const ended = await worker.exited;
        lives.push({
          pid: worker.pid!,
          ...(duringSends && { duringSends: window }),
          delayMs,
          livedMs,
          seqAtStart,
          seqAtEnd: maxSeq(),
          killed: ended.signal === 'SIGKILL',
          code: ended.code,
          signal: ended.signal,
          stdout: worker.out.join(''),
          stderr: worker.err.join(''),
          ...(cursorsAtKill !== undefined && { cursorsAtKill }),
          ...(virtualAtKill !== undefined && { virtualAtKill }),
          repeatedKeys: repeated(),
        });
        // A worker that exits by itself before its kill has either finished the run or failed: no more kills then.
        if (ended.signal !== 'SIGKILL') break;
      }
      lap('killed workers');

      // --- The last worker runs undisturbed to the end. ---
      const started = performance.now();
      const seqAtStart = maxSeq();
      const last = spawnWorker(file);
      const ended = await last.exited;
      lives.push({
        pid: last.pid!,
        delayMs: 0,
        livedMs: Math.round(performance.now() - started),
        seqAtStart,
        seqAtEnd: maxSeq(),
        killed: false,
        code: ended.code,
        signal: ended.signal,
        stdout: last.out.join(''),
        stderr: last.err.join(''),
        repeatedKeys: repeated(),
      });
      lap('final worker');

      // A worker started on a completed run has nothing to do and says so.
      const again = spawnWorker(file);
      const againEnded = await again.exited;
      expect({ code: againEnded.code, stdout: again.out.join(''), stderr: again.err.join('') }, 'a worker restarted after the run completed').toEqual({
        code: 0,
        stdout: 'done\n',
        stderr: '',
      });
      lap('restart after completion');
    } finally {
      reader.close();
    }

    const kills = lives.filter((l) => l.killed).length;
    console.log(`crash test: ${contacts} contacts, seed ${seed}, ${kills} kills`);
    for (const [i, l] of lives.entries()) {
      console.log(
        `  worker ${i + 1} (pid ${l.pid}): ${l.killed ? `killed after ${l.livedMs} ms (delay ${l.delayMs} ms) at run time ${new Date(l.virtualAtKill!).toISOString().slice(11, 19)}${l.duringSends ? ` with sends ${l.duringSends} but not recorded` : ''}` : `exited ${l.code ?? l.signal} after ${l.livedMs} ms`}, events ${l.seqAtStart} -> ${l.seqAtEnd}, keys offered more than once so far ${l.repeatedKeys}`,
      );
      if (l.cursorsAtKill) console.log(`    contacts at the kill: ${l.cursorsAtKill}`);
      const stderr = l.stderr.split('\n').filter((line) => line && !/: at \d{4}-/.test(line));
      if (!l.killed && stderr.length) console.log(`    stderr: ${stderr.join('\n    ')}`);
    }

    console.log(`  timings so far (ms): ${JSON.stringify(timings)}`);

    const last = lives.at(-1)!;
    expect(kills, 'workers killed with SIGKILL while the run was under way').toBeGreaterThanOrEqual(5);
    expect(
      lives
        .slice(0, -1)
        .filter((l) => !l.killed)
        .map((l) => ({ pid: l.pid, code: l.code, signal: l.signal, stderr: l.stderr })),
      'workers that stopped by themselves before their kill',
    ).toEqual([]);
    expect({ code: last.code, stdout: last.stdout, stderr: last.code === 0 ? '' : last.stderr }).toEqual({ code: 0, stdout: 'done\n', stderr: '' });

    // --- What the file says after the crashes. ---
    const store = openStore(file);
    try {
      const db = store.db;
      const run = await db.selectFrom('runs').selectAll().where('id', '=', runId).executeTakeFirstOrThrow();
      expect(run.status).toBe('completed');

      // Every contact ended exactly once.
      const completions = await db
        .selectFrom('events')
        .select(['contact_id', (eb) => eb.fn.countAll<number>().as('n')])
        .where('run_id', '=', runId)
        .where('type', '=', 'contact.completed')
        .groupBy('contact_id')
        .execute();
      const endedTwice = completions.filter((c) => Number(c.n) !== 1);
      expect(endedTwice, 'contacts with more than one contact.completed event').toEqual([]);
      const listIds = (await db.selectFrom('contacts').select('id').where('list_id', '=', listId).execute()).map((c) => c.id);
      expect(listIds.length).toBe(contacts);
      const completed = new Set(completions.map((c) => c.contact_id));
      expect(completed.size).toBe(contacts);
      expect(
        listIds.filter((id) => !completed.has(id)),
        'contacts that never ended',
      ).toEqual([]);
      const released = await db
        .selectFrom('events')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('run_id', '=', runId)
        .where('type', '=', 'contact.released')
        .executeTakeFirstOrThrow();
      expect(Number(released.n)).toBe(0);

      // Every cursor is done.
      const cursorStates = await db
        .selectFrom('cursors')
        .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
        .where('run_id', '=', runId)
        .groupBy('status')
        .execute();
      expect(Object.fromEntries(cursorStates.map((c) => [c.status, Number(c.n)]))).toEqual({ done: contacts });

      // No contact entered a step twice (the journey has no loops), and no reaction was recorded twice.
      const enteredTwice = await stepsEnteredTwice(db, runId);
      expect(enteredTwice, 'contacts that entered a step twice').toEqual([]);
      const onceTypes: EventType[] = ['sms.sent', 'sms.failed', 'sms.delivered', 'email.sent', 'email.bounced', 'email.delivered', 'contact.optedOut'];
      const doubled = await db
        .selectFrom('events')
        .select(['contact_id', 'type', 'node_id', (eb) => eb.fn.countAll<number>().as('n')])
        .where('run_id', '=', runId)
        .where('type', 'in', onceTypes)
        .groupBy(['contact_id', 'type', 'node_id'])
        .having((eb) => eb.fn.countAll(), '>', 1)
        .execute();
      expect(doubled, 'send outcomes and receipts recorded twice for one contact').toEqual([]);

      // No idempotency key in two outbox rows, nothing left pending, and the outbox and the provider agree on every send.
      const keysTwice = await db
        .selectFrom('outbox')
        .select(['idempotency_key', (eb) => eb.fn.countAll<number>().as('n')])
        .groupBy('idempotency_key')
        .having((eb) => eb.fn.countAll(), '>', 1)
        .execute();
      expect(keysTwice, 'idempotency keys in more than one outbox row').toEqual([]);
      const outbox = await db
        .selectFrom('outbox')
        .select(['channel', 'status', (eb) => eb.fn.countAll<number>().as('n')])
        .where('run_id', '=', runId)
        .groupBy(['channel', 'status'])
        .execute();
      expect(
        outbox.filter((o) => o.status === 'pending'),
        'outbox rows still pending',
      ).toEqual([]);
      const sentNotRecorded = await db
        .selectFrom('simulated_sends')
        .leftJoin('outbox', 'outbox.idempotency_key', 'simulated_sends.idempotency_key')
        .select(['simulated_sends.idempotency_key', 'outbox.status'])
        .where((eb) => eb.or([eb('outbox.status', 'is', null), eb('outbox.status', '!=', 'sent')]))
        .execute();
      expect(sentNotRecorded, 'sends the provider accepted that the outbox does not show as sent').toEqual([]);
      const recordedNotSent = await db
        .selectFrom('outbox')
        .leftJoin('simulated_sends', 'simulated_sends.idempotency_key', 'outbox.idempotency_key')
        .select(['outbox.idempotency_key'])
        .where('outbox.status', '=', 'sent')
        .where('simulated_sends.idempotency_key', 'is', null)
        .execute();
      expect(recordedNotSent, 'outbox rows marked sent that the provider never accepted').toEqual([]);

      // Per channel: one provider send per contact with a `*.sent` event.
      const channelCheck: Record<string, { providerSends: number; sentEvents: number; contactsSent: number }> = {};
      for (const [channel, type] of [
        ['sms', 'sms.sent'],
        ['email', 'email.sent'],
      ] as const) {
        const sends = await db
          .selectFrom('simulated_sends')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('channel', '=', channel)
          .where('idempotency_key', 'like', `${runId}:%`)
          .executeTakeFirstOrThrow();
        const sent = await db
          .selectFrom('events')
          .select([(eb) => eb.fn.countAll<number>().as('n'), (eb) => eb.fn.count<number>('contact_id').distinct().as('contacts')])
          .where('run_id', '=', runId)
          .where('type', '=', type)
          .executeTakeFirstOrThrow();
        channelCheck[channel] = { providerSends: Number(sends.n), sentEvents: Number(sent.n), contactsSent: Number(sent.contacts) };
      }
      console.log(`  sends: ${JSON.stringify(channelCheck)}`);
      expect(channelCheck.sms!.contactsSent).toBeGreaterThan(contacts / 2);
      expect(channelCheck.sms!.providerSends).toBe(channelCheck.sms!.contactsSent);
      expect(channelCheck.sms!.sentEvents).toBe(channelCheck.sms!.contactsSent);
      expect(channelCheck.email!.providerSends).toBe(channelCheck.email!.contactsSent);
      expect(channelCheck.email!.sentEvents).toBe(channelCheck.email!.contactsSent);

      // The counters agree with the events.
      const counted = await runMetrics(db, runId);
      const derived = await metricsFromEvents(db, runId);
      expect(counted).toEqual(derived);
      expect(counted.active).toBe(0);
      expect(Object.values(counted.outcomes).reduce((a, b) => a + b, 0)).toBe(contacts);

      const retried = await db
        .selectFrom('simulated_sends')
        .select(['channel', (eb) => eb.fn.countAll<number>().as('n'), (eb) => eb.fn.max('attempts').as('max')])
        .where('attempts', '>', 1)
        .groupBy('channel')
        .execute();
      const repeatedKeys = retried.reduce((a, r) => a + Number(r.n), 0);
      lap('checks');
      console.log(`  outcomes: ${JSON.stringify(counted.outcomes)}`);
      console.log(`  outbox: ${outbox.map((o) => `${o.channel}/${o.status} ${o.n}`).join(', ')}`);
      console.log(
        `  kills: ${kills}; keys offered more than once (attempts > 1, made harmless by the key): ${repeatedKeys}${retried.length ? ` (${retried.map((r) => `${r.channel} ${r.n}, at most ${r.max} offers`).join('; ')})` : ''}`,
      );
      console.log(`  timings (ms): ${JSON.stringify(timings)}`);
    } finally {
      await store.close();
    }
  });
});
