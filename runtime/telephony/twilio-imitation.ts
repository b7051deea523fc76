// An imitation of Twilio's Calls API for tests, written from Twilio's published OpenAPI description (api v2010: the
// Calls resource's create, update, fetch and list). It checks every request against that description (basic auth,
// the account SID's pattern, required fields, allowed values, no parameter the description does not name), plays a
// scripted fate for each number called by sending signed status and AMD callbacks, fetches the TwiML of the call's
// `Url` and records what the call did. What it knows of the description is carried here, not read from a file.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { twilioSignature } from '../channels/twilio-sms.ts';

/** What happens to a call to a number. Times are from the moment the call was created, in ms. */
export type Fate =
  | { kind: 'human'; ringMs?: number; amdMs?: number }
  | { kind: 'machine'; ringMs?: number; amdMs?: number }
  | { kind: 'busy'; ringMs?: number }
  | { kind: 'no-answer'; ringMs?: number }
  | { kind: 'failed'; ringMs?: number; errorCode?: string; sipResponseCode?: string };

/** What a call did, in order, as the imitation saw it. */
export type CallAction =
  | { action: 'paused' }
  | { action: 'dialled-client'; client: string }
  | { action: 'said'; text: string }
  | { action: 'played'; url: string }
  | { action: 'hung-up' }
  | { action: 'updated'; status: 'canceled' | 'completed' };

/** A request the imitation refused, and why: a test fails on any. */
export interface Refusal {
  method: string;
  path: string;
  status: number;
  message: string;
}

/** The answer the imitation gives instead of the real one, for the next requests of a kind. */
export type Fault = { status: 429 | 500 | 503; afterCreating?: boolean };

// From the description: the create operation's form fields, with their types and allowed values.
const httpMethods = ['GET', 'POST'];
const createFields: Record<string, FieldRule> = {
  To: { type: 'endpoint' },
  From: { type: 'endpoint' },
  Method: { enum: httpMethods },
  FallbackUrl: { type: 'uri' },
  FallbackMethod: { enum: httpMethods },
  StatusCallback: { type: 'uri' },
  StatusCallbackEvent: { array: true, enum: ['initiated', 'ringing', 'answered', 'completed'] },
  StatusCallbackMethod: { enum: httpMethods },
  SendDigits: {},
  Timeout: { type: 'integer', min: 1, max: 600 },
  Record: { type: 'boolean' },
  RecordingChannels: {},
  RecordingStatusCallback: {},
  RecordingStatusCallbackMethod: { enum: httpMethods },
  SipAuthUsername: {},
  SipAuthPassword: {},
  MachineDetection: { enum: ['Enable', 'DetectMessageEnd'] },
  MachineDetectionTimeout: { type: 'integer' },
  RecordingStatusCallbackEvent: { array: true },
  Trim: {},
  CallerId: {},
  MachineDetectionSpeechThreshold: { type: 'integer' },
  MachineDetectionSpeechEndThreshold: { type: 'integer' },
  MachineDetectionSilenceTimeout: { type: 'integer' },
  AsyncAmd: { enum: ['true', 'false'] },
  AsyncAmdStatusCallback: { type: 'uri' },
  AsyncAmdStatusCallbackMethod: { enum: httpMethods },
  Byoc: { pattern: /^BY[0-9a-fA-F]{32}$/ },
  CallReason: {},
  CallToken: {},
  RecordingTrack: {},
  TimeLimit: { type: 'integer' },
  ClientNotificationUrl: { type: 'uri' },
  Url: { type: 'uri' },
  Twiml: {},
  ApplicationSid: { pattern: /^AP[0-9a-fA-F]{32}$/ },
};
const createRequired = ['To', 'From'];
const updateFields: Record<string, FieldRule> = {
  Url: { type: 'uri' },
  Method: { enum: httpMethods },
  Status: { enum: ['canceled', 'completed'] },
  FallbackUrl: { type: 'uri' },
  FallbackMethod: { enum: httpMethods },
  StatusCallback: { type: 'uri' },
  StatusCallbackMethod: { enum: httpMethods },
  Twiml: {},
  TimeLimit: { type: 'integer' },
};
const listFields: Record<string, FieldRule> = {
  To: {},
  From: {},
  ParentCallSid: { pattern: /^CA[0-9a-fA-F]{32}$/ },
  Status: { enum: ['queued', 'ringing', 'in-progress', 'completed', 'busy', 'failed', 'no-answer', 'canceled'] },
  StartTime: {},
  'StartTime<': {},
  'StartTime>': {},
  EndTime: {},
  'EndTime<': {},
  'EndTime>': {},
  PageSize: { type: 'integer', min: 1, max: 1000 },
  Page: { type: 'integer', min: 0 },
  PageToken: {},
};
const accountSidPattern = /^AC[0-9a-fA-F]{32}$/;
const callSidPattern = /^CA[0-9a-fA-F]{32}$/;

