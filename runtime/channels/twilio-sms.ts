// The real SMS channel: each send is one request to Twilio's Messages API, or to any service that speaks it.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { ChannelProvider, SendRequest, SendResult } from './provider.ts';

export interface TwilioSettings {
  /** `AC...`: the account the messages are sent from; also the user name of the API's basic auth. */
  accountSid: string;
  /** The account's auth token: the password of the API's basic auth and the key Twilio signs its requests with. */
  authToken: string;
  /** The sender of a step that names none: an E.164 number, an alphanumeric sender id, or a Messaging Service `MG...`. */
  from: string;
  /** Default https://api.twilio.com; another address for a Twilio-compatible service or a test server. */
  apiUrl?: string;
  /** Where Twilio reports each message's delivery; without one, no delivery or failure after acceptance is learnt. */
  statusCallbackUrl?: string;
  /** How long one request may take before it counts as a passing failure. Default 10 s. */
  timeoutMs?: number;
  /** Requests in flight at once when a batch of texts goes out. Default 10. */
  concurrency?: number;
}

interface TwilioError {
  code?: number;
  message?: string;
  more_info?: string;
  status?: number;
}

/**
 * Twilio error codes that come with a 4xx but pass: the sender's queue is full (21611). Anything else in the 4xx
 * range is the request's own fault (an invalid number, 21211; a recipient who texted STOP, 21610) and will not
 * succeed if tried again.
 */
const passingCodes = new Set([21611]);

export class TwilioSms implements ChannelProvider {
  private readonly endpoint: string;
  private readonly authorization: string;

  constructor(private readonly settings: TwilioSettings) {
    const base = (settings.apiUrl ?? 'https://api.twilio.com').replace(/\/$/, '');
    this.endpoint = `${base}/2010-04-01/Accounts/${encodeURIComponent(settings.accountSid)}/Messages.json`;
    this.authorization = `Basic ${Buffer.from(`${settings.accountSid}:${settings.authToken}`).toString('base64')}`;
  }

  /**
   * A batch a few requests at a time: the runtime offers up to a thousand sends at once, and Twilio answers a flood
   * of simultaneous requests with 429s.
   */
  async sendMany(requests: SendRequest[]): Promise<SendResult[]> {
    const results: SendResult[] = new Array(requests.length);
    let next = 0;
    const worker = async () => {
      while (next < requests.length) {
        const i = next++;
        results[i] = await this.send(requests[i]!);
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.settings.concurrency ?? 10, requests.length) }, worker));
    return results;
  }

  async send(request: SendRequest): Promise<SendResult> {
    const payload = request.payload;
    if (payload.channel !== 'sms') return { status: 'permanent-error', reason: 'Not an SMS request' };
    const from = payload.from ?? this.settings.from;
    const form = new URLSearchParams({ To: payload.to, Body: payload.body });
    // A Messaging Service picks the number from its pool; anything else is the sender itself.
    if (/^MG[0-9a-fA-F]{32}$/.test(from)) form.set('MessagingServiceSid', from);
    else form.set('From', from);
    if (this.settings.statusCallbackUrl) form.set('StatusCallback', this.settings.statusCallbackUrl);

    let response: Response;
    try {
      response = await fetch(this.endpoint, {
        method: 'POST',
        headers: {
          authorization: this.authorization,
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
          // Twilio documents this header on the webhooks it sends, not on its API; sent here so that a service that
          // honours it can drop the repeat of a send whose answer was lost. Twilio itself may send the text twice.
          'i-twilio-idempotency-token': request.key,
        },
        body: form.toString(),
        signal: AbortSignal.timeout(this.settings.timeoutMs ?? 10_000),
      });
    } catch (error) {
      const e = error as Error;
      const said =
        e.name === 'TimeoutError' ? `no answer within ${(this.settings.timeoutMs ?? 10_000) / 1000} s` : ((e.cause as Error | undefined)?.message ?? e.message);
      return { status: 'transient-error', reason: `Twilio could not be reached: ${said}` };
    }

    let body: Record<string, unknown> = {};
    try {
      body = (await response.json()) as Record<string, unknown>;
    } catch {
      // Not JSON (a proxy's error page): the HTTP status alone decides.
    }
    if (response.status === 200 || response.status === 201) {
      const sid = typeof body.sid === 'string' ? body.sid : undefined;
      if (!sid) return { status: 'transient-error', reason: `Twilio answered ${response.status} without a message SID` };
      return { status: 'accepted', providerId: sid, followUps: [], data: { providerStatus: String(body.status ?? '') } };
    }
    const error = body as TwilioError;
    const said = `${error.message ?? response.statusText ?? 'no message'}${error.code !== undefined ? ` (Twilio error ${error.code})` : ''}`;
    if (response.status === 429 || response.status >= 500 || (error.code !== undefined && passingCodes.has(error.code))) {
      return { status: 'transient-error', reason: `Twilio could not take the message now (HTTP ${response.status}): ${said}` };
    }
    return { status: 'permanent-error', reason: `Twilio refused the message (HTTP ${response.status}): ${said}` };
  }
}

/**
 * Twilio's signature of a request it makes: HMAC-SHA1, keyed by the auth token, of the full URL it called followed
 * by each POST parameter's name and value, sorted by name; base64.
 */
export function twilioSignature(authToken: string, url: string, params: Iterable<[string, string]>): string {
  const sorted = [...params].sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0));
  const data = url + sorted.map(([name, value]) => name + value).join('');
  return createHmac('sha1', authToken).update(data, 'utf8').digest('base64');
}

/** Whether `signature` (the X-Twilio-Signature header) is Twilio's for a request to one of `urls`. */
export function validTwilioSignature(authToken: string, signature: string | undefined, urls: string[], params: [string, string][]): boolean {
  if (!signature) return false;
  const given = Buffer.from(signature);
  return urls.some((url) => {
    const expected = Buffer.from(twilioSignature(authToken, url, params));
    return expected.length === given.length && timingSafeEqual(expected, given);
  });
}
