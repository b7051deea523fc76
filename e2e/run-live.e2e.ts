// A manager starts runs from the Runs tab and watches them live: counts on the canvas reach the run's final metrics.
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import type { RunMetrics, RunView } from '../server/api-types.ts';
import { describeWithBrowser, errorsOf, openEditor, openJourney, openTab, screenshotPath, TestBed } from './harness.ts';

const bed = new TestBed();

async function apiJson<T>(method: string, path: string): Promise<T> {
  const response = await bed.server.api(method, path);
  expect(response.ok, `${method} ${path} answered ${response.status}`).toBe(true);
  return (await response.json()) as T;
}

async function openRunsOf(page: Page, journeyName: string): Promise<void> {
  await openJourney(page, journeyName);
  await openTab(page, 'Runs');
  await page.getByRole('heading', { name: `Runs of “${journeyName}”` }).waitFor();
}

/** The run id the page shows in its address once a run is watched. */
/**
 * Starts a run from the form and returns its id, read from the address the page moves to. The Runs tab may already
 * show an earlier run (and have its address), so the wait is for an address that names another run.
 */
async function startRunFromForm(page: Page): Promise<string> {
  const before = page.url();
  await page.getByRole('button', { name: 'Start the run' }).click();
  await page.waitForURL((url) => /\/runs\/[^/]+$/.test(url.pathname) && url.href !== before);
  return decodeURIComponent(new URL(page.url()).pathname.split('/').pop()!);
}

