// The runtime's dialer, for simulated and live runs alike: paces each dialer step by its mode, places calls through a
// `Carrier` (the virtual carrier, or a real one whose progress comes later), routes live answers to agents (simulated
// ones in simulated runs, people at the agent page in live runs) and records every call's moments as events. It sees
// the engine through the door of `dialer-engine.ts` only.
import type { z } from 'zod';
import type { Journey, JourneyNode } from '../../schemas/journey.ts';
import type { dialer as dialerDefinition } from '../../schemas/nodes/dialer.ts';
import type { ContactView, DialerEngine, DialerHost, DialerRound, DialGate, FollowUp, RunContext, StepContact } from '../engine/dialer-engine.ts';
import { seededRandom, visitKey } from '../random.ts';
import type { Executor } from '../store/dialect.ts';
import { profilesOfCountries } from '../compliance/country.ts';
import { profiles } from '../compliance/profiles/index.ts';
import {
  carrierCallsUnderWay,
  carrierCommandOf,
  nextCarrierRequestAt,
  queueCarrierCommand,
  recordCallProgress,
  recordCarrierCall,
  reportedEnd,
  takeCallProgress,
} from '../store/repositories/carrier-calls.ts';
import { AbandonmentLedger, classifyCall, definitionFor, type AbandonmentDefinition } from './abandonment.ts';
import { PeopleFloor, SimulatedFloor, type AgentCallRef, type AgentFloor } from './agent-floor.ts';
import {
  agentlessCallTimeline,
  endedEvent,
  messageDurationMs,
  progressiveCallTimeline,
  suspectedMachineTimeline,
  switchMs,
  teardownMs,
  type CallTimeline,
} from './call-timeline.ts';
import {
  actAt,
  foretell,
  hear,
  isQueued,
  moments,
  queue,
  type AnsweredCall,
  type EndedCall,
  type PhaseRules,
  type PreviewCall,
  type ProgressingCall,
  type TrackedCall,
} from './call-phases.ts';
import { planOf, type Carrier, type CallProgress, type CallRequest, type CarrierCommand } from './carrier.ts';
import { sendCarrierRequests, type CarrierLineOptions } from './carrier-line.ts';
import { loadMemories, saveMemory, type NodeMemory } from './dialer-memory.ts';
import { legalDeadline, PredictivePolicy, type PacingSnapshot } from './pacing.ts';
import { AgentPool, defaultAgentProfile, suspectedMachineMs } from './simulated-agents.ts';
import { VirtualCarrier, type CarrierProfile } from './virtual-carrier.ts';

type DialerConfig = z.output<typeof dialerDefinition.config>;
type DialerNode = Extract<JourneyNode, { type: 'dialer' }>;

/** While calls are under way a predictive step is paced at least this often, as agents' elapsed times move on. */
const pacingIntervalMs = 1000;

export interface PacedDialerOptions {
  /** The carrier calls are placed through, or the profile of a virtual carrier; the default virtual carrier without. */
  carrier?: Carrier | CarrierProfile;
  /** Simulated agents per queue when a run names none. */
  defaultAgentsPerQueue?: number;
  /** Calls an agentless step may have under way at once when a run names none. */
  defaultAgentlessLines?: number;
  /** How a reporting carrier's requests are retried (tests shorten the backoff). */
  line?: CarrierLineOptions;
}

/** One dialer step during one round: its config, what it remembers, and its pacing. */
interface Step {
  node: DialerNode;
  config: DialerConfig;
  queue: string;
  memory: NodeMemory;
  ledger: AbandonmentLedger;
  definition: AbandonmentDefinition;
  policy: PredictivePolicy | undefined;
  rules: PhaseRules;
}

/** A call moment due, with the call in the phase that moment acts on. */
type Due = { at: number; step: Step } & (
  | { kind: 'place'; call: PreviewCall }
  /** The carrier's progress of the call up to this moment makes it a live answer or over for the dialer. */
  | { kind: 'hear'; call: ProgressingCall }
  | { kind: 'settle'; call: EndedCall }
  | { kind: 'live' | 'connect' | 'drop'; call: AnsweredCall }
);

export class PacedDialer implements DialerEngine {
  readonly carrier: Carrier;
  private readonly agentsPerQueue: number;
  private readonly agentlessLines: number;
  private readonly line: CarrierLineOptions;

  constructor(options: PacedDialerOptions = {}) {
    const carrier = options.carrier ?? new VirtualCarrier();
    this.carrier = 'outcomes' in carrier ? new VirtualCarrier(carrier) : carrier;
    this.agentsPerQueue = options.defaultAgentsPerQueue ?? 10;
    this.agentlessLines = options.defaultAgentlessLines ?? 30;
    this.line = options.line ?? {};
  }

  /** Sends a reporting carrier the requests the rounds recorded, once their transactions committed. */
  async deliver(host: DialerHost, now: number): Promise<number> {
    if (this.carrier.reports !== 'later') return 0;
    return sendCarrierRequests(host.db, this.carrier, now, this.line);
  }

