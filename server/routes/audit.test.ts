// The audit log through the API: each audited change writes one entry naming the token and the time, only an admin
// reads the whole log, anyone who may read a run reads its own entries, and nothing changes an entry.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testDialects } from '../../runtime/store/test-stores.ts';
import { publishSample, sampleJourney, testApp, testNow, type TestApp } from '../test-app.ts';

describe.each(testDialects)('audit log on %s', (dialect) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await testApp(dialect);
  });
  afterEach(() => t.close());

  const log = async (query = '') => {
    const res = await t.request('GET', `/api/audit${query}`);
    expect(res.status, res.text).toBe(200);
    return res.json.entries as any[];
  };
  /** The entries written by `act`, oldest first. */
  async function writtenBy(act: () => Promise<unknown>): Promise<any[]> {
    const before = (await log('?limit=1'))[0]?.id ?? 0;
    await act();
    return (await log('?limit=500')).filter((e) => e.id > before).reverse();
  }
  const ok = async <R extends { status: number; text: string }>(res: Promise<R>, status: number): Promise<R> => {
    const r = await res;
    expect(r.status, r.text).toBe(status);
    return r;
  };
  const tokenId = async (name: string) => (await t.store.db.selectFrom('api_tokens').select('id').where('name', '=', name).executeTakeFirstOrThrow()).id;

  it('records a publish with the token, the time and the version, and not a publish that changes nothing', async () => {
    await ok(t.request('POST', '/api/journeys', { token: 'editor', json: sampleJourney() }), 201);
    const entries = await writtenBy(() => ok(t.request('POST', '/api/journeys/reminder/versions', { token: 'editor', json: { message: 'first' } }), 201));
    expect(entries).toEqual([
      {
        id: expect.any(Number),
        at: new Date(testNow).toISOString(),
        actor: { id: await tokenId('editor-token'), name: 'editor-token', role: 'editor' },
        action: 'journey.published',
        target: 'reminder',
        journeyId: 'reminder',
        runId: null,
        details: { version: 1, contentHash: expect.stringMatching(/^[0-9a-f]{64}$/), message: 'first' },
      },
    ]);
    expect(await writtenBy(() => ok(t.request('POST', '/api/journeys/reminder/versions', { token: 'editor', json: { message: 'again' } }), 200))).toEqual([]);
  });

  it('records starting, pausing, resuming and stopping a run, each once, under the run', async () => {
    await publishSample(t);
    const operator = { id: await tokenId('operator-token'), name: 'operator-token', role: 'operator' };
    let runId = '';
    const started = await writtenBy(async () => {
      runId = (await ok(t.request('POST', '/api/runs', { token: 'operator', json: { journeyId: 'reminder', mode: 'live' } }), 201)).json.id;
    });
    expect(started).toEqual([
      expect.objectContaining({
        at: new Date(testNow).toISOString(),
        actor: operator,
        action: 'run.started',
        target: runId,
        journeyId: 'reminder',
        runId,
        details: { version: 1, listId: 'people', mode: 'live', startAt: new Date(testNow).toISOString() },
      }),
    ]);
    for (const [path, action] of [
      ['pause', 'run.paused'],
      ['resume', 'run.resumed'],
    ] as const) {
      const entries = await writtenBy(() => ok(t.request('POST', `/api/runs/${runId}/${path}`, { token: 'operator' }), 200));
      expect(entries).toEqual([expect.objectContaining({ actor: operator, action, target: runId, journeyId: 'reminder', runId, details: {} })]);
    }
    const stopped = await writtenBy(() => ok(t.request('POST', `/api/runs/${runId}/stop`, { token: 'admin', json: { reason: 'Wrong list' } }), 200));
    expect(stopped).toEqual([
      expect.objectContaining({
        actor: expect.objectContaining({ name: 'admin-token', role: 'admin' }),
        action: 'run.stopped',
        runId,
        details: { reason: 'Wrong list' },
      }),
    ]);

    // A refused change (409) writes nothing.
    expect(await writtenBy(() => ok(t.request('POST', `/api/runs/${runId}/pause`), 409))).toEqual([]);

    const own = await ok(t.request('GET', `/api/runs/${runId}/audit`, { token: 'viewer' }), 200);
    expect(own.json.entries.map((e: { action: string }) => e.action)).toEqual(['run.stopped', 'run.resumed', 'run.paused', 'run.started']);
  });

  it('records do-not-contact changes and register imports, and nothing for an address already listed', async () => {
    const added = await writtenBy(() =>
      ok(t.request('POST', '/api/do-not-contact', { token: 'operator', json: { channel: 'sms', value: '+1 (202) 555-0177', reason: 'Asked by phone' } }), 201),
    );
    expect(added).toEqual([
      expect.objectContaining({
        actor: expect.objectContaining({ name: 'operator-token' }),
        action: 'do-not-contact.added',
        target: 'sms:+12025550177',
        runId: null,
        details: { channel: 'sms', value: '+12025550177', reason: 'Asked by phone' },
      }),
    ]);
    expect(
      await writtenBy(() => ok(t.request('POST', '/api/do-not-contact', { token: 'operator', json: { channel: 'sms', value: '+12025550177' } }), 201)),
    ).toEqual([]);
    const removed = await writtenBy(() => ok(t.request('DELETE', `/api/do-not-contact/sms/${encodeURIComponent('+12025550177')}`, { token: 'operator' }), 204));
    expect(removed).toEqual([
      expect.objectContaining({ action: 'do-not-contact.removed', target: 'sms:+12025550177', details: { channel: 'sms', value: '+12025550177' } }),
    ]);
    expect(await writtenBy(() => ok(t.request('DELETE', `/api/do-not-contact/sms/${encodeURIComponent('+12025550177')}`, { token: 'operator' }), 404))).toEqual(
      [],
    );

    const imported = await writtenBy(() =>
      ok(
        t.request('PUT', '/api/registries/US?downloadedAt=2026-03-01T00:00:00Z&source=dnc.txt', {
          token: 'operator',
          body: '+12025550100\n+12025550101\n12345\n',
        }),
        200,
      ),
    );
    expect(imported).toEqual([
      expect.objectContaining({
        action: 'registry.imported',
        target: 'US',
        details: { profile: 'US', entries: 2, downloadedAt: '2026-03-01T00:00:00Z', source: 'dnc.txt', skipped: 1 },
      }),
    ]);
    // A refused import leaves the register and the log as they were.
    expect(
      await writtenBy(() => ok(t.request('PUT', '/api/registries/US?downloadedAt=2099-01-01T00:00:00Z', { token: 'operator', body: '+12025550100\n' }), 400)),
    ).toEqual([]);
  });

  it('records making and revoking a token by name and role, never its secret', async () => {
    let made: any;
    const created = await writtenBy(async () => {
      made = (await ok(t.request('POST', '/api/tokens', { json: { name: 'ci', role: 'editor' } }), 201)).json;
    });
    const admin = { id: await tokenId('admin-token'), name: 'admin-token', role: 'admin' };
    expect(created).toEqual([expect.objectContaining({ actor: admin, action: 'token.created', target: made.id, details: { name: 'ci', role: 'editor' } })]);
    const revoked = await writtenBy(() => ok(t.request('DELETE', `/api/tokens/${made.id}`), 204));
    expect(revoked).toEqual([expect.objectContaining({ actor: admin, action: 'token.revoked', target: made.id, details: { name: 'ci', role: 'editor' } })]);

    const everything = JSON.stringify(await t.store.db.selectFrom('audit_log').selectAll().execute());
    for (const secret of [made.token, ...Object.values(t.tokens)]) expect(everything).not.toContain(secret.slice(3));
  });

  it('filters by run, journey and action, and pages newest first', async () => {
    await publishSample(t);
    const a = (await t.request('POST', '/api/runs', { token: 'operator', json: { journeyId: 'reminder', mode: 'live' } })).json.id;
    const b = (await t.request('POST', '/api/runs', { token: 'operator', json: { journeyId: 'reminder', mode: 'live' } })).json.id;
    await t.request('POST', `/api/runs/${a}/pause`);
    expect((await log(`?runId=${a}`)).map((e) => e.action)).toEqual(['run.paused', 'run.started']);
    expect((await log('?action=run.started')).map((e) => e.runId)).toEqual([b, a]);
    expect((await log('?journeyId=reminder')).map((e) => e.action)).toEqual(['run.paused', 'run.started', 'run.started', 'journey.published']);
    expect((await log('?journeyId=reminder&limit=2&offset=1')).map((e) => e.action)).toEqual(['run.started', 'run.started']);
    const at = new Date(testNow).toISOString();
    expect(await log(`?before=${at}`)).toEqual([]);
    expect((await log(`?after=${at}&action=run.paused`)).length).toBe(1);
    const bad = await t.request('GET', '/api/audit?action=run.deleted');
    expect(bad.status).toBe(400);
    expect(bad.json.error.details.issues[0].path).toBe('/action');
  });

  it('lets only an admin read the whole log, and whoever may read a run read its own entries', async () => {
    await publishSample(t);
    const runId = (await t.request('POST', '/api/runs', { token: 'operator', json: { journeyId: 'reminder', mode: 'live' } })).json.id;
    for (const role of ['viewer', 'editor', 'operator', 'agent'] as const) {
      const res = await t.request('GET', '/api/audit', { token: role });
      expect(res.status, role).toBe(403);
      expect(res.json.error.message).toContain('needs the admin role');
    }
    expect((await t.request('GET', '/api/audit', { token: null })).status).toBe(401);
    for (const role of ['viewer', 'editor', 'operator', 'admin'] as const)
      expect((await t.request('GET', `/api/runs/${runId}/audit`, { token: role })).status, role).toBe(200);
    expect((await t.request('GET', `/api/runs/${runId}/audit`, { token: 'agent' })).status).toBe(403);
    const missing = await t.request('GET', '/api/runs/nope/audit');
    expect(missing.status).toBe(404);
    expect(missing.json.error.message).toContain('nope');
  });

  it('offers no way to change or remove an entry', async () => {
    await publishSample(t);
    const before = await log();
    const id = before[0].id;
    for (const [method, path] of [
      ['POST', '/api/audit'],
      ['PUT', `/api/audit/${id}`],
      ['PATCH', `/api/audit/${id}`],
      ['DELETE', `/api/audit/${id}`],
      ['DELETE', '/api/audit'],
      ['POST', `/api/runs/x/audit`],
      ['DELETE', `/api/runs/x/audit`],
    ] as const) {
      const res = await t.request(method, path, { json: { action: 'token.revoked', actor: { name: 'someone else' } } });
      expect(res.status, `${method} ${path}`).toBe(404);
    }
    expect(await log()).toEqual(before);
    const paths = Object.entries((await t.request('GET', '/api/openapi.json')).json.paths as Record<string, Record<string, unknown>>).filter(([p]) =>
      p.includes('audit'),
    );
    expect(paths.map(([p, ops]) => [p, Object.keys(ops)])).toEqual([
      ['/api/runs/{id}/audit', ['get']],
      ['/api/audit', ['get']],
    ]);
  });
});
