// A worker process of the scale-out fault test: one interpreter on a shared PostgreSQL schema, driving every run there
// until all are completed, on a clock shared by all workers. It may be killed (SIGKILL) at any instant.
//
//   node --import tsx runtime/engine/scale-out-worker.ts <postgres-url> <schema> <t0> <wall0> <speed> <send-lease-ms> [standby]
//
// The clock reads t0 + (Date.now() - wall0) * speed: every worker, and any replacement started later, agrees on "now",
// so a send lease one worker takes runs out at the same moment for all the others. It prints a line on stdout as it
// enters the moments a kill should land in, with the wall-clock time, and lingers there `lingerMs` so that a kill can:
//   batch <ms> <run> <contact>  before moved contacts are written, inside the transaction that moved them (a claimed
//                               batch, reactions, or the answers to sends, whose messages stay leased)
//   pace <ms> <run>             before a dialer round's moves are written, inside the transaction holding the run
//   sent <ms> <key> <key> ...   after a provider accepted these sends and before the worker records them
// `ready <ms>` once its code is loaded, before its first round (starting takes seconds on a busy machine), and
// `done` when every run is completed (exit 0); exit 1 on an error or after 150 s. A `standby` worker waits after `ready`
// for a line on stdin before its first round: a replacement that joins at once when a worker is killed.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ChannelProvider, SendRequest } from '../channels/provider.ts';
import { SimulatedEmail, SimulatedSms, SimulatedWebhook } from '../channels/simulated.ts';
import type { Clock } from '../clock.ts';
import { PacedDialer } from '../dialer/paced-dialer.ts';
import { openStore, type RowWriter } from '../store/dialect.ts';
import { Interpreter } from './interpreter.ts';

/** Real time, sped up by `speed` from `t0` at wall-clock `wall0`. */
export class SharedClock implements Clock {
  readonly virtual = true;
  constructor(
    private readonly t0: number,
    private readonly wall0: number,
    private readonly speed: number,
  ) {}
  now(): number {
    return Math.round(this.t0 + (Date.now() - this.wall0) * this.speed);
  }
}

/** How long the worker waits at each announced moment; a kill within this of the line lands inside the moment. */
export const lingerMs = 60;
const linger = () => new Promise((done) => setTimeout(done, lingerMs));
const say = (line: string) => process.stdout.write(`${line}\n`);

export async function work(url: string, schema: string, clock: Clock, sendLeaseMs: number, go?: Promise<void>): Promise<void> {
  const store = openStore(url, { pgSchema: schema });
  try {
    let phase: 'batch' | 'pace' = 'batch';
    /** The run whose dialer round is under way. */
    let pacing: string | undefined;
    const write: RowWriter = store.writeRows;
    store.writeRows = async (tx, table, columns, rows, onConflict) => {
      // Every flush writes cursors first (perhaps none); in a pacing round the dialer's memory is already written then.
      if (table === 'cursors' && phase === 'pace' && pacing) {
        say(`pace ${Date.now()} ${pacing}`);
        await linger();
      } else if (table === 'cursors' && rows.length) {
        say(`batch ${Date.now()} ${String(rows[0]![columns.indexOf('run_id')])} ${String(rows[0]![columns.indexOf('contact_id')])}`);
        await linger();
      }
      return write(tx, table, columns, rows, onConflict);
    };
    const dialer = new PacedDialer();
    const pace = dialer.pace.bind(dialer);
    dialer.pace = async (interpreter, runId, now) => {
      phase = 'pace';
      pacing = runId;
      try {
        return await pace(interpreter, runId, now);
      } finally {
        phase = 'batch';
        pacing = undefined;
      }
    };
    /** A provider that says which keys it accepted, then takes a moment before the worker goes on to record them. */
    const announced = (provider: SimulatedSms | SimulatedEmail): ChannelProvider => ({
      send: async (request: SendRequest) => (await announced(provider).sendMany!([request]))[0]!,
      sendMany: async (requests: SendRequest[]) => {
        const answers = await provider.sendMany(requests);
        const keys = requests.filter((_, i) => answers[i]!.status === 'accepted').map((r) => r.key);
        if (keys.length) {
          say(`sent ${Date.now()} ${keys.join(' ')}`);
          await linger();
        }
        return answers;
      },
    });
    const interpreter = new Interpreter({
      store,
      clock,
      providers: {
        sms: announced(new SimulatedSms(store.db, 3)),
        email: announced(new SimulatedEmail(store.db, 3)),
        webhook: new SimulatedWebhook(store.db),
        voice: new SimulatedWebhook(store.db),
      },
      dialer,
      batchSize: 50,
      sendLeaseMs,
    });
    say(`ready ${Date.now()}`);
    await go;
    const deadline = performance.now() + 150_000;
    while (performance.now() < deadline) {
      const n = await interpreter.tick();
      if (n > 0) continue;
      const open = await store.db.selectFrom('runs').select('id').where('status', '!=', 'completed').limit(1).executeTakeFirst();
      if (!open) {
        say('done');
        return;
      }
      await new Promise((done) => setTimeout(done, 5));
    }
    throw new Error('The runs did not complete within 150 s');
  } finally {
    await store.close();
  }
}

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href;

if (isMain) {
  const [url, schema, t0, wall0, speed, lease, standby] = process.argv.slice(2);
  if (!url || !schema || !t0 || !wall0 || !speed || !lease || (standby !== undefined && standby !== 'standby')) {
    process.stderr.write(
      'usage: node --import tsx runtime/engine/scale-out-worker.ts <postgres-url> <schema> <t0> <wall0> <speed> <send-lease-ms> [standby]\n',
    );
    process.exit(64);
  }
  const go = standby
    ? new Promise<void>((resolve) =>
        process.stdin.once('data', () => {
          process.stdin.pause();
          resolve();
        }),
      )
    : undefined;
  try {
    await work(url, schema, new SharedClock(Number(t0), Number(wall0), Number(speed)), Number(lease), go);
    process.exitCode = 0;
  } catch (error) {
    process.stderr.write(`scale-out-worker[${process.pid}]: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  }
}
