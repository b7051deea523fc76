// The writes of one batch, gathered in memory and committed together: cursor moves, events, outbox, inbox, counters.
import { sql, type Insertable, type Transaction } from 'kysely';
import type { Selectable } from 'kysely';
import type { CounterTable, CursorTable, Database, EventTable, InboxTable, OutboxTable } from '../store/schema.ts';

/** Rows per statement: well under SQLite's 32,766 and PostgreSQL's 65,535 bound parameters. */
const chunkRows = 500;

export class BatchWrites {
  readonly cursors = new Map<string, Insertable<CursorTable>>();
  readonly events: Insertable<EventTable>[] = [];
  readonly outbox: Insertable<OutboxTable>[] = [];
  /** Outbox rows whose status, attempts or next attempt changed, written back whole. */
  readonly outboxChanges = new Map<number, Selectable<OutboxTable>>();
  readonly inbox: Insertable<InboxTable>[] = [];
  readonly counters = new Map<string, Insertable<CounterTable>>();
  readonly doneInbox: number[] = [];

  cursor(row: Insertable<CursorTable>): void {
    this.cursors.set(`${row.run_id}\u0000${row.contact_id}`, row);
  }

  count(runId: string, nodeId: string, metric: string, delta = 1): void {
    const key = `${runId}\u0000${nodeId}\u0000${metric}`;
    const row = this.counters.get(key);
    if (row) row.count += delta;
    else this.counters.set(key, { run_id: runId, node_id: nodeId, metric, count: delta });
  }

  get empty(): boolean {
    return !this.cursors.size && !this.events.length && !this.outbox.length && !this.outboxChanges.size && !this.inbox.length && !this.counters.size && !this.doneInbox.length;
  }

  async flush(tx: Transaction<Database>): Promise<void> {
    for (const rows of chunks([...this.cursors.values()])) {
      await tx
        .insertInto('cursors')
        .values(rows)
        .onConflict((oc) =>
          oc.columns(['run_id', 'contact_id']).doUpdateSet((eb) => ({
            node_id: eb.ref('excluded.node_id'),
            status: eb.ref('excluded.status'),
            due_at: eb.ref('excluded.due_at'),
            visit: eb.ref('excluded.visit'),
            attempt: eb.ref('excluded.attempt'),
            wait_event: eb.ref('excluded.wait_event'),
            results: eb.ref('excluded.results'),
          })),
        )
        .execute();
    }
    for (const rows of chunks(this.events)) await tx.insertInto('events').values(rows).execute();
    // A key already in the outbox means this send was written before; writing it again must not send it twice.
    for (const rows of chunks(this.outbox)) await tx.insertInto('outbox').values(rows).onConflict((oc) => oc.column('idempotency_key').doNothing()).execute();
    for (const rows of chunks([...this.outboxChanges.values()])) {
      await tx
        .insertInto('outbox')
        .values(rows)
        .onConflict((oc) =>
          oc.column('id').doUpdateSet((eb) => ({
            status: eb.ref('excluded.status'),
            attempts: eb.ref('excluded.attempts'),
            next_attempt_at: eb.ref('excluded.next_attempt_at'),
            sent_at: eb.ref('excluded.sent_at'),
            error: eb.ref('excluded.error'),
          })),
        )
        .execute();
    }
    for (const rows of chunks(this.inbox)) await tx.insertInto('inbox').values(rows).execute();
    for (const rows of chunks([...this.counters.values()].filter((c) => c.count !== 0))) {
      await tx
        .insertInto('counters')
        .values(rows)
        .onConflict((oc) => oc.columns(['run_id', 'node_id', 'metric']).doUpdateSet({ count: sql`counters.count + excluded.count` }))
        .execute();
    }
    for (const ids of chunks(this.doneInbox)) await tx.deleteFrom('inbox').where('id', 'in', ids).execute();
  }
}

function* chunks<T>(rows: T[]): Generator<T[]> {
  for (let i = 0; i < rows.length; i += chunkRows) yield rows.slice(i, i + chunkRows);
}
