import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../runtime/store/test-stores.ts';
import { maxJsonBytes } from './app.ts';
import { sampleJourney, testApp, type TestApp } from './test-app.ts';

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

  it('says the editor is not built when there is none', async () => {
    const res = await t.request('GET', '/', { token: null });
    expect(res.status).toBe(503);
    expect(res.text).toContain('npm run build');
  });
});
