import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatJourney } from '../../schemas/format.ts';
import { testDialects } from '../../runtime/store/test-stores.ts';
import { sampleJourney, testApp, type TestApp } from '../test-app.ts';

describe.each(testDialects)('journeys on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp(dialect);
  });
  afterAll(() => t.close());

  it('creates a draft and stores the canonical file, whatever the key order sent', async () => {
    const { nodes, ...rest } = sampleJourney('created');
    const scrambled = { nodes, ...rest };
    const res = await t.request('POST', '/api/journeys', { token: 'editor', json: scrambled });
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({ id: 'created', name: 'Reminder', latestVersion: null, problems: [] });
    expect(res.json.text).toBe(formatJourney(sampleJourney('created')));
    expect((await t.request('GET', '/api/journeys/created', { token: 'viewer' })).json.text).toBe(res.json.text);
  });

  it('refuses a second journey with the same id with 409', async () => {
    await t.request('POST', '/api/journeys', { json: sampleJourney('twice') });
    const res = await t.request('POST', '/api/journeys', { json: sampleJourney('twice') });
    expect(res.status).toBe(409);
    expect(res.json.error).toMatchObject({ code: 'conflict' });
    expect(res.json.error.message).toContain('PUT /api/journeys/twice');
  });

  it('gives one of two simultaneous creates of an id 201 and the other 409, never a server error', async () => {
    const both = await Promise.all([
      t.request('POST', '/api/journeys', { json: sampleJourney('race') }),
      t.request('POST', '/api/journeys', { json: sampleJourney('race') }),
    ]);
    expect(both.map((r) => r.status).sort()).toEqual([201, 409]);
  });

  it("refuses a journey with errors with 422 and the validator's problems, pointing at the step", async () => {
    const broken = sampleJourney('broken');
    (broken.nodes.reminder.config as { body: string }).body = '';
    const res = await t.request('POST', '/api/journeys', { json: broken });
    expect(res.status).toBe(422);
    expect(res.json.error.code).toBe('invalid_journey');
    expect(res.json.error.details.problems).toContainEqual(
      expect.objectContaining({ severity: 'error', nodeId: 'reminder', path: '/nodes/reminder/config/body' }),
    );
    expect((await t.request('GET', '/api/journeys/broken')).status).toBe(404);
  });

  it('refuses a body that is not an object with 400 and a pointer', async () => {
    const res = await t.request('POST', '/api/journeys', { json: [1, 2] });
    expect(res.status).toBe(400);
    expect(res.json.error.details.issues[0]).toMatchObject({ path: '/' });
  });

  it('needs the editor role to create or save, a token to read', async () => {
    expect((await t.request('POST', '/api/journeys', { token: 'viewer', json: sampleJourney('v') })).status).toBe(403);
    expect((await t.request('POST', '/api/journeys', { token: 'agent', json: sampleJourney('v') })).status).toBe(403);
    expect((await t.request('POST', '/api/journeys', { token: null, json: sampleJourney('v') })).status).toBe(401);
    expect((await t.request('GET', '/api/journeys', { token: null })).status).toBe(401);
    expect((await t.request('GET', '/api/journeys', { token: 'agent' })).status).toBe(403);
    expect((await t.request('PUT', '/api/journeys/created', { token: 'viewer', json: sampleJourney('created') })).status).toBe(403);
    expect((await t.request('POST', '/api/journeys/created/versions', { token: 'viewer', json: { message: 'x' } })).status).toBe(403);
  });

  it('lists journeys with their latest version', async () => {
    const res = await t.request('GET', '/api/journeys', { token: 'viewer' });
    expect(res.status).toBe(200);
    expect(res.json.journeys).toContainEqual({ id: 'created', name: 'Reminder', updatedAt: expect.any(String), latestVersion: null });
  });

  it('saves a draft with PUT, keeps warnings with it, and refuses another id, errors, or an unknown journey', async () => {
    const renamed = sampleJourney('saved', { name: 'Renamed' });
    await t.request('POST', '/api/journeys', { json: sampleJourney('saved') });
    const withWarning = { ...renamed, nodes: { ...renamed.nodes, reminder: { ...renamed.nodes.reminder, next: { sent: 'click' } } } };
    const res = await t.request('PUT', '/api/journeys/saved', { token: 'editor', json: withWarning });
    expect(res.status).toBe(200);
    expect(res.json.name).toBe('Renamed');
    expect(res.json.problems).toContainEqual(expect.objectContaining({ severity: 'warning', path: '/nodes/reminder/next/failed' }));

    const otherId = await t.request('PUT', '/api/journeys/saved', { json: sampleJourney('other') });
    expect(otherId.status).toBe(400);
    expect(otherId.json.error.details.issues).toEqual([{ path: '/id', message: expect.any(String) }]);

    const broken = sampleJourney('saved');
    delete (broken.nodes as Record<string, unknown>).done;
    const invalid = await t.request('PUT', '/api/journeys/saved', { json: broken });
    expect(invalid.status).toBe(422);
    expect(invalid.json.error.details.problems.some((p: { path: string }) => p.path === '/nodes/click/next/timeout')).toBe(true);

    expect((await t.request('PUT', '/api/journeys/nowhere', { json: sampleJourney('nowhere') })).status).toBe(404);
  });

  it('refuses with 409 a save made from a stale copy, naming who saved since, when and what changed; without If-Match it replaces', async () => {
    await t.request('POST', '/api/journeys', { json: sampleJourney('shared') });
    const opened = await t.request('GET', '/api/journeys/shared', { token: 'viewer' });
    const etag = opened.headers.get('etag');
    expect(etag).toMatch(/^"[0-9a-f]{32}"$/);
    expect(opened.json).toMatchObject({ etag, updatedBy: 'admin-token' });

    // Two people edit the same draft: the first save wins, the second is told.
    const first = sampleJourney('shared');
    (first.nodes.reminder.config as { body: string }).body = 'Hello {{ contact.firstName }}';
    const saved = await t.request('PUT', '/api/journeys/shared', { token: 'editor', json: first, headers: { 'if-match': etag! } });
    expect(saved.status).toBe(200);
    expect(saved.headers.get('etag')).toBe(saved.json.etag);
    expect(saved.json.etag).not.toBe(etag);
    expect(saved.json.updatedBy).toBe('editor-token');

    const second = sampleJourney('shared', { name: 'Reminder, renamed' });
    const refused = await t.request('PUT', '/api/journeys/shared', { json: second, headers: { 'if-match': etag! } });
    expect(refused.status).toBe(409);
    expect(refused.json.error.code).toBe('edit_conflict');
    expect(refused.json.error.message).toMatch(/^editor-token saved the journey "shared" at \d{4}-\d\d-\d\dT.*; nothing was saved/);
    expect(refused.json.error.details).toMatchObject({
      updatedBy: 'editor-token',
      updatedAt: saved.json.updatedAt,
      etag: saved.json.etag,
      journey: { name: 'Reminder', nodes: { reminder: { config: { body: 'Hello {{ contact.firstName }}' } } } },
    });
    const { diff, text } = refused.json.error.details;
    expect(diff.changed).toEqual([
      expect.objectContaining({ id: 'reminder', fields: [{ field: 'config.body', old: 'Hi {{ contact.firstName }}', new: 'Hello {{ contact.firstName }}' }] }),
    ]);
    expect(diff.document).toEqual([{ field: 'name', old: 'Reminder, renamed', new: 'Reminder' }]);
    expect(text).toContain('reminder');
    expect((await t.request('GET', '/api/journeys/shared')).json.journey.name).toBe('Reminder');

    // Overwriting on purpose: If-Match with the ETag the conflict named.
    const overwritten = await t.request('PUT', '/api/journeys/shared', { json: second, headers: { 'if-match': refused.json.error.details.etag } });
    expect(overwritten.status).toBe(200);
    expect(overwritten.json).toMatchObject({ name: 'Reminder, renamed', updatedBy: 'admin-token' });

    // A weak form of the tag and * match; no If-Match replaces whatever is there (journey push).
    const weak = await t.request('PUT', '/api/journeys/shared', { json: first, headers: { 'if-match': `W/${overwritten.json.etag}` } });
    expect(weak.status).toBe(200);
    expect((await t.request('PUT', '/api/journeys/shared', { json: second, headers: { 'if-match': '*' } })).status).toBe(200);
    expect((await t.request('PUT', '/api/journeys/shared', { json: first })).status).toBe(200);
    expect((await t.request('PUT', '/api/journeys/nowhere', { json: sampleJourney('nowhere'), headers: { 'if-match': etag! } })).status).toBe(404);
  });

  it('gives one of two simultaneous saves from the same copy 200 and the other 409, never both 200', async () => {
    await t.request('POST', '/api/journeys', { json: sampleJourney('raced') });
    const etag = (await t.request('GET', '/api/journeys/raced')).json.etag;
    const a = sampleJourney('raced', { name: 'A' });
    const b = sampleJourney('raced', { name: 'B' });
    const both = await Promise.all([a, b].map((json) => t.request('PUT', '/api/journeys/raced', { json, headers: { 'if-match': etag } })));
    expect(both.map((r) => r.status).sort()).toEqual([200, 409]);
  });

  it('publishes immutable versions with author, message and hash, lists them newest first, and gets any one', async () => {
    await t.request('POST', '/api/journeys', { json: sampleJourney('pub') });
    const noMessage = await t.request('POST', '/api/journeys/pub/versions', { token: 'editor', json: {} });
    expect(noMessage.status).toBe(400);
    expect(noMessage.json.error.details.issues[0].path).toBe('/message');

    const v1 = await t.request('POST', '/api/journeys/pub/versions', { token: 'editor', json: { message: 'First' } });
    expect(v1.status).toBe(201);
    expect(v1.json).toMatchObject({
      journeyId: 'pub',
      version: 1,
      author: 'editor-token',
      message: 'First',
      contentHash: expect.stringMatching(/^[0-9a-f]{16,}$/),
    });

    const changed = sampleJourney('pub');
    (changed.nodes.reminder.config as { body: string }).body = 'Hello {{ contact.firstName }}';
    await t.request('PUT', '/api/journeys/pub', { json: changed });
    const v2 = await t.request('POST', '/api/journeys/pub/versions', { json: { message: 'Warmer' } });
    expect(v2.json).toMatchObject({ version: 2, author: 'admin-token' });
    expect(v2.json.contentHash).not.toBe(v1.json.contentHash);

    // Publishing a draft equal to the latest version makes nothing new: 200 with that version, not 201.
    const again = await t.request('POST', '/api/journeys/pub/versions', { json: { message: 'Nothing changed' } });
    expect(again.status).toBe(200);
    expect(again.json).toMatchObject({ version: 2, message: 'Warmer', contentHash: v2.json.contentHash });

    const list = await t.request('GET', '/api/journeys/pub/versions', { token: 'viewer' });
    expect(list.json.versions.map((v: { version: number }) => v.version)).toEqual([2, 1]);
    const one = await t.request('GET', '/api/journeys/pub/versions/1', { token: 'viewer' });
    expect(one.status).toBe(200);
    expect(one.json.text).toBe(formatJourney(sampleJourney('pub')));
    expect(one.json.journey.nodes.reminder.config.body).toBe('Hi {{ contact.firstName }}');
    expect((await t.request('GET', '/api/journeys/pub')).json.latestVersion).toBe(2);

    expect((await t.request('GET', '/api/journeys/pub/versions/9')).status).toBe(404);
    const notNumber = await t.request('GET', '/api/journeys/pub/versions/first');
    expect(notNumber.status).toBe(400);
    expect(notNumber.json.error.details.issues[0].path).toBe('/version');
    expect((await t.request('GET', '/api/journeys/nowhere/versions')).status).toBe(404);
    expect((await t.request('POST', '/api/journeys/nowhere/versions', { json: { message: 'x' } })).status).toBe(404);
  });

  it('diffs two versions, and a version against the draft', async () => {
    const res = await t.request('GET', '/api/journeys/pub/diff?from=1&to=2', { token: 'viewer' });
    expect(res.status).toBe(200);
    expect(res.json.diff.changed).toEqual([expect.objectContaining({ id: 'reminder' })]);
    expect(res.json.text).toContain('reminder');
    const same = await t.request('GET', '/api/journeys/pub/diff?from=2');
    expect(same.json.diff.changed).toEqual([]);
    const bad = await t.request('GET', '/api/journeys/pub/diff?from=zero');
    expect(bad.status).toBe(400);
    expect(bad.json.error.message).toContain('"zero" is not a version');
    expect((await t.request('GET', '/api/journeys/pub/diff?from=7')).status).toBe(404);
    const missing = await t.request('GET', '/api/journeys/pub/diff');
    expect(missing.status).toBe(400);
    expect(missing.json.error.details.issues[0].path).toBe('/from');
  });
});
