// The writes of one batch, gathered in memory and committed together: cursor moves, events, outbox, inbox, counters.
import type { Insertable, Transaction } from 'kysely';
import type { RowWriter } from '../store/dialect.ts';
import type { Selectable } from 'kysely';
import type { CounterTable, Database, EventTable, InboxTable, OutboxTable } from '../store/schema.ts';
import { toRow, type CursorState } from './cursor.ts';

/** Rows per statement: well under SQLite's 32,766 and PostgreSQL's 65,535 bound parameters. */
const chunkRows = 500;

/** The columns of a new outbox row, in the order batches write them (the store-only benchmark writes the same). */
export const outboxColumns = [
  'idempotency_key',
  'run_id',
  'contact_id',
  'node_id',
  'channel',
  'payload',
  'status',
  'attempts',
  'next_attempt_at',
  'created_at',
  'sent_at',
  'error',
] as const;

export class BatchWrites {
  /** The last state of each contact moved in the batch; serialised once, at flush, however many steps it took. */
  readonly cursors = new Map<string, CursorState>();
  readonly events: Insertable<EventTable>[] = [];
  readonly outbox: Insertable<OutboxTable>[] = [];
  /** Outbox rows whose status, attempts or next attempt changed, written back whole. */
  readonly outboxChanges = new Map<number, Selectable<OutboxTable>>();
  readonly inbox: Insertable<InboxTable>[] = [];
  readonly counters = new Map<string, Insertable<CounterTable>>();
  readonly doneInbox: number[] = [];

  cursor(state: CursorState): void {
    this.cursors.set(`${state.runId}\u0000${state.contactId}`, state);
  }

  count(runId: string, nodeId: string, metric: string, delta = 1): void {
    const key = `${runId}\u0000${nodeId}\u0000${metric}`;
    const row = this.counters.get(key);
    if (row) row.count += delta;
    else this.counters.set(key, { run_id: runId, node_id: nodeId, metric, count: delta });
  }

  async flush(tx: Transaction<Database>, writeRows: RowWriter): Promise<void> {
    const cursorColumns = ['run_id', 'contact_id', 'node_id', 'status', 'due_at', 'visit', 'attempt', 'wait_event', 'results'] as const;
    await writeRows(
      tx,
      'cursors',
      cursorColumns,
      [...this.cursors.values()].map((state) => {
        const c = toRow(state);
        return cursorColumns.map((k) => c[k] ?? null);
      }),
      `on conflict (run_id, contact_id) do update set ${cursorColumns
        .slice(2)
        .map((k) => `${k} = excluded.${k}`)
        .join(', ')}`,
    );
    const eventColumns = ['run_id', 'contact_id', 'type', 'time', 'node_id', 'port', 'data'] as const;
    await writeRows(
      tx,
      'events',
      eventColumns,
      this.events.map((e) => eventColumns.map((k) => e[k] ?? null)),
    );
    // A key already in the outbox means this send was written before; writing it again must not send it twice.
    await writeRows(
      tx,
      'outbox',
      outboxColumns,
      this.outbox.map((o) => outboxColumns.map((k) => o[k] ?? null)),
      'on conflict (idempotency_key) do nothing',
    );
    const changedColumns = ['id', ...outboxColumns, 'provider_id'] as const;
    await writeRows(
      tx,
      'outbox',
      changedColumns,
      [...this.outboxChanges.values()].map((o) => changedColumns.map((k) => o[k] ?? null)),
      'on conflict (id) do update set status = excluded.status, attempts = excluded.attempts, next_attempt_at = excluded.next_attempt_at, sent_at = excluded.sent_at, error = excluded.error, provider_id = excluded.provider_id',
    );
    const inboxColumns = ['run_id', 'contact_id', 'type', 'due_at', 'data'] as const;
    await writeRows(
      tx,
      'inbox',
      inboxColumns,
      this.inbox.map((r) => inboxColumns.map((k) => r[k] ?? null)),
    );
    // Every batch of a run adds to the same few counter rows. Written in key order, two batches committing at once on
    // PostgreSQL queue for those rows one after the other instead of each holding one the other waits for.
    await writeRows(
      tx,
      'counters',
      ['run_id', 'node_id', 'metric', 'count'],
      [...this.counters.entries()]
        .filter(([, c]) => c.count !== 0)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([, c]) => [c.run_id, c.node_id, c.metric, c.count]),
      'on conflict (run_id, node_id, metric) do update set count = counters.count + excluded.count',
    );
    for (const ids of chunks(this.doneInbox)) await tx.deleteFrom('inbox').where('id', 'in', ids).execute();
  }
}

function* chunks<T>(rows: T[]): Generator<T[]> {
  for (let i = 0; i < rows.length; i += chunkRows) yield rows.slice(i, i + chunkRows);
}
