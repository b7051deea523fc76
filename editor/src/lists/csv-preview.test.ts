import { describe, expect, it } from 'vitest';
import { extraColumns, listIdFor, nameFromFile, previewBytes, readPreview } from './csv-preview.ts';

const csvFile = (text: string | Uint8Array<ArrayBuffer>, name = 'contacts.csv') => new File([text], name, { type: 'text/csv' });

describe('the upload preview', () => {
  it('reads the header and first rows with their lines, and guesses columns as the import does', async () => {
    const preview = await readPreview(
      csvFile('Customer ID,Given name,Mobile,E-mail,consent_sms,Balance\n\nC1,Ann,(202) 555-0101,ann@example.com,yes,120\nC2,"Bob, Jr",+12025550102,,no,80\n'),
    );
    expect(preview.header).toEqual(['Customer ID', 'Given name', 'Mobile', 'E-mail', 'consent_sms', 'Balance']);
    expect(preview.rows).toEqual([
      { line: 3, cells: ['C1', 'Ann', '(202) 555-0101', 'ann@example.com', 'yes', '120'] },
      { line: 4, cells: ['C2', 'Bob, Jr', '+12025550102', '', 'no', '80'] },
    ]);
    expect(preview.guessed).toEqual({ externalId: 'Customer ID', firstName: 'Given name', phone: 'Mobile', email: 'E-mail' });
    expect(preview.rowEstimate).toEqual({ rows: 2, exact: true });
    expect(preview.encoding).toBe('utf-8');
    expect(extraColumns(preview.header, { ...preview.guessed, email: '' })).toEqual(['E-mail', 'Balance']);
  });

  it('reads only the start of a large file, estimates its rows from its size, and never shows a row cut in two', async () => {
    const row = (i: number) => `${String(i).padStart(6, '0')},"Name\nwith a line break",+1202555${String(i % 10_000).padStart(4, '0')}\n`;
    let text = 'id,name,phone\n';
    for (let i = 0; i < 20_000; i++) text += row(i);
    const preview = await readPreview(csvFile(text));
    expect(text.length).toBeGreaterThan(previewBytes * 10);
    expect(preview.rows).toHaveLength(5);
    // A row over two lines is named by the line it ends on, as the import's problems name it.
    expect(preview.rows[1]).toEqual({ line: 5, cells: ['000001', 'Name\nwith a line break', '+12025550001'] });
    expect(preview.rowEstimate.exact).toBe(false);
    expect(Math.abs(preview.rowEstimate.rows - 20_000)).toBeLessThan(200);
  });

  it('falls back to Windows-1252 for a file that is not UTF-8, and says what to do with one that is not CSV', async () => {
    const latin = await readPreview(csvFile(new Uint8Array([...new TextEncoder().encode('phone,name\n+12025550101,Ren'), 0xe9, 0x0a])));
    expect(latin.encoding).toBe('windows-1252');
    expect(latin.rows[0]!.cells[1]).toBe('René');
    await expect(readPreview(csvFile(''))).rejects.toThrow('“contacts.csv” is empty');
    await expect(readPreview(csvFile('phone,name\n"+1202,"Ann"x\n'))).rejects.toThrow(/does not read as CSV .*Save it from your spreadsheet/);
  });

  it('makes a list id from a name, unique among the lists there are', () => {
    expect(listIdFor('Overdue accounts, March', new Set())).toBe('overdue-accounts-march');
    expect(listIdFor('Café clients', new Set(['cafe-clients', 'cafe-clients-2']))).toBe('cafe-clients-3');
    expect(listIdFor('!!!', new Set())).toBe('list');
    expect(nameFromFile('overdue_march.csv')).toBe('overdue march');
  });
});
