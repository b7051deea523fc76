import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishJourney } from '../runtime/store/repositories/journeys.ts';
import { testDialects } from '../runtime/store/test-stores.ts';
import { maxJsonBytes } from './app.ts';
import { sampleJourney, testApp, testNow, type TestApp } from './test-app.ts';

describe.each(testDialects)('the app on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp(dialect);
  });
  afterAll(() => t.close());

  it('describes every API route in /api/openapi.json, without a token', async () => {
    const res = await t.request('GET', '/api/openapi.json', { token: null });
    expect(res.status).toBe(200);
    const documented = new Set<string>();
    for (const [path, item] of Object.entries(res.json.paths as Record<string, Record<string, unknown>>)) {
      for (const method of Object.keys(item)) documented.add(`${method.toUpperCase()} ${path}`);
    }
    const served = t.app.routes
      .filter((r) => r.method !== 'ALL' && r.path.startsWith('/api/') && r.path !== '/api/openapi.json' && r.path !== '/api/health')
      .map((r) => `${r.method} ${r.path.replace(/:([A-Za-z]+)/g, '{$1}')}`);
    expect(served.length).toBeGreaterThan(25);
    for (const route of served) expect(documented, route).toContain(route);
    for (const route of documented) expect(served, route).toContain(route);
    expect(res.json.components.securitySchemes.Bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
  });

  it('answers /api/health without a token', async () => {
    expect(await t.request('GET', '/api/health', { token: null })).toMatchObject({ status: 200, json: { ok: true } });
  });

  it('answers an unknown API route with a JSON 404 that points at the route list', async () => {
    const res = await t.request('GET', '/api/nothing-here');
    expect(res.status).toBe(404);
    expect(res.json.error).toMatchObject({ code: 'not_found' });
    expect(res.json.error.message).toContain('/api/openapi.json');
  });

  it('refuses a JSON body over the limit with 413, before reading it', async () => {
    const big = JSON.stringify({ ...sampleJourney('big'), description: 'x'.repeat(maxJsonBytes) });
    const res = await t.request('POST', '/api/journeys', { body: big, headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(413);
    expect(res.json.error.code).toBe('too_large');
    expect((await t.request('GET', '/api/journeys/big')).status).toBe(404);
  });

  it('answers malformed JSON with 400, not 500', async () => {
    const res = await t.request('POST', '/api/journeys', { body: '{"id": ', headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe('bad_request');
  });

  it('serves Prometheus text on /metrics to a viewer token', async () => {
    const res = await t.request('GET', '/metrics', { token: 'viewer' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    expect(res.text).toMatch(/^# HELP journey_runs /m);
    expect(res.text).toMatch(/^journey_runs\{status="running"\} \d+$/m);
    expect(res.text).toMatch(/^journey_websocket_clients 0$/m);
    // The process's memory and event-loop delay, which the soak test reads.
    expect(res.text).toMatch(/^process_resident_memory_bytes \d+$/m);
    expect(res.text).toMatch(/^nodejs_eventloop_delay_seconds\{quantile="0.99"\} [\d.e-]+$/m);
    expect(res.text).toMatch(/^nodejs_eventloop_delay_max_seconds [\d.e-]+$/m);
  });

  it('exports the abandon ratio the live gauges show, detector estimate included, beside the ratio by ports', async () => {
    const run = (id: string, status: 'running' | 'paused' | 'completed') => ({
      id,
      journey_id: 'dial',
      version: 1,
      list_id: 'people',
      status,
      simulated: 0,
      seed: 1,
      options: '{}',
      created_at: testNow,
      start_at: testNow,
      ended_at: null,
      stop_reason: null,
    });
    await publishJourney(t.store.db, sampleJourney('dial'), { author: 'test', message: 'first', now: testNow });
    await t.store.db.insertInto('contact_lists').values({ id: 'people', name: 'People', created_at: testNow }).execute();
    await t.store.db
      .insertInto('runs')
      .values([run('m-running', 'running'), run('m-paused', 'paused'), run('m-completed', 'completed')])
      .execute();
    // The gauges as runtime/dialer/paced-dialer.ts saves them: live answers and abandoned calls known call by call,
    // and the estimated people among the machine verdicts hung up on.
    const gauge = (liveAnswers: number, abandoned: number, estimatedPeople: number) =>
      JSON.stringify({
        mode: 'predictive',
        abandon: { rate: 0, cap: 0.03, liveAnswers, abandoned, windowHours: 24, detector: { basis: 'estimate', share: 0.1, estimatedPeople } },
      });
    await t.store.db
      .insertInto('dialer_state')
      .values([
        { run_id: 'm-running', node_id: 'call', state: gauge(90, 1, 2), memory: null },
        { run_id: 'm-paused', node_id: 'call', state: gauge(96, 2, 0), memory: null },
        // A finished run's gauge is no longer live, and the agents' row holds no abandonment.
        { run_id: 'm-completed', node_id: 'call', state: gauge(10, 10, 10), memory: null },
        { run_id: 'm-running', node_id: '', state: JSON.stringify({ agents: 3 }), memory: null },
      ])
      .execute();
    await t.store.db
      .insertInto('counters')
      .values([
        { run_id: 'm-running', node_id: 'call', metric: 'port:connected', count: 99 },
        { run_id: 'm-running', node_id: 'call', metric: 'port:abandoned', count: 1 },
      ])
      .execute();
    const text = (await t.request('GET', '/metrics', { token: 'viewer' })).text;
    const value = (name: string) => Number(text.match(new RegExp(`^${name} (\\S+)$`, 'm'))?.[1]);
    // (1 + 2 + 2 + 0) abandoned over (90 + 2 + 96 + 0) live answers: the detector's people in both.
    expect(value('journey_calls_abandon_ratio')).toBeCloseTo(5 / 188, 10);
    expect(value('journey_calls_abandon_detector_estimated_people')).toBe(2);
    expect(value('journey_calls_abandoned_port_ratio')).toBeCloseTo(1 / 100, 10);
    expect(text).toMatch(/^# HELP journey_calls_abandon_ratio .*answering-machine detector.*estimate/m);
    expect(text).toMatch(/^# HELP journey_calls_abandoned_port_ratio .*not in it/m);
  });

  it('says the editor is not built when there is none', async () => {
    const res = await t.request('GET', '/', { token: null });
    expect(res.status).toBe(503);
    expect(res.text).toContain('npm run build');
  });
});
