// Pacing: how many calls a dialer step places each moment. Pure and allocation-light, for the runtime and the benchmark.
import type { AbandonmentDefinition, AbandonmentFigures } from './abandonment.ts';

/** What a policy sees each moment (about once a second) of one dialer step and its queue. */
export interface PacingSnapshot {
  now: number;
  /** Agents of the queue logged in: available, reserved, on a call or wrapping up. */
  agentsLoggedIn: number;
  /** Available agents held for nothing. */
  freeAgents: number;
  /** Milliseconds since each agent on a call was connected; the first `talkingCount` entries count. */
  talkingElapsedMs: ArrayLike<number>;
  talkingCount: number;
  /** Milliseconds since each agent wrapping up hung up; the first `wrappingCount` entries count. */
  wrappingElapsedMs: ArrayLike<number>;
  wrappingCount: number;
  /** Milliseconds since each call still ringing or being classified was placed; the first `ringingCount` count. */
  ringingAgesMs: ArrayLike<number>;
  ringingCount: number;
  /** Live answers holding for an agent now. */
  waitingLive: number;
  /** The abandoned-call figures over the legal window up to now. */
  window: AbandonmentFigures;
}

/** What became of a placed call, told to the policy that placed it once the dialer knows. */
export interface CallObservation {
  placedAt: number;
  /** When the call turned out to need an agent (a live verdict), if it did. */
  liveAt?: number;
  /** When it became certain the call needs no agent (hung up, machine, no answer), if it does not. */
  settledAt?: number;
  /** When it reached an agent. */
  connectedAt?: number;
  /** When the dialer gave up waiting for an agent and played the information message. */
  droppedAt?: number;
  /** Abandoned as the law counts it. */
  abandoned: boolean;
  /** A conversation with a person (VICIdial's human-answered statuses, drops included). */
  humanAnswered: boolean;
  /**
   * For a call the detector took for a machine and the dialer hung up on (or left its message on): the estimated
   * chance it was a person, whom the law counts as an abandoned live answer. The dialer never knows which ones were,
   * so the policy steers by this estimate (see `estimateAmdFalsePositiveShare`).
   */
  suspectedPerson?: number;
  /**
   * The detector called it a machine and a free agent heard it instead of the dialer hanging up: with no agent free it
   * would have been hung up on, so it is only partly demand the pacing must plan agents for, and a live answer only if
   * the agent found a person.
   */
  suspected?: boolean;
}

export interface PacingPolicy {
  readonly name: 'progressive' | 'predictive' | 'vicidial';
  /**
   * Whether a call takes an agent off the floor when it is placed (progressive) rather than when it is answered.
   */
  readonly reservesAgents: boolean;
  /** Calls to place now. */
  decide(snapshot: PacingSnapshot): number;
  observe(call: CallObservation): void;
  /** An agent talked (or listened to a machine) for `talkMs`, then wrapped up for `wrapMs`. */
  observeAgent(talkMs: number, wrapMs: number): void;
  /** Until when a live answer that found no free agent waits for one before it is dropped. */
  holdUntil(call: { liveAt: number; greetingStartAt: number; greetingStopAt: number }): number;
  /**
   * Whether a machine verdict may take one of the `freeAgents` free agents (to be heard in case it is a person) rather
   * than be hung up on. Without it, any free agent may take one.
   */
  suspectedMayTakeAgent?(freeAgents: number): boolean;
}

/** The legal deadline of a live answer: 2 seconds after the greeting's end (US) or start (UK). */
export function legalDeadline(
  definition: Pick<AbandonmentDefinition, 'clockFrom' | 'limitMs'>,
  call: { greetingStartAt: number; greetingStopAt: number },
): number {
  return (definition.clockFrom === 'greeting-start' ? call.greetingStartAt : call.greetingStopAt) + definition.limitMs;
}

