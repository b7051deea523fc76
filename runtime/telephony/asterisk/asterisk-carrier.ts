// Calls placed through an Asterisk server over ARI: what the dialer asks (place, cancel, play a message, bridge to
// an agent) as requests, and what Asterisk says about each call as its progress, reported once each, in order.
import type { CallRequest } from '../../dialer/carrier.ts';
import { AriClient, AriError, type RetryPolicy } from './ari-client.ts';
import { AriEventStream } from './ari-events.ts';
import type { AriEvent } from './ari-model.ts';
import { type AmdStatus, amdStatuses, type AsteriskCallProgress, CallMoments } from './call-moments.ts';
import { resourceId, resourceOf } from './ids.ts';
import type { AsteriskSettings } from './settings.ts';

export type { AsteriskCallProgress, CallExit } from './call-moments.ts';

/** What the carrier needs of the dialer's request: the seed and the placing time are a simulation's. */
export type AsteriskCallRequest = Pick<CallRequest, 'key' | 'to' | 'callerId' | 'ringSeconds' | 'amd'>;

export interface AsteriskCarrierOptions {
  settings: AsteriskSettings;
  /** Each moment of each call, once, in the call's order. */
  onProgress: (progress: AsteriskCallProgress) => void;
  /** A key the customer pressed (an opt-out key after a message, say). */
  onDigit?: (key: string, digit: string, at: number) => void;
  /** What went wrong without a call to pin it on, or in tidying up after one: for the log. */
  onProblem?: (message: string) => void;
  /** The time of moments learnt by catching up rather than from an event. Default Date.now. */
  now?: () => number;
  /** See `CallMomentsOptions.reorderMs`. */
  reorderMs?: number;
  retry?: Partial<RetryPolicy>;
  reconnect?: { baseMs: number; maxMs: number };
  heartbeatMs?: number;
  /** How long an agent's phone may ring. Default 15 s. */
  agentRingSeconds?: number;
}

/** The dialplan variables the originated call carries (`docs/asterisk/extensions.conf` reads them). */
export const dialplanVariables = { amd: 'JOURNEY_AMD', key: 'JOURNEY_CALL' } as const;

/** A call refused before it was placed: the trunk's channels are all in use. */
export class CarrierFullError extends Error {
  constructor(key: string, max: number) {
    super(`Call ${key} was not placed: the trunk's ${max} channels (ASTERISK_MAX_CHANNELS) are all in use`);
    this.name = 'CarrierFullError';
  }
}

interface Call {
  amd: boolean;
  /** Whether `POST /channels` has answered: only then can a channel missing from the list be taken as ended. */
  placed: boolean;
  agentId?: string;
  /** The cause of a `ChannelHangupRequest`, kept in case its `ChannelDestroyed` is missed. */
  hangupCause?: number;
  /** A message is playing, after which the call is hung up. */
  message?: boolean;
}

export class AsteriskCarrier {
  readonly maxConcurrentCalls: number;
  private readonly client: AriClient;
  private readonly events: AriEventStream;
  private readonly moments: CallMoments;
  private readonly calls = new Map<string, Call>();
  /** Channels an event has named, so that an originate whose answer was lost is not tried again. */
  private readonly named = new Set<string>();
  private readonly now: () => number;
  private readonly problem: (message: string) => void;

  constructor(private readonly options: AsteriskCarrierOptions) {
    const { settings } = options;
    this.maxConcurrentCalls = settings.maxChannels;
    this.now = options.now ?? Date.now;
    this.problem = options.onProblem ?? (() => {});
    this.client = new AriClient(settings, { ...(options.retry && { retry: options.retry }) });
    this.moments = new CallMoments(
      (moment) => {
        if (moment.type === 'ended') this.finish(moment.key);
        options.onProgress(moment);
      },
      { ...(options.reorderMs !== undefined && { reorderMs: options.reorderMs }) },
    );
    this.events = new AriEventStream(settings, settings.app, {
      onEvent: (event) => this.hear(event),
      onOpen: (again) => this.opened(again),
      onProblem: this.problem,
      ...(options.reconnect && { reconnect: options.reconnect }),
      ...(options.heartbeatMs && { heartbeatMs: options.heartbeatMs }),
    });
  }

