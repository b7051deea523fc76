import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../store/dialect.ts';
import { ensureContactList } from '../store/repositories/journeys.ts';
import { freshStore } from '../store/test-stores.ts';
import { DecodeToUtf8, type CsvEncoding, type EncodingWarning } from './decode-csv.ts';
import { importContactsCsv } from './import-csv.ts';

/** Bytes as a network delivers them: in pieces of `size`, so that characters are split between chunks. */
const pieces = (bytes: Buffer, size: number) =>
  Readable.from(Array.from({ length: Math.ceil(bytes.length / size) }, (_, i) => bytes.subarray(i * size, (i + 1) * size)));

async function decode(bytes: Buffer, size: number, encoding?: CsvEncoding) {
  const warnings: EncodingWarning[] = [];
  const decoder = new DecodeToUtf8(encoding, (w) => warnings.push(w));
  const out = await text(pieces(bytes, size).pipe(decoder));
  return { out, warnings, encoding: decoder.encoding };
}

describe('CSV encodings', () => {
  let store: Store;
  beforeEach(async () => {
    store = await freshStore('sqlite');
    await ensureContactList(store.db, 'l', 'List', 0);
  });
  afterEach(async () => {
    await store.close();
  });
  const names = async () =>
    (await store.db.selectFrom('contacts').select(['first_name', 'last_name']).orderBy('phone').execute()).map((r) => `${r.first_name} ${r.last_name}`);

  it("stores a Latin-1 file's names as written, with a warning that it was read as Windows-1252 and how to choose", async () => {
    const latin1 = Buffer.from('first_name,last_name,phone\nAnna,Smith,+14155550100\nRenée,Müller,+14155550101\n', 'latin1');
    const report = await importContactsCsv(store.db, pieces(latin1, 7), { listId: 'l', now: 0 });
    expect(await names()).toEqual(['Anna Smith', 'Renée Müller']);
    expect(report).toMatchObject({ rows: 2, imported: 2, skipped: 0 });
    expect(report.problems).toEqual([expect.objectContaining({ line: 3, severity: 'warning' })]);
    expect(report.problems[0]!.message).toMatch(/read as Windows-1252/);
    expect(report.problems[0]!.message).toMatch(/\?encoding=.*utf-8/);
  });

  it('reads UTF-8 (with or without a byte order mark) and UTF-16LE with a byte order mark without a warning', async () => {
    const csv = 'first_name,last_name,phone\nRenée,Müller,+14155550101\n';
    for (const bytes of [
      Buffer.from(csv),
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(csv)]),
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(csv, 'utf16le')]),
    ]) {
      await store.db.deleteFrom('contacts').execute();
      const report = await importContactsCsv(store.db, pieces(bytes, 3), { listId: 'l', now: 0 });
      expect(report.problems).toEqual([]);
      expect(await names()).toEqual(['Renée Müller']);
    }
  });

  it('takes the encoding asked for, and warns with the line when the bytes are not valid in it', async () => {
    const latin1 = Buffer.from('first_name,last_name,phone\nRenée,Müller,+14155550101\n', 'latin1');
    const report = await importContactsCsv(store.db, pieces(latin1, 5), { listId: 'l', now: 0, encoding: 'utf-8' });
    expect(report.encoding).toBe('utf-8');
    expect(report.problems).toEqual([
      expect.objectContaining({ line: 2, severity: 'warning', message: expect.stringMatching(/not valid UTF-8.*\?encoding=/) }),
    ]);
    expect(await names()).toEqual(['Ren\uFFFDe M\uFFFDller']);
    await store.db.deleteFrom('contacts').execute();
    const chosen = await importContactsCsv(store.db, Readable.from([latin1]), { listId: 'l', now: 0, encoding: 'windows-1252' });
    expect(chosen.problems).toEqual([]);
    expect(await names()).toEqual(['Renée Müller']);
  });
});

describe('the decoder', () => {
  it('passes valid UTF-8 through unchanged however the characters are split between chunks', async () => {
    const csv = 'name\nRenée 😀 Müller ✓\n€\n';
    for (const size of [1, 2, 3, 4, 5, 1000]) expect(await decode(Buffer.from(csv), size)).toEqual({ out: csv, warnings: [], encoding: 'utf-8' });
  });

  it('switches to Windows-1252 at the first byte that is not UTF-8, and names its line', async () => {
    const bytes = Buffer.concat([Buffer.from('a\nb\nc\n'), Buffer.from([0x64, 0x80, 0xe9, 0x0a])]);
    for (const size of [1, 2, 64]) {
      const { out, warnings, encoding } = await decode(bytes, size);
      expect(out).toBe('a\nb\nc\nd€é\n');
      expect(encoding).toBe('windows-1252');
      expect(warnings).toEqual([expect.objectContaining({ line: 4 })]);
    }
  });

  it('treats a UTF-8 sequence cut off by the end of the file as not UTF-8', async () => {
    const { out, warnings } = await decode(Buffer.from([0x61, 0x0a, 0xc3]), 1);
    expect(out).toBe('a\nÃ');
    expect(warnings).toEqual([expect.objectContaining({ line: 2 })]);
  });

  it('warns when UTF-16LE asked for has an odd byte at the end', async () => {
    const { out, warnings } = await decode(Buffer.concat([Buffer.from('a\nb', 'utf16le'), Buffer.from([0x41])]), 3, 'utf-16le');
    expect(out).toBe('a\nb\uFFFD');
    expect(warnings).toEqual([expect.objectContaining({ line: 2, message: expect.stringMatching(/UTF-16LE/) })]);
  });
});
