// The Asterisk REST Interface as this carrier uses it: originate, hang up, bridge, play, read a variable, list the
// channels and subscribe to the trunk. One request each, with basic auth; 429 and 5xx tried again with backoff.
import type { z } from 'zod';
import { type Bridge, bridgeSchema, type Channel, channelSchema, type Playback, playbackSchema, variableSchema } from './ari-model.ts';

export interface AriConnection {
  /** The HTTP server's address, without `/ari`. */
  url: string;
  user: string;
  password: string;
}

export interface RetryPolicy {
  /** Tries in all, the first included. Default 4. */
  attempts: number;
  /** The wait before the second try, doubled before each next one (up to `maxMs`), unless `Retry-After` says more. */
  baseMs: number;
  maxMs: number;
}

export interface AriClientOptions {
  retry?: Partial<RetryPolicy>;
  /** How long one request may take. Default 10 s. */
  timeoutMs?: number;
}

/** The `reason` values of `DELETE /channels/{channelId}` (`channels.json`). */
export type HangupReason =
  | 'normal'
  | 'busy'
  | 'congestion'
  | 'no_answer'
  | 'timeout'
  | 'rejected'
  | 'unallocated'
  | 'normal_unspecified'
  | 'number_incomplete'
  | 'codec_mismatch'
  | 'interworking'
  | 'failure'
  | 'answered_elsewhere';

interface OriginateCommon {
  /** The id the channel gets: a repeat with the same id is answered 409 while the channel lives, never a second call. */
  channelId: string;
  endpoint: string;
  callerId?: string;
  /** How long it may ring, in seconds. */
  timeoutSeconds: number;
  /** Channel variables set at creation, which the dialplan reads. */
  variables?: Record<string, string>;
}

/** Into the dialplan (the customer's call, which runs `AMD()` there before entering the application). */
export interface OriginateToDialplan extends OriginateCommon {
  context: string;
  extension: string;
  priority?: number;
}

/** Straight into the application once answered (the agent's leg). */
export interface OriginateToApp extends OriginateCommon {
  app: string;
  appArgs: string;
}

/** A request ARI refused or could not take, with what it said. */
export class AriError extends Error {
  constructor(
    /** What was asked, `POST /ari/channels`. */
    readonly operation: string,
    /** The HTTP status, or undefined when no answer came. */
    readonly status: number | undefined,
    readonly said: string,
  ) {
    super(`Asterisk ${status === undefined ? 'could not be reached' : `answered ${status}`} to ${operation}: ${said}`);
    this.name = 'AriError';
  }

  /** Whether trying the same request again may succeed: no answer, 429 or 5xx. */
  get passing(): boolean {
    return this.status === undefined || this.status === 429 || this.status >= 500;
  }
}

type Query = Record<string, string | number | boolean | string[] | undefined>;

interface Answer {
  status: number;
  body: unknown;
  retryAfterMs: number | undefined;
}

export class AriClient {
  private readonly base: string;
  private readonly authorization: string;
  private readonly retry: RetryPolicy;
  private readonly timeoutMs: number;

  constructor(connection: AriConnection, options: AriClientOptions = {}) {
    this.base = `${connection.url.replace(/\/+$/, '')}/ari`;
    this.authorization = `Basic ${Buffer.from(`${connection.user}:${connection.password}`).toString('base64')}`;
    this.retry = { attempts: 4, baseMs: 200, maxMs: 5000, ...options.retry };
    this.timeoutMs = options.timeoutMs ?? 10_000;
  }

  /**
   * Places a channel under the id the caller chose. A try that fails without a clear answer (no answer, 429, 5xx)
   * may still have made the call, so before trying again it asks whether the channel exists (or whether the events
   * already named it, `heardOf`), and the next try reuses the id, which Asterisk answers 409 while the channel lives.
   */
  async originate(request: OriginateToDialplan | OriginateToApp, heardOf: (channelId: string) => boolean = () => false): Promise<'created' | 'existed'> {
    const { variables, timeoutSeconds, ...rest } = request;
    const query: Query = { ...rest, timeout: timeoutSeconds };
    const operation = 'POST /ari/channels';
    for (let attempt = 1; ; attempt++) {
      let answer: Answer | undefined;
      let failure: AriError;
      try {
        answer = await this.send('POST', '/channels', query, { variables: variables ?? {} });
      } catch (error) {
        answer = undefined;
        failure = error as AriError;
      }
      if (answer) {
        if (answer.status === 200) return 'created';
        if (answer.status === 409) return 'existed';
        failure = new AriError(operation, answer.status, messageOf(answer.body));
        if (!failure.passing) throw failure;
      }
      if (attempt >= this.retry.attempts) throw failure!;
      await sleep(this.backoff(attempt, answer?.retryAfterMs));
      if (heardOf(request.channelId)) return 'existed';
      try {
        if (await this.channel(request.channelId)) return 'existed';
      } catch {
        // Not knowing whether it exists, the same id guards the next try.
      }
    }
  }

  /** Hangs up a channel; 'gone' when it had already ended. */
  async hangup(channelId: string, reason: HangupReason = 'normal'): Promise<'hung-up' | 'gone'> {
    const answer = await this.call('DELETE', `/channels/${encodeURIComponent(channelId)}`, { reason }, undefined, [204, 404]);
    return answer.status === 204 ? 'hung-up' : 'gone';
  }

  async channels(): Promise<Channel[]> {
    const answer = await this.call('GET', '/channels', {}, undefined, [200]);
    return parse(channelSchema.array(), answer.body, 'GET /ari/channels');
  }

