import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../../runtime/store/test-stores.ts';
import { testApp, type TestApp } from '../test-app.ts';

describe.each(testDialects)('agent desktop on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp(dialect);
  });
  afterAll(() => t.close());

  it('is for agent tokens (and admins): staff roles get 403, no token 401', async () => {
    for (const role of ['viewer', 'editor', 'operator'] as const) {
      const me = await t.request('GET', '/api/agent/me', { token: role });
      expect(me.status, role).toBe(403);
      expect(me.json.error.message).toContain('needs the agent role');
    }
    expect((await t.request('POST', '/api/agent/available', { token: null, json: { queues: ['sales'] } })).status).toBe(401);
  });

  it('offers an agent the names of the queues the journeys name, so that none has to be typed', async () => {
    const journey = {
      schemaVersion: 1,
      id: 'queued',
      name: 'Queued',
      settings: { timezone: 'America/New_York', compliance: 'US' },
      nodes: {
        start: { type: 'start', position: { x: 0, y: 0 }, config: { audience: { list: 'people' } }, next: { out: 'gate' } },
        gate: { type: 'compliance-gate', position: { x: 200, y: 0 }, config: { channel: 'voice' }, next: { allowed: 'call', blocked: 'done' } },
        call: { type: 'dialer', position: { x: 400, y: 0 }, config: { queue: 'renewals-team', callerId: '+14155550100' }, next: {} },
        done: { type: 'end', position: { x: 600, y: 0 }, config: { outcome: 'completed' } },
      },
    };
    const made = await t.request('POST', '/api/journeys', { json: journey });
    expect(made.status, made.text).toBe(201);
    const offered = await t.request('GET', '/api/agent/queues', { token: 'agent' });
    expect(offered.status).toBe(200);
    expect(offered.json.queues).toContain('renewals-team');
    expect(offered.json.queues.every((q: unknown) => typeof q === 'string')).toBe(true);
    expect((await t.request('GET', '/api/agent/queues', { token: 'viewer' })).status).toBe(403);
  });

  it('shows a new agent as offline, then available in the chosen queues, and back offline', async () => {
    const first = await t.request('GET', '/api/agent/me', { token: 'agent' });
    expect(first).toMatchObject({ status: 200, json: { agent: { name: 'agent-token', state: 'offline', queues: [] }, call: null } });
    const available = await t.request('POST', '/api/agent/available', { token: 'agent', json: { queues: ['sales', 'collections'] } });
    expect(available.status).toBe(200);
    expect(available.json.agent).toMatchObject({
      state: 'available',
      queues: expect.arrayContaining(['sales', 'collections']),
      since: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    expect((await t.request('GET', '/api/agent/me', { token: 'agent' })).json.agent.state).toBe('available');
    expect((await t.request('POST', '/api/agent/offline', { token: 'agent' })).json.agent.state).toBe('offline');
  });

  it('answers 400 with a pointer for a bad body and 409 for a move the state does not allow', async () => {
    const empty = await t.request('POST', '/api/agent/available', { token: 'agent', json: { queues: [] } });
    expect(empty.status).toBe(400);
    expect(empty.json.error.details.issues[0].path).toBe('/queues');
    const noCall = await t.request('POST', '/api/agent/call/end', { token: 'agent', json: { disposition: 'paid' } });
    expect(noCall.status).toBe(409);
    expect(noCall.json.error.message).toMatch(/not on a call/);
    expect((await t.request('POST', '/api/agent/wrap-up/done', { token: 'agent' })).status).toBe(409);
  });

  it('lists the queues agents are in, with who is free, for viewers only', async () => {
    await t.request('POST', '/api/agent/available', { token: 'agent', json: { queues: ['billing'] } });
    const queues = await t.request('GET', '/api/queues', { token: 'viewer' });
    expect(queues.status).toBe(200);
    expect(queues.json.queues).toContainEqual({ id: 'billing', agents: 1, available: 1 });
    expect((await t.request('GET', '/api/queues', { token: null })).status).toBe(401);
    await t.request('POST', '/api/agent/offline', { token: 'agent' });
    expect((await t.request('GET', '/api/queues', { token: 'viewer' })).json.queues).not.toContainEqual(expect.objectContaining({ id: 'billing', agents: 1 }));
  });

  it('lists a run’s simulated agents for viewers, and 404 for an unknown run', async () => {
    expect((await t.request('GET', '/api/runs/nope/agents', { token: 'viewer' })).status).toBe(404);
    expect((await t.request('GET', '/api/runs/nope/agents', { token: null })).status).toBe(401);
  });
});
