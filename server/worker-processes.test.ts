// One API server without the runtime and two workers, each a `journey` process of its own on one PostgreSQL database,
// as a deployment runs them: runs started through the API are played by the workers to completion, and the API's
// live hub shows their counts. The invariants are the scale-out test's: each contact ends once, nothing is sent twice,
// the counters equal the events.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { stepsEnteredTwice } from '../runtime/engine/run-checks.ts';
import { metricsFromEvents, runMetrics } from '../runtime/metrics.ts';
import { openStore, type Store } from '../runtime/store/dialect.ts';
import { postgresUrl, withDatabase } from '../runtime/store/test-stores.ts';
import { followRun } from './live/follow.ts';

const repoRoot = join(import.meta.dirname, '..');
const bin = join(repoRoot, 'server', 'bin', 'journey.mjs');
const contacts = 80;

/** A text, an hour's wait, then an email: played on a virtual clock by whichever worker takes it up. */
const texts = {
  schemaVersion: 1,
  id: 'texts',
  name: 'Texts',
  settings: { timezone: 'America/New_York', compliance: 'US', helpContact: 'Call 0800 555 0100' },
  nodes: {
    start: { type: 'start', position: { x: 0, y: 0 }, config: { audience: { list: 'people' } }, next: { out: 'gate' } },
    gate: { type: 'compliance-gate', position: { x: 100, y: 0 }, config: { channel: 'sms', checks: ['dnc'] }, next: { allowed: 'sms', blocked: 'done' } },
    sms: { type: 'sms', position: { x: 200, y: 0 }, config: { body: 'Hi {{ contact.firstName }}', trackLinks: false }, next: { sent: 'wait', failed: 'done' } },
    wait: { type: 'wait', position: { x: 300, y: 0 }, config: { duration: 'PT1H' }, next: { out: 'mail-gate' } },
    'mail-gate': {
      type: 'compliance-gate',
      position: { x: 400, y: 0 },
      config: { channel: 'email', checks: ['dnc'] },
      next: { allowed: 'email', blocked: 'done' },
    },
    email: {
      type: 'email',
      position: { x: 500, y: 0 },
      config: { subject: 'Hello', text: 'Hello {{ contact.firstName }}', trackOpens: false, trackLinks: false },
      next: { sent: 'done', failed: 'done' },
    },
    done: { type: 'end', position: { x: 600, y: 0 }, config: { outcome: 'done' } },
  },
};

/** A live run on the real clock: a webhook per contact to a server of this test, which counts each idempotency key. */
const hooks = (port: number) => ({
  schemaVersion: 1,
  id: 'hooks',
  name: 'Hooks',
  settings: { timezone: 'America/New_York', compliance: 'US' },
  nodes: {
    start: { type: 'start', position: { x: 0, y: 0 }, config: { audience: { list: 'people' } }, next: { out: 'hook' } },
    hook: {
      type: 'webhook',
      position: { x: 200, y: 0 },
      config: { url: `http://127.0.0.1:${port}/contacts/{{ contact.id }}`, method: 'POST', body: '{"name": "{{ contact.firstName }}"}' },
      next: { ok: 'done', error: 'failed' },
    },
    done: { type: 'end', position: { x: 400, y: 0 }, config: { outcome: 'done' } },
    failed: { type: 'end', position: { x: 400, y: 100 }, config: { outcome: 'failed' } },
  },
});

function csv(): string {
  const lines = ['external_id,first_name,phone,email,timezone,consent_sms,consent_email'];
  for (let i = 0; i < contacts; i++) lines.push(`W${i},Pat${i},+1202555${String(i).padStart(4, '0')},pat${i}@example.com,America/New_York,yes,yes`);
  return lines.join('\n');
}

interface Journey extends ChildProcess {
  out: string[];
  err: string[];
  /** Resolves with the first match of `pattern` on stdout; rejects if the process ends first. */
  line(pattern: RegExp): Promise<RegExpExecArray>;
}

