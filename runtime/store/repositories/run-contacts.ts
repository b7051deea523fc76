// The contacts of a run as the run room reads them: who is at a step and why, a contact's events, a step's time spent,
// and one row per contact for the results export, each read in pages off the store's indexes.
import { sql } from 'kysely';
import type { EventType } from '../../../schemas/events.ts';
import type { Executor } from '../dialect.ts';
import type { JsonText } from '../schema.ts';

/** Which contacts of a step: still in the journey and not held, held by a compliance rule, or every one there. */
export type StepState = 'waiting' | 'held' | 'all';

export interface ContactQuery {
  /** A step id; the whole run without it. */
  nodeId?: string;
  state: StepState;
  /** Part of a name, phone number or email address, any case. */
  q?: string;
  /** The contact id the previous page ended with. */
  after?: string;
  /** One contact only. */
  contactId?: string;
  limit: number;
}

export interface CursorWithContact {
  contactId: string;
  nodeId: string;
  status: 'ready' | 'waiting' | 'in-flight' | 'done';
  dueAt: number | null;
  visit: number;
  attempt: number;
  waitEvent: JsonText<{ type: string; link?: string }> | null;
  results: JsonText<{ lastCall?: Record<string, unknown> }>;
  externalId: string | null;
  firstName: string | null;
  lastName: string | null;
  phone: string | null;
  email: string | null;
  timezone: string | null;
}

