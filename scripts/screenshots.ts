// `npm run docs:screenshots`: makes the README's pictures again, at 1440x900, from a fresh server with the examples:
// the missed-payment journey on the design canvas, a simulated run of it caught while running, and the agent page with
// a connected call. They go to docs/screenshots/.
import { readFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { ensureEditorBuilt, launchBrowser, root, signInUrl, startTestServer, zoneAtMidday, type TestServer } from '../e2e/harness.ts';

const out = join(root, 'docs', 'screenshots');
const viewport = { width: 1440, height: 900 };
const log = (line: string) => process.stderr.write(`${line}\n`);

/** One API call; its JSON answer, of the type the caller names for the fields it reads. */
async function call<T>(server: TestServer, method: string, path: string, body?: unknown, type?: string): Promise<T> {
  const response = await server.api(method, path, body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body), type);
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
  // An empty answer comes only from calls whose answer is not read.
  return text ? JSON.parse(text) : (undefined as T);
}

/** A page that fails the script on any error in it, since a picture of a broken page must not reach the README. */
async function newPage(browser: Browser): Promise<Page> {
  const page = await browser.newPage({ viewport });
  // tsx keeps function names with a `__name` helper that the page lacks; functions sent to the page need it there.
  await page.addInitScript('globalThis.__name = (f) => f');
  page.on('pageerror', (error) => {
    throw new Error(`The page had an error: ${error.message}`);
  });
  return page;
}

async function shoot(page: Page, name: string): Promise<void> {
  if (await page.locator('.status-error, .field-error, [role="alert"]').count()) throw new Error(`The page shows an error; ${name} was not taken.`);
  // Let transitions (fit view, hover) finish and fonts settle.
  await page.waitForTimeout(400);
  const path = join(out, `${name}.png`);
  await page.screenshot({ path });
  log(`Wrote ${path}`);
}

async function signedIn(browser: Browser, server: TestServer, path = '/'): Promise<Page> {
  const page = await newPage(browser);
  await page.goto(await signInUrl(server));
  await page.getByText('Signed in as').waitFor();
  if (path !== '/') await page.goto(`${server.url}${path}`);
  return page;
}

/** Zooms the canvas in and drags it so that the step is in the middle: a whole journey fitted in view is too small to read. */
async function centreOn(page: Page, stepId: string, zoomIns: number): Promise<void> {
  for (let i = 0; i < zoomIns; i++) await page.locator('.react-flow__controls-zoomin').click();
  await page.waitForTimeout(400);
  const move = await page.evaluate((id) => {
    const pane = document.querySelector('.react-flow__pane')!.getBoundingClientRect();
    const step = document.querySelector(`.react-flow__node[data-id="${id}"]`)!.getBoundingClientRect();
    for (let y = pane.top + 20; y < pane.bottom - 20; y += 8) {
      for (let x = pane.left + 60; x < pane.right - 60; x += 8) {
        if (document.elementFromPoint(x, y)?.classList.contains('react-flow__pane'))
          return { x, y, dx: pane.left + pane.width / 2 - (step.left + step.width / 2), dy: pane.top + pane.height / 2 - (step.top + step.height / 2) };
      }
    }
    return undefined;
  }, stepId);
  if (!move) throw new Error('No empty spot on the canvas to drag it by.');
  await page.mouse.move(move.x, move.y);
  await page.mouse.down();
  await page.mouse.move(move.x + move.dx, move.y + move.dy, { steps: 10 });
  await page.mouse.up();
}

async function openJourney(page: Page, name: string): Promise<void> {
  await page.getByRole('button', { name: 'Open…' }).click();
  await page.getByRole('button', { name: new RegExp(name) }).click();
  await page.locator('.journey-name', { hasText: name }).waitFor();
}

/** The missed-payment journey on the design canvas, with its predictive call selected in the inspector. */
async function design(browser: Browser, server: TestServer): Promise<void> {
  const page = await signedIn(browser, server);
  await openJourney(page, 'Missed payment reminder');
  await page.locator('[data-step-id="collections-call"]').click();
  await page.locator('.inspector').getByText('Predictive call to the collections team').first().waitFor();
  await centreOn(page, 'call-gate', 3);
  await page.mouse.move(viewport.width / 2, viewport.height - 10);
  await shoot(page, 'design');
  await page.close();
}

/** A simulated run of the missed-payment journey, caught while calls are being made. */
async function runLive(browser: Browser, server: TestServer): Promise<void> {
  const page = await signedIn(browser, server);
  await openJourney(page, 'Missed payment reminder');
  await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Runs' }).click();
  await page.getByRole('button', { name: 'Start the run' }).click();
  await page.waitForURL(/\/runs\/[^/]+$/);
  await page.locator('[data-connection="live"]').waitFor();
  // Mid-way: the predictive call has contacts on it and some have finished, but the run is not over.
  await page.waitForFunction(
    () =>
      Number(document.querySelector('[data-live-step="collections-call"]')?.getAttribute('data-waiting')) > 0 &&
      Number(document.querySelector('[data-total="finished"]')?.textContent?.replace(/,/g, '')) >= 40,
    undefined,
    { timeout: 120_000, polling: 50 },
  );
  await centreOn(page, 'collections-call', 2);
  await page.mouse.move(viewport.width / 2, viewport.height - 10);
  await shoot(page, 'run-live');
  if (!(await page.locator('.run-header [data-run-status="running"]').count())) throw new Error('The run ended before its picture was taken.');
  await page.close();
}

