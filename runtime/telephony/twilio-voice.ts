// Real calls through Twilio Programmable Voice (or any service that speaks its Calls API): the dialer's requests sent
// as Calls API requests, and Twilio's callbacks turned into the call-progress moments the dialer hears.
import type { CallFigures, CarrierAnswer, CarrierSend, EndReason, ReportingCarrier } from '../dialer/carrier.ts';
import type { ReportedMoment } from '../store/repositories/carrier-calls.ts';

export interface TwilioVoiceSettings {
  /** `AC...`: the account calls are placed from; the user name of the API's basic auth. */
  accountSid: string;
  /** The password of the API's basic auth and the key Twilio signs its callbacks with. */
  authToken: string;
  /** The number calls come from when a step names none; Twilio places calls only from numbers the account holds. */
  callerId: string;
  /** Where Twilio reaches this server's hooks (JOURNEY_PUBLIC_URL): the TwiML routes and the callbacks. */
  publicUrl: string;
  /** Default https://api.twilio.com; another address for a service that speaks the same API, or the imitation. */
  apiUrl?: string;
  /** Calls under way at once, across every run (TWILIO_MAX_CALLS). Default 100. */
  maxConcurrentCalls?: number;
  /** The detector's estimated share of people among its machine verdicts. Default 0.02. */
  amdFalsePositiveShare?: number;
  /** How long one request may take before it counts as unanswered. Default 10 s. */
  timeoutMs?: number;
}

/** Twilio's codes for a number that cannot be called as written: the call ends as an invalid number. */
const invalidNumberCodes = new Set(['21211', '21214', '21217', '13224', '13223']);
/** SIP answers that say the number does not exist. */
const invalidNumberSip = new Set(['404', '410', '484', '604']);
/** Statuses after which a call's figures are final. */
const finalStatuses = new Set(['completed', 'busy', 'failed', 'no-answer', 'canceled']);

interface TwilioError {
  code?: number;
  message?: string;
}

export class TwilioVoice implements ReportingCarrier {
  readonly reports = 'later';
  readonly name = 'twilio';
  readonly maxConcurrentCalls: number;
  readonly amdFalsePositiveShare: number;
  private readonly calls: string;
  private readonly authorization: string;
  private readonly hooks: string;

  constructor(private readonly settings: TwilioVoiceSettings) {
    const base = (settings.apiUrl ?? 'https://api.twilio.com').replace(/\/$/, '');
    this.calls = `${base}/2010-04-01/Accounts/${encodeURIComponent(settings.accountSid)}/Calls`;
    this.authorization = `Basic ${Buffer.from(`${settings.accountSid}:${settings.authToken}`).toString('base64')}`;
    this.hooks = `${settings.publicUrl.replace(/\/$/, '')}/hooks/twilio/voice`;
    this.maxConcurrentCalls = settings.maxConcurrentCalls ?? 100;
    this.amdFalsePositiveShare = settings.amdFalsePositiveShare ?? 0.02;
  }

  /** The address of one of the call's hooks, carrying its key (and what else the hook needs). */
  hook(name: 'answer' | 'status' | 'amd' | 'message' | 'bridge', key: string, extra: Record<string, string> = {}): string {
    return `${this.hooks}/${name}?${new URLSearchParams({ key, ...extra })}`;
  }

  async send(request: CarrierSend): Promise<CarrierAnswer> {
    const { command, key, providerCallId } = request;
    switch (command.kind) {
      case 'place':
        return this.place(request);
      case 'cancel':
        // A call that rings is cancelled; one that was answered is hung up.
        return this.update(providerCallId!, { Status: request.answered ? 'completed' : 'canceled' });
      case 'message':
        return this.update(providerCallId!, { Url: this.hook('message', key), Method: 'POST' });
      case 'bridge':
        return this.update(providerCallId!, { Url: this.hook('bridge', key, { agent: command.agentId }), Method: 'POST' });
      case 'fetch':
        return this.fetchFigures(providerCallId!);
    }
  }

