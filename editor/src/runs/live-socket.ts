// One WebSocket to /ws for the watched run: subscribe, fold messages into the live store, reconnect with backoff.
import type { ServerMessage } from '../../../server/live/hub.ts';
import { thisPage } from '../api/client.ts';
import { applyMessage, idle } from './live-state.ts';
import { liveStore } from './live-store.ts';

const firstRetryMs = 500;
const longestRetryMs = 15_000;

/** Doubling waits with jitter, so that many editors cut off together do not all come back at the same instant. */
export function retryDelayMs(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(longestRetryMs, firstRetryMs * 2 ** attempt);
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/**
 * The page's own /ws: the browser sends the page's session cookie with the upgrade (the server refuses an upgrade
 * from another site's page), and `?page=agent` says to use the agent page's sign-in rather than the editor's.
 */
export function socketUrl(location: Pick<Location, 'protocol' | 'host'>, page: 'agent' | 'editor'): string {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  return `${scheme}://${location.host}/ws${page === 'agent' ? '?page=agent' : ''}`;
}

function patch(update: Partial<ReturnType<typeof liveStore.getState>>): void {
  liveStore.setState({ ...liveStore.getState(), ...update });
}

/**
 * Watches one run until the returned function is called. Each connection starts with a snapshot that replaces the
 * figures; a dropped connection is retried, sooner at first, then at most every 15 seconds.
 */
export function watchRun(runId: string): () => void {
  liveStore.setState(idle(runId));
  let socket: WebSocket | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let attempt = 0;
  let stopped = false;

  const connect = () => {
    patch({ connection: 'connecting', retryAt: undefined });
    const ws = new WebSocket(socketUrl(window.location, thisPage()));
    socket = ws;
    ws.onopen = () => ws.send(JSON.stringify({ type: 'subscribe', runId }));
    ws.onmessage = (event) => {
      let message: ServerMessage;
      try {
        message = JSON.parse(String(event.data)) as ServerMessage;
      } catch {
        return;
      }
      if (message.type === 'snapshot') attempt = 0;
      liveStore.setState(applyMessage(liveStore.getState(), message));
    };
    ws.onclose = () => {
      if (stopped || socket !== ws) return;
      const delay = retryDelayMs(attempt++);
      patch({ connection: 'retrying', retryAt: Date.now() + delay });
      timer = setTimeout(connect, delay);
    };
  };
  connect();

  return () => {
    stopped = true;
    clearTimeout(timer);
    socket?.close();
    liveStore.setState(idle());
  };
}
