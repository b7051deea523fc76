// What a dialer step shows while a run is live, read from the dialer's gauges, so that a missing field degrades.
import type { StepMetrics } from './live-state.ts';

export interface DialerFigures {
  /** Calls under way by what they are doing (`ringing`, `waiting` for an agent, `preview`), as the dialer names them. */
  calls?: Record<string, number>;
  callsInFlight?: number;
  agentsBusy?: number;
  agentsFree?: number;
  /**
   * Abandoned calls as a share of calls answered by a person, in percent, people the detector took for a machine
   * included (by estimate while the run is live); undefined before any answer.
   */
  abandonPercent?: number;
  /** Abandoned calls known call by call: people who reached no agent in time. */
  abandoned?: number;
  /** Calls known to have been answered by a person. */
  liveAnswers?: number;
  /**
   * The estimated number of people among the calls the answering-machine detector took for a machine and hung up on
   * (or played the message to), counted as abandoned and as answered by a person; only when the dialer gives it.
   */
  detectorEstimatedPeople?: number;
  /** The highest share allowed, in percent. */
  capPercent: number;
  /** How far back the rate is measured, in hours, when the dialer says. */
  windowHours?: number;
}

/** The legal limit on abandoned calls in every profile we carry, and the highest a step may set (schemas/nodes/dialer.ts). */
export const legalCapPercent = 3;

type Bag = Record<string, unknown>;
const bag = (value: unknown): Bag | undefined => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Bag) : undefined);
const num = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);

/** The runtime keeps rates as fractions (0.03 is 3 %), as its compliance profiles do; the screen shows percentages. */
const asPercent = (fraction: number | undefined): number | undefined => (fraction === undefined ? undefined : fraction * 100);

function numbers(value: unknown): Record<string, number> | undefined {
  const b = bag(value);
  if (!b) return undefined;
  const out = Object.fromEntries(Object.entries(b).flatMap(([k, v]) => (num(v) === undefined ? [] : [[k, v as number]])));
  return Object.keys(out).length ? out : undefined;
}

/**
 * `gauges` is what the dialer reports under the step's id (`calls`, `agents: { free, busy }`, `abandon: { rate, cap,
 * liveAnswers, abandoned, windowHours, detector: { basis, share, estimatedPeople } }`); `runAgents` what it reports for the run (`queues: { [queue]: counts by
 * state }`), used when the step's own agent figures are missing. The step's exits give the abandoned share otherwise.
 */
export function dialerFigures(input: {
  gauges: unknown;
  runAgents: unknown;
  step: StepMetrics | undefined;
  queue?: string;
  maxAbandonRate?: number;
}): DialerFigures {
  const g = bag(input.gauges) ?? {};
  const calls = numbers(g.calls);
  const agents = bag(g.agents);
  const abandon = bag(g.abandon);
  const queueCounts = input.queue ? numbers(bag(bag(input.runAgents)?.queues)?.[input.queue]) : undefined;
  const ports = input.step?.ports ?? {};
  const liveAnswers = num(abandon?.liveAnswers) ?? (ports.connected ?? 0) + (ports.abandoned ?? 0);
  const abandoned = num(abandon?.abandoned) ?? ports.abandoned ?? 0;
  const rate = asPercent(num(abandon?.rate)) ?? (liveAnswers > 0 ? (abandoned / liveAnswers) * 100 : undefined);
  const figures: DialerFigures = {
    capPercent: input.maxAbandonRate ?? asPercent(num(abandon?.cap)) ?? legalCapPercent,
    liveAnswers,
    abandoned,
  };
  if (calls) {
    figures.calls = calls;
    figures.callsInFlight = Object.values(calls).reduce((a, b) => a + b, 0);
  }
  const busy = num(agents?.busy) ?? (queueCounts ? (queueCounts.reserved ?? 0) + (queueCounts['on-call'] ?? 0) + (queueCounts['wrap-up'] ?? 0) : undefined);
  const free = num(agents?.free) ?? queueCounts?.available;
  if (busy !== undefined) figures.agentsBusy = busy;
  if (free !== undefined) figures.agentsFree = free;
  // No answer yet means no rate yet, whatever the dialer's formula gives for 0 of 0.
  if (rate !== undefined && liveAnswers > 0) figures.abandonPercent = rate;
  const windowHours = num(abandon?.windowHours);
  if (windowHours !== undefined) figures.windowHours = windowHours;
  const detector = bag(abandon?.detector);
  const estimatedPeople = detector?.basis === 'estimate' ? num(detector.estimatedPeople) : undefined;
  if (estimatedPeople !== undefined) figures.detectorEstimatedPeople = estimatedPeople;
  return figures;
}

const people = (n: number) => `${n.toLocaleString()} ${n === 1 ? 'person' : 'people'}`;

/** An estimated count of people, to one decimal: the estimate is a share of the machine verdicts, rarely whole. */
export const aboutPeople = (n: number): string => `about ${(Math.round(n * 10) / 10).toLocaleString()}`;

function period(hours: number | undefined): string {
  if (hours === undefined) return '';
  return hours % 24 === 0 ? ` in the last ${hours === 24 ? 'day' : `${hours / 24} days`}` : ` in the last ${hours} hours`;
}

/** What the abandoned figure means, in words a manager reads: the gauge's hint. */
export function abandonHint(f: DialerFigures): string {
  const definition = [
    'Abandoned: a person answered and did not reach an agent within 2 seconds.',
    'This includes people the answering-machine detector took for a machine and hung up on; while the run is live nobody knows which calls those were, so they are estimated from the detector’s accuracy.',
  ];
  const estimated = f.detectorEstimatedPeople ?? 0;
  if (estimated <= 0) return [...definition, `Share of the ${people(f.liveAnswers ?? 0)} who answered${period(f.windowHours)}.`].join(' ');
  const answered = (f.liveAnswers ?? 0) + estimated;
  return [
    ...definition,
    `Of ${aboutPeople(answered)} people who answered${period(f.windowHours)}, ${aboutPeople((f.abandoned ?? 0) + estimated)} were abandoned, of whom ${aboutPeople(estimated)} by the detector’s estimate.`,
  ].join(' ');
}