  /** Connects to the events and subscribes to the trunk; calls can be placed once it resolves. */
  start(): Promise<void> {
    return this.events.start();
  }

  async stop(): Promise<void> {
    this.moments.close();
    await this.events.close();
  }

  /** Calls placed and not yet ended: what counts against `maxConcurrentCalls`. */
  get callsInProgress(): number {
    return this.calls.size;
  }

  /**
   * Places a call. It resolves once Asterisk has the call, and its progress comes through `onProgress`; it rejects
   * when the trunk is full (`CarrierFullError`) or Asterisk refused or could not take the call (`AriError`), and then
   * nothing of the call is reported and the same key may be placed again. Placing a key already in progress does
   * nothing: it is the same call.
   */
  async place(request: AsteriskCallRequest): Promise<void> {
    const { key } = request;
    if (this.calls.has(key)) return;
    if (this.calls.size >= this.maxConcurrentCalls) throw new CarrierFullError(key, this.maxConcurrentCalls);
    const { settings } = this.options;
    const channelId = resourceId('call', key);
    const endpoint = request.to === null ? undefined : dialString(settings.trunk, request.to);
    const call: Call = { amd: request.amd, placed: false };
    this.calls.set(key, call);
    this.moments.follow(key);
    if (endpoint === undefined) {
      this.moments.ended(key, this.now(), null, 'The contact has no number', 'invalid');
      return;
    }
    try {
      await this.client.originate(
        {
          channelId,
          endpoint,
          context: settings.context,
          extension: 's',
          priority: 1,
          callerId: request.callerId,
          timeoutSeconds: request.ringSeconds,
          variables: { [dialplanVariables.amd]: request.amd ? 'yes' : 'no', [dialplanVariables.key]: key },
        },
        (id) => this.named.has(id),
      );
      call.placed = true;
    } catch (error) {
      this.calls.delete(key);
      this.named.delete(channelId);
      this.moments.forget(key);
      throw error;
    }
  }

  /** Hangs up a call the dialer no longer wants, and its agent's leg if it has one. */
  async cancel(key: string): Promise<void> {
    const call = this.calls.get(key);
    if (!call) return;
    await this.client.hangup(resourceId('call', key), 'normal');
    if (call.agentId) await this.client.hangup(resourceId('agent', key), 'normal');
  }

  /**
   * Plays a recorded sound on the answered call (the abandonment message, or the message left on a machine) and hangs
   * up when it has finished. `sound` is a sound's name as Asterisk finds it in its sounds folder, without extension.
   */
  async playMessage(key: string, sound: string): Promise<void> {
    const call = this.calls.get(key);
    if (!call) throw new Error(`Call ${key} is not in progress: no message can be played on it`);
    if (!/^[A-Za-z0-9_\-/]+$/.test(sound)) throw new Error(`Sound ${JSON.stringify(sound)} is not a sound's name (letters, digits, -, _ and /)`);
    call.message = true;
    try {
      await this.client.play(resourceId('call', key), `sound:${sound}`, resourceId('message', key));
    } catch (error) {
      // Not playing: no hang-up is owed to it.
      call.message = false;
      throw error;
    }
  }

