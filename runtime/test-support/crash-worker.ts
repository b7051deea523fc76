// The crash test's child process: resumes a simulated run on a SQLite file and drives it to completion.
//
//   node --import tsx runtime/test-support/crash-worker.ts <db-file> <run-id> <seed>
//
// It keeps nothing but the database: every restart rebuilds the interpreter, the providers and the virtual clock from
// the file, so it may be killed (SIGKILL) at any instant and started again. Prints `done` and exits 0 once the run is
// completed; exits 2 when the run can go no further without being completed, 1 on any error.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { SimulatedEmail, SimulatedSms, SimulatedWebhook } from '../channels/simulated.ts';
import { VirtualClock } from '../clock.ts';
import { PacedDialer } from '../dialer/paced-dialer.ts';
import { openStore, type Store } from '../store/dialect.ts';
import { migrate } from '../store/migrate.ts';
import { Interpreter } from '../engine/interpreter.ts';

/** Where the virtual clock resumes: the latest moment anything of the run was recorded, else when the run starts. */
export async function resumeTime(store: Store, runId: string): Promise<number> {
  const run = await store.db.selectFrom('runs').select('start_at').where('id', '=', runId).executeTakeFirst();
  if (!run) throw new Error(`There is no run ${runId} in ${store.location}`);
  const latest = await store.db
    .selectFrom('events')
    .select((eb) => eb.fn.max('time').as('t'))
    .where('run_id', '=', runId)
    .executeTakeFirst();
  const t = latest?.t;
  return t === null || t === undefined ? Number(run.start_at) : Math.max(Number(t), Number(run.start_at));
}

export async function resumeRun(file: string, runId: string, seed: number, log: (line: string) => void = () => {}): Promise<'done' | 'stuck'> {
  const store = openStore(file);
  try {
    await migrate(store);
    const run = await store.db.selectFrom('runs').select(['status', 'seed', 'simulated']).where('id', '=', runId).executeTakeFirst();
    if (!run) throw new Error(`There is no run ${runId} in ${file}`);
    if (!run.simulated) throw new Error(`Run ${runId} is not simulated; the crash worker only drives simulated runs`);
    if (Number(run.seed) !== seed) throw new Error(`Run ${runId} was started with seed ${run.seed}, not ${seed}`);
    if (run.status === 'completed') return 'done';
    if (run.status === 'stopped') throw new Error(`Run ${runId} was stopped; it cannot complete`);
    const start = await resumeTime(store, runId);
    const clock = new VirtualClock(start);
    log(`resuming run ${runId} (${run.status}) at ${new Date(start).toISOString()}`);
    const interpreter = new Interpreter({
      store,
      clock,
      providers: {
        sms: new SimulatedSms(store.db, seed),
        email: new SimulatedEmail(store.db, seed),
        webhook: new SimulatedWebhook(store.db),
        voice: new SimulatedWebhook(store.db),
      },
      dialer: new PacedDialer(),
    });
    // A line now and then of where the virtual clock is, so that whoever kills this process can tell how far it got.
    const began = performance.now();
    let reported = began;
    const advance = (t: number) => {
      clock.advanceTo(t);
      const wall = performance.now();
      if (wall - reported >= 500) {
        reported = wall;
        log(`at ${new Date(clock.now()).toISOString()} after ${Math.round(wall - began)} ms`);
      }
    };
    const { completed, rounds } = await interpreter.runToCompletion(runId, { advance, resolutionMs: 1000 });
    const after = await store.db.selectFrom('runs').select('status').where('id', '=', runId).executeTakeFirstOrThrow();
    log(`${rounds} rounds; run ${after.status} at ${new Date(clock.now()).toISOString()}`);
    return completed && after.status === 'completed' ? 'done' : 'stuck';
  } finally {
    await store.close();
  }
}

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href;

if (isMain) {
  const [file, runId, seedText] = process.argv.slice(2);
  const seed = Number(seedText);
  if (!file || !runId || !Number.isInteger(seed)) {
    process.stderr.write('usage: node --import tsx runtime/test-support/crash-worker.ts <db-file> <run-id> <seed>\n');
    process.exit(64);
  }
  try {
    const outcome = await resumeRun(file, runId, seed, (line) => process.stderr.write(`crash-worker[${process.pid}]: ${line}\n`));
    if (outcome === 'done') {
      process.stdout.write('done\n');
      process.exitCode = 0;
    } else {
      process.stderr.write(`crash-worker[${process.pid}]: run ${runId} has nothing left to do but is not completed\n`);
      process.exitCode = 2;
    }
  } catch (error) {
    process.stderr.write(`crash-worker[${process.pid}]: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  }
}
