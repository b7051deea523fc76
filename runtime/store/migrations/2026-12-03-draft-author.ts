// Who saved each journey draft last, so that a save refused for a stale copy can say whose change it would have undone.
import type { Kysely } from 'kysely';
import type { DialectName } from '../dialect.ts';

export function draftAuthor(_dialect: DialectName) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      // The token name of the last save; null for drafts saved before this was kept.
      await db.schema.alterTable('journeys').addColumn('draft_author', 'text').execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('journeys').dropColumn('draft_author').execute();
    },
  };
}
