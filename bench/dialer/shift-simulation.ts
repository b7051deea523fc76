// One agent shift of a dialer simulated event by event on a virtual clock: what the dialer benchmark runs per policy.
import { seededRandom } from '../../runtime/random.ts';
import {
  AbandonmentLedger,
  classifyCall,
  estimateAmdFalsePositiveShare,
  type AbandonmentDefinition,
  type CallRecord,
} from '../../runtime/dialer/abandonment.ts';
import { PredictivePolicy, ProgressivePolicy, type PacingPolicy, type PacingSnapshot } from '../../runtime/dialer/pacing.ts';
import { planAgentCall, suspectedMachineMs, type AgentCallPlan, type AgentProfile } from '../../runtime/dialer/simulated-agents.ts';
import { planCallFrom, type CallPlan, type CarrierProfile } from '../../runtime/dialer/virtual-carrier.ts';
import { VicidialPolicy, type VicidialSettings } from './vicidial-pacing.ts';

export interface ShiftScenario {
  agents: number;
  /** Share of calls a person answers (if let ring long enough); machines, no answers, busy and invalid share the rest. */
  liveRate: number;
  talkMeanSeconds: number;
  /** Share of people the detector takes for machines, and of machines it takes for people. */
  amdErrorRate: number;
  shiftHours: number;
  ringSeconds: number;
  seed: number;
  replication: number;
  /** Cost of a billable minute, for the call-cost figure. */
  ratePerMinute: number;
  /**
   * What a machine verdict does: `free-agent` (the default, the dialer step's) gives it to an agent when one is free
   * (held for the call or idle), who marks a machine or talks to the person the detector got wrong, and hangs up when
   * none is; `hangup` always hangs up.
   */
  suspectedMachines?: 'free-agent' | 'hangup';
}

/** `vicidial` is VICIdial at the setting tuned per scenario; `vicidial-adapt-average` the first baseline's setting. */
export type PolicyName = 'progressive' | 'vicidial' | 'vicidial-adapt-average' | 'predictive';

export interface ShiftResult {
  placed: number;
  liveAnswers: number;
  abandoned: number;
  machines: number;
  noAnswers: number;
  /** People the detector took for machines and hung up on: abandoned live answers, in `abandoned` and `liveAnswers`. */
  humansHungUpByAmd: number;
  /** Machine verdicts given to a free agent instead of hung up on. */
  suspectedToAgent: number;
  /** Abandoned over live answers, the detector's hang-ups on people included. */
  abandonRate: number;
  /** The part of `abandonRate` from the detector's hang-ups on people. */
  detectorAbandonRate: number;
  worstWindowAbandonRate: number;
  occupancy: number;
  talkMinutesPerAgentHour: number;
  /** Mean seconds an agent waited between calls. */
  timeToConnectSeconds: number;
  /** Mean seconds of talk and wrap-up per conversation. */
  handleTimeSeconds: number;
  /** Calls placed per conversation with a person. */
  dialRatio: number;
  callMinutes: number;
  callCost: number;
}

/** Time for the dialer to act on a verdict: bridge an agent, drop the line. */
const switchMs = 200;
const windowMs = 30 * 60_000;

/** The carrier of a scenario: the outcome mix around its live rate, and a detector with its error rate both ways. */
export function scenarioCarrier(s: Pick<ShiftScenario, 'liveRate' | 'amdErrorRate'>): CarrierProfile {
  const rest = 1 - s.liveRate;
  return {
    // The non-live calls split as 25 : 40 : 10 : 5 (machine, no answer, busy, invalid), the mix of a 20 % list.
    outcomes: { human: s.liveRate, machine: rest * 0.3125, noAnswer: rest * 0.5, busy: rest * 0.125, invalid: rest * 0.0625 },
    setupMs: { mean: 2500, cv: 0.4 },
    ringSeconds: { mean: 8, cv: 0.5 },
    machineRingSeconds: { mean: 18, cv: 0.3 },
    humanGreetingSeconds: { mean: 1.2, cv: 0.4 },
    machineGreetingSeconds: { mean: 9, cv: 0.35 },
    amd: { humanAccuracy: 1 - s.amdErrorRate, machineAccuracy: 1 - s.amdErrorRate, decisionMs: { mean: 2800, cv: 0.35 }, silenceMs: { mean: 800, cv: 0.3 } },
  };
}

