// The store's tables as one typed Database interface; times are milliseconds since the epoch, JSON is text.
import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';
import type { EventType } from '../../schemas/events.ts';
import type { JourneyFile } from '../../schemas/journey.ts';
import type { StoredOutcome } from '../contacts/import-jobs.ts';
import type { Payload, SendResult } from '../channels/provider.ts';
import type { RunOptions } from '../engine/run-context.ts';
import type { ReactionData } from '../engine/reactions.ts';
import type { Results, WaitEvent } from '../nodes/types.ts';

export type CursorStatus = 'ready' | 'waiting' | 'in-flight' | 'done';
export type RunStatus = 'scheduled' | 'running' | 'paused' | 'stopped' | 'completed';
export type OutboxStatus = 'pending' | 'sent' | 'failed';
export type ChannelName = 'sms' | 'email' | 'voice' | 'webhook';

declare const jsonOf: unique symbol;
/** JSON text that holds a T: `parseJson` (runtime/store/json.ts) reads it back as a T, with no cast at the reader. */
export type JsonText<T> = string & { readonly [jsonOf]?: T };
/** A JSON text column: selected as JsonText<T>, written as JSON.stringify's string. */
export type JsonColumn<T> = ColumnType<JsonText<T>, string, string>;

export interface ContactListTable {
  id: string;
  name: string;
  created_at: number;
  /** JSON array of the list's columns besides the contact fields (its attributes); null when not known. */
  columns: ColumnType<JsonText<string[]> | null, string | null | undefined, string | null>;
}

export interface ContactTable {
  id: string;
  list_id: string;
  external_id: string | null;
  phone: string | null;
  email: string | null;
  first_name: string | null;
  last_name: string | null;
  timezone: string | null;
  state: string | null;
  postal_code: string | null;
  /** JSON object of the list's other columns. */
  attributes: JsonColumn<Record<string, unknown>>;
  /** JSON object: channel -> true/false, e.g. {"sms":true,"voice":false}. */
  consent: JsonColumn<Record<string, boolean>>;
  created_at: number;
}

export interface JourneyTable {
  id: string;
  name: string;
  /** The canonical journey file of the draft. */
  draft: JsonColumn<JourneyFile>;
  updated_at: number;
  /** The token name of the last save; null for drafts saved before it was kept. */
  draft_author: string | null;
}

export interface JourneyVersionTable {
  journey_id: string;
  version: number;
  /** The canonical journey file, never changed once published. */
  content: JsonColumn<JourneyFile>;
  content_hash: string;
  author: string;
  message: string;
  published_at: number;
}

export interface RunTable {
  id: string;
  journey_id: string;
  version: number;
  list_id: string;
  status: RunStatus;
  simulated: number;
  seed: number;
  /** JSON: simulation settings (simulated agents per queue, carrier and channel behaviour). */
  options: JsonColumn<RunOptions>;
  created_at: number;
  start_at: number;
  ended_at: number | null;
  stop_reason: string | null;
}

export interface CursorTable {
  run_id: string;
  contact_id: string;
  node_id: string;
  status: CursorStatus;
  /** When the interpreter should next look at this contact; null while it waits for a provider or is done. */
  due_at: number | null;
  /** How many times the contact has entered `node_id`; part of every idempotency key. */
  visit: number;
  attempt: number;
  /**
   * The event a waiting contact waits for (wait-for-event), or null. The dialer finds its contacts by this text
   * (runtime/engine/wait-markers.ts), so it is compared as written.
   */
  wait_event: ColumnType<JsonText<WaitEvent> | null, string | null, string | null>;
  /** JSON object of what earlier steps wrote: {"<node id>": {...}}, and the last call's result. */
  results: JsonColumn<Results>;
}

export interface EventTable {
  /** Also the event's identity: its CloudEvents id is `<run id>:<seq>`. */
  seq: Generated<number>;
  run_id: string;
  contact_id: string | null;
  /** One of the event vocabulary (schemas/events.ts): every writer and reader of the log is checked against it. */
  type: EventType;
  time: number;
  node_id: string | null;
  port: string | null;
  /** JSON object; what it holds depends on `type`, and schemas/events.ts does not say it per type. */
  data: JsonColumn<Record<string, unknown>>;
}

export interface OutboxTable {
  id: Generated<number>;
  idempotency_key: string;
  run_id: string;
  contact_id: string;
  node_id: string;
  channel: ChannelName;
  /**
   * JSON: the rendered message (sms, email, webhook), or for `voice` the call the dialer placed, recorded as sent
   * (runtime/engine/dialer-engine.ts gives it no type of its own).
   */
  payload: JsonColumn<Payload | ({ channel: 'voice' } & Record<string, unknown>)>;
  status: OutboxStatus;
  attempts: number;
  next_attempt_at: number;
  created_at: number;
  sent_at: number | null;
  error: string | null;
  /** What the provider called the message when it accepted it (Twilio's message SID, an SMTP Message-ID). */
  provider_id: string | null;
}