  async channel(channelId: string): Promise<Channel | undefined> {
    const answer = await this.call('GET', `/channels/${encodeURIComponent(channelId)}`, {}, undefined, [200, 404]);
    return answer.status === 404 ? undefined : parse(channelSchema, answer.body, `GET /ari/channels/${channelId}`);
  }

  /** A channel variable, or undefined when it is not set (404). The channel must be in the application (else 409). */
  async variable(channelId: string, name: string): Promise<string | undefined> {
    const answer = await this.call('GET', `/channels/${encodeURIComponent(channelId)}/variable`, { variable: name }, undefined, [200, 404]);
    return answer.status === 404 ? undefined : parse(variableSchema, answer.body, `GET /ari/channels/${channelId}/variable`).value;
  }

  /** A mixing bridge under the caller's id; an existing one (409) is taken as made. */
  async createBridge(bridgeId: string): Promise<void> {
    await this.call('POST', '/bridges', { type: 'mixing', bridgeId }, undefined, [200, 409]);
  }

  async addToBridge(bridgeId: string, channelIds: string[]): Promise<void> {
    await this.call('POST', `/bridges/${encodeURIComponent(bridgeId)}/addChannel`, { channel: channelIds }, undefined, [204]);
  }

  async destroyBridge(bridgeId: string): Promise<void> {
    await this.call('DELETE', `/bridges/${encodeURIComponent(bridgeId)}`, {}, undefined, [204, 404]);
  }

  async bridge(bridgeId: string): Promise<Bridge | undefined> {
    const answer = await this.call('GET', `/bridges/${encodeURIComponent(bridgeId)}`, {}, undefined, [200, 404]);
    return answer.status === 404 ? undefined : parse(bridgeSchema, answer.body, `GET /ari/bridges/${bridgeId}`);
  }

  /** Plays media (`sound:name`) on a channel in the application, under the caller's playback id. */
  async play(channelId: string, media: string, playbackId: string): Promise<Playback> {
    const answer = await this.call('POST', `/channels/${encodeURIComponent(channelId)}/play`, { media: [media], playbackId }, undefined, [201]);
    return parse(playbackSchema, answer.body, `POST /ari/channels/${channelId}/play`);
  }

  /** A playback in progress, or undefined once it has finished (Asterisk forgets it then: 404). */
  async playback(playbackId: string): Promise<Playback | undefined> {
    const answer = await this.call('GET', `/playbacks/${encodeURIComponent(playbackId)}`, {}, undefined, [200, 404]);
    return answer.status === 404 ? undefined : parse(playbackSchema, answer.body, `GET /ari/playbacks/${playbackId}`);
  }

  /** Subscribes the application to an event source (`endpoint:PJSIP/trunk`): every channel of the trunk, from its creation. */
  async subscribe(app: string, eventSource: string): Promise<void> {
    await this.call('POST', `/applications/${encodeURIComponent(app)}/subscription`, { eventSource }, undefined, [200]);
  }

  /** One request, tried again on no answer, 429 and 5xx; any status but `expected` is an AriError. */
  private async call(method: string, path: string, query: Query, body: unknown, expected: number[]): Promise<Answer> {
    const operation = `${method} /ari${path}`;
    for (let attempt = 1; ; attempt++) {
      let failure: AriError;
      let retryAfterMs: number | undefined;
      try {
        const answer = await this.send(method, path, query, body);
        if (expected.includes(answer.status)) return answer;
        failure = new AriError(operation, answer.status, messageOf(answer.body));
        retryAfterMs = answer.retryAfterMs;
      } catch (error) {
        failure = error as AriError;
      }
      if (!failure.passing || attempt >= this.retry.attempts) throw failure;
      await sleep(this.backoff(attempt, retryAfterMs));
    }
  }

  private async send(method: string, path: string, query: Query, body: unknown): Promise<Answer> {
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries(query)) {
      if (value === undefined) continue;
      // ARI reads a list (`allowMultiple`) as comma-separated values of one parameter.
      params.set(name, Array.isArray(value) ? value.join(',') : String(value));
    }
    const search = params.size > 0 ? `?${params}` : '';
    let response: Response;
    try {
      response = await fetch(`${this.base}${path}${search}`, {
        method,
        headers: { authorization: this.authorization, accept: 'application/json', ...(body !== undefined && { 'content-type': 'application/json' }) },
        ...(body !== undefined && { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      const e = error as Error;
      const said = e.name === 'TimeoutError' ? `no answer within ${this.timeoutMs / 1000} s` : ((e.cause as Error | undefined)?.message ?? e.message);
      throw new AriError(`${method} /ari${path}`, undefined, said);
    }
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // Not JSON (a proxy's error page): the status decides and the text is what was said.
    }
    const retryAfter = Number(response.headers.get('retry-after'));
    return { status: response.status, body: parsed, retryAfterMs: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : undefined };
  }

  private backoff(attempt: number, retryAfterMs: number | undefined): number {
    const doubled = Math.min(this.retry.maxMs, this.retry.baseMs * 2 ** (attempt - 1));
    return Math.max(doubled, retryAfterMs ?? 0);
  }
}

/** ARI's errors are `{"message": "..."}`. */
function messageOf(body: unknown): string {
  if (body && typeof body === 'object' && 'message' in body && typeof body.message === 'string') return body.message;
  if (typeof body === 'string' && body.trim()) return body.trim().slice(0, 200);
  return 'no message';
}

function parse<T extends z.ZodType>(schema: T, body: unknown, operation: string): z.infer<T> {
  const result = schema.safeParse(body);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new AriError(operation, 200, `an answer ARI does not describe (at ${issue.path.join('.') || 'the top'}: ${issue.message})`);
  }
  return result.data;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
