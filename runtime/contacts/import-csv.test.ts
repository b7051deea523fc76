import { Readable } from 'node:stream';
import { pipeline as pipelineAsync } from 'node:stream/promises';
import { parse } from 'csv-parse';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../store/dialect.ts';
import { ensureContactList } from '../store/repositories/journeys.ts';
import { freshStore } from '../store/test-stores.ts';
import { CsvSizeGuard, type OversizedRecord } from './csv-size-guard.ts';
import { importContactsCsv } from './import-csv.ts';

describe('CSV import limits', () => {
  let store: Store;
  beforeEach(async () => {
    store = await freshStore('sqlite');
    await ensureContactList(store.db, 'l', 'List', 0);
  });
  afterEach(async () => {
    await store.close();
  });
  const phones = async () => (await store.db.selectFrom('contacts').select('phone').orderBy('phone').execute()).map((r) => r.phone);

  it('skips a row with a cell over the field limit, reports its line, and imports every other row', async () => {
    const giant = 'x'.repeat(200 * 1024);
    const csv = `phone,note\n+14155550100,first\n+14155550101,"${giant}"\n+14155550102,third\n+14155550103,"quoted, with ""quotes""\nand a line break"\n+14155550104,last\n`;
    // In pieces, as a network delivers it, so that the limit holds across chunk boundaries.
    const chunks = csv.match(/[\s\S]{1,7000}/g)!;
    const report = await importContactsCsv(store.db, Readable.from(chunks), { listId: 'l', now: 0 });
    expect(report.problems).toEqual([expect.objectContaining({ line: 3, column: 'note', severity: 'error' })]);
    expect(report.problems[0]!.message).toMatch(/65536 bytes/);
    expect(report).toMatchObject({ rows: 5, imported: 4, skipped: 1 });
    expect(await phones()).toEqual(['+14155550100', '+14155550102', '+14155550103', '+14155550104']);
    const attributes = await store.db.selectFrom('contacts').select('attributes').where('phone', '=', '+14155550103').executeTakeFirstOrThrow();
    expect(JSON.parse(attributes.attributes)).toEqual({ note: 'quoted, with "quotes"\nand a line break' });
  });

  it('skips a row over the row limit made of cells within the field limit, with the limits given as options', async () => {
    const wide = Array.from({ length: 20 }, () => 'y'.repeat(100)).join(',');
    const csv = `phone,a\n+14155550100,ok\n\n+14155550101,${wide}\n+14155550102,ok\n`;
    const report = await importContactsCsv(store.db, Readable.from([csv]), { listId: 'l', now: 0, maxFieldBytes: 500, maxRowBytes: 1000 });
    expect(report.problems).toEqual([expect.objectContaining({ line: 4, severity: 'error' })]);
    expect(report.problems[0]!.message).toMatch(/1000 bytes/);
    expect(report).toMatchObject({ rows: 3, imported: 2, skipped: 1 });
    expect(await phones()).toEqual(['+14155550100', '+14155550102']);
  });

  it('refuses a file whose header is over the limit', async () => {
    const csv = `phone,${'h'.repeat(2000)}\n+14155550100,ok\n`;
    await expect(importContactsCsv(store.db, Readable.from([csv]), { listId: 'l', now: 0, maxFieldBytes: 500 })).rejects.toThrow(/header.*line 1/);
  });
});

describe('the size guard', () => {
  const parseAll = async (chunks: string[], guard?: CsvSizeGuard) => {
    const records: [number, string[]][] = [];
    const parser = parse({ bom: true, relax_column_count: true, skip_empty_lines: true, trim: true, info: true });
    const done = pipelineAsync(guard ? [Readable.from(chunks), guard, parser] : [Readable.from(chunks), parser]);
    for await (const r of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) records.push([r.info.lines, r.record]);
    await done;
    return records;
  };

  it('passes records within the limits through unchanged, with the same line numbers, however the file is cut', async () => {
    const files = ['a,b\n1,2\n"x\ny",3\n\n4,"5 ""q"""\n', 'a,b\r\n1,2\r\n"x\r\ny",3\r\n\r\n4,5', 'a;b\n"""",""\n,\n'];
    for (const file of files) {
      const expected = await parseAll([file]);
      for (const size of [1, 2, 3, 5, 64]) {
        const chunks = file.match(new RegExp(`[\\s\\S]{1,${size}}`, 'g'))!;
        expect(await parseAll(chunks, new CsvSizeGuard(1000, 1000, () => {}))).toEqual(expected);
      }
    }
  });

  it('drops an oversized record, keeps the line numbers of the ones after it, whatever the chunking', async () => {
    const file = 'h1,h2\nok,1\n"long\nlong long long",2\nafter,3\nlast,4\n';
    for (const size of [1, 4, 1000]) {
      const seen: OversizedRecord[] = [];
      const chunks = file.match(new RegExp(`[\\s\\S]{1,${size}}`, 'g'))!;
      const records = await parseAll(chunks, new CsvSizeGuard(10, 100, (r) => seen.push(r)));
      expect(seen).toEqual([{ line: 3, record: 2, limit: 'field', field: 0 }]);
      expect(records).toEqual([
        [1, ['h1', 'h2']],
        [2, ['ok', '1']],
        [5, ['after', '3']],
        [6, ['last', '4']],
      ]);
    }
  });
});
