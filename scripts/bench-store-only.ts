// `npm run bench:store-only -- --contacts N [--events full|packed|none] --json`: the least the store must do for the
// runtime benchmark's journey (scripts/store-only.ts), on a SQLite file: what the runtime could reach if its logic
// cost nothing, which tells how much of its time is the store and how much the interpreter. `--events packed` writes
// each batch's events as one row and `--events none` writes none: how far a leaner event store would move that bound.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openStore } from '../runtime/store/dialect.ts';
import { migrate } from '../runtime/store/migrate.ts';
import { seedContacts } from './bench-data.ts';
import { playStoreOnly, type EventMode } from './store-only.ts';

const { values } = parseArgs({
  options: { contacts: { type: 'string', default: '100000' }, events: { type: 'string', default: 'full' }, json: { type: 'boolean' } },
});
const contacts = Number(values.contacts);
if (!Number.isInteger(contacts) || contacts < 1) throw new Error(`--contacts must be a positive whole number, not "${values.contacts}"`);
const events = values.events as EventMode;
if (!['full', 'packed', 'none'].includes(events)) throw new Error(`--events must be full, packed or none, not "${values.events}"`);

let peakRss = process.memoryUsage().rss;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
const dir = mkdtempSync(join(tmpdir(), 'bench-store-only-'));
const store = openStore(join(dir, 'store-only.db'));
try {
  await migrate(store);
  const t0 = Date.parse('2026-01-05T14:00:00Z');
  await seedContacts(store, contacts, t0);
  const { seconds } = await playStoreOnly(store, t0, events);
  // Start, gate and SMS; the wait; the email; the branch and the end: the steps the runtime benchmark counts.
  const contactSteps = contacts * 7;
  const result = {
    contacts,
    events,
    contactSteps,
    seconds: Math.round(seconds * 100) / 100,
    storeOnlyStepsPerSecond: Math.round(contactSteps / seconds),
    peakRssBytes: Math.max(peakRss, process.memoryUsage().rss),
  };
  console.log(values.json ? JSON.stringify(result) : result);
} finally {
  clearInterval(sampler);
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}
