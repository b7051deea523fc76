// A call the dialer tracks, by the phase its carrier reports it in, and the one place its phase changes: `hear` folds
// the call-progress events of one moment into the call. The dialer acts at the moments `actAt` gives; everything a
// phase knows was heard from the carrier by then, nothing is worked out ahead of it.
import type { CallProgress } from './carrier.ts';
import { switchMs } from './call-timeline.ts';

interface CallOfContact {
  contactId: string;
  visit: number;
  key: string;
}

/** A preview the agent held for it is reading; the call is not placed yet. */
export interface PreviewCall extends CallOfContact {
  phase: 'preview';
  agentId: string;
  /** When a simulated agent finishes reading and places the call; people say so at the agent page. */
  previewUntil?: number;
}

interface PlacedCall extends CallOfContact {
  /** The agent held for it (preview, progressive). */
  agentId?: string;
  placedAt: number;
  /** How long the step's recorded message lasts, for a suspected machine no agent hears and that gets it. */
  messageMs?: number;
}

/** Placed, not answered yet. */
export interface RingingCall extends PlacedCall {
  phase: 'ringing';
}

interface AnsweredMoments extends PlacedCall {
  answeredAt: number;
  /** The callee's greeting ("Hello?", or a voicemail's up to its beep), as the carrier reported it. */
  greetingStartAt: number;
  greetingStopAt: number;
  /** What actually answered, which only a simulated carrier knows (its simulated agents find out on the line). */
  truth: 'human' | 'machine';
}

/** Answered, and the answering-machine detector is listening. */
export interface DetectingCall extends AnsweredMoments {
  phase: 'detecting';
}

/** A live person known (the detector's 'human' verdict, or the answer without a detector), to be routed to an agent. */
export interface AnsweredCall extends AnsweredMoments {
  phase: 'answered';
  /** When the dialer acts on the live answer: what it learnt, plus the moment it takes to switch the line. */
  liveAt: number;
  /** Past this moment the answer is abandoned (the law's limit on silence). */
  deadline: number;
  /** Since when it waits for an agent, none being free at `liveAt`. */
  queuedAt?: number;
  /**
   * The detector called it a machine, and the step lets a free agent hear it first: it goes to an agent free at
   * `liveAt`, or is hung up on (or left the step's message) then; it never waits.
   */
  suspected?: true;
}

/**
 * Over for the dialer without an agent: it ended unanswered, or the detector heard a machine (the line is hung up, or
 * left the step's message). The held agent is free again, and the policy learns, at `releaseAt`.
 */
export interface EndedCall extends PlacedCall {
  phase: 'ended';
  releaseAt: number;
  /** When a call the detector took for a machine was answered; none for an unanswered call. */
  answeredAt?: number;
}

/**
 * A call the dialer still has to act on, by phase. Connected calls are the agent floor's and the events' business,
 * not the dialer's: a call leaves the dialer's hands when it reaches an agent, is dropped or is released.
 */
export type TrackedCall = PreviewCall | RingingCall | DetectingCall | AnsweredCall | EndedCall;
/** A call placed and not yet known to be live or over: what the carrier's progress moves on. */
export type ProgressingCall = RingingCall | DetectingCall;

/** What a step says about the calls it places, which the transitions need. */
export interface PhaseRules {
  /** Whether the answering-machine detector listens to answers. */
  amd: boolean;
  /** Whether a machine verdict goes to an agent free at that moment rather than being hung up on at once. */
  suspectedToAgent?: boolean;
  /** The moment a live answer with this greeting is abandoned if no agent took it. */
  deadline(greeting: { greetingStartAt: number; greetingStopAt: number }): number;
}

/** Whether the call is a live answer waiting for an agent (the rest of the placed calls count as ringing). */
export function isQueued(call: TrackedCall): call is AnsweredCall & { queuedAt: number } {
  return call.phase === 'answered' && call.queuedAt !== undefined;
}

