// Simulated runs are sealed: rehearsing every example, STOP replies and agents' "do not call" included, leaves what
// live runs and the check API see exactly as it was.
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadComplianceData } from '../runtime/store/repositories/compliance.ts';
import { doNotContactOfContacts, sharedScope } from '../runtime/store/repositories/permissions.ts';
import { testDialects } from '../runtime/store/test-stores.ts';
import { loadExamples } from './examples.ts';
import { testApp, testNow, type TestApp } from './test-app.ts';

const day = 24 * 60 * 60 * 1000;

/**
 * Everything about who may be contacted that a live run or the check API reads, as one text: the lists through the
 * API, the check API's answer for every contact on every channel, each contact's consent, the calls and texts and
 * abandoned calls a live run's frequency and redial rules count (over two months either side of the simulations'
 * clocks), and the shared lists' history.
 */
async function whatLiveRunsSee(t: TestApp): Promise<string> {
  const db = t.store.db;
  const lists = (await t.request('GET', '/api/do-not-contact?limit=1000')).text;
  const contacts = await db.selectFrom('contacts').select(['id', 'phone', 'email', 'consent', 'state', 'timezone']).orderBy('id').execute();
  const checks: string[] = [];
  for (const c of contacts) {
    for (const channel of ['voice', 'sms', 'email'] as const) {
      const address = channel === 'email' ? `email=${encodeURIComponent(c.email ?? '')}` : `phone=${encodeURIComponent(c.phone ?? '')}`;
      const answer = await t.request(
        'GET',
        `/api/compliance/check?profile=US&channel=${channel}&${address}&at=${encodeURIComponent(new Date(testNow).toISOString())}`,
      );
      checks.push(`${c.id} ${channel} ${answer.text}`);
    }
  }
  const horizon = testNow + 30 * day;
  const history = await loadComplianceData(
    db,
    { registry: true, frequencyHours: 60 * 24, redialHours: 60 * 24 },
    { runId: 'a-live-run', simulated: false },
    contacts,
    horizon,
  );
  const counts = contacts.map((c) => {
    const phone = c.phone ?? '';
    return [c.id, history.history?.attemptsSince(phone, ['voice', 'sms'], horizon - 60 * day) ?? [], history.history?.lastAbandonedAt(phone) ?? null];
  });
  const listed = [...(await doNotContactOfContacts(db, sharedScope, contacts))].sort();
  const tables = {
    doNotContact: await db.selectFrom('do_not_contact').selectAll().orderBy('channel').orderBy('value').execute(),
    sharedHistory: await db.selectFrom('permission_changes').selectAll().where('scope', '=', sharedScope).orderBy('id').execute(),
    abandonedCalls: await db.selectFrom('abandoned_calls').selectAll().orderBy('value').orderBy('at').execute(),
    registers: await db.selectFrom('registry_imports').selectAll().orderBy('id').execute(),
  };
  return JSON.stringify({ lists, checks, consent: contacts.map((c) => [c.id, c.consent]), counts, listed, tables });
}

describe.each(testDialects)('simulated runs of every example on %s', (dialect) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await testApp(dialect);
    await loadExamples(t.store, join(import.meta.dirname, '..', 'examples'), testNow);
  });
  afterEach(async () => {
    await t.close();
  });

  it('change nothing that live runs or the check API see, while each run sees its own STOP replies and agent outcomes', { timeout: 600_000 }, async () => {
    // A live opt-out made before the rehearsals: it must still be there, once, afterwards.
    const before = await t.request('POST', '/api/do-not-contact', { json: { channel: 'sms', value: '+15015550161', reason: 'Asked by letter' } });
    expect(before.status).toBe(201);
    const snapshot = await whatLiveRunsSee(t);

    const journeys = (await t.request('GET', '/api/journeys')).json.journeys as { id: string }[];
    expect(journeys.length).toBeGreaterThanOrEqual(4);
    const runs: string[] = [];
    for (const { id } of journeys) {
      for (const seed of [1, 2]) {
        const started = await t.request('POST', '/api/runs', { json: { journeyId: id, mode: 'simulated', seed } });
        expect(started.status, started.text).toBe(201);
        runs.push(started.json.id);
      }
    }
    for (const id of runs) await t.runner.finished(id);
    expect(t.runnerErrors).toEqual([]);

    // The rehearsals did opt people out, by reply and by agent, each in its own run's scope.
    const own = await t.store.db.selectFrom('permission_changes').select(['scope', 'run_id', 'source', 'channel']).where('scope', '!=', sharedScope).execute();
    expect(own.every((c) => c.scope === c.run_id && runs.includes(c.scope))).toBe(true);
    expect(own.filter((c) => c.source === 'reply').length).toBeGreaterThan(0);
    expect(own.filter((c) => c.source === 'agent' && c.channel === 'voice').length).toBeGreaterThan(0);
    const optedOut = await t.store.db.selectFrom('events').select('run_id').where('type', '=', 'contact.optedOut').execute();
    expect(new Set(optedOut.map((e) => e.run_id))).toEqual(new Set(own.map((c) => c.run_id)));

    expect(await whatLiveRunsSee(t)).toBe(snapshot);
  });
});
