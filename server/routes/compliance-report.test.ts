import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulateJourney } from '../../runtime/simulation.ts';
import { testDialects } from '../../runtime/store/test-stores.ts';
import { testApp, type TestApp } from '../test-app.ts';

const journey = {
  schemaVersion: 1,
  id: 'calls',
  name: 'Calls',
  settings: { timezone: 'America/New_York', compliance: 'US' },
  nodes: {
    start: { type: 'start', position: { x: 0, y: 0 }, config: { audience: { list: 'people' } }, next: { out: 'gate' } },
    gate: { type: 'compliance-gate', position: { x: 100, y: 0 }, config: { channel: 'voice', checks: ['hours'] }, next: { allowed: 'call', blocked: 'done' } },
    call: {
      type: 'dialer',
      position: { x: 200, y: 0 },
      config: { mode: 'predictive', queue: 'team', script: 'Hello', callerId: '+12025550199' },
      next: { connected: 'done', machine: 'done', 'no-answer': 'done', abandoned: 'done', failed: 'done' },
    },
    done: { type: 'end', position: { x: 400, y: 0 }, config: { outcome: 'done' } },
  },
};

const contacts = [
  'external_id,phone,timezone,consent_voice',
  ...Array.from({ length: 60 }, (_, i) => `P${i},+1202555${String(2000 + i)},America/New_York,yes`),
].join('\n');

describe.each(testDialects)('GET /api/runs/:id/compliance-report on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp(dialect);
    await simulateJourney({ document: journey, contactsCsv: contacts, seed: 21, store: t.store, options: { agents: { team: 3 } } });
    // A whole simulated run on PostgreSQL: over the default 10 s with the rest of the suite beside it.
  }, 60_000);
  afterAll(() => t.close());

  it('answers the report as JSON to a viewer', async () => {
    const res = await t.request('GET', '/api/runs/simulation-21/compliance-report', { token: 'viewer' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.json).toMatchObject({
      run: { id: 'simulation-21', journeyId: 'calls', mode: 'simulated', status: 'completed' },
      profile: { id: 'US', abandonment: { capPercent: 3, windowHours: 720 }, minimumRingSeconds: 15 },
      summary: { callsPlaced: 60, detector: { basis: 'recorded' }, unanswered: { underMinimum: 0 } },
      campaign: { runs: [{ id: 'simulation-21', mode: 'simulated' }] },
    });
    expect(res.json.periods).toHaveLength(1);
    expect(res.json.periods[0].callsPlaced).toBe(60);
  });

  it('answers CSV for ?format=csv and for Accept: text/csv, with the same figures', async () => {
    const json = (await t.request('GET', '/api/runs/simulation-21/compliance-report', { token: 'viewer' })).json;
    for (const options of [
      { path: '?format=csv', headers: {} as Record<string, string> },
      { path: '', headers: { accept: 'text/csv' } },
    ]) {
      const res = await t.request('GET', `/api/runs/simulation-21/compliance-report${options.path}`, { token: 'viewer', headers: options.headers });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
      expect(res.headers.get('content-disposition')).toBe('attachment; filename="run-simulation-21-compliance-report.csv"');
      const lines = res.text.split('\r\n');
      expect(lines[0]).toBe('Compliance report');
      expect(lines).toContain(`Calls placed,${json.summary.callsPlaced}`);
      expect(lines).toContain(`Live answers,${json.summary.liveAnswers}`);
      expect(lines).toContain(`Abandoned,${json.summary.abandoned.total}`);
      expect(lines).toContain('Unanswered calls');
      // One row per unanswered call under its section's header.
      const header = lines.indexOf('Run,Step,Contact,Number,Placed at,Ring time (s),Under 15 s');
      expect(lines.slice(header + 1, header + 1 + json.unansweredCalls.length).every((l) => l.startsWith('simulation-21,call,'))).toBe(true);
    }
  });

  it('says which run does not exist, and asks for a token', async () => {
    const missing = await t.request('GET', '/api/runs/nope/compliance-report', { token: 'viewer' });
    expect(missing.status).toBe(404);
    expect(missing.json.error.message).toBe('The run "nope" does not exist');
    expect((await t.request('GET', '/api/runs/simulation-21/compliance-report', { token: null })).status).toBe(401);
    expect((await t.request('GET', '/api/runs/simulation-21/compliance-report?format=xml', { token: 'viewer' })).status).toBe(400);
  });

  it('is described in the OpenAPI document', async () => {
    const doc = (await t.request('GET', '/api/openapi.json', { token: null })).json;
    expect(Object.keys(doc.paths['/api/runs/{id}/compliance-report'].get.responses['200'].content)).toEqual(['application/json', 'text/csv']);
    expect(doc.components.schemas.ComplianceReport).toBeDefined();
  });
});
