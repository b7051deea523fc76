// Every page a manager or an agent uses, checked by axe-core against WCAG 2.1 A and AA: contrast, names, labels, roles.
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { describeWithBrowser, errorsOf, openEditor, openJourney, openTab, signInUrl, TestBed } from './harness.ts';

const axeSource = createRequire(import.meta.url)('axe-core').source as string;

const bed = new TestBed();

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; failureSummary: string }[];
}

/** What axe finds wrong on the page as it stands, one line per rule and element, to read in a failed assertion. */
async function violations(page: Page): Promise<string[]> {
  // Evaluated from the test's side: a <script> added to the page would be refused by the app's Content-Security-Policy.
  await page.evaluate(axeSource);
  const found = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: unknown, options: unknown): Promise<{ violations: Violation[] }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }, resultTypes: ['violations'] });
    return result.violations;
  });
  return found.flatMap((v) => v.nodes.map((n) => `${v.id} (${v.impact}): ${v.help} at ${n.target.join(' ')}; ${n.failureSummary.replace(/\s+/g, ' ')}`));
}

describeWithBrowser('accessibility', bed, { loadExamples: true }, () => {
  it('the design page, empty and with a journey open and a step selected in the inspector', async () => {
    const page = await openEditor(bed.browser, bed.server);
    expect(await violations(page)).toEqual([]);
    await openJourney(page, 'Missed payment reminder');
    await page.locator('.react-flow__node').first().click();
    await page.locator('.inspector input, .inspector select, .inspector textarea').first().waitFor();
    expect(await violations(page)).toEqual([]);
    expect(errorsOf(page)).toEqual([]);
    await page.close();
  }, 120_000);

  it('the runs page: the start form, and a finished run on the canvas', async () => {
    const page = await openEditor(bed.browser, bed.server);
    await openJourney(page, 'Appointment reminder');
    await openTab(page, 'Runs');
    await page.getByRole('button', { name: 'Start the run' }).waitFor();
    expect(await violations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Start the run' }).click();
    await page.locator('.run-header [data-run-status="completed"]').waitFor({ timeout: 60_000 });
    expect(await violations(page)).toEqual([]);
    expect(errorsOf(page)).toEqual([]);
    await page.close();
  }, 120_000);

  it('the do-not-contact page', async () => {
    const page = await openEditor(bed.browser, bed.server);
    await openTab(page, 'Do not contact');
    await page.getByRole('heading', { name: 'Do not contact', level: 1 }).waitFor();
    expect(await violations(page)).toEqual([]);
    await page.close();
  }, 60_000);

  it('the agent page, signed out and signed in', async () => {
    const page = await bed.browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(`${bed.server.url}/agent`);
    await page.locator('main').waitFor();
    expect(await violations(page)).toEqual([]);
    const made = (await (await bed.server.api('POST', '/tokens', JSON.stringify({ name: 'Dana Agent', role: 'agent' }))).json()) as { id: string };
    await page.goto(await signInUrl(bed.server, { tokenId: made.id }));
    await page.getByText('Dana Agent').first().waitFor();
    expect(await violations(page)).toEqual([]);
    await page.close();
  }, 60_000);
});
