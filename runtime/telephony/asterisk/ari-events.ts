// The application's event socket (`GET /ari/events`): connected, read and checked against ARI's event models, and
// connected again with backoff when it drops, with a hook to catch up on what was missed meanwhile.
import WebSocket from 'ws';
import type { AriConnection } from './ari-client.ts';
import { type AriEvent, ariEventSchema, ariEventTypes } from './ari-model.ts';

export type ParsedEvent = { kind: 'event'; event: AriEvent } | { kind: 'skipped'; type: string } | { kind: 'problem'; message: string };

/** One message of the socket: an event the carrier reads, one it does not, or a message that breaks ARI's models. */
export function parseAriEvent(text: string): ParsedEvent {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { kind: 'problem', message: `An ARI event is not JSON: ${text.slice(0, 120)}` };
  }
  const type = json && typeof json === 'object' && 'type' in json && typeof json.type === 'string' ? json.type : undefined;
  if (!type) return { kind: 'problem', message: `An ARI event has no type: ${text.slice(0, 120)}` };
  if (!ariEventTypes.has(type)) return { kind: 'skipped', type };
  const result = ariEventSchema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    return { kind: 'problem', message: `ARI event ${type} does not match events.json at ${issue.path.join('.') || 'the top'}: ${issue.message}` };
  }
  return { kind: 'event', event: result.data };
}

export interface AriEventStreamOptions {
  onEvent: (event: AriEvent) => void;
  /**
   * Called on each connection, before any event of it is handed on is lost: `again` is false on the first, true
   * after a drop, when the carrier catches up on what happened while it was away.
   */
  onOpen: (again: boolean) => Promise<void> | void;
  /** Events that break ARI's models, failed reconnections and catch-ups: for the log. */
  onProblem: (message: string) => void;
  /** The wait before reconnecting, doubled after each failure up to `maxMs`. Default 250 ms to 10 s. */
  reconnect?: { baseMs: number; maxMs: number };
  /** A ping this often; a socket that has not answered the previous one is taken as dropped. Default 15 s. */
  heartbeatMs?: number;
}

export class AriEventStream {
  private socket: WebSocket | undefined;
  private closed = false;
  private opened = false;
  private failures = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private heartbeat: ReturnType<typeof setInterval> | undefined;
  private readonly address: string;

  constructor(
    connection: AriConnection,
    app: string,
    private readonly options: AriEventStreamOptions,
  ) {
    const url = new URL(`${connection.url.replace(/\/+$/, '')}/ari/events`);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    url.searchParams.set('app', app);
    url.searchParams.set('api_key', `${connection.user}:${connection.password}`);
    this.address = url.toString();
  }

  get connected(): boolean {
    return this.socket?.readyState === WebSocket.OPEN;
  }

  /** Connects, and resolves once the first connection is open and `onOpen` has run; rejects if that first one fails. */
  start(): Promise<void> {
    return new Promise((resolve, reject) => this.open(resolve, reject));
  }

  /** Closes the socket for good. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    clearInterval(this.heartbeat);
    const socket = this.socket;
    if (!socket || socket.readyState === WebSocket.CLOSED) return;
    await new Promise<void>((resolve) => {
      socket.once('close', () => resolve());
      socket.close();
    });
  }

  private open(resolve?: () => void, reject?: (error: Error) => void): void {
    if (this.closed) return;
    const socket = new WebSocket(this.address, { handshakeTimeout: 10_000 });
    this.socket = socket;
    let alive = true;
    socket.on('pong', () => (alive = true));
    socket.on('message', (data) => {
      const parsed = parseAriEvent(data.toString());
      if (parsed.kind === 'event') this.options.onEvent(parsed.event);
      else if (parsed.kind === 'problem') this.options.onProblem(parsed.message);
    });
    socket.on('open', async () => {
      const again = this.opened;
      this.opened = true;
      this.failures = 0;
      clearInterval(this.heartbeat);
      this.heartbeat = setInterval(() => {
        if (!alive) return void socket.terminate();
        alive = false;
        socket.ping();
      }, this.options.heartbeatMs ?? 15_000);
      try {
        await this.options.onOpen(again);
        resolve?.();
      } catch (error) {
        this.options.onProblem(`Catching up after connecting to ARI's events failed: ${(error as Error).message}`);
        // A first connection that cannot subscribe fails the start; a later one is dropped and made again, so the
        // catch-up is tried again rather than skipped.
        if (!again) this.closed = true;
        socket.terminate();
        reject?.(error as Error);
      }
    });
    socket.on('unexpected-response', (_request, response) => {
      const error = new Error(
        `ARI's event socket answered ${response.statusCode}${response.statusCode === 401 ? ' (check ASTERISK_ARI_USER and ASTERISK_ARI_PASSWORD)' : ''}`,
      );
      socket.terminate();
      this.failed(error, reject);
    });
    socket.on('error', (error) => this.failed(error, reject));
    socket.on('close', () => {
      clearInterval(this.heartbeat);
      if (this.opened && !this.closed && this.socket === socket) this.scheduleReconnect();
    });
  }

  /** A failed first connection rejects; a failed reconnection is reported and tried again. */
  private failed(error: Error, reject?: (error: Error) => void): void {
    if (!this.opened && reject) {
      this.closed = true;
      reject(new Error(`Could not connect to ARI's event socket: ${error.message}`));
      return;
    }
    this.options.onProblem(`ARI's event socket: ${error.message}`);
  }

  private scheduleReconnect(): void {
    const { baseMs, maxMs } = this.options.reconnect ?? { baseMs: 250, maxMs: 10_000 };
    const wait = Math.min(maxMs, baseMs * 2 ** this.failures);
    this.failures++;
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.open(), wait);
  }
}