  /**
   * Twilio has no idempotency key on the Calls API, so a call whose placing got no clear answer (a timeout, a lost
   * connection, a 5xx) may have been created. Before every try after the first, the calls to the same number from the
   * same caller created since the request was recorded are looked up: one found is this call, and it is not placed
   * again. A 429 proves nothing was created; it is retried after Twilio's Retry-After.
   */
  private async place(request: CarrierSend): Promise<CarrierAnswer> {
    if (request.command.kind !== 'place') throw new Error('not a placing');
    const call = request.command.call;
    const to = call.to!;
    const from = call.callerId || this.settings.callerId;
    if (request.attempt > 1) {
      const found = await this.lookUp(to, from, request.recordedAt);
      if (found.status !== 'done' || found.providerCallId) return found;
    }
    const form = new URLSearchParams({
      To: to,
      From: from,
      Url: this.hook('answer', request.key),
      Method: 'POST',
      StatusCallback: this.hook('status', request.key),
      StatusCallbackMethod: 'POST',
      // Never under the compliance profile's minimum ring time, whatever the step says.
      Timeout: String(Math.max(call.ringSeconds, call.minRingSeconds ?? 0)),
    });
    for (const event of ['initiated', 'ringing', 'answered', 'completed']) form.append('StatusCallbackEvent', event);
    if (call.amd) {
      form.set('MachineDetection', call.amdWaitsForBeep ? 'DetectMessageEnd' : 'Enable');
      form.set('AsyncAmd', 'true');
      form.set('AsyncAmdStatusCallback', this.hook('amd', request.key));
      form.set('AsyncAmdStatusCallbackMethod', 'POST');
    }
    const answer = await this.request('POST', `${this.calls}.json`, form);
    if (answer.kind === 'unreachable') return { status: 'retry', reason: answer.reason };
    if (answer.status === 201 || answer.status === 200) {
      const sid = typeof answer.body.sid === 'string' ? answer.body.sid : undefined;
      if (!sid) return { status: 'retry', reason: `Twilio answered ${answer.status} without a call SID` };
      return { status: 'done', providerCallId: sid };
    }
    return this.failure(answer, 'place the call');
  }

  /** A call to `to` from `from` created since `since`, if Twilio has one: the first try's, whose answer was lost. */
  private async lookUp(to: string, from: string, since: number): Promise<CarrierAnswer> {
    const query = new URLSearchParams({ To: to, From: from, PageSize: '50' });
    const answer = await this.request('GET', `${this.calls}.json?${query}`);
    if (answer.kind === 'unreachable') return { status: 'retry', reason: `${answer.reason} (looking up an earlier try)` };
    if (answer.status !== 200) return this.failure(answer, 'look up an earlier try of the call');
    const calls = Array.isArray(answer.body.calls) ? (answer.body.calls as Record<string, unknown>[]) : [];
    // Twilio's dates have whole seconds: a call created in the second the request was recorded counts.
    const found = calls.find((c) => typeof c.sid === 'string' && Date.parse(String(c.date_created)) >= Math.floor(since / 1000) * 1000);
    return found ? { status: 'done', providerCallId: String(found.sid) } : { status: 'done' };
  }

  private async update(sid: string, fields: Record<string, string>): Promise<CarrierAnswer> {
    const answer = await this.request('POST', `${this.calls}/${encodeURIComponent(sid)}.json`, new URLSearchParams(fields));
    if (answer.kind === 'unreachable') return { status: 'retry', reason: answer.reason };
    if (answer.status === 200) return { status: 'done' };
    return this.failure(answer, 'update the call');
  }

  private async fetchFigures(sid: string): Promise<CarrierAnswer> {
    const answer = await this.request('GET', `${this.calls}/${encodeURIComponent(sid)}.json`);
    if (answer.kind === 'unreachable') return { status: 'retry', reason: answer.reason };
    if (answer.status !== 200) return this.failure(answer, 'read the call');
    const { body } = answer;
    const figures: CallFigures = {
      ...(body.duration != null && { durationSeconds: Number(body.duration) }),
      ...(body.price != null && { price: String(body.price) }),
      ...(body.price_unit != null && { priceUnit: String(body.price_unit) }),
    };
    // Twilio fills in the price a while after the call is over.
    if (!finalStatuses.has(String(body.status)) || body.price == null) {
      return { status: 'retry', reason: 'Twilio has not priced the call yet', retryAfterMs: 30_000 };
    }
    return { status: 'done', figures };
  }

  private failure(answer: Extract<HttpAnswer, { kind: 'answered' }>, what: string): CarrierAnswer {
    const error = answer.body as TwilioError;
    const code = error.code !== undefined ? String(error.code) : undefined;
    const said = `${error.message ?? 'no message'}${code ? ` (Twilio error ${code})` : ''}`;
    if (answer.status === 429) {
      return {
        status: 'retry',
        reason: `Twilio could not ${what} now (HTTP 429): ${said}`,
        ...(answer.retryAfterMs !== undefined && { retryAfterMs: answer.retryAfterMs }),
      };
    }
    if (answer.status >= 500) return { status: 'retry', reason: `Twilio could not ${what} now (HTTP ${answer.status}): ${said}` };
    const reason: EndReason = code && invalidNumberCodes.has(code) ? 'invalid' : 'failed';
    return { status: 'refused', reason: `Twilio refused to ${what} (HTTP ${answer.status}): ${said}`, ended: { reason, ...(code && { code }) } };
  }

