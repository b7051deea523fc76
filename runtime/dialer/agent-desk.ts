// What a person at the agent page does: go available in queues, read a preview and start it, take a connected call with
// its script, end it with a disposition the journey branches on, finish the wrap-up, go offline.
import type { Kysely, Transaction } from 'kysely';
import { loadContacts, loadRunResults } from '../contacts/contact-view.ts';
import { templateScope, type ContactView } from '../nodes/types.ts';
import type { Executor } from '../store/dialect.ts';
import type { AgentRow, AgentRowState, Database } from '../store/schema.ts';
import { TemplateRenderer } from '../templates/render.ts';
import { AgentPool } from './simulated-agents.ts';
import { simulatedDispositions } from './paced-dialer.ts';
import { DomainError } from '../errors.ts';
import { parseJson } from '../store/json.ts';
import { runJourney } from '../store/repositories/journeys.ts';

export interface AgentCall {
  runId: string;
  nodeId: string;
  journeyName: string;
  contact: ContactView;
  /** The step's script rendered for this customer. */
  script: string;
  /** `preview`: read it and start the call; `dialing`: placed, not answered yet; `talking`: connected. */
  phase: 'preview' | 'dialing' | 'talking';
  connectedAt: number | null;
}

export interface AgentView {
  agent: { id: string; name: string; state: AgentRowState; queues: string[]; since: number };
  call: AgentCall | null;
  /** What the call's journey branches on, offered as the end-of-call choice; any other short text is accepted too. */
  dispositions: string[];
}

/** A refused action, with what the agent can do instead; the server answers it with 409. */
export class AgentStateError extends DomainError {
  override name = 'AgentStateError';
  constructor(message: string) {
    super('conflict', message);
  }
}

const renderer = new TemplateRenderer();

/** Ready for calls from `queues`; the agent is created on first use, by its token's id and name. */
export async function goAvailable(db: Kysely<Database>, agent: { id: string; name: string }, queues: string[], now: number): Promise<AgentView> {
  const list = [...new Set(queues.map((q) => q.trim()).filter(Boolean))].sort();
  if (!list.length) throw new AgentStateError('Choose at least one queue to take calls from.');
  await db.transaction().execute(async (tx) => {
    const row = await tx.selectFrom('agents').selectAll().where('id', '=', agent.id).executeTakeFirst();
    if (!row) {
      await tx
        .insertInto('agents')
        .values({ id: agent.id, name: agent.name, state: 'available', queues: JSON.stringify(list), since: now, idle_since: now })
        .execute();
      return;
    }
    if (row.state === 'offline') {
      await tx
        .updateTable('agents')
        .set({ name: agent.name, state: 'available', queues: JSON.stringify(list), since: now, idle_since: now })
        .where('id', '=', agent.id)
        .execute();
    } else {
      // Changing queues while busy takes effect for the next call; the agent keeps its place in the idle order.
      await tx
        .updateTable('agents')
        .set({ name: agent.name, queues: JSON.stringify(list) })
        .where('id', '=', agent.id)
        .execute();
    }
  });
  return currentCall(db, agent.id);
}

export async function goOffline(db: Kysely<Database>, agentId: string, now: number): Promise<AgentView> {
  const result = await db
    .updateTable('agents')
    .set({ state: 'offline', since: now })
    .where('id', '=', agentId)
    .where('state', 'in', ['available', 'offline'])
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) === 0) {
    const row = await agentRow(db, agentId);
    throw new AgentStateError(`You are ${describe(row.state)}; finish the call and its wrap-up before going offline.`);
  }
  return currentCall(db, agentId);
}

/** The agent, with the call it holds: the customer, the script rendered for them, and the choices to end it with. */
export async function currentCall(db: Executor, agentId: string): Promise<AgentView> {
  const row = await agentRow(db, agentId);
  const agent = { id: row.id, name: row.name, state: row.state, queues: parseJson(row.queues), since: Number(row.since) };
  if (!row.run_id || !row.node_id || !row.contact_id || row.state === 'available' || row.state === 'offline') {
    return { agent, call: null, dispositions: [] };
  }
  const journey = await runJourney(db, row.run_id);
  const contact = (await loadContacts(db, [row.contact_id])).get(row.contact_id);
  const results = await loadRunResults(db, row.run_id, row.contact_id);
  if (!journey || !contact) return { agent, call: null, dispositions: [] };
  const node = journey.nodes[row.node_id];
  const template = node?.type === 'dialer' ? node.config.script : undefined;
  const script = template ? renderer.render(template, { ...templateScope(contact, results ?? { steps: {}, visits: {} }), agent: { name: row.name } }) : '';
  const phase = row.state === 'reserved' ? (row.call_phase === 'preview' ? 'preview' : 'dialing') : 'talking';
  return {
    agent,
    call: {
      runId: row.run_id,
      nodeId: row.node_id,
      journeyName: journey.name,
      contact,
      script,
      phase,
      connectedAt: row.connected_at === null ? null : Number(row.connected_at),
    },
    dispositions: [...simulatedDispositions(journey).filter((d) => d !== 'no-decision'), 'answering-machine'],
  };
}

/** The agent has read the preview and places the call; the dialer dials it on its next round. */
export async function startCall(db: Kysely<Database>, agentId: string, now: number): Promise<AgentView> {
  const result = await db
    .updateTable('agents')
    .set({ call_phase: 'dialing', started_at: now })
    .where('id', '=', agentId)
    .where('state', '=', 'reserved')
    .where('call_phase', '=', 'preview')
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) === 0) throw new AgentStateError('There is no previewed contact to call.');
  return currentCall(db, agentId);
}