  async pace(host: DialerHost, runId: string, now: number): Promise<number> {
    const context = await host.context(runId);
    const nodes = dialerNodes(context.journey);
    if (!nodes.length) return 0;
    // The steps' memories are read, changed and written back whole: with several workers on PostgreSQL, one paces a
    // run at a time, and the others leave it to that one this round.
    return host.round(runId, now, async (dialerRound) => {
      const tx = dialerRound.db;
      const memories = await loadMemories(tx, runId);
      const floor = await this.loadFloor(tx, context, memories);
      const steps = nodes.map((node) => this.step(context, node, memories.get(node.id) ?? { calls: [] }));
      const round = new Round(this, dialerRound, context, floor, steps);
      let work = await round.processDue(now);
      for (const step of steps) {
        for (const h of floor.handled(step.queue)) step.policy?.observeAgent(h.talkMs, h.wrapMs);
        work += await round.dial(step, now);
      }
      const seen = floor instanceof PeopleFloor ? floor.seen() : undefined;
      for (const step of steps) {
        if (seen) step.memory.seenHandled = seen;
        if (step.policy) step.memory.policy = step.policy.toJSON();
        step.memory.ledger = step.ledger.toJSON();
        step.memory.pacedAt = now;
        await saveMemory(tx, runId, step.node.id, step.memory, round.gauges(step, now));
      }
      await floor.save(tx, runId, now);
      return work;
    });
  }

  async nextDueAt(host: DialerHost): Promise<number | undefined> {
    const db = host.db;
    let next: number | undefined;
    const consider = (at: number | undefined) => {
      if (at !== undefined && (next === undefined || at < next)) next = at;
    };
    // A reporting carrier's progress wakes the runner when it comes; its requests waiting for a retry do not.
    if (this.carrier.reports === 'later') consider(await nextCarrierRequestAt(db, this.carrier.name));
    for (const id of await host.runningRuns()) {
      const context = await host.context(id);
      const nodes = dialerNodes(context.journey);
      if (!nodes.length) continue;
      const memories = await loadMemories(db, id);
      const pool = context.run.simulated ? await loadPool(db, id) : undefined;
      for (const node of nodes) {
        const memory = memories.get(node.id);
        const rules = phaseRules(node.config, this.definition(context, node));
        for (const call of memory?.calls ?? []) consider(dueAt(call, memory?.progress, rules));
        if (node.config.mode === 'agentless' || !node.config.queue) continue;
        const waiting = memory?.calls.some(isQueued) ?? false;
        if (!waiting && !(await host.hasQueued(id, node.id))) continue;
        // A simulated agent coming free can take a waiting answer or a queued contact; people say so themselves.
        // Only a change since the last round: an agent already free then was there for that round's decision.
        const freeAt = pool?.firstFreeAt(node.config.queue);
        if (freeAt !== undefined && (memory?.pacedAt === undefined || freeAt > memory.pacedAt)) consider(freeAt);
        if (node.config.mode === 'predictive' && memory?.calls.length && memory.pacedAt !== undefined) consider(memory.pacedAt + pacingIntervalMs);
      }
    }
    return next;
  }

  private definition(context: RunContext, node: DialerNode): AbandonmentDefinition {
    // Without a list of countries the journey's profile decides; with one, the strictest of those countries' profiles.
    const { compliance, countries } = context.journey.settings;
    return definitionFor(countries ? profilesOfCountries(compliance, countries) : compliance, node.config.maxAbandonRate);
  }

  private step(context: RunContext, node: DialerNode, memory: NodeMemory): Step {
    const definition = this.definition(context, node);
    return {
      node,
      config: node.config,
      queue: node.config.queue ?? '',
      memory,
      definition,
      ledger: new AbandonmentLedger(definition, memory.ledger),
      policy: node.config.mode === 'predictive' ? new PredictivePolicy(definition, memory.policy) : undefined,
      rules: phaseRules(node.config, definition),
    };
  }

  /** Simulated runs staff their queues with simulated agents; live runs route to the people signed in. */
  private async loadFloor(db: Executor, context: RunContext, memories: Map<string, NodeMemory>): Promise<AgentFloor> {
    const runId = context.run.id;
    if (!context.run.simulated) {
      const seen = Object.assign({}, ...[...memories.values()].map((m) => m.seenHandled ?? {})) as Record<string, number>;
      return PeopleFloor.load(db, seen);
    }
    const saved = await loadPool(db, runId);
    if (saved) return new SimulatedFloor(saved);
    const queues = [...new Set(dialerNodes(context.journey).flatMap((n) => (n.config.mode !== 'agentless' && n.config.queue ? [n.config.queue] : [])))];
    const staffing = context.options.agents ?? Object.fromEntries(queues.map((q) => [q, this.agentsPerQueue]));
    const dispositions = simulatedDispositions(context.journey);
    const defaultProfile = dispositions.length
      ? { ...defaultAgentProfile, dispositions: dispositions.map((name) => ({ name, weight: 1 })) }
      : defaultAgentProfile;
    return new SimulatedFloor(AgentPool.staffed(staffing, context.run.start_at, { defaultProfile }));
  }

  falsePositiveShare(): number {
    return this.carrier.amdFalsePositiveShare;
  }

  lines(context: RunContext): number {
    return context.options.agentlessLines ?? this.agentlessLines;
  }
}

/** The work of one pacing round of one run, inside its transaction. */
class Round {
  constructor(
    private readonly dialer: PacedDialer,
    private readonly round: DialerRound,
    private readonly context: RunContext,
    private readonly floor: AgentFloor,
    private readonly steps: Step[],
  ) {}

  private get runId(): string {
    return this.context.run.id;
  }