describeWithBrowser('watching runs live', bed, { loadExamples: true }, () => {
  it('starts a simulated run and shows counts on the canvas that reach the final metrics', async () => {
    const page = await openEditor(bed.browser, bed.server);
    await openRunsOf(page, 'Missed payment reminder');
    const runId = await startRunFromForm(page);
    await page.locator('[data-connection="live"]').waitFor();

    // While it runs, counts move: some contacts have gone through the first step and the chart has a line.
    await page.waitForFunction(() => Number(document.querySelector('[data-live-step="start"]')?.getAttribute('data-entered')) > 0);
    await page.locator('.run-chart polyline').first().waitFor();
    await page.screenshot({ path: screenshotPath('run-live-moving') });

    await page.locator('[data-run-status="completed"]').first().waitFor({ timeout: 90_000 });
    const metrics = await apiJson<RunMetrics>('GET', `/runs/${runId}/metrics`);
    // The final delta can trail the status by one tick; wait until the totals agree, then compare everything.
    await page.waitForFunction((active) => document.querySelector('[data-total="active"]')?.textContent === String(active), metrics.active);
    await page.waitForFunction(
      (expected) =>
        Object.entries(expected).every(([id, entered]) => document.querySelector(`[data-live-step="${id}"]`)?.getAttribute('data-entered') === String(entered)),
      Object.fromEntries(Object.entries(metrics.steps).map(([id, s]) => [id, s.entered])),
    );
    await page.screenshot({ path: screenshotPath('run-live-finished') });

    expect(await page.locator('[data-total="audience"]').textContent()).toBe(metrics.audience.toLocaleString('en-US'));
    const finished = Object.values(metrics.outcomes).reduce((a, b) => a + b, 0);
    expect(finished).toBeGreaterThan(0);
    expect(await page.locator('[data-total="finished"]').textContent()).toBe(finished.toLocaleString('en-US'));
    const run = await apiJson<RunView>('GET', `/runs/${runId}`);
    for (const [id, step] of Object.entries(metrics.steps)) {
      const counts = page.locator(`[data-live-step="${id}"]`);
      expect(await counts.getAttribute('data-entered'), `contacts that reached ${id}`).toBe(String(step.entered));
      expect(await counts.getAttribute('data-waiting'), `contacts held at ${id}`).toBe(String(step.waiting));
      for (const [port, n] of Object.entries(step.ports)) {
        const edge = page.locator(`[data-edge="${id}:${port}"]`);
        const shown = (await edge.count()) ? await edge.textContent() : await page.locator(`[data-port-count="${id}:${port}"]`).getAttribute('data-count');
        expect(shown?.replace(/,/g, ''), `contacts that left ${id} by ${port}`).toBe(String(n));
      }
      for (const [outcome, n] of Object.entries(step.outcomes)) {
        expect(await page.locator(`[data-outcome="${id}:${outcome}"]`).getAttribute('data-count'), `${id} finished ${outcome}`).toBe(String(n));
      }
    }
    expect(run.status).toBe('completed');

    // The dialer steps show their gauges; the abandoned-call share is the one worked out from the step's exits.
    const dialer = page.locator('[data-dialer="collections-call"]');
    await expect(dialer.locator('[data-gauge="abandon"]').textContent()).resolves.toMatch(/^(\d+\.\d %|no answers yet) · limit \d+(\.\d+)? %/);
    // Its hint says what abandoned means by the rules, the detector's hang-ups on people included.
    const hint = await dialer.locator('div', { has: page.locator('[data-gauge="abandon"]') }).getAttribute('title');
    expect(hint).toContain('a person answered and did not reach an agent within 2 seconds');
    expect(hint).toContain('answering-machine detector took for a machine');
    expect(errorsOf(page)).toEqual([]);

    // A live run's gauge carries the detector's estimate (a simulated one knows who answered, so it has none to give):
    // the same page, its monitor's messages given the estimate a live dialer reports, shows it beside the rate.
    await page.routeWebSocket(/\/ws/, (ws) => {
      const server = ws.connectToServer();
      server.onMessage((message) => {
        const data = JSON.parse(String(message));
        const gauge = data.dialer?.['collections-call'];
        if (gauge?.abandon) gauge.abandon.detector = { basis: 'estimate', share: 0.05, estimatedPeople: 1.44 };
        ws.send(JSON.stringify(data));
      });
    });
    await page.reload();
    const estimate = page.locator('[data-dialer="collections-call"] [data-gauge="abandon-detector"]');
    await estimate.waitFor();
    expect(await estimate.textContent()).toBe('incl. about 1.4 people taken for answering machines (estimate)');
    const withEstimate = await page
      .locator('[data-dialer="collections-call"] div', { has: page.locator('[data-gauge="abandon-detector"]') })
      .getAttribute('title');
    expect(withEstimate).toContain('of whom about 1.4 by the detector’s estimate');
    await page.locator('[data-dialer="collections-call"]').screenshot({ path: screenshotPath('run-live-dialer-gauge') });
    await page.screenshot({ path: screenshotPath('run-live-dialer-estimate') });
    expect(errorsOf(page)).toEqual([]);
    await page.close();
  }, 180_000);

  it('pauses, resumes and stops a live run', async () => {
    const page = await openEditor(bed.browser, bed.server);
    await openRunsOf(page, 'Missed payment reminder');
    await page.getByText('Live: in real time').click();
    const runId = await startRunFromForm(page);
    await page.locator('[data-run-status="running"]').first().waitFor();
    await page.waitForFunction(() => Number(document.querySelector('[data-live-step="start"]')?.getAttribute('data-entered')) > 0);
    // The run's History names who started it, from the audit log.
    const history = page.getByRole('region', { name: 'History' });
    await history.locator('[data-audit="run.started"]', { hasText: 'admin started the run' }).waitFor();

    await page.getByRole('button', { name: 'Pause' }).click();
    await page.locator('.run-header [data-run-status="paused"]').waitFor();
    expect((await apiJson<RunView>('GET', `/runs/${runId}`)).status).toBe('paused');

    await page.getByRole('button', { name: 'Resume' }).click();
    await page.locator('.run-header [data-run-status="running"]').waitFor();
    expect((await apiJson<RunView>('GET', `/runs/${runId}`)).status).toBe('running');

    await page.getByRole('button', { name: 'Stop…' }).click();
    await page.screenshot({ path: screenshotPath('run-live-stop-confirm') });
    await page.getByRole('button', { name: 'Stop the run' }).click();
    await page.locator('.run-header [data-run-status="stopped"]').waitFor();
    const stopped = await apiJson<RunView>('GET', `/runs/${runId}`);
    expect(stopped.status).toBe('stopped');
    // Stopping takes every contact out: the header says none is left in the journey.
    await page.waitForFunction(() => document.querySelector('[data-total="active"]')?.textContent === '0');
    await history.locator('[data-audit="run.stopped"]').waitFor();
    expect((await history.locator('li').allTextContents()).map((line) => line.replace(/^.*? admin /, 'admin '))).toEqual([
      'admin started the run',
      'admin paused the run',
      'admin resumed the run',
      'admin stopped the run',
    ]);
    await page.screenshot({ path: screenshotPath('run-live-history') });
    expect(stopped.metrics.active).toBe(0);
    await expect(page.getByRole('button', { name: 'Pause' }).count()).resolves.toBe(0);
    expect(errorsOf(page)).toEqual([]);
    await page.close();
  }, 120_000);

  it('schedules a live run for later, which waits until then and can be called off', async () => {
    const page = await openEditor(bed.browser, bed.server);
    await openRunsOf(page, 'Missed payment reminder');
    const later = new Date(Date.now() + 26 * 3600_000);
    const local = new Date(later.getTime() - later.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
    await page.getByText('Live: in real time').click();
    await page.getByLabel('Start date and time').fill(local);
    const runId = await startRunFromForm(page);
    await page.locator('.run-header [data-run-status="scheduled"]').waitFor();
    const run = await apiJson<RunView>('GET', `/runs/${runId}`);
    expect(run.status).toBe('scheduled');
    expect(run.mode).toBe('live');
    expect(run.startAt).toBe(new Date(local).toISOString());
    // Nobody has been contacted: no step has been reached yet.
    expect(await page.locator('[data-live-step="start"]').getAttribute('data-entered')).toBe('0');
    await page.getByRole('button', { name: 'Stop…' }).click();
    await page.getByRole('button', { name: 'Stop the run' }).click();
    await page.locator('.run-header [data-run-status="stopped"]').waitFor();
    expect((await apiJson<RunView>('GET', `/runs/${runId}`)).status).toBe('stopped');
    expect(errorsOf(page)).toEqual([]);
    await page.close();
  }, 120_000);

  it('reconnects when the live connection drops, and the fresh snapshot replaces the figures', async () => {
    const run = (await (await bed.server.api('POST', '/runs', JSON.stringify({ journeyId: 'missed-payment', mode: 'simulated' }))).json()) as RunView;
    const page = await openEditor(bed.browser, bed.server);
    let connections = 0;
    // The first connection is cut by the network after its snapshot; the page must come back on its own.
    await page.routeWebSocket(/\/ws/, (ws) => {
      const upstream = ws.connectToServer();
      const nth = ++connections;
      upstream.onMessage((message) => {
        ws.send(message);
        if (nth === 1 && String(message).includes('"snapshot"')) ws.close({ code: 1006 });
      });
    });
    await page.goto(`${bed.server.url}/runs/${run.id}`);
    await page.locator('[data-run-status="completed"]').first().waitFor({ timeout: 90_000 });
    await page.locator('[data-connection="live"]').waitFor();
    expect(connections).toBeGreaterThanOrEqual(2);
    const metrics = await apiJson<RunMetrics>('GET', `/runs/${run.id}/metrics`);
    await page.waitForFunction(
      (n) => document.querySelector('[data-live-step="start"]')?.getAttribute('data-entered') === String(n),
      metrics.steps.start?.entered,
    );
    expect(await page.locator('[data-total="active"]').textContent()).toBe(String(metrics.active));
    expect(errorsOf(page)).toEqual([]);
    await page.close();
  }, 120_000);
});
