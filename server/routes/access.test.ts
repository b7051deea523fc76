import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../../runtime/store/test-stores.ts';
import { testApp, type TestApp } from '../test-app.ts';

describe.each(testDialects)('session and tokens on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp(dialect);
  });
  afterAll(() => t.close());

  it('says who a token belongs to, for every role', async () => {
    for (const role of ['viewer', 'editor', 'operator', 'agent', 'admin'] as const) {
      expect(await t.request('GET', '/api/session', { token: role })).toMatchObject({ status: 200, json: { name: `${role}-token`, role } });
    }
  });

  it('answers 401 without a token and with an unknown one, and says how to sign in', async () => {
    const none = await t.request('GET', '/api/session', { token: null });
    expect(none.status).toBe(401);
    expect(none.json.error).toMatchObject({ code: 'unauthorized' });
    expect(none.json.error.message).toContain('Authorization: Bearer');
    const unknown = await t.request('GET', '/api/session', { token: 'jt_not-a-token' });
    expect(unknown.status).toBe(401);
    expect(unknown.json.error.message).toContain('not known');
  });

  it('refuses ?token= on the API, where a header can be set (it is for /ws alone)', async () => {
    expect(await t.request('GET', `/api/session?token=${t.tokens.viewer}`, { token: null })).toMatchObject({ status: 401 });
  });

  it('lets only an admin list, make and revoke tokens', async () => {
    for (const role of ['viewer', 'editor', 'operator', 'agent'] as const) {
      const list = await t.request('GET', '/api/tokens', { token: role });
      expect(list.status, role).toBe(403);
      expect(list.json.error.message).toContain('needs the admin role');
      expect((await t.request('POST', '/api/tokens', { token: role, json: { name: 'x', role: 'viewer' } })).status, role).toBe(403);
      expect((await t.request('DELETE', '/api/tokens/whatever', { token: role })).status, role).toBe(403);
    }
    expect((await t.request('GET', '/api/tokens', { token: null })).status).toBe(401);
  });

  it('makes a token that works at once, lists it without its secret, and revokes it', async () => {
    const made = await t.request('POST', '/api/tokens', { json: { name: 'ci', role: 'editor' } });
    expect(made.status).toBe(201);
    expect(made.json).toMatchObject({ name: 'ci', role: 'editor', token: expect.stringMatching(/^jt_/) });
    expect(await t.request('GET', '/api/session', { token: made.json.token })).toMatchObject({ status: 200, json: { name: 'ci', role: 'editor' } });

    const list = await t.request('GET', '/api/tokens');
    const entry = list.json.tokens.find((k: { id: string }) => k.id === made.json.id);
    expect(entry).toMatchObject({ name: 'ci', role: 'editor', lastUsedAt: expect.any(String) });
    expect(list.text).not.toContain(made.json.token);

    expect((await t.request('DELETE', `/api/tokens/${made.json.id}`)).status).toBe(204);
    expect((await t.request('GET', '/api/session', { token: made.json.token })).status).toBe(401);
    const again = await t.request('DELETE', `/api/tokens/${made.json.id}`);
    expect(again.status).toBe(404);
    expect(again.json.error.code).toBe('not_found');
  });

  it('stores tokens hashed: the database never holds a secret', async () => {
    const made = await t.request('POST', '/api/tokens', { json: { name: 'hashed', role: 'viewer' } });
    const rows = await t.store.db.selectFrom('api_tokens').selectAll().execute();
    expect(rows.length).toBeGreaterThan(5);
    const dump = JSON.stringify(rows);
    for (const secret of [made.json.token, ...Object.values(t.tokens)]) {
      expect(dump).not.toContain(secret);
      expect(dump).not.toContain(secret.slice(3));
    }
    const row = rows.find((r) => r.id === made.json.id)!;
    expect(row.token_hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuses a token request with a missing name, an unknown role or an extra field, naming the field', async () => {
    const noName = await t.request('POST', '/api/tokens', { json: { role: 'viewer' } });
    expect(noName.status).toBe(400);
    expect(noName.json.error.details.issues).toEqual([expect.objectContaining({ path: '/name' })]);
    const badRole = await t.request('POST', '/api/tokens', { json: { name: 'x', role: 'boss' } });
    expect(badRole.status).toBe(400);
    expect(badRole.json.error.details.issues[0].path).toBe('/role');
    expect(badRole.json.error.message).toContain('/role');
    const extra = await t.request('POST', '/api/tokens', { json: { name: 'x', role: 'viewer', secret: 'y' } });
    expect(extra.status).toBe(400);
  });
});