  /** Acts on every call moment due by `now`, in time order across steps: agents are shared by the steps of a queue. */
  async processDue(now: number): Promise<number> {
    if (this.dialer.carrier.reports === 'later') await this.takeReported();
    // Every call hears the progress its carrier reported up to now; acting on it waits for the dialer's moments below.
    for (const step of this.steps) {
      for (const call of [...step.memory.calls]) if (call.phase === 'ringing' || call.phase === 'detecting') this.hear(step, call, now);
    }
    let work = 0;
    for (;;) {
      const due = this.earliest(now);
      if (!due) return work;
      work++;
      const { step, at } = due;
      switch (due.kind) {
        case 'place':
          await this.placePreview(step, due.call, at);
          break;
        case 'hear': {
          const heard = this.hear(step, due.call, at);
          if (heard.phase === 'ended') await this.settle(step, heard, at);
          else if (heard.phase === 'answered') await this.live(step, heard, at);
          else throw new Error(`Call ${heard.key} was due at ${at} but is still ${heard.phase}`);
          break;
        }
        case 'settle':
          await this.settle(step, due.call, at);
          break;
        case 'live':
          await this.live(step, due.call, at);
          break;
        case 'connect': {
          const agentId = this.floor.free(step.queue, at)[0];
          if (agentId === undefined) throw new Error(`No agent of queue ${step.queue} is free at ${at}, when one was due to be`);
          await this.connect(step, due.call, agentId, at);
          break;
        }
        case 'drop':
          await this.drop(step, due.call, at);
          break;
      }
    }
  }

  private earliest(now: number): Due | undefined {
    let best: Due | undefined;
    const offer = (due: Due) => {
      if (due.at > now) return;
      if (!best || due.at < best.at || (due.at === best.at && order(due.call) < order(best.call))) best = due;
    };
    for (const step of this.steps) {
      for (const call of step.memory.calls) {
        if (call.phase === 'preview') {
          const at = call.previewUntil ?? this.floor.previewStarted(call.agentId);
          if (at !== undefined) offer({ at, step, call, kind: 'place' });
        } else if (call.phase === 'ringing' || call.phase === 'detecting') {
          const future = foretell(call, step.memory.progress?.[call.key] ?? [], step.rules);
          if (future.phase === 'answered' || future.phase === 'ended') offer({ at: actAt(future), step, call, kind: 'hear' });
        } else if (call.phase === 'ended') {
          offer({ at: call.releaseAt, step, call, kind: 'settle' });
        } else if (!isQueued(call)) {
          offer({ at: call.liveAt, step, call, kind: 'live' });
        } else {
          const freeAt = this.floor.nextFreeAt(step.queue);
          const connectAt = freeAt === undefined ? Infinity : Math.max(freeAt, call.liveAt);
          if (connectAt <= call.deadline) offer({ at: connectAt, step, call, kind: 'connect' });
          else offer({ at: call.deadline, step, call, kind: 'drop' });
        }
      }
    }
    return best;
  }

  /** Places the calls the step's mode allows now. */
  async dial(step: Step, now: number): Promise<number> {
    const { config } = step;
    let want: number;
    if (config.mode === 'agentless') want = this.dialer.lines(this.context) - (await this.round.callsUnderWay(step.node.id));
    else if (config.mode === 'predictive') want = step.policy ? step.policy.decide(this.snapshot(step, now)) : 0;
    else want = this.floor.free(step.queue, now).length;
    want = Math.min(want, await this.carrierRoom());
    if (want <= 0) return 0;
    const waiting = await this.round.claimQueued(step.node.id, want);
    if (!waiting.length) return 0;
    const gate = await this.gate(step, waiting, now);
    let work = 0;
    for (const target of waiting) {
      work++;
      if (!gate(target, now)) continue;
      if (config.mode === 'progressive' || config.mode === 'preview') {
        const agentId = this.floor.free(step.queue, now)[0];
        const ref = this.callRef(step, target);
        if (!agentId || !(await this.floor.reserve(agentId, now, ref, config.mode === 'preview' ? 'preview' : 'dialing'))) {
          // The agent went away since the round began: the contact stays queued for the next free one.
          work--;
          continue;
        }
        this.round.startCall(target);
        if (config.mode === 'preview') {
          step.memory.calls.push({
            contactId: target.contactId,
            visit: target.visit,
            key: ref.key,
            phase: 'preview',
            agentId,
            ...(this.context.run.simulated && { previewUntil: now + previewMs(this.context.run.seed, ref.key) }),
          });
          continue;
        }
        await this.place(step, target, now, agentId);
        continue;
      }
      this.round.startCall(target);
      await this.place(step, target, now);
    }
    return work;
  }

  /** Calls the carrier takes on top of those under way, under its declared limit (every run's calls count). */
  private async carrierRoom(): Promise<number> {
    const carrier = this.dialer.carrier;
    if (carrier.maxConcurrentCalls === undefined) return Infinity;
    const underWay =
      carrier.reports === 'later'
        ? await carrierCallsUnderWay(this.round.db, carrier.name)
        : this.steps.reduce((n, step) => n + step.memory.calls.filter((c) => c.phase !== 'preview').length, 0);
    return Math.max(0, carrier.maxConcurrentCalls - underWay);
  }

