// Calls placed through a real carrier, whose progress comes later: each call's key recorded before the provider is
// asked (so a crash or a retried request never places it twice), the dialer's requests about it waiting to be sent,
// and the moments the provider reported, once each.
import { sql, type Kysely } from 'kysely';
import { bigIntType, type DialectName } from '../dialect.ts';

export function carrierCalls(dialect: DialectName) {
  const big = bigIntType(dialect);
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('carrier_calls')
        .addColumn('call_key', 'text', (c) => c.primaryKey())
        .addColumn('run_id', 'text', (c) => c.notNull())
        .addColumn('node_id', 'text', (c) => c.notNull())
        .addColumn('contact_id', 'text', (c) => c.notNull())
        .addColumn('carrier', 'text', (c) => c.notNull())
        .addColumn('provider_call_id', 'text')
        .addColumn('created_at', big, (c) => c.notNull())
        .addColumn('answered', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('ended_at', big)
        .addColumn('duration_seconds', 'integer')
        .addColumn('price', 'text')
        .addColumn('price_unit', 'text')
        .execute();
      await db.schema.createIndex('carrier_calls_by_provider_id').unique().on('carrier_calls').column('provider_call_id').execute();
      // The carrier's concurrency limit counts the calls not over yet.
      await sql`create index carrier_calls_under_way on carrier_calls (carrier) where ended_at is null`.execute(db);
      await db.schema.createIndex('carrier_calls_by_run').on('carrier_calls').column('run_id').execute();
      await db.schema
        .createTable('carrier_requests')
        .addColumn('call_key', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('next_attempt_at', big, (c) => c.notNull())
        .addColumn('created_at', big, (c) => c.notNull())
        .addColumn('done_at', big)
        .addColumn('error', 'text')
        .addPrimaryKeyConstraint('carrier_requests_pk', ['call_key', 'kind'])
        .execute();
      await db.schema.createIndex('carrier_requests_due').on('carrier_requests').columns(['status', 'next_attempt_at']).execute();
      await db.schema
        .createTable('call_progress')
        .addColumn('call_key', 'text', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('at', big, (c) => c.notNull())
        .addColumn('data', 'text', (c) => c.notNull())
        .addColumn('recorded_at', big, (c) => c.notNull())
        .addColumn('heard', 'integer', (c) => c.notNull().defaultTo(0))
        .addPrimaryKeyConstraint('call_progress_pk', ['call_key', 'type'])
        .execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropTable('call_progress').execute();
      await db.schema.dropTable('carrier_requests').execute();
      await db.schema.dropTable('carrier_calls').execute();
    },
  };
}
