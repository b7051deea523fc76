// Editing an existing journey: undo and redo, the keyboard, copy and paste, tidy-up, templates, import errors, versions.
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { step } from './canvas-driver.ts';
import { describeWithBrowser, errorsOf, eventually, openEditor, root, screenshotPath, TestBed } from './harness.ts';

const examplePath = join(root, 'examples', 'missed-payment.journey.json');
const exampleText = readFileSync(examplePath, 'utf8');
const exampleIds = Object.keys((JSON.parse(exampleText) as { nodes: object }).nodes).sort();

async function importFile(page: Page, path: string): Promise<void> {
  await page.locator('[data-testid="import-input"]').setInputFiles(path);
}

async function exported(page: Page): Promise<string> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export file' }).click()]);
  return readFileSync((await download.path())!, 'utf8');
}

async function stepIds(page: Page): Promise<string[]> {
  return (await page.locator('.react-flow__node').evaluateAll((els) => els.map((e) => e.getAttribute('data-id') ?? ''))).sort();
}

const status = (page: Page) => page.locator('.status [role="status"]');

const bed = new TestBed();

describeWithBrowser('editing a journey in the editor', bed, {}, () => {
  it('undoes and redoes a deletion, and a file that is not canonical exports as journey fmt writes it', async () => {
    const page = await openEditor(bed.browser, bed.server);
    // The example reformatted on one line, keys shuffled: the export must still be the canonical file.
    const shuffled = join(tmpdir(), 'missed-payment-shuffled.journey.json');
    const doc = JSON.parse(exampleText) as Record<string, unknown>;
    writeFileSync(shuffled, JSON.stringify(Object.fromEntries(Object.entries(doc).reverse())));
    await importFile(page, shuffled);
    await eventually(() => status(page).textContent()).toMatch(/Imported “missed-payment-shuffled.journey.json”/);
    await eventually(() => stepIds(page)).toEqual(exampleIds);
    await eventually(() => exported(page)).toBe(exampleText);

    await step(page, 'texted').click();
    await page.keyboard.press('Delete');
    await eventually(() => stepIds(page)).toEqual(exampleIds.filter((id) => id !== 'texted'));
    // The connection into the deleted step went with it, and the checks noticed the open exit.
    await eventually(() => page.locator('.react-flow__edge[data-id="missed-call-text:sent"]').count()).toBe(0);
    await eventually(() => page.locator('.problem-list').textContent()).toMatch(/no next step for "Sent"/);

    await page.keyboard.press('Control+Z');
    await eventually(() => stepIds(page)).toEqual(exampleIds);
    await eventually(() => page.locator('.react-flow__edge[data-id="missed-call-text:sent"]').count()).toBe(1);
    await page.keyboard.press('Control+Shift+Z');
    await eventually(() => stepIds(page)).toEqual(exampleIds.filter((id) => id !== 'texted'));
    await page.getByRole('button', { name: 'Undo' }).click();
    await eventually(() => exported(page)).toBe(exampleText);
    expect(errorsOf(page)).toEqual([]);
  }, 120_000);

  it('adds steps from the keyboard, copies, pastes and duplicates them, tidies up, and undoes it all', async () => {
    const page = await openEditor(bed.browser, bed.server);
    // Tab to the palette's Start step and press Enter: the step is added and selected.
    const startItem = page.locator('.palette-item[data-kind="start"]');
    await startItem.focus();
    await page.keyboard.press('Enter');
    await eventually(() => stepIds(page)).toEqual(['start']);
    await eventually(() => page.locator('aside.inspector h2').textContent()).toBe('Start');
    // It lands in the middle of the view: its corner 110 by 40 pixels up and left of the centre, on the 20-pixel grid.
    const pane = (await page.locator('.react-flow__pane').boundingBox())!;
    const added = (await step(page, 'start').boundingBox())!;
    expect(Math.abs(added.x - (pane.x + pane.width / 2 - 110))).toBeLessThanOrEqual(20);
    expect(Math.abs(added.y - (pane.y + pane.height / 2 - 40))).toBeLessThanOrEqual(20);
    // React Flow's overview draws it too, at the size measured on the canvas.
    await eventually(() => page.locator('.react-flow__minimap-node').count()).toBe(1);
    await page.screenshot({ path: screenshotPath('keyboard-added-step') });
    await page.locator('.palette-item[data-kind="sms"]').focus();
    await page.keyboard.press('Enter');
    await page.keyboard.press('Enter');
    await eventually(() => stepIds(page)).toEqual(['sms', 'sms-2', 'start']);
    // Steps added from the keyboard do not pile up on each other.
    const boxes = await Promise.all(['sms', 'sms-2', 'start'].map(async (id) => (await step(page, id).boundingBox())!));
    for (const [i, a] of boxes.entries())
      for (const b of boxes.slice(i + 1)) expect(a.y + a.height <= b.y || b.y + b.height <= a.y || a.x + a.width <= b.x || b.x + b.width <= a.x).toBe(true);

    // The inspector works from the keyboard: type the message into the field that has the focus.
    await page.locator('aside.inspector').getByLabel('Message', { exact: true }).focus();
    await page.keyboard.type('Hello ');
    await page.locator('aside.inspector').getByLabel('Insert a detail').selectOption('contact.firstName');
    await eventually(() => page.locator('aside.inspector').getByLabel('Message', { exact: true }).inputValue()).toBe('Hello {{ contact.firstName }}');
    await eventually(() => page.locator('.preview-text').textContent()).toBe('Hello Renée');
    await eventually(() => page.locator('.sms-length').textContent()).toMatch(/^11 characters, 1 message/);
    await eventually(() => step(page, 'sms-2').locator('.step-summary').textContent()).toBe('SMS: Hello {{ contact.firstName }}');

    await step(page, 'sms-2').click();
    // Copy what is selected: wait until the click has selected the step, or a busy machine copies nothing.
    await eventually(() => step(page, 'sms-2').getAttribute('class')).toMatch(/\bselected\b/);
    await page.keyboard.press('Control+C');
    await page.keyboard.press('Control+V');
    await eventually(() => stepIds(page)).toEqual(['sms', 'sms-2', 'sms-3', 'start']);
    await eventually(() => step(page, 'sms-3').locator('.step-summary').textContent()).toBe('SMS: Hello {{ contact.firstName }}');
    await page.keyboard.press('Control+D');
    await eventually(() => stepIds(page)).toEqual(['sms', 'sms-2', 'sms-3', 'sms-4', 'start']);

    const untidy = await exportedPositions(page);
    await page.getByRole('button', { name: 'Tidy up' }).click();
    await eventually(() => exportedPositions(page)).not.toEqual(untidy);
    const positions = await exportedPositions(page);
    expect(new Set(Object.values(positions).map((p) => `${p.x},${p.y}`)).size).toBe(5);
    expect(Object.values(positions).every((p) => p.x % 20 === 0 && p.y % 20 === 0)).toBe(true);

    // Every change is in the one history: undo back to the empty canvas, then redo all of it.
    const undoButton = page.getByRole('button', { name: 'Undo' });
    const redoButton = page.getByRole('button', { name: 'Redo' });
    let undone = 0;
    for (; undone < 20 && !(await undoButton.isDisabled()); undone++) await page.keyboard.press('Control+Z');
    expect(undone).toBeGreaterThanOrEqual(7); // three additions, the message, paste, duplicate, tidy-up
    await eventually(() => stepIds(page)).toEqual([]);
    for (let i = 0; i < undone; i++) await page.keyboard.press('Control+Shift+Z');
    await eventually(() => redoButton.isDisabled()).toBe(true);
    await eventually(() => exportedPositions(page)).toEqual(positions);
    await page.screenshot({ path: screenshotPath('keyboard-and-clipboard') });
    expect(errorsOf(page)).toEqual([]);
  }, 120_000);

  it('says where a broken file is wrong, in plain words', async () => {
    const page = await openEditor(bed.browser, bed.server);
    const broken = join(tmpdir(), 'broken.journey.json');
    writeFileSync(broken, exampleText.replace('"schemaVersion": 1,', '"schemaVersion": 1'));
    await importFile(page, broken);
    await eventually(() => status(page).textContent()).toBe(
      '“broken.journey.json” could not be opened. The file is not valid JSON at line 4, column 3: expected a comma between entries',
    );
    await eventually(() => stepIds(page)).toEqual([]);
  }, 60_000);

  it('asks how contacts reach the contact centre when a journey texts, and takes the manager to the field', async () => {
    const page = await openEditor(bed.browser, bed.server);
    const withoutHelp = join(tmpdir(), 'no-help-contact.journey.json');
    const doc = JSON.parse(exampleText) as { settings: Record<string, string> };
    delete doc.settings.helpContact;
    writeFileSync(withoutHelp, JSON.stringify(doc));
    await importFile(page, withoutHelp);
    await eventually(() => stepIds(page)).toEqual(exampleIds);
    const warning = page.locator('.problem', { hasText: 'does not say how contacts reach you' });
    await eventually(() => warning.count()).toBe(1);
    await warning.click();
    await eventually(() => page.evaluate(() => document.activeElement?.getAttribute('id') ?? '')).toMatch(/helpContact/);
    await page.screenshot({ path: screenshotPath('help-contact-warning') });
    await page.keyboard.type('call 202-555-0143');
    await eventually(() => warning.count()).toBe(0);
    expect(errorsOf(page)).toEqual([]);
  }, 60_000);

  it('says as you type that a template reads a contact field that does not exist, on the step and in the problems', async () => {
    const page = await openEditor(bed.browser, bed.server);
    await importFile(page, examplePath);
    await eventually(() => stepIds(page)).toEqual(exampleIds);
    const badge = step(page, 'payment-text').locator('.step-badge');
    await eventually(() => badge.count()).toBe(0);
    await step(page, 'payment-text').click();
    const message = page.locator('aside.inspector').getByLabel('Message', { exact: true });
    await message.fill('Hi {{ contact.first_name }}, your payment is due.');
    const problem = page.locator('.problem', { hasText: 'contact.first_name' });
    await eventually(() => problem.count()).toBe(1);
    expect(await problem.textContent()).toMatch(/did you mean firstName/);
    await eventually(() => badge.getAttribute('aria-label')).toBe('1 error');
    await page.screenshot({ path: screenshotPath('template-field-typo') });
    // Fixed as the message says: the error goes as you type.
    await message.fill('Hi {{ contact.firstName }}, your payment is due.');
    await eventually(() => problem.count()).toBe(0);
    await eventually(() => badge.count()).toBe(0);
    expect(errorsOf(page)).toEqual([]);
  }, 60_000);

  it('publishes two versions and shows what changed between them on the canvas', async () => {
    const page = await openEditor(bed.browser, bed.server);
    await importFile(page, examplePath);
    await page.getByRole('button', { name: 'Publish…' }).click();
    await page.getByLabel('What changed').fill('First version');
    await page.getByRole('dialog').getByRole('button', { name: 'Publish' }).click();
    await page.getByText('Published version 1.').waitFor();

    // Change a text, remove a step, add one.
    await step(page, 'payment-text').click();
    await page
      .locator('aside.inspector')
      .getByLabel('Message', { exact: true })
      .fill('Hi {{ contact.firstName }}, please call us about your payment: {{ links.callback }}');
    await step(page, 'texted').click();
    await page.keyboard.press('Delete');
    await page.locator('.palette-item[data-kind="end"]').focus();
    await page.keyboard.press('Enter');
    await page.locator('aside.inspector').getByLabel('Outcome', { exact: true }).fill('texted');
    await step(page, 'missed-call-text').click();
    await page.locator('aside.inspector').getByLabel('Sent', { exact: true }).selectOption('end');
    await page.getByRole('button', { name: 'Publish…' }).click();
    await page.getByLabel('What changed').fill('Shorter first text; one end step for texted contacts');
    await page.getByRole('dialog').getByRole('button', { name: 'Publish' }).click();
    await page.getByText('Published version 2.').waitFor();

    await page.getByRole('button', { name: 'History…' }).click();
    const dialog = page.getByRole('dialog');
    await eventually(() => dialog.locator('tbody tr').allTextContents()).toEqual([
      expect.stringMatching(/^2Shorter first text; one end step for texted contactsadmin/),
      expect.stringMatching(/^1First versionadmin/),
    ]);
    await dialog.getByLabel('Compare').selectOption('1');
    await dialog.getByLabel('with').selectOption('2');
    await dialog.getByRole('button', { name: 'Show differences' }).click();

    await eventually(() => step(page, 'end').locator('.step').getAttribute('class')).toMatch(/diff-added/);
    await eventually(() => step(page, 'texted').locator('.step').getAttribute('class')).toMatch(/diff-removed/);
    await eventually(() => step(page, 'payment-text').locator('.step').getAttribute('class')).toMatch(/diff-changed/);
    await eventually(() => step(page, 'missed-call-text').locator('.step').getAttribute('class')).toMatch(/diff-rewired/);
    await eventually(() => step(page, 'start').locator('.step').getAttribute('class')).not.toMatch(/diff-/);
    const panel = page.locator('aside.diff-panel');
    await eventually(() => panel.textContent()).toContain('Message: Hi {{ contact.firstName }}, we have not received');
    // The long message shows its changed words in place: what went, then what came.
    await eventually(() => panel.locator('.word-diff del').allTextContents()).toContain('we have not received');
    await eventually(() => panel.locator('.word-diff ins').allTextContents()).toContain('please call us about');
    await eventually(() => panel.locator('section', { hasText: 'Removed' }).textContent()).toContain('Not reached by phone, texted');
    await page.screenshot({ path: screenshotPath('version-diff') });
    // The comparison is read-only; going back to editing shows the draft again.
    await panel.getByRole('button', { name: 'Back to editing' }).click();
    await eventually(() => page.locator('.step.diff-removed').count()).toBe(0);
    await eventually(() => page.locator('aside.inspector h2').textContent()).toBe('Journey settings');
    expect(errorsOf(page)).toEqual([]);
  }, 120_000);
});

async function exportedPositions(page: Page): Promise<Record<string, { x: number; y: number }>> {
  const text = await exported(page);
  const nodes = (JSON.parse(text) as { nodes: Record<string, { position: { x: number; y: number } }> }).nodes;
  return Object.fromEntries(Object.entries(nodes).map(([id, n]) => [id, n.position]));
}
