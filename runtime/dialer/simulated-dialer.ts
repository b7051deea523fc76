// The dialer at this stage: progressive (one call per free agent) and agentless pacing over simulated carrier and agents.
import type { z } from 'zod';
import type { Journey } from '../../schemas/journey.ts';
import type { dialer as dialerDefinition } from '../../schemas/nodes/dialer.ts';
import { idempotencyKey, toRow } from '../engine/cursor.ts';
import type { DialerEngine } from '../engine/dialer-engine.ts';
import type { Interpreter } from '../engine/interpreter.ts';
import { recordEvent } from '../engine/steps.ts';
import { BatchWrites } from '../engine/writes.ts';
import { claimLocked, type Executor } from '../store/dialect.ts';
import { loadContacts, loadCursors } from '../engine/interpreter.ts';
import { templateScope } from '../nodes/types.ts';
import { agentlessCallTimeline, messageDurationMs, progressiveCallTimeline, type CallTimeline } from './call-timeline.ts';
import { AgentPool, defaultAgentProfile } from './simulated-agents.ts';
import { defaultCarrierProfile, planCall, type CarrierProfile } from './virtual-carrier.ts';

type DialerConfig = z.output<typeof dialerDefinition.config>;

/** Contacts waiting for their call are marked with this, so the queue is a plain indexed query. */
export const dialQueue = JSON.stringify({ type: 'dial-queue' });
const onCall = { type: 'call' };

export interface SimulatedDialerOptions {
  carrier?: CarrierProfile;
  /** Simulated agents per queue when a run names none. */
  defaultAgentsPerQueue?: number;
  /** Calls an agentless step may have under way at once when a run names none. */
  defaultAgentlessLines?: number;
}

export class SimulatedDialer implements DialerEngine {
  private readonly carrier: CarrierProfile;
  private readonly agentsPerQueue: number;
  private readonly agentlessLines: number;

  constructor(options: SimulatedDialerOptions = {}) {
    this.carrier = options.carrier ?? defaultCarrierProfile;
    this.agentsPerQueue = options.defaultAgentsPerQueue ?? 10;
    this.agentlessLines = options.defaultAgentlessLines ?? 30;
  }

  async pace(interpreter: Interpreter, runId: string, now: number): Promise<number> {
    const context = await interpreter.context(runId);
    const steps = Object.values(context.journey.nodes).filter((n) => n.type === 'dialer');
    if (!steps.length) return 0;
    const store = interpreter.store;
    return store.db.transaction().execute(async (tx) => {
      const writes = new BatchWrites();
      const env = interpreter.environment(context, writes, now);
      const queues = [...new Set(steps.flatMap((s) => (s.type === 'dialer' && s.config.mode !== 'agentless' && s.config.queue ? [s.config.queue] : [])))];
      const staffing = context.options.agents ?? Object.fromEntries(queues.map((q) => [q, this.agentsPerQueue]));
      const pool = await this.loadPool(tx, runId, staffing, now, simulatedDispositions(context.journey));
      let placed = 0;
      for (const step of steps) {
        if (step.type !== 'dialer') continue;
        const config = step.config;
        const agentless = config.mode === 'agentless';
        const queue = config.queue ?? '';
        const capacity = agentless
          ? (context.options.agentlessLines ?? this.agentlessLines) - (await this.callsUnderWay(tx, runId, step.id))
          : pool.freeAgents(queue, now).length;
        if (capacity <= 0) continue;
        const waiting = await claimLocked(
          tx
            .selectFrom('cursors')
            .select('contact_id')
            .where('run_id', '=', runId)
            .where('node_id', '=', step.id)
            .where('wait_event', '=', dialQueue)
            .orderBy('contact_id')
            .limit(capacity),
          store.dialect,
        ).execute();
        if (!waiting.length) continue;
        const ids = waiting.map((w) => w.contact_id);
        const cursors = await loadCursors(tx, runId, ids);
        const contacts = await loadContacts(tx, ids);
        for (const id of ids) {
          const cursor = cursors.get(id)!;
          const contact = contacts.get(id);
          const key = idempotencyKey(cursor);
          const plan = planCall({ key, seed: context.run.seed, ringSeconds: config.ringSeconds, amdEnabled: config.amd.enabled, profile: this.carrier, invalid: !contact?.phone });
          const messageMs = config.message && contact ? messageDurationMs(interpreter.render(config.message, templateScope(contact, cursor.results))) : undefined;
          const timelineConfig = { amd: config.amd, ...(messageMs !== undefined && { messageMs }) };
          let timeline: CallTimeline;
          let agentId: string | undefined;
          if (agentless) {
            timeline = agentlessCallTimeline({ placedAt: now, plan, config: timelineConfig });
          } else {
            const agent = pool.reserve(queue, now)!;
            agentId = agent.id;
            timeline = progressiveCallTimeline({ placedAt: now, plan, config: timelineConfig, agent: { id: agent.id, ...pool.plan(agent.id, key, context.run.seed) } });
            pool.release(agent.id, timeline.agentFreeAt ?? timeline.endedAt, timeline.agentConnectedAt !== undefined ? { connectedAt: timeline.agentConnectedAt, hangupAt: timeline.endedAt } : undefined);
          }
          recordEvent(env, cursor, 'call.placed', { to: contact?.phone ?? null, callerId: config.callerId, mode: config.mode, ...(agentId && { agentId }), key });
          writes.outbox.push({
            idempotency_key: key,
            run_id: runId,
            contact_id: id,
            node_id: step.id,
            channel: 'voice',
            payload: JSON.stringify({ channel: 'voice', to: contact?.phone ?? null, callerId: config.callerId, mode: config.mode, ringSeconds: config.ringSeconds }),
            status: 'sent',
            attempts: 1,
            next_attempt_at: now,
            created_at: now,
            sent_at: now,
            error: null,
          });
          const result = callResult(config, timeline, agentId);
          timeline.followUps.forEach((followUp, i) => {
            const last = i === timeline.followUps.length - 1;
            writes.inbox.push({
              run_id: runId,
              contact_id: id,
              type: followUp.type,
              due_at: followUp.at,
              data: JSON.stringify({ nodeId: step.id, ...followUp.data, ...(last && { exit: { port: timeline.port, visit: cursor.visit, result } }) }),
            });
          });
          cursor.waitEvent = onCall;
          writes.cursor(toRow(cursor));
          placed++;
        }
      }
      await this.savePool(tx, runId, pool);
      await writes.flush(tx, store.writeRows);
      return placed;
    });
  }

