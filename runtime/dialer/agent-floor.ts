// The agents a run's dialer routes calls to: simulated agents booked ahead (simulated runs) or people at the agent page.
import type { Executor } from '../store/dialect.ts';
import type { AgentRow } from '../store/schema.ts';
import type { AgentPool, AgentCallPlan, AgentState } from './simulated-agents.ts';
import { parseJson } from '../store/json.ts';

/** The call an agent is given, as the agent desk and the events name it. */
export interface AgentCallRef {
  runId: string;
  nodeId: string;
  contactId: string;
  visit: number;
  key: string;
}

/** What a queue's agents are doing at a moment, for the pacing policy and the gauges. */
export interface QueueView {
  loggedIn: number;
  /** Available and held for nothing. */
  free: number;
  counts: Record<AgentState, number>;
  /** Milliseconds since each agent on a call was connected. */
  talkingElapsedMs: number[];
  /** Milliseconds since each agent wrapping up hung up. */
  wrappingElapsedMs: number[];
}

/** A finished call the dialer has not learnt from yet: the agent talked for `talkMs`, then wrapped up for `wrapMs`. */
export interface HandledCall {
  talkMs: number;
  wrapMs: number;
}

export interface AgentFloor {
  /** Ids of the queue's available agents at `at`, longest idle first. */
  free(queue: string, at: number): string[];
  /** The first moment after the last one asked about at which an agent of the queue will be free, when known ahead. */
  nextFreeAt(queue: string): number | undefined;
  /** Holds an available agent for a call being placed (preview, progressive) or connected (predictive). */
  reserve(agentId: string, at: number, call: AgentCallRef, phase: 'preview' | 'dialing'): Promise<boolean>;
  /** A reserved agent whose call needed no agent after all is available again. */
  unreserve(agentId: string, at: number): Promise<void>;
  /** The agent preview call that the agent asked to place, with the moment they asked. */
  previewStarted(agentId: string): number | undefined;
  /**
   * The reserved agent takes the answered call. Simulated agents answer with how the call goes (known at once);
   * people answer nothing, and end the call from the agent page.
   */
  connect(agentId: string, at: number, call: AgentCallRef, seed: number): Promise<AgentCallPlan | undefined>;
  /**
   * Books a simulated agent's connected call once the dialer knows whether it was a person or a machine: on the line
   * until `hangupAt`, free at `freeAt`. People book nothing: they end their calls at the agent page.
   */
  book(agentId: string, connectedAt: number, hangupAt: number, freeAt: number): void;
  view(queue: string, at: number): QueueView;
  /** Calls finished by people since the dialer last asked (simulated agents' handle times are known at `connect`). */
  handled(queue: string): HandledCall[];
  save(db: Executor, runId: string, at: number): Promise<void>;
}

const emptyCounts = (): Record<AgentState, number> => ({ offline: 0, available: 0, reserved: 0, 'on-call': 0, 'wrap-up': 0 });

/** The simulated agents of a simulated run, one pool per run kept in the `dialer_state` row with node id ''. */
export class SimulatedFloor implements AgentFloor {
  constructor(readonly pool: AgentPool) {}

  free(queue: string, at: number): string[] {
    return this.pool.freeAgents(queue, at).map((a) => a.id);
  }

  nextFreeAt(queue: string): number | undefined {
    return this.pool.firstFreeAt(queue);
  }

  async reserve(agentId: string, at: number): Promise<boolean> {
    const { queue } = this.pool.get(agentId);
    // The pool reserves its longest-idle agent, which is the one the dialer picked from `free`.
    if (this.pool.freeAgents(queue, at)[0]?.id !== agentId) return false;
    this.pool.reserve(queue, at);
    return true;
  }

  async unreserve(agentId: string, at: number): Promise<void> {
    this.pool.release(agentId, at);
  }

  previewStarted(): number | undefined {
    return undefined;
  }

  async connect(agentId: string, _at: number, call: AgentCallRef, seed: number): Promise<AgentCallPlan> {
    return this.pool.plan(agentId, call.key, seed);
  }

  /** Books the connected agent's time once the dialer knows whether the call was a person or a machine. */
  book(agentId: string, connectedAt: number, hangupAt: number, freeAt: number): void {
    this.pool.release(agentId, freeAt, { connectedAt, hangupAt });
  }

  view(queue: string, at: number): QueueView {
    const counts = emptyCounts();
    const talkingElapsedMs: number[] = [];
    const wrappingElapsedMs: number[] = [];
    for (const agent of this.pool.agentsOf(queue, at)) {
      counts[agent.state]++;
      if (agent.state === 'on-call' && agent.callStart !== undefined) talkingElapsedMs.push(at - agent.callStart);
      if (agent.state === 'wrap-up' && agent.wrapStart !== undefined) wrappingElapsedMs.push(at - agent.wrapStart);
    }
    return {
      loggedIn: counts.available + counts.reserved + counts['on-call'] + counts['wrap-up'],
      free: counts.available,
      counts,
      talkingElapsedMs,
      wrappingElapsedMs,
    };
  }

  handled(): HandledCall[] {
    return [];
  }

