// Follows one run over the live WebSocket from Node, as the canvas does: the snapshot, then each delta applied to it.
import WebSocket from 'ws';
import type { RunMetrics } from '../../runtime/metrics.ts';
import type { RunStatus } from '../../runtime/store/schema.ts';
import type { ServerMessage } from './hub.ts';

export interface FollowedState {
  status: RunStatus;
  metrics: RunMetrics;
  dialer: Record<string, unknown>;
}

/** The state after one message: a snapshot replaces it, a delta overwrites what it carries. */
export function applyMessage(state: FollowedState | undefined, message: ServerMessage): FollowedState | undefined {
  if (message.type === 'snapshot') return { status: message.status, metrics: message.metrics, dialer: message.dialer };
  if (message.type !== 'delta') return state;
  if (!state) throw new Error('A delta arrived before the snapshot it applies to');
  return {
    status: message.status ?? state.status,
    dialer: message.dialer ?? state.dialer,
    metrics: {
      audience: message.audience ?? state.metrics.audience,
      active: message.active ?? state.metrics.active,
      steps: { ...state.metrics.steps, ...message.steps },
      outcomes: message.outcomes ?? state.metrics.outcomes,
    },
  };
}

export interface Follower {
  /** Every message received for the run, with the moment (ms, this process's clock) it arrived. */
  received: { at: number; message: ServerMessage }[];
  /** The snapshot with every delta applied so far. */
  state(): FollowedState | undefined;
  /** Resolves with the state once the run is completed or stopped; rejects on an error frame or a closed socket. */
  ended: Promise<FollowedState>;
  close(): void;
}

/** Opens a socket to `/ws` of the server at `baseUrl` and subscribes to the run; resolves once subscribed. */
export async function followRun(baseUrl: string, token: string, runId: string): Promise<Follower> {
  const socket = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/ws?token=${encodeURIComponent(token)}`);
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
    socket.once('unexpected-response', (_request, response) => reject(new Error(`The server refused the WebSocket with ${response.statusCode}`)));
  });
  const received: Follower['received'] = [];
  let state: FollowedState | undefined;
  let settle: { resolve: (s: FollowedState) => void; reject: (e: Error) => void } | undefined;
  const ended = new Promise<FollowedState>((resolve, reject) => (settle = { resolve, reject }));
  // A rejection nobody awaits yet must not crash the process; the caller sees it when it awaits `ended`.
  ended.catch(() => {});
  socket.on('message', (data) => {
    const message = JSON.parse(data.toString()) as ServerMessage;
    if (message.type === 'error') return settle?.reject(new Error(`The server answered with an error: ${message.message}`));
    if (!('runId' in message) || message.runId !== runId) return;
    received.push({ at: Date.now(), message });
    state = applyMessage(state, message);
    if (state && (state.status === 'completed' || state.status === 'stopped')) settle?.resolve(state);
  });
  socket.on('close', () => settle?.reject(new Error('The socket closed before the run ended')));
  socket.send(JSON.stringify({ type: 'subscribe', runId }));
  return { received, state: () => state, ended, close: () => socket.close() };
}

/** The most messages that arrived within any window of `windowMs` (1 s: messages per second at the worst moment). */
export function maxPerWindow(times: number[], windowMs = 1000): number {
  let best = 0;
  let first = 0;
  for (let last = 0; last < times.length; last++) {
    while (times[last]! - times[first]! >= windowMs) first++;
    best = Math.max(best, last - first + 1);
  }
  return best;
}
