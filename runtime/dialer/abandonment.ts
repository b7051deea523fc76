// Abandoned calls as each profile's law defines them: which calls count, over which window, and the rolling ledger.
import type { ComplianceProfileId } from '../../schemas/compliance-profiles.ts';

export interface AbandonmentDefinition {
  profile: ComplianceProfileId;
  /** The moment the clock starts for connecting a live answer to an agent. */
  clockFrom: 'greeting-stop' | 'greeting-start';
  /** How long after that moment the call may reach an agent and still not be abandoned. */
  limitMs: number;
  /** The most abandoned calls allowed, as a percentage of live answers in the window. */
  capPercent: number;
  /** The window the cap is measured over, per campaign. */
  windowMs: number;
  /**
   * Whether people the answering-machine detector took for machines (hung up on, or played the machine's message)
   * count as live answers abandoned: counted call by call where who answered is known (a simulation), else through a
   * reasoned estimate from the detector's accuracy.
   */
  countsAmdFalsePositives: boolean;
  /** What an abandoned call hears before we hang up; `{{ callerId }}` is the number to call back. */
  informationMessage: string;
  /** Where the rule comes from, for people who check. */
  source: string;
}

const day = 86_400_000;

const us: AbandonmentDefinition = {
  profile: 'US',
  clockFrom: 'greeting-stop',
  limitMs: 2000,
  capPercent: 3,
  windowMs: 30 * day,
  // A person answers and is not connected to a representative within 2 s of the completed greeting: a detector that
  // took them for a machine and hung up (or played a message) never connected them, so the call is abandoned.
  countsAmdFalsePositives: true,
  informationMessage: 'Sorry we missed you. This call was from the number {{ callerId }}; call it back to reach us or to ask not to be called again.',
  source:
    '16 CFR 310.2 and 310.4(b)(1)(iv) with 310.4(b)(4) (FTC Telemarketing Sales Rule) and 47 CFR 64.1200(a)(7) (FCC): a call answered by a person and not connected to a sales representative within 2 seconds of the completed greeting is abandoned, people the answering-machine detector hung up on included; 3 % of calls answered by a person, per campaign, per 30 days',
};

const uk: AbandonmentDefinition = {
  profile: 'UK',
  clockFrom: 'greeting-start',
  limitMs: 2000,
  capPercent: 3,
  windowMs: day,
  countsAmdFalsePositives: true,
  informationMessage:
    'Sorry we could not connect you. This call was from the number {{ callerId }}; call it back to reach us. We will not try to sell you anything on this message.',
  source:
    'Ofcom, persistent misuse policy (2016), section A1.75 onwards: 3 % of live calls per campaign per 24 hours, including a reasoned estimate of AMD false positives; 2 seconds from the start of the greeting',
};

const ca: AbandonmentDefinition = {
  profile: 'CA',
  // "When answered by the consumer, has no live telemarketer available to speak within two seconds": from the answer.
  clockFrom: 'greeting-start',
  limitMs: 2000,
  capPercent: 5,
  windowMs: 30 * day,
  // A person the detector hung up on answered and reached no telemarketer: an abandoned call by the definition's words.
  countsAmdFalsePositives: true,
  informationMessage: 'Sorry we missed you. This call was from the number {{ callerId }}; call it back to reach us or to ask not to be called again.',
  source:
    'CRTC Unsolicited Telecommunications Rules, Part I (definition of Abandoned Call: no live telemarketer within two seconds of the answer) and Part III (at most 5 % of calls answered by a live person, per campaign, per 30-day period; the caller identified and a number to call back on an abandoned call)',
};

/**
 * Australia and New Zealand have their own telemarketing rules, which this project has not checked for an abandoned-call
 * cap; until someone does, their campaigns are held to the stricter measure of both definitions above.
 */
const strictest = (profile: ComplianceProfileId): AbandonmentDefinition => ({
  ...uk,
  profile,
  windowMs: day,
  source:
    'No cap of its own checked yet: held to the stricter of the US and UK measures (2 seconds from the greeting’s start, 24 hours, AMD false positives counted)',
});

export const abandonmentDefinitions: Record<ComplianceProfileId, AbandonmentDefinition> = {
  US: us,
  UK: uk,
  AU: strictest('AU'),
  NZ: strictest('NZ'),
  CA: ca,
};

/**
 * One definition no looser than any of `definitions` on any point: the lowest cap, the shortest time to connect from
 * the earlier clock, the shorter window (a burst over a day cannot hide in a month) and detector hang-ups counted if
 * any counts them. A dialer step whose journey calls several countries is held to it, so every call meets the rules
 * of the country it went to.
 */