/** The agent page with a call the dialer connected, in a live run with nobody else in the queue. */
async function agentDesk(browser: Browser, server: TestServer): Promise<void> {
  const example = JSON.parse(readFileSync(join(root, 'examples', 'missed-payment.journey.json'), 'utf8')) as {
    nodes: Record<string, { config: { script?: string } }>;
  };
  const queue = 'collections';
  const journey = {
    schemaVersion: 1,
    id: 'collections-calls',
    name: 'Collections calls',
    settings: { timezone: 'America/Chicago', compliance: 'US' },
    nodes: {
      start: { type: 'start', position: { x: 0, y: 0 }, config: { audience: { list: 'collections-calls' } }, next: { out: 'call' } },
      call: {
        type: 'dialer',
        label: 'Call about the missed payment',
        position: { x: 280, y: 0 },
        config: {
          mode: 'progressive',
          queue,
          script: example.nodes['collections-call']?.config.script,
          amd: { enabled: true, onMachine: 'hangup' },
          ringSeconds: 20,
          callerId: '+12025550143',
        },
        next: { connected: 'result', machine: 'not-reached', 'no-answer': 'not-reached', abandoned: 'not-reached', failed: 'not-reached' },
      },
      result: {
        type: 'branch',
        label: 'What did the customer agree?',
        position: { x: 560, y: 0 },
        config: {
          rules: [
            { port: 'promise-to-pay', label: 'Promised to pay', conditions: [{ field: 'lastCall.disposition', op: 'equals', value: 'promise-to-pay' }] },
            { port: 'paid', label: 'Paid during the call', conditions: [{ field: 'lastCall.disposition', op: 'equals', value: 'paid' }] },
          ],
        },
        next: { 'promise-to-pay': 'promised', paid: 'paid', else: 'no-promise' },
      },
      promised: { type: 'end', position: { x: 840, y: 0 }, config: { outcome: 'promise-to-pay' } },
      paid: { type: 'end', position: { x: 840, y: 160 }, config: { outcome: 'paid' } },
      'no-promise': { type: 'end', position: { x: 840, y: 320 }, config: { outcome: 'no-promise' } },
      'not-reached': { type: 'end', position: { x: 560, y: 240 }, config: { outcome: 'not-reached' } },
    },
  };
  // A live run calls only within calling hours: the eight customers live, by their time zone column, where it is day now.
  const [header, ...rows] = readFileSync(join(root, 'examples', 'missed-payment.contacts.csv'), 'utf8')
    .split('\n')
    .slice(0, 9);
  const zoneColumn = header!.split(',').indexOf('timezone');
  const contacts = [
    header,
    ...rows.map((row) =>
      row
        .split(',')
        .map((cell, i) => (i === zoneColumn ? zoneAtMidday() : cell))
        .join(','),
    ),
  ].join('\n');
  await call(server, 'POST', '/journeys', journey);
  await call(server, 'POST', `/journeys/${journey.id}/versions`, { message: 'Calls for the agent page picture' });
  await call(server, 'PUT', `/contact-lists/${journey.id}/csv?region=US`, contacts, 'text/csv');
  const { token } = await call<{ token: string }>(server, 'POST', '/tokens', { name: 'Dana Whitfield', role: 'agent' });

  const page = await newPage(browser);
  await page.goto(`${server.url}/agent`);
  await page.getByLabel('Agent sign-in link or token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('[data-agent-state="offline"]').waitFor();
  await page.getByLabel('Another queue, by name').fill(queue);
  await page.getByRole('button', { name: 'Add' }).click();
  await page.getByRole('button', { name: 'Go available' }).click();
  await page.locator('[data-agent-state="available"]').waitFor();
  const run = await call<{ id: string }>(server, 'POST', '/runs', { journeyId: journey.id, mode: 'live', agents: { [queue]: 0 } });
  await page.locator('[data-agent-state="on-call"]').waitFor({ timeout: 180_000 });
  await page.locator('[data-script]').waitFor();
  await page.getByRole('radio', { name: /Promised to pay|promise-to-pay/ }).check();
  await page.getByLabel(/Notes/).fill('Will pay on Friday from the joint account.');
  await page.getByLabel(/Notes/).blur();
  await page.mouse.move(viewport.width - 10, viewport.height - 10);
  await shoot(page, 'agent-desk');
  await call(server, 'POST', `/runs/${run.id}/stop`, {});
  await page.close();
}

mkdirSync(out, { recursive: true });
log('Building the editor if its build is stale…');
ensureEditorBuilt();
const server = await startTestServer({ loadExamples: true });
const browser = await launchBrowser();
try {
  await design(browser, server);
  await runLive(browser, server);
  await agentDesk(browser, server);
} finally {
  await browser.close();
  await server.close();
}
