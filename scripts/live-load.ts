// The live-monitoring load test: WebSocket clients follow a large simulated run; it measures what they receive
// and what following costs the run. Used by `npm run bench:live` and, at a small size, by its vitest test.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { isDeepStrictEqual } from 'node:util';
import { startRun } from '../runtime/engine/runs.ts';
import type { RunMetrics } from '../runtime/metrics.ts';
import { publishJourney } from '../runtime/store/repositories/journeys.ts';
import type { FollowedState } from '../server/live/follow.ts';
import { startServer } from '../server/serve.ts';
import { benchJourney, seedContacts } from './bench-data.ts';

export interface LiveLoadOptions {
  contacts: number;
  clients: number;
  /** Runs on each side (without and with clients), alternated so that a slow spell of a shared machine hits both. */
  rounds?: number;
  log?: (line: string) => void;
}

export interface LiveLoadResult {
  contacts: number;
  clients: number;
  rounds: number;
  contactSteps: number;
  /** The fastest run of each side: the usual way to see past other work on a shared machine, which only slows runs. */
  secondsWithoutClients: number;
  secondsWithClients: number;
  /** The best contact-steps per second of each side (each run's steps over its seconds: seeded runs differ a little). */
  stepsPerSecondWithoutClients: number;
  stepsPerSecondWithClients: number;
  /** 1 - with/without throughput; below 0.1 is the target, negative when the run with clients was faster. */
  throughputDrop: number;
  /** The same from the server process's CPU time per step, which other load on a shared machine disturbs less. */
  cpuDrop: number;
  /** The most messages any client received in any one-second window. */
  maxMessagesPerSecondPerClient: number;
  messagesPerClient: { min: number; max: number };
  /** Every client's snapshot with its deltas applied ended equal to GET /api/runs/:id/metrics, status completed. */
  finalStateMatches: boolean;
}

interface ClientReport {
  messages: number;
  snapshots: number;
  maxPerSecond: number;
  final: FollowedState;
}

interface Play {
  seconds: number;
  /** CPU time of this process (server, runtime and hub; the clients run in their own) during the run. */
  cpuSeconds: number;
  contactSteps: number;
  metrics: RunMetrics;
  clients: ClientReport[];
}

const clientsScript = join(import.meta.dirname, 'live-clients.ts');

/** Starts the client process and resolves once every client holds its snapshot; `done` has their reports. */
async function startClients(url: string, token: string, runId: string, count: number) {
  const child = spawn(process.execPath, ['--import', 'tsx', clientsScript, '--url', url, '--token', token, '--run', runId, '--clients', String(count)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const lines = createInterface({ input: child.stdout });
  const reports: ClientReport[] = [];
  let onReady: (() => void) | undefined;
  const ready = new Promise<void>((resolve) => (onReady = resolve));
  lines.on('line', (line) => (line === 'ready' ? onReady?.() : reports.push(JSON.parse(line) as ClientReport)));
  const done = new Promise<ClientReport[]>((resolve, reject) =>
    child.once('exit', (code) => (code === 0 ? resolve(reports) : reject(new Error(`The client process exited with ${code}: ${stderr.trim()}`)))),
  );
  await Promise.race([ready, done]);
  return { done };
}

/** One run of the journey over a fresh store of `contacts`, followed by `clients` WebSocket clients (maybe none). */
export async function playOnce(contacts: number, clients: number): Promise<Play> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-live-'));
  const server = await startServer({ port: 0, databaseUrl: join(dir, 'live.db'), quiet: true, editorDir: join(dir, 'no-editor') });
  try {
    const now = server.runner.now();
    await seedContacts(server.store, contacts, now);
    const published = await publishJourney(server.store.db, benchJourney, { author: 'bench', message: 'bench', now });
    // Made without the runner, so that the clients are subscribed before the first step and the timing covers the run only.
    const run = await startRun(server.store, { journeyId: published.journeyId, version: published.version, listId: 'bench', now, simulated: true, seed: 1 });
    const followers = clients > 0 ? await startClients(server.url, server.adminToken!, run.id, clients) : undefined;
    const started = performance.now();
    const cpu = process.cpuUsage();
    await server.runner.simulate(run.id);
    await server.runner.finished(run.id);
    const seconds = (performance.now() - started) / 1000;
    const used = process.cpuUsage(cpu);
    const cpuSeconds = (used.user + used.system) / 1e6;
    const reports = (await followers?.done) ?? [];
    const response = await fetch(`${server.url}/api/runs/${run.id}/metrics`, { headers: { authorization: `Bearer ${server.adminToken}` } });
    // The route adds each channel's results to the counters the live canvas carries; the counters are compared.
    const { channels: _channels, ...metrics } = (await response.json()) as RunMetrics & { channels: unknown };
    const contactSteps = Object.values(metrics.steps).reduce((sum, step) => sum + step.entered, 0);
    return { seconds, cpuSeconds, contactSteps, metrics, clients: reports };
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const round = (value: number, places: number) => Math.round(value * 10 ** places) / 10 ** places;

export async function measureLiveLoad(options: LiveLoadOptions): Promise<LiveLoadResult> {
  const rounds = options.rounds ?? 1;
  const log = options.log ?? (() => {});
  const without: Play[] = [];
  const withClients: Play[] = [];
  for (let r = 0; r < rounds; r++) {
    without.push(await playOnce(options.contacts, 0));
    log(`round ${r + 1}: ${without.at(-1)!.seconds.toFixed(2)} s (${without.at(-1)!.cpuSeconds.toFixed(2)} s CPU) without clients`);
    withClients.push(await playOnce(options.contacts, options.clients));
    log(`round ${r + 1}: ${withClients.at(-1)!.seconds.toFixed(2)} s (${withClients.at(-1)!.cpuSeconds.toFixed(2)} s CPU) with ${options.clients} clients`);
  }
  const reports = withClients.flatMap((p) => p.clients.map((c) => ({ ...c, metrics: p.metrics })));
  const rate = (plays: Play[]) => Math.max(...plays.map((p) => p.contactSteps / p.seconds));
  const cpuRate = (plays: Play[]) => Math.max(...plays.map((p) => p.contactSteps / p.cpuSeconds));
  return {
    contacts: options.contacts,
    clients: options.clients,
    rounds,
    contactSteps: Math.round(median(without.map((p) => p.contactSteps))),
    secondsWithoutClients: round(Math.min(...without.map((p) => p.seconds)), 2),
    secondsWithClients: round(Math.min(...withClients.map((p) => p.seconds)), 2),
    stepsPerSecondWithoutClients: Math.round(rate(without)),
    stepsPerSecondWithClients: Math.round(rate(withClients)),
    throughputDrop: round(1 - rate(withClients) / rate(without), 4),
    cpuDrop: round(1 - cpuRate(withClients) / cpuRate(without), 4),
    maxMessagesPerSecondPerClient: Math.max(...reports.map((c) => c.maxPerSecond)),
    messagesPerClient: { min: Math.min(...reports.map((c) => c.messages)), max: Math.max(...reports.map((c) => c.messages)) },
    finalStateMatches:
      reports.length === rounds * options.clients &&
      reports.every((c) => c.snapshots === 1 && c.final.status === 'completed' && isDeepStrictEqual(c.final.metrics, c.metrics)),
  };
}
