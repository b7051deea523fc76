// A contact as steps and scripts see it: the columns of its row they read, and what its steps saved in a run.
import type { Executor } from '../store/dialect.ts';
import { parseJson } from '../store/json.ts';
import type { Contact } from '../store/schema.ts';
import type { ContactView, Results } from '../nodes/types.ts';

export async function loadContacts(db: Executor, ids: string[]): Promise<Map<string, ContactView>> {
  const out = new Map<string, ContactView>();
  const unique = [...new Set(ids)];
  for (let i = 0; i < unique.length; i += 500) {
    const rows = await db
      .selectFrom('contacts')
      .selectAll()
      .where('id', 'in', unique.slice(i, i + 500))
      .execute();
    for (const row of rows) out.set(row.id, toContactView(row));
  }
  return out;
}

/** The contact as steps see it, from the columns of its row that they read. */
export function toContactView(row: Omit<Contact, 'list_id' | 'created_at'>): ContactView {
  return {
    id: row.id,
    externalId: row.external_id,
    phone: row.phone,
    email: row.email,
    firstName: row.first_name,
    lastName: row.last_name,
    timezone: row.timezone,
    state: row.state,
    postalCode: row.postal_code,
    attributes: parseJson(row.attributes),
    consent: parseJson(row.consent),
  };
}

/** What the contact's steps saved in the run (a template's `results`), or undefined when it never entered the run. */
export async function loadRunResults(db: Executor, runId: string, contactId: string): Promise<Results | undefined> {
  const row = await db.selectFrom('cursors').select('results').where('run_id', '=', runId).where('contact_id', '=', contactId).executeTakeFirst();
  return row ? parseJson(row.results) : undefined;
}
