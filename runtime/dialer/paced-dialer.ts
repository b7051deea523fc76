// The runtime's dialer over the simulated carrier: paces each dialer step by its mode, routes live answers to agents
// (simulated ones in simulated runs, people at the agent page in live runs) and records every call's moments as events.
import type { z } from 'zod';
import type { Journey, JourneyNode } from '../../schemas/journey.ts';
import type { dialer as dialerDefinition } from '../../schemas/nodes/dialer.ts';
import type { FollowUp } from '../channels/provider.ts';
import { idempotencyKey, visitKey, type CursorState } from '../engine/cursor.ts';
import type { DialerEngine } from '../engine/dialer-engine.ts';
import { loadContacts, loadCursors, type Interpreter } from '../engine/interpreter.ts';
import type { RunContext } from '../engine/run-context.ts';
import { exit, recordEvent, type StepEnvironment } from '../engine/steps.ts';
import { BatchWrites } from '../engine/writes.ts';
import { templateScope, type ContactView } from '../nodes/types.ts';
import { seededRandom } from '../random.ts';
import { claimLocked, tryLockRun, type Executor } from '../store/dialect.ts';
import { prepareLastCheck } from '../engine/last-check.ts';
import { profilesOfCountries } from '../compliance/country.ts';
import { AbandonmentLedger, classifyCall, definitionFor, estimateAmdFalsePositiveShare, type AbandonmentDefinition } from './abandonment.ts';
import { PeopleFloor, SimulatedFloor, type AgentCallRef, type AgentFloor } from './agent-floor.ts';
import { agentlessCallTimeline, endedEvent, messageDurationMs, progressiveCallTimeline, switchMs, type CallTimeline } from './call-timeline.ts';
import { loadMemories, saveMemory, type NodeMemory, type TrackedCall } from './dialer-memory.ts';
import { legalDeadline, PredictivePolicy, type PacingSnapshot } from './pacing.ts';
import { AgentPool, defaultAgentProfile } from './simulated-agents.ts';
import { defaultCarrierProfile, planCall, type CallPlan, type CarrierProfile } from './virtual-carrier.ts';

type DialerConfig = z.output<typeof dialerDefinition.config>;
type DialerNode = Extract<JourneyNode, { type: 'dialer' }>;

/** Contacts waiting for their call are marked with this, so the queue is a plain indexed query. */
export const dialQueue = JSON.stringify({ type: 'dial-queue' });
const onCall = { type: 'call' };
/** While calls are under way a predictive step is paced at least this often, as agents' elapsed times move on. */
const pacingIntervalMs = 1000;

export interface PacedDialerOptions {
  carrier?: CarrierProfile;
  /** Simulated agents per queue when a run names none. */
  defaultAgentsPerQueue?: number;
  /** Calls an agentless step may have under way at once when a run names none. */
  defaultAgentlessLines?: number;
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
  placed: number;
  deferred: number;
}

type Due = { at: number; step: Step; call: TrackedCall; kind: 'place' | 'settle' | 'live' | 'connect' | 'drop' };

export class PacedDialer implements DialerEngine {
  private readonly carrier: CarrierProfile;
  private readonly agentsPerQueue: number;
  private readonly agentlessLines: number;
  private readonly amdFalsePositiveShare: number;

  constructor(options: PacedDialerOptions = {}) {
    this.carrier = options.carrier ?? defaultCarrierProfile;
    this.agentsPerQueue = options.defaultAgentsPerQueue ?? 10;
    this.agentlessLines = options.defaultAgentlessLines ?? 30;
    const { outcomes, amd } = this.carrier;
    // The UK's reasoned estimate of people among machine verdicts, from the detector's accuracy and the answer mix.
    this.amdFalsePositiveShare = estimateAmdFalsePositiveShare({ ...amd, humanShareOfAnswers: outcomes.human / (outcomes.human + outcomes.machine) });
  }

  async pace(interpreter: Interpreter, runId: string, now: number): Promise<number> {
    const context = await interpreter.context(runId);
    const nodes = dialerNodes(context.journey);
    if (!nodes.length) return 0;
    const store = interpreter.store;
    return store.db.transaction().execute(async (tx) => {
      // The steps' memories are read, changed and written back whole: with several workers on PostgreSQL, one paces a
      // run at a time, and the others leave it to that one this round.
      if (!(await tryLockRun(tx, store.dialect, runId))) return 0;
      const writes = new BatchWrites();
      const env = interpreter.environment(context, writes, now);
      const memories = await loadMemories(tx, runId);
      const floor = await this.loadFloor(tx, context, memories);
      const steps = nodes.map((node) => this.step(context, node, memories.get(node.id) ?? { calls: [] }));
      const round = new Round(this, interpreter, tx, context, env, floor, steps);
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
      await writes.flush(tx, store.writeRows);
      return work;
    });
  }

