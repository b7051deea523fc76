// The soak test: the real server (journey serve) on an embedded SQLite file, with simulated providers, under a steady
// mix of API calls, WebSocket followers, CSV imports and runs started and stopped, for N minutes. It watches the server
// process's memory and event loop and says whether memory keeps growing.
//
//   npm run soak -- --minutes 20 --json
//
// Everything goes to 127.0.0.1 on a port the server picks; the server, its data and the load all stop at the end.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { openStore } from '../runtime/store/dialect.ts';
import { migrate } from '../runtime/store/migrate.ts';
import { createToken } from '../runtime/store/repositories/tokens.ts';
import { followRun, type Follower } from '../server/live/follow.ts';
import { WebSocket } from 'ws';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    json: { type: 'boolean', default: false },
    // Concurrent API clients; each waits a little between calls, so that the load is steady rather than flat out.
    clients: { type: 'string', default: '4' },
    'think-ms': { type: 'string', default: '100' },
    followers: { type: 'string', default: '8' },
  },
});
const minutes = Number(values.minutes);
const clients = Number(values.clients);
const thinkMs = Number(values['think-ms']);
const maxFollowers = Number(values.followers);
if (!(minutes > 0 && minutes <= 24 * 60)) throw new Error(`--minutes must be a number of minutes up to a day, not "${values.minutes}"`);
if (!Number.isInteger(clients) || clients < 1 || clients > 64) throw new Error(`--clients must be 1 to 64, not "${values.clients}"`);
const log = (line: string) => process.stderr.write(`soak: ${line}\n`);

const repoRoot = join(import.meta.dirname, '..');
const lists = ['soak-0', 'soak-1', 'soak-2', 'soak-3'];

/**
 * Text, wait, email: a live run holds its contacts in the wait for `wait`, so live runs overlap and some are stopped
 * with contacts still inside; a simulated run plays through on its own clock.
 */
function journey(wait: string) {
  return {
    schemaVersion: 1,
    id: 'soak',
    name: 'Soak',
    settings: { timezone: 'America/New_York', compliance: 'US', helpContact: 'Call 0800 555 0100' },
    nodes: {
      start: { type: 'start', position: { x: 0, y: 0 }, config: { audience: { list: lists[0] } }, next: { out: 'gate' } },
      // No hours check: the soak runs at any hour, and a live run outside them would only wait.
      gate: {
        type: 'compliance-gate',
        position: { x: 200, y: 0 },
        config: { channel: 'sms', checks: ['dnc', 'consent'] },
        next: { allowed: 'sms', blocked: 'blocked' },
      },
      sms: { type: 'sms', position: { x: 400, y: 0 }, config: { body: 'Hi {{ contact.firstName }}' }, next: { sent: 'wait', failed: 'failed' } },
      wait: { type: 'wait', position: { x: 600, y: 0 }, config: { duration: wait }, next: { out: 'email-gate' } },
      'email-gate': {
        type: 'compliance-gate',
        position: { x: 800, y: 0 },
        config: { channel: 'email', checks: ['dnc', 'consent'] },
        next: { allowed: 'email', blocked: 'blocked' },
      },
      email: {
        type: 'email',
        position: { x: 1000, y: 0 },
        config: { subject: 'Hello', text: 'Hello {{ contact.firstName }}', trackOpens: false, trackLinks: false },
        next: { sent: 'done', failed: 'failed' },
      },
      done: { type: 'end', position: { x: 1200, y: 0 }, config: { outcome: 'completed' } },
      blocked: { type: 'end', position: { x: 400, y: 200 }, config: { outcome: 'blocked' } },
      failed: { type: 'end', position: { x: 1200, y: 200 }, config: { outcome: 'failed' } },
    },
  };
}

/**
 * Live texts are checked against texting hours (08:00-21:00 in the contact's zone) as they go out, and the soak runs at
 * any hour: contacts live in whichever of these zones is nearest early afternoon when it starts.
 */
