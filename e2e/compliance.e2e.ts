// A manager keeps the do-not-contact list on its own tab, and tries a number against a compliance gate before a run.
import { expect, it } from 'vitest';
import type { DoNotContactView } from '../server/api-types.ts';
import { step } from './canvas-driver.ts';
import { describeWithBrowser, errorsOf, eventually, openEditor, openTab, screenshotPath, signInUrl, TestBed } from './harness.ts';

const bed = new TestBed();

async function listed(channel: string): Promise<string[]> {
  const response = await bed.server.api('GET', `/do-not-contact?channel=${channel}`);
  expect(response.status).toBe(200);
  return ((await response.json()) as { entries: DoNotContactView[] }).entries.map((e) => e.value);
}

describeWithBrowser('compliance in the editor', bed, { loadExamples: true }, () => {
  it('adds a number to the do-not-contact list and takes it off again, with a confirmation', async () => {
    const page = await openEditor(bed.browser, bed.server);
    await openTab(page, 'Do not contact');
    await page.waitForURL(/\/do-not-contact$/);
    await page.getByRole('heading', { name: 'Do not contact', level: 1 }).waitFor();
    await page.getByText('Nobody is on this list.').waitFor();

    // A number not in international form: the server's reason is shown as it is, and nothing is stored.
    await page.getByLabel('Phone number').fill('555 0100');
    await page.getByRole('button', { name: 'Add to the list' }).click();
    await page.getByRole('alert').filter({ hasText: 'is not a phone number in international form' }).waitFor();
    await page.screenshot({ path: screenshotPath('dnc-refused') });
    expect(await listed('voice')).toEqual([]);

    await page.getByLabel('Phone number').fill('+12125550123');
    await page.getByLabel('Reason (optional)').fill('Asked on the phone not to be called again');
    await page.keyboard.press('Enter');
    const row = page.locator('[data-dnc-entry="+12125550123"]');
    await row.waitFor();
    await eventually(() => row.textContent()).toContain('Asked on the phone not to be called again');
    expect(await listed('voice')).toEqual(['+12125550123']);
    expect(await listed('sms')).toEqual([]);
    await page.screenshot({ path: screenshotPath('dnc-added') });

    // Removing asks first; keeping it changes nothing.
    await row.getByRole('button', { name: 'Remove +12125550123' }).click();
    await row.getByRole('button', { name: 'Keep' }).click();
    expect(await listed('voice')).toEqual(['+12125550123']);
    await row.getByRole('button', { name: 'Remove +12125550123' }).click();
    await page.screenshot({ path: screenshotPath('dnc-confirm') });
    // The confirmation takes the focus, so Enter answers it.
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe('Yes, remove');
    await page.keyboard.press('Enter');
    await row.waitFor({ state: 'detached' });
    await page.getByText('+12125550123 was taken off the phone calls list.').waitFor();
    // The removed row took its buttons with it; the keyboard continues from the list's title.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('dnc-list-title');
    expect(await listed('voice')).toEqual([]);
    // Taken off, not forgotten: the list's history keeps both changes, by whom and why.
    await page.getByText('Changes to this list').click();
    await page.locator('[data-dnc-change="removed"]').filter({ hasText: '+12125550123' }).waitFor();
    const history = await page.locator('[data-dnc-change]').allTextContents();
    expect(history[0]).toMatch(/Taken off \+12125550123 \(Operator: ([^)]+)\): Removed by \1$/);
    expect(history[1]).toMatch(/Added \+12125550123 \(Operator: [^)]+\): Asked on the phone not to be called again$/);
    await page.screenshot({ path: screenshotPath('dnc-history') });
    expect(errorsOf(page)).toEqual([]);
    await page.close();
  });

  it('shows a viewer the list but says that changing it needs the operator role', async () => {
    await bed.server.api('POST', '/do-not-contact', JSON.stringify({ channel: 'email', value: 'Someone@Example.com', reason: 'Unsubscribed by phone' }));
    const made = await bed.server.api('POST', '/tokens', JSON.stringify({ name: 'Vera Viewer', role: 'viewer' }));
    expect(made.status).toBe(201);
    const { id } = (await made.json()) as { id: string };
    const page = await bed.browser.newPage({ viewport: { width: 1600, height: 900 } });
    await page.goto(await signInUrl(bed.server, { tokenId: id, page: '/do-not-contact' }));
    await page.getByText('Signed in as Vera Viewer').waitFor();
    await page.getByRole('button', { name: 'Email' }).click();
    const row = page.locator('[data-dnc-entry="someone@example.com"]');
    await row.waitFor();
    expect(await row.textContent()).toContain('Removing needs the operator role');
    await page.getByText('Adding and removing entries needs the operator role').waitFor();
    expect(await page.getByRole('button', { name: 'Add to the list' }).isDisabled()).toBe(true);
    await page.screenshot({ path: screenshotPath('dnc-viewer') });
    await page.close();
  });

  it('tries a New York number against a gate: not at 22:00 its time, with the next allowed moment, but at 10:00', async () => {
    const page = await openEditor(bed.browser, bed.server);
    await page.getByRole('button', { name: 'Open…' }).click();
    await page.getByRole('button', { name: /Missed payment reminder/ }).click();
    await page.locator('.journey-name', { hasText: 'Missed payment reminder' }).waitFor();
    await step(page, 'call-gate').click();
    const box = page.getByRole('region', { name: 'Try a contact' });
    await box.waitFor();

    await box.getByLabel('Phone number').fill('+12125550100');
    await box.getByLabel('When, in the contact’s time').fill('2026-03-10T22:00');
    await box.getByRole('button', { name: 'Check' }).click();
    const answer = box.locator('.gate-answer');
    await eventually(() => answer.getAttribute('data-allowed')).toBe('false');
    const refused = (await answer.textContent()) ?? '';
    expect(refused).toContain('Not allowed');
    expect(refused).toContain('Outside calling hours (08:00-21:00) in America/New_York');
    expect(refused).toContain('Tuesday 10 March 2026, 22:00');
    expect(await answer.locator('[data-next-allowed]').getAttribute('data-next-allowed')).toBe('2026-03-11T12:00:00.000Z');
    expect(refused).toContain('Next allowed: Wednesday 11 March 2026, 08:00 (EDT)');
    expect(refused).toContain('Time zone used: America/New_York, from the phone number’s prefix');
    await box.scrollIntoViewIfNeeded();
    await page.screenshot({ path: screenshotPath('gate-preview-refused') });

    await box.getByLabel('When, in the contact’s time').fill('2026-03-10T10:00');
    await box.getByLabel('When, in the contact’s time').press('Enter');
    await eventually(() => answer.getAttribute('data-allowed')).toBe('true');
    const allowed = (await answer.textContent()) ?? '';
    expect(allowed).toContain('Allowed');
    expect(allowed).toContain('Tuesday 10 March 2026, 10:00');
    expect(allowed).not.toContain('Next allowed');
    await page.screenshot({ path: screenshotPath('gate-preview-allowed') });
    expect(errorsOf(page)).toEqual([]);
    await page.close();
  });
});
