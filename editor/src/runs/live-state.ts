// The live figures of one watched run, folded from the WebSocket's snapshot and deltas (pure functions, no I/O).
import type { ServerMessage } from '../../../server/live/hub.ts';
import type { RunMetrics, RunStatus } from '../../../server/api-types.ts';

export type StepMetrics = RunMetrics['steps'][string];
type Snapshot = Extract<ServerMessage, { type: 'snapshot' }>;
type Delta = Extract<ServerMessage, { type: 'delta' }>;

/** One point of the run's chart: contacts still in the journey and contacts that finished it, at a moment. */
export interface LivePoint {
  at: number;
  active: number;
  completed: number;
}

export type Connection = 'idle' | 'connecting' | 'live' | 'retrying';

export interface LiveRun {
  runId?: string;
  status?: RunStatus;
  metrics: RunMetrics;
  dialer: Record<string, unknown>;
  points: LivePoint[];
  connection: Connection;
  /** When the next attempt to reconnect is made, while retrying. */
  retryAt?: number;
  /** What the server last refused, in its words. */
  error?: string;
}

/** The chart keeps at most this many points; older ones are thinned, so a long live run stays cheap to draw. */
export const maxPoints = 400;

export const emptyMetrics = (): RunMetrics => ({ audience: 0, active: 0, steps: {}, outcomes: {} });

export function idle(runId?: string): LiveRun {
  return { ...(runId !== undefined && { runId }), metrics: emptyMetrics(), dialer: {}, points: [], connection: runId ? 'connecting' : 'idle' };
}

export function completedOf(metrics: RunMetrics): number {
  return Object.values(metrics.outcomes).reduce((sum, n) => sum + n, 0);
}

function withPoint(points: LivePoint[], point: LivePoint): LivePoint[] {
  const last = points.at(-1);
  if (last && last.active === point.active && last.completed === point.completed && points.length > 1) {
    // A flat stretch needs only its two ends: move the end instead of adding a point.
    const before = points.at(-2)!;
    if (before.active === point.active && before.completed === point.completed) return [...points.slice(0, -1), point];
  }
  const next = [...points, point];
  return next.length > maxPoints ? next.filter((_, i) => i % 2 === 0 || i === next.length - 1) : next;
}

/** Keeps the object of every entry whose content did not change, so that its subscribers do not re-render. */
function keepSame<T>(before: Record<string, T>, after: Record<string, T>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const [key, value] of Object.entries(after)) {
    const old = before[key];
    out[key] = old !== undefined && JSON.stringify(old) === JSON.stringify(value) ? old : value;
  }
  return out;
}

/** A snapshot replaces everything but the chart, which goes on from where it was (a reconnect leaves no gap to hide). */
export function applySnapshot(state: LiveRun, message: Snapshot): LiveRun {
  if (message.runId !== state.runId) return state;
  return {
    ...state,
    status: message.status,
    metrics: { ...message.metrics, steps: keepSame(state.metrics.steps, message.metrics.steps) },
    dialer: keepSame(state.dialer, message.dialer),
    points: withPoint(state.points, { at: Date.parse(message.at), active: message.metrics.active, completed: completedOf(message.metrics) }),
    connection: 'live',
    error: undefined,
  };
}

/** A delta carries whole figures for the steps that changed; every other step keeps its object. */
export function applyDelta(state: LiveRun, message: Delta): LiveRun {
  if (message.runId !== state.runId) return state;
  const metrics: RunMetrics = {
    audience: message.audience ?? state.metrics.audience,
    active: message.active ?? state.metrics.active,
    steps: message.steps ? { ...state.metrics.steps, ...message.steps } : state.metrics.steps,
    outcomes: message.outcomes ?? state.metrics.outcomes,
  };
  return {
    ...state,
    status: message.status ?? state.status,
    metrics,
    dialer: message.dialer ? keepSame(state.dialer, message.dialer) : state.dialer,
    points: withPoint(state.points, { at: Date.parse(message.at), active: metrics.active, completed: completedOf(metrics) }),
  };
}

export function applyMessage(state: LiveRun, message: ServerMessage): LiveRun {
  switch (message.type) {
    case 'snapshot':
      return applySnapshot(state, message);
    case 'delta':
      return applyDelta(state, message);
    case 'error':
      return { ...state, error: message.message };
    default:
      return state;
  }
}