interface FieldRule {
  type?: 'uri' | 'integer' | 'boolean' | 'endpoint';
  enum?: string[];
  array?: boolean;
  pattern?: RegExp;
  min?: number;
  max?: number;
}

type Status = 'queued' | 'ringing' | 'in-progress' | 'completed' | 'busy' | 'failed' | 'no-answer' | 'canceled';

interface ImitatedCall {
  sid: string;
  to: string;
  from: string;
  params: Map<string, string[]>;
  status: Status;
  createdAt: number;
  answeredAt?: number;
  endedAt?: number;
  answeredBy?: string;
  fate: Fate;
  actions: CallAction[];
  timers: NodeJS.Timeout[];
  /** Callbacks sent: the kind and the status or verdict. */
  callbacks: string[];
  /** Counts the TwiML documents asked for: an update replaces the document being fetched, as on Twilio. */
  document: number;
}

export class TwilioImitation {
  readonly accountSid = `AC${randomBytes(16).toString('hex')}`;
  readonly authToken = randomBytes(16).toString('hex');
  readonly calls: ImitatedCall[] = [];
  readonly refusals: Refusal[] = [];
  /** Every request received, as METHOD path. */
  readonly requests: string[] = [];
  private readonly fates = new Map<string, Fate>();
  private readonly faults: Fault[] = [];
  /** Each callback is sent this many times (Twilio may repeat one). */
  repeatCallbacks = 1;
  /** The AMD callback goes before the answered status callback when true (they may arrive in any order). */
  amdFirst = false;
  private server: Server | undefined;
  url = '';

  /** The fate of calls to `to` (E.164). A number without one rings without an answer. */
  script(to: string, fate: Fate): this {
    this.fates.set(to, fate);
    return this;
  }

