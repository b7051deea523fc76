// An Asterisk server as ARI shows it, for tests only: the HTTP resources and the event socket the carrier uses,
// written from ARI's Swagger description (Asterisk 20+, `resources.json` and the files it lists), checking every
// request against it, and playing each number's scripted fate through the dialplan of docs/asterisk/extensions.conf.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

/** What happens to a call to one number. Times are from the originate, in ms. */
export type Fate =
  | {
      answer: 'person' | 'machine';
      /** When it is answered (default 20 ms); past the originate's timeout, it is not. */
      ringMs?: number;
      /** What `AMD()` decides, and how long it listens (default HUMAN or MACHINE with its cause, after 30 ms). */
      amd?: { status: 'HUMAN' | 'MACHINE' | 'NOTSURE' | 'HANGUP'; cause: string; ms?: number };
      /** The callee hangs up this long after the call reaches the application; never by default. */
      hangUpAfterMs?: number;
    }
  | { fail: 'busy' | 'no-answer' | 'congestion' | 'invalid' | 'rejected'; ringMs?: number };

export interface AriImitationOptions {
  user?: string;
  password?: string;
  /** The application `Stasis()` names in the dialplan. Default journey. */
  app?: string;
  /** The trunk endpoint numbers are dialled through (`PJSIP/<number>@trunk` reaches `PJSIP/trunk`). */
  trunk?: string;
  /** The dialplan context of extensions.conf; an originate into another one is hung up when answered. */
  context?: string;
  fates?: Record<string, Fate>;
  /** The fate of a number with none: a person who answers. */
  defaultFate?: Fate;
  /** How many ms an originate's `timeout` second lasts, so that a no-answer does not take 30 s. Default 1000. */
  msPerSecond?: number;
  /** The gap between events that follow one another at once. Default 2 ms. */
  stepMs?: number;
  /** How long an agent's phone rings before it answers. Default 10 ms. */
  agentAnswerMs?: number;
  /** How long a sound plays. Default 15 ms. */
  playMs?: number;
}

/** A request as the imitation received it, with the status it answered. */
export interface ReceivedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
  status: number;
}

type DataType = 'string' | 'int' | 'long' | 'boolean' | 'containers';

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'body';
  required?: boolean;
  type: DataType;
  values?: readonly string[];
  /** A comma-separated list (`allowMultiple`). */
  multiple?: boolean;
}

interface Operation {
  method: string;
  path: string;
  nickname: string;
  parameters: Parameter[];
}

const originateParameters: Parameter[] = [
  { name: 'endpoint', in: 'query', required: true, type: 'string' },
  { name: 'extension', in: 'query', type: 'string' },
  { name: 'context', in: 'query', type: 'string' },
  { name: 'priority', in: 'query', type: 'long' },
  { name: 'label', in: 'query', type: 'string' },
  { name: 'app', in: 'query', type: 'string' },
  { name: 'appArgs', in: 'query', type: 'string' },
  { name: 'callerId', in: 'query', type: 'string' },
  { name: 'timeout', in: 'query', type: 'int' },
  { name: 'variables', in: 'body', type: 'containers' },
  { name: 'otherChannelId', in: 'query', type: 'string' },
  { name: 'originator', in: 'query', type: 'string' },
  { name: 'formats', in: 'query', type: 'string' },
];
const channelId: Parameter = { name: 'channelId', in: 'path', required: true, type: 'string' };
const bridgeId: Parameter = { name: 'bridgeId', in: 'path', required: true, type: 'string' };
const hangupReasons = [
  'normal',
  'busy',
  'congestion',
  'no_answer',
  'timeout',
  'rejected',
  'unallocated',
  'normal_unspecified',
  'number_incomplete',
  'codec_mismatch',
  'interworking',
  'failure',
  'answered_elsewhere',
] as const;
const bridgeTypes = ['mixing', 'holding', 'dtmf_events', 'proxy_media', 'video_sfu', 'video_single', 'sdp_label'];

