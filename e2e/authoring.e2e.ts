// A manager's ordinary work, as they would do it: the first screen, a journey at its own address, edits that save
// themselves, a question before unsaved work is left, and restoring a version from History.
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { step } from './canvas-driver.ts';
import { describeWithBrowser, errorsOf, eventually, openEditor, openTab, root, screenshotPath, TestBed } from './harness.ts';

const bed = new TestBed();
const saveState = (page: Page) => page.locator('.status .status-right');
const notice = (page: Page) => page.locator('.status [role="status"]');
const message = (page: Page) => page.locator('aside.inspector').getByLabel('Message', { exact: true });

interface Draft {
  journey: { nodes: Record<string, { config: Record<string, unknown> }> };
  etag: string;
}

async function draft(id: string): Promise<Draft> {
  return (await (await bed.server.api('GET', `/journeys/${id}`)).json()) as Draft;
}

/** Opens a journey from the welcome list, by a click on its name. */
async function openFromWelcome(page: Page, name: string): Promise<void> {
  await page
    .getByRole('region', { name: 'Your journeys' })
    .getByRole('link', { name: new RegExp(name) })
    .click();
  await page.locator('.journey-name', { hasText: name }).waitFor();
}

/** Types at the end of the step's message, as a person does: a click in the field, Ctrl+End, then the keys. */
async function typeAtEndOfMessage(page: Page, stepId: string, text: string): Promise<void> {
  await step(page, stepId).click();
  await message(page).click();
  await page.keyboard.press('Control+End');
  await page.keyboard.type(text);
}