  private async request(method: 'GET' | 'POST', url: string, form?: URLSearchParams): Promise<HttpAnswer> {
    const timeoutMs = this.settings.timeoutMs ?? 10_000;
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: { authorization: this.authorization, accept: 'application/json', ...(form && { 'content-type': 'application/x-www-form-urlencoded' }) },
        ...(form && { body: form.toString() }),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      const e = error as Error;
      const said = e.name === 'TimeoutError' ? `no answer within ${timeoutMs / 1000} s` : ((e.cause as Error | undefined)?.message ?? e.message);
      return { kind: 'unreachable', reason: `Twilio could not be reached: ${said}` };
    }
    let body: Record<string, unknown> = {};
    try {
      body = (await response.json()) as Record<string, unknown>;
    } catch {
      // Not JSON (a proxy's error page): the status alone decides.
    }
    const retryAfter = Number(response.headers.get('retry-after'));
    return { kind: 'answered', status: response.status, body, ...(retryAfter > 0 && { retryAfterMs: retryAfter * 1000 }) };
  }
}

type HttpAnswer = { kind: 'unreachable'; reason: string } | { kind: 'answered'; status: number; body: Record<string, unknown>; retryAfterMs?: number };

/** What the detector's `AnsweredBy` says for the dialer: a person unless it heard a machine or a fax. */
export function verdictOf(answeredBy: string): 'human' | 'machine' | undefined {
  switch (answeredBy) {
    case 'human':
    // The detector could not tell: a person may be on the line, and the law protects people, so it goes to an agent.
    case 'unknown':
      return 'human';
    case 'machine_start':
    case 'machine_end_beep':
    case 'machine_end_silence':
    case 'machine_end_other':
    case 'fax':
      return 'machine';
    default:
      return undefined;
  }
}

/**
 * The moments one of Twilio's status callbacks reports, at `now`: ringing, the answer, a hang-up after it (with the
 * billed duration), or the end of an unanswered call with its cause. `answered` says whether the call was answered
 * already; a `completed` whose answer was never reported brings it too.
 */
export function momentsOfStatus(form: Map<string, string>, now: number, answered: boolean): { moments: ReportedMoment[]; durationSeconds?: number } {
  const status = form.get('CallStatus');
  const duration = form.get('CallDuration');
  const durationSeconds = duration !== undefined && /^\d+$/.test(duration) ? Number(duration) : undefined;
  const withDuration = durationSeconds !== undefined ? { durationSeconds } : {};
  switch (status) {
    case 'ringing':
      return { moments: [{ type: 'ringing', at: now }] };
    case 'in-progress':
      return { moments: [{ type: 'answered', at: now, by: 'human' }] };
    case 'completed': {
      const moments: ReportedMoment[] = [];
      if (!answered) moments.push({ type: 'answered', at: now - (durationSeconds ?? 0) * 1000, by: 'human' });
      moments.push({ type: 'hangup', at: now });
      return { moments, ...withDuration };
    }
    case 'busy':
      return { moments: [{ type: 'ended', at: now, reason: 'busy' }], ...withDuration };
    case 'no-answer':
    case 'canceled':
      return { moments: [{ type: 'ended', at: now, reason: 'no-answer' }], ...withDuration };
    case 'failed': {
      const errorCode = form.get('ErrorCode');
      const sip = form.get('SipResponseCode');
      const invalid = (errorCode && invalidNumberCodes.has(errorCode)) || (sip && invalidNumberSip.has(sip));
      const code = errorCode || (sip ? `SIP ${sip}` : undefined);
      return { moments: [{ type: 'ended', at: now, reason: invalid ? 'invalid' : 'failed', ...(code && { code }) }], ...withDuration };
    }
    default:
      // queued, initiated: nothing the dialer acts on.
      return { moments: [] };
  }
}

/** The detector's verdict from Twilio's asynchronous AMD callback, at `now`, where the greeting ended. */
export function momentOfAmd(form: Map<string, string>, now: number): ReportedMoment | undefined {
  const verdict = verdictOf(form.get('AnsweredBy') ?? '');
  if (!verdict) return undefined;
  const duration = Number(form.get('MachineDetectionDuration'));
  return { type: 'amd', at: now, verdict, decisionMs: Number.isFinite(duration) ? duration : 0, greetingEndsAt: now };
}