/** One call per free agent, the agent held from dialing to the outcome: no live answer ever waits. */
export class ProgressivePolicy implements PacingPolicy {
  readonly name = 'progressive';
  readonly reservesAgents = true;
  constructor(private readonly definition: Pick<AbandonmentDefinition, 'clockFrom' | 'limitMs'>) {}
  decide(s: PacingSnapshot): number {
    return s.freeAgents;
  }
  observe(): void {}
  observeAgent(): void {}
  holdUntil(call: { greetingStartAt: number; greetingStopAt: number }): number {
    return legalDeadline(this.definition, call);
  }
}

const secondBins = 180;
const talkBinMs = 2000;
const talkBins = 3600;
const wrapBins = 900;

export interface PredictiveSettings {
  /** The cap the law (or the step) sets, as a fraction: 0.03. */
  cap: number;
  /** The rate the controller steers the recent abandonment towards, a margin below the cap. */
  target: number;
  /** At or above this measured rate over the legal window, dial progressively until it falls back. */
  fallbackAt: number;
  /** Live answers to see before dialing ahead of agents at all. */
  minLiveAnswers: number;
  /** Expected slack between a live verdict and the legal deadline, during which an agent coming free still counts. */
  slackMs: number;
  /**
   * How far `z` moves every 10 seconds per unit of relative error between recent abandonment and the target. Small:
   * the recent rate rests on a few abandoned calls (about 7 in 300 live answers), and a `z` that follows their noise
   * costs more idle time when it is high than it saves when it is low.
   */
  gain: number;
  /** Live answers the recent abandonment rate averages over. */
  memory: number;
  /** Quantiles of a new call's time to a live answer at which supply and demand are compared. */
  quantiles: number[];
  /** The most aggressive `z` the controller may reach (dialing for more answers than forecast agents). */
  zMin: number;
  /**
   * The `z` a new campaign starts from. Above where campaigns settle (about 2.3 to 2.5), so that the slow controller
   * comes down to it from the safe side: abandoned calls early, while the window holds few live answers, send the
   * policy to the fall-back and halve its goal, which costs more than a conservative first half hour.
   */
  zStart: number;
  /** The least `z` with B abandoned calls left before the fall-back is `burstGuard / sqrt(B)`. */
  burstGuard: number;
  /**
   * How much of a live answer a suspected machine heard by a free agent counts for in the forecast of demand. It takes
   * an agent only when one is free (else it is hung up on), so counting it in full, as a live answer, leaves agents
   * waiting for calls that would not have needed them; counting it for nothing lets it take agents live answers needed.
   */
  suspectedDemand: number;
  /** Live answers (since the last step) for which the controller moves `z` by `gain`; fewer move it less. */
  steerLiveAnswers: number;
  /** The most a step may be scaled up by many live answers. */
  steerMaxScale: number;
  /**
   * About how long an agent spends on a machine the detector flagged before hanging up (a few seconds of its
   * greeting). A machine verdict takes a free agent only while more agents are free than the live answers expected
   * from the calls ringing within this time: else the agent it takes is likely to be missed by a person.
   */
  suspectedAgentMs: number;
}

export function predictiveSettings(definition: Pick<AbandonmentDefinition, 'capPercent'>): PredictiveSettings {
  const cap = definition.capPercent / 100;
  // First tuned on the benchmark's 50-agent scenarios, then checked on other seeds (scripts/tune-dialer.ts, seeds 777
  // and 778; see docs/dialer.md): a target a fifth below the cap (a quarter below before machines heard by agents stopped
  // counting as live answers), and the fall-back at 90 % of it, keep every replication under the cap; comparing at the median and the 90th percentile of the time to a live answer gave more
  // talk time than more horizons or one alone. Starting at z = 3 and steering with gain 0.005 (rather than 1.5 and 0.02)
  // gave 1-2 % more talk time at 50 and 200 agents and 3-8 % at 10, at the same abandonment.
  return {
    cap,
    target: cap * 0.8,
    fallbackAt: cap * 0.9,
    minLiveAnswers: 30,
    slackMs: 1000,
    gain: 0.005,
    memory: 300,
    quantiles: [0.5, 0.9],
    zMin: -1.5,
    zStart: 3,
    burstGuard: 3,
    // Tried on seeds 777 and 778: 0.5 to 1 in steps of 0.05-0.1; 0.7 gave the most talk time at 10 % live answers
    // (where machine verdicts outnumber people almost three to one) without costing it at 20 %.
    suspectedDemand: 0.7,
    steerLiveAnswers: 4,
    steerMaxScale: 4,
    suspectedAgentMs: 5000,
  };
}

