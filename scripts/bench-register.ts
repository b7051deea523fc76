// A national register copy through the real server: import time, the longest the event loop waited, and peak memory.
//
//   npm run bench:register -- [--numbers 4600000] [--json] [--database URL]
//
// The server runs in this process (so that its event loop is the one measured) on a SQLite file in a temporary
// directory, or on --database; the copy is made as it is sent (one number a line, the US National DNC layout) and
// PUT over HTTP on 127.0.0.1 as a chunked stream, as a client uploading a downloaded file does. While it imports, a
// health check is timed every 50 ms: how long another client of the same server waits.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { startServer } from '../server/serve.ts';

const { values } = parseArgs({
  options: { numbers: { type: 'string', default: '4600000' }, json: { type: 'boolean', default: false }, database: { type: 'string' } },
});
const numbers = Number(values.numbers);
if (!Number.isInteger(numbers) || numbers < 1) throw new Error(`--numbers must be a whole number above 0, not "${values.numbers}"`);

/** Numbers +1 NPA NXX XXXX over a spread of area codes, made chunk by chunk as the upload pulls them. */
function registerCopy(count: number): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let i = 0;
  return new ReadableStream({
    pull(controller) {
      if (i >= count) return controller.close();
      let text = '';
      for (const end = Math.min(count, i + 4000); i < end; i++) text += `+1${201 + (i % 700)}${String(2_000_000 + Math.floor(i / 700)).padStart(7, '0')}\n`;
      controller.enqueue(encoder.encode(text));
    },
  });
}

const dir = mkdtempSync(join(tmpdir(), 'journey-bench-register-'));
const server = await startServer({
  port: 0,
  host: '127.0.0.1',
  quiet: true,
  databaseUrl: values.database ?? join(dir, 'journeys.db'),
  editorDir: join(dir, 'no-editor'),
});
try {
  const token = server.adminToken;
  if (!token) throw new Error('the store already had an admin token; give a fresh --database');
  const delay = monitorEventLoopDelay({ resolution: 10 });
  let importing = true;
  let slowestHealthMs = 0;
  const health = (async () => {
    while (importing) {
      const start = performance.now();
      await fetch(`${server.url}/api/health`).then((r) => r.arrayBuffer());
      slowestHealthMs = Math.max(slowestHealthMs, performance.now() - start);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  })();
  const rssBefore = process.memoryUsage().rss;
  let peakRss = rssBefore;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
  delay.enable();
  const started = performance.now();
  const response = await fetch(`${server.url}/api/registries/US?downloadedAt=2026-01-01T00:00:00Z&source=bench`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'text/plain' },
    body: registerCopy(numbers),
    duplex: 'half',
  } as RequestInit);
  const answer = (await response.json()) as { entries?: number; error?: { message: string } };
  const seconds = (performance.now() - started) / 1000;
  delay.disable();
  importing = false;
  await health;
  clearInterval(sampler);
  if (response.status !== 200) throw new Error(`the import failed (${response.status}): ${answer.error?.message}`);
  const result = {
    numbers,
    entries: answer.entries,
    seconds: +seconds.toFixed(1),
    numbersPerSecond: Math.round(numbers / seconds),
    maxEventLoopDelayMs: +(delay.max / 1e6).toFixed(1),
    p99EventLoopDelayMs: +(delay.percentile(99) / 1e6).toFixed(1),
    slowestHealthCheckMs: +slowestHealthMs.toFixed(1),
    peakRssMb: Math.round(Math.max(peakRss, process.resourceUsage().maxRSS * 1024) / 2 ** 20),
    rssBeforeMb: Math.round(rssBefore / 2 ** 20),
    store: server.store.dialect,
  };
  if (values.json) console.log(JSON.stringify(result));
  else {
    console.log(`${numbers.toLocaleString('en')} numbers in ${result.seconds} s (${result.numbersPerSecond.toLocaleString('en')}/s) on ${result.store}`);
    console.log(
      `event loop: longest wait ${result.maxEventLoopDelayMs} ms, 99th percentile ${result.p99EventLoopDelayMs} ms; slowest health check ${result.slowestHealthCheckMs} ms`,
    );
    console.log(`memory: peak RSS ${result.peakRssMb} MB (${result.rssBeforeMb} MB before)`);
  }
} finally {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
}
