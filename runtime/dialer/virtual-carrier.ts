// The simulated telephone network: decides, from a call's idempotency key alone, everything that will happen to it.
import { lognormal, seededRandom, visitKey } from '../random.ts';
import type { ForeknowingCarrier, CallProgress, CallRequest } from './carrier.ts';
import { estimateAmdFalsePositiveShare } from './abandonment.ts';
import { pickWeighted, wholeMs } from './sampling.ts';

export type CallOutcome = 'human' | 'machine' | 'no-answer' | 'busy' | 'invalid';
export type AmdVerdict = 'human' | 'machine';

/** A lognormal distribution given as mean and coefficient of variation (standard deviation / mean). */
export interface Spread {
  mean: number;
  cv: number;
}

export interface CarrierProfile {
  /**
   * Share of calls by what happens when we let them ring as long as needed; the shares sum to 1. A call that would
   * be answered only after the step's ring time becomes no-answer, so short ring times lower the answered shares.
   */
  outcomes: { human: number; machine: number; noAnswer: number; busy: number; invalid: number };
  /** Milliseconds from placing the call to the first ring; busy and invalid numbers are rejected at that moment. */
  setupMs: Spread;
  /** Seconds of ringing before a person (and, without `machineRingSeconds`, a machine) answers. */
  ringSeconds: Spread;
  /** Seconds of ringing before voicemail picks up, which waits for several rings, longer than most people. */
  machineRingSeconds?: Spread;
  /** Seconds a person speaks on picking up ("Hello?"). */
  humanGreetingSeconds: Spread;
  /** Seconds of a voicemail greeting, up to its beep. */
  machineGreetingSeconds: Spread;
  amd: {
    /** Probability that answering-machine detection calls a person a person. */
    humanAccuracy: number;
    /** Probability that it calls a machine a machine. */
    machineAccuracy: number;
    /** Milliseconds from the answer to a 'machine' verdict (and to every verdict without `silenceMs`). */
    decisionMs: Spread;
    /**
     * Milliseconds of silence after a short greeting before the detector calls the line a person. With it, a
     * 'human' verdict comes that long after "Hello?" ends, as detectors that listen for the pause after a greeting do.
     */
    silenceMs?: Spread;
  };
}

export const defaultCarrierProfile: CarrierProfile = {
  outcomes: { human: 0.2, machine: 0.35, noAnswer: 0.35, busy: 0.07, invalid: 0.03 },
  setupMs: { mean: 2500, cv: 0.4 },
  ringSeconds: { mean: 7, cv: 0.6 },
  humanGreetingSeconds: { mean: 1.2, cv: 0.4 },
  machineGreetingSeconds: { mean: 9, cv: 0.35 },
  amd: { humanAccuracy: 0.95, machineAccuracy: 0.9, decisionMs: { mean: 2800, cv: 0.35 }, silenceMs: { mean: 800, cv: 0.3 } },
};

export interface AmdDecision {
  verdict: AmdVerdict;
  /** From the answer to the verdict. */
  decisionMs: number;
  /** From placing the call to the verdict. */
  atMs: number;
}

/** All offsets are whole milliseconds after the call was placed. */
export type CallPlan =
  | {
      outcome: 'human' | 'machine';
      ringingMs: number;
      answerMs: number;
      /** The callee starts speaking as the line opens, so this equals `answerMs`. */
      greetingStartMs: number;
      /** The end of "Hello?", or a voicemail's beep. */
      greetingStopMs: number;
      /** Present when detection is on. */
      amd?: AmdDecision;
    }
  | {
      outcome: 'no-answer';
      ringingMs: number;
      /** We stop ringing after the step's ring time. */
      endMs: number;
    }
  | {
      outcome: 'busy' | 'invalid';
      endMs: number;
    };

export interface PlanCallInput {
  /** The call's idempotency key, so a repeated attempt to place the same call meets the same fate. */
  key: string;
  seed: number;
  ringSeconds: number;
  amdEnabled: boolean;
  profile: CarrierProfile;
  /** The number is known to be unreachable (for instance it failed to parse), whatever the profile says. */
  invalid?: boolean;
}

export function planCall(input: PlanCallInput): CallPlan {
  const { key, seed } = input;
  // One stream per quantity, so that changing one setting (AMD on, a longer ring) leaves every other draw of the
  // same call unchanged and two simulations differ only where their settings do.
  const visit = visitKey(key);
  return planCallFrom((name) => seededRandom(seed, visit, `carrier:${name}`), input);
}

/**
 * The plan of one call from a source of uniform draws per named quantity. The benchmark hands one fast stream per
 * contact for every name, which keeps the draws of a contact the same whatever the pacing policy does.
 */
