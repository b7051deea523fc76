// Drives the runtime inside the server: live runs on the real clock, and each simulated run on its own virtual clock.
import { HttpWebhook, type HttpWebhookOptions } from '../runtime/channels/http-webhook.ts';
import type { ChannelProvider } from '../runtime/channels/provider.ts';
import type { EventType } from '../schemas/events.ts';
import { SimulatedEmail, SimulatedSms, SimulatedWebhook } from '../runtime/channels/simulated.ts';
import { SmtpEmail, type SmtpSettings } from '../runtime/channels/smtp-email.ts';
import { TwilioSms, type TwilioSettings } from '../runtime/channels/twilio-sms.ts';
import { RealClock, VirtualClock, type Clock } from '../runtime/clock.ts';
import type { CarrierLineOptions } from '../runtime/dialer/carrier-line.ts';
import { PacedDialer } from '../runtime/dialer/paced-dialer.ts';
import { TwilioVoice, type TwilioVoiceSettings } from '../runtime/telephony/twilio-voice.ts';
import { defaultCarrierProfile, type CarrierProfile } from '../runtime/dialer/virtual-carrier.ts';
import { Interpreter, type RunScope } from '../runtime/engine/interpreter.ts';
import { trackingBaseUrl } from '../runtime/nodes/links.ts';
import type { Store } from '../runtime/store/dialect.ts';
import { runClaims, type RunClaims } from '../runtime/store/run-claims.ts';

/** How long a live loop with nothing due sleeps at most, so that work written by another process is seen. */
const idlePollMs = 1000;
/** A virtual jump goes this far past the next due moment, so work due close together is done in one round. */
const simulatedResolutionMs = 1000;

const yieldToIo = () => new Promise<void>((resolve) => setImmediate(resolve));

export interface RunnerOptions {
  store: Store;
  /** The real clock unless a test supplies its own. */
  clock?: Clock;
  /** How the simulated phone network answers; the default mix of people, machines and no answers otherwise. */
  carrier?: CarrierProfile;
  /** The SMTP relay live runs send email through; without one, live runs' email is simulated. */
  smtp?: SmtpSettings;
  /**
   * The Twilio account live runs text through; without one, live runs' texts are simulated. Its status callback
   * defaults to /hooks/twilio/status under JOURNEY_PUBLIC_URL.
   */
  twilio?: TwilioSettings;
  /** How live runs' webhooks are made; the internal addresses they may call default to JOURNEY_WEBHOOK_ALLOW. */
  webhook?: HttpWebhookOptions;
  /**
   * Whether this process plays runs (the default). An API server that leaves them to worker processes
   * (`journey serve --no-runtime`) says false: a run started, a reaction or a wake-up is then only its rows in the
   * store, which a worker's loop finds within a second.
   */
  plays?: boolean;
  /** The Twilio account live runs call through; without one, live runs' calls are simulated. */
  voice?: TwilioVoiceSettings;
  /** How the requests to a real carrier are retried (tests shorten the backoff). */
  carrierLine?: CarrierLineOptions;
  onError?: (error: unknown, where: string) => void;
  /** Where to say which simulated runs this process takes up; a worker's log, since it has no API to ask. */
  log?: (line: string) => void;
}

export class Runner {
  private readonly store: Store;
  private readonly clock: Clock;
  private readonly live: Interpreter;
  private readonly simulations = new Map<string, Promise<void>>();
  /** Simulated runs being claimed and set up, so that two calls at once do not both start playing one. */
  private readonly starting = new Set<string>();
  private readonly plays: boolean;
  /** Which simulated runs this process plays, where several processes share the database. */
  private readonly claims: RunClaims;
  /** The virtual clock of each simulated run that is playing. */
  private readonly clocks = new Map<string, VirtualClock>();
  private stopping = false;
  private wakeLive: (() => void) | undefined;
  private liveLoop: Promise<void> | undefined;
  private readonly onError: (error: unknown, where: string) => void;
  private readonly log: (line: string) => void;
  private readonly carrier: CarrierProfile | undefined;
  private readonly smtp: SmtpEmail | undefined;
  private readonly twilio: TwilioSms | undefined;
  /** One for every live run, so that each webhook step's limits hold across rounds. */
  private readonly webhook: HttpWebhook;
  /** The Twilio account live runs text through, if any; its hooks check Twilio's signature with its auth token. */
  readonly twilioSettings: TwilioSettings | undefined;
  /** The carrier live runs' calls go through when it is Twilio; simulated runs never use it. */
  readonly voice: TwilioVoice | undefined;
  readonly voiceSettings: TwilioVoiceSettings | undefined;
  private readonly carrierLine: CarrierLineOptions | undefined;
  /** Contact-steps are what the server's /metrics reports; this counts the rounds of work done, per kind of loop. */
  readonly stats = { liveRounds: 0, simulatedRounds: 0 };