/** The operations imitated, as `channels.json`, `bridges.json`, `applications.json` and `events.json` describe them. */
const operations: Operation[] = [
  { method: 'GET', path: '/channels', nickname: 'list', parameters: [] },
  { method: 'POST', path: '/channels', nickname: 'originate', parameters: [...originateParameters, { name: 'channelId', in: 'query', type: 'string' }] },
  { method: 'GET', path: '/channels/{channelId}', nickname: 'get', parameters: [channelId] },
  { method: 'POST', path: '/channels/{channelId}', nickname: 'originateWithId', parameters: [channelId, ...originateParameters] },
  {
    method: 'DELETE',
    path: '/channels/{channelId}',
    nickname: 'hangup',
    parameters: [channelId, { name: 'reason_code', in: 'query', type: 'string' }, { name: 'reason', in: 'query', type: 'string', values: hangupReasons }],
  },
  {
    method: 'POST',
    path: '/channels/{channelId}/play',
    nickname: 'play',
    parameters: [
      channelId,
      { name: 'media', in: 'query', required: true, type: 'string', multiple: true },
      { name: 'lang', in: 'query', type: 'string' },
      { name: 'offsetms', in: 'query', type: 'int' },
      { name: 'skipms', in: 'query', type: 'int' },
      { name: 'playbackId', in: 'query', type: 'string' },
    ],
  },
  { method: 'GET', path: '/playbacks/{playbackId}', nickname: 'get', parameters: [{ name: 'playbackId', in: 'path', required: true, type: 'string' }] },
  {
    method: 'GET',
    path: '/channels/{channelId}/variable',
    nickname: 'getChannelVar',
    parameters: [channelId, { name: 'variable', in: 'query', required: true, type: 'string' }],
  },
  {
    method: 'POST',
    path: '/bridges',
    nickname: 'create',
    parameters: [
      { name: 'type', in: 'query', type: 'string' },
      { name: 'bridgeId', in: 'query', type: 'string' },
      { name: 'name', in: 'query', type: 'string' },
      { name: 'variables', in: 'body', type: 'containers' },
    ],
  },
  { method: 'GET', path: '/bridges/{bridgeId}', nickname: 'get', parameters: [bridgeId] },
  { method: 'DELETE', path: '/bridges/{bridgeId}', nickname: 'destroy', parameters: [bridgeId] },
  {
    method: 'POST',
    path: '/bridges/{bridgeId}/addChannel',
    nickname: 'addChannel',
    parameters: [
      bridgeId,
      { name: 'channel', in: 'query', required: true, type: 'string', multiple: true },
      { name: 'role', in: 'query', type: 'string' },
      { name: 'absorbDTMF', in: 'query', type: 'boolean' },
      { name: 'mute', in: 'query', type: 'boolean' },
      { name: 'inhibitConnectedLineUpdates', in: 'query', type: 'boolean' },
    ],
  },
  {
    method: 'POST',
    path: '/applications/{applicationName}/subscription',
    nickname: 'subscribe',
    parameters: [
      { name: 'applicationName', in: 'path', required: true, type: 'string' },
      { name: 'eventSource', in: 'query', required: true, type: 'string', multiple: true },
    ],
  },
];

/** Q.850 causes as Asterisk names them in `cause_txt`. */
const causes = {
  unallocated: [1, 'Unallocated (unassigned) number'],
  normal: [16, 'Normal Clearing'],
  busy: [17, 'User busy'],
  noResponse: [18, 'No user responding'],
  noAnswer: [19, 'User alerting, no answer'],
  rejected: [21, 'Call Rejected'],
  invalidFormat: [28, 'Invalid number format (addr incomplete)'],
  congestion: [34, 'Circuit/channel congestion'],
  failure: [38, 'Network out of order'],
  interworking: [127, 'Interworking, unspecified'],
} as const satisfies Record<string, readonly [number, string]>;

/** The cause a hang-up `reason` gives (`ast_str_hangup_cause` in `res/ari/resource_channels.c`). */
const reasonCauses: Record<(typeof hangupReasons)[number], readonly [number, string]> = {
  normal: causes.normal,
  busy: causes.busy,
  congestion: causes.congestion,
  no_answer: causes.noAnswer,
  timeout: causes.noResponse,
  rejected: causes.rejected,
  unallocated: causes.unallocated,
  normal_unspecified: [31, 'Normal, unspecified'],
  number_incomplete: causes.invalidFormat,
  codec_mismatch: [58, 'Bearer capability not available'],
  interworking: causes.interworking,
  failure: causes.failure,
  answered_elsewhere: [26, 'Answered elsewhere'],
};

interface ImitatedChannel {
  id: string;
  name: string;
  endpoint: string;
  state: 'Down' | 'Ringing' | 'Up';
  creationtime: string;
  dialplan: { context: string; exten: string; priority: number; app_name: string; app_data: string };
  caller: { name: string; number: string };
  variables: Map<string, string>;
  /** The Stasis application it is in, if any. */
  inApp?: string;
  /** What is due to happen to it; cleared when it is hung up. */
  timers: ReturnType<typeof setTimeout>[];
}

interface Failure {
  method: string;
  path: string;
  status: number;
  times: number;
  /** Carry the request out and then answer the failure, as when an answer is lost on the way back. */
  after: boolean;
}

