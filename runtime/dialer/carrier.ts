// The telephone network as the dialer sees it: it places a call and hears back the call's progress, and it cancels
// a call, plays a message on it or bridges it to an agent. Two kinds: the virtual carrier (`virtual-carrier.ts`)
// knows a call's whole progress when it is placed; a real one (`runtime/telephony/`) is sent the dialer's requests
// after the round that made them commits, and its provider reports the progress later, recorded in the store
// (`carrier-requests.ts`) and heard by the next round.
import type { CallPlan } from './virtual-carrier.ts';

export interface CallRequest {
  /** The call's idempotency key: a repeated attempt to place the same call is the same call. */
  key: string;
  /** The run's seed, from which a simulated carrier draws the call's fate. */
  seed: number;
  /** Null when the contact has no number: the call fails as an invalid number. */
  to: string | null;
  callerId: string;
  /** How long to let it ring before giving up. */
  ringSeconds: number;
  /** The shortest ring the compliance profile allows: a real carrier never rings for less. */
  minRingSeconds?: number;
  /** The step's message rendered for the contact, which a reporting carrier plays when the dialer asks. */
  message?: string;
  /** Whether answering-machine detection listens to the answer. */
  amd: boolean;
  /** The detector waits for a machine's beep (a message is left after it) rather than answering as soon as it can. */
  amdWaitsForBeep?: boolean;
  placedAt: number;
}

/** One moment of a call's progress, as the carrier reports it, in time order. */
export type CallProgress =
  | { type: 'ringing'; at: number }
  /** `by` is what actually answered, which only a simulated carrier knows (its simulated agents find out on the line). */
  | { type: 'answered'; at: number; by: 'human' | 'machine' }
  /** The callee's greeting ("Hello?", or a voicemail's greeting up to its beep), from the answer to `endsAt`. */
  | { type: 'greeting'; at: number; endsAt: number }
  /** `greetingEndsAt`: where the detector heard the greeting end (a real carrier learns it only from the detector). */
  | { type: 'amd'; at: number; verdict: 'human' | 'machine'; decisionMs: number; greetingEndsAt?: number }
  /** `failed` is the carrier's refusal, with its code (Twilio's error or the SIP response). */
  | { type: 'ended'; at: number; reason: EndReason; code?: string };

export type EndReason = 'no-answer' | 'busy' | 'invalid' | 'failed';

interface CarrierBase {
  /** The detector's estimated share of people among its 'machine' verdicts, which the UK lets the dialer count. */
  readonly amdFalsePositiveShare: number;
  /** The most calls it takes under way at once (placed and not over), across every run; none means no limit. */
  readonly maxConcurrentCalls?: number;
}

export type Carrier = ForeknowingCarrier | ReportingCarrier;

/** A carrier that knows at once everything that will happen to a call (the virtual carrier). */
export interface ForeknowingCarrier extends CarrierBase {
  readonly reports: 'at-once';
  /** Places a call and returns its whole progress. */
  place(request: CallRequest): CallProgress[];
  /** Hangs up a call the dialer no longer wants (no agent in time, a machine verdict). */
  cancel(key: string, at: number): void;
  /** Plays a recorded message on the answered call. */
  playMessage(key: string, message: string, at: number): void;
  /** Connects the answered call to an agent. */
  bridge(key: string, agentId: string, at: number): void;
}

/** What the dialer asks a reporting carrier about one call, kept in the store until it is sent. */
export type CarrierCommand =
  | { kind: 'place'; call: CallRequest }
  /** Hang up: `canceled` while it rings, `completed` once answered. */
  | { kind: 'cancel' }
  /** Play (or leave after the beep) a message, then hang up. */
  | { kind: 'message'; message: string }
  | { kind: 'bridge'; agentId: string }
  /** Read the call's own figures (duration, price) once it is over. */
  | { kind: 'fetch' };

/** A command as it is sent: with what the store knows of the call so far. */
export interface CarrierSend {
  key: string;
  command: CarrierCommand;
  /** The provider's id of the call, once placing it was answered. */
  providerCallId: string | undefined;
  answered: boolean;
  /** 1 for the first try. */
  attempt: number;
  /** When the command was recorded: a lost answer to placing is looked up among calls made since. */
  recordedAt: number;
  now: number;
}

export type CarrierAnswer =
  /** Done; placing answers with the provider's id of the call. */
  | { status: 'done'; providerCallId?: string; figures?: CallFigures }
  /** Nothing was done, or the lookup proved it: send again after `retryAfterMs` (backoff if not given). */
  | { status: 'retry'; reason: string; retryAfterMs?: number }
  /** Refused for good; a refused placing ends the call as `reason` with the provider's code. */
  | { status: 'refused'; reason: string; ended?: { reason: EndReason; code?: string } };

/** The carrier's own figures of a finished call. */
export interface CallFigures {
  durationSeconds?: number;
  price?: string;
  priceUnit?: string;
}

/**
 * A real network: the dialer records its requests in the round's transaction and they are sent once it commits; the
 * provider's progress comes back later through the server's hooks into `call_progress`.
 */
export interface ReportingCarrier extends CarrierBase {
  readonly reports: 'later';
  /** Its name in the store and the messages (`twilio`). */
  readonly name: string;
  /**
   * Sends one command to the provider. Placing must never make two calls for one key: an answer that proves nothing
   * was created may be `retry`, an ambiguous one must be looked up first.
   */
  send(request: CarrierSend): Promise<CarrierAnswer>;
}

/**
 * A call's progress as offsets from the moment it was placed, which the call timeline works from. The progress of a
 * call its carrier reported whole (the virtual carrier's) gives back the plan it came from.
 */
export function planOf(placedAt: number, progress: CallProgress[]): CallPlan {
  const find = <T extends CallProgress['type']>(type: T) => progress.find((p): p is Extract<CallProgress, { type: T }> => p.type === type);
  const ringing = find('ringing');
  const ended = find('ended');
  if (ended) {
    if (ended.reason === 'no-answer') return { outcome: 'no-answer', ringingMs: (ringing?.at ?? placedAt) - placedAt, endMs: ended.at - placedAt };
    if (ended.reason === 'failed') throw new Error('A carrier that refuses calls reports their progress later; it has no plan');
    return { outcome: ended.reason, endMs: ended.at - placedAt };
  }
  const answered = find('answered');
  const greeting = find('greeting');
  if (!ringing || !answered || !greeting) throw new Error('A call in progress has neither ended nor been answered with a greeting');
  const amd = find('amd');
  return {
    outcome: answered.by,
    ringingMs: ringing.at - placedAt,
    answerMs: answered.at - placedAt,
    greetingStartMs: greeting.at - placedAt,
    greetingStopMs: greeting.endsAt - placedAt,
    ...(amd && { amd: { verdict: amd.verdict, decisionMs: amd.decisionMs, atMs: amd.at - placedAt } }),
  };
}
