// The watched run's live figures, outside the editor's store: each step on the canvas subscribes to its own figures.
import { createStore, shallowEqual, useStoreSlice } from '../store/create-store.ts';
import { idle, type LiveRun, type StepMetrics } from './live-state.ts';

export const liveStore = createStore<LiveRun>(idle());

export function useLive<T>(selector: (state: LiveRun) => T, equal?: (a: T, b: T) => boolean): T {
  return useStoreSlice(liveStore, selector, equal);
}

export function useLiveShallow<T>(selector: (state: LiveRun) => T): T {
  return useStoreSlice(liveStore, selector, shallowEqual);
}

/** The figures of one step; the same object until a delta names this step, so other steps' news does not re-render it. */
export function useStepMetrics(nodeId: string): StepMetrics | undefined {
  return useStoreSlice(liveStore, (s) => s.metrics.steps[nodeId]);
}

/** Contacts that left a step by one exit: what its connection on the canvas is labelled with. */
export function usePortCount(nodeId: string, port: string): number | undefined {
  return useStoreSlice(liveStore, (s) => s.metrics.steps[nodeId]?.ports[port]);
}

/** What the dialer reports under the step's id, and the run's agents (reported under `agents`). */
export function useDialerState(nodeId: string): { gauges: unknown; runAgents: unknown } {
  return useStoreSlice(liveStore, (s) => ({ gauges: s.dialer[nodeId], runAgents: s.dialer.agents }), shallowEqual);
}
