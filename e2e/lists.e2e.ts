// A manager uploads a contact list from the Contact lists tab: previews it, matches its columns, follows the import,
// reads the problem rows by line, browses and searches the contacts, and deletes the list; a large file shows progress.
import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { describeWithBrowser, errorsOf, eventually, openEditor, openTab, screenshotPath, TestBed } from './harness.ts';

const bed = new TestBed();

async function shoot(page: Page, name: string, width: number, height: number): Promise<void> {
  await page.setViewportSize({ width, height });
  await page.screenshot({ path: screenshotPath(name) });
}

describeWithBrowser('contact lists in the editor', bed, {}, () => {
  it('uploads a CSV with a bad row, maps columns, shows the problem by line, browses, searches and deletes the list', async () => {
    const page = await openEditor(bed.browser, bed.server);
    await page.setViewportSize({ width: 1280, height: 800 });
    await openTab(page, 'Contact lists');
    await page.waitForURL(/\/lists$/);
    await page.getByRole('heading', { name: 'Contact lists', level: 1 }).waitFor();
    await page.getByText('No lists yet').waitFor();

    const csv = [
      'Customer,Given name,Family name,Cell phone,E-mail,Balance',
      'C1,Ann,Lee,(202) 555-0101,ann@example.com,120',
      'C2,Bob,Ray,not a number,,80',
      'C3,Cy,Moss,202-555-0103,cy@example.com,45',
    ].join('\n');
    await page.getByLabel('CSV file').setInputFiles({ name: 'overdue_march.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });

    // The first rows, and the columns guessed from their names; the ones it cannot guess are left for the manager.
    await page.getByRole('heading', { name: 'First rows of overdue_march.csv' }).waitFor();
    await page.getByText('3 rows').first().waitFor();
    expect(await page.getByLabel('First name').inputValue()).toBe('Given name');
    expect(await page.getByLabel('Last name').inputValue()).toBe('Family name');
    expect(await page.getByLabel('Email address').inputValue()).toBe('E-mail');
    expect(await page.getByLabel('Phone number').inputValue()).toBe('');
    expect(await page.getByLabel('Country of numbers written without a country code').inputValue()).toBe('US');
    expect(await page.getByLabel('Name of the new list').inputValue()).toBe('overdue march');
    await page.getByText('Kept with each contact as extra details').waitFor();
    await page.getByLabel('Phone number').selectOption('Cell phone');
    await page.getByLabel('Customer ID').selectOption('Customer');
    await page.getByLabel('Name of the new list').fill('Overdue accounts, March');
    await page.getByRole('heading', { name: 'Upload a contact list' }).scrollIntoViewIfNeeded();
    await shoot(page, 'lists-upload-preview', 1280, 800);
    await shoot(page, 'lists-upload-preview-small', 1024, 700);
    await page.getByRole('button', { name: 'Import 3 rows' }).click();

    await page.waitForURL(/\/lists\/overdue-accounts-march$/);
    const card = page.locator('[data-import-status]');
    await eventually(() => card.getAttribute('data-import-status')).toBe('done');
    expect(await card.locator('[data-count="rows"]').textContent()).toBe('3');
    expect(await card.locator('[data-count="imported"]').textContent()).toBe('2');
    expect(await card.locator('[data-count="skipped"]').textContent()).toBe('1');
    const problem = page.locator('[data-problem-line="3"]');
    await eventually(() => problem.count()).toBeGreaterThan(0);
    const problemText = (await problem.allTextContents()).join('\n');
    expect(problemText).toContain('Cell phone');
    expect(problemText).toContain('"not a number" is not a valid phone number for US');
    expect(problemText).toContain('Row skipped');

    // The problems as a CSV, to work through in a spreadsheet.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download the problems (CSV)' }).click()]);
    expect(download.suggestedFilename()).toBe('overdue_march-problems.csv');
    const downloaded = await readFile((await download.path())!, 'utf8');
    expect(downloaded.split('\r\n')[0]).toBe('line,column,outcome,problem');
    // One line for the skipped row, saying why its number did not count; no "kept" for a row that was not.
    expect(downloaded).toContain(
      '3,Cell phone,row skipped,"The row has no valid phone number or email address (""not a number"" is not a valid phone number for US); it was skipped"',
    );
    expect(downloaded).not.toContain('3,Cell phone,kept');

    // The contacts, with the mapped columns in their fields and the rest as extra details.
    await page.getByText('Contacts 1–2 of 2').waitFor();
    const ann = page.locator('[data-contact="C1"]');
    expect(await ann.textContent()).toContain('Ann Lee');
    expect(await ann.textContent()).toContain('+12025550101');
    expect(await ann.textContent()).toContain('Balance: 120');
    expect(await page.locator('[data-contact]').count()).toBe(2);
    expect(await page.locator('[data-contact-count]').textContent()).toBe('2');
    await shoot(page, 'lists-detail', 1280, 800);
    await shoot(page, 'lists-detail-small', 1024, 700);

    // Search by name, then by the number as a person types it.
    await page.getByLabel('Search contacts').click();
    await page.keyboard.type('moss');
    await page.getByText('Contacts 1–1 matching “moss”').waitFor();
    expect(await page.locator('[data-contact]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-contact')))).toEqual(['C3']);
    await page.getByLabel('Search contacts').fill('');
    await page.keyboard.type('555-0101');
    await page.getByText('Contacts 1–1 matching “555-0101”').waitFor();
    expect(await page.locator('[data-contact]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-contact')))).toEqual(['C1']);
    await page.getByLabel('Search contacts').fill('');
    await page.keyboard.type('nobody here');
    await page.getByText('No contact matches “nobody here”.').waitFor();

    // Deleting asks first; the confirmation takes the focus, so Enter answers it.
    await page.getByRole('button', { name: 'Delete list…' }).click();
    await page.getByRole('button', { name: 'Keep it' }).click();
    expect((await bed.server.api('GET', '/contact-lists/overdue-accounts-march')).status).toBe(200);
    await page.getByRole('button', { name: 'Delete list…' }).click();
    await page.getByText('Delete “Overdue accounts, March” and its 2 contacts? This cannot be undone.').waitFor();
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe('Yes, delete the list');
    await shoot(page, 'lists-delete-confirm', 1024, 700);
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/lists$/);
    await page.getByText('The list “Overdue accounts, March” and its 2 contacts were deleted.').waitFor();
    expect((await bed.server.api('GET', '/contact-lists/overdue-accounts-march')).status).toBe(404);
    await page.getByText('No lists yet').waitFor();
    expect(errorsOf(page)).toEqual([]);
    await page.close();
  });

  it('shows a large import’s progress while it runs, and again after leaving the page and coming back', async () => {
    const rows = 50_000;
    const lines = ['id,first_name,last_name,phone,email,plan'];
    for (let i = 0; i < rows; i++) {
      const n = String(i).padStart(5, '0');
      lines.push(`L${n},First${n},Last${n},+1202${String(2_000_000 + i).padStart(7, '0')},person${n}@example.com,gold`);
    }
    const page = await openEditor(bed.browser, bed.server);
    await page.setViewportSize({ width: 1280, height: 800 });
    await openTab(page, 'Contact lists');
    await page.getByLabel('CSV file').setInputFiles({ name: 'everyone.csv', mimeType: 'text/csv', buffer: Buffer.from(`${lines.join('\n')}\n`) });
    await page.getByRole('heading', { name: 'First rows of everyone.csv' }).waitFor();
    // Only the start of the file is read: the number of rows is worked out from its size.
    const estimate = Number(
      (await page
        .getByText(/about [\d,]+ rows/)
        .first()
        .textContent())!
        .match(/about ([\d,]+) rows/)![1]!
        .replace(/,/g, ''),
    );
    expect(Math.abs(estimate - rows) / rows).toBeLessThan(0.05);
    await page.getByRole('button', { name: /^Import about/ }).click();
    await page.waitForURL(/\/lists\/everyone$/);

    // Rows read, seen part-way, before the import ends.
    const card = page.locator('[data-import-status]');
    const seen: { status: string | null; rows: number }[] = [];
    for (const started = Date.now(); Date.now() - started < 60_000; ) {
      const status = await card.getAttribute('data-import-status').catch(() => null);
      const read = Number(
        (
          (await card
            .locator('[data-count="rows"]')
            .textContent({ timeout: 100 })
            .catch(() => '0')) ?? '0'
        ).replace(/,/g, ''),
      );
      seen.push({ status, rows: read });
      if (status === 'running' && read > 0) break;
      if (status === 'done') break;
      await page.waitForTimeout(50);
    }
    const partway = seen.find((s) => s.status === 'running' && s.rows > 0 && s.rows < rows);
    expect(partway, JSON.stringify(seen.slice(-5))).toBeDefined();
    await page.getByRole('progressbar', { name: 'Import progress' }).waitFor();
    await shoot(page, 'lists-progress', 1280, 800);

    // Leaving the page does not stop it; coming back shows it.
    await openTab(page, 'Design');
    await openTab(page, 'Contact lists');
    await page.locator('[data-list="everyone"]').waitFor();
    await shoot(page, 'lists-overview', 1280, 800);
    await shoot(page, 'lists-overview-small', 1024, 700);
    await page.locator('[data-list="everyone"]').getByRole('link').click();
    await page.waitForURL(/\/lists\/everyone$/);
    await eventually(() => page.locator('[data-import-status]').getAttribute('data-import-status')).toBe('done');
    expect(await page.locator('[data-count="rows"]').textContent()).toBe('50,000');
    expect(await page.locator('[data-count="imported"]').textContent()).toBe('50,000');
    await page.getByText('No problems: every row was imported.').waitFor();
    await page.getByText('Contacts 1–50 of 50,000').waitFor();
    await page.getByRole('button', { name: 'Next page' }).click();
    await page.getByText('Contacts 51–100 of 50,000').waitFor();
    await page.getByRole('button', { name: 'Previous page' }).click();
    await page.getByText('Contacts 1–50 of 50,000').waitFor();
    expect(errorsOf(page)).toEqual([]);
    await page.close();
  }, 120_000);
});