  /**
   * A reporting carrier's progress of the calls the steps track, recorded since the last round: kept in the steps'
   * memories from now on, and the moments before a call's end recorded as its events (the end is recorded with the
   * contact's move, when the dialer settles it).
   */
  private async takeReported(): Promise<void> {
    const tracked = this.steps.flatMap((step) =>
      step.memory.calls.flatMap((call) => (call.phase === 'ringing' || call.phase === 'detecting' ? [{ step, call }] : [])),
    );
    const reported = await takeCallProgress(
      this.round.db,
      tracked.map((t) => t.call.key),
    );
    for (const { step, call } of tracked) {
      const progress = reported.get(call.key);
      if (!progress) continue;
      const pending = step.memory.progress?.[call.key] ?? [];
      let answered = call.phase === 'detecting' || pending.some((p) => p.type === 'answered');
      const heard: CallProgress[] = [];
      // Reports about the same call come in any order, across rounds too: an answer is heard once, rings only before
      // it, and a verdict only after one (the detector's report proves the answer, heard with it when its own is late).
      // An answered call hung up before the dialer acted on it is not a phase the dialer follows: it goes on to its
      // verdict and its agent or message, which the carrier refuses on a finished call.
      for (const p of progress) {
        if (p.type === 'greeting') {
          if (heard.at(-1)?.type === 'answered') heard.push(p);
        } else if (p.type === 'answered') {
          if (!answered) heard.push(p);
          answered = true;
        } else if (p.type === 'amd') {
          if (!step.rules.amd) continue;
          if (!answered) heard.push({ type: 'answered', at: p.at, by: p.verdict }, { type: 'greeting', at: p.at, endsAt: p.at });
          answered = true;
          heard.push(p);
        } else if (!answered) {
          heard.push(p);
        }
      }
      setPending(step.memory, call.key, [...pending, ...heard]);
      const events = heard.flatMap(progressEvent);
      if (events.length) this.round.callEvents(call.contactId, step.node.id, events);
    }
  }

  /** Tells the carrier what to do with a call: at once to a foreknowing one, recorded to be sent for a reporting one. */
  private async tell(key: string, command: Exclude<CarrierCommand, { kind: 'place' | 'fetch' }>, at: number): Promise<void> {
    const carrier = this.dialer.carrier;
    if (carrier.reports === 'later') return queueCarrierCommand(this.round.db, key, command, at);
    if (command.kind === 'cancel') carrier.cancel(key, at);
    else if (command.kind === 'message') carrier.playMessage(key, command.message, at);
    else carrier.bridge(key, command.agentId, at);
  }

  /** The step's message as it was rendered for the contact when the call was placed through a reporting carrier. */
  private async renderedMessage(step: Step, key: string): Promise<string> {
    const placed = await carrierCommandOf(this.round.db, key, 'place');
    return placed?.call.message ?? step.config.message ?? '';
  }

  /**
   * The check at the moment of dialing, whatever the journey's gates said: every rule of the journey's profile. A rule
   * of time (hours, holidays, how often the number was called) sends the contact back to the step until its next
   * allowed moment, and it is never dialed now; a rule that refuses (a do-not-contact list, the register, consent)
   * sends it out by `failed`, naming the rule. True when the call may go.
   */
  private gate(step: Step, contacts: StepContact[], now: number): Promise<DialGate> {
    const agentGuaranteed = step.config.mode === 'preview' || step.config.mode === 'progressive';
    return this.round.lastCheck(contacts, now, { agentGuaranteed, mode: step.config.mode });
  }

  /** A preview the agent has read: re-check the window, then place the call with the agent already held. */
  private async placePreview(step: Step, call: PreviewCall, at: number): Promise<void> {
    remove(step, call);
    const target = await this.round.held(call.contactId);
    if (!target) {
      await this.floor.unreserve(call.agentId, at);
      return;
    }
    const gate = await this.gate(step, [target], at);
    if (!gate(target, at)) {
      await this.floor.unreserve(call.agentId, at);
      return;
    }
    await this.place(step, target, at, call.agentId);
  }

  /**
   * The call with the progress its carrier reported up to `until` heard, in its place among the step's calls; the
   * progress heard is no longer pending.
   */
  private hear(step: Step, call: ProgressingCall, until: number): TrackedCall {
    const { memory } = step;
    const pending = memory.progress?.[call.key];
    if (!pending?.length) return call;
    let heard: TrackedCall = call;
    let count = 0;
    for (const moment of moments(pending, until)) {
      if (heard.phase !== 'ringing' && heard.phase !== 'detecting') break;
      heard = hear(heard, moment, step.rules);
      count += moment.length;
    }
    if (!count) return call;
    setPending(memory, call.key, pending.slice(count));
    replace(step, call, heard);
    return heard;
  }