/** Reactions and outcomes from outside (deliveries, replies, clicks, call progress), due at a moment. */
export interface InboxTable {
  id: Generated<number>;
  run_id: string;
  contact_id: string;
  /** The event the reaction is recorded as once it takes effect (schemas/events.ts). */
  type: EventType;
  due_at: number;
  /** JSON object: what the reaction says, and where it moves the contact. */
  data: JsonColumn<ReactionData>;
}

export interface CounterTable {
  run_id: string;
  node_id: string;
  /** `entered`, `waiting` or `port:<name>`. */
  metric: string;
  count: ColumnType<number, number, number>;
}

/** The shared do-not-contact list that every live run and the check API read; its history is `permission_changes`. */
export interface DoNotContactTable {
  channel: string;
  /** E.164 phone or lower-case email. */
  value: string;
  reason: string;
  added_at: number;
  /** What put it there: `reply`, `agent`, `unsubscribe`, `complaint`, `operator`, `cleanup`. */
  source: string | null;
  /** The live run whose contact asked, when a run's contact did. */
  run_id: string | null;
  /** The agent (token id) or operator (token name) who added it. */
  actor: string | null;
}

export type PermissionKind = 'do-not-contact' | 'consent';
/** For the do-not-contact list: `added` or `removed`; for consent: `granted` or `withdrawn`. */
export type PermissionChangeKind = 'added' | 'removed' | 'granted' | 'withdrawn';

/**
 * Every change to whether an address may be contacted, append-only. `scope` is '' for the shared lists, or the id of
 * the simulated run that made it: a simulation's changes stay in its own scope and never reach a live run.
 */
export interface PermissionChangeTable {
  id: Generated<number>;
  scope: string;
  kind: PermissionKind;
  change: PermissionChangeKind;
  channel: string;
  /** E.164 phone or lower-case email. */
  value: string;
  reason: string;
  /** `reply`, `agent`, `unsubscribe`, `complaint`, `operator`, `cleanup`. */
  source: string;
  run_id: string | null;
  contact_id: string | null;
  /** The agent (token id) or operator (token name) who made it; `system` for the product itself. */
  actor: string | null;
  at: number;
}

/** What people did through the API, append-only: publish, run start/pause/resume/stop, list and token changes. */
export interface AuditLogTable {
  id: Generated<number>;
  at: number;
  /** The token's id, null for the server itself (first start) or the command line. */
  actor_id: string | null;
  actor_name: string;
  actor_role: string | null;
  /** Dotted verb such as `journey.published`, `run.started`, `do-not-contact.added`, `token.revoked`. */
  action: string;
  /** What it was done to, in words a reader can look up: a journey id, a run id, `sms:+14155550100`, a token id. */
  target: string;
  journey_id: string | null;
  run_id: string | null;
  /** JSON object. */
  details: JsonColumn<Record<string, unknown>>;
}

/**
 * What the dialer of a step keeps between ticks. `state` holds compact live gauges (what a monitor shows); `memory`
 * what the dialer learnt and the calls it tracks. The row with node id '' is the run's agents.
 */
export interface DialerStateTable {
  run_id: string;
  node_id: string;
  /** The gauges a monitor shows, as the dialer wrote them (runtime/dialer/dialer-memory.ts: saveMemory). */
  state: JsonColumn<object>;
  /**
   * A step's memory in the saved form that runtime/dialer/dialer-memory.ts keeps to itself (it also reads the forms
   * earlier versions saved, so no exported type says what a row holds); the agents' row ('') holds the simulated agent
   * pool (AgentPoolJson), which AgentPool.fromJSON checks as it reads it.
   */
  memory: ColumnType<JsonText<object> | null, string | null, string | null>;
}

export type AgentRowState = 'offline' | 'available' | 'reserved' | 'on-call' | 'wrap-up';

/** An agent a person drives from the agent page, with the call it holds, if any. */
export interface AgentTable {
  /** The agent's id: the id of the agent's API token. */
  id: string;
  name: string;
  state: AgentRowState;
  /** JSON array of the queues the agent takes calls from. */
  queues: JsonColumn<string[]>;
  /** When the agent entered its state. */
  since: number;
  /** When the agent last became free; the longest idle takes the next call. */
  idle_since: number;
  run_id: string | null;
  node_id: string | null;
  contact_id: string | null;
  visit: number | null;
  call_key: string | null;
  /** `preview` (the agent reads the contact before calling), `dialing` (placed, not yet answered), `talking`. */
  call_phase: string | null;
  /** When the agent of a preview call asked for it to be placed. */
  started_at: number | null;
  connected_at: number | null;
  wrap_started_at: number | null;
  disposition: string | null;
  /** Calls finished; the dialer learns handle times from the last one each time this grows. */
  handled: ColumnType<number, number | undefined, number>;
  last_talk_ms: number | null;
  last_wrap_ms: number | null;
}

/** Every send a simulated provider accepted, by idempotency key: the record the crash test reads. */
export interface SimulatedSendTable {
  idempotency_key: string;
  channel: string;
  accepted_at: number;
  /** How many times the key was offered; more than one means a retry the key made harmless. */
  attempts: number;
  /** JSON: what the provider answered, given again for a repeated key. */
  result: JsonColumn<SendResult>;
}