  /** The next creates answer with these faults, in order, instead of (or after, `afterCreating`) doing their work. */
  failNextCreates(...faults: Fault[]): this {
    this.faults.push(...faults);
    return this;
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      void this.handle(req, res).catch((error: unknown) => this.send(res, 500, { code: 20500, message: String(error) }));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    for (const call of this.calls) for (const t of call.timers) clearTimeout(t);
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  callTo(to: string): ImitatedCall | undefined {
    return this.calls.find((c) => c.to === to);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    this.requests.push(`${req.method} ${url.pathname}`);
    const refuse = (status: number, code: number, message: string) => {
      this.refusals.push({ method: req.method ?? '', path: url.pathname, status, message });
      this.send(res, status, { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status });
    };
    const match = /^\/2010-04-01\/Accounts\/([^/]+)\/Calls(?:\/([^/]+))?\.json$/.exec(url.pathname);
    if (!match) return refuse(404, 20404, `The requested resource ${url.pathname} was not found`);
    const [, account, sid] = match;
    if (!accountSidPattern.test(account!)) return refuse(400, 20001, `AccountSid ${account} does not match ^AC[0-9a-fA-F]{32}$`);
    const expected = `Basic ${Buffer.from(`${this.accountSid}:${this.authToken}`).toString('base64')}`;
    if (req.headers.authorization !== expected || account !== this.accountSid) return refuse(401, 20003, 'Authentication Error - invalid username');
    if (req.method === 'POST' && !String(req.headers['content-type']).startsWith('application/x-www-form-urlencoded')) {
      return refuse(400, 20001, 'The request body must be application/x-www-form-urlencoded');
    }
    const body = req.method === 'POST' ? await readBody(req) : '';
    const params = groupParams(req.method === 'POST' ? new URLSearchParams(body) : url.searchParams);
    if (sid !== undefined && !callSidPattern.test(sid)) return refuse(404, 20404, `Call ${sid} was not found`);
    if (req.method === 'POST' && sid === undefined) {
      const problem = checkFields(params, createFields, createRequired);
      if (problem) return refuse(400, 21201, problem);
      if (!params.has('Url') && !params.has('Twiml') && !params.has('ApplicationSid')) return refuse(400, 21205, 'Url, Twiml or ApplicationSid is required');
      return this.create(params, res);
    }
    if (req.method === 'GET' && sid === undefined) {
      const problem = checkFields(params, listFields, []);
      if (problem) return refuse(400, 20001, problem);
      const to = one(params, 'To');
      const from = one(params, 'From');
      const size = Number(one(params, 'PageSize') ?? 50);
      const found = this.calls.filter((c) => (!to || c.to === to) && (!from || c.from === from)).reverse();
      return this.send(res, 200, { calls: found.slice(0, size).map((c) => this.resource(c)), page: 0, page_size: size });
    }
    const call = this.calls.find((c) => c.sid === sid);
    if (!call) return refuse(404, 20404, `The requested resource Call ${sid} was not found`);
    if (req.method === 'GET') return this.send(res, 200, this.resource(call));
    if (req.method !== 'POST') return refuse(405, 20004, `Method ${req.method} not allowed`);
    const problem = checkFields(params, updateFields, []);
    if (problem) return refuse(400, 21201, problem);
    if (isOver(call.status)) return refuse(400, 21220, 'Call is not in-progress. Cannot redirect.');
    const status = one(params, 'Status') as 'canceled' | 'completed' | undefined;
    const next = one(params, 'Url');
    this.send(res, 200, this.resource(call));
    if (status) {
      call.actions.push({ action: 'updated', status });
      this.end(call, status === 'canceled' && call.status !== 'in-progress' ? 'canceled' : 'completed');
    } else if (next) {
      await this.runTwiml(call, next);
    }
  }

  private create(params: Map<string, string[]>, res: ServerResponse): void {
    const fault = this.faults.shift();
    if (fault && !fault.afterCreating) {
      this.send(res, fault.status, { code: 20429, message: 'Too Many Requests', status: fault.status });
      return;
    }
    const to = one(params, 'To')!;
    const call: ImitatedCall = {
      sid: `CA${randomBytes(16).toString('hex')}`,
      to,
      from: one(params, 'From')!,
      params,
      status: 'queued',
      createdAt: Date.now(),
      fate: this.fates.get(to) ?? { kind: 'no-answer' },
      actions: [],
      timers: [],
      callbacks: [],
      document: 0,
    };
    this.calls.push(call);
    if (fault) this.send(res, fault.status, { code: 20500, message: 'Internal Server Error', status: fault.status });
    else this.send(res, 201, this.resource(call));
    this.play(call);
  }

  /** The fate of a call, on timers: ringing, then the answer and the detector's verdict, or the end. */
  private play(call: ImitatedCall): void {
    const { fate } = call;
    const ringMs = fate.ringMs ?? 50;
    const at = (ms: number, fn: () => void) => call.timers.push(setTimeout(() => void fn(), ms));
    at(5, () => this.status(call, 'initiated'));
    at(10, () => {
      call.status = 'ringing';
      this.status(call, 'ringing');
    });
    if (fate.kind === 'busy' || fate.kind === 'no-answer' || fate.kind === 'failed') {
      at(ringMs, () => this.end(call, fate.kind));
      return;
    }
    at(ringMs, async () => {
      if (isOver(call.status)) return;
      call.status = 'in-progress';
      call.answeredAt = Date.now();
      const amd = one(call.params, 'MachineDetection') !== undefined;
      const verdict = async () => {
        call.answeredBy = fate.kind === 'human' ? 'human' : one(call.params, 'MachineDetection') === 'DetectMessageEnd' ? 'machine_end_beep' : 'machine_start';
        await this.amd(call);
      };
      if (amd && this.amdFirst) await verdict();
      this.status(call, 'answered');
      if (amd && !this.amdFirst) at(fate.amdMs ?? 100, verdict);
      await this.runTwiml(call, one(call.params, 'Url')!);
    });
  }

  /** Fetches the TwiML at `url` for the call, as Twilio does (a signed POST), and does what it says. */
  private async runTwiml(call: ImitatedCall, url: string): Promise<void> {
    const params = this.callParams(call);
    const document = ++call.document;
    const response = await fetch(url, { method: 'POST', headers: this.signed(url, params), body: new URLSearchParams(params).toString() });
    const twiml = await response.text();
    if (document !== call.document) return;
    if (!response.ok) {
      this.refusals.push({ method: 'TwiML', path: url, status: response.status, message: twiml });
      return;
    }
    for (const verb of verbsOf(twiml)) {
      if (isOver(call.status)) return;
      if (verb.name === 'Pause') {
        // A hold: the call waits here until it is updated or hung up; the Redirect after it would only come back.
        if (call.actions.at(-1)?.action !== 'paused') call.actions.push({ action: 'paused' });
        return;
      }
      if (verb.name === 'Say') call.actions.push({ action: 'said', text: verb.text });
      if (verb.name === 'Play') call.actions.push({ action: 'played', url: verb.text });
      if (verb.name === 'Dial') {
        for (const client of verb.clients) call.actions.push({ action: 'dialled-client', client });
        // Bridged: the agent's side is a later part; the call stays up until someone hangs up.
        return;
      }
      if (verb.name === 'Hangup') {
        call.actions.push({ action: 'hung-up' });
        this.end(call, 'completed');
        return;
      }
    }
  }

  /** Hangs up a call from the callee's side (a bridged call the agent's conversation ended). */
  hangUp(call: ImitatedCall): void {
    if (!isOver(call.status)) this.end(call, 'completed');
  }

  private end(call: ImitatedCall, status: Exclude<Status, 'queued' | 'ringing' | 'in-progress'>): void {
    if (isOver(call.status)) return;
    for (const t of call.timers) clearTimeout(t);
    call.status = status;
    call.endedAt = Date.now();
    this.status(call, status);
  }

  private duration(call: ImitatedCall): number {
    return call.answeredAt && call.endedAt ? Math.ceil((call.endedAt - call.answeredAt) / 1000) : 0;
  }

  private callParams(call: ImitatedCall): Record<string, string> {
    return {
      AccountSid: this.accountSid,
      CallSid: call.sid,
      From: call.from,
      To: call.to,
      CallStatus: call.status,
      Direction: 'outbound-api',
      ApiVersion: '2010-04-01',
    };
  }

  /** A status callback for `event`, if the call asked for that event (completed is always sent). */
  private status(call: ImitatedCall, event: string): void {
    const url = one(call.params, 'StatusCallback');
    const asked = call.params.get('StatusCallbackEvent') ?? [];
    const terminal = isOver(call.status);
    const name = event === 'in-progress' ? 'answered' : terminal ? 'completed' : event;
    if (!url || (!terminal && !asked.includes(name))) return;
    const params: Record<string, string> = {
      ...this.callParams(call),
      CallbackSource: 'call-progress-events',
      SequenceNumber: String(call.callbacks.length),
      Timestamp: new Date().toUTCString(),
    };
    if (terminal) params.CallDuration = String(this.duration(call));
    if (call.status === 'failed' && call.fate.kind === 'failed') {
      if (call.fate.errorCode) params.ErrorCode = call.fate.errorCode;
      if (call.fate.sipResponseCode) params.SipResponseCode = call.fate.sipResponseCode;
    }
    call.callbacks.push(`status:${call.status}`);
    void this.callback(url, params);
  }

  private async amd(call: ImitatedCall): Promise<void> {
    const url = one(call.params, 'AsyncAmdStatusCallback');
    if (!url || isOver(call.status)) return;
    call.callbacks.push(`amd:${call.answeredBy}`);
    await this.callback(url, {
      ...this.callParams(call),
      AnsweredBy: call.answeredBy!,
      MachineDetectionDuration: String(call.fate.kind === 'human' ? 1200 : 3400),
    });
  }

  private async callback(url: string, params: Record<string, string>): Promise<void> {
    for (let i = 0; i < this.repeatCallbacks; i++) {
      const response = await fetch(url, { method: 'POST', headers: this.signed(url, params), body: new URLSearchParams(params).toString() }).catch(
        (error: unknown) => ({ ok: false, status: 0, text: async () => String(error) }),
      );
      if (!response.ok) this.refusals.push({ method: 'callback', path: url, status: response.status, message: await response.text() });
    }
  }

  private signed(url: string, params: Record<string, string>): Record<string, string> {
    return {
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': twilioSignature(this.authToken, url, Object.entries(params)),
    };
  }

  private resource(call: ImitatedCall): Record<string, unknown> {
    const over = isOver(call.status);
    const minutes = Math.ceil(this.duration(call) / 60);
    return {
      sid: call.sid,
      date_created: new Date(call.createdAt).toUTCString(),
      date_updated: new Date().toUTCString(),
      parent_call_sid: null,
      account_sid: this.accountSid,
      to: call.to,
      to_formatted: call.to,
      from: call.from,
      from_formatted: call.from,
      phone_number_sid: null,
      status: call.status,
      start_time: call.answeredAt ? new Date(call.answeredAt).toUTCString() : null,
      end_time: call.endedAt ? new Date(call.endedAt).toUTCString() : null,
      duration: over ? String(this.duration(call)) : null,
      // Priced once over: 1.3 US cents a started minute, as a charge (negative), the way Twilio writes it.
      price: over ? (-0.013 * minutes).toFixed(5) : null,
      price_unit: 'USD',
      direction: 'outbound-api',
      answered_by: call.answeredBy ?? null,
      api_version: '2010-04-01',
      forwarded_from: null,
      group_sid: null,
      caller_name: null,
      queue_time: '0',
      trunk_sid: null,
      uri: `/2010-04-01/Accounts/${this.accountSid}/Calls/${call.sid}.json`,
      subresource_uris: {},
    };
  }

  private send(res: ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  }
}

function isOver(status: Status): boolean {
  return !['queued', 'ringing', 'in-progress'].includes(status);
}

function one(params: Map<string, string[]>, name: string): string | undefined {
  return params.get(name)?.[0];
}

function groupParams(search: URLSearchParams): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [name, value] of search) out.set(name, [...(out.get(name) ?? []), value]);
  return out;
}

