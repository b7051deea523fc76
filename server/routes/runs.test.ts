import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { cloudEvent } from '../../schemas/events.ts';
import { testDialects } from '../../runtime/store/test-stores.ts';
import { publishSample, sampleJourney, testApp, testNow, type TestApp } from '../test-app.ts';

/** Waits until `check` holds; live runs move on the runner's loop, not in the request. */
function until<T>(read: () => Promise<T>, check: (value: T) => boolean, what: string, timeoutMs = 10_000): Promise<T> {
  return vi.waitFor(
    async () => {
      const value = await read();
      if (!check(value)) throw new Error(`Timed out waiting for ${what}: last ${JSON.stringify(value)}`);
      return value;
    },
    { timeout: timeoutMs, interval: 20 },
  );
}

describe.each(testDialects)('runs on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp(dialect);
    await publishSample(t);
    await t.runner.start();
  });
  afterAll(() => t.close());

  const metrics = async (id: string) => (await t.request('GET', `/api/runs/${id}/metrics`, { token: 'viewer' })).json;
  /**
   * The contacts of a live run that wait at the click step. The test clock stands still, so they stay there; a text
   * the simulated provider fails for a while is retried only when the clock moves, so not every contact gets there.
   */
  async function waitingForClick(id: string): Promise<string[]> {
    await until(
      () => metrics(id),
      (m) => (m.steps.click?.waiting ?? 0) > 0,
      'a contact waiting for a click',
    );
    const rows = await t.store.db
      .selectFrom('cursors')
      .select('contact_id')
      .where('run_id', '=', id)
      .where('node_id', '=', 'click')
      .where('status', '=', 'waiting')
      .orderBy('contact_id')
      .execute();
    return rows.map((r) => r.contact_id);
  }

  it('plays a simulated run to the end on its own clock; outcomes add up to the audience', async () => {
    const res = await t.request('POST', '/api/runs', { token: 'operator', json: { journeyId: 'reminder', seed: 7 } });
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({ journeyId: 'reminder', version: 1, listId: 'people', mode: 'simulated', seed: 7, metrics: { audience: 3 } });
    await t.runner.finished(res.json.id);
    const run = await t.request('GET', `/api/runs/${res.json.id}`, { token: 'viewer' });
    expect(run.json).toMatchObject({ status: 'completed', endedAt: expect.any(String), metrics: { audience: 3, active: 0 } });
    const m = await metrics(res.json.id);
    // The simulated provider fails a text now and then, by chance of the seed; every one has an answer.
    expect((m.steps.reminder.ports.sent ?? 0) + (m.steps.reminder.ports.failed ?? 0)).toBe(3);
    expect(Object.values(m.outcomes as Record<string, number>).reduce((a, b) => a + b, 0)).toBe(3);
    expect(t.runnerErrors).toEqual([]);
  });

  it('refuses with 400 to start a run on a list that lacks an attribute the journey reads, naming the step, field, attribute and columns', async () => {
    const journey = sampleJourney('balance-reminder');
    (journey.nodes.reminder.config as { body: string }).body = 'Hi {{ contact.firstName }}, you owe {{ attributes.balance }}';
    expect((await t.request('POST', '/api/journeys', { json: journey })).status).toBe(201);
    expect((await t.request('POST', '/api/journeys/balance-reminder/versions', { json: { message: 'first' } })).status).toBe(201);
    const lists = await t.request('GET', '/api/contact-lists', { token: 'viewer' });
    expect(lists.json.lists.find((l: { id: string }) => l.id === 'people')).toMatchObject({ columns: [] });

    const res = await t.request('POST', '/api/runs', { token: 'operator', json: { journeyId: 'balance-reminder' } });
    expect(res.status).toBe(400);
    expect(res.json.error.details.problems).toEqual([
      {
        severity: 'error',
        nodeId: 'reminder',
        path: '/nodes/reminder/config/body',
        message: expect.stringMatching(
          /^The SMS step 'reminder': Message reads attributes\.balance, but the contact list "people" has no column "balance" .*it has no columns besides the contact fields/,
        ),
      },
    ]);
    expect(await t.store.db.selectFrom('runs').select('id').where('journey_id', '=', 'balance-reminder').execute()).toEqual([]);

    // Once the list has the column, the same version starts.
    const csv = 'external_id,first_name,phone,consent_sms,balance\nA1,Ann,+12025550101,yes,12.50\n';
    expect((await t.request('PUT', '/api/contact-lists/people/csv?region=US', { body: csv, headers: { 'content-type': 'text/csv' } })).status).toBe(200);
    expect((await t.request('GET', '/api/contact-lists/people', { token: 'viewer' })).json.columns).toEqual(['balance']);
    const started = await t.request('POST', '/api/runs', { token: 'operator', json: { journeyId: 'balance-reminder' } });
    expect(started.status).toBe(201);
    await t.runner.finished(started.json.id);
  });

  it('plays two simulated runs with the same seed the same way, and a run with another seed differently', async () => {
    const played = async (seed: number) => {
      const res = await t.request('POST', '/api/runs', { token: 'operator', json: { journeyId: 'reminder', seed } });
      expect(res.status).toBe(201);
      await t.runner.finished(res.json.id);
      const events = await t.store.db
        .selectFrom('events')
        .select(['type', 'node_id', 'port', 'contact_id', 'time'])
        .where('run_id', '=', res.json.id)
        .orderBy('seq')
        .execute();
      return events.map((e) => `${Number(e.time)} ${e.contact_id} ${e.type} ${e.node_id ?? ''} ${e.port ?? ''}`);
    };
    const first = await played(11);
    expect(first.length).toBeGreaterThan(3);
    expect(await played(11)).toEqual(first);
    expect(await played(12)).not.toEqual(first);
  });

  it('lists runs newest first, filtered by journey', async () => {
    const res = await t.request('GET', '/api/runs?journeyId=reminder', { token: 'viewer' });
    expect(res.status).toBe(200);
    expect(res.json.runs.length).toBeGreaterThan(0);
    expect(res.json.runs.every((r: { journeyId: string }) => r.journeyId === 'reminder')).toBe(true);
    expect((await t.request('GET', '/api/runs?journeyId=none')).json.runs).toEqual([]);
    const bad = await t.request('GET', '/api/runs?limit=0');
    expect(bad.status).toBe(400);
    expect(bad.json.error.details.issues[0].path).toBe('/limit');
  });

  it('needs the operator role to start, pause, resume, stop and send events; a token to read', async () => {
    const [run] = (await t.request('GET', '/api/runs')).json.runs;
    for (const role of ['viewer', 'editor', 'agent'] as const) {
      expect((await t.request('POST', '/api/runs', { token: role, json: { journeyId: 'reminder' } })).status, role).toBe(403);
      for (const action of ['pause', 'resume', 'stop'])
        expect((await t.request('POST', `/api/runs/${run.id}/${action}`, { token: role })).status, `${role} ${action}`).toBe(403);
      expect((await t.request('POST', `/api/runs/${run.id}/events`, { token: role, json: { contactId: 'x', type: 'link.clicked' } })).status, role).toBe(403);
    }
    for (const path of ['/api/runs', `/api/runs/${run.id}`, `/api/runs/${run.id}/metrics`, `/api/runs/${run.id}/events`]) {
      expect((await t.request('GET', path, { token: null })).status, path).toBe(401);
      expect((await t.request('GET', path, { token: 'agent' })).status, path).toBe(403);
    }
  });

  it('refuses a bad start: 400 with a pointer, 409 for a journey never published, 404 for a missing version or list', async () => {
    const bad = await t.request('POST', '/api/runs', { json: { journeyId: 'reminder', mode: 'fast' } });
    expect(bad.status).toBe(400);
    expect(bad.json.error.details.issues[0].path).toBe('/mode');
    const badDate = await t.request('POST', '/api/runs', { json: { journeyId: 'reminder', startAt: 'tomorrow' } });
    expect(badDate.json.error.details.issues[0].path).toBe('/startAt');

    await t.request('POST', '/api/journeys', { json: sampleJourney('unpublished') });
    const unpublished = await t.request('POST', '/api/runs', { json: { journeyId: 'unpublished' } });
    expect(unpublished.status).toBe(409);
    expect(unpublished.json.error.message).toContain('publish it first');
    expect((await t.request('POST', '/api/runs', { json: { journeyId: 'reminder', version: 5 } })).status).toBe(404);
    const noList = await t.request('POST', '/api/runs', { json: { journeyId: 'reminder', listId: 'nobody' } });
    expect(noList.status).toBe(404);
    expect(noList.json.error.message).toContain('"nobody"');
  });

  it('answers 404 for a run that does not exist, on every run route', async () => {
    for (const [method, path] of [
      ['GET', '/api/runs/nope'],
      ['GET', '/api/runs/nope/metrics'],
      ['GET', '/api/runs/nope/events'],
      ['POST', '/api/runs/nope/pause'],
      ['POST', '/api/runs/nope/resume'],
      ['POST', '/api/runs/nope/stop'],
    ] as const) {
      const res = await t.request(method, path);
      expect(res.status, path).toBe(404);
      expect(res.json.error.code).toBe('not_found');
    }
    expect((await t.request('POST', '/api/runs/nope/events', { json: { contactId: 'x', type: 'link.clicked' } })).status).toBe(404);
  });

  it('schedules a live run for later, pauses, resumes and stops it; a finished run cannot be paused (409)', async () => {
    const startAt = new Date(testNow + 3_600_000).toISOString();
    const res = await t.request('POST', '/api/runs', { token: 'operator', json: { journeyId: 'reminder', mode: 'live', startAt } });
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({ status: 'scheduled', mode: 'live', startAt });
    const id = res.json.id;
    expect((await t.request('POST', `/api/runs/${id}/pause`, { token: 'operator' })).json.status).toBe('paused');
    expect((await t.request('POST', `/api/runs/${id}/pause`)).status).toBe(409);
    expect((await t.request('POST', `/api/runs/${id}/resume`, { token: 'operator' })).json.status).toBe('running');
    const resumeAgain = await t.request('POST', `/api/runs/${id}/resume`);
    expect(resumeAgain.status).toBe(409);
    expect(resumeAgain.json.error.message).toContain('only a paused run can be resumed');
    const stopped = await t.request('POST', `/api/runs/${id}/stop`, { token: 'operator', json: { reason: 'Wrong list' } });
    expect(stopped.status).toBe(200);
    expect(stopped.json).toMatchObject({ status: 'stopped', stopReason: 'Wrong list', metrics: { active: 0 } });
    expect((await t.request('POST', `/api/runs/${id}/stop`)).status).toBe(409);
    expect((await t.request('POST', `/api/runs/${id}/resume`)).status).toBe(409);

    const [completed] = (await t.request('GET', '/api/runs')).json.runs.filter((r: { status: string }) => r.status === 'completed');
    const pause = await t.request('POST', `/api/runs/${completed.id}/pause`);
    expect(pause.status).toBe(409);
    expect(pause.json.error).toMatchObject({ code: 'conflict', message: expect.stringContaining('completed') });
  });

  it('stops a run with a default reason that names who stopped it', async () => {
    const res = await t.request('POST', '/api/runs', { json: { journeyId: 'reminder', mode: 'live', startAt: new Date(testNow + 60_000).toISOString() } });
    const stopped = await t.request('POST', `/api/runs/${res.json.id}/stop`, { token: 'operator' });
    expect(stopped.json.stopReason).toBe('Stopped by operator-token');
  });

  it('moves a contact waiting for a click when the click is posted, and refuses events it cannot use', async () => {
    const res = await t.request('POST', '/api/runs', { token: 'operator', json: { journeyId: 'reminder', mode: 'live' } });
    const id = res.json.id;
    const contact = { id: (await waitingForClick(id))[0]! };

    const posted = await t.request('POST', `/api/runs/${id}/events`, {
      token: 'operator',
      json: { contactId: contact.id, type: 'link.clicked', data: { link: 'https://example.com/pay' } },
    });
    expect(posted.status).toBe(202);
    expect(posted.json).toEqual({ accepted: true, at: new Date(testNow).toISOString() });
    const after = await until(
      () => metrics(id),
      (m) => m.steps.click?.ports.event === 1,
      'the click to move the contact',
    );
    expect(after.outcomes.clicked).toBe(1);
    const moved = await t.store.db
      .selectFrom('cursors')
      .select(['node_id', 'status'])
      .where('run_id', '=', id)
      .where('contact_id', '=', contact.id)
      .executeTakeFirstOrThrow();
    expect(moved).toEqual({ node_id: 'clicked', status: 'done' });

    const badType = await t.request('POST', `/api/runs/${id}/events`, { json: { contactId: contact.id, type: 'call.answered' } });
    expect(badType.status).toBe(400);
    expect(badType.json.error.details.issues[0].path).toBe('/type');
    const stranger = await t.request('POST', `/api/runs/${id}/events`, { json: { contactId: 'c_nobody', type: 'link.clicked' } });
    expect(stranger.status).toBe(404);
    expect(stranger.json.error.message).toContain('"c_nobody"');

    const scheduled = await t.request('POST', '/api/runs', {
      json: { journeyId: 'reminder', mode: 'live', startAt: new Date(testNow + 86_400_000).toISOString() },
    });
    expect((await t.request('POST', `/api/runs/${scheduled.json.id}/events`, { json: { contactId: contact.id, type: 'link.clicked' } })).status).toBe(409);
    await t.request('POST', `/api/runs/${scheduled.json.id}/stop`);
  });

  it('does not let a posted event choose the step or the exit a contact leaves by', async () => {
    const res = await t.request('POST', '/api/runs', { json: { journeyId: 'reminder', mode: 'live' } });
    const id = res.json.id;
    const contact = { id: (await waitingForClick(id))[0]! };
    const forged = await t.request('POST', `/api/runs/${id}/events`, {
      json: { contactId: contact.id, type: 'sms.replied', data: { text: 'hello', nodeId: 'reminder', exit: { port: 'timeout', visit: 1 } } },
    });
    expect(forged.status).toBe(202);
    await until(
      () => t.store.db.selectFrom('events').select('node_id').where('run_id', '=', id).where('type', '=', 'sms.replied').execute(),
      (rows) => rows.length === 1,
      'the reply to be recorded',
    );
    const replied = await t.store.db
      .selectFrom('events')
      .select(['node_id', 'data'])
      .where('run_id', '=', id)
      .where('type', '=', 'sms.replied')
      .executeTakeFirstOrThrow();
    expect(replied.node_id).toBe('click');
    expect(JSON.parse(replied.data)).toEqual({ text: 'hello', nodeId: 'click' });
    const stayed = await t.store.db
      .selectFrom('cursors')
      .select(['node_id', 'status'])
      .where('run_id', '=', id)
      .where('contact_id', '=', contact.id)
      .executeTakeFirstOrThrow();
    expect(stayed).toEqual({ node_id: 'click', status: 'waiting' });
    expect((await metrics(id)).steps.click.ports).toEqual({});
    await t.request('POST', `/api/runs/${id}/stop`);
  });

  it('exports events as CloudEvents, one per line, paged with after and limit', async () => {
    const [run] = (await t.request('GET', '/api/runs')).json.runs.filter((r: { status: string }) => r.status === 'completed');
    const res = await t.request('GET', `/api/runs/${run.id}/events`, { token: 'viewer' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/x-ndjson');
    const lines = res.text.trimEnd().split('\n');
    expect(lines.length).toBeGreaterThan(20);
    const events = lines.map((line) => JSON.parse(line));
    for (const event of events) {
      const parsed = cloudEvent.safeParse(event);
      expect(parsed.success, `${JSON.stringify(event)}: ${parsed.error?.message}`).toBe(true);
      expect(event.source).toBe(`/runs/${run.id}`);
    }
    expect(events[0].type).toBe('run.started');
    expect(events.at(-1).type).toBe('run.completed');
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);

    const page = await t.request('GET', `/api/runs/${run.id}/events?after=${events[4].seq}&limit=3`);
    expect(
      page.text
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l).seq),
    ).toEqual(events.slice(5, 8).map((e) => e.seq));
    const bad = await t.request('GET', `/api/runs/${run.id}/events?format=xml`);
    expect(bad.status).toBe(400);
    expect(bad.json.error.details.issues[0].path).toBe('/format');
  });

  it('exports events as CSV with formulas a contact typed neutralised', async () => {
    const res = await t.request('POST', '/api/runs', { json: { journeyId: 'reminder', mode: 'live' } });
    const id = res.json.id;
    const contact = { id: (await waitingForClick(id))[0]! };
    const formula = '=HYPERLINK("http://evil.example","Click")';
    await t.request('POST', `/api/runs/${id}/events`, { json: { contactId: contact.id, type: 'sms.replied', data: { text: formula } } });
    await until(
      () => t.store.db.selectFrom('events').select('seq').where('run_id', '=', id).where('type', '=', 'sms.replied').execute(),
      (rows) => rows.length === 1,
      'the reply to be recorded',
    );
    await t.request('POST', `/api/runs/${id}/stop`, { json: { reason: '-1+1' } });

    const csv = await t.request('GET', `/api/runs/${id}/events?format=csv`, { token: 'viewer' });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect(csv.headers.get('content-disposition')).toContain(`run-${id}-events.csv`);
    const rows = csv.text.trimEnd().split('\n');
    expect(rows[0]).toBe('seq,time,type,subject,nodeId,port,data');
    const reply = rows.find((r) => r.includes(',sms.replied,'))!;
    expect(reply).toContain('HYPERLINK');
    // Every cell of every row: none starts with a character a spreadsheet runs as a formula.
    for (const row of rows) {
      for (const cell of row.match(/("([^"]|"")*"|[^,]*)(?=,|$)/g) ?? []) {
        const text = cell.startsWith('"') ? cell.slice(1, -1).replace(/""/g, '"') : cell;
        expect(text, row).not.toMatch(/^[=+\-@]/);
      }
    }
  });
});