  /** Places one call through the carrier; the moments the dialer needs not act on are written at once. */
  private async place(step: Step, target: StepContact, at: number, agentId?: string): Promise<void> {
    const { config } = step;
    const { key } = target;
    const to = target.contact?.phone ?? null;
    const message = config.message && hasContact(target) ? this.round.render(config.message, target) : undefined;
    const messageMs = message !== undefined ? messageDurationMs(message) : undefined;
    const request: CallRequest = {
      key,
      seed: this.context.run.seed,
      to,
      callerId: config.callerId,
      ringSeconds: config.ringSeconds,
      minRingSeconds: this.minRingSeconds(),
      amd: config.amd.enabled,
      ...(config.amd.enabled && config.amd.onMachine === 'leave-message' && { amdWaitsForBeep: true }),
      placedAt: at,
      ...(message !== undefined && { message }),
    };
    this.round.record(target, 'call.placed', { to, callerId: config.callerId, mode: config.mode, ...(agentId && { agentId }), key }, at);
    this.round.sent(target, step.node.id, { channel: 'voice', to, callerId: config.callerId, mode: config.mode, ringSeconds: config.ringSeconds }, at);
    const base = { contactId: target.contactId, visit: target.visit, key, placedAt: at, ...(agentId && { agentId }) };
    const carrier = this.dialer.carrier;
    if (carrier.reports === 'later') {
      // Recorded before the provider hears of it, in this round's transaction: sent once it commits, never twice.
      const ref = { key, runId: this.runId, nodeId: step.node.id, contactId: target.contactId, carrier: carrier.name };
      if (to === null) {
        // No number to call: over at once as an invalid number, as the virtual carrier says, without asking anyone.
        await recordCarrierCall(this.round.db, ref, undefined, at);
        await recordCallProgress(this.round.db, key, { type: 'ended', at, reason: 'invalid' }, at);
      } else {
        await recordCarrierCall(this.round.db, ref, { kind: 'place', call: request }, at);
      }
      // Every mode's calls are tracked from their first phase: the progress comes later and moves them on (`hear`).
      step.memory.calls.push({ ...base, phase: 'ringing', ...(messageMs !== undefined && { messageMs }) });
      return;
    }
    const progress = carrier.place(request);
    const plan = planOf(at, progress);
    const timelineConfig = { amd: config.amd, ...(messageMs !== undefined && { messageMs }) };
    if (config.mode === 'agentless') {
      const timeline = agentlessCallTimeline({ placedAt: at, plan, config: timelineConfig });
      this.timeline(step, target.contactId, target.visit, timeline);
      return;
    }
    // The call is tracked from its first phase; its carrier's progress moves it on (`hear`).
    // A suspected machine no agent hears gets the step's message, whose length is known now, with the contact.
    step.memory.calls.push({ ...base, phase: 'ringing', ...(messageMs !== undefined && step.rules.suspectedToAgent && { messageMs }) });
    setPending(step.memory, key, progress);
    if (!('answerMs' in plan) || (plan.amd?.verdict === 'machine' && !step.rules.suspectedToAgent)) {
      // No agent will be needed: the whole call is known now. The agent passed in is never reached on these paths.
      const timeline = progressiveCallTimeline({
        placedAt: at,
        plan,
        config: timelineConfig,
        agent: { id: '', talkMs: 0, wrapMs: 0, disposition: '', machineMs: 0 },
      });
      this.timeline(step, target.contactId, target.visit, timeline);
      return;
    }
    const events: FollowUp[] = [
      { type: 'call.ringing', at: at + plan.ringingMs, data: {} },
      { type: 'call.answered', at: at + plan.answerMs, data: {} },
      { type: 'call.customerGreetingStart', at: at + plan.greetingStartMs, data: {} },
    ];
    if (plan.amd) events.push({ type: 'call.amd', at: at + plan.amd.atMs, data: { verdict: plan.amd.verdict, decisionMs: plan.amd.decisionMs } });
    this.round.callEvents(target.contactId, step.node.id, events);
  }

  /** A call that needed no agent is over for the dialer: the held agent is free and the policy learns. */
  private async settle(step: Step, call: EndedCall, at: number): Promise<void> {
    remove(step, call);
    if (this.dialer.carrier.reports === 'later') await this.settleReported(step, call, at);
    if (call.agentId) await this.floor.unreserve(call.agentId, at);
    if (call.answeredAt !== undefined) step.ledger.record(call.answeredAt, { live: false, abandoned: false, machineVerdict: true });
    step.policy?.observe({ placedAt: call.placedAt, settledAt: at, abandoned: false, humanAnswered: false, ...this.suspectedPerson(step, call.answeredAt) });
  }

  /**
   * The end of a reporting carrier's call that needed no agent, recorded now with the contact's move: unanswered (as
   * the carrier reported it), or a machine verdict the dialer hangs up on or leaves the step's message for.
   */
  private async settleReported(step: Step, call: EndedCall, at: number): Promise<void> {
    const { config } = step;
    const result = { mode: config.mode };
    if (call.answeredAt === undefined) {
      const end = await reportedEnd(this.round.db, call.key);
      const reason = end?.reason ?? 'no-answer';
      const port = reason === 'invalid' || reason === 'failed' ? 'failed' : 'no-answer';
      const disposition = reason === 'invalid' ? 'invalid-number' : reason === 'failed' ? 'carrier-refused' : reason;
      const event = endedEvent(call.placedAt, at, port, disposition, 0);
      if (end?.code) event.data.code = end.code;
      this.round.callEvents(call.contactId, step.node.id, [event], {
        port,
        visit: call.visit,
        result: { ...result, disposition, ...(end?.code && { code: end.code }) },
      });
      return;
    }
    const leave = config.amd.onMachine === 'leave-message' && config.message !== undefined;
    let endedAt = at + teardownMs;
    if (leave) {
      const message = await this.renderedMessage(step, call.key);
      await this.tell(call.key, { kind: 'message', message }, at);
      endedAt = at + messageDurationMs(message);
    } else {
      await this.tell(call.key, { kind: 'cancel' }, at);
    }
    const disposition = leave ? 'message-left' : 'machine-hangup';
    const event = endedEvent(call.placedAt, endedAt, 'machine', disposition, Math.ceil((endedAt - call.answeredAt) / 1000));
    this.round.callEvents(call.contactId, step.node.id, [event], { port: 'machine', visit: call.visit, result: { ...result, disposition } });
  }