export function strictestOf(definitions: readonly AbandonmentDefinition[]): AbandonmentDefinition {
  const [first, ...rest] = definitions;
  if (!first) throw new Error('No abandonment definition to combine');
  if (!rest.length) return first;
  const all = [first, ...rest];
  return {
    ...first,
    clockFrom: all.some((d) => d.clockFrom === 'greeting-start') ? 'greeting-start' : 'greeting-stop',
    limitMs: Math.min(...all.map((d) => d.limitMs)),
    capPercent: Math.min(...all.map((d) => d.capPercent)),
    windowMs: Math.min(...all.map((d) => d.windowMs)),
    countsAmdFalsePositives: all.some((d) => d.countsAmdFalsePositives),
    source: `The strictest of ${all.map((d) => d.profile).join(', ')} on every point: ${all.map((d) => `${d.profile}: ${d.source}`).join('; ')}`,
  };
}

/**
 * A step's definition: its journey's profile's, or, when the journey lists the countries it calls, the strictest of
 * their profiles' (see `strictestOf`). A step's own limit, when lower than the law's, replaces the cap; it can never
 * raise it.
 */
export function definitionFor(profile: ComplianceProfileId | readonly ComplianceProfileId[], maxAbandonRate?: number): AbandonmentDefinition {
  const definition = typeof profile === 'string' ? abandonmentDefinitions[profile] : strictestOf(profile.map((p) => abandonmentDefinitions[p]));
  return maxAbandonRate !== undefined && maxAbandonRate < definition.capPercent ? { ...definition, capPercent: maxAbandonRate } : definition;
}

/** One call's moments, as its events recorded them (milliseconds since the epoch). */
export interface CallRecord {
  placedAt: number;
  answeredAt?: number;
  greetingStartAt?: number;
  greetingStopAt?: number;
  amdVerdict?: 'human' | 'machine';
  connectedAt?: number;
  endedAt?: number;
  /** The agent it reached marked it an answering machine: it was never a live answer. */
  agentMarkedMachine?: boolean;
  /**
   * What really answered, where it is known (a simulated carrier knows; a live one does not). A person the detector took
   * for a machine is then counted as an abandoned live answer, not estimated.
   */
  answeredBy?: 'human' | 'machine';
}

export interface CallVerdict {
  /** Answered by what the dialer had to treat as a person. */
  live: boolean;
  abandoned: boolean;
  /**
   * Answered, taken for a machine by the detector and not given to an agent, with who answered unknown: some of these
   * were people, which the estimate stands for.
   */
  machineVerdict: boolean;
  /** A person the detector took for a machine and hung up on (or played the message to), known to be one. */
  detectorAbandoned?: boolean;
}

/** Whether one call was a live answer and whether it was abandoned, under a definition. */
export function classifyCall(call: CallRecord, definition: Pick<AbandonmentDefinition, 'clockFrom' | 'limitMs' | 'countsAmdFalsePositives'>): CallVerdict {
  if (call.answeredAt === undefined) return { live: false, abandoned: false, machineVerdict: false };
  // A machine verdict the dialer gave to a free agent is judged like any answer that reached one, below.
  if (call.amdVerdict === 'machine' && call.connectedAt === undefined) {
    if (call.answeredBy === undefined) return { live: false, abandoned: false, machineVerdict: true };
    if (call.answeredBy === 'human' && definition.countsAmdFalsePositives)
      return { live: true, abandoned: true, machineVerdict: false, detectorAbandoned: true };
    return { live: false, abandoned: false, machineVerdict: false };
  }
  if (call.agentMarkedMachine) return { live: false, abandoned: false, machineVerdict: false };
  const clockStart = definition.clockFrom === 'greeting-start' ? (call.greetingStartAt ?? call.answeredAt) : call.greetingStopAt;
  if (call.connectedAt === undefined) return { live: true, abandoned: true, machineVerdict: false };
  // A greeting still going when the agent came on was never kept waiting.
  const abandoned = clockStart !== undefined && call.connectedAt > clockStart + definition.limitMs;
  return { live: true, abandoned, machineVerdict: false };
}

export interface AbandonmentFigures {
  liveAnswers: number;
  abandoned: number;
  /** People among the detector's machine verdicts, by the estimate given; counted only where the law says so. */
  estimatedAmdFalsePositives: number;
  /** Abandoned over live answers, the estimate included where it counts; 0 with no live answers. */
  rate: number;
}

export interface FigureOptions {
  /** Live answers in [from, to) count; by default all. */
  from?: number;
  to?: number;
  /** The share of machine verdicts that were people (see `estimateAmdFalsePositiveShare`). */
  amdFalsePositiveShare?: number;
}

