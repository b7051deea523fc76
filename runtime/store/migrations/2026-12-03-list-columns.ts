// The columns of each contact list besides the contact fields, so that a journey's attributes can be checked against
// them before a run starts. Lists made before this learn theirs from the attributes their contacts hold.
import { sql, type Kysely } from 'kysely';
import type { DialectName } from '../dialect.ts';

export function listColumns(dialect: DialectName) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      // A JSON array of names; null while a list's columns are not known (then nothing is checked against them).
      await db.schema.alterTable('contact_lists').addColumn('columns', 'text').execute();
      const keys =
        dialect === 'postgres'
          ? sql`select distinct c.list_id, k as name from contacts c, jsonb_object_keys(c.attributes::jsonb) k`
          : sql`select distinct c.list_id, j.key as name from contacts c, json_each(c.attributes) j`;
      const rows = (await keys.execute(db)).rows as { list_id: string; name: string }[];
      const byList = new Map<string, string[]>();
      for (const row of rows) byList.set(row.list_id, [...(byList.get(row.list_id) ?? []), row.name]);
      for (const [listId, names] of byList) {
        await sql`update contact_lists set columns = ${JSON.stringify(names.sort())} where id = ${listId}`.execute(db);
      }
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('contact_lists').dropColumn('columns').execute();
    },
  };
}
