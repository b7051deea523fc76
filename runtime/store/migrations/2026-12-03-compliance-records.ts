// Compliance records: every change to who may be contacted (opt-outs, opt-ins, consent) kept with who and when, in
// the scope it belongs to (the shared lists, or one simulated run's own); and the audit log of what people did.
// Also removes the opt-outs that simulated runs wrote into the shared do-not-contact list before runs were sealed.
import { sql, type Kysely } from 'kysely';
import { autoIncrementKey, bigIntType, type DialectName } from '../dialect.ts';

export function complianceRecords(dialect: DialectName) {
  const big = bigIntType(dialect);
  const [serial, serialKey] = autoIncrementKey(dialect);
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('permission_changes')
        .addColumn('id', serial, serialKey)
        // '' for the shared lists every live run and the check API read; a simulated run's id for its own.
        .addColumn('scope', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('change', 'text', (c) => c.notNull())
        .addColumn('channel', 'text', (c) => c.notNull())
        .addColumn('value', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('run_id', 'text')
        .addColumn('contact_id', 'text')
        .addColumn('actor', 'text')
        .addColumn('at', big, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('permission_changes_by_address').on('permission_changes').columns(['scope', 'channel', 'value', 'id']).execute();
      await db.schema.createIndex('permission_changes_by_run').on('permission_changes').columns(['run_id', 'id']).execute();
      await db.schema.alterTable('do_not_contact').addColumn('source', 'text').execute();
      await db.schema.alterTable('do_not_contact').addColumn('run_id', 'text').execute();
      await db.schema.alterTable('do_not_contact').addColumn('actor', 'text').execute();

      await db.schema
        .createTable('audit_log')
        .addColumn('id', serial, serialKey)
        .addColumn('at', big, (c) => c.notNull())
        .addColumn('actor_id', 'text')
        .addColumn('actor_name', 'text', (c) => c.notNull())
        .addColumn('actor_role', 'text')
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('target', 'text', (c) => c.notNull())
        .addColumn('journey_id', 'text')
        .addColumn('run_id', 'text')
        .addColumn('details', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('audit_log_by_run').on('audit_log').columns(['run_id', 'id']).execute();

      await removeSimulatedOptOuts(db);
      // A simulation's abandoned calls are read from its own events now; their virtual times leave the shared table.
      await sql`delete from abandoned_calls where run_id in (select id from runs where simulated = 1)`.execute(db);
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropTable('audit_log').execute();
      await db.schema.alterTable('do_not_contact').dropColumn('actor').execute();
      await db.schema.alterTable('do_not_contact').dropColumn('run_id').execute();
      await db.schema.alterTable('do_not_contact').dropColumn('source').execute();
      await db.schema.dropTable('permission_changes').execute();
    },
  };
}

/**
 * An opt-out is a simulated run's when a simulated run recorded `contact.optedOut` for a contact with that address at
 * the very moment the entry was added, and no live run did. Each removal is recorded as a change, so nothing leaves the
 * list without a trace.
 */
async function removeSimulatedOptOuts(db: Kysely<unknown>): Promise<void> {
  const rows = await sql<{ channel: string; value: string; reason: string; added_at: number | string; run_id: string; simulated: number | string }>`
    select d.channel, d.value, d.reason, d.added_at, r.id as run_id, r.simulated
    from do_not_contact d
    join events e on e.type = 'contact.optedOut' and e.time = d.added_at
    join runs r on r.id = e.run_id
    join contacts c on c.id = e.contact_id and ((d.channel = 'email' and lower(c.email) = d.value) or (d.channel <> 'email' and c.phone = d.value))
  `.execute(db);
  const live = new Set(rows.rows.filter((r) => Number(r.simulated) === 0).map((r) => `${r.channel}\u0000${r.value}`));
  const removed = new Map<string, (typeof rows.rows)[number]>();
  for (const row of rows.rows) {
    const key = `${row.channel}\u0000${row.value}`;
    if (Number(row.simulated) === 1 && !live.has(key)) removed.set(key, row);
  }
  const now = Date.now();
  for (const row of removed.values()) {
    await sql`delete from do_not_contact where channel = ${row.channel} and value = ${row.value}`.execute(db);
    await sql`insert into permission_changes (scope, kind, change, channel, value, reason, source, run_id, contact_id, actor, at)
      values ('', 'do-not-contact', 'removed', ${row.channel}, ${row.value},
        ${`Written by simulated run ${row.run_id} ("${row.reason}", dated ${new Date(Number(row.added_at)).toISOString()}); simulations no longer change the shared lists`},
        'cleanup', ${row.run_id}, null, 'system', ${now})`.execute(db);
  }
  if (removed.size > 0) {
    console.log(
      `Removed ${removed.size} do-not-contact ${removed.size === 1 ? 'entry' : 'entries'} that simulated runs had written to the shared lists; each removal is recorded in the list's history.`,
    );
  }
}
