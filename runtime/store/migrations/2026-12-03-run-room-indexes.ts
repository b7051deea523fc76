// Indexes for looking inside a run: the contacts at one step, paged by contact, and one contact's events in order.
import type { Kysely } from 'kysely';
import type { DialectName } from '../dialect.ts';

export function runRoomIndexes(_dialect: DialectName) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      // A step's contacts in contact order, so a page after a contact id is read straight off the index.
      await db.schema.createIndex('cursors_by_step').on('cursors').columns(['run_id', 'node_id', 'contact_id']).execute();
      // A contact's story, and the latest hold or call event of each contact on a page, without reading the run's log.
      await db.schema.createIndex('events_by_contact').on('events').columns(['run_id', 'contact_id', 'seq']).execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropIndex('events_by_contact').execute();
      await db.schema.dropIndex('cursors_by_step').execute();
    },
  };
}
