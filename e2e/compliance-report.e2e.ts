// A compliance officer opens a finished run's compliance report on the Runs page and saves its CSV.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import type { ComplianceReport } from '../runtime/compliance/report.ts';
import type { RunView } from '../server/api-types.ts';
import { describeWithBrowser, errorsOf, eventually, openEditor, screenshotPath, TestBed } from './harness.ts';

const bed = new TestBed();
const axeSource = createRequire(import.meta.url)('axe-core').source as string;

/** What axe-core finds against WCAG 2.1 A and AA on the page as it stands, one line per rule and element. */
async function violations(page: Page): Promise<string[]> {
  // Evaluated from the test's side: a <script> added to the page would be refused by the app's Content-Security-Policy.
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    type Found = { id: string; help: string; nodes: { target: string[] }[] };
    const axe = (window as unknown as { axe: { run(context: unknown, options: unknown): Promise<{ violations: Found[] }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }, resultTypes: ['violations'] });
    return result.violations.flatMap((v) => v.nodes.map((n) => `${v.id}: ${v.help} at ${n.target.join(' ')}`));
  });
}

/** Everything but the moment the report was made, which differs between two requests. */
const withoutMadeAt = (csv: string) => csv.split('\r\n').filter((line) => !line.startsWith('Report made,'));

describeWithBrowser('the compliance report of a run', bed, { loadExamples: true }, () => {
  it('shows the figures the API gives and downloads the same CSV', async () => {
    const started = await bed.server.api('POST', '/runs', JSON.stringify({ journeyId: 'us-telemarketing', mode: 'simulated', seed: 5 }));
    expect(started.status).toBe(201);
    const runId = ((await started.json()) as RunView).id;
    await eventually(async () => ((await (await bed.server.api('GET', `/runs/${runId}`)).json()) as RunView).status).toBe('completed');
    const report = (await (await bed.server.api('GET', `/runs/${runId}/compliance-report`)).json()) as ComplianceReport;
    expect(report.summary.callsPlaced).toBeGreaterThan(0);

    const page = await openEditor(bed.browser, bed.server);
    await page.goto(`${bed.server.url}/runs/${encodeURIComponent(runId)}`);
    await page.getByRole('button', { name: 'Compliance report' }).click();
    const figure = (name: string) => page.locator(`[data-figure="${name}"]`).textContent();
    await eventually(() => figure('placed')).toBe(report.summary.callsPlaced.toLocaleString('en-US'));
    expect(await figure('live')).toBe(report.summary.liveAnswers.toLocaleString('en-US'));
    expect(await figure('abandoned')).toBe(report.summary.abandoned.total.toLocaleString('en-US'));
    expect(await figure('rate')).toBe(`${(report.summary.abandonmentRate * 100).toFixed(2)} %`);
    expect(await figure('short-rings')).toBe('0');
    expect(await page.locator('[data-period]').count()).toBe(report.periods.length);
    expect(await page.locator('[data-abandoned]').count()).toBe(Math.min(200, report.abandonedCalls.length));
    await page.screenshot({ path: screenshotPath('compliance-report'), fullPage: true });
    expect(await violations(page)).toEqual([]);

    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Download CSV' }).click();
    const file = await download;
    expect(file.suggestedFilename()).toBe(`run-${runId}-compliance-report.csv`);
    const saved = readFileSync((await file.path())!, 'utf8');
    const served = await (await bed.server.api('GET', `/runs/${runId}/compliance-report?format=csv`)).text();
    expect(withoutMadeAt(saved)).toEqual(withoutMadeAt(served));

    // Back to the journey: the canvas returns.
    await page.getByRole('button', { name: 'Journey' }).click();
    await page.locator('.react-flow').first().waitFor();
    expect(errorsOf(page)).toEqual([]);
    await page.close();
  }, 180_000);
});
