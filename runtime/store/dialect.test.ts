import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openStore, type Store } from './dialect.ts';
import { migrate } from './migrate.ts';

describe('the SQLite store', () => {
  let dir: string;
  let store: Store | undefined;
  afterEach(async () => {
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('copies the write-ahead log into the database file in the background, without the writer checkpointing', async () => {
    dir = mkdtempSync(join(tmpdir(), 'dialect-'));
    const file = join(dir, 'store.db');
    store = openStore(file);
    await migrate(store);
    // Migrations create tables; let them reach the file first, so that what follows is only the rows below.
    await vi.waitFor(() => expect(statSync(file).size).toBeGreaterThan(0), { timeout: 5000, interval: 50 });
    const before = statSync(file).size;
    // About 8 MB of rows: far below the writer's own checkpoint threshold, so only the background thread moves them.
    const payload = 'x'.repeat(800);
    await store.db.transaction().execute(async (tx) => {
      const rows = Array.from({ length: 10_000 }, (_, i) => ({ idempotency_key: `k${i}`, channel: 'sms', accepted_at: 0, attempts: 1, result: payload }));
      await store!.writeRows(
        tx,
        'simulated_sends',
        ['idempotency_key', 'channel', 'accepted_at', 'attempts', 'result'],
        rows.map((r) => Object.values(r)),
      );
    });
    expect(statSync(`${file}-wal`).size).toBeGreaterThan(8_000_000);
    await vi.waitFor(() => expect(statSync(file).size).toBeGreaterThan(before + 8_000_000), { timeout: 5000, interval: 50 });
  });

  it('closes with its background thread, leaving no log behind', async () => {
    dir = mkdtempSync(join(tmpdir(), 'dialect-'));
    const file = join(dir, 'store.db');
    const opened = openStore(file);
    await migrate(opened);
    await opened.db.insertInto('simulated_sends').values({ idempotency_key: 'kept', channel: 'sms', accepted_at: 0, attempts: 1, result: '{}' }).execute();
    await opened.close();
    expect(() => statSync(`${file}-wal`)).toThrow();
    // Opened again, the store has everything the first one wrote.
    store = openStore(file);
    expect(await store.db.selectFrom('simulated_sends').select('idempotency_key').execute()).toEqual([{ idempotency_key: 'kept' }]);
  });
});
