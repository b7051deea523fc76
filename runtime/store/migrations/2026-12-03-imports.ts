// Large uploads as jobs. `imports`: a contact list import with an id, its progress while it runs and its report when it
// ends, so that a client whose upload outlasts its patience (or its connection) can still learn what happened.
// `registry_imports.copy`: the key a register copy's numbers are stored under, so that a new copy is written beside
// the one in force and takes its place in one small step once complete (null: the profile's own name, as before).
import type { Kysely } from 'kysely';
import { bigIntType, type DialectName } from '../dialect.ts';

export function imports(dialect: DialectName) {
  const big = bigIntType(dialect);
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('imports')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('list_id', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('actor', 'text')
        .addColumn('bytes', big, (c) => c.notNull().defaultTo(0))
        .addColumn('rows', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('imported', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('merged', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('skipped', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('problems', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('message', 'text')
        .addColumn('report', 'text')
        .addColumn('created_at', big, (c) => c.notNull())
        .addColumn('updated_at', big, (c) => c.notNull())
        .addColumn('finished_at', big)
        .execute();
      await db.schema.createIndex('imports_by_list').on('imports').columns(['list_id', 'created_at']).execute();
      await db.schema.alterTable('registry_imports').addColumn('copy', 'text').execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('registry_imports').dropColumn('copy').execute();
      await db.schema.dropTable('imports').execute();
    },
  };
}
