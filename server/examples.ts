// First start: the example journeys as drafts and published version 1, and their contact lists, ready to run.
import { createReadStream } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { formatJourney } from '../schemas/format.ts';
import { loadJourney } from '../schemas/parse.ts';
import { importContactsCsv } from '../runtime/contacts/import-csv.ts';
import type { Store } from '../runtime/store/dialect.ts';
import { recordAudit } from '../runtime/store/repositories/audit.ts';
import { ensureContactList, publishJourney } from '../runtime/store/repositories/journeys.ts';

/** Loads every `examples/*.journey.json` (with its `.contacts.csv`) when the store has no journeys; returns their ids. */
export async function loadExamples(store: Store, dir: string, now: number): Promise<string[]> {
  const db = store.db;
  const any = await db.selectFrom('journeys').select('id').limit(1).executeTakeFirst();
  if (any) return [];
  const files = (await readdir(dir)).filter((f) => f.endsWith('.journey.json')).sort();
  const loaded: string[] = [];
  for (const file of files) {
    const text = await readFile(join(dir, file), 'utf8');
    const { journey, problems } = loadJourney(text);
    if (!journey) throw new Error(`The example ${file} does not validate: ${problems[0]?.message ?? ''}`);
    const start = Object.values(journey.nodes).find((n) => n.type === 'start');
    const list = start?.type === 'start' && 'list' in start.config.audience ? start.config.audience.list : undefined;
    if (list) {
      await ensureContactList(db, list, journey.name, now);
      const csv = join(dir, file.replace(/\.journey\.json$/, '.contacts.csv'));
      await importContactsCsv(db, createReadStream(csv), { listId: list, now });
    }
    // The file as written, not the parsed journey, which carries derived fields (each step's id) the file does not.
    const document: unknown = JSON.parse(text);
    await db.transaction().execute(async (tx) => {
      const message = 'The example as shipped';
      const published = await publishJourney(tx, document, { author: 'examples', message, now });
      await recordAudit(tx, {
        at: now,
        actor: { id: null, name: 'server (examples)', role: null },
        action: 'journey.published',
        target: published.journeyId,
        journeyId: published.journeyId,
        details: { version: published.version, contentHash: published.contentHash, message },
      });
    });
    await db
      .updateTable('journeys')
      .set({ draft: formatJourney(document) })
      .where('id', '=', journey.id)
      .execute();
    loaded.push(journey.id);
  }
  return loaded;
}