const zone = (() => {
  const zones = [
    'Pacific/Honolulu',
    'America/Los_Angeles',
    'America/Chicago',
    'America/New_York',
    'Europe/London',
    'Europe/Berlin',
    'Asia/Kolkata',
    'Asia/Shanghai',
    'Asia/Tokyo',
    'Pacific/Auckland',
  ];
  const hour = (z: string) => Number(new Intl.DateTimeFormat('en-GB', { timeZone: z, hour: 'numeric', hourCycle: 'h23' }).format(new Date()));
  return zones.reduce((best, z) => (Math.abs(hour(z) - 13) < Math.abs(hour(best) - 13) ? z : best));
})();

/** A small CSV; `batch` shifts which of a fixed pool of 400 people it holds, so imports update rather than pile up. */
function csv(batch: number, rows: number): string {
  const lines = ['id,first_name,last_name,phone,email,timezone,consent_sms,consent_email,order'];
  for (let r = 0; r < rows; r++) {
    const i = (batch * rows + r) % 400;
    lines.push(`${i},Person${i},Soak,+1212234${String(i).padStart(4, '0')},person${i}@example.com,${zone},yes,yes,${(i * 37) % 1000}`);
  }
  return `${lines.join('\n')}\n`;
}

// --- Measurements ---

const latencies: number[] = [];
const byKind = new Map<string, number[]>();
const errors = new Map<string, number>();
const expected = new Map<string, number>();
const counts = { requests: 0, imports: 0, importedRows: 0, simulatedRuns: 0, liveRuns: 0, stops: 0, wsOpened: 0, wsMessages: 0, wsErrors: 0 };
const bump = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);

/** Percentile of sorted values (nearest rank). */
function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}
const round = (value: number, places = 1) => Math.round(value * 10 ** places) / 10 ** places;

/** Least-squares slope of y over x. */
function slope(points: { x: number; y: number }[]): number {
  if (points.length < 2) return 0;
  const mx = points.reduce((a, p) => a + p.x, 0) / points.length;
  const my = points.reduce((a, p) => a + p.y, 0) / points.length;
  const num = points.reduce((a, p) => a + (p.x - mx) * (p.y - my), 0);
  const den = points.reduce((a, p) => a + (p.x - mx) ** 2, 0);
  return den ? num / den : 0;
}

// --- The server ---

interface Server {
  child: ChildProcess;
  url: string;
  /** The server's inspector (DevTools protocol) on 127.0.0.1, through which the soak reads its live heap. */
  inspector: string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output: string[];
}

async function startServerProcess(dir: string, file: string): Promise<Server> {
  // Simulated providers only: no SMTP relay or Twilio account is handed down, whatever this shell has.
  const env = { ...process.env };
  for (const name of ['DATABASE_URL', 'SMTP_URL', 'EMAIL_FROM', 'TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN', 'TWILIO_FROM', 'TWILIO_API_URL', 'PORT'])
    delete env[name];
  const child = spawn(
    process.execPath,
    // The inspector, on 127.0.0.1 and a port the system picks, lets the soak collect garbage before it reads the heap.
    [
      '--inspect=127.0.0.1:0',
      join(repoRoot, 'server/bin/journey.mjs'),
      'serve',
      '--host',
      '127.0.0.1',
      '--port',
      '0',
      '--database',
      file,
      '--editor',
      join(dir, 'no-editor'),
    ],
    {
      cwd: dir,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const output: string[] = [];
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const { url, inspector } = await new Promise<{ url: string; inspector: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`The server did not start within 60 s:\n${output.join('')}`)), 60_000);
    let listening = false;
    const seen = (chunk: Buffer) => {
      output.push(chunk.toString());
      // Only the last lines are kept: a server that logs a lot must not make the soak's own memory grow.
      if (output.length > 200) output.splice(0, output.length - 200);
      if (listening) return;
      const text = output.join('');
      const m = /Journey builder on (http:\/\/[^\s]+)/.exec(text);
      const i = /Debugger listening on (ws:\/\/[^\s]+)/.exec(text);
      if (m && i) {
        listening = true;
        clearTimeout(timer);
        resolve({ url: m[1]!, inspector: i[1]! });
      }
    };
    child.stdout!.on('data', seen);
    child.stderr!.on('data', seen);
    void exited.then(({ code, signal }) => reject(new Error(`The server exited (${code ?? signal}) before it listened:\n${output.join('')}`)));
  });
  return { child, url, inspector, exited, output };
}

