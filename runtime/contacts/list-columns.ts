// The columns a contact list has besides the contact fields, kept so that a run can be refused before it starts when
// its journey reads an attribute the list does not have.
import type { Problem } from '../../schemas/problems.ts';
import { validateJourney } from '../../schemas/validate.ts';
import type { Executor } from '../store/dialect.ts';
import { parseJson } from '../store/json.ts';

/** Adds names to the list's columns: a re-import or an API contact with new attributes widens them, never narrows. */
export async function recordListColumns(db: Executor, listId: string, names: readonly string[]): Promise<void> {
  const known = await listColumnsOf(db, listId);
  const merged = [...new Set([...(known ?? []), ...names])];
  if (known && merged.length === known.length) return;
  await db
    .updateTable('contact_lists')
    .set({ columns: JSON.stringify(merged) })
    .where('id', '=', listId)
    .execute();
}

/** The list's columns, or undefined when they are not known (a list filled before columns were recorded, or by hand). */
export async function listColumnsOf(db: Executor, listId: string): Promise<string[] | undefined> {
  const row = await db.selectFrom('contact_lists').select('columns').where('id', '=', listId).executeTakeFirst();
  return row?.columns ? parseJson(row.columns) : undefined;
}

/**
 * Attributes the journey reads that the list lacks (and no webhook step saves), as errors that refuse starting a run:
 * every contact would get an empty value where the message expects one. None when the list's columns are not known.
 */
export async function missingAttributeProblems(db: Executor, journey: unknown, listId: string): Promise<Problem[]> {
  const columns = await listColumnsOf(db, listId);
  if (!columns) return [];
  return validateJourney(journey, { published: true, attributes: { columns, listId } })
    .problems.filter((p) => p.severity === 'warning' && / reads attributes/.test(p.message))
    .map((p) => ({ ...p, severity: 'error' as const }));
}
