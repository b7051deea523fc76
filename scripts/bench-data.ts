// What the benchmarks run: a six-step journey and an audience of generated contacts written straight into the store.
import type { Store } from '../runtime/store/dialect.ts';
import { seedGeneratedContacts } from '../runtime/contacts/generated.ts';

/** Six steps after the start: gate, SMS, wait, email, branch, end (two ends, as a real journey has). */
export const benchJourney = {
  schemaVersion: 1,
  id: 'bench',
  name: 'Runtime benchmark',
  settings: { timezone: 'America/New_York', compliance: 'US' },
  nodes: {
    start: { type: 'start', position: { x: 0, y: 0 }, config: { audience: { list: 'bench' } }, next: { out: 'gate' } },
    gate: {
      type: 'compliance-gate',
      position: { x: 200, y: 0 },
      config: { channel: 'sms', checks: ['dnc', 'consent'] },
      next: { allowed: 'sms', blocked: 'blocked' },
    },
    sms: {
      type: 'sms',
      position: { x: 400, y: 0 },
      config: { body: 'Hi {{ contact.firstName }}, your order {{ attributes.order }} is ready.', trackLinks: false },
      next: { sent: 'wait', failed: 'failed' },
    },
    wait: { type: 'wait', position: { x: 600, y: 0 }, config: { duration: 'PT1H' }, next: { out: 'mail-gate' } },
    'mail-gate': {
      type: 'compliance-gate',
      position: { x: 700, y: 0 },
      config: { channel: 'email', checks: ['dnc'] },
      next: { allowed: 'email', blocked: 'blocked' },
    },
    email: {
      type: 'email',
      position: { x: 800, y: 0 },
      config: { subject: 'Your order {{ attributes.order }}', text: 'Hello {{ contact.firstName }}', trackOpens: false, trackLinks: false },
      next: { sent: 'branch', failed: 'failed' },
    },
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

/** Writes `n` contacts who consent to every channel into the list `bench`. */
export function seedContacts(store: Store, n: number, now: number): Promise<void> {
  return seedGeneratedContacts(store, { listId: 'bench', count: n, now });
}
