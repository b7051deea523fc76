// The store's tables as one typed Database interface; times are milliseconds since the epoch, JSON is text.
import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

export type CursorStatus = 'ready' | 'waiting' | 'in-flight' | 'done';
export type RunStatus = 'scheduled' | 'running' | 'paused' | 'stopped' | 'completed';
export type OutboxStatus = 'pending' | 'sent' | 'failed';
export type ChannelName = 'sms' | 'email' | 'voice' | 'webhook';

export interface ContactListTable {
  id: string;
  name: string;
  created_at: number;
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
  attributes: string;
  /** JSON object: channel -> true/false, e.g. {"sms":true,"voice":false}. */
  consent: string;
  created_at: number;
}

export interface JourneyTable {
  id: string;
  name: string;
  /** The canonical journey file of the draft. */
  draft: string;
  updated_at: number;
}

export interface JourneyVersionTable {
  journey_id: string;
  version: number;
  /** The canonical journey file, never changed once published. */
  content: string;
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
  options: string;
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
  /** The event a waiting contact waits for (wait-for-event), or null. */
  wait_event: string | null;
  /** JSON object of what earlier steps wrote: {"<node id>": {...}}, and the last call's result. */
  results: string;
}

export interface EventTable {
  /** Also the event's identity: its CloudEvents id is `<run id>:<seq>`. */
  seq: Generated<number>;
  run_id: string;
  contact_id: string | null;
  type: string;
  time: number;
  node_id: string | null;
  port: string | null;
  /** JSON object. */
  data: string;
}

export interface OutboxTable {
  id: Generated<number>;
  idempotency_key: string;
  run_id: string;
  contact_id: string;
  node_id: string;
  channel: ChannelName;
  /** JSON: the rendered message or call request. */
  payload: string;
  status: OutboxStatus;
  attempts: number;
  next_attempt_at: number;
  created_at: number;
  sent_at: number | null;
  error: string | null;
}

/** Reactions and outcomes from outside (deliveries, replies, clicks, call progress), due at a moment. */
export interface InboxTable {
  id: Generated<number>;
  run_id: string;
  contact_id: string;
  type: string;
  due_at: number;
  /** JSON object. */
  data: string;
}

export interface CounterTable {
  run_id: string;
  node_id: string;
  /** `entered`, `waiting` or `port:<name>`. */
  metric: string;
  count: ColumnType<number, number, number>;
}

export interface DoNotContactTable {
  channel: string;
  /** E.164 phone or lower-case email. */
  value: string;
  reason: string;
  added_at: number;
}

/** What the dialer of a step keeps between ticks: its agents and its measurements, as JSON. */
export interface DialerStateTable {
  run_id: string;
  node_id: string;
  state: string;
}

/** Every send a simulated provider accepted, by idempotency key: the record the crash test reads. */
export interface SimulatedSendTable {
  idempotency_key: string;
  channel: string;
  accepted_at: number;
  /** How many times the key was offered; more than one means a retry the key made harmless. */
  attempts: number;
  /** JSON: what the provider answered, given again for a repeated key. */
  result: string;
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
  dialer_state: DialerStateTable;
  simulated_sends: SimulatedSendTable;
}

export type Contact = Selectable<ContactTable>;
export type NewContact = Insertable<ContactTable>;
export type Cursor = Selectable<CursorTable>;
export type Run = Selectable<RunTable>;
export type OutboxRow = Selectable<OutboxTable>;
export type InboxRow = Selectable<InboxTable>;