/** `journey ...args` as a process of its own, the way an operator starts one. */
function journey(args: string[], env: NodeJS.ProcessEnv): Journey {
  const child = spawn(process.execPath, [bin, ...args], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] }) as Journey;
  child.out = [];
  child.err = [];
  const waiting: (() => void)[] = [];
  child.stdout!.on('data', (chunk: Buffer) => {
    child.out.push(chunk.toString());
    for (const check of waiting) check();
  });
  child.stderr!.on('data', (chunk: Buffer) => child.err.push(chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.line = (pattern) =>
    new Promise((resolve, reject) => {
      const check = () => {
        const match = pattern.exec(child.out.join(''));
        if (match) resolve(match);
      };
      waiting.push(check);
      check();
      void exited.then(() => reject(new Error(`journey ${args[0]} ended before printing ${pattern}: ${child.out.join('')}${child.err.join('')}`)));
    });
  return child;
}

async function stop(child: Journey): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/** The scale-out test's invariants for one run, read from the store. */
async function expectPlayedOnce(store: Store, runId: string): Promise<void> {
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
  expect(await stepsEnteredTwice(db, runId)).toEqual([]);
  const outbox = await db.selectFrom('outbox').select(['idempotency_key', 'status']).where('run_id', '=', runId).execute();
  expect(outbox.length).toBeGreaterThan(0);
  expect(new Set(outbox.map((o) => o.idempotency_key)).size).toBe(outbox.length);
  expect(outbox.filter((o) => o.status === 'pending')).toEqual([]);
  const sent = await db
    .selectFrom('events')
    .select(['contact_id', 'node_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('run_id', '=', runId)
    .where('type', 'in', ['sms.sent', 'email.sent', 'webhook.called'])
    .groupBy(['contact_id', 'node_id'])
    .execute();
  expect(sent.filter((s) => Number(s.n) !== 1)).toEqual([]);
  expect(sent.length).toBe(outbox.filter((o) => o.status === 'sent').length);
  expect(await db.selectFrom('cursors').select('status').where('run_id', '=', runId).where('status', '!=', 'done').execute()).toEqual([]);
  expect(await runMetrics(db, runId)).toEqual(await metricsFromEvents(db, runId));
}

describe.runIf(postgresUrl)('an API server and two workers as processes on one PostgreSQL database', () => {
  it('play runs started through the API to completion, each once, with the counts live on the API server', async () => {
    await withDatabase('worker_processes', async (url) => {
      // The processes run the compiled build, as an installed package does, and start in a second rather than in ten.
      execFileSync(process.execPath, ['--import', 'tsx', join(repoRoot, 'scripts', 'build.ts'), '--if-stale', '--part', 'server'], {
        cwd: repoRoot,
        stdio: 'pipe',
      });
      const dir = mkdtempSync(join(tmpdir(), 'worker-processes-'));
      // Each webhook call by its idempotency key: a key called twice would be a contact sent twice.
      const calls = new Map<string, number>();
      const receiver = createServer((request, response) => {
        const key = String(request.headers['idempotency-key']);
        calls.set(key, (calls.get(key) ?? 0) + 1);
        request.resume();
        request.on('end', () => response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'));
      });
      await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
      const env = { ...process.env, DATABASE_URL: url, JOURNEY_WEBHOOK_ALLOW: '127.0.0.1/32', JOURNEY_PUBLIC_URL: 'http://127.0.0.1' };
      const processes: Journey[] = [];
      const store = openStore(url);
      try {
        // The token first: it migrates the new database, which the three processes then find ready.
        const tokenMaker = journey(['token', 'create', '--name', 'test', '--role', 'admin'], env);
        const token = (await tokenMaker.line(/^(\S+)\n/))[1]!;
        const api = journey(['serve', '--no-runtime', '--port', '0', '--host', '127.0.0.1', '--editor', join(dir, 'no-editor')], env);
        const workers = [journey(['worker'], env), journey(['worker'], env)];
        processes.push(api, ...workers);
        const [address] = await Promise.all([api.line(/Journey builder on (http:\/\/\S+)/), ...workers.map((w) => w.line(/Journey worker \d+ playing runs/))]);
        const base = address[1]!;
        await api.line(/No runtime in this process/);

        const call = async (method: string, path: string, body: string, type = 'application/json') => {
          const response = await fetch(`${base}/api${path}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': type }, body });
          expect(response.ok, `${method} ${path}: ${response.status} ${await response.clone().text()}`).toBe(true);
          return response.json() as Promise<{ id: string; status: string }>;
        };
        const hooksJourney = hooks((receiver.address() as AddressInfo).port);
        for (const document of [texts, hooksJourney]) {
          await call('POST', '/journeys', JSON.stringify(document));
          await call('POST', `/journeys/${document.id}/versions`, JSON.stringify({ message: 'first' }));
        }
        await call('PUT', '/contact-lists/people/csv?region=US', csv(), 'text/csv');

        // Two simulated runs, each on its own virtual clock, and a live one that every worker takes contacts of.
        const simulated = [
          await call('POST', '/runs', JSON.stringify({ journeyId: 'texts', mode: 'simulated', seed: 3, startAt: '2026-03-16T14:00:00Z' })),
          await call('POST', '/runs', JSON.stringify({ journeyId: 'texts', mode: 'simulated', seed: 4, startAt: '2026-03-16T14:00:00Z' })),
        ];
        const canvas = await followRun(base, token, simulated[0]!.id);
        const live = await call('POST', '/runs', JSON.stringify({ journeyId: 'hooks', mode: 'live' }));

        // The API server's hub learns of the progress from the counters the workers write, up to the end.
        const final = await canvas.ended;
        canvas.close();
        expect(final.status).toBe('completed');
        const status = async (id: string) => (await (await fetch(`${base}/api/runs/${id}`, { headers: { authorization: `Bearer ${token}` } })).json()) as any;
        expect(final.metrics).toEqual((await status(simulated[0]!.id)).metrics);
        for (const run of [simulated[1]!, live]) {
          await vi.waitFor(async () => expect((await status(run.id)).status).toBe('completed'), { timeout: 40_000, interval: 200 });
        }

        for (const run of [...simulated, live]) await expectPlayedOnce(store, run.id);
        // Each simulated run was played by one worker, on one clock.
        const logs = workers.map((w) => w.out.join('')).join('');
        for (const run of simulated) expect(logs.split(`Playing the simulated run ${run.id} `).length - 1).toBe(1);
        // Every contact's webhook reached the receiver once.
        expect(calls.size).toBe(contacts);
        expect([...calls.values()].filter((n) => n !== 1)).toEqual([]);
      } finally {
        await Promise.all(processes.map(stop));
        await store.close();
        await new Promise((resolve) => receiver.close(resolve));
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }, 120_000);
});