  constructor(options: RunnerOptions) {
    this.store = options.store;
    this.plays = options.plays ?? true;
    this.claims = runClaims(options.store);
    this.clock = options.clock ?? new RealClock();
    this.carrier = options.carrier;
    this.smtp = options.smtp ? new SmtpEmail(options.smtp) : undefined;
    this.twilioSettings = options.twilio && { statusCallbackUrl: `${trackingBaseUrl()}/hooks/twilio/status`, ...options.twilio };
    this.twilio = this.twilioSettings ? new TwilioSms(this.twilioSettings) : undefined;
    this.webhook = new HttpWebhook(options.webhook);
    this.log = options.log ?? (() => {});
    this.voiceSettings = options.voice;
    this.voice = options.voice ? new TwilioVoice(options.voice) : undefined;
    this.carrierLine = options.carrierLine;
    this.onError = options.onError ?? ((error, where) => console.error(`${where}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`));
    this.live = this.interpreter(this.clock, { kind: 'live' }, 1);
  }

  /** What live runs reach people through, in words for the start-up message. */
  describeLiveChannels(): string {
    return [
      this.smtp ? 'email through the SMTP relay' : 'email simulated (set SMTP_URL and EMAIL_FROM to send it)',
      this.twilio ? 'texts through Twilio' : 'texts simulated (set TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM to send them)',
      'webhooks to their addresses (internal ones refused unless JOURNEY_WEBHOOK_ALLOW lists them)',
      this.voice
        ? `calls through Twilio Programmable Voice from ${this.voiceSettings!.callerId}, at most ${this.voice.maxConcurrentCalls} at once`
        : 'calls simulated (set TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_CALLER_ID and JOURNEY_PUBLIC_URL to call through Twilio)',
    ].join('; ');
  }

  private interpreter(clock: Clock, scope: RunScope, seed: number): Interpreter {
    const db = this.store.db;
    const live = scope.kind === 'live';
    // A live run reaches real addresses where a provider exists: webhooks always, email when an SMTP relay is set,
    // texts when a Twilio account is, calls when Twilio's voice is set up. A simulated run never leaves the machine:
    // its calls always go through the virtual carrier.
    const email: ChannelProvider = live && this.smtp ? this.smtp : new SimulatedEmail(db, seed);
    const sms: ChannelProvider = live && this.twilio ? this.twilio : new SimulatedSms(db, seed);
    const webhook: ChannelProvider = live ? this.webhook : new SimulatedWebhook(db);
    return new Interpreter({
      store: this.store,
      clock,
      scope,
      providers: { sms, email, webhook, voice: new SimulatedWebhook(db) },
      dialer: new PacedDialer(
        live && this.voice ? { carrier: this.voice, ...(this.carrierLine && { line: this.carrierLine }) } : this.carrier ? { carrier: this.carrier } : {},
      ),
    });
  }

  now(): number {
    return this.clock.now();
  }

  /** The phone network live runs' calls go through; its detector's accuracy is what a compliance report estimates by. */
  carrierProfile(): CarrierProfile {
    return this.carrier ?? defaultCarrierProfile;
  }

  /**
   * Starts the live loop and takes up the simulated runs no process plays: those left unfinished by a previous process
   * and, from then on, those started by an API server without the runtime. Nothing, when this process does not play.
   */
  async start(): Promise<void> {
    if (!this.plays) return;
    this.liveLoop = this.runLive();
    await this.adoptSimulations();
  }

  /** Plays every unfinished simulated run that no other process plays (on SQLite, every one not playing here yet). */
  private async adoptSimulations(): Promise<void> {
    const unfinished = await this.store.db.selectFrom('runs').select('id').where('simulated', '=', 1).where('status', 'in', ['scheduled', 'running']).execute();
    for (const { id } of unfinished) await this.simulate(id);
  }

  /** The auth token Twilio signs its callbacks with: the voice account's, else the texts'. */
  twilioAuthToken(): string | undefined {
    return this.voiceSettings?.authToken ?? this.twilioSettings?.authToken;
  }

  /** Tells the live loop that something changed (a run started, an event arrived) so it does not wait out its sleep. */
  wake(): void {
    this.wakeLive?.();
  }