/** The first thing wrong with the fields against the description, in Twilio's words as far as it has them. */
function checkFields(params: Map<string, string[]>, rules: Record<string, FieldRule>, required: string[]): string | undefined {
  for (const name of required) if (!params.get(name)?.[0]) return `Required parameter ${name} missing`;
  for (const [name, values] of params) {
    const rule = rules[name];
    if (!rule) return `Parameter ${name} is not one the operation takes`;
    if (values.length > 1 && !rule.array) return `Parameter ${name} was given ${values.length} times`;
    for (const value of values) {
      if (rule.enum && !rule.enum.includes(value)) return `${name} must be one of ${rule.enum.join(', ')}, not ${value}`;
      if (rule.pattern && !rule.pattern.test(value)) return `${name} ${value} does not match ${rule.pattern.source}`;
      if (rule.type === 'integer') {
        if (!/^-?\d+$/.test(value)) return `${name} must be an integer, not ${value}`;
        if (rule.min !== undefined && Number(value) < rule.min) return `${name} must be at least ${rule.min}`;
        if (rule.max !== undefined && Number(value) > rule.max) return `${name} must be at most ${rule.max}`;
      }
      if (rule.type === 'boolean' && value !== 'true' && value !== 'false') return `${name} must be true or false`;
      if (rule.type === 'uri' && !/^https?:\/\/[^\s]+$/.test(value)) return `${name} must be an absolute URL, not ${value}`;
      if (rule.type === 'endpoint' && !/^(\+[1-9]\d{1,14}|client:[\w.-]+|sip:\S+)$/.test(value))
        return `${name} ${value} is not a phone number, client or SIP address`;
    }
  }
  return undefined;
}

interface Verb {
  name: string;
  text: string;
  clients: string[];
}

/** The verbs of a TwiML document, in order: enough of XML for what this server writes. */
function verbsOf(twiml: string): Verb[] {
  const body = /<Response>([\s\S]*)<\/Response>/.exec(twiml)?.[1] ?? '';
  const verbs: Verb[] = [];
  const pattern = /<(\w+)([^>]*?)(?:\/>|>([\s\S]*?)<\/\1>)/g;
  for (const m of body.matchAll(pattern)) {
    const inner = m[3] ?? '';
    const clients = [...inner.matchAll(/<Client>([\s\S]*?)<\/Client>/g)].map((c) => unescapeXml(c[1]!.trim()));
    verbs.push({ name: m[1]!, text: unescapeXml(inner.trim()), clients });
  }
  return verbs;
}

function unescapeXml(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let data = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      data += chunk;
    });
    req.on('end', () => resolve(data));
    req.on('error', reject);
  });
}
