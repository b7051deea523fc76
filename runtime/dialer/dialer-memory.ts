// What one dialer step keeps between rounds (its calls in flight, its policy's learning, its abandonment ledger) and the
// compact gauges a monitor reads, both in the step's `dialer_state` row.
import type { Executor } from '../store/dialect.ts';
import type { LedgerJson } from './abandonment.ts';
import type { PredictiveJson } from './pacing.ts';

/**
 * A call the dialer still has to act on, by phase: a preview being read, a call placed and not yet known to need an
 * agent (ringing, or answered while the detector listens), a call that will need none, a live answer waiting for an
 * agent. Connected and ended calls are the events' business, not the dialer's. The saved form is this JSON as is.
 */
export type TrackedCall = PreviewCall | SettlingCall | AnsweringCall | WaitingCall;

interface CallOfContact {
  contactId: string;
  visit: number;
  key: string;
}

/** A preview the agent held for it is reading; the call is not placed yet. */
export interface PreviewCall extends CallOfContact {
  phase: 'preview';
  agentId: string;
  /** When a simulated agent finishes reading and places the call; people say so at the agent page. */
  previewUntil?: number;
}

/** Placed, and certain to need no agent: it ends unanswered, or the detector will hear a machine. */
export interface SettlingCall extends CallOfContact {
  phase: 'ringing';
  /** The agent held for it (progressive), free again at `settleAt`. */
  agentId?: string;
  placedAt: number;
  /** When it becomes certain the call needs no agent (it ended unanswered, or the detector heard a machine). */
  settleAt: number;
  answeredAt?: number;
}

/** The moments of an answered call the dialer routes to an agent or abandons. */
interface AnsweredMoments extends CallOfContact {
  /** The agent held for it (preview, progressive). */
  agentId?: string;
  placedAt: number;
  /** When the dialer can act on the live answer: the detector's 'human' verdict, or the answer without a detector. */
  liveAt: number;
  answeredAt: number;
  greetingStartAt: number;
  greetingStopAt: number;
  /** What actually answered, which the simulated agent finds out on the line. */
  truth: 'human' | 'machine';
  /** Past this moment a waiting live answer is abandoned. */
  deadline: number;
}

/** Placed and (to be) answered live: ringing, or answered while the detector listens, until `liveAt`. */
export interface AnsweringCall extends AnsweredMoments {
  phase: 'ringing';
  settleAt?: undefined;
}

/** A live answer no agent was free for, waiting for one until its deadline. */
export interface WaitingCall extends AnsweredMoments {
  phase: 'waiting';
}

/** Histograms saved as [bin, count] pairs: most bins of a talk-time histogram stay empty. */
type Sparse = [number, number][];

interface SavedPolicy {
  need: Sparse;
  settled: Sparse;
  talk: Sparse;
  wrap: Sparse;
  sizes: [number, number, number, number];
  z: number;
  recent: number;
  liveSeen: number;
}

export interface NodeMemory {
  calls: TrackedCall[];
  policy?: PredictiveJson;
  ledger?: LedgerJson;
  /** Finished calls of each person agent already learnt from. */
  seenHandled?: Record<string, number>;
  /** The last moment the step was paced: the next pacing round is due a second later while calls are under way. */
  pacedAt?: number;
}

export async function loadMemories(db: Executor, runId: string): Promise<Map<string, NodeMemory>> {
  const rows = await db.selectFrom('dialer_state').select(['node_id', 'memory']).where('run_id', '=', runId).where('node_id', '!=', '').execute();
  return new Map(rows.map((r) => [r.node_id, r.memory ? fromSaved(JSON.parse(r.memory) as SavedMemory) : { calls: [] }]));
}

export async function saveMemory(db: Executor, runId: string, nodeId: string, memory: NodeMemory, gauges: object): Promise<void> {
  const state = JSON.stringify(gauges);
  const saved = JSON.stringify(toSaved(memory));
  await db
    .insertInto('dialer_state')
    .values({ run_id: runId, node_id: nodeId, state, memory: saved })
    .onConflict((oc) => oc.columns(['run_id', 'node_id']).doUpdateSet({ state, memory: saved }))
    .execute();
}

type SavedMemory = Omit<NodeMemory, 'policy'> & { policy?: SavedPolicy };

function toSaved(memory: NodeMemory): SavedMemory {
  const { policy, ...rest } = memory;
  if (!policy) return rest;
  return {
    ...rest,
    policy: {
      need: sparse(policy.need),
      settled: sparse(policy.settled),
      talk: sparse(policy.talk),
      wrap: sparse(policy.wrap),
      sizes: [policy.need.length, policy.settled.length, policy.talk.length, policy.wrap.length],
      z: policy.z,
      recent: policy.recent,
      liveSeen: policy.liveSeen,
    },
  };
}

function fromSaved(saved: SavedMemory): NodeMemory {
  const { policy, ...rest } = saved;
  if (!policy) return rest;
  const [need, settled, talk, wrap] = policy.sizes;
  return {
    ...rest,
    policy: {
      need: dense(policy.need, need),
      settled: dense(policy.settled, settled),
      talk: dense(policy.talk, talk),
      wrap: dense(policy.wrap, wrap),
      z: policy.z,
      recent: policy.recent,
      liveSeen: policy.liveSeen,
    },
  };
}

function sparse(values: number[]): Sparse {
  const out: Sparse = [];
  values.forEach((v, i) => {
    if (v !== 0) out.push([i, v]);
  });
  return out;
}

function dense(pairs: Sparse, size: number): number[] {
  const out = new Array<number>(size).fill(0);
  for (const [i, v] of pairs) out[i] = v;
  return out;
}
