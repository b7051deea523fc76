import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../../runtime/store/test-stores.ts';
import { testApp, type TestApp } from '../test-app.ts';

describe.each(testDialects)('national registers on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp(dialect);
  });
  afterAll(() => t.close());

  it('imports a copy with its download date, reports the lines it could not read, and lists it', async () => {
    const copy = 'phone\n+12025550100\n(202) 555-0101\n12345\n';
    const imported = await t.request('PUT', '/api/registries/US?downloadedAt=2026-01-01T00:00:00Z&source=dnc-2026-01-01.txt', {
      token: 'operator',
      body: copy,
    });
    expect(imported.status).toBe(200);
    expect(imported.json).toMatchObject({ profile: 'US', entries: 2, downloadedAt: '2026-01-01T00:00:00.000Z', skipped: [{ line: 4, text: '12345' }] });
    const list = await t.request('GET', '/api/registries', { token: 'viewer' });
    expect(list.json.registries).toEqual([
      expect.objectContaining({ profile: 'US', entries: 2, source: 'dnc-2026-01-01.txt', downloadedAt: '2026-01-01T00:00:00.000Z' }),
    ]);
  });

  it('replaces the copy whole, and a refused import leaves the previous copy in force', async () => {
    expect((await t.request('PUT', '/api/registries/US?downloadedAt=2026-01-02T00:00:00Z', { token: 'operator', body: '+12025550199\n' })).json.entries).toBe(
      1,
    );
    const future = await t.request('PUT', '/api/registries/US?downloadedAt=2099-01-01T00:00:00Z', { token: 'operator', body: '+12025550100\n+12025550101\n' });
    expect(future.status).toBe(400);
    expect(future.json.error.details.issues[0].path).toBe('/downloadedAt');
    expect((await t.request('GET', '/api/registries', { token: 'viewer' })).json.registries[0]).toMatchObject({
      entries: 1,
      downloadedAt: '2026-01-02T00:00:00.000Z',
    });
  });

  it('needs the operator role to import, a known profile and a download date', async () => {
    expect((await t.request('PUT', '/api/registries/US?downloadedAt=2026-01-01T00:00:00Z', { token: 'editor', body: '+12025550100\n' })).status).toBe(403);
    expect((await t.request('PUT', '/api/registries/US?downloadedAt=2026-01-01T00:00:00Z', { token: null, body: '+12025550100\n' })).status).toBe(401);
    const unknown = await t.request('PUT', '/api/registries/FR?downloadedAt=2026-01-01T00:00:00Z', { token: 'operator', body: '+33100000000\n' });
    expect(unknown.status).toBe(400);
    expect(unknown.json.error.details.issues[0].path).toBe('/profile');
    const undated = await t.request('PUT', '/api/registries/US', { token: 'operator', body: '+12025550100\n' });
    expect(undated.status).toBe(400);
    expect(undated.json.error.details.issues[0].path).toBe('/downloadedAt');
  });
});