/** `%` and `_` in what a person typed are letters to find, not patterns. */
function likePattern(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** One page of the contacts at a step (or in the run), in contact id order, with one more row to tell a next page. */
export async function contactsAt(db: Executor, runId: string, query: ContactQuery): Promise<CursorWithContact[]> {
  let select = db
    .selectFrom('cursors as c')
    .innerJoin('contacts as ct', 'ct.id', 'c.contact_id')
    .select([
      'c.contact_id as contactId',
      'c.node_id as nodeId',
      'c.status as status',
      'c.due_at as dueAt',
      'c.visit as visit',
      'c.attempt as attempt',
      'c.wait_event as waitEvent',
      'c.results as results',
      'ct.external_id as externalId',
      'ct.first_name as firstName',
      'ct.last_name as lastName',
      'ct.phone as phone',
      'ct.email as email',
      'ct.timezone as timezone',
    ])
    .where('c.run_id', '=', runId)
    .orderBy('c.contact_id')
    .limit(query.limit + 1);
  if (query.nodeId !== undefined) select = select.where('c.node_id', '=', query.nodeId);
  if (query.after !== undefined) select = select.where('c.contact_id', '>', query.after);
  if (query.contactId !== undefined) select = select.where('c.contact_id', '=', query.contactId);
  // Held: a gate (or the dialer's check at the moment of calling) runs the step again later; see runtime/engine/steps.ts.
  if (query.state === 'held') select = select.where('c.status', '=', 'ready').where('c.attempt', '>', 0);
  if (query.state === 'waiting') select = select.where('c.status', '!=', 'done').where((eb) => eb.or([eb('c.status', '!=', 'ready'), eb('c.attempt', '=', 0)]));
  const q = query.q?.trim();
  if (q) {
    const pattern = likePattern(q);
    const like = (column: string) => sql<boolean>`lower(coalesce(${sql.ref(column)}, '')) like ${pattern} escape '\\'`;
    select = select.where((eb) =>
      eb.or([
        like('ct.first_name'),
        like('ct.last_name'),
        sql<boolean>`lower(coalesce(ct.first_name, '') || ' ' || coalesce(ct.last_name, '')) like ${pattern} escape '\\'`,
        like('ct.phone'),
        like('ct.email'),
        like('ct.external_id'),
      ]),
    );
  }
  return (await select.execute()).map((row) => ({
    ...row,
    dueAt: row.dueAt === null ? null : Number(row.dueAt),
    visit: Number(row.visit),
    attempt: Number(row.attempt),
  }));
}

export interface StoredEvent {
  seq: number;
  contactId: string | null;
  type: EventType;
  time: number;
  nodeId: string | null;
  port: string | null;
  data: JsonText<Record<string, unknown>>;
}

const eventColumns = ['seq', 'contact_id as contactId', 'type', 'time', 'node_id as nodeId', 'port', 'data'] as const;
const toEvent = (row: Omit<StoredEvent, 'seq' | 'time'> & { seq: number | string; time: number | string }): StoredEvent => ({
  ...row,
  seq: Number(row.seq),
  time: Number(row.time),
});

/**
 * The events of these contacts of a run, of these types, in the order they were recorded. Read by contact and sorted
 * here: filtered by type or ordered by seq in the store, the query would walk the run's whole log for each page.
 */
export async function eventsOfContacts(db: Executor, runId: string, contactIds: readonly string[], types: readonly EventType[]): Promise<StoredEvent[]> {
  const wanted = new Set<string>(types);
  const events: StoredEvent[] = [];
  for (let i = 0; i < contactIds.length; i += 500) {
    const rows = await db
      .selectFrom('events')
      .select(eventColumns)
      .where('run_id', '=', runId)
      .where('contact_id', 'in', contactIds.slice(i, i + 500))
      .execute();
    for (const row of rows) if (wanted.has(row.type)) events.push(toEvent(row));
  }
  return events.sort((a, b) => a.seq - b.seq);
}

/** Every event of one contact of a run, in order. */
export async function eventsOfContact(db: Executor, runId: string, contactId: string): Promise<StoredEvent[]> {
  const rows = await db.selectFrom('events').select(eventColumns).where('run_id', '=', runId).where('contact_id', '=', contactId).orderBy('seq').execute();
  return rows.map(toEvent);
}

export interface SendRow {
  contactId: string;
  nodeId: string;
  channel: string;
  key: string;
  status: string;
  attempts: number;
  createdAt: number;
  sentAt: number | null;
  error: string | null;
  payload: string;
}

/** The sends of these contacts of a run (texts, emails, webhooks, and the calls the dialer placed). */
export async function sendsOfContacts(db: Executor, runId: string, contactIds: readonly string[]): Promise<SendRow[]> {
  const sends: SendRow[] = [];
  for (let i = 0; i < contactIds.length; i += 500) {
    const rows = await db
      .selectFrom('outbox')
      .select([
        'contact_id as contactId',
        'node_id as nodeId',
        'channel',
        'idempotency_key as key',
        'status',
        'attempts',
        'created_at as createdAt',
        'sent_at as sentAt',
        'error',
        'payload',
      ])
      .where('run_id', '=', runId)
      .where('contact_id', 'in', contactIds.slice(i, i + 500))
      .orderBy('id')
      .execute();
    sends.push(
      ...rows.map((r) => ({ ...r, attempts: Number(r.attempts), createdAt: Number(r.createdAt), sentAt: r.sentAt === null ? null : Number(r.sentAt) })),
    );
  }
  return sends;
}

/**
 * How long contacts stayed at a step, in milliseconds, one figure per visit that left it: from its `node.entered` to
 * the `node.exited` of the same visit. Read off the events' index by type and step, not the run's whole log.
 */
export async function stepStays(db: Executor, runId: string, nodeId: string): Promise<number[]> {
  const rows = await db
    .selectFrom('events')
    .select(['seq', 'contact_id', 'type', 'time', 'data'])
    .where('run_id', '=', runId)
    .where('type', 'in', ['node.entered', 'node.exited'])
    .where('node_id', '=', nodeId)
    .execute();
  // Sorted here: ordered by seq, the store would read the run's log in order instead of the index by type.
  rows.sort((a, b) => Number(a.seq) - Number(b.seq));
  const entered = new Map<string, number>();
  const stays: number[] = [];
  for (const row of rows) {
    const visit = /"visit":(\d+)/.exec(row.data)?.[1] ?? '';
    const key = `${row.contact_id}\u0000${visit}`;
    if (row.type === 'node.entered') entered.set(key, Number(row.time));
    else {
      const at = entered.get(key);
      if (at === undefined) continue;
      stays.push(Number(row.time) - at);
      entered.delete(key);
    }
  }
  return stays;
}

/** What the contacts at a step are doing now, counted by the cursor's state. */
export async function stepNow(db: Executor, runId: string, nodeId: string) {
  return db
    .selectFrom('cursors')
    .select([
      'status',
      'wait_event as waitEvent',
      (eb) => sql<number>`case when ${eb.ref('attempt')} > 0 then 1 else 0 end`.as('retried'),
      (eb) => eb.fn.countAll<number>().as('n'),
    ])
    .where('run_id', '=', runId)
    .where('node_id', '=', nodeId)
    .groupBy(['status', 'wait_event', sql`case when attempt > 0 then 1 else 0 end`])
    .execute();
}