/**
 * Hangs up with a disposition: the customer's journey goes on at once with `lastCall.disposition` set (a disposition
 * of `answering-machine` leaves by the step's `machine` port), and the agent wraps up.
 */
export async function endCall(db: Kysely<Database>, agentId: string, disposition: string, now: number, notes?: string): Promise<AgentView> {
  const chosen = disposition.trim();
  if (!chosen || chosen.length > 64) throw new AgentStateError('Give the call a disposition of 1 to 64 characters, such as one of the choices offered.');
  await db.transaction().execute(async (tx) => {
    const row = await agentRow(tx, agentId);
    if (row.state !== 'on-call' || !row.run_id || !row.contact_id || !row.node_id) throw new AgentStateError(`You are ${describe(row.state)}, not on a call.`);
    const updated = await tx
      .updateTable('agents')
      .set({ state: 'wrap-up', since: now, wrap_started_at: now, disposition: chosen })
      .where('id', '=', agentId)
      .where('state', '=', 'on-call')
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) === 0) throw new AgentStateError('The call changed while it was being ended; reload and try again.');
    const answeredAt = await answeredTime(tx, row);
    const port = chosen === 'answering-machine' ? 'machine' : 'connected';
    const journey = await runJourney(tx, row.run_id);
    const node = journey?.nodes[row.node_id];
    const mode = node?.type === 'dialer' ? node.config.mode : undefined;
    const ended = {
      nodeId: row.node_id,
      port,
      disposition: chosen,
      durationMs: now - Number(row.connected_at ?? now),
      billableSeconds: Math.ceil((now - (answeredAt ?? Number(row.connected_at ?? now))) / 1000),
      agentId,
      ...(notes && { notes: notes.slice(0, 2000) }),
      exit: { port, visit: row.visit ?? 1, result: { disposition: chosen, mode, agentId } },
    };
    await tx
      .insertInto('inbox')
      .values({ run_id: row.run_id, contact_id: row.contact_id, type: 'call.ended', due_at: now, data: JSON.stringify(ended) })
      .execute();
  });
  return currentCall(db, agentId);
}

/** Wrap-up done: the agent is available again, and the dialer learns this call's talk and wrap-up times. */
export async function finishWrapUp(db: Kysely<Database>, agentId: string, now: number): Promise<AgentView> {
  await db.transaction().execute(async (tx) => {
    const row = await agentRow(tx, agentId);
    if (row.state !== 'wrap-up') throw new AgentStateError(`You are ${describe(row.state)}, not wrapping up a call.`);
    const wrapStart = Number(row.wrap_started_at ?? now);
    const talkMs = wrapStart - Number(row.connected_at ?? wrapStart);
    const wrapMs = now - wrapStart;
    await tx
      .updateTable('agents')
      .set({
        state: 'available',
        since: now,
        idle_since: now,
        handled: row.handled + 1,
        last_talk_ms: talkMs,
        last_wrap_ms: wrapMs,
        ...cleared,
      })
      .where('id', '=', agentId)
      .where('state', '=', 'wrap-up')
      .execute();
    if (row.run_id && row.contact_id) {
      const data = { nodeId: row.node_id, agentId, disposition: row.disposition, talkMs, wrapMs };
      await tx
        .insertInto('inbox')
        .values({ run_id: row.run_id, contact_id: row.contact_id, type: 'call.dispositioned', due_at: now, data: JSON.stringify(data) })
        .execute();
    }
  });
  return currentCall(db, agentId);
}

/** The simulated agents of a simulated run, for watching them work. */
export async function simulatedAgents(db: Executor, runId: string, now: number): Promise<{ name: string; queue: string; state: string; since: number }[]> {
  const row = await db.selectFrom('dialer_state').select('memory').where('run_id', '=', runId).where('node_id', '=', '').executeTakeFirst();
  if (!row?.memory) return [];
  const pool = AgentPool.fromJSON(JSON.parse(row.memory));
  return pool.queues().flatMap((queue) =>
    pool.agentsOf(queue, now).map((a) => ({
      name: a.id,
      queue,
      state: a.state,
      since: a.state === 'on-call' ? (a.callStart ?? a.idleSince) : a.state === 'wrap-up' ? (a.wrapStart ?? a.idleSince) : a.idleSince,
    })),
  );
}

const cleared = {
  run_id: null,
  node_id: null,
  contact_id: null,
  visit: null,
  call_key: null,
  call_phase: null,
  started_at: null,
  connected_at: null,
  wrap_started_at: null,
  disposition: null,
};

async function agentRow(db: Executor, agentId: string): Promise<AgentRow> {
  const row = await db.selectFrom('agents').selectAll().where('id', '=', agentId).executeTakeFirst();
  if (!row) throw new AgentStateError('You are not signed in as an agent yet: go available in a queue first.');
  return row;
}

/** When the call the agent holds was answered, from its events (the latest answer of the contact at the step). */
async function answeredTime(tx: Transaction<Database>, row: AgentRow): Promise<number | undefined> {
  const answered = await tx
    .selectFrom('events')
    .select('time')
    .where('run_id', '=', row.run_id!)
    .where('contact_id', '=', row.contact_id!)
    .where('node_id', '=', row.node_id!)
    .where('type', '=', 'call.answered')
    .orderBy('time', 'desc')
    .limit(1)
    .executeTakeFirst();
  return answered ? Number(answered.time) : undefined;
}

function describe(state: AgentRowState): string {
  return { offline: 'offline', available: 'available', reserved: 'held for a call being placed', 'on-call': 'on a call', 'wrap-up': 'wrapping up a call' }[
    state
  ];
}
