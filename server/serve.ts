// One process: the store, the runtime, the API, live monitoring and the editor, listening on one port.
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import { openStore, requirePostgres, type Store } from '../runtime/store/dialect.ts';
import { migrate } from '../runtime/store/migrate.ts';
import { serverSecret, trackingSecretName } from '../runtime/store/repositories/server-secrets.ts';
import { recordAudit } from '../runtime/store/repositories/audit.ts';
import { createSignInCode } from '../runtime/store/repositories/sign-in.ts';
import { countTokens, createToken } from '../runtime/store/repositories/tokens.ts';
import { createApp } from './app.ts';
import { loadExamples } from './examples.ts';
import { applyHttpTimeouts, type HttpTimeouts } from './http-timeouts.ts';
import { throttleFromEnvironment } from './http/throttle.ts';
import { LiveHub } from './live/hub.ts';
import { packageRoot } from './package-root.ts';
import { Runner } from './runner.ts';
import type { CarrierProfile } from '../runtime/dialer/virtual-carrier.ts';
import type { SmtpSettings } from '../runtime/channels/smtp-email.ts';
import type { TwilioSettings } from '../runtime/channels/twilio-sms.ts';
import type { CarrierLineOptions } from '../runtime/dialer/carrier-line.ts';
import { carrierFromEnvironment, playableCarrier, type CarrierChoice } from './carrier-settings.ts';

export type { CarrierProfile };

export interface ServeOptions {
  /** 0 picks a free port. Default: PORT, else 3000. */
  port?: number;
  host?: string;
  /** Default: DATABASE_URL, else the embedded SQLite file ./data/journeys.db. */
  databaseUrl?: string;
  /** Loads the examples and their contact lists when the store has no journeys yet. */
  loadExamples?: boolean;
  /** The built editor; default dist/editor beside the package. */
  editorDir?: string;
  quiet?: boolean;
  /** How the simulated phone network answers (tests and demos); the default mix otherwise. */
  carrier?: CarrierProfile;
  /** The SMTP relay for live runs' email. Default: SMTP_URL with EMAIL_FROM as the default sender; none, simulated. */
  smtp?: SmtpSettings;
  /**
   * The Twilio account for live runs' texts. Default: TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM (a number
   * or a Messaging Service SID), with TWILIO_API_URL for another Twilio-compatible service; none, simulated.
   */
  twilio?: TwilioSettings;
  /**
   * Whether this process plays runs (the default). False for an API server beside worker processes (`journey worker`)
   * on the same PostgreSQL database: it serves the API, live monitoring and the editor, and the workers play.
   */
  runtime?: boolean;
  /** The carrier of live calls. Default: from the environment (`carrierFromEnvironment`), checked before anything starts. */
  liveCarrier?: CarrierChoice;
  /** How requests to a real carrier are retried (tests shorten the backoff). */
  carrierLine?: CarrierLineOptions;
  /** Idle and header timeouts of connections; no request has a limit as a whole, so a long upload still sending goes on. */
  httpTimeouts?: HttpTimeouts;
}

/** The SMTP relay from the environment: SMTP_URL, with EMAIL_FROM as the default sender. */
export function smtpFromEnvironment(env: NodeJS.ProcessEnv = process.env): SmtpSettings | undefined {
  return env.SMTP_URL ? { url: env.SMTP_URL, ...(env.EMAIL_FROM && { from: env.EMAIL_FROM }) } : undefined;
}

/** Twilio's settings from the environment, when the three that are needed are all there. */
export function twilioFromEnvironment(env: NodeJS.ProcessEnv = process.env): TwilioSettings | undefined {
  const { TWILIO_ACCOUNT_SID: accountSid, TWILIO_AUTH_TOKEN: authToken, TWILIO_FROM: from, TWILIO_API_URL: apiUrl } = env;
  if (!accountSid || !authToken || !from) return undefined;
  return { accountSid, authToken, from, ...(apiUrl && { apiUrl }) };
}

export interface RunningServer {
  url: string;
  /** The admin token made on first start (the store had no admin); undefined when it had one. Never printed. */
  adminToken: string | undefined;
  /** The sign-in link printed on first start: a one-time code for the admin token, good for 15 minutes. */
  signInUrl: string | undefined;
  store: Store;
  runner: Runner;
  hub: LiveHub;
  close(): Promise<void>;
}