/** One import of a national do-not-call register: which copy (downloaded when) the gate screens against. */
export interface RegistryImportTable {
  id: Generated<number>;
  /** The compliance profile whose register this is (US: National DNC Registry, UK: TPS, ...). */
  profile: string;
  /** The file the copy came from, for the record. */
  source: string;
  downloaded_at: number;
  imported_at: number;
  entries: number;
  /** The key its numbers are stored under in registry_numbers.profile; null for the profile's own name (older copies). */
  copy: string | null;
}

/** The numbers of the latest imported copy of each register, E.164. */
export interface RegistryNumberTable {
  profile: string;
  value: string;
}

export type ImportStatus = 'running' | 'done' | 'failed' | 'cut-off';

/** A contact list import as a job: progress while it runs, the report once it ends. */
export interface ImportTable {
  id: string;
  list_id: string;
  status: ImportStatus;
  /** Who uploaded, by token name. */
  actor: string | null;
  /** Bytes of the file received so far. */
  bytes: number;
  rows: number;
  imported: number;
  merged: number;
  skipped: number;
  problems: number;
  /** Why it failed or was cut off, and what to do. */
  message: string | null;
  /** The ImportReport as JSON, once it ended (a cut-off import has the report of the rows before the cut). */
  report: ColumnType<JsonText<StoredOutcome> | null, string | null | undefined, string | null>;
  created_at: number;
  updated_at: number;
  finished_at: number | null;
}

/** Calls abandoned by the dialer, by number, for the rule against calling such a number again too soon. */
export interface AbandonedCallTable {
  value: string;
  at: number;
  run_id: string;
}

export type TokenRole = 'viewer' | 'editor' | 'operator' | 'agent' | 'admin';

/** An API token: its SHA-256 hash (the token itself is shown once, when made), a name for people and a role. */
export interface ApiTokenTable {
  id: string;
  name: string;
  role: TokenRole;
  token_hash: string;
  created_at: number;
  last_used_at: number | null;
}

/** A call placed through a real carrier, by its key: recorded before the provider is asked to place it. */
export interface CarrierCallTable {
  call_key: string;
  run_id: string;
  node_id: string;
  contact_id: string;
  /** Which carrier placed it (`twilio`). */
  carrier: string;
  /** The provider's id of the call (Twilio's CallSid), once it took the request. */
  provider_call_id: string | null;
  created_at: number;
  /** 1 once it was answered: hanging it up is then `completed`, not `canceled`. */
  answered: number;
  /** When the provider reported it over; null while it counts against the carrier's concurrency limit. */
  ended_at: number | null;
  /** The carrier's own figures: billed duration, and price with its currency once it is known. */
  duration_seconds: number | null;
  price: string | null;
  price_unit: string | null;
}

export type CarrierRequestStatus = 'pending' | 'done' | 'failed';

/** What the dialer asked of the carrier about a call (place, cancel, play, bridge, fetch), at most one of each kind. */
export interface CarrierRequestTable {
  call_key: string;
  kind: string;
  payload: string;
  status: CarrierRequestStatus;
  attempts: number;
  next_attempt_at: number;
  created_at: number;
  done_at: number | null;
  error: string | null;
}

/** A moment of a call's progress the provider reported, once per kind of moment; `heard` once the dialer took it. */
export interface CallProgressTable {
  call_key: string;
  type: string;
  at: number;
  data: string;
  recorded_at: number;
  heard: number;
}

/** Secrets the server made for itself (hex), by name. */
export interface ServerSecretTable {
  name: string;
  value: string;
}

export interface Database {
  contact_lists: ContactListTable;
  contacts: ContactTable;
  journeys: JourneyTable;
  journey_versions: JourneyVersionTable;
  runs: RunTable;
  cursors: CursorTable;
  events: EventTable;
  outbox: OutboxTable;
  inbox: InboxTable;
  counters: CounterTable;
  do_not_contact: DoNotContactTable;
  permission_changes: PermissionChangeTable;
  audit_log: AuditLogTable;
  dialer_state: DialerStateTable;
  agents: AgentTable;
  simulated_sends: SimulatedSendTable;
  registry_imports: RegistryImportTable;
  registry_numbers: RegistryNumberTable;
  imports: ImportTable;
  abandoned_calls: AbandonedCallTable;
  api_tokens: ApiTokenTable;
  server_secrets: ServerSecretTable;
  carrier_calls: CarrierCallTable;
  carrier_requests: CarrierRequestTable;
  call_progress: CallProgressTable;
}

export type Contact = Selectable<ContactTable>;
export type NewContact = Insertable<ContactTable>;
export type Cursor = Selectable<CursorTable>;
export type Run = Selectable<RunTable>;
export type OutboxRow = Selectable<OutboxTable>;
export type InboxRow = Selectable<InboxTable>;
export type AgentRow = Selectable<AgentTable>;