  async nextDueAt(interpreter: Interpreter): Promise<number | undefined> {
    const db = interpreter.store.db;
    let runs = db.selectFrom('runs').select('id').where('status', '=', 'running');
    if (interpreter.scope.kind === 'live') runs = runs.where('simulated', '=', 0);
    if (interpreter.scope.kind === 'run') runs = runs.where('id', '=', interpreter.scope.runId);
    let next: number | undefined;
    const consider = (at: number | undefined) => {
      if (at !== undefined && (next === undefined || at < next)) next = at;
    };
    for (const { id } of await runs.execute()) {
      const context = await interpreter.context(id);
      const nodes = dialerNodes(context.journey);
      if (!nodes.length) continue;
      const memories = await loadMemories(db, id);
      const pool = context.run.simulated ? await loadPool(db, id) : undefined;
      for (const node of nodes) {
        const memory = memories.get(node.id);
        for (const call of memory?.calls ?? []) consider(call.phase === 'preview' ? call.previewUntil : call.phase === 'ringing' ? (call.settleAt ?? call.liveAt) : call.deadline);
        if (node.config.mode === 'agentless' || !node.config.queue) continue;
        const waiting = memory?.calls.some((c) => c.phase === 'waiting') ?? false;
        if (!waiting && !(await hasQueued(db, id, node.id))) continue;
        // A simulated agent coming free can take a waiting answer or a queued contact; people say so themselves.
        // Only a change since the last round: an agent already free then was there for that round's decision.
        const freeAt = pool?.firstFreeAt(node.config.queue);
        if (freeAt !== undefined && (memory?.pacedAt === undefined || freeAt > memory.pacedAt)) consider(freeAt);
        if (node.config.mode === 'predictive' && memory?.calls.length && memory.pacedAt !== undefined) consider(memory.pacedAt + pacingIntervalMs);
      }
    }
    return next;
  }

  private step(context: RunContext, node: DialerNode, memory: NodeMemory): Step {
    // Without a list of countries the journey's profile decides; with one, the strictest of those countries' profiles.
    const { compliance, countries } = context.journey.settings;
    const definition = definitionFor(countries ? profilesOfCountries(compliance, countries) : compliance, node.config.maxAbandonRate);
    return {
      node,
      config: node.config,
      queue: node.config.queue ?? '',
      memory,
      definition,
      ledger: new AbandonmentLedger(definition, memory.ledger),
      policy: node.config.mode === 'predictive' ? new PredictivePolicy(definition, memory.policy) : undefined,
      placed: 0,
      deferred: 0,
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
    const defaultProfile = dispositions.length ? { ...defaultAgentProfile, dispositions: dispositions.map((name) => ({ name, weight: 1 })) } : defaultAgentProfile;
    return new SimulatedFloor(AgentPool.staffed(staffing, context.run.start_at, { defaultProfile }));
  }

  carrierProfile(): CarrierProfile {
    return this.carrier;
  }

  falsePositiveShare(): number {
    return this.amdFalsePositiveShare;
  }

  lines(context: RunContext): number {
    return context.options.agentlessLines ?? this.agentlessLines;
  }
}

/** The work of one pacing round of one run, inside its transaction. */
class Round {
  constructor(
    private readonly dialer: PacedDialer,
    private readonly interpreter: Interpreter,
    private readonly tx: Executor,
    private readonly context: RunContext,
    private readonly env: StepEnvironment,
    private readonly floor: AgentFloor,
    private readonly steps: Step[],
  ) {}

  private get runId(): string {
    return this.context.run.id;
  }

