// A contact list of a million rows through the real server, as a client uploads it: rows a second, total time, and
// the server's peak memory.
//
//   npm run bench:import -- [--rows 1000000] [--json] [--keep]
//
// Writes the CSV to a temporary directory (external id, names, phone, email, state, consent, two attributes), makes an
// admin token with `journey token create`, starts `journey serve` as its own process on 127.0.0.1 with a SQLite file
// beside the CSV, PUTs the file as a chunked stream with ?wait=0, and follows GET /api/imports/:id until the job ends.
// Peak RSS is the server process's own high-water mark (VmHWM), read as it exits.
import { spawn, spawnSync } from 'node:child_process';
import { createReadStream, createWriteStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { parseArgs } from 'node:util';
import type { ImportJobView } from '../server/api-types.ts';

const { values } = parseArgs({
  options: { rows: { type: 'string', default: '1000000' }, json: { type: 'boolean', default: false }, keep: { type: 'boolean', default: false } },
});
const rows = Number(values.rows);
if (!Number.isInteger(rows) || rows < 1) throw new Error(`--rows must be a whole number above 0, not "${values.rows}"`);
const repoRoot = join(import.meta.dirname, '..');
const journey = join(repoRoot, 'server/bin/journey.mjs');
const dir = mkdtempSync(join(tmpdir(), 'journey-bench-import-'));
const log = (line: string) => values.json || console.error(line);

async function writeCsv(file: string): Promise<void> {
  const out = createWriteStream(file);
  const states = ['CA', 'NY', 'TX', 'FL', 'IL', 'WA'];
  out.write('external_id,first_name,last_name,phone,email,state,consent_sms,plan,balance\n');
  for (let i = 0; i < rows; i += 5000) {
    let text = '';
    for (let k = i; k < Math.min(rows, i + 5000); k++) {
      const phone = `+1${201 + (k % 700)}${String(2_000_000 + Math.floor(k / 700)).padStart(7, '0')}`;
      text += `C${k},Name${k % 977},Family${k % 1013},${phone},person${k}@example.com,${states[k % states.length]},${k % 3 ? 'yes' : 'no'},plan-${k % 4},${(k % 10_000) / 100}\n`;
    }
    if (!out.write(text)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

function peakRssMb(pid: number): number | undefined {
  try {
    const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? Math.round(Number(kb) / 1024) : undefined;
  } catch {
    return undefined;
  }
}

const csv = join(dir, 'contacts.csv');
const database = join(dir, 'journeys.db');
log(`writing ${rows.toLocaleString('en')} rows to ${csv}`);
await writeCsv(csv);
const bytes = statSync(csv).size;
const made = spawnSync(process.execPath, [journey, 'token', 'create', '--name', 'bench', '--role', 'admin', '--database', database], {
  cwd: repoRoot,
  encoding: 'utf8',
});
if (made.status !== 0) throw new Error(`journey token create failed: ${made.stderr}`);
const token = made.stdout.trim();
const server = spawn(process.execPath, [journey, 'serve', '--port', '0', '--host', '127.0.0.1', '--database', database, '--editor', join(dir, 'no-editor')], {
  cwd: repoRoot,
  stdio: ['ignore', 'pipe', 'inherit'],
});
try {
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    server.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const address = /Journey builder on (http:\/\/\S+)/.exec(out);
      if (address) resolve(address[1]!);
    });
    server.once('exit', (code) => reject(new Error(`the server exited (${code}) on start: ${out}`)));
  });
  const headers = { authorization: `Bearer ${token}` };
  let peakServerRssMb = 0;
  const started = performance.now();
  const response = await fetch(`${url}/api/contact-lists/bench/csv?region=US&wait=0`, {
    method: 'PUT',
    headers: { ...headers, 'content-type': 'text/csv' },
    body: Readable.toWeb(createReadStream(csv)) as ReadableStream,
    duplex: 'half',
  } as RequestInit);
  const uploadedSeconds = (performance.now() - started) / 1000;
  const answer = (await response.json()) as { import?: { id: string }; error?: { message: string } };
  if (response.status !== 202 && response.status !== 200) throw new Error(`the upload was refused (${response.status}): ${answer.error?.message}`);
  const location = response.headers.get('location')!;
  log(`uploaded ${(bytes / 2 ** 20).toFixed(0)} MB in ${uploadedSeconds.toFixed(1)} s (${response.status}); following ${location}`);
  let job: ImportJobView;
  for (;;) {
    job = await (await fetch(`${url}${location}`, { headers })).json();
    peakServerRssMb = Math.max(peakServerRssMb, peakRssMb(server.pid!) ?? 0);
    if (job.status !== 'running') break;
    log(`  ${job.rows.toLocaleString('en')} rows read, ${job.imported.toLocaleString('en')} imported, ${job.problems} problems`);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  const seconds = (performance.now() - started) / 1000;
  if (job.status !== 'done') throw new Error(`the import ended ${job.status}: ${job.message}`);
  const result = {
    rows,
    fileMb: +(bytes / 2 ** 20).toFixed(1),
    imported: job.imported,
    merged: job.merged,
    skipped: job.skipped,
    uploadSeconds: +uploadedSeconds.toFixed(1),
    totalSeconds: +seconds.toFixed(1),
    rowsPerSecond: Math.round(rows / seconds),
    serverPeakRssMb: peakServerRssMb,
    store: 'sqlite',
  };
  if (values.json) console.log(JSON.stringify(result));
  else
    console.log(
      `${rows.toLocaleString('en')} rows (${result.fileMb} MB) in ${result.totalSeconds} s: ${result.rowsPerSecond.toLocaleString('en')} rows/s; upload ${result.uploadSeconds} s; server peak RSS ${result.serverPeakRssMb} MB`,
    );
} finally {
  server.kill('SIGTERM');
  await once(server, 'exit').catch(() => {});
  if (!values.keep) rmSync(dir, { recursive: true, force: true });
}
