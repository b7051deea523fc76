import { describe, expect, it } from 'vitest';
import { applyMessage, idle, maxPoints, type LiveRun } from './live-state.ts';

const step = (entered: number, waiting = 0, ports: Record<string, number> = {}) => ({ entered, waiting, ports, outcomes: {} });
const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 9, 0, s)).toISOString();

function snapshot(state: LiveRun, active: number, steps: Record<string, ReturnType<typeof step>>, s = 0): LiveRun {
  return applyMessage(state, {
    type: 'snapshot',
    runId: 'r1',
    status: 'running',
    metrics: { audience: 10, active, steps, outcomes: {} },
    dialer: {},
    at: at(s),
  });
}

describe('live run state', () => {
  it('keeps the objects of steps a delta does not name, so only changed steps re-render', () => {
    const first = snapshot(idle('r1'), 10, { a: step(10), b: step(4, 4) });
    const next = applyMessage(first, { type: 'delta', runId: 'r1', steps: { b: step(6, 2, { sent: 4 }) }, active: 8, outcomes: { done: 2 }, at: at(1) });
    expect(next.metrics.steps.a).toBe(first.metrics.steps.a);
    expect(next.metrics.steps.b).toEqual(step(6, 2, { sent: 4 }));
    expect(next.metrics.active).toBe(8);
    expect(next.points.map((p) => [p.active, p.completed])).toEqual([
      [10, 0],
      [8, 2],
    ]);
  });

  it('lets a fresh snapshot after a reconnect replace the figures, keeping unchanged steps and the chart', () => {
    const before = applyMessage(snapshot(idle('r1'), 10, { a: step(10), b: step(4, 4) }), { type: 'delta', runId: 'r1', steps: { b: step(5, 5) }, at: at(1) });
    const after = snapshot({ ...before, connection: 'retrying' }, 3, { a: step(10), b: step(9, 1), c: step(2) }, 5);
    expect(after.connection).toBe('live');
    expect(after.metrics.active).toBe(3);
    expect(after.metrics.steps.a).toBe(before.metrics.steps.a);
    expect(after.metrics.steps.b).toEqual(step(9, 1));
    expect(after.metrics.steps.c).toEqual(step(2));
    expect(after.points).toHaveLength(3);
  });

  it('ignores messages about another run and records the server’s refusals', () => {
    const state = snapshot(idle('r1'), 10, {});
    expect(applyMessage(state, { type: 'delta', runId: 'r2', active: 0, at: at(1) })).toBe(state);
    expect(applyMessage(state, { type: 'error', message: 'There is no run "x"' }).error).toBe('There is no run "x"');
  });

  it('thins the chart instead of growing without end', () => {
    let state = snapshot(idle('r1'), 1000, {});
    for (let i = 1; i <= maxPoints * 3; i++) state = applyMessage(state, { type: 'delta', runId: 'r1', active: 1000 - i, at: at(i) });
    expect(state.points.length).toBeLessThanOrEqual(maxPoints);
    expect(state.points.at(-1)?.active).toBe(1000 - maxPoints * 3);
  });
});