  private async runLive(): Promise<void> {
    let adoptedAt = performance.now();
    while (!this.stopping) {
      try {
        if (performance.now() - adoptedAt >= idlePollMs) {
          adoptedAt = performance.now();
          await this.adoptSimulations();
        }
        const work = await this.live.tick();
        this.stats.liveRounds++;
        if (work > 0) {
          await yieldToIo();
          continue;
        }
        const next = await this.live.nextDueAt();
        const wait = Math.max(0, Math.min(idlePollMs, next === undefined ? idlePollMs : next - this.clock.now()));
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, wait);
          this.wakeLive = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.wakeLive = undefined;
      } catch (error) {
        this.onError(error, 'live runs');
        await new Promise((resolve) => setTimeout(resolve, idlePollMs));
      }
    }
  }

  /**
   * Plays a simulated run on its own virtual clock, starting at the run's start time, as fast as the machine goes.
   * Resolves when the run is under way; `finished(runId)` resolves when it has ended.
   */
  async simulate(runId: string): Promise<void> {
    if (!this.plays || this.stopping || this.simulations.has(runId) || this.starting.has(runId)) return;
    this.starting.add(runId);
    try {
      // Another process on the same PostgreSQL database may play it already; then it goes on there.
      if (!(await this.claims.claim(runId))) return;
      try {
        const run = await this.store.db.selectFrom('runs').select('seed').where('id', '=', runId).executeTakeFirstOrThrow();
        // A run resumed after a restart, taken over from a process that stopped, or woken by an event goes on from
        // where its clock stood.
        const clock = new VirtualClock(await this.timeOf(runId));
        const interpreter = this.interpreter(clock, { kind: 'run', runId }, Number(run.seed));
        this.clocks.set(runId, clock);
        this.log(`Playing the simulated run ${runId} from ${new Date(clock.now()).toISOString()}`);
        const done = this.playSimulation(runId, interpreter, clock).finally(async () => {
          this.simulations.delete(runId);
          this.clocks.delete(runId);
          await this.claims.release(runId).catch((error) => this.onError(error, `simulated run ${runId}`));
        });
        this.simulations.set(runId, done);
      } catch (error) {
        await this.claims.release(runId);
        throw error;
      }
    } finally {
      this.starting.delete(runId);
    }
  }

  private async playSimulation(runId: string, interpreter: Interpreter, clock: VirtualClock): Promise<void> {
    try {
      for (;;) {
        if (this.stopping) return;
        const work = await interpreter.tick();
        this.stats.simulatedRounds++;
        // Other requests and the live loop get their turn between rounds.
        await yieldToIo();
        const run = await this.store.db.selectFrom('runs').select('status').where('id', '=', runId).executeTakeFirst();
        if (!run || run.status === 'completed' || run.status === 'stopped') return;
        if (run.status === 'paused') {
          // A paused simulation holds its clock; resuming picks up from the same moment.
          await new Promise((resolve) => setTimeout(resolve, 100));
          continue;
        }
        if (work > 0) continue;
        const next = await interpreter.nextDueAt();
        if (next === undefined) return;
        clock.advanceTo(next + simulatedResolutionMs);
      }
    } catch (error) {
      this.onError(error, `simulated run ${runId}`);
    }
  }

  /**
   * "Now" for a run: the real clock for a live run; for a simulated one its virtual clock while it plays, else the
   * moment of its last event, where its clock stopped.
   */
  async timeOf(runId: string): Promise<number> {
    const playing = this.clocks.get(runId);
    if (playing) return playing.now();
    const run = await this.store.db.selectFrom('runs').select(['simulated', 'start_at']).where('id', '=', runId).executeTakeFirst();
    if (!run?.simulated) return this.clock.now();
    const last = await this.store.db
      .selectFrom('events')
      .select((eb) => eb.fn.max('time').as('t'))
      .where('run_id', '=', runId)
      .executeTakeFirst();
    return Math.max(Number(run.start_at), Number(last?.t ?? 0));
  }

  /**
   * Records a reaction from outside (a click, an open, a delivery report, a reply) for a contact of a run, due at the
   * run's own "now", and sets the run's loop going so that it takes effect on the next round. Returns that moment.
   */
  async react(reaction: { runId: string; contactId: string; type: EventType; data: Record<string, unknown> }): Promise<number> {
    const at = await this.timeOf(reaction.runId);
    await this.store.db
      .insertInto('inbox')
      .values({ run_id: reaction.runId, contact_id: reaction.contactId, type: reaction.type, due_at: at, data: JSON.stringify(reaction.data) })
      .execute();
    const run = await this.store.db.selectFrom('runs').select('simulated').where('id', '=', reaction.runId).executeTakeFirst();
    if (run?.simulated) await this.simulate(reaction.runId);
    else this.wake();
    return at;
  }

  /** Resolves when a simulated run's play has ended (at once when it is not playing). */
  async finished(runId: string): Promise<void> {
    await this.simulations.get(runId);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.wake();
    await this.liveLoop;
    await Promise.all(this.simulations.values());
    await this.claims.close();
    this.smtp?.close();
  }
}
