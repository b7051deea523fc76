// Importing an Amazon Pinpoint journey in the editor: the conversion report is read before the journey opens, and the
// journey opens laid out, with its templates as placeholders the report lists; a broken one is refused plainly.
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { describeWithBrowser, errorsOf, eventually, openEditor, root, screenshotPath, TestBed } from './harness.ts';

const fixture = join(root, 'schemas', 'convert', 'pinpoint', 'fixtures', 'multi-event', 'journey.json');
const status = (page: Page) => page.locator('.status [role="status"]');
const stepIds = async (page: Page) => (await page.locator('.react-flow__node').evaluateAll((els) => els.map((e) => e.getAttribute('data-id') ?? ''))).sort();

const bed = new TestBed();

describeWithBrowser('importing a Pinpoint journey in the editor', bed, {}, () => {
  it('shows the conversion report, then opens the journey laid out', async () => {
    const page = await openEditor(bed.browser, bed.server);
    await page.locator('[data-testid="import-input"]').setInputFiles(fixture);

    const dialog = page.getByRole('dialog', { name: 'Convert the Pinpoint journey “AU_Newsletter”' });
    await dialog.waitFor();
    const report = dialog.getByTestId('pinpoint-report');
    await eventually(() => report.textContent()).toContain('6 activities became 16 steps of the journey “au-newsletter”');
    await expect(report.textContent()).resolves.toContain('Rules: AU: the origination number +61491570110');
    // Only the journey's file was chosen: each template it sends needs a person, by name.
    const needs = await dialog.locator('.needs-person li').allTextContents();
    expect(needs).toContain('The template "Newsletter" of activity "Viv6yKziaa" was not given: its step has a placeholder text to replace');
    expect(needs.some((n) => n.includes('Export segment auReaders'))).toBe(true);
    await expect(
      dialog.getByRole('row', { name: /MFCy1nrnMJ \(How did they react\?\) MultiCondition Converted: mfcy1nrn-mj, mfcy1nrn-mj-2/ }).count(),
    ).resolves.toBe(1);
    await expect(dialog.getByRole('row', { name: /State ACTIVE Not carried over/ }).count()).resolves.toBe(1);
    // Nothing opens until the report is read and the person chooses to.
    expect(await stepIds(page)).toEqual([]);
    for (const [width, height] of [
      [1440, 900],
      [1024, 700],
    ] as const) {
      await page.setViewportSize({ width, height });
      await page.screenshot({ path: screenshotPath(`pinpoint-report-${width}`) });
    }

    // The canvas fits the journey to the window it opens in.
    await page.setViewportSize({ width: 1440, height: 900 });
    await dialog.getByRole('button', { name: 'Open the journey' }).click();
    await eventually(() => status(page).textContent()).toMatch(/Converted the Pinpoint journey “AU_Newsletter” from “journey.json”; \d+ things need a person/);
    await eventually(() => stepIds(page)).toContain('viv6y-kziaa-gate');
    expect((await stepIds(page)).length).toBe(16);
    await expect(page.locator('.problem-list').textContent()).resolves.not.toMatch(/error/i);
    await page.screenshot({ path: screenshotPath('pinpoint-opened') });
    expect(errorsOf(page)).toEqual([]);
  }, 120_000);

  it('refuses a Pinpoint journey with a broken link and names the activity', async () => {
    const page = await openEditor(bed.browser, bed.server);
    const broken = join(tmpdir(), 'pinpoint-broken.json');
    writeFileSync(
      broken,
      JSON.stringify({
        JourneyResponse: { Name: 'Broken', StartActivity: 'a', Activities: { a: { Wait: { NextActivity: 'ghost', WaitTime: { WaitFor: 'P1D' } } } } },
      }),
    );
    await page.locator('[data-testid="import-input"]').setInputFiles(broken);
    await eventually(() => status(page).textContent()).toContain(
      '“pinpoint-broken.json” is a Pinpoint journey that could not be converted: /JourneyResponse/Activities/a/Wait/NextActivity: Activity "a" leads to "ghost"',
    );
    expect(await page.getByRole('dialog').count()).toBe(0);
    expect(errorsOf(page)).toEqual([]);
  }, 60_000);
});
