// The first schema: contacts, journeys and versions, runs, cursors, events, outbox, inbox, counters, do-not-contact.
import { sql, type Kysely } from 'kysely';
import { autoIncrementKey, bigIntType, type DialectName } from '../dialect.ts';

export function initial(dialect: DialectName) {
  const big = bigIntType(dialect);
  const [serial, serialKey] = autoIncrementKey(dialect);
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('contact_lists')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('created_at', big, (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('contacts')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('list_id', 'text', (c) => c.notNull().references('contact_lists.id'))
        .addColumn('external_id', 'text')
        .addColumn('phone', 'text')
        .addColumn('email', 'text')
        .addColumn('first_name', 'text')
        .addColumn('last_name', 'text')
        .addColumn('timezone', 'text')
        .addColumn('state', 'text')
        .addColumn('postal_code', 'text')
        .addColumn('attributes', 'text', (c) => c.notNull().defaultTo('{}'))
        .addColumn('consent', 'text', (c) => c.notNull().defaultTo('{}'))
        .addColumn('created_at', big, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('contacts_by_list').on('contacts').columns(['list_id', 'id']).execute();
      await db.schema.createIndex('contacts_by_phone').on('contacts').columns(['list_id', 'phone']).execute();

      await db.schema
        .createTable('journeys')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('draft', 'text', (c) => c.notNull())
        .addColumn('updated_at', big, (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('journey_versions')
        .addColumn('journey_id', 'text', (c) => c.notNull().references('journeys.id'))
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('content', 'text', (c) => c.notNull())
        .addColumn('content_hash', 'text', (c) => c.notNull())
        .addColumn('author', 'text', (c) => c.notNull())
        .addColumn('message', 'text', (c) => c.notNull())
        .addColumn('published_at', big, (c) => c.notNull())
        .addPrimaryKeyConstraint('journey_versions_pk', ['journey_id', 'version'])
        .execute();

      await db.schema
        .createTable('runs')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('journey_id', 'text', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('list_id', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('simulated', 'integer', (c) => c.notNull())
        .addColumn('seed', 'integer', (c) => c.notNull())
        .addColumn('options', 'text', (c) => c.notNull().defaultTo('{}'))
        .addColumn('created_at', big, (c) => c.notNull())
        .addColumn('start_at', big, (c) => c.notNull())
        .addColumn('ended_at', big)
        .addColumn('stop_reason', 'text')
        .addForeignKeyConstraint('runs_version_fk', ['journey_id', 'version'], 'journey_versions', ['journey_id', 'version'])
        .execute();

      await db.schema
        .createTable('cursors')
        .addColumn('run_id', 'text', (c) => c.notNull().references('runs.id'))
        .addColumn('contact_id', 'text', (c) => c.notNull())
        .addColumn('node_id', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('due_at', big)
        .addColumn('visit', 'integer', (c) => c.notNull())
        .addColumn('attempt', 'integer', (c) => c.notNull())
        .addColumn('wait_event', 'text')
        .addColumn('results', 'text', (c) => c.notNull().defaultTo('{}'))
        .addPrimaryKeyConstraint('cursors_pk', ['run_id', 'contact_id'])
        .execute();
      // The claim reads a run's due cursors in due order straight off this index; done and in-flight ones have no due time.
      await db.schema.createIndex('cursors_due').on('cursors').columns(['run_id', 'due_at', 'contact_id']).execute();
      // Only contacts queued for a call, or on one, are in these indexes, so the dialer finds them without a scan.
      for (const [name, waitEvent] of [
        ['cursors_dial_queue', '{"type":"dial-queue"}'],
        ['cursors_on_call', '{"type":"call"}'],
      ] as const) {
        await db.schema
          .createIndex(name)
          .on('cursors')
          .columns(['run_id', 'node_id', 'contact_id'])
          .where(sql.ref('wait_event'), '=', sql.lit(waitEvent))
          .execute();
      }

      await db.schema
        .createTable('events')
        .addColumn('seq', serial, serialKey)
        .addColumn('run_id', 'text', (c) => c.notNull())
        .addColumn('contact_id', 'text')
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('time', big, (c) => c.notNull())
        .addColumn('node_id', 'text')
        .addColumn('port', 'text')
        .addColumn('data', 'text', (c) => c.notNull().defaultTo('{}'))
        .execute();
      await db.schema.createIndex('events_by_run').on('events').columns(['run_id', 'seq']).execute();

      await db.schema
        .createTable('outbox')
        .addColumn('id', serial, serialKey)
        .addColumn('idempotency_key', 'text', (c) => c.notNull().unique())
        .addColumn('run_id', 'text', (c) => c.notNull())
        .addColumn('contact_id', 'text', (c) => c.notNull())
        .addColumn('node_id', 'text', (c) => c.notNull())
        .addColumn('channel', 'text', (c) => c.notNull())
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('next_attempt_at', big, (c) => c.notNull())
        .addColumn('created_at', big, (c) => c.notNull())
        .addColumn('sent_at', big)
        .addColumn('error', 'text')
        .execute();
      await db.schema.createIndex('outbox_due').on('outbox').columns(['status', 'next_attempt_at']).execute();
      await db.schema.createIndex('outbox_by_run').on('outbox').columns(['run_id', 'status']).execute();

      await db.schema
        .createTable('inbox')
        .addColumn('id', serial, serialKey)
        .addColumn('run_id', 'text', (c) => c.notNull())
        .addColumn('contact_id', 'text', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('due_at', big, (c) => c.notNull())
        .addColumn('data', 'text', (c) => c.notNull().defaultTo('{}'))
        .execute();
      // Processed rows are deleted (their events stay), so everything here is still to do.
      await db.schema.createIndex('inbox_due').on('inbox').columns(['due_at', 'id']).execute();

      await db.schema
        .createTable('counters')
        .addColumn('run_id', 'text', (c) => c.notNull())
        .addColumn('node_id', 'text', (c) => c.notNull())
        .addColumn('metric', 'text', (c) => c.notNull())
        .addColumn('count', big, (c) => c.notNull())
        .addPrimaryKeyConstraint('counters_pk', ['run_id', 'node_id', 'metric'])
        .execute();

      await db.schema
        .createTable('do_not_contact')
        .addColumn('channel', 'text', (c) => c.notNull())
        .addColumn('value', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('added_at', big, (c) => c.notNull())
        .addPrimaryKeyConstraint('do_not_contact_pk', ['channel', 'value'])
        .execute();

      await db.schema
        .createTable('dialer_state')
        .addColumn('run_id', 'text', (c) => c.notNull())
        .addColumn('node_id', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('dialer_state_pk', ['run_id', 'node_id'])
        .execute();

      await db.schema
        .createTable('simulated_sends')
        .addColumn('idempotency_key', 'text', (c) => c.primaryKey())
        .addColumn('channel', 'text', (c) => c.notNull())
        .addColumn('accepted_at', big, (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('result', 'text', (c) => c.notNull())
        .execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      for (const table of [
        'simulated_sends',
        'dialer_state',
        'do_not_contact',
        'counters',
        'inbox',
        'outbox',
        'events',
        'cursors',
        'runs',
        'journey_versions',
        'journeys',
        'contacts',
        'contact_lists',
      ]) {
        await db.schema.dropTable(table).execute();
      }
    },
  };
}
