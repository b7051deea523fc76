// The store's rows for the runtime benchmark's journey, written with no interpreter logic: see `npm run bench:store-only`.
//
// The benchmark journey (scripts/bench-data.ts) writes, for each contact: a claim of its cursor twice, an event for
// every step entered and left and every send and delivery (nineteen), the cursor after every batch that moved it (four
// times), an outbox row per message with its answer written back, the simulated provider's record of the send, and
// the delivery report held in the inbox until it is due. `playStoreOnly` writes exactly those rows through the store's
// own batch writers, in transactions of 2,000 contacts as the benchmark's interpreter does, with no templates, no gate
// and no handlers: its rate is what the runtime could reach if its logic cost nothing. Every contact takes the happy
// path (no failed send, no reply), so it writes a little more than the interpreter, never less.
import type { Transaction } from 'kysely';
import { startRun } from '../runtime/engine/runs.ts';
import { outboxColumns } from '../runtime/engine/writes.ts';
import type { Store } from '../runtime/store/dialect.ts';
import { publishJourney } from '../runtime/store/repositories/journeys.ts';
import type { Database } from '../runtime/store/schema.ts';
import { benchJourney } from './bench-data.ts';

/** `full`: a row per event, as the runtime writes them; `packed`: one row per batch; `none`: no events. */
export type EventMode = 'full' | 'packed' | 'none';

const batch = 2000;
const hourMs = 3_600_000;
const eventColumns = ['run_id', 'contact_id', 'type', 'time', 'node_id', 'port', 'data'] as const;
const cursorColumns = ['run_id', 'contact_id', 'node_id', 'status', 'due_at', 'visit', 'attempt', 'wait_event', 'results'] as const;
const cursorUpsert = `on conflict (run_id, contact_id) do update set ${cursorColumns
  .slice(2)
  .map((k) => `${k} = excluded.${k}`)
  .join(', ')}`;
const sentColumns = ['id', ...outboxColumns, 'provider_id'] as const;
const outboxUpsert =
  'on conflict (id) do update set status = excluded.status, attempts = excluded.attempts, next_attempt_at = excluded.next_attempt_at, sent_at = excluded.sent_at, error = excluded.error, provider_id = excluded.provider_id';
// What a cursor carries after the first steps: the visits so far, as the interpreter writes them.
const results = JSON.stringify({ steps: {}, visits: { start: 1, gate: 1, sms: 1 } });

/** The events and cursor moves of one transaction, written together at its end. */
class Rows {
  readonly events: unknown[][] = [];
  readonly cursors: unknown[][] = [];
  constructor(
    readonly runId: string,
    readonly now: number,
    private readonly eventMode: EventMode,
  ) {}
  event(contactId: string, type: string, nodeId: string, port: string | null = null): void {
    this.events.push([this.runId, contactId, type, this.now, nodeId, port, '{"visit":1}']);
  }
  async flush(store: Store, tx: Transaction<Database>): Promise<void> {
    if (this.eventMode === 'full') await store.writeRows(tx, 'events', eventColumns, this.events);
    // One row for the whole batch, its events as a JSON array.
    if (this.eventMode === 'packed' && this.events.length) {
      await store.writeRows(tx, 'events', eventColumns, [
        [this.runId, null, 'batch', this.now, null, null, JSON.stringify(this.events.map((e) => [e[1], e[2], e[4], e[5], e[6]]))],
      ]);
    }
    await store.writeRows(tx, 'cursors', cursorColumns, this.cursors, cursorUpsert);
  }
}

/** The cursors due: the start for everyone, then the end of the wait. Writes what the steps up to the next send write. */
async function stepDue(store: Store, runId: string, now: number, eventMode: EventMode): Promise<number> {
  return store.db.transaction().execute(async (tx) => {
    const claimed = await store.readRows(
      tx,
      tx
        .selectFrom('cursors')
        .leftJoin('contacts', 'contacts.id', 'cursors.contact_id')
        .select([
          'cursors.contact_id',
          'cursors.node_id',
          'cursors.results',
          'contacts.phone',
          'contacts.email',
          'contacts.first_name',
          'contacts.attributes',
          'contacts.consent',
        ])
        .where('cursors.run_id', '=', runId)
        .where('cursors.due_at', '<=', now)
        .orderBy('cursors.due_at')
        .orderBy('cursors.contact_id')
        .limit(batch),
    );
    const rows = new Rows(runId, now, eventMode);
    const outbox: unknown[][] = [];
    for (const [contactId, nodeId, , phone, email] of claimed as string[][]) {
      const c = contactId!;
      let channel: 'sms' | 'email';
      let payload: string;
      if (nodeId === 'start') {
        rows.event(c, 'node.entered', 'start');
        rows.event(c, 'contact.entered', 'start');
        rows.event(c, 'node.exited', 'start', 'out');
        rows.event(c, 'node.entered', 'gate');
        rows.event(c, 'node.exited', 'gate', 'allowed');
        rows.event(c, 'node.entered', 'sms');
        channel = 'sms';
        payload = JSON.stringify({ channel, to: phone, body: 'Hi Sam, your order 12345 is ready.' });
      } else {
        rows.event(c, 'node.exited', 'wait', 'out');
        rows.event(c, 'node.entered', 'mail-gate');
        rows.event(c, 'node.exited', 'mail-gate', 'allowed');
        rows.event(c, 'node.entered', 'email');
        channel = 'email';
        payload = JSON.stringify({ channel, to: email, subject: 'Your order 12345', text: 'Hello Sam' });
      }
      rows.cursors.push([runId, c, channel, 'in-flight', null, 1, 0, null, results]);
      outbox.push([`${runId}:${c}:${channel}:1`, runId, c, channel, channel, payload, 'pending', 0, now, now, null, null]);
    }
    await rows.flush(store, tx);
    await store.writeRows(tx, 'outbox', outboxColumns, outbox, 'on conflict (idempotency_key) do nothing');
    return claimed.length;
  });
}