export interface PredictiveJson {
  need: number[];
  settled: number[];
  talk: number[];
  wrap: number[];
  z: number;
  recent: number;
  liveSeen: number;
  /** Live answers expected from the calls ringing at the last decision, within `suspectedAgentMs`. */
  expectedSoon?: number;
}

/**
 * Our predictive pacing. It learns, from the run's own calls, when a placed call turns into a live answer (or settles
 * without one) and how long agents talk and wrap up; each moment it forecasts, at a few horizons around the time a new
 * call takes to be answered, how many live answers will want an agent (from the calls ringing, by their age) and how
 * many agents will be free (from each agent's time in its call or in its wrap-up: an agent who just hung up is the
 * surest supply), and places the most calls for which forecast demand plus
 * `z` standard deviations stays within forecast supply. `z` is steered by the measured abandonment, and the policy falls
 * back to progressive before too few calls are known or when the legal window's rate nears the cap.
 */
export class PredictivePolicy implements PacingPolicy {
  readonly name = 'predictive';
  readonly reservesAgents = false;
  /** Calls that needed an agent, by whole seconds from placing to the live verdict. */
  private readonly need: Float64Array;
  /** Calls that settled without one, by whole seconds from placing. */
  private readonly settled: Float64Array;
  /** Talk times, by `talkBinMs` bins. */
  private readonly talk: Float64Array;
  /** Wrap-up times, by whole seconds. */
  private readonly wrap: Float64Array;
  private z: number;
  /** Abandoned share of recent live answers (an exponential average over about 300 of them). */
  private recent: number;
  private liveSeen: number;
  private expectedSoon: number;
  private dirty = true;
  private lastSteer = -Infinity;
  private liveAtSteer = 0;
  private lastRebuild = -Infinity;
  // Derived tables, rebuilt when observations arrive.
  private readonly needAfter = new Float64Array(secondBins + 1);
  private readonly allAfter = new Float64Array(secondBins + 1);
  private readonly talkAfter = new Float64Array(talkBins + 1);
  private readonly wrapAfter = new Float64Array(wrapBins + 1);
  private horizons: number[] = [];
  private readonly ringingByAge = new Float64Array(secondBins);
  private readonly settings: PredictiveSettings;

  constructor(
    private readonly definition: Pick<AbandonmentDefinition, 'clockFrom' | 'limitMs' | 'capPercent'>,
    saved?: PredictiveJson,
    settings?: Partial<PredictiveSettings>,
  ) {
    this.settings = { ...predictiveSettings(definition), ...settings };
    this.need = Float64Array.from(saved?.need ?? new Array<number>(secondBins).fill(0));
    this.settled = Float64Array.from(saved?.settled ?? new Array<number>(secondBins).fill(0));
    this.talk = Float64Array.from(saved?.talk ?? new Array<number>(talkBins).fill(0));
    this.wrap = Float64Array.from(saved?.wrap ?? new Array<number>(wrapBins).fill(0));
    this.z = saved?.z ?? this.settings.zStart;
    this.recent = saved?.recent ?? 0;
    this.liveSeen = saved?.liveSeen ?? 0;
    this.expectedSoon = saved?.expectedSoon ?? 0;
    this.liveAtSteer = this.liveSeen;
  }