export function scenarioAgents(talkMeanSeconds: number): AgentProfile {
  return {
    talkMeanSeconds,
    talkCv: 0.6,
    wrapMeanSeconds: 15,
    wrapCv: 0.5,
    dispositions: [{ name: 'done', weight: 1 }],
    machineSeconds: { min: 10, max: 20 },
  };
}

/** VICIdial as the first baseline ran it: ADAPT_AVERAGE, the drop limit at the cap, maximum level 3, a 2 s drop timer. */
export const adaptAverageSettings: Partial<VicidialSettings> = { method: 'ADAPT_AVERAGE', maximumLevel: 3, dropCallSeconds: 2, amd: true };

/**
 * A policy by name; `vicidial` takes the setting tuned for the scenario (`bench/dialer/vicidial-settings.json`), or,
 * without one, ADAPT_HARD_LIMIT at 2.25 % and level 1.7 at most.
 */
export function createPolicy(name: PolicyName, definition: AbandonmentDefinition, vicidial?: Partial<VicidialSettings>): PacingPolicy {
  if (name === 'progressive') return new ProgressivePolicy(definition);
  if (name === 'vicidial') return new VicidialPolicy(vicidial ?? { method: 'ADAPT_HARD_LIMIT', droppedPercentage: 2.25, maximumLevel: 1.7 });
  if (name === 'vicidial-adapt-average') return new VicidialPolicy({ ...adaptAverageSettings, droppedPercentage: definition.capPercent });
  return new PredictivePolicy(definition);
}

enum Kind {
  Tick,
  Settle,
  Live,
  Deadline,
  AgentFree,
}

interface SimCall {
  index: number;
  placedAt: number;
  plan: CallPlan;
  /** Index in the ringing list while it rings, else -1. */
  slot: number;
  /** The agent held for it (progressive), else -1. */
  reserved: number;
  /** The detector called it a machine, and the dialer would rather give it to a free agent than hang up. */
  suspected: boolean;
  waiting: boolean;
  done: boolean;
  liveAt: number;
}

/** One stream for every named quantity: a contact's draws then come in the fixed order its plan reads them. */
function constant(stream: () => number): (name: string) => () => number {
  return () => stream;
}

/** A binary heap of events ordered by time, then by insertion, so that equal times keep their order on every run. */
class EventQueue {
  private times: number[] = [];
  private seqs: number[] = [];
  private kinds: Kind[] = [];
  private ids: number[] = [];
  private seq = 0;
  get size(): number {
    return this.times.length;
  }
  push(time: number, kind: Kind, id: number): void {
    const { times, seqs, kinds, ids } = this;
    let i = times.length;
    const s = this.seq++;
    times.push(time);
    seqs.push(s);
    kinds.push(kind);
    ids.push(id);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (times[parent]! < time || (times[parent] === time && seqs[parent]! < s)) break;
      times[i] = times[parent]!;
      seqs[i] = seqs[parent]!;
      kinds[i] = kinds[parent]!;
      ids[i] = ids[parent]!;
      i = parent;
    }
    times[i] = time;
    seqs[i] = s;
    kinds[i] = kind;
    ids[i] = id;
  }
  /** Removes the first event into `out`. */
  pop(out: { time: number; kind: Kind; id: number }): void {
    const { times, seqs, kinds, ids } = this;
    out.time = times[0]!;
    out.kind = kinds[0]!;
    out.id = ids[0]!;
    const last = times.length - 1;
    const t = times[last]!;
    const s = seqs[last]!;
    const k = kinds[last]!;
    const d = ids[last]!;
    times.pop();
    seqs.pop();
    kinds.pop();
    ids.pop();
    if (last === 0) return;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= last) break;
      const right = child + 1;
      if (right < last && (times[right]! < times[child]! || (times[right] === times[child] && seqs[right]! < seqs[child]!))) child = right;
      if (t < times[child]! || (t === times[child] && s < seqs[child]!)) break;
      times[i] = times[child]!;
      seqs[i] = seqs[child]!;
      kinds[i] = kinds[child]!;
      ids[i] = ids[child]!;
      i = child;
    }
    times[i] = t;
    seqs[i] = s;
    kinds[i] = k;
    ids[i] = d;
  }
}