/** The messages due: each accepted, recorded by the simulated provider, its delivery report queued, its contact moved on. */
async function deliver(store: Store, runId: string, now: number, eventMode: EventMode): Promise<number> {
  return store.db.transaction().execute(async (tx) => {
    const due = await tx
      .selectFrom('outbox')
      .selectAll()
      .where('status', '=', 'pending')
      .where('next_attempt_at', '<=', now)
      .orderBy('next_attempt_at')
      .orderBy('id')
      .limit(batch)
      .execute();
    const rows = new Rows(runId, now, eventMode);
    const sends: unknown[][] = [];
    const sent: unknown[][] = [];
    const reports: unknown[][] = [];
    for (const o of due) {
      const c = o.contact_id;
      sends.push([o.idempotency_key, o.channel, now, 1, JSON.stringify({ status: 'accepted', providerId: `sim-${o.id}` })]);
      const row: Record<string, unknown> = { ...o, status: 'sent', attempts: 1, sent_at: now };
      sent.push(sentColumns.map((k) => row[k] ?? null));
      reports.push([runId, c, `${o.channel}.delivered`, now + 5000, JSON.stringify({ nodeId: o.node_id })]);
      rows.event(c, `${o.channel}.sent`, o.node_id);
      rows.event(c, 'node.exited', o.node_id, 'sent');
      if (o.channel === 'sms') {
        rows.event(c, 'node.entered', 'wait');
        rows.cursors.push([runId, c, 'wait', 'waiting', now + hourMs, 1, 0, null, results]);
      } else {
        rows.event(c, 'node.entered', 'branch');
        rows.event(c, 'node.exited', 'branch', 'else');
        rows.event(c, 'node.entered', 'done');
        rows.event(c, 'contact.completed', 'done');
        rows.cursors.push([runId, c, 'done', 'done', null, 1, 0, null, results]);
      }
    }
    await store.writeRows(tx, 'simulated_sends', ['idempotency_key', 'channel', 'accepted_at', 'attempts', 'result'], sends);
    await store.writeRows(tx, 'outbox', sentColumns, sent, outboxUpsert);
    await store.writeRows(tx, 'inbox', ['run_id', 'contact_id', 'type', 'due_at', 'data'], reports);
    await rows.flush(store, tx);
    return due.length;
  });
}

/** The delivery reports due: each recorded as an event and taken out of the inbox. */
async function report(store: Store, runId: string, now: number, eventMode: EventMode): Promise<number> {
  return store.db.transaction().execute(async (tx) => {
    const due = await tx
      .selectFrom('inbox')
      .select(['id', 'contact_id', 'type'])
      .where('due_at', '<=', now)
      .orderBy('due_at')
      .orderBy('id')
      .limit(batch)
      .execute();
    const rows = new Rows(runId, now, eventMode);
    for (const r of due) rows.event(r.contact_id, r.type, r.type.startsWith('sms') ? 'sms' : 'email');
    await rows.flush(store, tx);
    for (let i = 0; i < due.length; i += 500)
      await tx
        .deleteFrom('inbox')
        .where(
          'id',
          'in',
          due.slice(i, i + 500).map((r) => r.id),
        )
        .execute();
    return due.length;
  });
}

async function nextDueAt(store: Store, runId: string): Promise<number | undefined> {
  const times = await Promise.all([
    store.db
      .selectFrom('cursors')
      .select((eb) => eb.fn.min('due_at').as('t'))
      .where('run_id', '=', runId)
      .executeTakeFirst(),
    store.db
      .selectFrom('outbox')
      .select((eb) => eb.fn.min('next_attempt_at').as('t'))
      .where('status', '=', 'pending')
      .executeTakeFirst(),
    store.db
      .selectFrom('inbox')
      .select((eb) => eb.fn.min('due_at').as('t'))
      .executeTakeFirst(),
  ]);
  const due = times.map((r) => r?.t).filter((t): t is number => t !== null && t !== undefined);
  return due.length ? Math.min(...due.map(Number)) : undefined;
}

/**
 * Starts a run of the benchmark journey over the list `bench` (already seeded) and writes its rows until every contact
 * is done, the clock jumping to the next due moment as the virtual clock does. Returns the seconds it took.
 */
export async function playStoreOnly(store: Store, now: number, eventMode: EventMode = 'full'): Promise<{ runId: string; seconds: number }> {
  const published = await publishJourney(store.db, benchJourney, { author: 'bench', message: 'bench', now });
  const started = performance.now();
  const run = await startRun(store, { journeyId: published.journeyId, version: published.version, listId: 'bench', now, simulated: true, seed: 1 });
  for (;;) {
    const work =
      (await report(store, run.id, now, eventMode)) + (await stepDue(store, run.id, now, eventMode)) + (await deliver(store, run.id, now, eventMode));
    if (work) continue;
    const next = await nextDueAt(store, run.id);
    if (next === undefined) break;
    now = next + 60_000;
  }
  return { runId: run.id, seconds: (performance.now() - started) / 1000 };
}