  /** An agentless step's live answer through a reporting carrier hears the step's message, and the call is over. */
  private async playToLive(step: Step, call: AnsweredCall, at: number): Promise<void> {
    remove(step, call);
    const message = await this.renderedMessage(step, call.key);
    await this.tell(call.key, { kind: 'message', message }, at);
    const endedAt = at + messageDurationMs(message);
    const events: FollowUp[] = [];
    if (call.greetingStopAt < endedAt) events.push({ type: 'call.customerGreetingStop', at: call.greetingStopAt, data: {} });
    events.push(endedEvent(call.placedAt, endedAt, 'connected', 'message-played', Math.ceil((endedAt - call.answeredAt) / 1000)));
    this.round.callEvents(call.contactId, step.node.id, events, {
      port: 'connected',
      visit: call.visit,
      result: { disposition: 'message-played', mode: step.config.mode },
    });
    step.ledger.record(call.answeredAt, { live: true, abandoned: false, machineVerdict: false });
  }

  /** The shortest ring the journey's countries allow, which a real carrier never goes under. */
  private minRingSeconds(): number {
    const { compliance, countries } = this.context.journey.settings;
    const ids = countries ? profilesOfCountries(compliance, countries) : [compliance];
    return Math.max(...ids.map((id) => profiles[id].ring.minSeconds));
  }

  /**
   * What the policy is told of a machine verdict hung up on: the estimated chance it was a person, which the law counts
   * as an abandoned live answer. The dialer never knows which ones were, even in a simulation.
   */
  private suspectedPerson(step: Step, answeredAt: number | undefined): { suspectedPerson?: number } {
    return answeredAt !== undefined && step.definition.countsAmdFalsePositives ? { suspectedPerson: this.dialer.falsePositiveShare() } : {};
  }

  /** A suspected machine with no agent free: hung up on, or left the step's message, as the step's verdict says. */
  private async hangUpSuspected(step: Step, call: AnsweredCall, at: number): Promise<void> {
    remove(step, call);
    const { messageMs } = call;
    const timeline = suspectedMachineTimeline({
      placedAt: call.placedAt,
      answeredAt: call.answeredAt,
      greetingStopAt: call.greetingStopAt,
      verdictAt: at - switchMs,
      truth: call.truth,
      config: { amd: step.config.amd, ...(messageMs !== undefined && { messageMs }) },
    });
    if (step.config.amd.onMachine === 'leave-message' && step.config.message) {
      const message = this.dialer.carrier.reports === 'later' ? await this.renderedMessage(step, call.key) : step.config.message;
      await this.tell(call.key, { kind: 'message', message }, at);
    } else {
      await this.tell(call.key, { kind: 'cancel' }, at);
    }
    this.timeline(step, call.contactId, call.visit, timeline);
    step.ledger.record(call.answeredAt, { live: false, abandoned: false, machineVerdict: true });
    step.policy?.observe({ placedAt: call.placedAt, settledAt: at, abandoned: false, humanAnswered: false, ...this.suspectedPerson(step, call.answeredAt) });
  }

  /** A live answer: to the held agent, else to the longest-idle free one, else it waits until its legal deadline. */
  private async live(step: Step, call: AnsweredCall, at: number): Promise<void> {
    if (step.config.mode === 'agentless') return this.playToLive(step, call, at);
    const free = call.agentId ? [] : this.floor.free(step.queue, at);
    // A machine verdict is heard by a free agent only while the pacing can spare one (see `suspectedMayTakeAgent`).
    const spared = !call.suspected || step.policy?.suspectedMayTakeAgent?.(free.length) !== false;
    const agentId = call.agentId ?? (spared ? free[0] : undefined);
    if (agentId) return this.connect(step, call, agentId, at);
    if (call.suspected) return this.hangUpSuspected(step, call, at);
    if (call.deadline <= at) return this.drop(step, call, at);
    replace(step, call, queue(call, at));
  }