/**
 * The server's live JavaScript heap: a full garbage collection, then the heap in use, through the inspector. Unlike
 * RSS or a heap gauge read at a random moment, this does not rise and fall with garbage not yet collected or with
 * memory the allocator keeps, so its trend is the one that shows a leak.
 */
async function liveHeapReader(address: string): Promise<{ read: () => Promise<number>; close: () => void }> {
  const socket = new WebSocket(address);
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  let next = 0;
  const waiting = new Map<number, { resolve: (result: unknown) => void; reject: (error: Error) => void }>();
  socket.on('message', (data) => {
    const message = JSON.parse(String(data)) as { id?: number; result?: unknown; error?: { message: string } };
    const pending = message.id === undefined ? undefined : waiting.get(message.id);
    if (!pending) return;
    waiting.delete(message.id!);
    if (message.error) pending.reject(new Error(`inspector: ${message.error.message}`));
    else pending.resolve(message.result);
  });
  const send = (method: string) =>
    new Promise<unknown>((resolve, reject) => {
      const id = ++next;
      waiting.set(id, { resolve, reject });
      socket.send(JSON.stringify({ id, method }));
    });
  return {
    read: async () => {
      await send('HeapProfiler.collectGarbage');
      const { usedSize } = (await send('Runtime.getHeapUsage')) as { usedSize: number };
      return usedSize;
    },
    close: () => socket.close(),
  };
}