  async save(db: Executor, runId: string, at: number): Promise<void> {
    const gauges: Record<string, Record<AgentState, number>> = {};
    for (const queue of this.pool.queues()) gauges[queue] = this.view(queue, at).counts;
    const state = JSON.stringify({ queues: gauges });
    const memory = JSON.stringify(this.pool.toJSON());
    await db
      .insertInto('dialer_state')
      .values({ run_id: runId, node_id: '', state, memory })
      .onConflict((oc) => oc.columns(['run_id', 'node_id']).doUpdateSet({ state, memory }))
      .execute();
  }
}

/** People signed in at the agent page, from the `agents` table; every change is a guarded update of one row. */
export class PeopleFloor implements AgentFloor {
  private readonly seenHandled = new Map<string, number>();

  constructor(
    private readonly db: Executor,
    private readonly rows: AgentRow[],
    seenHandled: Record<string, number>,
  ) {
    for (const [id, n] of Object.entries(seenHandled)) this.seenHandled.set(id, n);
  }

  static async load(db: Executor, seenHandled: Record<string, number>): Promise<PeopleFloor> {
    const rows = await db.selectFrom('agents').selectAll().where('state', '!=', 'offline').orderBy('id').execute();
    return new PeopleFloor(db, rows, seenHandled);
  }

  /** How many finished calls of each agent the dialer has learnt from, to be saved with its memory. */
  seen(): Record<string, number> {
    return Object.fromEntries(this.seenHandled);
  }

  private inQueue(queue: string): AgentRow[] {
    return this.rows.filter((r) => parseJson(r.queues).includes(queue));
  }

  free(queue: string): string[] {
    return this.inQueue(queue)
      .filter((r) => r.state === 'available')
      .sort((a, b) => Number(a.idle_since) - Number(b.idle_since) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      .map((r) => r.id);
  }

  nextFreeAt(queue: string): number | undefined {
    const idle = this.inQueue(queue).filter((r) => r.state === 'available');
    return idle.length ? Math.min(...idle.map((r) => Number(r.idle_since))) : undefined;
  }

  async reserve(agentId: string, at: number, call: AgentCallRef, phase: 'preview' | 'dialing'): Promise<boolean> {
    const set = {
      state: 'reserved' as const,
      since: at,
      run_id: call.runId,
      node_id: call.nodeId,
      contact_id: call.contactId,
      visit: call.visit,
      call_key: call.key,
      call_phase: phase,
      started_at: null,
    };
    return this.update(agentId, 'available', set);
  }

  async unreserve(agentId: string, at: number): Promise<void> {
    const clear = {
      state: 'available' as const,
      since: at,
      idle_since: at,
      run_id: null,
      node_id: null,
      contact_id: null,
      visit: null,
      call_key: null,
      call_phase: null,
      started_at: null,
    };
    await this.update(agentId, 'reserved', clear);
  }

  previewStarted(agentId: string): number | undefined {
    const row = this.rows.find((r) => r.id === agentId);
    return row?.call_phase === 'dialing' && row.started_at !== null ? Number(row.started_at) : undefined;
  }

  async connect(agentId: string, at: number, call: AgentCallRef): Promise<undefined> {
    const row = this.rows.find((r) => r.id === agentId);
    // Predictive calls find the agent available; preview and progressive ones held the agent from dialing.
    const from = row?.state === 'reserved' ? 'reserved' : 'available';
    const set = {
      state: 'on-call' as const,
      since: at,
      run_id: call.runId,
      node_id: call.nodeId,
      contact_id: call.contactId,
      visit: call.visit,
      call_key: call.key,
      call_phase: 'talking',
      connected_at: at,
    };
    if (!(await this.update(agentId, from, set))) throw new Error(`agent ${agentId} left before the call reached them`);
    return undefined;
  }

  view(queue: string, at: number): QueueView {
    const counts = emptyCounts();
    const talkingElapsedMs: number[] = [];
    const wrappingElapsedMs: number[] = [];
    for (const r of this.inQueue(queue)) {
      counts[r.state]++;
      if (r.state === 'on-call' && r.connected_at !== null) talkingElapsedMs.push(at - Number(r.connected_at));
      if (r.state === 'wrap-up' && r.wrap_started_at !== null) wrappingElapsedMs.push(at - Number(r.wrap_started_at));
    }
    return {
      loggedIn: counts.available + counts.reserved + counts['on-call'] + counts['wrap-up'],
      free: counts.available,
      counts,
      talkingElapsedMs,
      wrappingElapsedMs,
    };
  }

  handled(queue: string): HandledCall[] {
    const out: HandledCall[] = [];
    for (const r of this.inQueue(queue)) {
      const seen = this.seenHandled.get(r.id) ?? 0;
      if (r.handled > seen && r.last_talk_ms !== null && r.last_wrap_ms !== null) out.push({ talkMs: Number(r.last_talk_ms), wrapMs: Number(r.last_wrap_ms) });
      this.seenHandled.set(r.id, r.handled);
    }
    return out;
  }

  book(): void {}

  async save(): Promise<void> {}

  /** Changes the agent only if it is still in `from`: the person may have gone offline since the rows were read. */
  private async update(agentId: string, from: AgentRow['state'], set: Partial<Omit<AgentRow, 'id'>>): Promise<boolean> {
    const result = await this.db.updateTable('agents').set(set).where('id', '=', agentId).where('state', '=', from).executeTakeFirst();
    const done = Number(result.numUpdatedRows) > 0;
    const row = this.rows.find((r) => r.id === agentId);
    if (done && row) Object.assign(row, set);
    return done;
  }
}
