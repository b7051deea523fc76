// Secrets the server makes for itself on first start and keeps with its data, so that every process on the same
// store signs and checks alike (the key of tracked links' tokens).
import type { Kysely } from 'kysely';
import type { DialectName } from '../dialect.ts';

export function serverSecret(_dialect: DialectName) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('server_secrets')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropTable('server_secrets').execute();
    },
  };
}
