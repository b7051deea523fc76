// `journey worker`: the runtime alone, with no HTTP server, beside API servers started with `journey serve --no-runtime`.
import { parseArgs } from 'node:util';
import { UsageError, type Io } from '../io.ts';

export const workerHelp = `journey worker [--database URL]
  Plays runs with no HTTP server: claims and moves due contacts, paces dialers, sends, records reactions, and takes
  up the simulated runs no other process plays. Start any number of workers and of API servers (journey serve
  --no-runtime) on one PostgreSQL database; --database defaults to DATABASE_URL. It refuses SQLite, where one
  process (journey serve) plays the runs. Sends through SMTP and Twilio as journey serve does (SMTP_URL, EMAIL_FROM,
  TWILIO_*); see docs/deploy.md. Ctrl+C or SIGTERM stops it after the round under way.`;

export async function workerCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: { database: { type: 'string' } }, allowPositionals: true });
  if (positionals.length) throw new UsageError(`unexpected "${positionals[0]}"`);
  const { startWorker } = await import('../../worker.ts');
  const worker = await startWorker({ ...(values.database && { databaseUrl: values.database }) });
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  io.out('Stopping: the runs this worker played go on in the other processes, or at the next start.\n');
  await worker.close();
  return 0;
}
