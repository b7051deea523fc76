// Agents that people drive from the agent page, and the dialer's working memory beside its compact live gauges.
import type { Kysely } from 'kysely';
import { bigIntType, type DialectName } from '../dialect.ts';

export function agents(dialect: DialectName) {
  const big = bigIntType(dialect);
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('agents')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('queues', 'text', (c) => c.notNull())
        .addColumn('since', big, (c) => c.notNull())
        .addColumn('idle_since', big, (c) => c.notNull())
        .addColumn('run_id', 'text')
        .addColumn('node_id', 'text')
        .addColumn('contact_id', 'text')
        .addColumn('visit', 'integer')
        .addColumn('call_key', 'text')
        .addColumn('call_phase', 'text')
        .addColumn('started_at', big)
        .addColumn('connected_at', big)
        .addColumn('wrap_started_at', big)
        .addColumn('disposition', 'text')
        .addColumn('handled', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('last_talk_ms', big)
        .addColumn('last_wrap_ms', big)
        .execute();
      await db.schema.createIndex('agents_by_state').on('agents').column('state').execute();
      // The gauges a monitor reads stay in `state`; what the dialer learns and the calls it tracks go here.
      await db.schema.alterTable('dialer_state').addColumn('memory', 'text').execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('dialer_state').dropColumn('memory').execute();
      await db.schema.dropTable('agents').execute();
    },
  };
}
