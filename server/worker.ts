// A worker process: the runtime alone, with no HTTP. It plays the live runs together with every other process that
// runs the runtime on the same PostgreSQL database (claims with FOR UPDATE SKIP LOCKED share the due contacts, sends
// and reactions, and one process at a time paces a run's dialers), and takes up the simulated runs no other process
// plays. API servers started with `journey serve --no-runtime` only write runs, reactions and wake-ups to the store.
import { openStore, requirePostgres, type Store } from '../runtime/store/dialect.ts';
import { migrate } from '../runtime/store/migrate.ts';
import { serverSecret, trackingSecretName } from '../runtime/store/repositories/server-secrets.ts';
import { carrierFromEnvironment, playableCarrier, type CarrierChoice } from './carrier-settings.ts';
import { Runner } from './runner.ts';
import { smtpFromEnvironment, twilioFromEnvironment, type CarrierProfile } from './serve.ts';
import type { SmtpSettings } from '../runtime/channels/smtp-email.ts';
import type { TwilioSettings } from '../runtime/channels/twilio-sms.ts';

export interface WorkerOptions {
  /** PostgreSQL only. Default: DATABASE_URL. */
  databaseUrl?: string;
  quiet?: boolean;
  carrier?: CarrierProfile;
  /** As `journey serve`: SMTP_URL and EMAIL_FROM by default. */
  smtp?: SmtpSettings;
  /** As `journey serve`: TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM by default. */
  twilio?: TwilioSettings;
  /** As `journey serve`: the carrier of live calls, from the environment by default, checked before anything starts. */
  liveCarrier?: CarrierChoice;
}

export interface RunningWorker {
  store: Store;
  runner: Runner;
  close(): Promise<void>;
}

export async function startWorker(options: WorkerOptions = {}): Promise<RunningWorker> {
  const log = options.quiet ? () => {} : (line: string) => console.log(line);
  // Workers place the live runs' calls, so they read the carrier as `journey serve` does, and refuse the same settings.
  const liveCarrier = playableCarrier(options.liveCarrier ?? carrierFromEnvironment());
  const databaseUrl = options.databaseUrl ?? process.env.DATABASE_URL;
  requirePostgres(databaseUrl, 'a worker process');
  const store = openStore(databaseUrl);
  try {
    await migrate(store);
    // The key tracked links are signed with: made by whichever process starts first, read by all.
    await serverSecret(store.db, trackingSecretName);
  } catch (error) {
    await store.close();
    throw error;
  }
  const smtp = options.smtp ?? smtpFromEnvironment();
  const twilio = options.twilio ?? twilioFromEnvironment();
  const runner = new Runner({
    store,
    log,
    ...(options.carrier && { carrier: options.carrier }),
    ...(smtp && { smtp }),
    ...(twilio && { twilio }),
    ...(liveCarrier.kind === 'twilio' && { voice: liveCarrier.settings }),
  });
  await runner.start();
  log(`Journey worker ${process.pid} playing runs on ${store.location}`);
  log(`Live runs: ${runner.describeLiveChannels()}. Simulated runs send nothing.`);
  return {
    store,
    runner,
    async close() {
      await runner.stop();
      await store.close();
    },
  };
}
