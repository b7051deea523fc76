// `journey serve` and `journey start`: the server with the runtime and the editor, until Ctrl+C.
import { parseArgs } from 'node:util';
import { UsageError, type Io } from '../io.ts';

export const serveHelp = `journey serve [--port N] [--host H] [--database URL] [--examples] [--editor DIR] [--no-runtime]
  Starts the server, the runtime and the editor in one process. --port defaults to PORT, else 3000;
  --database to DATABASE_URL, else the embedded SQLite file ./data/journeys.db (postgres://... for PostgreSQL).
  --examples loads the example journeys and contact lists into an empty store. --no-runtime serves the API, live
  monitoring and the editor only, leaving the runs to journey worker processes on the same PostgreSQL database (see
  docs/deploy.md). On first start it prints an
  admin sign-in link. Live runs send email through SMTP_URL (with EMAIL_FROM as the default sender) when it is set,
  and texts through Twilio when TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM (a number or a Messaging
  Service SID, MG...) are set; TWILIO_API_URL points them at another Twilio-compatible service. Live calls go
  through Twilio Programmable Voice when TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_CALLER_ID and
  JOURNEY_PUBLIC_URL are set (TWILIO_MAX_CALLS caps the calls under way, default 100); otherwise they are simulated,
  as a simulated run's always are. A carrier half set up (TWILIO_CALLER_ID without the account, ASTERISK_ARI_URL
  without ASTERISK_ARI_USER, ASTERISK_ARI_PASSWORD and ASTERISK_TRUNK) stops the server with the missing setting
  named (docs/telephony.md). Tracked links and Twilio's callbacks (/hooks/twilio/status, /hooks/twilio/inbound,
  /hooks/twilio/voice/...) are addressed under JOURNEY_PUBLIC_URL.
  Webhooks may not call internal addresses (loopback, private, link-local) unless JOURNEY_WEBHOOK_ALLOW lists them
  (CIDR ranges, comma-separated). A CSV row with a cell over JOURNEY_CSV_MAX_FIELD_BYTES (64 KiB) or over
  JOURNEY_CSV_MAX_ROW_BYTES (1 MiB) in all is skipped and reported. An address that sends more than
  JOURNEY_AUTH_MAX_FAILURES (20) wrong tokens or sign-in codes in a minute gets 429 until the minute is over.`;

export const startHelp = `journey start
  What npm start runs: journey serve --examples on the embedded SQLite file, then open the printed link.`;

export async function serveCommand(args: string[], io: Io, defaults: { examples?: boolean } = {}): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      database: { type: 'string' },
      examples: { type: 'boolean' },
      editor: { type: 'string' },
      'no-runtime': { type: 'boolean' },
    },
    allowPositionals: true,
  });
  if (positionals.length) throw new UsageError(`unexpected "${positionals[0]}"`);
  const port = values.port === undefined ? undefined : Number(values.port);
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) throw new UsageError(`--port must be a port number, not "${values.port}"`);
  const { startServer } = await import('../../serve.ts');
  const server = await startServer({
    ...(port !== undefined && { port }),
    ...(values.host && { host: values.host }),
    ...(values.database && { databaseUrl: values.database }),
    ...(values.editor && { editorDir: values.editor }),
    loadExamples: values.examples ?? defaults.examples ?? false,
    runtime: !values['no-runtime'],
  });
  io.out('Press Ctrl+C to stop.\n');
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  io.out('Stopping: runs keep their place and go on at the next start.\n');
  await server.close();
  return 0;
}

export const startCommand = (args: string[], io: Io) => serveCommand(args, io, { examples: true });