  /**
   * Connects the answered call to an agent: the call waits in a mixing bridge while the agent's phone
   * (`PJSIP/agent-<id>`) is called into the application, which adds it to the bridge when it answers; `connected`
   * follows when it is in.
   */
  async bridge(key: string, agentId: string): Promise<void> {
    const call = this.calls.get(key);
    if (!call) throw new Error(`Call ${key} is not in progress: it cannot be connected to agent ${agentId}`);
    if (!/^[A-Za-z0-9_-]+$/.test(agentId)) throw new Error(`Agent id ${JSON.stringify(agentId)} cannot name a PJSIP endpoint (letters, digits, - and _)`);
    if (call.agentId) return;
    call.agentId = agentId;
    const bridgeId = resourceId('bridge', key);
    try {
      await this.client.createBridge(bridgeId);
      await this.client.addToBridge(bridgeId, [resourceId('call', key)]);
      await this.client.originate(
        {
          channelId: resourceId('agent', key),
          endpoint: `PJSIP/agent-${agentId}`,
          app: this.options.settings.app,
          appArgs: 'agent',
          timeoutSeconds: this.options.agentRingSeconds ?? 15,
        },
        (id) => this.named.has(id),
      );
    } catch (error) {
      // Not rung: the call may be bridged again, to this agent or another.
      call.agentId = undefined;
      throw error;
    }
  }

  private hear(event: AriEvent): void {
    const at = Date.parse(event.timestamp);
    if (event.type === 'PlaybackStarted' || event.type === 'PlaybackFinished') {
      const of = resourceOf(event.playback.id);
      if (event.type === 'PlaybackFinished' && of?.kind === 'message' && this.calls.get(of.key)?.message) {
        this.tidy(`hanging up call ${of.key} after its message`, () => this.client.hangup(resourceId('call', of.key), 'normal'));
      }
      return;
    }
    const of = resourceOf(event.channel.id);
    if (!of || !this.calls.has(of.key)) return;
    this.named.add(event.channel.id);
    if (of.kind === 'agent') {
      this.hearAgent(of.key, event, at);
      return;
    }
    if (of.kind !== 'call') return;
    const { key } = of;
    const call = this.calls.get(key)!;
    switch (event.type) {
      case 'ChannelCreated':
      case 'ChannelStateChange':
        if (event.channel.state === 'Ringing') this.moments.ringing(key, at);
        else if (event.channel.state === 'Up') this.moments.answered(key, at);
        return;
      case 'StasisStart':
        if (call.amd && !amdStatuses.includes(event.args[0] as AmdStatus)) {
          // A dialplan that does not pass AMD's verdict on: it is still on the channel.
          this.tidy(`reading the detector's verdict of call ${key}`, async () => this.moments.inApplication(key, at, await this.amdVerdict(event.channel.id)));
        } else this.moments.inApplication(key, at, event.args);
        return;
      case 'ChannelHangupRequest':
        if (event.cause !== undefined) call.hangupCause = event.cause;
        return;
      case 'ChannelDestroyed':
        this.moments.ended(key, at, event.cause, event.cause_txt);
        return;
      case 'ChannelDtmfReceived':
        this.options.onDigit?.(key, event.digit, at);
        return;
      case 'StasisEnd':
      case 'ChannelEnteredBridge':
        return;
    }
  }

  private hearAgent(key: string, event: AriEvent, at: number): void {
    const call = this.calls.get(key)!;
    if (!call.agentId) return;
    const agentId = call.agentId;
    switch (event.type) {
      case 'StasisStart':
        this.tidy(`adding agent ${agentId} to call ${key}`, () => this.client.addToBridge(resourceId('bridge', key), [resourceId('agent', key)]));
        return;
      case 'ChannelEnteredBridge':
        this.moments.connected(key, at, agentId);
        return;
      case 'ChannelDestroyed':
        if (this.moments.heard(key)?.connected) {
          // The agent hung up: the customer's side goes too.
          this.tidy(`hanging up call ${key} after agent ${agentId} left`, () => this.client.hangup(resourceId('call', key), 'normal'));
        } else {
          this.problem(`Agent ${agentId}'s phone (PJSIP/agent-${agentId}) did not take call ${key}: ${event.cause_txt} (cause ${event.cause})`);
        }
        return;
      default:
        return;
    }
  }

