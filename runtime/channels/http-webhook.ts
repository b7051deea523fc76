// The real webhook channel: one HTTP request with a timeout; a JSON reply is kept for the contact. Internal addresses
// are refused on the address actually connected to (after DNS, on every redirect), each step keeps to its own
// concurrency and rate, and the reply is capped.
import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions } from 'node:dns';
import { request as httpRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import type { ChannelProvider, SendRequest, SendResult, WebhookPayload } from './provider.ts';
import { AddressPolicy } from './webhook-addresses.ts';

export interface HttpWebhookOptions {
  /** Internal addresses that may be called after all; default: JOURNEY_WEBHOOK_ALLOW. */
  allow?: readonly string[];
  /** Replies longer than this are not kept (the call counts as failed). Default 256 KiB. */
  maxReplyBytes?: number;
  /** Redirects followed at most. Default 5. */
  maxRedirects?: number;
  /**
   * A send that could not start within this long under its step's limits is not made now: it is deferred, and the
   * runtime offers it again later without counting an attempt. The runtime waits for a batch's answers before its
   * next round (other runs' sends included), so this stays short. Default 5 s.
   */
  maxQueueMs?: number;
}

/** Each step's limits unless it sets its own: what a CRM's API takes without throttling. */
export const defaultWebhookConcurrency = 4;
export const defaultWebhookRatePerSecond = 10;

/** Request headers whose values are credentials: dropped when a redirect leaves the origin. */
const credentialHeaders = new Set(['authorization', 'cookie', 'proxy-authorization', 'x-api-key']);

class RefusedAddress extends Error {}

/** A step's limiter: requests start no closer together than 1/rate, and at most `concurrency` are open at once. */
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

class StepLimiter {
  private nextStart = 0;
  /** When the last request of this step actually started. */
  private lastStart = Number.NEGATIVE_INFINITY;
  private open = 0;
  /** Admitted and not started yet. */
  private queued = 0;
  /** How long a request of this step takes, on average, to estimate the wait for a free place; a guess at first. */
  private averageMs = 250;
  private readonly waiting: (() => void)[] = [];

  constructor(
    readonly concurrency: number,
    readonly ratePerSecond: number,
  ) {}

  /** How long from now a request admitted now would wait to start: for its turn at the rate, or for a free place. */
  expectedWaitMs(): number {
    const forRate = Math.max(0, this.nextStart - Date.now());
    const ahead = this.open + this.queued + 1 - this.concurrency;
    return Math.max(forRate, ahead > 0 ? (ahead / this.concurrency) * this.averageMs : 0);
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    const spacing = 1000 / this.ratePerSecond;
    const at = Math.max(Date.now(), this.nextStart);
    this.nextStart = at + spacing;
    this.queued++;
    try {
      if (at > Date.now()) await sleep(at - Date.now());
      for (;;) {
        while (this.open >= this.concurrency) await new Promise<void>((resolve) => this.waiting.push(resolve));
        // The spacing holds between actual starts: timers that fire late (a busy event loop, a pause of the process)
        // would otherwise start their requests together, a burst the CRM's own rate limit would refuse.
        const wait = this.lastStart + spacing - Date.now();
        if (wait <= 0 && this.open < this.concurrency) break;
        if (wait > 0) await sleep(wait);
      }
    } finally {
      this.queued--;
    }
    this.lastStart = Date.now();
    this.nextStart = Math.max(this.nextStart, this.lastStart + spacing);
    this.open++;
    const started = Date.now();
    try {
      return await work();
    } finally {
      this.averageMs = 0.8 * this.averageMs + 0.2 * (Date.now() - started);
      this.open--;
      this.waiting.shift()?.();
    }
  }
}

/** The address without its query, fragment or credentials, for messages kept in events: those may carry secrets. */
function shown(url: URL): string {
  return `${url.origin}${url.pathname}`;
}

export class HttpWebhook implements ChannelProvider {
  private readonly policy: AddressPolicy;
  private readonly maxReplyBytes: number;
  private readonly maxRedirects: number;
  private readonly maxQueueMs: number;
  private readonly limiters = new Map<string, StepLimiter>();

  constructor(options: HttpWebhookOptions = {}) {
    this.policy = options.allow ? new AddressPolicy(options.allow) : AddressPolicy.fromEnvironment();
    this.maxReplyBytes = options.maxReplyBytes ?? 256 * 1024;
    this.maxRedirects = options.maxRedirects ?? 5;
    this.maxQueueMs = options.maxQueueMs ?? 5000;
  }

  async send(request: SendRequest): Promise<SendResult> {
    if (request.payload.channel !== 'webhook') return { status: 'permanent-error', reason: 'Not a webhook request' };
    const payload = request.payload;
    const limiter = this.limiter(request, payload);
    const wait = limiter.expectedWaitMs();
    if (wait > this.maxQueueMs) {
      return {
        status: 'deferred',
        until: request.now + Math.max(wait, 1000),
        reason: `The step's limits (${limiter.concurrency} at once, ${limiter.ratePerSecond} a second) hold this call back`,
      };
    }
    return limiter.run(() => this.call(request, payload));
  }

  private limiter(request: SendRequest, payload: WebhookPayload): StepLimiter {
    const key = `${request.runId}\u0000${request.nodeId}`;
    const concurrency = payload.concurrency ?? defaultWebhookConcurrency;
    const rate = payload.ratePerSecond ?? defaultWebhookRatePerSecond;
    let limiter = this.limiters.get(key);
    if (!limiter || limiter.concurrency !== concurrency || limiter.ratePerSecond !== rate) {
      limiter = new StepLimiter(concurrency, rate);
      this.limiters.set(key, limiter);
    }
    return limiter;
  }

  private async call(request: SendRequest, payload: WebhookPayload): Promise<SendResult> {
    const { method, headers, body, timeoutMs } = payload;
    let url: URL;
    try {
      url = new URL(payload.url);
    } catch {
      return { status: 'permanent-error', reason: `"${payload.url}" is not a web address` };
    }
    const signal = AbortSignal.timeout(timeoutMs);
    let current = { url, method: method as string, body, headers: { ...headers, 'Idempotency-Key': request.key } as Record<string, string> };
    try {
      for (let hop = 0; ; hop++) {
        if (current.url.protocol !== 'http:' && current.url.protocol !== 'https:') {
          return { status: 'permanent-error', reason: `${shown(url)} redirected to a ${current.url.protocol} address; webhooks follow http and https only` };
        }
        const response = await this.exchange(current.url, current.method, current.headers, current.body, signal);
        const location = response.statusCode >= 300 && response.statusCode < 400 ? response.headers.location : undefined;
        if (location === undefined) return this.answer(url, response.statusCode, response.reply);
        if (hop >= this.maxRedirects) return { status: 'permanent-error', reason: `${shown(url)} redirected more than ${this.maxRedirects} times` };
        const next = new URL(location, current.url);
        // As browsers do: 303, and 301/302 after a POST, go on as GET without the body.
        const asGet = response.statusCode === 303 || ((response.statusCode === 301 || response.statusCode === 302) && current.method === 'POST');
        const sameOrigin = next.origin === current.url.origin;
        const nextHeaders = Object.fromEntries(
          Object.entries(current.headers).filter(
            ([name]) => (sameOrigin || !credentialHeaders.has(name.toLowerCase())) && !(asGet && /^content-(type|length)$/i.test(name)),
          ),
        );
        current = { url: next, method: asGet ? 'GET' : current.method, body: asGet ? undefined : current.body, headers: nextHeaders };
      }
    } catch (error) {
      if (error instanceof RefusedAddress) return { status: 'permanent-error', reason: `${shown(url)} was not called: ${error.message}` };
      if (error instanceof ReplyTooLarge)
        return { status: 'permanent-error', reason: `${shown(url)} answered with more than ${this.maxReplyBytes} bytes; the reply was not kept` };
      const reason = signal.aborted ? `${shown(url)} did not answer within ${timeoutMs} ms` : `${shown(url)} could not be reached: ${(error as Error).message}`;
      return { status: 'transient-error', reason };
    }
  }

  private answer(url: URL, status: number, text: string): SendResult {
    let reply: unknown = text;
    try {
      reply = text ? JSON.parse(text) : null;
    } catch {
      // not JSON: kept as text
    }
    // Server errors and throttling may pass; other answers are final. Only the status and the body are kept: reply
    // headers (Set-Cookie and the like) never reach the events.
    if (status >= 500 || status === 429) return { status: 'transient-error', reason: `${shown(url)} answered ${status}` };
    return { status: 'accepted', providerId: `http-${status}`, followUps: [], data: { status, reply } };
  }

  /** One request to one address, checked on the address connected to; the reply read up to the cap. */
  private exchange(
    url: URL,
    method: string,
    headers: Record<string, string>,
    body: string | undefined,
    signal: AbortSignal,
  ): Promise<{ statusCode: number; headers: IncomingMessage['headers']; reply: string }> {
    const host = url.hostname.replace(/^\[|\]$/g, '');
    // An address written in the URL is connected to without a lookup, so it is checked here; names are checked on
    // what they resolve to, at connect time, so that a name cannot resolve to a public address first and an internal
    // one later.
    if (isIP(host)) {
      const refusal = this.policy.refusal(host);
      if (refusal) return Promise.reject(new RefusedAddress(refusal));
    }
    const lookup: LookupFunction = (hostname, options, callback) => {
      dnsLookup(hostname, { ...(options as object), all: true } as LookupAllOptions, (error, addresses: LookupAddress[]) => {
        if (error) return callback(error, '', 0);
        const refusal = addresses.map((a) => this.policy.refusal(a.address)).find((r) => r !== undefined);
        if (refusal) return callback(new RefusedAddress(`${hostname} resolves to ${refusal}`), '', 0);
        if ((options as { all?: boolean }).all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
        callback(null, addresses[0]!.address, addresses[0]!.family);
      });
    };
    const options: RequestOptions = {
      method,
      headers: { ...headers, ...(body !== undefined && method !== 'GET' && { 'content-length': String(Buffer.byteLength(body)) }) },
      lookup,
      signal,
      agent: false,
    };
    return new Promise((resolve, reject) => {
      const req = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, options, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > this.maxReplyBytes) {
            res.destroy();
            reject(new ReplyTooLarge());
            return;
          }
          chunks.push(chunk);
        });
        res.on('end', () => resolve({ statusCode: res.statusCode ?? 0, headers: res.headers, reply: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
        // A reply cut off (the timeout, the other side closing) must settle the call too, never leave it waiting.
        res.on('close', () => reject(new Error('the connection closed before the reply was complete')));
      });
      req.on('error', reject);
      req.end(body !== undefined && method !== 'GET' ? body : undefined);
    });
  }
}

class ReplyTooLarge extends Error {}
