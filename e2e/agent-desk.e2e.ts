// An agent signs in at /agent, goes available, takes a call the dialer connects in a live run and ends it with a
// disposition; the journey then takes the branch for that disposition.
import type { Page } from 'playwright-core';
import { beforeAll, expect, it, vi } from 'vitest';
import type { RunMetrics, RunView } from '../server/api-types.ts';
import type { CarrierProfile } from '../server/serve.ts';
import { describeWithBrowser, screenshotPath, signInUrl, TestBed, zoneAtMidday } from './harness.ts';

const bed = new TestBed();

const queue = 'e2e-desk';
const journey = {
  schemaVersion: 1,
  id: 'agent-desk-e2e',
  name: 'Agent desk check',
  settings: { timezone: 'America/Chicago', compliance: 'US' },
  nodes: {
    start: { type: 'start', position: { x: 0, y: 0 }, config: { audience: { list: 'agent-desk-e2e' } }, next: { out: 'gate' } },
    gate: { type: 'compliance-gate', position: { x: 140, y: 0 }, config: { channel: 'voice' }, next: { allowed: 'call', blocked: 'not-reached' } },
    call: {
      type: 'dialer',
      label: 'Call about the balance',
      position: { x: 280, y: 0 },
      config: {
        mode: 'progressive',
        queue,
        script: 'Hello {{ contact.firstName }} {{ contact.lastName }}, your balance is ${{ attributes.balance }}.',
        amd: { enabled: true, onMachine: 'hangup' },
        ringSeconds: 15,
        callerId: '+12025550143',
      },
      next: { connected: 'result', machine: 'not-reached', 'no-answer': 'not-reached', abandoned: 'not-reached', failed: 'not-reached' },
    },
    result: {
      type: 'branch',
      label: 'How did the call end?',
      position: { x: 560, y: 0 },
      config: {
        rules: [
          { port: 'paid', label: 'Paid', conditions: [{ field: 'lastCall.disposition', op: 'equals', value: 'paid' }] },
          { port: 'do-not-call', label: 'Do not call', conditions: [{ field: 'lastCall.disposition', op: 'equals', value: 'do-not-call' }] },
        ],
      },
      next: { paid: 'paid', 'do-not-call': 'other', else: 'other' },
    },
    paid: { type: 'end', position: { x: 840, y: 0 }, config: { outcome: 'paid' } },
    other: { type: 'end', position: { x: 840, y: 160 }, config: { outcome: 'other' } },
    'not-reached': { type: 'end', position: { x: 560, y: 240 }, config: { outcome: 'not-reached' } },
  },
};

const phoneOf = (i: number) => `+1312555${String(100 + i).padStart(4, '0')}`;

/** Another journey over the same list: a gate that checks the do-not-contact list before it would call. */
const otherJourney = {
  schemaVersion: 1,
  id: 'agent-desk-e2e-other',
  name: 'Another campaign',
  settings: { timezone: 'America/Chicago', compliance: 'US' },
  nodes: {
    start: { type: 'start', position: { x: 0, y: 0 }, config: { audience: { list: 'agent-desk-e2e' } }, next: { out: 'gate' } },
    gate: {
      type: 'compliance-gate',
      position: { x: 280, y: 0 },
      config: { channel: 'voice', checks: ['dnc'] },
      next: { allowed: 'allowed', blocked: 'blocked' },
    },
    allowed: { type: 'end', position: { x: 560, y: 0 }, config: { outcome: 'allowed' } },
    blocked: { type: 'end', position: { x: 560, y: 160 }, config: { outcome: 'blocked' } },
  },
};

const contacts = () =>
  [
    'external_id,first_name,last_name,phone,timezone,balance,consent_voice',
    ...['Ada Lovelace', 'Grace Hopper', 'Alan Turing', 'Edsger Dijkstra', 'Barbara Liskov', 'Donald Knuth', 'Frances Allen', 'John Backus'].map(
      (name, i) => `E2E-${i + 1},${name.replace(' ', ',')},${phoneOf(i)},${zoneAtMidday()},${(100 + i * 10).toFixed(2)},yes`,
    ),
  ].join('\n');