  toJSON(): PredictiveJson {
    return {
      need: [...this.need],
      settled: [...this.settled],
      talk: [...this.talk],
      wrap: [...this.wrap],
      z: this.z,
      recent: this.recent,
      liveSeen: this.liveSeen,
      expectedSoon: this.expectedSoon,
    };
  }

  suspectedMayTakeAgent(freeAgents: number): boolean {
    // Measured on seeds 777 and 778 (docs/dialer.md): keeping back the agents the next few seconds' live answers are
    // expected to need gave 2-3 % more talk time at 10 and 50 agents than giving every free agent a machine verdict,
    // at the same abandonment: the pacing spends the detector's extra mistakes where they cost least.
    return freeAgents > Math.round(this.expectedSoon);
  }

  holdUntil(call: { greetingStartAt: number; greetingStopAt: number }): number {
    return legalDeadline(this.definition, call);
  }

  observe(call: CallObservation): void {
    if (call.liveAt !== undefined) {
      // A suspected machine heard by a free agent is only partly demand (see `suspectedDemand`).
      const w = call.suspected ? this.settings.suspectedDemand : 1;
      const b = bin(call.liveAt - call.placedAt, secondBins);
      this.need[b]! += w;
      if (w < 1) this.settled[b]! += 1 - w;
      // A machine the agent heard is no live answer: counting it would dilute the recent rate the controller steers by
      // (at 10 % live answers to a third of the truth).
      if (call.suspected && !call.humanAnswered) {
        this.dirty = true;
        return;
      }
      this.liveSeen++;
      this.recent += ((call.abandoned ? 1 : 0) - this.recent) / Math.min(this.liveSeen, this.settings.memory);
    } else if (call.settledAt !== undefined) {
      this.settled[bin(call.settledAt - call.placedAt, secondBins)]!++;
      // A machine verdict hung up on is, by the estimate, that share of an abandoned live answer: the recent rate the
      // controller steers by includes the detector's mistakes as the law counts them.
      const person = call.suspectedPerson ?? 0;
      if (person > 0) {
        this.liveSeen += person;
        this.recent += (person * (1 - this.recent)) / Math.max(1, Math.min(this.liveSeen, this.settings.memory));
      }
    }
    this.dirty = true;
  }

  observeAgent(talkMs: number, wrapMs: number): void {
    this.talk[Math.min(talkBins - 1, Math.floor(talkMs / talkBinMs))]!++;
    this.wrap[bin(wrapMs, wrapBins)]!++;
    this.dirty = true;
  }

