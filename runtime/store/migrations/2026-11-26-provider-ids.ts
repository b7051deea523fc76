// What a provider called each accepted send, so that its later reports (a delivery receipt, a failure) find the
// contact; and the recipient of each text, so that a reply from a number finds who was texted.
import { sql, type Kysely } from 'kysely';
import { jsonText, type DialectName } from '../dialect.ts';

export function providerIds(dialect: DialectName) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('outbox').addColumn('provider_id', 'text').execute();
      // Only sends of live runs have one: a simulation's sends cost the index nothing.
      await db.schema.createIndex('outbox_by_provider_id').on('outbox').column('provider_id').where('provider_id', 'is not', null).execute();
      // Only texts a provider took: an email's or a webhook's payload has other fields, and replies come by text alone.
      await sql`create index outbox_sms_by_recipient on outbox (${jsonText(dialect, 'payload', 'to')}, id) where channel = 'sms' and provider_id is not null`.execute(
        db,
      );
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropIndex('outbox_sms_by_recipient').execute();
      await db.schema.dropIndex('outbox_by_provider_id').execute();
      await db.schema.alterTable('outbox').dropColumn('provider_id').execute();
    },
  };
}