/** Every call is answered by a person after a short ring, and detection knows it: the call reaches the agent at once. */
const everyonePicksUp: CarrierProfile = {
  outcomes: { human: 1, machine: 0, noAnswer: 0, busy: 0, invalid: 0 },
  setupMs: { mean: 500, cv: 0.2 },
  ringSeconds: { mean: 2, cv: 0.2 },
  humanGreetingSeconds: { mean: 1, cv: 0.2 },
  machineGreetingSeconds: { mean: 9, cv: 0.3 },
  amd: { humanAccuracy: 1, machineAccuracy: 1, decisionMs: { mean: 1000, cv: 0.2 }, silenceMs: { mean: 500, cv: 0.2 } },
};

async function call(method: string, path: string, body?: unknown, type?: string): Promise<any> {
  const response = await bed.server.api(method, path, body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body), type);
  const text = await response.text();
  expect(response.ok, `${method} ${path} answered ${response.status}: ${text}`).toBe(true);
  return text ? JSON.parse(text) : undefined;
}

function until<T>(what: string, read: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  return vi.waitFor(
    async () => {
      const value = await read();
      if (value === undefined) throw new Error(`Waited ${timeoutMs / 1000} s for ${what}`);
      return value;
    },
    { timeout: timeoutMs, interval: 250 },
  );
}

async function openAgentPage(token: string): Promise<{ page: Page; errors: () => string[] }> {
  const page = await bed.browser.newPage({ viewport: { width: 1440, height: 1000 } });
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`${bed.server.url}/agent`);
  await page.getByLabel('Agent sign-in link or token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  return { page, errors: () => errors };
}