/** The abandoned-call figures of a set of calls under a definition: what a regulator would count. */
export function abandonmentFigures(calls: Iterable<CallRecord>, definition: AbandonmentDefinition, options: FigureOptions = {}): AbandonmentFigures {
  const from = options.from ?? -Infinity;
  const to = options.to ?? Infinity;
  let liveAnswers = 0;
  let abandoned = 0;
  let machineVerdicts = 0;
  for (const call of calls) {
    if (call.answeredAt === undefined || call.answeredAt < from || call.answeredAt >= to) continue;
    const verdict = classifyCall(call, definition);
    if (verdict.live) liveAnswers++;
    if (verdict.abandoned) abandoned++;
    if (verdict.machineVerdict) machineVerdicts++;
  }
  const estimated = definition.countsAmdFalsePositives ? machineVerdicts * (options.amdFalsePositiveShare ?? 0) : 0;
  return figures(liveAnswers, abandoned, estimated);
}

function figures(liveAnswers: number, abandoned: number, estimatedAmdFalsePositives: number): AbandonmentFigures {
  const denominator = liveAnswers + estimatedAmdFalsePositives;
  return { liveAnswers, abandoned, estimatedAmdFalsePositives, rate: denominator > 0 ? (abandoned + estimatedAmdFalsePositives) / denominator : 0 };
}

/**
 * The share of machine verdicts that were people, from the detector's accuracy and the share of people among answers:
 * P(person | machine verdict) by Bayes' rule. This is the reasoned estimate UK rules ask for.
 */
export function estimateAmdFalsePositiveShare(input: { humanAccuracy: number; machineAccuracy: number; humanShareOfAnswers: number }): number {
  const { humanAccuracy, machineAccuracy, humanShareOfAnswers: h } = input;
  const people = h * (1 - humanAccuracy);
  const machines = (1 - h) * machineAccuracy;
  return people + machines > 0 ? people / (people + machines) : 0;
}

interface Bucket {
  start: number;
  live: number;
  abandoned: number;
  machineVerdicts: number;
}

export interface LedgerJson {
  bucketMs: number;
  buckets: Bucket[];
}

/**
 * Running counts of live answers and abandoned calls in time buckets, so that the rate over the legal window is known
 * at any moment without rereading the events. Buckets are a 1,440th of the window: a minute for 24 hours.
 */
export class AbandonmentLedger {
  private readonly buckets: Bucket[];
  private readonly bucketMs: number;

  constructor(
    private readonly definition: AbandonmentDefinition,
    saved?: LedgerJson,
  ) {
    this.bucketMs = saved?.bucketMs ?? Math.max(60_000, Math.floor(definition.windowMs / 1440));
    this.buckets = saved ? saved.buckets.map((b) => ({ ...b })) : [];
  }

  /** Records a call once its verdict is known, at the moment it was answered. */
  record(answeredAt: number, verdict: CallVerdict): void {
    if (!verdict.live && !verdict.machineVerdict) return;
    const bucket = this.bucketAt(answeredAt);
    if (verdict.live) bucket.live++;
    if (verdict.abandoned) bucket.abandoned++;
    if (verdict.machineVerdict) bucket.machineVerdicts++;
  }

  /** The figures over the window that ends at `now`. */
  figures(now: number, amdFalsePositiveShare = 0): AbandonmentFigures {
    const from = now - this.definition.windowMs;
    // Buckets that ended before the window are gone for good: drop them so the ledger stays small.
    while (this.buckets.length && this.buckets[0]!.start + this.bucketMs <= from) this.buckets.shift();
    let live = 0;
    let abandoned = 0;
    let machines = 0;
    for (const b of this.buckets) {
      if (b.start > now) break;
      live += b.live;
      abandoned += b.abandoned;
      machines += b.machineVerdicts;
    }
    return figures(live, abandoned, this.definition.countsAmdFalsePositives ? machines * amdFalsePositiveShare : 0);
  }

  toJSON(): LedgerJson {
    return { bucketMs: this.bucketMs, buckets: this.buckets.map((b) => ({ ...b })) };
  }

  private bucketAt(at: number): Bucket {
    const start = Math.floor(at / this.bucketMs) * this.bucketMs;
    // Calls are recorded nearly in time order; search from the end.
    for (let i = this.buckets.length - 1; i >= 0; i--) {
      const b = this.buckets[i]!;
      if (b.start === start) return b;
      if (b.start < start) {
        const bucket = { start, live: 0, abandoned: 0, machineVerdicts: 0 };
        this.buckets.splice(i + 1, 0, bucket);
        return bucket;
      }
    }
    const bucket = { start, live: 0, abandoned: 0, machineVerdicts: 0 };
    this.buckets.unshift(bucket);
    return bucket;
  }
}
