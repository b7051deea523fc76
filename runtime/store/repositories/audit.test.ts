// The audit log in the store: entries kept as written, read newest first through each filter, and never a secret.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../dialect.ts';
import { freshStore, testDialects } from '../test-stores.ts';
import * as audit from './audit.ts';
import { listAudit, recordAudit, type NewAuditEntry } from './audit.ts';

const t0 = Date.parse('2026-06-10T12:00:00Z');
const alice = { id: 'tok-1', name: 'Alice', role: 'operator' };

describe.each(testDialects)('audit log on %s', (dialect) => {
  let store: Store;
  beforeEach(async () => {
    store = await freshStore(dialect);
  });
  afterEach(async () => {
    await store.close();
  });

  const entry = (over: Partial<NewAuditEntry>): NewAuditEntry => ({
    at: t0,
    actor: alice,
    action: 'run.started',
    target: 'r1',
    journeyId: 'j1',
    runId: 'r1',
    ...over,
  });

  it('keeps what was written and reads it back newest first', async () => {
    await recordAudit(store.db, entry({ details: { version: 2, listId: 'people' } }));
    await recordAudit(store.db, entry({ at: t0 + 1000, action: 'run.paused', actor: { id: null, name: 'cli:ops', role: null } }));
    const entries = await listAudit(store.db);
    expect(entries).toEqual([
      {
        id: expect.any(Number),
        at: t0 + 1000,
        actor: { id: null, name: 'cli:ops', role: null },
        action: 'run.paused',
        target: 'r1',
        journeyId: 'j1',
        runId: 'r1',
        details: {},
      },
      {
        id: expect.any(Number),
        at: t0,
        actor: alice,
        action: 'run.started',
        target: 'r1',
        journeyId: 'j1',
        runId: 'r1',
        details: { version: 2, listId: 'people' },
      },
    ]);
    expect(entries[0]!.id).toBeGreaterThan(entries[1]!.id);
  });

  it('orders entries of the same millisecond as they were written', async () => {
    for (const action of ['run.started', 'run.paused', 'run.resumed', 'run.stopped'] as const) await recordAudit(store.db, entry({ action }));
    expect((await listAudit(store.db)).map((e) => e.action)).toEqual(['run.stopped', 'run.resumed', 'run.paused', 'run.started']);
  });

  it('filters by run, journey, action and time, and pages', async () => {
    await recordAudit(store.db, entry({ runId: 'r1', at: t0 }));
    await recordAudit(store.db, entry({ runId: 'r2', target: 'r2', at: t0 + 10 }));
    await recordAudit(store.db, entry({ action: 'journey.published', runId: null, journeyId: 'j2', target: 'j2', at: t0 + 20 }));
    await recordAudit(store.db, entry({ action: 'token.created', runId: null, journeyId: null, target: 'tok-9', at: t0 + 30 }));
    expect((await listAudit(store.db, { runId: 'r1' })).map((e) => e.runId)).toEqual(['r1']);
    expect((await listAudit(store.db, { journeyId: 'j1' })).map((e) => e.target)).toEqual(['r2', 'r1']);
    expect((await listAudit(store.db, { action: 'journey.published' })).map((e) => e.target)).toEqual(['j2']);
    expect((await listAudit(store.db, { after: t0 + 10, before: t0 + 30 })).map((e) => e.at)).toEqual([t0 + 20, t0 + 10]);
    expect((await listAudit(store.db, { limit: 2 })).map((e) => e.at)).toEqual([t0 + 30, t0 + 20]);
    expect((await listAudit(store.db, { limit: 2, offset: 2 })).map((e) => e.at)).toEqual([t0 + 10, t0]);
  });

  it('is kept or dropped with the transaction of the change it records', async () => {
    await expect(
      store.db.transaction().execute(async (tx) => {
        await recordAudit(tx, entry({}));
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    expect(await listAudit(store.db)).toEqual([]);
  });

  it('refuses details that hold or name a secret', async () => {
    const token = `jt_${'a'.repeat(43)}`;
    await expect(recordAudit(store.db, entry({ action: 'token.created', details: { name: 'ci', value: token } }))).rejects.toThrow(
      /details\.value holds an API token/,
    );
    await expect(recordAudit(store.db, entry({ action: 'token.created', details: { token: 'x' } }))).rejects.toThrow(/details\.token is named like a secret/);
    await expect(recordAudit(store.db, entry({ details: { nested: { password: 'x' } } }))).rejects.toThrow(/details\.nested\.password/);
    expect(await listAudit(store.db)).toEqual([]);
  });

  it('has no way to change or remove an entry', () => {
    expect(Object.keys(audit).sort()).toEqual(['auditActions', 'listAudit', 'recordAudit']);
  });
});
