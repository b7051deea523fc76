// Compliance data: imported national do-not-call registers, abandoned calls by number, and the indexes that let a gate
// count a number's recent calls and texts across journeys.
import type { Kysely } from 'kysely';
import { autoIncrementKey, bigIntType, type DialectName } from '../dialect.ts';

export function compliance(dialect: DialectName) {
  const big = bigIntType(dialect);
  const [serial, serialKey] = autoIncrementKey(dialect);
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('registry_imports')
        .addColumn('id', serial, serialKey)
        .addColumn('profile', 'text', (c) => c.notNull())
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('downloaded_at', big, (c) => c.notNull())
        .addColumn('imported_at', big, (c) => c.notNull())
        .addColumn('entries', 'integer', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('registry_numbers')
        .addColumn('profile', 'text', (c) => c.notNull())
        .addColumn('value', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('registry_numbers_pk', ['profile', 'value'])
        .execute();
      await db.schema
        .createTable('abandoned_calls')
        .addColumn('value', 'text', (c) => c.notNull())
        .addColumn('at', big, (c) => c.notNull())
        .addColumn('run_id', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('abandoned_calls_by_value').on('abandoned_calls').columns(['value', 'at']).execute();
      // A frequency cap counts a number's sends in every list and journey: contacts by phone, then their outbox rows.
      await db.schema.createIndex('contacts_phone').on('contacts').column('phone').execute();
      await db.schema.createIndex('outbox_by_contact').on('outbox').columns(['contact_id', 'created_at']).execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropIndex('outbox_by_contact').execute();
      await db.schema.dropIndex('contacts_phone').execute();
      for (const table of ['abandoned_calls', 'registry_numbers', 'registry_imports']) await db.schema.dropTable(table).execute();
    },
  };
}