  /** Acts on every call moment due by `now`, in time order across steps: agents are shared by the steps of a queue. */
  async processDue(now: number): Promise<number> {
    let work = 0;
    for (;;) {
      const due = this.earliest(now);
      if (!due) return work;
      work++;
      const { step, call, at } = due;
      switch (due.kind) {
        case 'place':
          await this.placePreview(step, call, at);
          break;
        case 'settle':
          await this.settle(step, call, at);
          break;
        case 'live':
          await this.live(step, call, at);
          break;
        case 'connect':
          await this.connect(step, call, this.floor.free(step.queue, at)[0]!, at);
          break;
        case 'drop':
          this.drop(step, call, at);
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
          const at = call.previewUntil ?? this.floor.previewStarted(call.agentId!);
          if (at !== undefined) offer({ at, step, call, kind: 'place' });
        } else if (call.phase === 'ringing') {
          if (call.settleAt !== undefined) offer({ at: call.settleAt, step, call, kind: 'settle' });
          else offer({ at: call.liveAt!, step, call, kind: 'live' });
        } else {
          const freeAt = this.floor.nextFreeAt(step.queue);
          const connectAt = freeAt === undefined ? Infinity : Math.max(freeAt, call.liveAt!);
          if (connectAt <= call.deadline!) offer({ at: connectAt, step, call, kind: 'connect' });
          else offer({ at: call.deadline!, step, call, kind: 'drop' });
        }
      }
    }
    return best;
  }

  /** Places the calls the step's mode allows now. */
  async dial(step: Step, now: number): Promise<number> {
    const { config } = step;
    let want: number;
    if (config.mode === 'agentless') want = this.dialer.lines(this.context) - (await this.callsUnderWay(step));
    else if (config.mode === 'predictive') want = step.policy!.decide(this.snapshot(step, now));
    else want = this.floor.free(step.queue, now).length;
    if (want <= 0) return 0;
    const waiting = await claimLocked(
      this.tx
        .selectFrom('cursors')
        .select('contact_id')
        .where('run_id', '=', this.runId)
        .where('node_id', '=', step.node.id)
        .where('wait_event', '=', dialQueue)
        .orderBy('contact_id')
        .limit(want),
      this.interpreter.store.dialect,
    ).execute();
    if (!waiting.length) return 0;
    const ids = waiting.map((w) => w.contact_id);
    const cursors = await loadCursors(this.tx, this.runId, ids);
    const contacts = await loadContacts(this.tx, ids);
    const gate = await this.gate(step, [...contacts.values()], now);
    let work = 0;
    for (const id of ids) {
      const cursor = cursors.get(id)!;
      const contact = contacts.get(id);
      work++;
      if (contact && !gate(contact, cursor, now)) continue;
      if (config.mode === 'progressive' || config.mode === 'preview') {
        const agentId = this.floor.free(step.queue, now)[0];
        const ref = callRef(cursor);
        if (!agentId || !(await this.floor.reserve(agentId, now, ref, config.mode === 'preview' ? 'preview' : 'dialing'))) {
          // The agent went away since the round began: the contact stays queued for the next free one.
          work--;
          continue;
        }
        cursor.waitEvent = onCall;
        this.env.writes.cursor(cursor);
        if (config.mode === 'preview') {
          step.memory.calls.push({ contactId: id, visit: cursor.visit, key: ref.key, phase: 'preview', agentId, ...(this.context.run.simulated && { previewUntil: now + previewMs(this.context.run.seed, ref.key) }) });
          continue;
        }
        this.place(step, cursor, contact, now, agentId);
        continue;
      }
      cursor.waitEvent = onCall;
      this.env.writes.cursor(cursor);
      this.place(step, cursor, contact, now);
    }
    return work;
  }

  /**
   * The check at the moment of dialing, whatever the journey's gates said: every rule of the journey's profile. A rule
   * of time (hours, holidays, how often the number was called) sends the contact back to the step until its next
   * allowed moment, and it is never dialed now; a rule that refuses (a do-not-contact list, the register, consent)
   * sends it out by `failed`, naming the rule. True when the call may go.
   */
  private async gate(step: Step, contacts: ContactView[], now: number): Promise<(contact: ContactView, cursor: CursorState, at: number) => boolean> {
    const check = await prepareLastCheck(this.tx, this.context, contacts, now);
    const agentGuaranteed = step.config.mode === 'preview' || step.config.mode === 'progressive';
    return (contact, cursor, at) => {
      const refusal = check(contact, 'voice', at, { agentGuaranteed, outsideHours: 'defer' });
      if (!refusal) return true;
      step.deferred++;
      const env = { ...this.env, now: at };
      if (refusal.action === 'defer') {
        recordEvent(env, cursor, 'compliance.deferred', { reason: refusal.reason, rule: refusal.rule, check: refusal.check, nextAllowedAt: new Date(refusal.until!).toISOString() });
        // Run the step again at that moment: its handler puts the contact back in the queue.
        cursor.status = 'ready';
        cursor.attempt++;
        cursor.dueAt = refusal.until!;
        cursor.waitEvent = null;
        this.env.writes.cursor(cursor);
        return false;
      }
      recordEvent(env, cursor, 'compliance.refused', { channel: 'voice', check: refusal.check, rule: refusal.rule, reason: refusal.reason });
      exit(env, cursor, 'failed', { disposition: 'compliance-blocked', mode: step.config.mode, rule: refusal.rule, error: `Not called: ${refusal.reason}` });
      return false;
    };
  }