  /** On each connection: subscribe to the trunk's channels; after a drop, catch up on the calls in progress. */
  private async opened(again: boolean): Promise<void> {
    const { settings } = this.options;
    await this.client.subscribe(settings.app, `endpoint:${settings.trunk}`);
    if (again) await this.catchUp();
  }

  /**
   * What happened while the socket was down, from the channels Asterisk has now: a call whose channel is gone ended,
   * one that is up was answered, one in the application has its verdict. Moments learnt so are timed now; anything
   * already heard keeps its own time, so nothing is reported twice.
   */
  private async catchUp(): Promise<void> {
    // Only calls placed before the list was taken: one placed meanwhile is not missing from it.
    const placed = [...this.calls].filter(([, call]) => call.placed);
    const channels = new Map((await this.client.channels()).map((c) => [c.id, c]));
    const at = this.now();
    for (const [key, call] of placed) {
      const channel = channels.get(resourceId('call', key));
      if (!channel) {
        const cause = call.hangupCause ?? null;
        this.moments.ended(key, at, cause, 'The call ended while the event socket was down');
        continue;
      }
      if (channel.state === 'Ringing') this.moments.ringing(key, at);
      if (channel.state === 'Up') this.moments.answered(key, at);
      const heard = this.moments.heard(key);
      if (channel.dialplan?.app_name === 'Stasis' && !heard?.stasis) {
        this.moments.inApplication(key, at, call.amd ? await this.amdVerdict(channel.id) : ['NOAMD']);
      }
      if (call.agentId && !heard?.connected) {
        const bridge = await this.client.bridge(resourceId('bridge', key));
        if (bridge?.channels.includes(resourceId('agent', key))) this.moments.connected(key, at, call.agentId);
      } else if (call.agentId && !channels.has(resourceId('agent', key))) {
        // The agent hung up unheard: the customer's side goes too, as it would have.
        await this.client.hangup(channel.id, 'normal');
      }
      if (call.message && !(await this.client.playback(resourceId('message', key)))) {
        // The message finished unheard: hang up, as on PlaybackFinished.
        await this.client.hangup(channel.id, 'normal');
      }
    }
  }

  private async amdVerdict(channelId: string): Promise<string[]> {
    const status = await this.client.variable(channelId, 'AMDSTATUS');
    const cause = await this.client.variable(channelId, 'AMDCAUSE');
    return status ? [status, cause ?? ''] : [];
  }

  /** A call is over: its agent's leg and bridge go with it. */
  private finish(key: string): void {
    const call = this.calls.get(key);
    this.calls.delete(key);
    this.named.delete(resourceId('call', key));
    this.named.delete(resourceId('agent', key));
    if (!call?.agentId) return;
    this.tidy(`tidying up after call ${key}`, async () => {
      await this.client.hangup(resourceId('agent', key), 'normal');
      await this.client.destroyBridge(resourceId('bridge', key));
    });
  }

  /** Runs a request that answers an event; its failure is reported, since no caller awaits it. */
  private tidy(what: string, work: () => Promise<unknown>): void {
    work().catch((error: unknown) => this.problem(`Failed ${what}: ${error instanceof AriError ? error.message : String(error)}`));
  }
}

/**
 * The endpoint a number is dialled through: `PJSIP/<number>@<endpoint>` for PJSIP (its `PJSIP/<endpoint>/<...>` form
 * wants a whole SIP URI), `<TECH>/<trunk>/<number>` for the others (`IAX2/provider/+15551234567`).
 */
export function dialString(trunk: string, number: string): string {
  if (!/^\+?[0-9*#]+$/.test(number)) throw new Error(`Number ${JSON.stringify(number)} cannot be dialled: digits only, with an optional leading +`);
  const [tech, resource] = trunk.split('/') as [string, string];
  if (tech.toUpperCase() === 'PJSIP') return `PJSIP/${number}@${resource}`;
  return `${trunk}/${number}`;
}
