// Metrics of a run per step and port: read from the running counters, and recomputable from the events alone.
import type { Executor } from './store/dialect.ts';
import { parseJson } from './store/json.ts';

export interface StepMetrics {
  entered: number;
  /** Contacts held at the step now: waiting, deferred, or waiting for a provider or a call. */
  waiting: number;
  ports: Record<string, number>;
  /** For end steps, and for exits that lead nowhere: outcomes recorded here. */
  outcomes: Record<string, number>;
}

export interface RunMetrics {
  audience: number;
  active: number;
  steps: Record<string, StepMetrics>;
  outcomes: Record<string, number>;
}

/** The figures of a step, added at zero the first time the step is met. */
function stepOf(metrics: RunMetrics, nodeId: string): StepMetrics {
  let step = metrics.steps[nodeId];
  if (!step) {
    step = { entered: 0, waiting: 0, ports: {}, outcomes: {} };
    metrics.steps[nodeId] = step;
  }
  return step;
}

/** The counters the interpreter keeps, read in one query: what live monitoring shows. */
export async function runMetrics(db: Executor, runId: string): Promise<RunMetrics> {
  const rows = await db.selectFrom('counters').select(['node_id', 'metric', 'count']).where('run_id', '=', runId).execute();
  const metrics: RunMetrics = { audience: 0, active: 0, steps: {}, outcomes: {} };
  for (const row of rows) {
    const count = Number(row.count);
    if (row.node_id === '') {
      if (row.metric === 'audience') metrics.audience = count;
      else if (row.metric === 'active') metrics.active = count;
      else if (row.metric.startsWith('outcome:')) metrics.outcomes[row.metric.slice(8)] = count;
      continue;
    }
    const step = stepOf(metrics, row.node_id);
    if (row.metric === 'entered') step.entered = count;
    else if (row.metric === 'waiting') step.waiting = count;
    else if (row.metric.startsWith('port:')) step.ports[row.metric.slice(5)] = count;
    else if (row.metric.startsWith('outcome:')) step.outcomes[row.metric.slice(8)] = count;
  }
  return metrics;
}

/**
 * The same figures derived from the event log, streamed in pages: the reference the counters are checked against,
 * and the way to rebuild them.
 */
export async function metricsFromEvents(db: Executor, runId: string): Promise<RunMetrics> {
  const metrics: RunMetrics = { audience: 0, active: 0, steps: {}, outcomes: {} };
  // Where each contact is between entering a step and leaving it: those are the ones the step holds.
  const at = new Map<string, string>();
  let after = 0;
  for (;;) {
    const page = await db
      .selectFrom('events')
      .select(['seq', 'contact_id', 'type', 'node_id', 'port', 'data'])
      .where('run_id', '=', runId)
      .where('seq', '>', after)
      .orderBy('seq')
      .limit(10_000)
      .execute();
    if (!page.length) break;
    for (const e of page) {
      after = Number(e.seq);
      if (e.type === 'run.started') {
        metrics.audience = Number(parseJson(e.data).audience);
        metrics.active += metrics.audience;
      }
      if (!e.node_id || !e.contact_id) continue;
      if (e.type === 'contact.released') {
        at.delete(e.contact_id);
        metrics.active--;
        continue;
      }
      if (e.type !== 'node.entered' && e.type !== 'node.exited' && e.type !== 'contact.completed') continue;
      const step = stepOf(metrics, e.node_id);
      if (e.type === 'node.entered') {
        step.entered++;
        at.set(e.contact_id, e.node_id);
      }
      if (e.type === 'node.exited' && e.port) {
        step.ports[e.port] = (step.ports[e.port] ?? 0) + 1;
        at.delete(e.contact_id);
      }
      if (e.type === 'contact.completed') {
        at.delete(e.contact_id);
        const outcome = String(parseJson(e.data).outcome);
        step.outcomes[outcome] = (step.outcomes[outcome] ?? 0) + 1;
        metrics.outcomes[outcome] = (metrics.outcomes[outcome] ?? 0) + 1;
        metrics.active--;
      }
    }
  }
  for (const nodeId of at.values()) stepOf(metrics, nodeId).waiting++;
  return metrics;
}