  decide(s: PacingSnapshot): number {
    const progressive = Math.max(0, s.freeAgents - s.ringingCount - s.waitingLive);
    const { settings } = this;
    this.steer(s);
    // Agents are kept back from machine verdicts only while dialing ahead and under the target: hanging up on more of
    // them adds the detector's mistakes to the rate, which with a poor detector and a large team (where few agents are
    // ever free beyond the next seconds' answers) would alone exceed the cap.
    this.expectedSoon = 0;
    if (this.liveSeen < settings.minLiveAnswers || !withinBudget(s.window, settings.fallbackAt)) return progressive;
    // The tables move slowly once a few hundred calls are known; rebuilding them every few seconds is plenty.
    if (this.dirty && (s.now - this.lastRebuild >= 5000 || !this.horizons.length)) {
      this.lastRebuild = s.now;
      this.rebuild();
    }
    const total = this.allAfter[0]!;
    if (total <= 0 || this.needAfter[0]! <= 0) return progressive;

    // Calls ringing, counted by whole seconds of age: a few dozen ages however many calls are out.
    const ages = this.ringingByAge;
    ages.fill(0);
    for (let i = 0; i < s.ringingCount; i++) ages[bin(s.ringingAgesMs[i]!, secondBins)]!++;
    if (s.window.rate < settings.target) {
      let soon = s.waitingLive;
      for (let a = 0; a < secondBins; a++) if (ages[a]) soon += ages[a]! * this.needWithin(a * 1000, settings.suspectedAgentMs);
      this.expectedSoon = soon;
    }
    // With few abandoned calls left before the limit, a burst of answers must be unlikely however the controller steers.
    const z = Math.max(this.z, settings.burstGuard / Math.sqrt(Math.max(0.25, budgetLeft(s.window, settings.fallbackAt))));
    let best = Infinity;
    for (const h of this.horizons) {
      const hMs = h * 1000;
      // Live answers from calls already placed, by the horizon.
      let demand = s.waitingLive;
      let variance = 0;
      for (let a = 0; a < secondBins; a++) {
        const count = ages[a]!;
        if (count === 0) continue;
        const p = this.needWithin(a * 1000, hMs);
        demand += count * p;
        variance += count * p * (1 - p);
      }
      // Agents free by the horizon (plus the slack a live answer may wait).
      let supply = s.freeAgents;
      const within = hMs + settings.slackMs;
      for (let i = 0; i < s.wrappingCount; i++) {
        const q = this.wrapDoneWithin(s.wrappingElapsedMs[i]!, within);
        supply += q;
        variance += q * (1 - q);
      }
      for (let i = 0; i < s.talkingCount; i++) {
        const q = this.talkAndWrapDoneWithin(s.talkingElapsedMs[i]!, within);
        supply += q;
        variance += q * (1 - q);
      }
      const p = this.needWithin(0, hMs);
      best = Math.min(best, maxCalls(supply - demand, variance, p, z));
    }
    if (!Number.isFinite(best)) return progressive;
    return Math.max(progressive, best);
  }

  /** Every 10 seconds, moves `z` towards the value that keeps recent abandonment at the target. */
  private steer(s: PacingSnapshot): void {
    if (s.now - this.lastSteer < 10_000) return;
    this.lastSteer = s.now;
    if (this.liveSeen < this.settings.minLiveAnswers) return;
    const { target } = this.settings;
    // Above the target over the window, the recent rate must come under it, not just to it.
    const goal = s.window.rate > target ? target / 2 : target;
    // Steps as large as the evidence since the last: a big team learns its rate faster than a small one.
    const scale = Math.min(this.settings.steerMaxScale, Math.max(1, (this.liveSeen - this.liveAtSteer) / this.settings.steerLiveAnswers));
    this.liveAtSteer = this.liveSeen;
    this.z = Math.min(4, Math.max(this.settings.zMin, this.z + (scale * this.settings.gain * (this.recent - goal)) / target));
  }

  private rebuild(): void {
    for (let a = secondBins - 1; a >= 0; a--) {
      this.needAfter[a] = this.needAfter[a + 1]! + this.need[a]!;
      this.allAfter[a] = this.allAfter[a + 1]! + this.need[a]! + this.settled[a]!;
    }
    for (let b = talkBins - 1; b >= 0; b--) this.talkAfter[b] = this.talkAfter[b + 1]! + this.talk[b]!;
    for (let b = wrapBins - 1; b >= 0; b--) this.wrapAfter[b] = this.wrapAfter[b + 1]! + this.wrap[b]!;
    // Horizons at the quartiles and the 90th percentile of the time a new call takes to need an agent.
    const totalNeed = this.needAfter[0]!;
    this.horizons = [];
    for (const q of this.settings.quantiles) {
      let a = 0;
      while (a < secondBins - 1 && totalNeed - this.needAfter[a + 1]! < q * totalNeed) a++;
      this.horizons.push(a + 1);
    }
    this.dirty = false;
  }

  /** Probability that a call placed `ageMs` ago and not yet settled needs an agent within the next `hMs`. */
  private needWithin(ageMs: number, hMs: number): number {
    const a = bin(ageMs, secondBins);
    const all = this.allAfter[a]!;
    if (all <= 0) return 0;
    const end = bin(ageMs + hMs, secondBins);
    return (this.needAfter[a]! - this.needAfter[end]!) / all;
  }