export function planCallFrom(draw: (name: string) => () => number, input: Omit<PlanCallInput, 'key' | 'seed'>): CallPlan {
  const { profile } = input;
  const outcome = input.invalid ? 'invalid' : pickOutcome(profile.outcomes, draw('outcome')());
  const ringingMs = wholeMs(lognormal(draw('setup'), profile.setupMs.mean, profile.setupMs.cv));

  if (outcome === 'busy' || outcome === 'invalid') return { outcome, endMs: ringingMs };
  const ringLimitMs = input.ringSeconds * 1000;
  const noAnswer = { outcome: 'no-answer', ringingMs, endMs: ringingMs + ringLimitMs } as const;
  if (outcome === 'no-answer') return noAnswer;

  const ring = outcome === 'machine' ? (profile.machineRingSeconds ?? profile.ringSeconds) : profile.ringSeconds;
  const ringMs = wholeMs(lognormal(draw('ring'), ring.mean, ring.cv) * 1000);
  if (ringMs > ringLimitMs) return noAnswer;

  const answerMs = ringingMs + ringMs;
  const greeting = outcome === 'human' ? profile.humanGreetingSeconds : profile.machineGreetingSeconds;
  const greetingMs = wholeMs(lognormal(draw('greeting'), greeting.mean, greeting.cv) * 1000);
  const plan: CallPlan = { outcome, ringingMs, answerMs, greetingStartMs: answerMs, greetingStopMs: answerMs + greetingMs };
  if (!input.amdEnabled) return plan;

  const { amd } = profile;
  const accuracy = outcome === 'human' ? amd.humanAccuracy : amd.machineAccuracy;
  const right = draw('amd-verdict')() < accuracy;
  const verdict: AmdVerdict = right ? outcome : outcome === 'human' ? 'machine' : 'human';
  const latency = wholeMs(lognormal(draw('amd-latency'), amd.decisionMs.mean, amd.decisionMs.cv));
  let decisionMs = latency;
  if (verdict === 'human' && amd.silenceMs) {
    // A machine taken for a person paused after a short first phrase, as long as a person's "Hello?".
    const phraseMs =
      outcome === 'human' ? greetingMs : wholeMs(lognormal(draw('amd-phrase'), profile.humanGreetingSeconds.mean, profile.humanGreetingSeconds.cv) * 1000);
    decisionMs = phraseMs + wholeMs(lognormal(draw('amd-silence'), amd.silenceMs.mean, amd.silenceMs.cv));
  }
  return { ...plan, amd: { verdict, decisionMs, atMs: answerMs + decisionMs } };
}

const weightedOutcomes = new WeakMap<CarrierProfile['outcomes'], readonly (readonly [CallOutcome, number])[]>();

function pickOutcome(shares: CarrierProfile['outcomes'], u: number): CallOutcome {
  // Built once per profile: the benchmark plans millions of calls from the same few profiles.
  let weighted = weightedOutcomes.get(shares);
  if (!weighted) {
    weighted = outcomeWeights(shares);
    weightedOutcomes.set(shares, weighted);
  }
  return pickWeighted(weighted, u, 'carrier profile outcomes');
}

function outcomeWeights(shares: CarrierProfile['outcomes']): readonly (readonly [CallOutcome, number])[] {
  return [
    ['human', shares.human],
    ['machine', shares.machine],
    ['no-answer', shares.noAnswer],
    ['busy', shares.busy],
    ['invalid', shares.invalid],
  ];
}

/**
 * The virtual carrier behind the `Carrier` interface: it plans a call whole when it is placed and reports the plan as
 * the call's progress. Cancelling, playing a message and bridging change nothing it has to tell: the call timeline
 * works out their consequences from the plan.
 */
export class VirtualCarrier implements ForeknowingCarrier {
  readonly reports = 'at-once';
  readonly amdFalsePositiveShare: number;

  constructor(readonly profile: CarrierProfile = defaultCarrierProfile) {
    const { outcomes, amd } = profile;
    // The UK's reasoned estimate of people among machine verdicts, from the detector's accuracy and the answer mix.
    this.amdFalsePositiveShare = estimateAmdFalsePositiveShare({ ...amd, humanShareOfAnswers: outcomes.human / (outcomes.human + outcomes.machine) });
  }

  place(request: CallRequest): CallProgress[] {
    const plan = planCall({
      key: request.key,
      seed: request.seed,
      ringSeconds: request.ringSeconds,
      amdEnabled: request.amd,
      profile: this.profile,
      invalid: !request.to,
    });
    return progressOf(request.placedAt, plan);
  }

  cancel(): void {}

  playMessage(): void {}

  bridge(): void {}
}

/** A plan as the progress a carrier reports, at times from `placedAt`. */
export function progressOf(placedAt: number, plan: CallPlan): CallProgress[] {
  if (!('ringingMs' in plan)) return [{ type: 'ended', at: placedAt + plan.endMs, reason: plan.outcome }];
  const ringing: CallProgress = { type: 'ringing', at: placedAt + plan.ringingMs };
  if (!('answerMs' in plan)) return [ringing, { type: 'ended', at: placedAt + plan.endMs, reason: plan.outcome }];
  const progress: CallProgress[] = [
    ringing,
    { type: 'answered', at: placedAt + plan.answerMs, by: plan.outcome },
    { type: 'greeting', at: placedAt + plan.greetingStartMs, endsAt: placedAt + plan.greetingStopMs },
  ];
  if (plan.amd) progress.push({ type: 'amd', at: placedAt + plan.amd.atMs, verdict: plan.amd.verdict, decisionMs: plan.amd.decisionMs });
  return progress;
}