  /** A preview the agent has read: re-check the window, then place the call with the agent already held. */
  private async placePreview(step: Step, call: TrackedCall, at: number): Promise<void> {
    remove(step, call);
    const cursor = (await loadCursors(this.tx, this.runId, [call.contactId])).get(call.contactId);
    const contact = (await loadContacts(this.tx, [call.contactId])).get(call.contactId);
    if (!cursor || cursor.status === 'done') {
      await this.floor.unreserve(call.agentId!, at);
      return;
    }
    const gate = await this.gate(step, contact ? [contact] : [], at);
    if (contact && !gate(contact, cursor, at)) {
      await this.floor.unreserve(call.agentId!, at);
      return;
    }
    this.place(step, cursor, contact, at, call.agentId);
  }

  /** Places one call: the carrier's plan decides its fate; moments the dialer needs not act on are written at once. */
  private place(step: Step, cursor: CursorState, contact: ContactView | undefined, at: number, agentId?: string): void {
    const { config } = step;
    const key = idempotencyKey(cursor);
    const carrier = this.dialer.carrierProfile();
    const plan = planCall({ key, seed: this.context.run.seed, ringSeconds: config.ringSeconds, amdEnabled: config.amd.enabled, profile: carrier, invalid: !contact?.phone });
    const messageMs = config.message && contact ? messageDurationMs(this.interpreter.render(config.message, templateScope(contact, cursor.results))) : undefined;
    const timelineConfig = { amd: config.amd, ...(messageMs !== undefined && { messageMs }) };
    step.placed++;
    recordEvent({ ...this.env, now: at }, cursor, 'call.placed', { to: contact?.phone ?? null, callerId: config.callerId, mode: config.mode, ...(agentId && { agentId }), key });
    this.env.writes.outbox.push({
      idempotency_key: key,
      run_id: this.runId,
      contact_id: cursor.contactId,
      node_id: step.node.id,
      channel: 'voice',
      payload: JSON.stringify({ channel: 'voice', to: contact?.phone ?? null, callerId: config.callerId, mode: config.mode, ringSeconds: config.ringSeconds }),
      status: 'sent',
      attempts: 1,
      next_attempt_at: at,
      created_at: at,
      sent_at: at,
      error: null,
    });
    const base = { contactId: cursor.contactId, visit: cursor.visit, key, placedAt: at, ...(agentId && { agentId }) };
    if (config.mode === 'agentless') {
      const timeline = agentlessCallTimeline({ placedAt: at, plan, config: timelineConfig });
      this.timeline(step, cursor.contactId, cursor.visit, timeline);
      return;
    }
    if (!('answerMs' in plan) || plan.amd?.verdict === 'machine') {
      // No agent will be needed: the whole call is known now. The agent passed in is never reached on these paths.
      const timeline = progressiveCallTimeline({ placedAt: at, plan, config: timelineConfig, agent: { id: '', talkMs: 0, wrapMs: 0, disposition: '', machineMs: 0 } });
      this.timeline(step, cursor.contactId, cursor.visit, timeline);
      const answeredAt = 'answerMs' in plan ? at + plan.answerMs : undefined;
      step.memory.calls.push({ ...base, phase: 'ringing', settleAt: timeline.agentFreeAt ?? timeline.endedAt, ...(answeredAt !== undefined && { answeredAt }) });
      return;
    }
    const answered = plan as Extract<CallPlan, { outcome: 'human' | 'machine' }>;
    const progress: FollowUp[] = [
      { type: 'call.ringing', at: at + answered.ringingMs, data: {} },
      { type: 'call.answered', at: at + answered.answerMs, data: {} },
      { type: 'call.customerGreetingStart', at: at + answered.greetingStartMs, data: {} },
    ];
    if (answered.amd) progress.push({ type: 'call.amd', at: at + answered.amd.atMs, data: { verdict: answered.amd.verdict, decisionMs: answered.amd.decisionMs } });
    this.followUps(cursor.contactId, step, progress);
    const moments = { greetingStartAt: at + answered.greetingStartMs, greetingStopAt: at + answered.greetingStopMs };
    step.memory.calls.push({
      ...base,
      phase: 'ringing',
      liveAt: (answered.amd ? at + answered.amd.atMs : at + answered.answerMs) + switchMs,
      answeredAt: at + answered.answerMs,
      ...moments,
      truth: answered.outcome,
      deadline: legalDeadline(step.definition, moments),
    });
  }