describeWithBrowser('authoring as a manager', bed, { loadExamples: true }, () => {
  it('opens on the journeys there are, not on an error; a journey opened has an address that a reload brings back', async () => {
    const page = await openEditor(bed.browser, bed.server);
    const welcome = page.getByRole('region', { name: 'Your journeys' });
    await eventually(() => welcome.getByRole('link').allTextContents()).toEqual([
      expect.stringMatching(/^Appointment reminder/),
      expect.stringMatching(/^Missed payment reminder/),
      expect.stringMatching(/^Subscription renewal/),
      expect.stringMatching(/^US telemarketing/),
    ]);
    // Nothing on the first screen reads as a failure: no problem listed, no error, no claim that anything was saved.
    expect(await page.locator('.problems').textContent()).toBe(
      'Problems: nothing to check yet.Add a Start step to begin: drag it from the left onto the canvas, or select it there and press Enter.',
    );
    expect(await page.locator('.problem-error').count()).toBe(0);
    expect(await page.locator('.status-error').count()).toBe(0);
    expect(await saveState(page).textContent()).toBe('Nothing to save yet');
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.screenshot({ path: screenshotPath('first-screen-1440x900') });
    await page.setViewportSize({ width: 1024, height: 700 });
    await page.screenshot({ path: screenshotPath('first-screen-1024x700') });
    await page.setViewportSize({ width: 1440, height: 900 });

    await openFromWelcome(page, 'Missed payment reminder');
    await eventually(() => new URL(page.url()).pathname).toBe('/journeys/missed-payment');
    await eventually(() => notice(page).textContent()).toMatch(/^Opened “Missed payment reminder”/);
    await page.reload();
    await page.locator('.journey-name', { hasText: 'Missed payment reminder' }).waitFor();
    await eventually(() => step(page, 'payment-text').count()).toBe(1);
    await eventually(() => saveState(page).textContent()).toMatch(/^All changes saved/);

    // "Draw a new journey" leaves the list for an empty canvas at the editor's own address.
    await page.getByRole('button', { name: 'New' }).click();
    await page.getByRole('button', { name: 'Draw a new journey' }).click();
    await eventually(() => new URL(page.url()).pathname).toBe('/');
    await eventually(() => notice(page).textContent()).toMatch(/drag a Start step/);
    await page.locator('.palette-item[data-kind="start"]').focus();
    await page.keyboard.press('Enter');
    // The old message was about the empty journey; it goes once the journey changes.
    await eventually(() => notice(page).textContent()).toBe('');
    await eventually(() => saveState(page).textContent()).toMatch(/^Not saved yet/);
    expect(errorsOf(page)).toEqual([]);
  }, 120_000);

  it('saves an edit on its own, says so only once it is saved, and asks before unsaved work is left', async () => {
    const page = await openEditor(bed.browser, bed.server);
    await openFromWelcome(page, 'Appointment reminder');
    await page.getByRole('button', { name: 'Open…' }).click();
    await page
      .getByRole('dialog')
      .getByRole('button', { name: /Missed payment reminder/ })
      .click();
    await eventually(() => new URL(page.url()).pathname).toBe('/journeys/missed-payment');

    const before = String((await draft('missed-payment')).journey.nodes['payment-text']!.config.body);
    await typeAtEndOfMessage(page, 'payment-text', ' Thank you.');
    await eventually(() => saveState(page).textContent()).toMatch(/^(Unsaved changes|Saving…)/);
    await eventually(() => saveState(page).textContent()).toMatch(/^All changes saved/);
    await eventually(async () => (await draft('missed-payment')).journey.nodes['payment-text']!.config.body).toBe(`${before} Thank you.`);
    await page.reload();
    await step(page, 'payment-text').click();
    await eventually(() => message(page).inputValue()).toBe(`${before} Thank you.`);

    // An empty message is an error: the server keeps no draft with errors, so the footer says what stops the save.
    await message(page).click();
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Delete');
    await eventually(() => saveState(page).textContent()).toMatch(/^Unsaved changes: fix 1 error to save/);

    // Back to the journey opened before: the editor asks first, and staying keeps the work and the address.
    const asked: string[] = [];
    page.once('dialog', (dialog) => {
      asked.push(`${dialog.type()}: ${dialog.message()}`);
      void dialog.dismiss();
    });
    await page.goBack();
    await eventually(() => asked).toEqual(['confirm: “Missed payment reminder” has changes that are not saved. Leave it and drop them?']);
    await eventually(() => new URL(page.url()).pathname).toBe('/journeys/missed-payment');
    expect(await page.locator('.journey-name').textContent()).toBe('Missed payment reminder');
    expect(await message(page).inputValue()).toBe('');

    // Reloading the page asks too; staying keeps the work.
    const leaving = page.waitForEvent('dialog');
    const reload = page.reload({ timeout: 5_000 }).catch(() => 'stayed');
    const dialog = await leaving;
    expect(dialog.type()).toBe('beforeunload');
    await dialog.dismiss();
    expect(await reload).toBe('stayed');
    expect(await message(page).inputValue()).toBe('');
    expect(errorsOf(page)).toEqual([]);
    await page.close();
  }, 120_000);

  it('refuses a save made on its own over a draft someone else saved since, and asks whose to keep', async () => {
    const alex = await openEditor(bed.browser, bed.server);
    const sam = await openEditor(bed.browser, bed.server);
    await openFromWelcome(alex, 'Subscription renewal');
    await openFromWelcome(sam, 'Subscription renewal');
    const smsStep = Object.entries((await draft('subscription-renewal')).journey.nodes).find(([, n]) => typeof n.config.body === 'string')![0];

    await typeAtEndOfMessage(alex, smsStep, ' (Alex)');
    await eventually(() => saveState(alex).textContent()).toMatch(/^All changes saved/);
    await typeAtEndOfMessage(sam, smsStep, ' (Sam)');
    const conflict = sam.getByRole('dialog', { name: 'Someone else saved this journey' });
    await conflict.waitFor();
    await eventually(() => saveState(sam).textContent()).toMatch(/^Not saved: someone else saved first/);
    expect(String((await draft('subscription-renewal')).journey.nodes[smsStep]!.config.body)).toMatch(/ \(Alex\)$/);
    expect(errorsOf(alex)).toEqual([]);
    expect(errorsOf(sam)).toEqual([]);
  }, 120_000);

  it('shows a version from History as a manager reads it, and restores it as the draft', async () => {
    // Version 2 waits 48 hours for the click where version 1 waited two days.
    const id = 'missed-payment';
    const current = await draft(id);
    const doc = ((await (await bed.server.api('GET', `/journeys/${id}/versions/1`)).json()) as { journey: Record<string, any> }).journey;
    doc.nodes['wait-for-click'].config.timeout = 'PT48H';
    const saved = await bed.server.api('PUT', `/journeys/${id}`, JSON.stringify(doc));
    expect(saved.status, await saved.text()).toBe(200);
    expect((await bed.server.api('POST', `/journeys/${id}/versions`, JSON.stringify({ message: 'Wait 48 hours for the click' }))).status).toBe(201);
    expect(current.etag).not.toBe((await draft(id)).etag);

    const page = await openEditor(bed.browser, bed.server);
    await openFromWelcome(page, 'Missed payment reminder');
    await page.getByRole('button', { name: 'History…' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'View version 1 and restore it' }).click();
    const panel = page.locator('aside.diff-panel');
    await eventually(() => panel.locator('h2').textContent()).toBe('Version 1');
    await eventually(() => panel.textContent()).toContain('48 hours → 2 days');
    expect(await panel.textContent()).not.toContain('PT48H');
    await eventually(() => new URL(page.url()).pathname).toBe(`/journeys/${id}/versions/1`);
    await page.reload();
    await eventually(() => page.locator('aside.diff-panel h2').textContent()).toBe('Version 1');
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.screenshot({ path: screenshotPath('restore-version-1440x900') });
    await page.setViewportSize({ width: 1024, height: 700 });
    await page.screenshot({ path: screenshotPath('restore-version-1024x700') });
    await page.setViewportSize({ width: 1440, height: 900 });

    await page.getByRole('button', { name: 'Restore version 1 as the draft' }).click();
    await eventually(() => notice(page).textContent()).toMatch(/^Restored version 1 as the draft/);
    await eventually(() => new URL(page.url()).pathname).toBe(`/journeys/${id}`);
    await eventually(async () => (await draft(id)).journey.nodes['wait-for-click']!.config.timeout).toBe('P2D');
    await eventually(() => saveState(page).textContent()).toMatch(/^All changes saved · Published version 2/);
    expect(errorsOf(page)).toEqual([]);
  }, 120_000);

  it('says when an imported file would replace a journey the server already has', async () => {
    const page = await openEditor(bed.browser, bed.server);
    const file = join(tmpdir(), 'my-copy.journey.json');
    writeFileSync(file, readFileSync(join(root, 'examples', 'missed-payment.journey.json'), 'utf8'));
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.getByRole('button', { name: 'Import file…' }).click()]);
    await chooser.setFiles(file);
    await eventually(() => notice(page).textContent()).toBe(
      'Imported “my-copy.journey.json”. The server already has a journey with the id “missed-payment”: “Missed payment reminder”. ' +
        "Saving this file replaces that journey's draft; to keep both, change the Journey id first.",
    );
    expect(errorsOf(page)).toEqual([]);
  }, 60_000);

  it('starts a run of any journey from the Runs page, and a finished run shows no agent at work', async () => {
    const page = await openEditor(bed.browser, bed.server);
    await openTab(page, 'Runs');
    await page.getByRole('combobox', { name: 'Journey', exact: true }).selectOption({ label: 'Appointment reminder' });
    await page.getByRole('heading', { name: 'Runs of “Appointment reminder”' }).waitFor();
    await page.getByRole('combobox', { name: 'Journey', exact: true }).selectOption({ label: 'Missed payment reminder' });
    await page.getByRole('heading', { name: 'Runs of “Missed payment reminder”' }).waitFor();
    await page.getByRole('button', { name: 'Start the run' }).click();
    await eventually(() => new URL(page.url()).pathname).toMatch(/^\/runs\/./);
    await page.locator('.run-status', { hasText: 'Finished' }).first().waitFor({ timeout: 120_000 });
    await eventually(() => page.locator('[data-dialer="collections-call"] [data-gauge="agents"]').textContent()).toBe('none working: the run is over');
    expect(errorsOf(page)).toEqual([]);
  }, 180_000);

  it('offers an agent the queues there are, so that none has to be typed', async () => {
    const made = (await (await bed.server.api('POST', '/tokens', JSON.stringify({ name: 'Robin Agent', role: 'agent' }))).json()) as { token: string };
    const page = await bed.browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(`${bed.server.url}/agent`);
    await page.getByLabel('Agent sign-in link or token').fill(made.token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const picker = page.getByRole('group', { name: 'Take calls from these queues' });
    await eventually(() => picker.getByRole('checkbox').count()).toBe(3);
    await picker.getByRole('checkbox', { name: 'collections' }).check();
    await page.getByRole('button', { name: 'Go available' }).click();
    await page.locator('[data-agent-state="available"]').waitFor();
    await eventually(() => page.locator('.agent-panel').textContent()).toContain('Calls come from “collections”');
    await page.close();
  }, 60_000);
});
