// The telephone network as the dialer sees it: it places a call and hears back the call's progress, and it cancels
// a call, plays a message on it or bridges it to an agent. The virtual carrier (`virtual-carrier.ts`) is the one
// implementation today; a telephony provider implements the same interface.
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
  /** Whether answering-machine detection listens to the answer. */
  amd: boolean;
  placedAt: number;
}

/** One moment of a call's progress, as the carrier reports it, in time order. */
export type CallProgress =
  | { type: 'ringing'; at: number }
  /** `by` is what actually answered, which only a simulated carrier knows (its simulated agents find out on the line). */
  | { type: 'answered'; at: number; by: 'human' | 'machine' }
  /** The callee's greeting ("Hello?", or a voicemail's greeting up to its beep), from the answer to `endsAt`. */
  | { type: 'greeting'; at: number; endsAt: number }
  | { type: 'amd'; at: number; verdict: 'human' | 'machine'; decisionMs: number }
  | { type: 'ended'; at: number; reason: 'no-answer' | 'busy' | 'invalid' };

export interface Carrier {
  /** The detector's estimated share of people among its 'machine' verdicts, which the UK lets the dialer count. */
  readonly amdFalsePositiveShare: number;
  /**
   * Places a call. A simulated carrier knows at once everything that will happen to the call and returns it whole;
   * a real one returns nothing and reports the progress as it comes.
   */
  place(request: CallRequest): CallProgress[];
  /** Hangs up a call the dialer no longer wants (no agent in time, a machine verdict). */
  cancel(key: string, at: number): void;
  /** Plays a recorded message on the answered call. */
  playMessage(key: string, message: string, at: number): void;
  /** Connects the answered call to an agent. */
  bridge(key: string, agentId: string, at: number): void;
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
