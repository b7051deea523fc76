// API tokens in the store: hashed at rest, and "last used" kept to the minute.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../dialect.ts';
import { freshStore, testDialects } from '../test-stores.ts';
import { createToken, findToken, listTokens, touchToken } from './tokens.ts';

const now = Date.parse('2026-06-10T12:00:00Z');

describe.each(testDialects)('tokens on %s', (dialect) => {
  let store: Store;
  beforeEach(async () => {
    store = await freshStore(dialect);
  });
  afterEach(async () => {
    await store.close();
  });

  it('finds a token by its secret and never stores the secret', async () => {
    const made = await createToken(store.db, { name: 'ci', role: 'editor', now });
    expect(await findToken(store.db, made.token)).toEqual({ id: made.id, name: 'ci', role: 'editor' });
    expect(await findToken(store.db, `${made.token}x`)).toBeUndefined();
    const rows = await store.db.selectFrom('api_tokens').selectAll().execute();
    expect(JSON.stringify(rows)).not.toContain(made.token);
  });

  it('records the first use at once, then at most once a minute', async () => {
    const made = await createToken(store.db, { name: 'ci', role: 'editor', now });
    const lastUsed = async () => (await listTokens(store.db)).find((t) => t.id === made.id)!.lastUsedAt;
    expect(await lastUsed()).toBeNull();
    await touchToken(store.db, made.id, now);
    expect(await lastUsed()).toBe(new Date(now).toISOString());
    await touchToken(store.db, made.id, now + 59_000);
    expect(await lastUsed()).toBe(new Date(now).toISOString());
    await touchToken(store.db, made.id, now + 60_000);
    expect(await lastUsed()).toBe(new Date(now + 60_000).toISOString());
  });
});
