// How long the server waits on a connection. Node's requestTimeout (300 s by default) counts from a request's first
// byte to the last byte of its body, so a 200 MB upload still sending after five minutes was answered 408 with an
// empty body, half imported. Here no request has a time limit as a whole; a connection that neither sends nor
// receives anything for `idleMs` is dropped instead (an upload that stalls, a client that went quiet), and headers
// must arrive within `headersMs`. Live WebSockets are not concerned: ws clears the timeout on the sockets it takes.
import type { Server } from 'node:http';

export interface HttpTimeouts {
  /** A connection silent both ways this long is closed. Default: JOURNEY_HTTP_IDLE_SECONDS, else 120 s. */
  idleMs?: number;
  /** A request's headers must be in within this. Default 60 s. */
  headersMs?: number;
}

export function applyHttpTimeouts(server: Server, timeouts: HttpTimeouts = {}): void {
  const fromEnvironment = Number(process.env.JOURNEY_HTTP_IDLE_SECONDS);
  const idleMs = timeouts.idleMs ?? (Number.isFinite(fromEnvironment) && fromEnvironment > 0 ? fromEnvironment * 1000 : 120_000);
  server.requestTimeout = 0;
  server.headersTimeout = timeouts.headersMs ?? 60_000;
  server.setTimeout(idleMs);
}