class Refusal extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export class AriImitation {
  readonly requests: ReceivedRequest[] = [];
  readonly channels = new Map<string, ImitatedChannel>();
  readonly bridges = new Map<string, { id: string; channels: string[] }>();
  /** Every channel ever created towards a number on the trunk: the calls the network saw. */
  readonly dialled: { number: string; channelId: string }[] = [];
  url = '';
  private readonly server: Server;
  private readonly sockets = new WebSocketServer({ noServer: true });
  private readonly apps = new Map<string, Set<WebSocket>>();
  private readonly subscriptions = new Map<string, Set<string>>();
  private readonly failures: Failure[] = [];
  private held: { socket: WebSocket; text: string }[] | undefined;
  private readonly settings: Required<Omit<AriImitationOptions, 'fates'>> & { fates: Record<string, Fate> };
  private sequence = 0;
  /** Playbacks until they finish, when Asterisk forgets them. */
  private readonly playbacks = new Map<string, Record<string, unknown>>();
  private downUntil = 0;

  private constructor(options: AriImitationOptions) {
    this.settings = {
      user: 'journey',
      password: 'secret',
      app: 'journey',
      trunk: 'PJSIP/trunk',
      context: 'journey-outbound',
      fates: {},
      defaultFate: { answer: 'person' },
      msPerSecond: 1000,
      stepMs: 2,
      agentAnswerMs: 10,
      playMs: 15,
      ...options,
    };
    this.server = createServer((req, res) => this.receive(req, res));
    this.server.on('upgrade', (req, socket: Socket, head) => this.upgrade(req, socket, head));
  }

  static async start(options: AriImitationOptions = {}): Promise<AriImitation> {
    const imitation = new AriImitation(options);
    await new Promise<void>((resolve) => imitation.server.listen(0, '127.0.0.1', resolve));
    imitation.url = `http://127.0.0.1:${(imitation.server.address() as AddressInfo).port}`;
    return imitation;
  }

