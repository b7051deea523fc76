// Live monitoring over WebSocket: a snapshot on subscribe, then per-client deltas at most ten a second.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { runMetrics, type RunMetrics, type StepMetrics } from '../../runtime/metrics.ts';
import type { Store } from '../../runtime/store/dialect.ts';
import { parseJson } from '../../runtime/store/json.ts';
import type { RunStatus } from '../../runtime/store/schema.ts';
import { parse as parseCookies } from 'hono/utils/cookie';
import { endedSessions } from '../../runtime/store/repositories/sign-in.ts';
import { allows, authenticate, authenticateSession, bearerOf, pageOf, isOwnOrigin, sessionCookies } from '../http/auth.ts';
import { ApiError } from '../http/errors.ts';
import { FailedAuthThrottle, tooManyFailuresMessage } from '../http/throttle.ts';

/** The fastest a client is sent anything: ten messages a second, however fast the run moves. */
export const minIntervalMs = 100;
/** A frame larger than this is not a subscription; it is refused unread. */
const maxFrameBytes = 64 * 1024;
const maxSubscriptionsPerClient = 50;
/** How often open sockets' tokens are checked against the store, so that a revocation on any server closes them. */
export const revocationCheckMs = 250;
/** The close code a socket gets when its token is revoked (4000-4999 are the application's). */
export const revokedCloseCode = 4401;

export interface RunState {
  status: RunStatus;
  metrics: RunMetrics;
  dialer: Record<string, unknown>;
}

export type ServerMessage =
  | { type: 'snapshot'; runId: string; status: RunStatus; metrics: RunMetrics; dialer: Record<string, unknown>; at: string }
  | {
      type: 'delta';
      runId: string;
      status?: RunStatus;
      steps?: Record<string, StepMetrics>;
      outcomes?: Record<string, number>;
      active?: number;
      audience?: number;
      dialer?: Record<string, unknown>;
      at: string;
    }
  | { type: 'error'; message: string }
  | { type: 'subscribed' | 'unsubscribed'; runId: string };

interface Client {
  socket: WebSocket;
  /** The token the socket was opened with: when it is revoked, the socket is closed. */
  tokenId: string;
  /** The page's session (js_...) when it was opened with one: when that is signed out or expires, the socket is closed. */
  session: string | undefined;
  /** What this client was last sent per run: its deltas are computed against it. */
  seen: Map<string, RunState>;
  lastSentAt: Map<string, number>;
}

/** The parts of `after` that differ from `before`: whole StepMetrics for each changed step. */
export function delta(before: RunState, after: RunState): Omit<Extract<ServerMessage, { type: 'delta' }>, 'type' | 'runId' | 'at'> | undefined {
  const out: Omit<Extract<ServerMessage, { type: 'delta' }>, 'type' | 'runId' | 'at'> = {};
  if (before.status !== after.status) out.status = after.status;
  if (before.metrics.active !== after.metrics.active) out.active = after.metrics.active;
  if (before.metrics.audience !== after.metrics.audience) out.audience = after.metrics.audience;
  const steps: Record<string, StepMetrics> = {};
  for (const [id, step] of Object.entries(after.metrics.steps)) {
    if (JSON.stringify(step) !== JSON.stringify(before.metrics.steps[id])) steps[id] = step;
  }
  if (Object.keys(steps).length) out.steps = steps;
  if (JSON.stringify(before.metrics.outcomes) !== JSON.stringify(after.metrics.outcomes)) out.outcomes = after.metrics.outcomes;
  if (JSON.stringify(before.dialer) !== JSON.stringify(after.dialer)) out.dialer = after.dialer;
  return Object.keys(out).length ? out : undefined;
}