export async function startServer(options: ServeOptions = {}): Promise<RunningServer> {
  const log = options.quiet ? () => {} : (line: string) => console.log(line);
  // Read first: a wrong setting stops the server before it touches the database.
  const throttle = throttleFromEnvironment();
  const liveCarrier = playableCarrier(options.liveCarrier ?? carrierFromEnvironment());
  const databaseUrl = options.databaseUrl ?? process.env.DATABASE_URL ?? undefined;
  const runtime = options.runtime ?? true;
  if (!runtime) requirePostgres(databaseUrl, '--no-runtime');
  const store = openStore(databaseUrl);
  await migrate(store);
  // Made on first start, so that tracked links signed by any process on this store are checked by every other.
  await serverSecret(store.db, trackingSecretName);
  const smtp = options.smtp ?? smtpFromEnvironment();
  const twilio = options.twilio ?? twilioFromEnvironment();
  const runner = new Runner({
    store,
    plays: runtime,
    ...(options.carrier && { carrier: options.carrier }),
    ...(smtp && { smtp }),
    ...(twilio && { twilio }),
    ...(liveCarrier.kind === 'twilio' && { voice: liveCarrier.settings }),
    ...(options.carrierLine && { carrierLine: options.carrierLine }),
  });
  if (options.loadExamples) {
    const loaded = await loadExamples(store, join(packageRoot, 'examples'), runner.now());
    if (loaded.length) log(`Loaded the examples: ${loaded.join(', ')}`);
  }
  let adminToken: string | undefined;
  let signInCode: string | undefined;
  if ((await countTokens(store.db, 'admin')) === 0) {
    const at = runner.now();
    const made = await store.db.transaction().execute(async (tx) => {
      const token = await createToken(tx, { name: 'admin', role: 'admin', now: at });
      await recordAudit(tx, {
        at,
        actor: { id: null, name: 'server', role: null },
        action: 'token.created',
        target: token.id,
        details: { name: token.name, role: token.role, why: 'no admin token on this store' },
      });
      return token;
    });
    adminToken = made.token;
    // The log gets a code that works once, for minutes, never the token itself.
    signInCode = (await createSignInCode(store.db, made.id, Date.now())).code;
  }

  const hub = new LiveHub(store, () => runner.now(), throttle);
  const editorDir = options.editorDir ?? join(packageRoot, 'dist', 'editor');
  const { app } = createApp({ store, runner, hub, editorDir, throttle });
  const port = options.port ?? Number(process.env.PORT ?? 3000);
  const server: ServerType = await new Promise((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port, ...(options.host && { hostname: options.host }) }, () => resolve(s));
    s.once('error', reject);
  });
  applyHttpTimeouts(server as import('node:http').Server, options.httpTimeouts);
  server.on('upgrade', (request, socket, head) => {
    if (new URL(request.url ?? '/', 'http://host').pathname !== '/ws') return socket.destroy();
    void hub.handleUpgrade(request, socket, head);
  });
  await runner.start();
  const address = server.address() as AddressInfo;
  const host = options.host && options.host !== '0.0.0.0' ? options.host : 'localhost';
  const url = `http://${host}:${address.port}`;
  const signInUrl = signInCode ? `${url}/?code=${signInCode}` : undefined;
  log(`Journey builder on ${url} (data: ${store.location})`);
  const another = `npx journey signin-link${options.databaseUrl || process.env.DATABASE_URL ? ' --database <the same database>' : ''}${address.port === 3000 ? '' : ` --url ${url}`}`;
  if (signInUrl) log(`First start: sign in as admin with this link (it works once, within 15 minutes):\n  ${signInUrl}\nFor another link later: ${another}`);
  else log(`Sign in with a sign-in link: ${another} prints one for the admin token (or send an API token as Authorization: Bearer).`);
  if (runtime) log(`Live runs: ${runner.describeLiveChannels()}. Simulated runs send nothing.`);
  else log('No runtime in this process: runs are played by the worker processes (journey worker) on this database.');
  if (!existsSync(join(editorDir, 'index.html'))) log(`The editor is not built (${editorDir}); run npm run build.`);

  return {
    url,
    adminToken,
    signInUrl,
    store,
    runner,
    hub,
    async close() {
      hub.close();
      await runner.stop();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Open keep-alive connections would hold close() for their timeout.
        (server as { closeAllConnections?: () => void }).closeAllConnections?.();
      });
      await store.close();
    },
  };
}