  private async connect(step: Step, call: AnsweredCall, agentId: string, at: number): Promise<void> {
    const ref: AgentCallRef = { runId: this.runId, nodeId: step.node.id, contactId: call.contactId, visit: call.visit, key: call.key };
    if (!call.agentId && !(await this.floor.reserve(agentId, at, ref, 'dialing'))) {
      // The person left between the read and the update; the answer waits for the next agent or its deadline.
      if (call.suspected) return this.hangUpSuspected(step, call, at);
      replace(step, call, queue(call, at));
      return;
    }
    remove(step, call);
    const plan = await this.floor.connect(agentId, at, ref, this.context.run.seed);
    await this.tell(call.key, { kind: 'bridge', agentId }, at);
    const events: FollowUp[] = [{ type: 'call.connectedToAgent', at, data: { agentId } }];
    const simulatedMachine = plan !== undefined && call.truth === 'machine';
    const verdict = classifyCall(
      {
        placedAt: call.placedAt,
        answeredAt: call.answeredAt,
        greetingStartAt: call.greetingStartAt,
        greetingStopAt: call.greetingStopAt,
        connectedAt: at,
        agentMarkedMachine: simulatedMachine,
      },
      step.definition,
    );
    step.ledger.record(call.answeredAt, verdict);
    step.policy?.observe({
      placedAt: call.placedAt,
      liveAt: call.liveAt,
      connectedAt: at,
      abandoned: verdict.abandoned,
      humanAnswered: call.truth === 'human',
      ...(call.suspected && { suspected: true }),
    });
    if (!plan) {
      // A person takes it from here: the agent page ends the call with a disposition.
      events.push({ type: 'call.customerGreetingStop', at: call.greetingStopAt, data: {} });
      this.round.callEvents(call.contactId, step.node.id, events);
      return;
    }
    const person = call.truth === 'human';
    const talkMs = person ? plan.talkMs : call.suspected ? suspectedMachineMs(plan) : plan.machineMs;
    const wrapMs = person ? plan.wrapMs : 0;
    const endedAt = at + talkMs;
    this.floor.book(agentId, at, endedAt, endedAt + wrapMs);
    step.policy?.observeAgent(talkMs, wrapMs);
    const port = person ? 'connected' : 'machine';
    const disposition = person ? plan.disposition : 'answering-machine';
    if (call.greetingStopAt < endedAt) events.push({ type: 'call.customerGreetingStop', at: call.greetingStopAt, data: {} });
    events.push(endedEvent(call.placedAt, endedAt, port, disposition, Math.ceil((endedAt - call.answeredAt) / 1000), agentId));
    // The end of the wrap-up is an event too, so that occupancy and handle time can be read from the events alone.
    if (person) events.push({ type: 'call.dispositioned', at: endedAt + wrapMs, data: { agentId, disposition, talkMs, wrapMs } });
    this.round.callEvents(call.contactId, step.node.id, events, { port, visit: call.visit, result: { disposition, mode: step.config.mode, agentId } });
  }

  /** No agent in time: the answer is abandoned, hears the profile's information message, and the line is dropped. */
  private async drop(step: Step, call: AnsweredCall, at: number): Promise<void> {
    remove(step, call);
    const message = step.definition.informationMessage.replaceAll('{{ callerId }}', step.config.callerId);
    await this.tell(call.key, { kind: 'message', message }, at + switchMs);
    const endedAt = at + switchMs + messageDurationMs(message);
    const events: FollowUp[] = [{ type: 'call.abandoned', at, data: { reason: 'no-agent', message } }];
    if (call.greetingStopAt < endedAt) events.push({ type: 'call.customerGreetingStop', at: call.greetingStopAt, data: {} });
    events.push(endedEvent(call.placedAt, endedAt, 'abandoned', 'abandoned', Math.ceil((endedAt - call.answeredAt) / 1000)));
    this.round.callEvents(call.contactId, step.node.id, events, {
      port: 'abandoned',
      visit: call.visit,
      result: { disposition: 'abandoned', mode: step.config.mode },
    });
    step.ledger.record(call.answeredAt, { live: true, abandoned: true, machineVerdict: false });
    step.policy?.observe({ placedAt: call.placedAt, liveAt: call.liveAt, droppedAt: at, abandoned: true, humanAnswered: call.truth === 'human' });
  }

  private timeline(step: Step, contactId: string, visit: number, timeline: CallTimeline): void {
    const result = { disposition: timeline.disposition, mode: step.config.mode };
    this.round.callEvents(contactId, step.node.id, timeline.followUps.slice(0, -1), undefined);
    this.round.callEvents(contactId, step.node.id, timeline.followUps.slice(-1), { port: timeline.port, visit, result });
  }

  private callRef(step: Step, target: StepContact): AgentCallRef {
    return { runId: this.runId, nodeId: step.node.id, contactId: target.contactId, visit: target.visit, key: target.key };
  }

  private snapshot(step: Step, now: number): PacingSnapshot {
    const view = this.floor.view(step.queue, now);
    // Every placed call that is not a live answer waiting for an agent counts as ringing: the policy's outstanding calls.
    const ringing = step.memory.calls.filter(isRinging);
    return {
      now,
      agentsLoggedIn: view.loggedIn,
      freeAgents: view.free,
      talkingElapsedMs: view.talkingElapsedMs,
      talkingCount: view.talkingElapsedMs.length,
      wrappingElapsedMs: view.wrappingElapsedMs,
      wrappingCount: view.wrappingElapsedMs.length,
      ringingAgesMs: ringing.map((c) => now - c.placedAt),
      ringingCount: ringing.length,
      waitingLive: step.memory.calls.filter(isQueued).length,
      window: step.ledger.figures(now, this.dialer.falsePositiveShare()),
    };
  }

  /** The step's live gauges, small enough to send to every monitor on every change. */
  gauges(step: Step, now: number): object {
    const calls = step.memory.calls;
    const figures = step.ledger.figures(now, this.dialer.falsePositiveShare());
    const view = step.config.mode === 'agentless' ? undefined : this.floor.view(step.queue, now);
    return {
      mode: step.config.mode,
      ...(step.queue && { queue: step.queue }),
      calls: {
        preview: calls.filter((c) => c.phase === 'preview').length,
        ringing: calls.filter(isRinging).length,
        waiting: calls.filter(isQueued).length,
      },
      ...(view && {
        agents: { free: view.counts.available, busy: view.counts.reserved + view.counts['on-call'] + view.counts['wrap-up'], loggedIn: view.loggedIn },
      }),
      abandon: {
        rate: round4(figures.rate),
        cap: step.definition.capPercent / 100,
        liveAnswers: figures.liveAnswers,
        abandoned: figures.abandoned,
        windowHours: step.definition.windowMs / 3_600_000,
        // People among the machine verdicts hung up on are not known call by call: the rate counts them by the
        // estimate from the detector's accuracy, in both the abandoned calls and the live answers.
        detector: {
          basis: 'estimate',
          share: round4(this.dialer.falsePositiveShare()),
          estimatedPeople: Math.round(figures.estimatedAmdFalsePositives * 100) / 100,
        },
      },
      at: now,
    };
  }
}