/**
 * Plays one shift: every agent logged in from the start, contacts dialed in list order, the policy asked once a second.
 * Contact n of replication r meets the same fate (carrier and conversation) under every policy: common random numbers,
 * so that policies differ by their decisions only.
 */
export function simulateShift(scenario: ShiftScenario, policy: PacingPolicy, definition: AbandonmentDefinition): ShiftResult {
  const carrier = scenarioCarrier(scenario);
  const agentProfile = scenarioAgents(scenario.talkMeanSeconds);
  const shiftMs = scenario.shiftHours * 3_600_000;
  const n = scenario.agents;
  // A VICIdial campaign may run without answering-machine detection: every answer then goes to an agent.
  const amdEnabled = policy instanceof VicidialPolicy ? policy.settings.amd : true;
  const ledger = new AbandonmentLedger(definition);
  // What the dialer knows of its detector's mistakes: the estimate from its accuracy, never the calls themselves.
  const falsePositiveShare = estimateAmdFalsePositiveShare({
    ...carrier.amd,
    humanShareOfAnswers: carrier.outcomes.human / (carrier.outcomes.human + carrier.outcomes.machine),
  });
  // VICIdial's detector hangs up on (or leaves the message for) every machine verdict: it has no such handling.
  const toFreeAgent = !(policy instanceof VicidialPolicy) && (scenario.suspectedMachines ?? 'free-agent') === 'free-agent';
  const queue = new EventQueue();
  // Calls under way by index; a finished call's entry is cleared so that a long shift does not keep them all.
  const calls: (SimCall | undefined)[] = [];
  let placedCount = 0;
  const callRecord: CallRecord = { placedAt: 0 };
  const ringing: number[] = [];
  // Free agents in the order they became free: the front has been idle longest.
  const free: number[] = [];
  let freeHead = 0;
  const waiting: number[] = [];
  let waitingHead = 0;
  let waitingCount = 0;
  // Per agent: 0 free, 1 reserved, 2 talking, 3 wrapping up; when its call connected and its talk ends; idle since.
  const phase = new Uint8Array(n);
  const busySince = new Float64Array(n);
  const talkEnd = new Float64Array(n);
  const idleSince = new Float64Array(n);
  for (let a = 0; a < n; a++) free.push(a);
  const talkingElapsed = new Float64Array(n);
  const wrappingElapsed = new Float64Array(n);
  let ringingAges = new Float64Array(1024);
  const minutes = Math.ceil(shiftMs / 60_000) + 60;
  const liveByMinute = new Uint32Array(minutes);
  const abandonedByMinute = new Uint32Array(minutes);

  const totals = { placed: 0, live: 0, abandoned: 0, detectorAbandoned: 0, machines: 0, noAnswers: 0, hungUp: 0, suspectedToAgent: 0, conversations: 0 };
  let busyMs = 0;
  let talkMs = 0;
  let handleMs = 0;
  let idleWaitMs = 0;
  let connects = 0;
  let billableMs = 0;
  const messageMs = 8000;

  const clip = (from: number, to: number) => Math.max(0, Math.min(to, shiftMs) - Math.min(from, shiftMs));

  const takeFree = (): number => (freeHead < free.length ? free[freeHead++]! : -1);
  const freeCount = () => free.length - freeHead;

  /** How the conversation goes, drawn only for calls that reach an agent, from the contact's own stream. */
  const agentPlanOf = (call: SimCall): AgentCallPlan =>
    planAgentCall(agentProfile, constant(seededRandom(scenario.seed, scenario.replication, call.index, 'agent')));

  const finish = (call: SimCall) => {
    call.done = true;
    calls[call.index] = undefined;
  };

  const removeRinging = (id: number) => {
    const call = calls[id]!;
    const last = ringing.pop()!;
    if (last !== id) {
      ringing[call.slot] = last;
      calls[last]!.slot = call.slot;
    }
    call.slot = -1;
  };

  const record = (call: SimCall, connectedAt: number | undefined) => {
    const plan = call.plan;
    if (plan.outcome !== 'human' && plan.outcome !== 'machine') return;
    // One record object reused for every call: a shift classifies hundreds of thousands.
    callRecord.placedAt = call.placedAt;
    callRecord.answeredAt = call.placedAt + plan.answerMs;
    callRecord.greetingStartAt = call.placedAt + plan.greetingStartMs;
    callRecord.greetingStopAt = call.placedAt + plan.greetingStopMs;
    callRecord.amdVerdict = plan.amd?.verdict;
    callRecord.connectedAt = connectedAt;
    callRecord.agentMarkedMachine = connectedAt !== undefined && plan.outcome === 'machine';
    // The pacing's ledger holds what a dialer knows: machine verdicts hung up on, not who answered them.
    callRecord.answeredBy = undefined;
    const answeredAt = call.placedAt + plan.answerMs;
    ledger.record(answeredAt, classifyCall(callRecord, definition));
    // The benchmark's figures count what happened: the carrier knows who answered.
    callRecord.answeredBy = plan.outcome;
    const verdict = classifyCall(callRecord, definition);
    if (verdict.detectorAbandoned) totals.detectorAbandoned++;
    if (verdict.live) {
      totals.live++;
      liveByMinute[Math.min(minutes - 1, Math.floor(answeredAt / 60_000))]!++;
    }
    if (verdict.abandoned) {
      totals.abandoned++;
      abandonedByMinute[Math.min(minutes - 1, Math.floor(answeredAt / 60_000))]!++;
    }
    return verdict.abandoned;
  };

  /** The agent takes the call at `at`; returns when the agent will be free. */
  const connect = (id: number, agent: number, at: number) => {
    const call = calls[id]!;
    const plan = call.plan as Extract<CallPlan, { outcome: 'human' | 'machine' }>;
    idleWaitMs += at - idleSince[agent]!;
    connects++;
    const abandoned = record(call, at) ?? false;
    const isPerson = plan.outcome === 'human';
    const agentPlan = agentPlanOf(call);
    const talk = isPerson ? agentPlan.talkMs : call.suspected ? suspectedMachineMs(agentPlan) : agentPlan.machineMs;
    const wrap = isPerson ? agentPlan.wrapMs : 0;
    phase[agent] = 2;
    busySince[agent] = at;
    talkEnd[agent] = at + talk;
    busyMs += clip(at, at + talk + wrap);
    billableMs += at + talk - (call.placedAt + plan.answerMs);
    if (isPerson) {
      talkMs += clip(at, at + talk);
      handleMs += talk + wrap;
      totals.conversations++;
    } else totals.machines++;
    policy.observeAgent(talk, wrap);
    policy.observe({ placedAt: call.placedAt, liveAt: call.liveAt, connectedAt: at, abandoned, humanAnswered: isPerson, suspected: call.suspected });
    finish(call);
    queue.push(at + talk + wrap, Kind.AgentFree, agent);
  };

  const agentFree = (agent: number, at: number) => {
    // The oldest live answer still holding takes the agent; expired ones were dropped at their deadline.
    while (waitingHead < waiting.length) {
      const id = waiting[waitingHead++]!;
      const call = calls[id];
      if (!call?.waiting) continue;
      call.waiting = false;
      waitingCount--;
      idleSince[agent] = at;
      connect(id, agent, at);
      return;
    }
    phase[agent] = 0;
    idleSince[agent] = at;
    free.push(agent);
  };

  const place = (at: number) => {
    const index = placedCount++;
    const plan = planCallFrom(constant(seededRandom(scenario.seed, scenario.replication, index, 'carrier')), {
      ringSeconds: scenario.ringSeconds,
      amdEnabled,
      profile: carrier,
    });
    const call: SimCall = { index, placedAt: at, plan, slot: ringing.length, reserved: -1, suspected: false, waiting: false, done: false, liveAt: 0 };
    calls.push(call);
    ringing.push(index);
    totals.placed++;
    if (policy.reservesAgents) {
      call.reserved = takeFree();
      phase[call.reserved] = 1;
    }
    if ('endMs' in plan) queue.push(at + plan.endMs, Kind.Settle, index);
    else if (!plan.amd) queue.push(at + plan.answerMs + switchMs, Kind.Live, index);
    else {
      const verdictAt = at + plan.amd!.atMs;
      call.suspected = toFreeAgent && plan.amd!.verdict === 'machine';
      if (plan.amd!.verdict === 'machine' && !call.suspected) queue.push(verdictAt, Kind.Settle, index);
      else queue.push(verdictAt + switchMs, Kind.Live, index);
    }
  };

  const settle = (id: number, at: number) => {
    const call = calls[id]!;
    if (call.slot >= 0) removeRinging(id);
    finish(call);
    const plan = call.plan;
    if (plan.outcome === 'no-answer') totals.noAnswers++;
    if (plan.outcome === 'human' || plan.outcome === 'machine') {
      // A machine verdict: we hang up. A person taken for a machine is hung up on too.
      if (plan.outcome === 'human') totals.hungUp++;
      else totals.machines++;
      record(call, undefined);
      billableMs += at + 50 - (call.placedAt + plan.answerMs);
    }
    const machineVerdict = plan.outcome === 'human' || plan.outcome === 'machine';
    policy.observe({
      placedAt: call.placedAt,
      settledAt: at,
      abandoned: false,
      humanAnswered: false,
      ...(machineVerdict && definition.countsAmdFalsePositives && { suspectedPerson: falsePositiveShare }),
    });
    if (call.reserved >= 0) agentFree(call.reserved, at);
  };

  const live = (id: number, at: number) => {
    const call = calls[id]!;
    removeRinging(id);
    call.liveAt = at;
    if (call.reserved >= 0) {
      if (call.suspected) totals.suspectedToAgent++;
      connect(id, call.reserved, at);
      return;
    }
    const agent = call.suspected && policy.suspectedMayTakeAgent?.(freeCount()) === false ? -1 : takeFree();
    if (agent >= 0) {
      if (call.suspected) totals.suspectedToAgent++;
      connect(id, agent, at);
      return;
    }
    if (call.suspected) {
      // No agent free for a suspected machine: the dialer hangs up as the verdict says, and counts the risk.
      settle(id, at - switchMs);
      return;
    }
    const plan = call.plan as Extract<CallPlan, { outcome: 'human' | 'machine' }>;
    call.waiting = true;
    waitingCount++;
    waiting.push(id);
    const deadline = policy.holdUntil({
      liveAt: at,
      greetingStartAt: call.placedAt + plan.greetingStartMs,
      greetingStopAt: call.placedAt + plan.greetingStopMs,
    });
    queue.push(Math.max(at, deadline), Kind.Deadline, id);
  };

  const deadline = (id: number, at: number) => {
    const call = calls[id];
    if (!call?.waiting) return;
    call.waiting = false;
    waitingCount--;
    finish(call);
    const plan = call.plan as Extract<CallPlan, { outcome: 'human' | 'machine' }>;
    const abandoned = record(call, undefined) ?? true;
    // The information message is played, then we hang up.
    billableMs += at + messageMs - (call.placedAt + plan.answerMs);
    policy.observe({ placedAt: call.placedAt, liveAt: call.liveAt, droppedAt: at, abandoned, humanAnswered: true });
  };

  const tick = (at: number) => {
    let talking = 0;
    let wrapping = 0;
    for (let a = 0; a < n; a++) {
      const p = phase[a]!;
      if (p < 2) continue;
      if (p === 2 && at >= talkEnd[a]!) phase[a] = 3;
      if (phase[a] === 2) talkingElapsed[talking++] = at - busySince[a]!;
      else wrappingElapsed[wrapping++] = at - talkEnd[a]!;
    }
    if (ringingAges.length < ringing.length) ringingAges = new Float64Array(ringing.length * 2);
    for (let i = 0; i < ringing.length; i++) ringingAges[i] = at - calls[ringing[i]!]!.placedAt;
    const snapshot: PacingSnapshot = {
      now: at,
      agentsLoggedIn: n,
      freeAgents: freeCount(),
      talkingElapsedMs: talkingElapsed,
      talkingCount: talking,
      wrappingElapsedMs: wrappingElapsed,
      wrappingCount: wrapping,
      ringingAgesMs: ringingAges,
      ringingCount: ringing.length,
      waitingLive: waitingCount,
      window: ledger.figures(at, falsePositiveShare),
    };
    let count = policy.decide(snapshot);
    if (policy.reservesAgents) count = Math.min(count, freeCount());
    for (let i = 0; i < count; i++) place(at);
    if (at + 1000 < shiftMs) queue.push(at + 1000, Kind.Tick, 0);
  };

  queue.push(0, Kind.Tick, 0);
  const event = { time: 0, kind: Kind.Tick, id: 0 };
  while (queue.size) {
    queue.pop(event);
    switch (event.kind) {
      case Kind.Tick:
        tick(event.time);
        break;
      case Kind.Settle:
        settle(event.id, event.time);
        break;
      case Kind.Live:
        live(event.id, event.time);
        break;
      case Kind.Deadline:
        deadline(event.id, event.time);
        break;
      case Kind.AgentFree:
        agentFree(event.id, event.time);
        break;
    }
  }

  const agentMs = n * shiftMs;
  const billableMinutes = billableMs / 60_000;
  return {
    placed: totals.placed,
    liveAnswers: totals.live,
    abandoned: totals.abandoned,
    machines: totals.machines,
    noAnswers: totals.noAnswers,
    humansHungUpByAmd: totals.hungUp,
    suspectedToAgent: totals.suspectedToAgent,
    abandonRate: totals.live ? totals.abandoned / totals.live : 0,
    detectorAbandonRate: totals.live ? totals.detectorAbandoned / totals.live : 0,
    // Windows inside the shift only: the last calls answered after it ended are too few to make a rate.
    worstWindowAbandonRate: worstWindow(liveByMinute.subarray(0, shiftMs / 60_000), abandonedByMinute.subarray(0, shiftMs / 60_000), windowMs / 60_000),
    occupancy: busyMs / agentMs,
    talkMinutesPerAgentHour: talkMs / 60_000 / (agentMs / 3_600_000),
    timeToConnectSeconds: connects ? idleWaitMs / connects / 1000 : 0,
    handleTimeSeconds: totals.conversations ? handleMs / totals.conversations / 1000 : 0,
    dialRatio: totals.conversations ? totals.placed / totals.conversations : 0,
    callMinutes: billableMinutes,
    callCost: billableMinutes * scenario.ratePerMinute,
  };
}

/** The highest abandoned share of live answers over any run of `span` whole minutes that had live answers. */
export function worstWindow(live: ArrayLike<number>, abandoned: ArrayLike<number>, span: number): number {
  let l = 0;
  let a = 0;
  let worst = 0;
  for (let m = 0; m < live.length; m++) {
    l += live[m]!;
    a += abandoned[m]!;
    if (m >= span) {
      l -= live[m - span]!;
      a -= abandoned[m - span]!;
    }
    if (m >= span - 1 && l > 0) worst = Math.max(worst, a / l);
  }
  return worst;
}
