// Generated audiences for benchmarks and load tests: many contacts written straight into the store, no CSV in between.
import type { Store } from '../store/dialect.ts';
import { ensureContactList } from '../store/repositories/journeys.ts';

/**
 * Writes `count` contacts who consent to every channel into the list `listId` (made if missing), a thousand rows per
 * statement. Contact j has the id `<idPrefix><j>` (zero-padded), a US number, an email address and the attribute
 * `order` = j as text, which a branch can compare as a number.
 */
export async function seedGeneratedContacts(store: Store, options: { listId: string; count: number; now: number; idPrefix?: string }): Promise<void> {
  const { listId, count, now, idPrefix = 'c' } = options;
  await ensureContactList(store.db, listId, listId, now);
  for (let i = 0; i < count; i += 1000) {
    const rows = [];
    for (let j = i; j < Math.min(count, i + 1000); j++) {
      rows.push({
        id: `${idPrefix}${String(j).padStart(8, '0')}`,
        list_id: listId,
        external_id: String(j),
        phone: `+1202${String(2000000 + j).slice(-7)}`,
        email: `person${j}@example.com`,
        first_name: 'Sam',
        last_name: null,
        timezone: null,
        state: null,
        postal_code: null,
        attributes: JSON.stringify({ order: String(j) }),
        consent: '{"sms":true,"email":true,"voice":true}',
        created_at: now,
      });
    }
    await store.db.insertInto('contacts').values(rows).execute();
  }
}
