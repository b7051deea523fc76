// The start of a CSV file read in the browser: its columns, its first rows and the column guessed for each contact
// field, before anything is sent. Only the first 64 KiB are read, whatever the file's size; the guess is the one the
// import makes (schemas/contact-columns.ts), so what the preview shows is what the server does.
import { parse } from 'csv-parse/browser/esm/sync';
import { consentChannelOf, contactFields, mapContactColumns, type ContactField } from '../../../schemas/contact-columns.ts';

export const previewBytes = 64 * 1024;
const previewRows = 5;

export interface CsvPreview {
  header: string[];
  /** The first rows, with their line in the file (the header is line 1; a row over several lines, the one it ends on, as the import's problems say). */
  rows: { line: number; cells: string[] }[];
  /** The column guessed for each field, by header name. */
  guessed: Partial<Record<ContactField, string>>;
  /** Rows in the file: counted when the whole file was read, else worked out from its size. */
  rowEstimate: { rows: number; exact: boolean };
  encoding: 'utf-8' | 'windows-1252' | 'utf-16le';
}

export class PreviewError extends Error {}

/** Decodes as the server does when no encoding is given: a byte order mark says, else UTF-8 while valid, else Windows-1252. */
function decode(bytes: Uint8Array): { text: string; encoding: CsvPreview['encoding'] } {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { text: new TextDecoder('utf-16le').decode(bytes.subarray(2)), encoding: 'utf-16le' };
  try {
    // `stream` keeps a character cut by the 64 KiB boundary out, instead of calling it invalid.
    return { text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes, { stream: true }), encoding: 'utf-8' };
  } catch {
    return { text: new TextDecoder('windows-1252').decode(bytes), encoding: 'windows-1252' };
  }
}

type Parsed = { record: string[]; info: { lines: number } }[];

function parseStart(text: string): Parsed {
  return parse(text, { relax_column_count: true, skip_empty_lines: true, trim: true, info: true }) as unknown as Parsed;
}

export async function readPreview(file: File): Promise<CsvPreview> {
  if (file.size === 0) throw new PreviewError(`“${file.name}” is empty: a contact list needs a header row and at least one contact.`);
  const whole = file.size <= previewBytes;
  const bytes = new Uint8Array(await file.slice(0, previewBytes).arrayBuffer());
  const { text, encoding } = decode(bytes);
  // A sample that stops mid-file ends at its last line break; a quoted cell with line breaks in it may still be cut,
  // so a failed parse drops lines from the end until what is left parses.
  let sample = whole ? text : text.slice(0, text.lastIndexOf('\n') + 1);
  let records: Parsed | undefined;
  let firstError: unknown;
  for (let tries = 0; tries < 20 && sample; tries++) {
    try {
      records = parseStart(sample);
      break;
    } catch (error) {
      firstError ??= error;
      // The whole file was read: its error is the file's own.
      if (whole) break;
      sample = sample.slice(0, sample.lastIndexOf('\n', sample.length - 2) + 1);
    }
  }
  if (!records) {
    const reason = firstError instanceof Error ? firstError.message : 'its first line is longer than 64 KiB';
    throw new PreviewError(`“${file.name}” does not read as CSV (${reason}). Save it from your spreadsheet as “CSV (comma separated)” and choose it again.`);
  }
  const [first, ...rest] = records;
  if (!first) throw new PreviewError(`“${file.name}” has no rows: a contact list needs a header row and at least one contact.`);
  const header = first.record;
  const fieldIndex = mapContactColumns(header);
  const guessed: Partial<Record<ContactField, string>> = {};
  for (const field of contactFields) {
    const index = fieldIndex[field];
    if (index !== undefined) guessed[field] = header[index]!;
  }
  const sampledBytes = new TextEncoder().encode(sample).length;
  const rowEstimate =
    whole || rest.length === 0
      ? { rows: rest.length, exact: true }
      : { rows: Math.max(rest.length, Math.round((file.size / sampledBytes) * (rest.length + 1)) - 1), exact: false };
  return {
    header,
    rows: rest.slice(0, previewRows).map((r) => ({ line: r.info.lines, cells: r.record })),
    guessed,
    rowEstimate,
    encoding,
  };
}

/** The columns no field reads and that are not consent: kept with each contact as attributes. */
export function extraColumns(header: readonly string[], columns: Partial<Record<ContactField, string>>): string[] {
  const used = new Set(Object.values(columns).filter((h): h is string => !!h));
  return header.filter((h) => h !== '' && !used.has(h) && !consentChannelOf(h));
}

/** The consent columns the import reads (`consent_sms` and the like). */
export function consentColumns(header: readonly string[]): string[] {
  return header.filter((h) => consentChannelOf(h));
}

/** A list id made from a name: lower-case words joined by dashes, made unique among `taken`. */
export function listIdFor(name: string, taken: ReadonlySet<string>): string {
  const base =
    name
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 60)
      .replace(/-+$/, '') || 'list';
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) if (!taken.has(`${base}-${n}`)) return `${base}-${n}`;
}

/** A file's name without its extension, as a list's name: "overdue_accounts.csv" → "overdue accounts". */
export function nameFromFile(fileName: string): string {
  return (
    fileName
      .replace(/\.[^.]+$/, '')
      .replace(/[_]+/g, ' ')
      .trim() || 'Contacts'
  );
}
