import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, type TestApp } from './test-app.ts';

describe('/metrics needs a token', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp('sqlite');
  });
  afterAll(() => t.close());

  it('answers 401 without a token and with an unknown one, saying how to sign in', async () => {
    const none = await t.request('GET', '/metrics', { token: null });
    expect(none.status).toBe(401);
    expect(none.text).not.toContain('journey_runs');
    expect(none.json.error.message).toContain('Authorization: Bearer');
    expect((await t.request('GET', '/metrics', { token: 'jt_not-a-token' })).status).toBe(401);
  });

  it('refuses an agent token and serves a viewer token (the one to give Prometheus)', async () => {
    expect((await t.request('GET', '/metrics', { token: 'agent' })).status).toBe(403);
    const viewer = await t.request('GET', '/metrics', { token: 'viewer' });
    expect(viewer.status).toBe(200);
    expect(viewer.text).toMatch(/^# HELP journey_runs /m);
  });
});
