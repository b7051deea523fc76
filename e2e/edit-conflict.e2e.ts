// Two people editing one journey: the second save is refused and shows whose change it would undo, then each choice
// does what it says.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { step } from './canvas-driver.ts';
import { describeWithBrowser, eventually, openJourney, root, signInUrl, TestBed, type TestServer } from './harness.ts';

const example = readFileSync(join(root, 'examples', 'missed-payment.journey.json'), 'utf8');
const journeyName = 'Missed payment reminder';
const status = (page: Page) => page.locator('.status [role="status"]');
const message = (page: Page) => page.locator('aside.inspector').getByLabel('Message', { exact: true });
const conflict = (page: Page) => page.getByRole('dialog', { name: 'Someone else saved this journey' });

/** The editor signed in with a token of its own, so that the other page can name who saved. */
async function openAs(browser: Browser, server: TestServer, name: string): Promise<{ page: Page; errors: string[] }> {
  const made = await server.api('POST', '/tokens', JSON.stringify({ name, role: 'editor' }));
  if (made.status !== 201) throw new Error(`No token for ${name}: ${made.status} ${await made.text()}`);
  const { id } = (await made.json()) as { id: string };
  const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(await signInUrl(server, { tokenId: id }));
  await page.getByText('Signed in as').waitFor();
  await openJourney(page, journeyName);
  return { page, errors };
}

async function editMessage(page: Page, text: string): Promise<void> {
  await step(page, 'payment-text').click();
  await message(page).fill(text);
  await eventually(() => message(page).inputValue()).toBe(text);
}

async function save(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Save draft' }).click();
}

async function storedBody(server: TestServer): Promise<string> {
  const draft = (await (await server.api('GET', '/journeys/missed-payment')).json()) as { journey: { nodes: Record<string, { config: { body: string } }> } };
  return draft.journey.nodes['payment-text']!.config.body;
}

const bed = new TestBed();

describeWithBrowser('two people saving one journey', bed, {}, () => {
  it('shows the second save who saved first, when and what; Reload theirs and Overwrite with mine do what they say', async () => {
    expect((await bed.server.api('POST', '/journeys', example)).status).toBe(201);
    const alex = await openAs(bed.browser, bed.server, 'Alex');
    const sam = await openAs(bed.browser, bed.server, 'Sam');

    await editMessage(alex.page, 'Alex: please call us back, {{ contact.firstName }}');
    await save(alex.page);
    await eventually(() => status(alex.page).textContent()).toMatch(/^Draft saved/);

    // Sam's copy is older than Alex's save: the save is refused, and the dialog says who, when and what.
    await editMessage(sam.page, 'Sam: your payment is late, {{ contact.firstName }}');
    await save(sam.page);
    await conflict(sam.page).waitFor();
    await eventually(() => conflict(sam.page).locator('.conflict-who').textContent()).toMatch(
      /^Alex saved it at .+, after you opened it\. Your save was not made\.$/,
    );
    await eventually(() => conflict(sam.page).locator('.conflict-diff').textContent()).toContain(
      'Sam: your payment is late, {{ contact.firstName }} → Alex: please call us back, {{ contact.firstName }}',
    );
    await eventually(() => status(sam.page).textContent()).toMatch(/Alex saved this journey after you opened it; nothing was saved/);
    expect(await storedBody(bed.server)).toBe('Alex: please call us back, {{ contact.firstName }}');

    // Reload theirs: Sam's edit is dropped and Alex's draft is on the canvas; a save from it goes through.
    await conflict(sam.page).getByRole('button', { name: 'Reload theirs' }).click();
    await eventually(() => conflict(sam.page).count()).toBe(0);
    await step(sam.page, 'payment-text').click();
    await eventually(() => message(sam.page).inputValue()).toBe('Alex: please call us back, {{ contact.firstName }}');
    await editMessage(sam.page, 'Sam, after Alex: call us back, {{ contact.firstName }}');
    await save(sam.page);
    await eventually(() => status(sam.page).textContent()).toMatch(/^Draft saved/);
    expect(await storedBody(bed.server)).toBe('Sam, after Alex: call us back, {{ contact.firstName }}');

    // Now Alex's copy is the old one: Overwrite with mine replaces Sam's draft on purpose.
    await editMessage(alex.page, 'Alex again: call us, {{ contact.firstName }}');
    await save(alex.page);
    await conflict(alex.page).waitFor();
    await eventually(() => conflict(alex.page).locator('.conflict-who').textContent()).toMatch(/^Sam saved it at /);
    await conflict(alex.page).getByRole('button', { name: 'Overwrite with mine' }).click();
    await eventually(() => conflict(alex.page).count()).toBe(0);
    await eventually(() => status(alex.page).textContent()).toMatch(/^Draft saved/);
    expect(await storedBody(bed.server)).toBe('Alex again: call us, {{ contact.firstName }}');
    const draft = (await (await bed.server.api('GET', '/journeys/missed-payment')).json()) as { updatedBy: string };
    expect(draft.updatedBy).toBe('Alex');

    expect(alex.errors).toEqual([]);
    expect(sam.errors).toEqual([]);
  }, 180_000);
});