  /** A call that needed no agent is over for the dialer: the held agent is free and the policy learns. */
  private async settle(step: Step, call: TrackedCall, at: number): Promise<void> {
    remove(step, call);
    if (call.agentId) await this.floor.unreserve(call.agentId, at);
    if (call.answeredAt !== undefined) step.ledger.record(call.answeredAt, { live: false, abandoned: false, machineVerdict: true });
    step.policy?.observe({ placedAt: call.placedAt!, settledAt: at, abandoned: false, humanAnswered: false });
  }

  /** A live answer: to the held agent, else to the longest-idle free one, else it waits until its legal deadline. */
  private async live(step: Step, call: TrackedCall, at: number): Promise<void> {
    const agentId = call.agentId ?? this.floor.free(step.queue, at)[0];
    if (agentId) return this.connect(step, call, agentId, at);
    if (call.deadline! <= at) return this.drop(step, call, at);
    call.phase = 'waiting';
  }

  private async connect(step: Step, call: TrackedCall, agentId: string, at: number): Promise<void> {
    const ref: AgentCallRef = { runId: this.runId, nodeId: step.node.id, contactId: call.contactId, visit: call.visit, key: call.key };
    if (!call.agentId && !(await this.floor.reserve(agentId, at, ref, 'dialing'))) {
      // The person left between the read and the update; the answer waits for the next agent or its deadline.
      call.phase = 'waiting';
      return;
    }
    remove(step, call);
    const plan = await this.floor.connect(agentId, at, ref, this.context.run.seed);
    const events: FollowUp[] = [{ type: 'call.connectedToAgent', at, data: { agentId } }];
    const simulatedMachine = plan !== undefined && call.truth === 'machine';
    const verdict = classifyCall({ placedAt: call.placedAt!, answeredAt: call.answeredAt!, greetingStartAt: call.greetingStartAt!, greetingStopAt: call.greetingStopAt!, connectedAt: at, agentMarkedMachine: simulatedMachine }, step.definition);
    step.ledger.record(call.answeredAt!, verdict);
    step.policy?.observe({ placedAt: call.placedAt!, liveAt: call.liveAt!, connectedAt: at, abandoned: verdict.abandoned, humanAnswered: call.truth === 'human' });
    if (!plan) {
      // A person takes it from here: the agent page ends the call with a disposition.
      events.push({ type: 'call.customerGreetingStop', at: call.greetingStopAt!, data: {} });
      this.followUps(call.contactId, step, events);
      return;
    }
    const person = call.truth === 'human';
    const talkMs = person ? plan.talkMs : plan.machineMs;
    const wrapMs = person ? plan.wrapMs : 0;
    const endedAt = at + talkMs;
    (this.floor as SimulatedFloor).book(agentId, at, endedAt, endedAt + wrapMs);
    step.policy?.observeAgent(talkMs, wrapMs);
    const port = person ? 'connected' : 'machine';
    const disposition = person ? plan.disposition : 'answering-machine';
    if (call.greetingStopAt! < endedAt) events.push({ type: 'call.customerGreetingStop', at: call.greetingStopAt!, data: {} });
    events.push(endedEvent(call.placedAt!, endedAt, port, disposition, Math.ceil((endedAt - call.answeredAt!) / 1000), agentId));
    // The end of the wrap-up is an event too, so that occupancy and handle time can be read from the events alone.
    if (person) events.push({ type: 'call.dispositioned', at: endedAt + wrapMs, data: { agentId, disposition, talkMs, wrapMs } });
    this.followUps(call.contactId, step, events, { port, visit: call.visit, result: { disposition, mode: step.config.mode, agentId } });
  }