  async nextDueAt(interpreter: Interpreter): Promise<number | undefined> {
    const db = interpreter.store.db;
    const runs = await db.selectFrom('runs').select('id').where('status', '=', 'running').execute();
    let next: number | undefined;
    for (const { id } of runs) {
      const context = await interpreter.context(id);
      for (const step of Object.values(context.journey.nodes)) {
        if (step.type !== 'dialer' || step.config.mode === 'agentless' || !step.config.queue) continue;
        const queued = await db
          .selectFrom('cursors')
          .select('contact_id')
          .where('run_id', '=', id)
          .where('node_id', '=', step.id)
          .where('wait_event', '=', dialQueue)
          .limit(1)
          .executeTakeFirst();
        if (!queued) continue;
        const state = await db.selectFrom('dialer_state').select('state').where('run_id', '=', id).where('node_id', '=', '').executeTakeFirst();
        if (!state) continue;
        const at = AgentPool.fromJSON(JSON.parse(state.state)).nextFreeAt(step.config.queue, 0);
        if (at !== undefined && (next === undefined || at < next)) next = at;
      }
    }
    return next;
  }

  private async callsUnderWay(db: Executor, runId: string, nodeId: string): Promise<number> {
    const row = await db
      .selectFrom('cursors')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('run_id', '=', runId)
      .where('node_id', '=', nodeId)
      .where('wait_event', '=', JSON.stringify(onCall))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** One pool per run, shared by its dialer steps: an agent in two queues' steps is still one person. */
  private async loadPool(db: Executor, runId: string, staffing: Record<string, number>, now: number, dispositions: string[]): Promise<AgentPool> {
    const state = await db.selectFrom('dialer_state').select('state').where('run_id', '=', runId).where('node_id', '=', '').executeTakeFirst();
    if (state) return AgentPool.fromJSON(JSON.parse(state.state));
    const defaultProfile = dispositions.length ? { ...defaultAgentProfile, dispositions: dispositions.map((name) => ({ name, weight: 1 })) } : defaultAgentProfile;
    return AgentPool.staffed(staffing, now, { defaultProfile });
  }

  private async savePool(db: Executor, runId: string, pool: AgentPool): Promise<void> {
    await db
      .insertInto('dialer_state')
      .values({ run_id: runId, node_id: '', state: JSON.stringify(pool.toJSON()) })
      .onConflict((oc) => oc.columns(['run_id', 'node_id']).doUpdateSet({ state: JSON.stringify(pool.toJSON()) }))
      .execute();
  }
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

function callResult(config: DialerConfig, timeline: CallTimeline, agentId: string | undefined): Record<string, unknown> {
  return {
    disposition: timeline.disposition,
    mode: config.mode,
    ...(agentId && timeline.agentConnectedAt !== undefined && { agentId }),
  };
}