  async close(): Promise<void> {
    for (const channel of this.channels.values()) for (const timer of channel.timers) clearTimeout(timer);
    for (const client of this.sockets.clients) client.terminate();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Sets the fate of a number from now on. */
  fate(number: string, fate: Fate): void {
    this.settings.fates[number] = fate;
  }

  /**
   * Drops every event socket, as a network failure would, and refuses new ones for `downMs`; events meanwhile are
   * lost, as Asterisk loses them.
   */
  dropSockets(downMs = 0): void {
    this.downUntil = Date.now() + downMs;
    for (const client of this.sockets.clients) client.terminate();
  }

  /** Answers the next `times` requests of `method path` (`/ari/channels`) with `status`, having carried them out if `after`. */
  failNext(failure: { method: string; path: string; status: number; times?: number; after?: boolean }): void {
    this.failures.push({ times: 1, after: false, ...failure });
  }

  /** The callee presses a key on an answered call (`ChannelDtmfReceived`, sent when the key is released). */
  press(channelId: string, digit: string): void {
    const channel = this.channels.get(channelId);
    if (channel?.state !== 'Up') throw new Error(`Channel ${channelId} is not an answered call`);
    this.emit('ChannelDtmfReceived', channel, { digit, duration_ms: 120 });
  }

  /** Keeps the events from now on instead of sending them, until `releaseEvents`. */
  holdEvents(): void {
    this.held ??= [];
  }

  /** Sends the kept events, through `twist` (reversed, repeated, shuffled) if given. */
  releaseEvents(twist: (texts: string[]) => string[] = (texts) => texts): void {
    const held = this.held ?? [];
    this.held = undefined;
    const bySocket = new Map<WebSocket, string[]>();
    for (const { socket, text } of held) bySocket.set(socket, [...(bySocket.get(socket) ?? []), text]);
    for (const [socket, texts] of bySocket) for (const text of twist(texts)) socket.send(text);
  }

  /** Requests received, as `METHOD /path`. */
  seen(method: string, path: string | RegExp): ReceivedRequest[] {
    return this.requests.filter((r) => r.method === method && (typeof path === 'string' ? r.path === path : path.test(r.path)));
  }

  private authorised(req: IncomingMessage, query: URLSearchParams): boolean {
    const { user, password } = this.settings;
    if (query.get('api_key') === `${user}:${password}`) return true;
    return req.headers.authorization === `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  }

  private upgrade(req: IncomingMessage, socket: Socket, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://imitation');
    const refuse = (status: number, message: string) => {
      socket.end(
        `HTTP/1.1 ${status} ${status === 401 ? 'Unauthorized' : 'Bad Request'}\r\ncontent-type: application/json\r\n\r\n${JSON.stringify({ message })}`,
      );
    };
    const apps = (url.searchParams.get('app') ?? '').split(',').filter(Boolean);
    const unknown = [...url.searchParams.keys()].find((name) => !['app', 'api_key', 'subscribeAll'].includes(name));
    if (Date.now() < this.downUntil) socket.destroy();
    else if (url.pathname !== '/ari/events') refuse(404, 'Resource not found');
    else if (!this.authorised(req, url.searchParams)) refuse(401, 'Authentication required');
    else if (apps.length === 0) refuse(400, "Missing parameter 'app'");
    else if (unknown) refuse(400, `Unknown parameter ${unknown} for GET /events`);
    else this.accept(req, socket, head, apps);
  }

  private accept(req: IncomingMessage, socket: Socket, head: Buffer, apps: string[]): void {
    this.sockets.handleUpgrade(req, socket, head, (ws) => {
      for (const app of apps) {
        const sockets = this.apps.get(app) ?? new Set();
        sockets.add(ws);
        this.apps.set(app, sockets);
        if (!this.subscriptions.has(app)) this.subscriptions.set(app, new Set());
      }
      ws.on('close', () => {
        for (const app of apps) this.apps.get(app)?.delete(ws);
      });
    });
  }

  private receive(req: IncomingMessage, res: ServerResponse): void {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://imitation');
      const query = Object.fromEntries(url.searchParams);
      const method = req.method ?? 'GET';
      const record: ReceivedRequest = { method, path: url.pathname, query, body: undefined, status: 0 };
      this.requests.push(record);
      const answer = (status: number, body?: unknown) => {
        record.status = status;
        if (body === undefined) res.writeHead(status).end();
        else res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      };
      try {
        if (text) {
          try {
            record.body = JSON.parse(text);
          } catch {
            throw new Refusal(400, 'Error parsing request body: not JSON');
          }
        }
        if (!this.authorised(req, url.searchParams)) throw new Refusal(401, 'Authentication required');
        const failure = this.failures.find((f) => f.method === method && f.path === url.pathname && f.times > 0);
        if (failure) failure.times--;
        if (failure && !failure.after) throw new Refusal(failure.status, 'Imitated failure');
        const result = this.route(method, url.pathname, url.searchParams, record.body);
        if (failure) throw new Refusal(failure.status, 'Imitated failure after the request was carried out');
        answer(result.status, result.body);
      } catch (error) {
        if (!(error instanceof Refusal)) throw error;
        if (error.status === 401) res.setHeader('www-authenticate', 'Basic realm="Asterisk REST Interface"');
        answer(error.status, { message: error.message });
      }
    });
  }

  /** Finds the operation, checks the request against its parameters, and carries it out. */
  private route(method: string, pathname: string, search: URLSearchParams, body: unknown): { status: number; body?: unknown } {
    if (!pathname.startsWith('/ari/')) throw new Refusal(404, 'Resource not found');
    const path = pathname.slice('/ari'.length);
    const matching = operations
      .map((op) => ({ op, params: matchPath(op.path, path) }))
      .filter((m): m is { op: Operation; params: Record<string, string> } => m.params !== undefined);
    if (matching.length === 0) throw new Refusal(404, 'Resource not found');
    const found = matching.find((m) => m.op.method === method);
    if (!found) throw new Refusal(405, `Method ${method} not allowed on ${path}`);
    const { op } = found;
    const { args, variables } = this.check(op, found.params, search, body);
    switch (`${op.method} ${op.path}`) {
      case 'GET /channels':
        return { status: 200, body: [...this.channels.values()].map((c) => snapshot(c)) };
      case 'POST /channels':
      case 'POST /channels/{channelId}':
        return { status: 200, body: snapshot(this.originate(args, variables)) };
      case 'GET /channels/{channelId}':
        return { status: 200, body: snapshot(this.channel(args.channelId!)) };
      case 'DELETE /channels/{channelId}':
        return this.hangup(args);
      case 'POST /channels/{channelId}/play':
        return { status: 201, body: this.playback(args) };
      case 'GET /channels/{channelId}/variable': {
        const channel = this.channel(args.channelId!);
        if (!channel.inApp) throw new Refusal(409, 'Channel not in Stasis application');
        const value = channel.variables.get(args.variable!);
        if (value === undefined) throw new Refusal(404, 'Provided variable was not found');
        return { status: 200, body: { value } };
      }
      case 'GET /playbacks/{playbackId}': {
        const playback = this.playbacks.get(args.playbackId!);
        if (!playback) throw new Refusal(404, 'Playback not found');
        return { status: 200, body: playback };
      }
      case 'POST /bridges':
        return { status: 200, body: this.createBridge(args) };
      case 'GET /bridges/{bridgeId}':
        return { status: 200, body: bridgeBody(this.bridge(args.bridgeId!)) };
      case 'DELETE /bridges/{bridgeId}':
        this.bridge(args.bridgeId!);
        this.bridges.delete(args.bridgeId!);
        return { status: 204 };
      case 'POST /bridges/{bridgeId}/addChannel':
        this.addChannel(args);
        return { status: 204 };
      case 'POST /applications/{applicationName}/subscription':
        return { status: 200, body: this.subscribe(args) };
      default:
        throw new Error(`Operation ${op.method} ${op.path} has no imitation`);
    }
  }

  /**
   * The request's arguments, checked as ARI's description says: required ones present, types and allowed values
   * right, body keys other than `variables` read as query parameters. Stricter than Asterisk on one point: a
   * parameter the operation does not have is refused, so a misspelt one is caught.
   */
  private check(
    op: Operation,
    pathParams: Record<string, string>,
    search: URLSearchParams,
    body: unknown,
  ): { args: Record<string, string>; variables: unknown } {
    const args: Record<string, string> = { ...pathParams };
    for (const [name, value] of search) if (name !== 'api_key') args[name] = value;
    let variables: unknown;
    if (body !== undefined) {
      if (!body || typeof body !== 'object' || Array.isArray(body)) throw new Refusal(400, 'The request body must be a JSON object');
      for (const [name, value] of Object.entries(body)) {
        if (name === 'variables') variables = value;
        else args[name] = typeof value === 'string' ? value : JSON.stringify(value);
      }
    }
    const where = `${op.method} ${op.path} (${op.nickname})`;
    for (const name of Object.keys(args)) {
      if (!op.parameters.some((p) => p.name === name && p.in !== 'body')) throw new Refusal(400, `${where} has no parameter ${name}`);
    }
    if (variables !== undefined && !op.parameters.some((p) => p.name === 'variables')) throw new Refusal(400, `${where} takes no body`);
    for (const p of op.parameters) {
      const value = args[p.name];
      if (p.in === 'body') continue;
      if (value === undefined || value === '') {
        if (p.required) throw new Refusal(400, `${where} needs parameter ${p.name}`);
        continue;
      }
      const values = p.multiple ? value.split(',') : [value];
      for (const v of values) {
        if ((p.type === 'int' || p.type === 'long') && !/^-?\d+$/.test(v)) throw new Refusal(400, `${where}: ${p.name} must be a whole number (got ${v})`);
        if (p.type === 'boolean' && v !== 'true' && v !== 'false') throw new Refusal(400, `${where}: ${p.name} must be true or false (got ${v})`);
        if (p.values && !p.values.includes(v)) throw new Refusal(400, `${where}: ${p.name} must be one of ${p.values.join(', ')} (got ${v})`);
      }
    }
    if (variables !== undefined) {
      if (!variables || typeof variables !== 'object' || Array.isArray(variables)) throw new Refusal(400, `${where}: variables must be an object`);
      for (const [name, value] of Object.entries(variables)) {
        const ok = typeof value === 'string' || (value && typeof value === 'object' && typeof (value as { value?: unknown }).value === 'string');
        if (!ok) throw new Refusal(400, `${where}: variable ${name} must be a string or {"value": string}`);
      }
    }
    return { args, variables };
  }

  private channel(id: string): ImitatedChannel {
    const channel = this.channels.get(id);
    if (!channel) throw new Refusal(404, 'Channel not found');
    return channel;
  }

  private bridge(id: string): { id: string; channels: string[] } {
    const bridge = this.bridges.get(id);
    if (!bridge) throw new Refusal(404, 'Bridge not found');
    return bridge;
  }

  private originate(args: Record<string, string>, given: unknown): ImitatedChannel {
    const toDialplan = ['context', 'extension', 'priority', 'label'].filter((name) => args[name] !== undefined);
    if (args.app !== undefined && toDialplan.length > 0) throw new Refusal(400, `'app' and '${toDialplan[0]}' are mutually exclusive`);
    if (args.app === undefined && args.appArgs !== undefined) throw new Refusal(400, "'appArgs' needs 'app'");
    if (args.app === undefined && args.extension === undefined) throw new Refusal(400, "Originate needs an 'app' or an 'extension' to run once answered");
    const id = args.channelId ?? `${Math.floor(Date.now() / 1000)}.${++this.sequence}`;
    if (this.channels.has(id)) throw new Refusal(409, 'Channel with given unique ID already exists');
    const target = this.endpointOf(args.endpoint!);
    const variables = new Map<string, string>();
    for (const [name, value] of Object.entries((given as Record<string, string | { value: string }> | undefined) ?? {})) {
      variables.set(name, typeof value === 'string' ? value : value.value);
    }
    const channel: ImitatedChannel = {
      id,
      name: `${target.endpoint}-${String(++this.sequence).padStart(8, '0')}`,
      endpoint: target.endpoint,
      state: 'Down',
      creationtime: stamp(),
      dialplan: { context: args.context ?? 'default', exten: args.extension ?? 's', priority: Number(args.priority ?? 1), app_name: '', app_data: '' },
      caller: { name: '', number: args.callerId ?? '' },
      variables,
      timers: [],
    };
    this.channels.set(id, channel);
    if (args.app) this.subscribeTo(args.app, `channel:${id}`);
    const timeoutMs = Number(args.timeout ?? 30) * this.settings.msPerSecond;
    this.emit('ChannelCreated', channel, {});
    if (target.number !== undefined) {
      this.dialled.push({ number: target.number, channelId: id });
      this.live(channel, this.settings.fates[target.number] ?? this.settings.defaultFate, timeoutMs);
    } else {
      this.live(channel, { answer: 'person', ringMs: this.settings.agentAnswerMs }, timeoutMs, {
        app: args.app!,
        args: (args.appArgs ?? '').split(',').filter(Boolean),
      });
    }
    return channel;
  }

  /** `PJSIP/<number>@trunk` is a number on the trunk; `PJSIP/agent-<id>` an agent's phone. Anything else is unknown. */
  private endpointOf(dial: string): { endpoint: string; number?: string } {
    const [tech, resource] = this.settings.trunk.split('/') as [string, string];
    const onTrunk = new RegExp(`^${tech}/([^@/]+)@${resource}$`).exec(dial);
    if (onTrunk) return { endpoint: this.settings.trunk, number: onTrunk[1]! };
    if (/^PJSIP\/agent-[A-Za-z0-9_-]+$/.test(dial)) return { endpoint: dial };
    throw new Refusal(400, `Endpoint ${dial} is not known`);
  }

  /** Schedules a channel's life from its fate, in the order Asterisk reports it. */
  private live(channel: ImitatedChannel, fate: Fate, timeoutMs: number, stasis?: { app: string; args: string[] }): void {
    const { stepMs, app } = this.settings;
    const at = (ms: number, then: () => void): void => void channel.timers.push(setTimeout(then, ms));
    const end = (ms: number, [cause, text]: readonly [number, string]): void => at(ms, () => this.destroy(channel, cause, text));
    if ('fail' in fate) {
      const ringMs = fate.ringMs ?? stepMs;
      if (fate.fail === 'busy') end(ringMs, causes.busy);
      else if (fate.fail === 'invalid') end(ringMs, causes.unallocated);
      else if (fate.fail === 'congestion') end(ringMs, causes.congestion);
      else {
        at(stepMs, () => this.state(channel, 'Ringing'));
        if (fate.fail === 'rejected') end(Math.max(ringMs, 2 * stepMs), causes.rejected);
        else end(timeoutMs, causes.noAnswer);
      }
      return;
    }
    const ringMs = fate.ringMs ?? 20;
    at(stepMs, () => this.state(channel, 'Ringing'));
    if (ringMs >= timeoutMs) {
      end(timeoutMs, causes.noAnswer);
      return;
    }
    at(ringMs, () => {
      this.state(channel, 'Up');
      if (stasis) at(stepMs, () => this.enter(channel, stasis.app, stasis.args, fate));
      // The dialplan of docs/asterisk/extensions.conf, for the context it names.
      else if (channel.dialplan.context !== this.settings.context || channel.dialplan.exten !== 's') end(stepMs, causes.normal);
      else if (channel.variables.get('JOURNEY_AMD') !== 'yes') at(stepMs, () => this.enter(channel, app, ['NOAMD'], fate));
      else {
        const amd =
          fate.amd ?? (fate.answer === 'person' ? { status: 'HUMAN', cause: 'HUMAN-800-800' } : { status: 'MACHINE', cause: 'LONGGREETING-1600-1500' });
        channel.dialplan = { ...channel.dialplan, priority: 3, app_name: 'AMD', app_data: '' };
        at(amd.ms ?? 30, () => {
          channel.variables.set('AMDSTATUS', amd.status);
          channel.variables.set('AMDCAUSE', amd.cause);
          if (amd.status === 'HANGUP') this.hangUp(channel, causes.normal);
          else this.enter(channel, app, [amd.status, amd.cause], fate);
        });
      }
    });
  }

  /** `Stasis(app,args...)`: the channel enters the application, which is subscribed to it from then on. */
  private enter(channel: ImitatedChannel, app: string, args: string[], fate: Fate): void {
    if (!this.channels.has(channel.id)) return;
    channel.inApp = app;
    channel.dialplan = { ...channel.dialplan, priority: channel.dialplan.priority + 1, app_name: 'Stasis', app_data: [app, ...args].join(',') };
    this.subscribeTo(app, `channel:${channel.id}`);
    this.emit('StasisStart', channel, { args });
    if ('answer' in fate && fate.hangUpAfterMs !== undefined) channel.timers.push(setTimeout(() => this.hangUp(channel, causes.normal), fate.hangUpAfterMs));
  }

  private state(channel: ImitatedChannel, state: ImitatedChannel['state']): void {
    channel.state = state;
    this.emit('ChannelStateChange', channel, {});
  }

  /** A hang-up from either side: the request, the application let go, the channel gone. */
  private hangUp(channel: ImitatedChannel, [cause, text]: readonly [number, string]): void {
    if (!this.channels.has(channel.id)) return;
    for (const timer of channel.timers) clearTimeout(timer);
    channel.timers = [];
    this.emit('ChannelHangupRequest', channel, { cause, soft: false });
    if (channel.inApp) this.emit('StasisEnd', channel, {});
    this.destroy(channel, cause, text);
  }

  private destroy(channel: ImitatedChannel, cause: number, text: string): void {
    if (!this.channels.has(channel.id)) return;
    for (const timer of channel.timers) clearTimeout(timer);
    this.emit('ChannelDestroyed', channel, { cause, cause_txt: text });
    this.channels.delete(channel.id);
    for (const bridge of this.bridges.values()) bridge.channels = bridge.channels.filter((id) => id !== channel.id);
  }

  private hangup(args: Record<string, string>): { status: number } {
    const channel = this.channel(args.channelId!);
    if (args.reason !== undefined && args.reason_code !== undefined) throw new Refusal(400, "'reason' and 'reason_code' are mutually exclusive");
    const reason = (args.reason ?? 'normal') as (typeof hangupReasons)[number];
    // Asterisk answers first and hangs up after.
    setTimeout(() => this.hangUp(channel, reasonCauses[reason]), 0);
    return { status: 204 };
  }

  /** A playback on a channel in the application: started at once, finished after `playMs`. */
  private playback(args: Record<string, string>): unknown {
    const channel = this.channel(args.channelId!);
    if (!channel.inApp) throw new Refusal(409, 'Channel not in Stasis application');
    if (channel.state !== 'Up') throw new Refusal(412, 'Channel in invalid state');
    const media = args.media!.split(',');
    for (const uri of media) {
      if (!/^(sound|recording|number|digits|characters|tone):.+/.test(uri))
        throw new Refusal(400, `Media ${uri} is not a sound:, recording:, number:, digits:, characters: or tone: URI`);
    }
    const playback = {
      id: args.playbackId ?? `playback-${++this.sequence}`,
      media_uri: media[0]!,
      target_uri: `channel:${channel.id}`,
      language: 'en',
      state: 'queued',
    };
    this.playbacks.set(playback.id, playback);
    channel.timers.push(
      setTimeout(() => {
        playback.state = 'playing';
        this.emitPlayback('PlaybackStarted', channel, { ...playback });
      }, this.settings.stepMs),
      setTimeout(() => {
        this.playbacks.delete(playback.id);
        this.emitPlayback('PlaybackFinished', channel, { ...playback, state: 'done' });
      }, this.settings.stepMs + this.settings.playMs),
    );
    return playback;
  }

  private createBridge(args: Record<string, string>): unknown {
    for (const type of (args.type ?? 'mixing').split(',')) {
      if (!bridgeTypes.includes(type)) throw new Refusal(400, `Bridge type ${type} is not one of ${bridgeTypes.join(', ')}`);
    }
    const id = args.bridgeId ?? `bridge-${++this.sequence}`;
    if (this.bridges.has(id)) throw new Refusal(409, 'Bridge with the same bridgeId already exists');
    const bridge = { id, channels: [] as string[] };
    this.bridges.set(id, bridge);
    return bridgeBody(bridge);
  }

  private addChannel(args: Record<string, string>): void {
    const bridge = this.bridge(args.bridgeId!);
    const channels = args.channel!.split(',').map((id) => {
      const channel = this.channels.get(id);
      if (!channel) throw new Refusal(400, `Channel not found: ${id}`);
      if (!channel.inApp) throw new Refusal(422, `Channel not in Stasis application: ${id}`);
      return channel;
    });
    for (const channel of channels) {
      if (bridge.channels.includes(channel.id)) continue;
      bridge.channels.push(channel.id);
      setTimeout(() => this.emit('ChannelEnteredBridge', channel, { bridge: bridgeBody(bridge) }), 0);
    }
  }

  private subscribe(args: Record<string, string>): unknown {
    const app = args.applicationName!;
    if (!this.subscriptions.has(app)) throw new Refusal(404, 'Application does not exist.');
    for (const source of args.eventSource!.split(',')) {
      const [kind, name = ''] = source.split(/:(.*)/s) as [string, string?];
      const exists =
        (kind === 'endpoint' && (name === this.settings.trunk || /^PJSIP\/agent-[A-Za-z0-9_-]+$/.test(name))) ||
        (kind === 'channel' && this.channels.has(name)) ||
        (kind === 'bridge' && this.bridges.has(name));
      if (!exists) throw new Refusal(422, `Event source ${source} does not exist`);
      this.subscribeTo(app, source);
    }
    const sources = [...this.subscriptions.get(app)!];
    const of = (prefix: string) => sources.filter((s) => s.startsWith(prefix)).map((s) => s.slice(prefix.length));
    return {
      name: app,
      channel_ids: of('channel:'),
      bridge_ids: of('bridge:'),
      endpoint_ids: of('endpoint:'),
      device_names: of('deviceState:'),
      events_allowed: [],
      events_disallowed: [],
    };
  }

  private subscribeTo(app: string, source: string): void {
    const sources = this.subscriptions.get(app) ?? new Set();
    sources.add(source);
    this.subscriptions.set(app, sources);
  }

  /** The applications that hear of a channel: those subscribed to it, or to its endpoint. */
  private listeners(channel: ImitatedChannel): string[] {
    return [...this.subscriptions]
      .filter(([, sources]) => sources.has(`channel:${channel.id}`) || sources.has(`endpoint:${channel.endpoint}`))
      .map(([app]) => app);
  }

  private emit(type: string, channel: ImitatedChannel, fields: Record<string, unknown>): void {
    this.send(this.listeners(channel), (application) => ({
      type,
      timestamp: stamp(),
      ...fields,
      channel: snapshot(channel),
      asterisk_id: '02:42:ac:11:00:02',
      application,
    }));
  }

  private emitPlayback(type: string, channel: ImitatedChannel, playback: Record<string, unknown>): void {
    this.send(this.listeners(channel), (application) => ({ type, timestamp: stamp(), playback, asterisk_id: '02:42:ac:11:00:02', application }));
  }

  private send(apps: string[], event: (application: string) => Record<string, unknown>): void {
    for (const app of apps) {
      const text = JSON.stringify(event(app));
      for (const socket of this.apps.get(app) ?? []) {
        if (this.held) this.held.push({ socket, text });
        else socket.send(text);
      }
    }
  }
}

function snapshot(channel: ImitatedChannel): Record<string, unknown> {
  return {
    id: channel.id,
    protocol_id: '',
    name: channel.name,
    state: channel.state,
    caller: channel.caller,
    connected: { name: '', number: '' },
    accountcode: '',
    dialplan: channel.dialplan,
    creationtime: channel.creationtime,
    language: 'en',
  };
}

function bridgeBody(bridge: { id: string; channels: string[] }): Record<string, unknown> {
  return {
    id: bridge.id,
    technology: 'simple_bridge',
    bridge_type: 'mixing',
    bridge_class: 'stasis',
    creator: 'Stasis',
    name: '',
    channels: [...bridge.channels],
    creationtime: stamp(),
    video_mode: 'talker',
  };
}

/** The path's parameters when `path` fits the template `/channels/{channelId}/play`. */
function matchPath(template: string, path: string): Record<string, string> | undefined {
  const names: string[] = [];
  const pattern = template.replace(/\{(\w+)\}/g, (_, name: string) => {
    names.push(name);
    return '([^/]+)';
  });
  const match = new RegExp(`^${pattern}$`).exec(path);
  if (!match) return undefined;
  return Object.fromEntries(names.map((name, i) => [name, decodeURIComponent(match[i + 1]!)]));
}

/** Asterisk's timestamps: `2026-12-03T16:27:44.123+0000`. */
function stamp(): string {
  return new Date().toISOString().replace('Z', '+0000');
}