  /** Probability that an agent wrapping up for `elapsedMs` is free within the next `hMs`. */
  private wrapDoneWithin(elapsedMs: number, hMs: number): number {
    const e = bin(elapsedMs, wrapBins);
    const alive = this.wrapAfter[e]!;
    if (alive <= 0) return 1;
    return (alive - this.wrapAfter[bin(elapsedMs + hMs, wrapBins) + 1]!) / alive;
  }

  /** The share of wrap-ups shorter than `ms`. */
  private wrapShorterThan(ms: number): number {
    const all = this.wrapAfter[0]!;
    if (ms < 0) return 0;
    return all > 0 ? 1 - this.wrapAfter[Math.min(wrapBins, Math.floor(ms / 1000) + 1)]! / all : 1;
  }

  /** Probability that an agent talking for `elapsedMs` has hung up and wrapped up within the next `hMs`. */
  private talkAndWrapDoneWithin(elapsedMs: number, hMs: number): number {
    const e = Math.min(talkBins - 1, Math.floor(elapsedMs / talkBinMs));
    const alive = this.talkAfter[e]!;
    if (alive <= 0) return 1;
    // Sum over when the talk ends (bin by bin within the horizon) of the chance the wrap-up fits in what is left.
    let p = 0;
    const last = Math.min(talkBins - 1, Math.floor((elapsedMs + hMs) / talkBinMs));
    for (let b = e; b <= last; b++) {
      const endsAt = (b + 0.5) * talkBinMs;
      p += (this.talk[b]! / alive) * this.wrapShorterThan(elapsedMs + hMs - Math.max(endsAt, elapsedMs));
    }
    return p;
  }
}

/**
 * Whether one more abandoned call would still leave the window's rate under `limit`. A rate alone says nothing for a
 * small campaign: at 40 live answers one abandoned call is 2.5 %, two are 5 %, so the dialer must not risk the second.
 */
export function withinBudget(window: AbandonmentFigures, limit: number): boolean {
  const denominator = window.liveAnswers + window.estimatedAmdFalsePositives;
  return (window.abandoned + window.estimatedAmdFalsePositives + 1) / (denominator + 1) < limit;
}

/** How many more abandoned calls the window can take, with one more live answer each, before its rate reaches `limit`. */
export function budgetLeft(window: AbandonmentFigures, limit: number): number {
  const denominator = window.liveAnswers + window.estimatedAmdFalsePositives;
  return (limit * (denominator + 1) - window.abandoned - window.estimatedAmdFalsePositives) / (1 - limit);
}

function bin(ms: number, bins: number): number {
  return Math.max(0, Math.min(bins - 1, Math.floor(ms / 1000)));
}

/**
 * The most new calls `n` (each needing an agent with probability `p`) for which n·p + z·sqrt(variance + n·p(1-p)) stays
 * within `room`, the forecast supply left over: the smaller root of the quadratic that squaring the condition gives.
 */
export function maxCalls(room: number, variance: number, p: number, z: number): number {
  if (p <= 0) return room - z * Math.sqrt(variance) >= 0 ? Infinity : 0;
  const q = p * (1 - p);
  if (z <= 0) {
    // Aggressive: dial so that expected demand exceeds supply by |z| deviations; solve by stepping, n is small.
    let n = 0;
    while (n < 10_000 && (n + 1) * p + z * Math.sqrt(variance + (n + 1) * q) <= room) n++;
    return n;
  }
  if (room - z * Math.sqrt(variance) < 0) return 0;
  const b = 2 * room * p + z * z * q;
  const disc = b * b - 4 * p * p * (room * room - z * z * variance);
  return Math.max(0, Math.floor((b - Math.sqrt(Math.max(0, disc))) / (2 * p * p)));
}