export class LiveHub {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: maxFrameBytes });
  private readonly clients = new Set<Client>();
  /** Runs with at least one subscriber, and their latest state read from the counters. */
  private readonly watched = new Map<string, RunState>();
  private timer: NodeJS.Timeout | undefined;
  private polling = false;
  private lastRevocationCheck = 0;
  readonly stats = { messagesSent: 0 };

  constructor(
    private readonly store: Store,
    private readonly now: () => number,
    /** Shared with the app: wrong tokens on /ws and on the API count together per address. */
    private readonly throttle = new FailedAuthThrottle(),
  ) {}

  get clientCount(): number {
    return this.clients.size;
  }

  /**
   * Takes over an HTTP upgrade to /ws once the token is checked; a bad token gets a plain 401 and no socket. The token
   * is the Authorization header, else `?token=` (clients that cannot set headers), else the session cookie of the page
   * named by `?page=agent` (the editor's without it). An upgrade from a page of another site is refused whatever it
   * carries: the browser would send the cookie along (cross-site WebSocket hijacking).
   */
  async handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    let tokenId: string;
    let session: string | undefined;
    const address = request.socket.remoteAddress ?? 'unknown';
    const wait = this.throttle.retryAfter(address);
    if (wait !== undefined) {
      socket.end(
        `HTTP/1.1 429 Too Many Requests\r\ncontent-type: application/json\r\nretry-after: ${wait}\r\nconnection: close\r\n\r\n${JSON.stringify({ error: { code: 'too_many_requests', message: tooManyFailuresMessage(wait) } })}`,
      );
      return;
    }
    const url = new URL(request.url ?? '/', 'http://host');
    const header = bearerOf(request.headers.authorization);
    const query = url.searchParams.get('token') ?? undefined;
    let cookie: string | undefined;
    try {
      const origin = request.headers.origin;
      if (!isOwnOrigin(origin, request.headers.host)) {
        throw new ApiError(403, 'forbidden', `A page of another site (${origin}) may not open /ws; only the server's own pages may`);
      }
      const page = pageOf(url.searchParams.get('page'), '?page=');
      cookie = header || query ? undefined : parseCookies(request.headers.cookie ?? '', sessionCookies[page])[sessionCookies[page]];
      const caller = cookie ? await authenticateSession(this.store.db, cookie, this.now()) : await authenticate(this.store.db, header ?? query, this.now());
      if (!allows(caller.role, 'viewer')) throw new ApiError(403, 'forbidden', 'Watching runs needs the viewer role or above');
      tokenId = caller.id;
      const used = cookie ?? header ?? query;
      session = used?.startsWith('js_') ? used : undefined;
    } catch (error) {
      const status = error instanceof ApiError ? error.status : 500;
      if (status === 401 && (header || query || cookie)) this.throttle.fail(address);
      const message = error instanceof ApiError ? error.message : 'The server could not check the token';
      const reason = status === 401 ? 'Unauthorized' : status === 403 ? 'Forbidden' : status === 400 ? 'Bad Request' : 'Error';
      const code = status === 401 ? 'unauthorized' : status === 403 ? 'forbidden' : status === 400 ? 'bad_request' : 'internal';
      socket.end(`HTTP/1.1 ${status} ${reason}\r\ncontent-type: application/json\r\nconnection: close\r\n\r\n${JSON.stringify({ error: { code, message } })}`);
      return;
    }
    this.wss.handleUpgrade(request, socket, head, (ws) => this.accept(ws, tokenId, session));
  }

  private accept(socket: WebSocket, tokenId: string, session: string | undefined): void {
    const client: Client = { socket, tokenId, session, seen: new Map(), lastSentAt: new Map() };
    this.clients.add(client);
    socket.on('message', (data, isBinary) => {
      this.receive(client, isBinary ? undefined : data.toString()).catch((error: unknown) =>
        this.send(client, { type: 'error', message: `The server could not do that: ${(error as Error).message}` }),
      );
    });
    socket.on('close', () => this.drop(client));
    socket.on('error', () => this.drop(client));
    this.ensureTimer();
  }

  private drop(client: Client): void {
    this.clients.delete(client);
    for (const runId of client.seen.keys()) this.release(runId);
  }

  private async receive(client: Client, text: string | undefined): Promise<void> {
    let message: unknown;
    try {
      message = text === undefined ? undefined : JSON.parse(text);
    } catch {
      return this.send(client, { type: 'error', message: 'Messages are JSON, e.g. {"type":"subscribe","runId":"..."}' });
    }
    const m = message as { type?: unknown; runId?: unknown } | undefined;
    if (!m || typeof m !== 'object' || (m.type !== 'subscribe' && m.type !== 'unsubscribe') || typeof m.runId !== 'string' || !m.runId) {
      return this.send(client, { type: 'error', message: 'Send {"type":"subscribe","runId":"<run id>"} or {"type":"unsubscribe","runId":"<run id>"}' });
    }
    const runId = m.runId;
    if (m.type === 'unsubscribe') {
      if (client.seen.delete(runId)) this.release(runId);
      client.lastSentAt.delete(runId);
      return this.send(client, { type: 'unsubscribed', runId });
    }
    if (!client.seen.has(runId) && client.seen.size >= maxSubscriptionsPerClient) {
      return this.send(client, { type: 'error', message: `A connection can watch at most ${maxSubscriptionsPerClient} runs at once` });
    }
    const state = await this.read(runId);
    if (!state) return this.send(client, { type: 'error', message: `There is no run "${runId}"` });
    if (!client.seen.has(runId)) this.watched.set(runId, state);
    client.seen.set(runId, state);
    client.lastSentAt.set(runId, Date.now());
    this.send(client, { type: 'snapshot', runId, status: state.status, metrics: state.metrics, dialer: state.dialer, at: new Date().toISOString() });
  }

  private release(runId: string): void {
    for (const c of this.clients) if (c.seen.has(runId)) return;
    this.watched.delete(runId);
  }

  /** One read of the counters per watched run, whatever the number of clients: monitoring never queries events. */
  private async read(runId: string): Promise<RunState | undefined> {
    const run = await this.store.db.selectFrom('runs').select('status').where('id', '=', runId).executeTakeFirst();
    if (!run) return undefined;
    const dialerRows = await this.store.db.selectFrom('dialer_state').select(['node_id', 'state']).where('run_id', '=', runId).execute();
    const dialer: Record<string, unknown> = {};
    for (const row of dialerRows) dialer[row.node_id || 'agents'] = parseJson(row.state);
    return { status: run.status, metrics: await runMetrics(this.store.db, runId), dialer };
  }

  private ensureTimer(): void {
    this.timer ??= setInterval(() => void this.poll(), minIntervalMs);
  }

  private async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      if (!this.clients.size) {
        clearInterval(this.timer);
        this.timer = undefined;
        return;
      }
      if (Date.now() - this.lastRevocationCheck >= revocationCheckMs) {
        this.lastRevocationCheck = Date.now();
        await this.closeRevoked();
      }
      for (const runId of [...this.watched.keys()]) {
        const state = await this.read(runId);
        if (!state) continue;
        this.watched.set(runId, state);
        const at = Date.now();
        // Clients that were last sent the same state (most of them: each poll hands every client one state object)
        // get the same delta: it is worked out and serialised once per poll, not once per client.
        const frames = new Map<RunState, string | undefined>();
        for (const client of this.clients) {
          const seen = client.seen.get(runId);
          if (!seen || at - (client.lastSentAt.get(runId) ?? 0) < minIntervalMs) continue;
          if (!frames.has(seen)) {
            const change = delta(seen, state);
            frames.set(seen, change && JSON.stringify({ type: 'delta', runId, ...change, at: new Date(at).toISOString() } satisfies ServerMessage));
          }
          const frame = frames.get(seen);
          if (!frame) continue;
          client.seen.set(runId, state);
          client.lastSentAt.set(runId, at);
          this.sendFrame(client, frame);
        }
      }
    } catch (error) {
      console.error('live monitoring:', error);
    } finally {
      this.polling = false;
    }
  }

  /**
   * Closes the sockets whose token no longer exists, or whose session was signed out or has expired. Read from the
   * store rather than told by the revoking route, so that a token revoked (or a session ended) through another server
   * on the same database closes sockets here too.
   */
  private async closeRevoked(): Promise<void> {
    const ids = [...new Set([...this.clients].map((c) => c.tokenId))];
    const alive = new Set((await this.store.db.selectFrom('api_tokens').select('id').where('id', 'in', ids).execute()).map((r) => r.id));
    const sessions = [...new Set([...this.clients].flatMap((c) => (c.session ? [c.session] : [])))];
    const ended = sessions.length ? await endedSessions(this.store.db, sessions, this.now()) : new Set<string>();
    for (const client of this.clients) {
      if (!alive.has(client.tokenId)) {
        this.send(client, { type: 'error', message: 'The token this connection was opened with has been revoked; sign in again' });
        client.socket.close(revokedCloseCode, 'The token was revoked');
      } else if (client.session && ended.has(client.session)) {
        this.send(client, { type: 'error', message: 'The sign-in this connection was opened with has ended (signed out or expired); sign in again' });
        client.socket.close(revokedCloseCode, 'The sign-in has ended');
      } else continue;
      this.drop(client);
    }
  }

  private send(client: Client, message: ServerMessage): void {
    this.sendFrame(client, JSON.stringify(message));
  }

  private sendFrame(client: Client, frame: string): void {
    if (client.socket.readyState !== client.socket.OPEN) return;
    client.socket.send(frame);
    this.stats.messagesSent++;
  }

  close(): void {
    clearInterval(this.timer);
    for (const c of this.clients) c.socket.terminate();
    this.wss.close();
  }
}