describeWithBrowser('the agent desktop', bed, { carrier: everyonePicksUp }, () => {
  beforeAll(async () => {
    await call('POST', '/journeys', journey);
    await call('POST', `/journeys/${journey.id}/versions`, { message: 'For the agent desk test' });
    await call('PUT', `/contact-lists/${journey.id}/csv?region=US`, contacts(), 'text/csv');
  }, 60_000);

  it('takes a call in a live run to its disposition, and the journey branches on it', async () => {
    const { token } = await call('POST', '/tokens', { name: 'Dana Agent', role: 'agent' });
    const { page, errors } = await openAgentPage(token);
    await page.locator('[data-agent-state]').waitFor();
    await expect(page.locator('[data-agent-state]').getAttribute('data-agent-state')).resolves.toBe('offline');
    await page.getByLabel('Another queue, by name').fill(queue);
    await page.getByRole('button', { name: 'Add' }).click();
    await page.getByRole('button', { name: 'Go available' }).click();
    await page.locator('[data-agent-state="available"]').waitFor();
    await page.screenshot({ path: screenshotPath('agent-available') });

    // No simulated agents in the queue: every call this run connects goes to the person on the page.
    const run: RunView = await call('POST', '/runs', { journeyId: journey.id, mode: 'live', agents: { [queue]: 0 } });
    await page.locator('[data-agent-state="on-call"]').waitFor({ timeout: 120_000 });
    const customer = (await page.locator('#customer-name').textContent()) ?? '';
    const [firstName, lastName] = customer.split(' ');
    expect(contacts()).toContain(`${firstName},${lastName}`);
    const script = (await page.locator('[data-script]').textContent()) ?? '';
    expect(script).toMatch(new RegExp(`^Hello ${firstName} ${lastName}, your balance is \\$\\d+\\.\\d\\d\\.$`));
    // The focus moves to the call, so that a keyboard user is taken to it.
    await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe('call-title');
    await page.screenshot({ path: screenshotPath('agent-on-call'), fullPage: true });

    await page.getByRole('button', { name: 'End the call' }).click();
    await page.getByRole('alert').filter({ hasText: 'Choose how the call ended' }).waitFor();
    await page.getByRole('radio', { name: /Paid/ }).check();
    await page.getByRole('button', { name: 'End the call' }).click();
    await page.locator('[data-agent-state="wrap-up"]').waitFor();
    await page.screenshot({ path: screenshotPath('agent-wrap-up') });

    // The journey goes on for that customer down the branch of the disposition the agent chose.
    const metrics = await until('the paid branch', async () => {
      const m: RunMetrics = await call('GET', `/runs/${run.id}/metrics`);
      return (m.steps.result?.ports.paid ?? 0) >= 1 ? m : undefined;
    });
    expect(metrics.steps.result?.ports.paid).toBe(1);
    expect(metrics.outcomes.paid).toBe(1);

    await page.getByRole('button', { name: 'Ready for the next call' }).click();
    await page.locator('[data-agent-state="available"], [data-agent-state="reserved"], [data-agent-state="on-call"]').first().waitFor();
    await call('POST', `/runs/${run.id}/stop`, {});
    expect(errors()).toEqual([]);
    await page.close();
  }, 240_000);

  it('an agent\'s "Do not call" puts the number on the phone list for every journey at once', async () => {
    const { token } = await call('POST', '/tokens', { name: 'Sam Agent', role: 'agent' });
    const { page, errors } = await openAgentPage(token);
    await page.getByLabel('Another queue, by name').fill(queue);
    await page.getByRole('button', { name: 'Add' }).click();
    await page.getByRole('button', { name: 'Go available' }).click();
    await page.locator('[data-agent-state="available"]').waitFor();
    const run: RunView = await call('POST', '/runs', { journeyId: journey.id, mode: 'live', agents: { [queue]: 0 } });
    await page.locator('[data-agent-state="on-call"]').waitFor({ timeout: 120_000 });
    const customer = (await page.locator('#customer-name').textContent()) ?? '';
    const row = contacts()
      .split('\n')
      .find((line) => line.includes(`,${customer.replace(' ', ',')},`))!;
    const phone = row.split(',')[3]!;
    // Asked where the customer is, at midday there: before the call ends, nothing stands in the way.
    const check = () =>
      call('GET', `/compliance/check?profile=US&channel=voice&phone=${encodeURIComponent(phone)}&timezone=${encodeURIComponent(row.split(',')[4]!)}`);
    expect(await check()).toMatchObject({ allowed: true, reasons: [] });

    await page.getByRole('button', { name: 'End the call' }).click();
    await page.getByRole('radio', { name: /Do not call/ }).check();
    await page.getByRole('button', { name: 'End the call' }).click();
    await page.locator('[data-agent-state="wrap-up"]').waitFor();
    await call('POST', `/runs/${run.id}/stop`, {});

    // The check API refuses the number for any journey, and the list says who put it there, from which run, when.
    const refused = await until('the number on the phone list', async () => {
      const answer = await check();
      return answer.allowed ? undefined : answer;
    });
    expect(refused.reasons.map((r: { rule: string }) => r.rule)).toEqual(['US.dnc.internal']);
    const { entries } = await call('GET', '/do-not-contact?channel=voice');
    expect(entries).toContainEqual(
      expect.objectContaining({ value: phone, source: 'agent', runId: run.id, actor: 'Sam Agent', reason: 'Call outcome "do-not-call"' }),
    );

    // Another journey's run over the same list stops that number at its gate, and only that number.
    await call('POST', '/journeys', otherJourney);
    await call('POST', `/journeys/${otherJourney.id}/versions`, { message: 'Another campaign' });
    const other: RunView = await call('POST', '/runs', { journeyId: otherJourney.id, mode: 'live' });
    const metrics = await until('the other run to finish', async () => {
      const m: RunMetrics = await call('GET', `/runs/${other.id}/metrics`);
      return m.active === 0 && m.audience > 0 ? m : undefined;
    });
    expect(metrics.outcomes).toEqual({ allowed: 7, blocked: 1 });
    const lines = (await (await bed.server.api('GET', `/runs/${other.id}/events`)).text()).trim().split('\n');
    const blocked = lines.map((line) => JSON.parse(line) as { type: string; data: { rule: string } }).filter((e) => e.type.endsWith('compliance.blocked'));
    expect(blocked.map((e) => e.data.rule)).toEqual(['US.dnc.internal']);
    expect(errors()).toEqual([]);
    await page.close();
  }, 240_000);

  it('lets a manager sign in on the page and watch the simulated agents of a simulated run', async () => {
    const run: RunView = await call('POST', '/runs', { journeyId: journey.id, mode: 'simulated', agents: { [queue]: 3 } });
    const { page, errors } = await openAgentPage(bed.server.token);
    expect(run.mode).toBe('simulated');
    await page.getByRole('heading', { name: 'Watch simulated agents' }).waitFor();
    await page.locator('[data-agent]').first().waitFor();
    const listed: { agents: { name: string; queue: string; state: string }[] } = await call('GET', `/runs/${run.id}/agents`);
    expect(listed.agents.length).toBe(3);
    await expect(page.locator('[data-agent]').count()).resolves.toBe(3);
    for (const agent of listed.agents) expect(agent.queue).toBe(queue);
    await page.screenshot({ path: screenshotPath('agent-watch') });
    expect(errors()).toEqual([]);
    await page.close();
  }, 120_000);

  it('keeps the agent page sign-in apart from the editor sign-in in the same browser', async () => {
    const { id } = await call('POST', '/tokens', { name: 'Lee Agent', role: 'agent' });
    const context = await bed.browser.newContext({ viewport: { width: 1440, height: 1000 } });
    const editor = await context.newPage();
    await editor.goto(await signInUrl(bed.server));
    await editor.getByText('Signed in as admin').waitFor();
    const agent = await context.newPage();
    await agent.goto(await signInUrl(bed.server, { tokenId: id }));
    // The code is gone from the address bar as soon as the page has used it.
    expect(agent.url()).toBe(`${bed.server.url}/agent`);
    await agent.getByText('Lee Agent').first().waitFor();
    // Each page's session is a cookie of its own that no script reads; neither page keeps a token anywhere.
    const cookies = (await context.cookies()).filter((c) => c.name.startsWith('journey_'));
    expect(cookies.map((c) => `${c.name} ${c.httpOnly} ${c.sameSite}`).sort()).toEqual(['journey_agent_session true Strict', 'journey_session true Strict']);
    for (const page of [editor, agent]) {
      const readable = await page.evaluate(() => JSON.stringify([localStorage, sessionStorage, document.cookie]));
      expect(readable.match(/j[tsc]_[\w.-]+/g) ?? []).toEqual([]);
      expect(readable).not.toContain('journey_');
    }
    // The manager's tab, reloaded, is still the manager's; the agent's, reloaded, still the agent's.
    await editor.reload();
    await editor.getByText('Signed in as admin').waitFor();
    await agent.reload();
    await agent.getByText('Lee Agent').first().waitFor();
    await agent.locator('[data-agent-state]').waitFor();
    await agent.screenshot({ path: screenshotPath('agent-signed-in') });
    // Signing the agent page out ends its session only: the editor's tab stays signed in.
    await agent.getByRole('button', { name: 'Sign out' }).click();
    await agent.getByLabel('Agent sign-in link or token').waitFor();
    expect((await context.cookies()).map((c) => c.name)).toEqual(['journey_session']);
    await agent.reload();
    await agent.getByLabel('Agent sign-in link or token').waitFor();
    await editor.reload();
    await editor.getByText('Signed in as admin').waitFor();
    const audit = (await (await bed.server.api('GET', '/audit?action=session.signed-out')).json()) as { entries: { target: string }[] };
    expect(audit.entries.map((e) => e.target)).toContain(id);
    await context.close();
  }, 90_000);
});