/** A reported moment as the call's event; the end is recorded with the contact's move instead. */
function progressEvent(p: CallProgress): FollowUp[] {
  if (p.type === 'ringing') return [{ type: 'call.ringing', at: p.at, data: {} }];
  if (p.type === 'answered') return [{ type: 'call.answered', at: p.at, data: {} }];
  if (p.type === 'greeting') return [{ type: 'call.customerGreetingStart', at: p.at, data: {} }];
  if (p.type === 'amd') return [{ type: 'call.amd', at: p.at, data: { verdict: p.verdict, decisionMs: p.decisionMs } }];
  return [];
}

function round4(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}

/** Ties in time go to the call placed first, then by contact id, the same on every run. */
function order(call: TrackedCall): string {
  return `${String(call.phase === 'preview' ? 0 : call.placedAt).padStart(15, '0')}:${call.contactId}`;
}

/** A placed call not waiting for an agent: ringing, detecting, a live answer being routed, or one being released. */
function isRinging(call: TrackedCall): call is Exclude<TrackedCall, PreviewCall> {
  return call.phase !== 'preview' && !isQueued(call);
}

/** The call leaves the dialer's hands, with whatever its carrier had still to report. */
function remove(step: Step, call: TrackedCall): void {
  const i = step.memory.calls.indexOf(call);
  if (i >= 0) step.memory.calls.splice(i, 1);
  setPending(step.memory, call.key, []);
}

/** The call in its new phase, in its place among the step's calls. */
function replace(step: Step, call: TrackedCall, next: TrackedCall): void {
  const i = step.memory.calls.indexOf(call);
  if (i < 0) throw new Error(`Call ${call.key} is not among the calls of step ${step.node.id}`);
  step.memory.calls[i] = next;
}

function setPending(memory: NodeMemory, key: string, progress: CallProgress[]): void {
  if (progress.length) {
    memory.progress ??= {};
    memory.progress[key] = progress;
  } else if (memory.progress) {
    delete memory.progress[key];
    if (!Object.keys(memory.progress).length) delete memory.progress;
  }
}

function phaseRules(config: DialerConfig, definition: AbandonmentDefinition): PhaseRules {
  return {
    amd: config.amd.enabled,
    // Agentless steps play their message to every answer; the others may let a free agent hear a suspected machine.
    suspectedToAgent: config.mode !== 'agentless' && config.amd.toFreeAgent,
    deadline: (greeting) => legalDeadline(definition, greeting),
  };
}

/** The next moment the dialer acts on a call by itself (an agent coming free aside), if it knows one. */
function dueAt(call: TrackedCall, progress: NodeMemory['progress'], rules: PhaseRules): number | undefined {
  switch (call.phase) {
    case 'preview':
      return call.previewUntil;
    case 'ringing':
    case 'detecting': {
      const future = foretell(call, progress?.[call.key] ?? [], rules);
      return future.phase === 'answered' || future.phase === 'ended' ? actAt(future) : undefined;
    }
    case 'answered':
      return isQueued(call) ? call.deadline : call.liveAt;
    case 'ended':
      return call.releaseAt;
  }
}

function hasContact(target: StepContact): target is StepContact & { contact: ContactView } {
  return target.contact !== undefined;
}

/** How long a simulated agent reads a preview before placing the call: 5 to 20 seconds, fixed per call. */
function previewMs(seed: number, key: string): number {
  return Math.round(5000 + 15_000 * seededRandom(seed, visitKey(key), 'agent:preview')());
}

function dialerNodes(journey: Journey): DialerNode[] {
  return Object.values(journey.nodes).filter((n): n is DialerNode => n.type === 'dialer');
}

async function loadPool(db: Executor, runId: string): Promise<AgentPool | undefined> {
  const row = await db.selectFrom('dialer_state').select('memory').where('run_id', '=', runId).where('node_id', '=', '').executeTakeFirst();
  return row?.memory ? AgentPool.fromJSON(JSON.parse(row.memory)) : undefined;
}

/**
 * The dispositions the journey's branches test for, plus one they do not: simulated agents record these, so that a
 * simulation exercises every branch on how a call ended.
 */
export function simulatedDispositions(journey: Journey): string[] {
  const values = new Set<string>();
  for (const node of Object.values(journey.nodes)) {
    if (node.type !== 'branch') continue;
    for (const rule of node.config.rules) {
      for (const c of rule.conditions) {
        if (!/^(lastCall|results\.[a-z0-9-]+)\.disposition$/.test(c.field)) continue;
        for (const v of Array.isArray(c.value) ? c.value : [c.value]) if (typeof v === 'string') values.add(v);
      }
    }
  }
  return values.size ? [...[...values].sort(), 'no-decision'] : [];
}