/** The server process's resident memory, from /proc where there is one. */
function rssOf(pid: number): number | undefined {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

// --- The load ---

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'journey-soak-'));
  const file = join(dir, 'soak.db');
  // The token is made in the store before the server starts, so the soak does not depend on how first sign-in works.
  const setup = openStore(file);
  await migrate(setup);
  const { token } = await createToken(setup.db, { name: 'soak', role: 'admin', now: Date.now() });
  await setup.close();

  const server = await startServerProcess(dir, file);
  serverChild = server.child;
  const pid = server.child.pid!;
  const liveHeap = await liveHeapReader(server.inspector);
  log(`server ${pid} on ${server.url}; contacts in ${zone}; ${minutes} min, ${clients} API clients, up to ${maxFollowers} WebSocket followers`);
  const headers = { authorization: `Bearer ${token}` };

  /** One call; anything but an expected status is an error of its kind (method, route, status). */
  async function call(
    kind: string,
    method: string,
    path: string,
    options: { body?: unknown; csv?: string; ok?: number[]; alsoFine?: number[] } = {},
  ): Promise<unknown> {
    const started = performance.now();
    let status = 0;
    try {
      const response = await fetch(`${server.url}${path}`, {
        method,
        headers: {
          ...headers,
          ...(options.body !== undefined && { 'content-type': 'application/json' }),
          ...(options.csv !== undefined && { 'content-type': 'text/csv' }),
        },
        ...(options.body !== undefined && { body: JSON.stringify(options.body) }),
        ...(options.csv !== undefined && { body: options.csv }),
        signal: AbortSignal.timeout(30_000),
      });
      status = response.status;
      const text = await response.text();
      const ms = performance.now() - started;
      counts.requests++;
      latencies.push(ms);
      const list = byKind.get(kind) ?? [];
      list.push(ms);
      byKind.set(kind, list);
      if ((options.ok ?? [200]).includes(status)) return response.headers.get('content-type')?.startsWith('application/json') ? JSON.parse(text) : text;
      if (options.alsoFine?.includes(status)) {
        if (!expected.has(`${kind} ${status}`)) log(`${kind} answered ${status} (expected now and then): ${text.slice(0, 300)}`);
        bump(expected, `${kind} ${status}`);
        return undefined;
      }
      bump(errors, `${kind} ${status}`);
      if (errors.size < 20) log(`${kind} answered ${status}: ${text.slice(0, 300)}`);
      return undefined;
    } catch (error) {
      bump(errors, `${kind} ${error instanceof Error ? error.name : 'error'}`);
      log(`${kind} failed: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    }
  }

  // Setup through the API: the journey (a live wait of 20 s), published, and the lists.
  await call('POST /api/journeys', 'POST', '/api/journeys', { body: journey('PT20S'), ok: [201] });
  await call('POST /api/journeys/:id/versions', 'POST', '/api/journeys/soak/versions', { body: { message: 'soak' }, ok: [201] });
  for (const [i, list] of lists.entries()) await call('PUT /api/contact-lists/:id/csv', 'PUT', `/api/contact-lists/${list}/csv`, { csv: csv(i, 50) });

  const runs: { id: string; mode: 'live' | 'simulated'; at: number }[] = [];
  const followers = new Set<Follower>();
  let stopping = false;

  /** Follows a run over the live hub for a while; the follower closes itself when the run ends or after 30 s. */
  async function follow(runId: string) {
    if (followers.size >= maxFollowers) return;
    let follower: Follower;
    try {
      follower = await followRun(server.url, token, runId);
    } catch (error) {
      counts.wsErrors++;
      bump(errors, `WS connect ${error instanceof Error ? error.message.slice(0, 60) : 'error'}`);
      return;
    }
    counts.wsOpened++;
    followers.add(follower);
    const timer = setTimeout(() => finish(), 30_000);
    let done = false;
    const finish = (error?: unknown) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      counts.wsMessages += follower.received.length;
      // Received messages are counted, then dropped with the follower.
      if (error && !stopping) {
        counts.wsErrors++;
        bump(errors, `WS ${error instanceof Error ? error.message.slice(0, 60) : 'error'}`);
      }
      followers.delete(follower);
      follower.close();
    };
    follower.ended.then(
      () => finish(),
      (error: unknown) => finish(error),
    );
  }

  let batch = 0;
  let dncSeq = 0;
  const recent = (mode?: 'live' | 'simulated') => {
    const pool = runs.slice(-20).filter((r) => !mode || r.mode === mode);
    return pool[Math.floor(Math.random() * pool.length)];
  };
  const pick = <T>(items: readonly T[]) => items[Math.floor(Math.random() * items.length)]!;

  async function startRunOf(mode: 'live' | 'simulated') {
    const run = (await call('POST /api/runs', 'POST', '/api/runs', {
      body: { journeyId: 'soak', listId: pick(lists), mode, seed: runs.length + 1 },
      ok: [201],
    })) as { id: string } | undefined;
    if (!run) return;
    runs.push({ id: run.id, mode, at: Date.now() });
    // Only the last runs are kept to pick from: the soak's own memory stays flat.
    if (runs.length > 50) runs.splice(0, runs.length - 50);
    if (mode === 'live') counts.liveRuns++;
    else counts.simulatedRuns++;
    void follow(run.id);
  }

  /** The mix: mostly reads, as an editor and dashboards make; now and then an import, a run, a stop, a save. */
  const actions: [number, () => Promise<unknown>][] = [
    [10, () => call('GET /api/journeys', 'GET', '/api/journeys')],
    [5, () => call('GET /api/journeys/:id', 'GET', '/api/journeys/soak')],
    [3, () => call('GET /api/journeys/:id/versions', 'GET', '/api/journeys/soak/versions')],
    [10, () => call('GET /api/runs', 'GET', '/api/runs?limit=20')],
    [
      8,
      async () => {
        const r = recent();
        if (r) await call('GET /api/runs/:id', 'GET', `/api/runs/${r.id}`);
      },
    ],
    [
      12,
      async () => {
        const r = recent();
        if (r) await call('GET /api/runs/:id/metrics', 'GET', `/api/runs/${r.id}/metrics`);
      },
    ],
    [
      3,
      async () => {
        const r = recent();
        if (r) await call('GET /api/runs/:id/events', 'GET', `/api/runs/${r.id}/events?limit=50`);
      },
    ],
    [4, () => call('GET /metrics', 'GET', '/metrics')],
    [
      10,
      () =>
        call(
          'GET /api/compliance/check',
          'GET',
          `/api/compliance/check?profile=US&channel=${pick(['sms', 'voice', 'email'])}&phone=%2B1212234${String(Math.floor(Math.random() * 400)).padStart(4, '0')}&email=person${Math.floor(Math.random() * 400)}%40example.com`,
        ),
    ],
    [8, () => call('GET /api/do-not-contact', 'GET', '/api/do-not-contact?limit=100')],
    [4, () => call('GET /api/do-not-contact/history', 'GET', '/api/do-not-contact/history')],
    // A bounded pool of addresses, so that the list reaches a steady size; adding one already listed changes nothing.
    [
      1,
      () =>
        call('POST /api/do-not-contact', 'POST', '/api/do-not-contact', {
          body: { channel: 'sms', value: `+1312234${String(dncSeq++ % 200).padStart(4, '0')}`, reason: 'soak' },
          ok: [201],
        }),
    ],
    [3, () => call('GET /api/contact-lists', 'GET', '/api/contact-lists')],
    [
      3,
      async () => {
        const report = (await call('PUT /api/contact-lists/:id/csv', 'PUT', `/api/contact-lists/${pick(lists)}/csv`, { csv: csv(++batch, 20) })) as
          | { report?: { imported?: number } }
          | undefined;
        if (report) counts.imports++;
        counts.importedRows += 20;
      },
    ],
    [1, () => call('PUT /api/journeys/:id', 'PUT', '/api/journeys/soak', { body: journey('PT20S') })],
    [2, () => startRunOf('simulated')],
    [
      2,
      async () => {
        // A handful of live runs at once at most: each holds its contacts for 20 s of wall time.
        const live = runs.filter((r) => r.mode === 'live' && Date.now() - r.at < 25_000).length;
        if (live < 4) await startRunOf('live');
      },
    ],
    [
      2,
      async () => {
        const r = recent('live') ?? recent();
        if (!r) return;
        // A run that already ended cannot be stopped, and says so with 409: that is the API working, not an error.
        const stopped = await call('POST /api/runs/:id/stop', 'POST', `/api/runs/${r.id}/stop`, { body: { reason: 'soak' }, alsoFine: [409] });
        if (stopped) counts.stops++;
      },
    ],
    [
      3,
      async () => {
        const r = recent();
        if (r) await follow(r.id);
      },
    ],
  ];
  const total = actions.reduce((a, [w]) => a + w, 0);
  const choose = () => {
    let x = Math.random() * total;
    for (const [w, action] of actions) {
      x -= w;
      if (x < 0) return action;
    }
    return actions[0]![1];
  };

  // --- Sampling the server process ---
  const began = Date.now();
  const deadline = began + minutes * 60_000;
  const samples: { minute: number; rssMB: number; heapMB?: number }[] = [];
  let lastMetrics = '';
  const gauge = (text: string, name: string) => {
    const m = new RegExp(`^${name.replace(/[{}"]/g, '\\$&')} ([\\d.e+-]+)$`, 'm').exec(text);
    return m ? Number(m[1]) : undefined;
  };
  async function sample() {
    const text = (await call('GET /metrics', 'GET', '/metrics')) as string | undefined;
    if (text) lastMetrics = text;
    const rss = rssOf(pid) ?? (text ? gauge(text, 'process_resident_memory_bytes') : undefined);
    const heap = text ? gauge(text, 'nodejs_heap_used_bytes') : undefined;
    if (rss !== undefined) samples.push({ minute: (Date.now() - began) / 60_000, rssMB: rss / 2 ** 20, ...(heap !== undefined && { heapMB: heap / 2 ** 20 }) });
  }
  /** The live heap after a full collection, once a minute: a collection takes the server some milliseconds. */
  const heapSamples: { minute: number; liveMB: number }[] = [];
  async function sampleLiveHeap() {
    try {
      heapSamples.push({ minute: (Date.now() - began) / 60_000, liveMB: (await liveHeap.read()) / 2 ** 20 });
    } catch (error) {
      log(`could not read the live heap: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  await sample();
  await sampleLiveHeap();
  const sampler = setInterval(() => void sample(), 5_000);
  const heapSampler = setInterval(() => void sampleLiveHeap(), 60_000);
  const progress = setInterval(() => {
    const last = samples.at(-1);
    log(
      `${round((Date.now() - began) / 60_000)} min: ${counts.requests} requests, ${[...errors.values()].reduce((a, b) => a + b, 0)} errors, RSS ${last ? round(last.rssMB) : '?'} MB, ${followers.size} followers`,
    );
  }, 60_000);

  const worker = async () => {
    while (Date.now() < deadline) {
      await choose()();
      await new Promise((resolve) => setTimeout(resolve, thinkMs * (0.5 + Math.random())));
    }
  };
  try {
    await Promise.all(Array.from({ length: clients }, worker));
  } finally {
    stopping = true;
    clearInterval(sampler);
    clearInterval(heapSampler);
    clearInterval(progress);
  }
  await sample();
  await sampleLiveHeap();
  liveHeap.close();
  for (const f of [...followers]) f.close();
  const ended = Date.now();

  // --- Stop the server as an operator would, and wait for it ---
  server.child.kill('SIGTERM');
  const exit = await Promise.race([server.exited, delay(30_000, undefined, { ref: false })]);
  if (!exit) {
    server.child.kill('SIGKILL');
    await server.exited;
  }
  rmSync(dir, { recursive: true, force: true });

  // --- The figures ---
  latencies.sort((a, b) => a - b);
  const lastHalf = samples.filter((s) => s.minute >= minutes / 2);
  const rssSlope = slope(lastHalf.map((s) => ({ x: s.minute, y: s.rssMB })));
  const heapSlope = slope(lastHalf.filter((s) => s.heapMB !== undefined).map((s) => ({ x: s.minute, y: s.heapMB! })));
  const firstHalfMax = Math.max(...samples.filter((s) => s.minute < minutes / 2).map((s) => s.rssMB));
  const endRss = samples.at(-1)?.rssMB ?? 0;
  const heapLastHalf = heapSamples.filter((s) => s.minute >= minutes / 2);
  const liveSlope = slope(heapLastHalf.map((s) => ({ x: s.minute, y: s.liveMB })));
  const liveFirstHalfMax = Math.max(...heapSamples.filter((s) => s.minute < minutes / 2).map((s) => s.liveMB));
  const liveEnd = heapSamples.at(-1)?.liveMB ?? 0;
  // Bounded: over the last half, each of the live heap and resident memory grows by less than 1 MB a minute (60 MB an
  // hour would show within a day), or ends no higher than its first half's peak.
  const liveBounded = heapSamples.length >= 4 && (liveSlope < 1 || liveEnd <= liveFirstHalfMax);
  const rssBounded = rssSlope < 1 || endRss <= firstHalfMax;
  const memoryBounded = liveBounded && rssBounded;
  const errorCount = [...errors.values()].reduce((a, b) => a + b, 0);
  const seconds = (ended - began) / 1000;
  const perKind = Object.fromEntries(
    [...byKind.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([kind, ms]) => {
        ms.sort((a, b) => a - b);
        return [kind, { n: ms.length, p50: round(percentile(ms, 50)), p99: round(percentile(ms, 99)) }];
      }),
  );
  const result = {
    date: new Date(began).toISOString(),
    minutes,
    cores: availableParallelism(),
    node: process.version,
    server: 'journey serve on an embedded SQLite file, 127.0.0.1, simulated providers',
    load: { apiClients: clients, thinkMs, maxFollowers },
    requests: { served: counts.requests, perSecond: round(counts.requests / seconds), errors: errorCount },
    errorsByKind: Object.fromEntries(errors),
    expectedRefusals: Object.fromEntries(expected),
    latencyMs: { p50: round(percentile(latencies, 50)), p99: round(percentile(latencies, 99)), max: round(latencies.at(-1) ?? 0) },
    perKind,
    work: {
      imports: counts.imports,
      importedRows: counts.importedRows,
      simulatedRuns: counts.simulatedRuns,
      liveRuns: counts.liveRuns,
      stopsAccepted: counts.stops,
    },
    webSockets: { opened: counts.wsOpened, messages: counts.wsMessages, errors: counts.wsErrors },
    rssMB: {
      start: round(samples[0]?.rssMB ?? 0),
      end: round(endRss),
      max: round(Math.max(...samples.map((s) => s.rssMB))),
      firstHalfMax: round(firstHalfMax),
      samples: samples.length,
    },
    heapUsedMB: { start: round(samples[0]?.heapMB ?? 0), end: round(samples.at(-1)?.heapMB ?? 0) },
    liveHeapAfterGcMB: {
      start: round(heapSamples[0]?.liveMB ?? 0),
      end: round(liveEnd),
      firstHalfMax: round(liveFirstHalfMax),
      perMinute: heapSamples.map((s) => round(s.liveMB)),
    },
    eventLoopDelayMs: {
      p50: round((gauge(lastMetrics, 'nodejs_eventloop_delay_seconds{quantile="0.5"}') ?? 0) * 1000),
      p99: round((gauge(lastMetrics, 'nodejs_eventloop_delay_seconds{quantile="0.99"}') ?? 0) * 1000),
      max: round((gauge(lastMetrics, 'nodejs_eventloop_delay_max_seconds') ?? 0) * 1000),
    },
    memory: {
      rssSlopeLastHalfMBPerMinute: round(rssSlope, 3),
      heapSlopeLastHalfMBPerMinute: round(heapSlope, 3),
      liveHeapSlopeLastHalfMBPerMinute: round(liveSlope, 3),
      liveHeap: liveBounded ? 'bounded' : 'growing',
      rss: rssBounded ? 'bounded' : 'growing',
      verdict: memoryBounded ? 'bounded' : 'growing',
    },
    serverExit: exit ? (exit.code ?? exit.signal) : 'killed after 30 s',
  };
  if (values.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  else {
    log(
      `${result.requests.served} requests (${result.requests.perSecond}/s), ${errorCount} errors, p50 ${result.latencyMs.p50} ms, p99 ${result.latencyMs.p99} ms`,
    );
    log(
      `RSS ${result.rssMB.start} -> ${result.rssMB.end} MB (max ${result.rssMB.max}), slope over the last half ${result.memory.rssSlopeLastHalfMBPerMinute} MB/min: ${result.memory.rss}`,
    );
    log(
      `live heap after GC ${result.liveHeapAfterGcMB.start} -> ${result.liveHeapAfterGcMB.end} MB, slope over the last half ${result.memory.liveHeapSlopeLastHalfMBPerMinute} MB/min: ${result.memory.liveHeap}`,
    );
    log(`event-loop delay p99 ${result.eventLoopDelayMs.p99} ms, max ${result.eventLoopDelayMs.max} ms`);
  }
  process.exitCode = memoryBounded && errorCount === 0 && exit?.code === 0 ? 0 : 1;
}

/** The server this soak started, ended with it whatever happens. */
let serverChild: ChildProcess | undefined;
const killServer = () => {
  if (serverChild && serverChild.exitCode === null && serverChild.signalCode === null) serverChild.kill('SIGKILL');
};
process.once('exit', killServer);
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));

// Whatever happens, the soak ends: a hard stop well after its planned end.
const hardStop = setTimeout(
  () => {
    log('did not finish within its time; stopping');
    process.exit(2);
  },
  (minutes + 5) * 60_000,
);
hardStop.unref();
try {
  await main();
} catch (error) {
  log(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exitCode = 1;
}
// Sockets or timers left behind must not keep the soak alive after its figures.
process.exit();