/** The call with the progress of one moment heard, all of its events at the same time: the only phase changes. */
export function hear(call: ProgressingCall, moment: readonly CallProgress[], rules: PhaseRules): TrackedCall {
  let now: TrackedCall = call;
  for (const event of moment) {
    // The greeting is taken with the answer it starts with (`transition` of 'answered').
    if (event.type === 'greeting') continue;
    if (now.phase !== 'ringing' && now.phase !== 'detecting') {
      throw new Error(`Call ${call.key}: '${event.type}' heard after the dialer was done listening (${now.phase})`);
    }
    now = transition(now, event, moment, rules);
  }
  return now;
}

function transition(call: ProgressingCall, event: CallProgress, moment: readonly CallProgress[], rules: PhaseRules): TrackedCall {
  const { phase: _phase, ...placed } = call;
  switch (event.type) {
    case 'ringing':
    case 'greeting':
      // Ringing changes nothing the dialer acts on.
      return call;
    case 'ended':
      if (call.phase !== 'ringing') throw new Error(`Call ${call.key}: it ended while ${call.phase}, which the dialer cannot follow`);
      return { ...placed, phase: 'ended', releaseAt: event.at };
    case 'answered': {
      if (call.phase !== 'ringing') throw new Error(`Call ${call.key}: answered twice`);
      const greeting = moment.find((p): p is Extract<CallProgress, { type: 'greeting' }> => p.type === 'greeting');
      if (!greeting) throw new Error(`Call ${call.key}: answered without the greeting's start reported with it`);
      const answered = { ...placed, answeredAt: event.at, greetingStartAt: greeting.at, greetingStopAt: greeting.endsAt, truth: event.by };
      if (rules.amd) return { ...answered, phase: 'detecting' };
      return live(answered, event.at, rules);
    }
    case 'amd': {
      if (call.phase !== 'detecting') throw new Error(`Call ${call.key}: a detector's verdict while ${call.phase}`);
      const { phase: _detecting, ...heard } = call;
      // A real carrier learns where the greeting ended only from the detector.
      const answered = event.greetingEndsAt === undefined ? heard : { ...heard, greetingStopAt: Math.max(heard.greetingStartAt, event.greetingEndsAt) };
      if (event.verdict === 'human') return live(answered, event.at, rules);
      if (rules.suspectedToAgent) return { ...live(answered, event.at, rules), suspected: true };
      const { greetingStartAt: _start, greetingStopAt: _stop, truth: _truth, ...rest } = answered;
      return { ...rest, phase: 'ended', releaseAt: event.at + switchMs };
    }
  }
}

function live(answered: Omit<AnsweredCall, 'phase' | 'liveAt' | 'deadline'>, learntAt: number, rules: PhaseRules): AnsweredCall {
  return { ...answered, phase: 'answered', liveAt: learntAt + switchMs, deadline: rules.deadline(answered) };
}

/** The call waits for an agent from `at`, none being free; it keeps its place. */
export function queue(call: AnsweredCall, at: number): AnsweredCall {
  return { ...call, queuedAt: call.queuedAt ?? at };
}

/**
 * The call as it will be once the progress reported ahead of its moments is heard (a simulated carrier reports a call
 * whole when it is placed), up to the moment the dialer acts on it; the call itself when none is pending.
 */
export function foretell(call: ProgressingCall, pending: readonly CallProgress[], rules: PhaseRules, until = Infinity): TrackedCall {
  let now: TrackedCall = call;
  for (const moment of moments(pending, until)) {
    if (now.phase !== 'ringing' && now.phase !== 'detecting') break;
    now = hear(now, moment, rules);
  }
  return now;
}

/** The progress due by `until`, grouped by moment in time order. */
export function moments(progress: readonly CallProgress[], until = Infinity): CallProgress[][] {
  const out: CallProgress[][] = [];
  for (const event of progress) {
    if (event.at > until) break;
    const last = out.at(-1);
    if (last && last[0]!.at === event.at) last.push(event);
    else out.push([event]);
  }
  return out;
}

/** When the dialer acts on a call of this phase (a queued answer is acted on when an agent comes free, or at its deadline). */
export function actAt(call: AnsweredCall | EndedCall): number {
  return call.phase === 'ended' ? call.releaseAt : call.liveAt;
}
