// What the benchmarks run: a six-step journey and an audience of generated contacts written straight into the store.
import type { Store } from '../runtime/store/dialect.ts';
import { ensureContactList } from '../runtime/store/repositories/journeys.ts';

/** Six steps after the start: gate, SMS, wait, email, branch, end (two ends, as a real journey has). */
export const benchJourney = {
  schemaVersion: 1,
  id: 'bench',
  name: 'Runtime benchmark',
  settings: { timezone: 'America/New_York', compliance: 'US' },
  nodes: {
    start: { type: 'start', position: { x: 0, y: 0 }, config: { audience: { list: 'bench' } }, next: { out: 'gate' } },
    gate: { type: 'compliance-gate', position: { x: 200, y: 0 }, config: { channel: 'sms', checks: ['dnc', 'consent'] }, next: { allowed: 'sms', blocked: 'blocked' } },
    sms: { type: 'sms', position: { x: 400, y: 0 }, config: { body: 'Hi {{ contact.firstName }}, your order {{ attributes.order }} is ready.', trackLinks: false }, next: { sent: 'wait', failed: 'failed' } },
    wait: { type: 'wait', position: { x: 600, y: 0 }, config: { duration: 'PT1H' }, next: { out: 'email' } },
    email: { type: 'email', position: { x: 800, y: 0 }, config: { subject: 'Your order {{ attributes.order }}', text: 'Hello {{ contact.firstName }}', trackOpens: false, trackLinks: false }, next: { sent: 'branch', failed: 'failed' } },
    branch: {
      type: 'branch',
      position: { x: 1000, y: 0 },
      config: { rules: [{ port: 'big', conditions: [{ field: 'attributes.order', op: 'greater-than', value: 500000 }] }] },
      next: { big: 'done', else: 'done' },
    },
    done: { type: 'end', position: { x: 1200, y: 0 }, config: { outcome: 'completed' } },
    blocked: { type: 'end', position: { x: 400, y: 200 }, config: { outcome: 'blocked' } },
    failed: { type: 'end', position: { x: 1000, y: 200 }, config: { outcome: 'failed' } },
  },
};

/** Writes `n` contacts who consent to every channel into the list `bench`, a thousand rows per statement. */
export async function seedContacts(store: Store, n: number, now: number): Promise<void> {
  await ensureContactList(store.db, 'bench', 'bench', now);
  for (let i = 0; i < n; i += 1000) {
    const rows = [];
    for (let j = i; j < Math.min(n, i + 1000); j++) {
      rows.push({
        id: `c${String(j).padStart(8, '0')}`,
        list_id: 'bench',
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
