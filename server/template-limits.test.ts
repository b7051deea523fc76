// A template that is costly for each contact must neither stall the server nor hang a run: the runtime keeps to the
// render limits and lets requests in between contacts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleJourney, testApp, type TestApp } from './test-app.ts';

const contacts = 300;
const csv = `external_id,first_name,phone,consent_sms,n\n${Array.from({ length: contacts }, (_, i) => `P${i},Pat,+1202555${String(1000 + i)},yes,2000000`).join('\n')}\n`;

function journeyWithBody(id: string, body: string) {
  const journey = sampleJourney(id);
  (journey.nodes.reminder.config as { body: string }).body = body;
  return journey;
}

async function publishAndRun(t: TestApp, id: string, body: string): Promise<string> {
  const created = await t.request('POST', '/api/journeys', { json: journeyWithBody(id, body) });
  expect(created.status, created.text).toBe(201);
  expect((await t.request('POST', `/api/journeys/${id}/versions`, { json: { message: 'first' } })).status).toBe(201);
  const started = await t.request('POST', '/api/runs', { token: 'operator', json: { journeyId: id, seed: 1 } });
  expect(started.status, started.text).toBe(201);
  return started.json.id;
}

describe('costly templates in a run', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp('sqlite');
    const uploaded = await t.request('PUT', '/api/contact-lists/people/csv?region=US', { body: csv, headers: { 'content-type': 'text/csv' } });
    expect(uploaded.json.list.contacts).toBe(contacts);
    await t.runner.start();
  });
  afterAll(() => t.close());

  it('refuses at validation a template whose loops multiply past the bound, naming the step and field', async () => {
    const res = await t.request('POST', '/api/journeys', {
      json: journeyWithBody('frozen', '{% for a in (1..1000) %}{% for b in (1..1000) %}x{% endfor %}{% endfor %}'),
    });
    expect(res.status).toBe(422);
    expect(res.json.error.details.problems).toContainEqual(
      expect.objectContaining({
        severity: 'error',
        nodeId: 'reminder',
        path: '/nodes/reminder/config/body',
        message: expect.stringMatching(/loops 1,001,000 times for each contact/),
      }),
    );
  });

  it('answers /api/health promptly while every contact renders a heavy template the validator accepts', async () => {
    // 9 × (1 + 110) passes: just inside the bound, and some milliseconds for each contact; a short text, so that the
    // time goes to rendering and not to storing the messages.
    const body =
      '{% for a in (1..9) %}{% for b in (1..110) %}{% if contact.firstName == "Zed" %}Z{% endif %}{% endfor %}{% endfor %}Hi {{ contact.firstName }}';
    const runId = await publishAndRun(t, 'heavy', body);
    let done = false;
    const finished = t.runner.finished(runId).then(() => (done = true));
    const waits: number[] = [];
    while (!done) {
      const asked = performance.now();
      await new Promise((resolve) => setTimeout(resolve, 5));
      const res = await t.request('GET', '/api/health', { token: null });
      expect(res.status).toBe(200);
      waits.push(performance.now() - asked - 5);
    }
    await finished;
    const metrics = (await t.request('GET', `/api/runs/${runId}/metrics`)).json;
    expect((metrics.steps.reminder.ports.sent ?? 0) + (metrics.steps.reminder.ports.failed ?? 0)).toBe(contacts);
    expect(waits.length).toBeGreaterThan(5);
    // Between contacts the server answers within a slice (20 ms) and a render; the bound leaves room for the start of
    // the run and the delivery round on a busy machine. Without the slices the batch held requests for 2 s and more.
    const sorted = [...waits].sort((a, b) => a - b);
    expect(sorted[Math.floor(sorted.length / 2)]!).toBeLessThan(100);
    expect(sorted.at(-1)!).toBeLessThan(1000);
    expect(t.runnerErrors).toEqual([]);
  });

  it('fails a contact whose data makes the template run past the limits by the failed exit, with the reason', async () => {
    // Every contact's n is two million: a range the validator cannot see, stopped by the memory limit at once.
    const runId = await publishAndRun(t, 'data-driven', 'Codes: {% for a in (1..attributes.n) %}{{ a }}{% endfor %}');
    await t.runner.finished(runId);
    const metrics = (await t.request('GET', `/api/runs/${runId}/metrics`)).json;
    expect(metrics.steps.reminder.ports).toEqual({ failed: contacts });
    const events = (await t.request('GET', `/api/runs/${runId}/events?limit=5000`)).text
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    const exits = events.filter((e) => e.type === 'node.exited' && e.data.nodeId === 'reminder');
    expect(exits).toHaveLength(contacts);
    for (const exit of exits) {
      expect(exit.data).toMatchObject({
        port: 'failed',
        error: expect.stringMatching(/^The template could not be rendered for this contact: memory alloc limit exceeded, line:1, col:8/),
      });
    }
    expect(t.runnerErrors).toEqual([]);
  });
});
