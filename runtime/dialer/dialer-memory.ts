// What one dialer step keeps between rounds (its calls in flight, its policy's learning, its abandonment ledger) and the
// compact gauges a monitor reads, both in the step's `dialer_state` row.
import type { Executor } from '../store/dialect.ts';
import { parseJson } from '../store/json.ts';
import type { LedgerJson } from './abandonment.ts';
import type { AnsweredCall, RingingCall, TrackedCall } from './call-phases.ts';
import type { CallProgress } from './carrier.ts';
import type { PredictiveJson } from './pacing.ts';

export type { TrackedCall };

/** What the previous version saved for a placed call, before calls were tracked by their carrier's phases. */
type OldCall =
  | (Omit<RingingCall, 'phase'> & { phase: 'ringing'; settleAt: number; answeredAt?: number })
  | (Omit<AnsweredCall, 'phase' | 'queuedAt'> & { phase: 'ringing' | 'waiting'; settleAt?: undefined });

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
  /**
   * What the carrier reported of a placed call ahead of its moments (the virtual carrier reports a call whole when it
   * is placed), by call key: heard at each moment, and gone once heard.
   */
  progress?: Record<string, CallProgress[]>;
  policy?: PredictiveJson;
  ledger?: LedgerJson;
  /** Finished calls of each person agent already learnt from. */
  seenHandled?: Record<string, number>;
  /** The last moment the step was paced: the next pacing round is due a second later while calls are under way. */
  pacedAt?: number;
}

export async function loadMemories(db: Executor, runId: string): Promise<Map<string, NodeMemory>> {
  const rows = await db.selectFrom('dialer_state').select(['node_id', 'memory']).where('run_id', '=', runId).where('node_id', '!=', '').execute();
  return new Map(rows.map((r) => [r.node_id, r.memory ? fromSaved(parseJson(r.memory) as ReadMemory) : { calls: [] }]));
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
/** A saved memory as read back: calls saved by the previous version are read too, so that its runs resume. */
type ReadMemory = Omit<SavedMemory, 'calls'> & { calls: (TrackedCall | OldCall)[] };

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

export function fromSaved(saved: ReadMemory): NodeMemory {
  const { policy, calls, ...others } = saved;
  const rest = { ...others, calls: calls.map(readCall) };
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

/**
 * A saved call in this version's phases. The previous version saved a placed call as 'ringing' with the moment the
 * dialer would act on it (`settleAt` when it would need no agent, `liveAt` when it would be a live answer), and a live
 * answer waiting for an agent as 'waiting': those are the phases the dialer is in at those moments.
 */
function readCall(call: TrackedCall | OldCall): TrackedCall {
  if (call.phase === 'waiting') {
    const { phase: _, ...answered } = call;
    return { ...answered, phase: 'answered', queuedAt: answered.liveAt };
  }
  if (!isOld(call)) return call;
  if (call.settleAt !== undefined) {
    const { phase: _, settleAt, ...placed } = call;
    return { ...placed, phase: 'ended', releaseAt: settleAt };
  }
  const { phase: _, settleAt: _none, ...answered } = call;
  return { ...answered, phase: 'answered' };
}

function isOld(call: TrackedCall | OldCall): call is OldCall {
  return call.phase === 'waiting' || (call.phase === 'ringing' && ('settleAt' in call || 'liveAt' in call));
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
