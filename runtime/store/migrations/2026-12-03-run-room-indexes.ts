// Indexes for looking inside a run: the contacts at one step, paged by contact, one contact's events in order, and
// a run's events of one type.
import type { Kysely } from 'kysely';
import type { DialectName } from '../dialect.ts';

export function runRoomIndexes(_dialect: DialectName) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      // A step's contacts in contact order, so a page after a contact id is read straight off the index.
      await db.schema.createIndex('cursors_by_step').on('cursors').columns(['run_id', 'node_id', 'contact_id']).execute();
      // A contact's story, and the latest hold or call event of each contact on a page, without reading the run's log.
      await db.schema.createIndex('events_by_contact').on('events').columns(['run_id', 'contact_id', 'seq']).execute();
      // A run's events of a few types (sends and their answers, calls, a step's entries and exits) without reading the
      // rest of its log: channel results count a 30,000-contact run off this index instead of scanning its events.
      await db.schema.createIndex('events_by_type').on('events').columns(['run_id', 'type', 'node_id']).execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropIndex('events_by_type').execute();
      await db.schema.dropIndex('events_by_contact').execute();
      await db.schema.dropIndex('cursors_by_step').execute();
    },
  };
}