  /** No agent in time: the answer is abandoned, hears the profile's information message, and the line is dropped. */
  private drop(step: Step, call: TrackedCall, at: number): void {
    remove(step, call);
    const message = step.definition.informationMessage.replaceAll('{{ callerId }}', step.config.callerId);
    const endedAt = at + switchMs + messageDurationMs(message);
    const events: FollowUp[] = [{ type: 'call.abandoned', at, data: { reason: 'no-agent', message } }];
    if (call.greetingStopAt! < endedAt) events.push({ type: 'call.customerGreetingStop', at: call.greetingStopAt!, data: {} });
    events.push(endedEvent(call.placedAt!, endedAt, 'abandoned', 'abandoned', Math.ceil((endedAt - call.answeredAt!) / 1000)));
    this.followUps(call.contactId, step, events, { port: 'abandoned', visit: call.visit, result: { disposition: 'abandoned', mode: step.config.mode } });
    step.ledger.record(call.answeredAt!, { live: true, abandoned: true, machineVerdict: false });
    step.policy?.observe({ placedAt: call.placedAt!, liveAt: call.liveAt!, droppedAt: at, abandoned: true, humanAnswered: call.truth === 'human' });
  }

  private timeline(step: Step, contactId: string, visit: number, timeline: CallTimeline): void {
    const result = { disposition: timeline.disposition, mode: step.config.mode };
    this.followUps(contactId, step, timeline.followUps.slice(0, -1), undefined);
    this.followUps(contactId, step, timeline.followUps.slice(-1), { port: timeline.port, visit, result });
  }

  /**
   * Writes call moments to the inbox, due at their own times: the interpreter records each as an event then, and the
   * `call.ended` one (else the last), given `exitInfo`, moves the contact on by the call's port.
   */
  private followUps(contactId: string, step: Step, followUps: FollowUp[], exitInfo?: { port: string; visit: number; result: Record<string, unknown> }): void {
    const ended = followUps.findIndex((f) => f.type === 'call.ended');
    const exitAt = ended >= 0 ? ended : followUps.length - 1;
    followUps.forEach((f, i) => {
      const last = exitInfo && i === exitAt;
      this.env.writes.inbox.push({
        run_id: this.runId,
        contact_id: contactId,
        type: f.type,
        due_at: f.at,
        data: JSON.stringify({ nodeId: step.node.id, ...f.data, ...(last && { exit: exitInfo }) }),
      });
    });
  }

  private snapshot(step: Step, now: number): PacingSnapshot {
    const view = this.floor.view(step.queue, now);
    const ringing = step.memory.calls.filter((c) => c.phase === 'ringing');
    return {
      now,
      agentsLoggedIn: view.loggedIn,
      freeAgents: view.free,
      talkingElapsedMs: view.talkingElapsedMs,
      talkingCount: view.talkingElapsedMs.length,
      wrappingElapsedMs: view.wrappingElapsedMs,
      wrappingCount: view.wrappingElapsedMs.length,
      ringingAgesMs: ringing.map((c) => now - c.placedAt!),
      ringingCount: ringing.length,
      waitingLive: step.memory.calls.filter((c) => c.phase === 'waiting').length,
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
      calls: { preview: calls.filter((c) => c.phase === 'preview').length, ringing: calls.filter((c) => c.phase === 'ringing').length, waiting: calls.filter((c) => c.phase === 'waiting').length },
      ...(view && { agents: { free: view.counts.available, busy: view.counts.reserved + view.counts['on-call'] + view.counts['wrap-up'], loggedIn: view.loggedIn } }),
      abandon: {
        rate: round4(figures.rate),
        cap: step.definition.capPercent / 100,
        liveAnswers: figures.liveAnswers,
        abandoned: figures.abandoned,
        windowHours: step.definition.windowMs / 3_600_000,
      },
      at: now,
    };
  }

  private async callsUnderWay(step: Step): Promise<number> {
    const row = await this.tx
      .selectFrom('cursors')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('run_id', '=', this.runId)
      .where('node_id', '=', step.node.id)
      .where('wait_event', '=', JSON.stringify(onCall))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }
}

function round4(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}

/** Ties in time go to the call placed first, then by contact id, the same on every run. */
function order(call: TrackedCall): string {
  return `${String(call.placedAt ?? 0).padStart(15, '0')}:${call.contactId}`;
}

function remove(step: Step, call: TrackedCall): void {
  const i = step.memory.calls.indexOf(call);
  if (i >= 0) step.memory.calls.splice(i, 1);
}

function callRef(cursor: CursorState): AgentCallRef {
  return { runId: cursor.runId, nodeId: cursor.nodeId, contactId: cursor.contactId, visit: cursor.visit, key: idempotencyKey(cursor) };
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

async function hasQueued(db: Executor, runId: string, nodeId: string): Promise<boolean> {
  const row = await db.selectFrom('cursors').select('contact_id').where('run_id', '=', runId).where('node_id', '=', nodeId).where('wait_event', '=', dialQueue).limit(1).executeTakeFirst();
  return row !== undefined;
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
