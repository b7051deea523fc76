// Imports a contact list from CSV as a stream: phone numbers to E.164, per-row problems with line numbers, merges.
import { createHash } from 'node:crypto';
import { pipeline, type Readable } from 'node:stream';
import { parse } from 'csv-parse';
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import { consentChannelOf, mapContactColumns, type ContactField } from '../../schemas/contact-columns.ts';
import { isValidTimezone } from '../../schemas/fields.ts';
import { CsvSizeGuard, type OversizedRecord } from './csv-size-guard.ts';
import { DecodeToUtf8, type CsvEncoding } from './decode-csv.ts';
import type { Executor } from '../store/dialect.ts';
import type { NewContact } from '../store/schema.ts';
import { recordListColumns } from './list-columns.ts';

export type { ContactField };

export interface ImportOptions {
  listId: string;
  /** Country for numbers written without +country code. */
  defaultRegion?: CountryCode;
  /** Explicit header for a field, overriding the recognised names; an empty one reads the field from no column. */
  columns?: Partial<Record<ContactField, string>>;
  now: number;
  /** Rows written per statement. */
  batchSize?: number;
  /** A row with a cell longer than this is skipped and reported. Default: JOURNEY_CSV_MAX_FIELD_BYTES, else 64 KiB. */
  maxFieldBytes?: number;
  /** A row longer than this is skipped and reported. Default: JOURNEY_CSV_MAX_ROW_BYTES, else 1 MiB. */
  maxRowBytes?: number;
  /** The file's encoding; without it, UTF-8 while the bytes are valid UTF-8 (or as a byte order mark says), else Windows-1252. */
  encoding?: CsvEncoding;
  /** Told after each batch is written, with the report so far: an import job shows it while it runs. */
  onProgress?: (report: Readonly<ImportReport>) => void | Promise<void>;
}

/** A size limit from the environment, when it is set to a positive whole number of bytes. */
function limitFromEnvironment(name: string, fallback: number): number {
  const value = Number(process.env[name]);
  return Number.isInteger(value) && value > 0 ? value : fallback;
}

export interface ImportProblem {
  /** Line in the file (the header is line 1). */
  line: number;
  column?: string;
  severity: 'error' | 'warning';
  message: string;
}

export interface ImportReport {
  rows: number;
  imported: number;
  merged: number;
  skipped: number;
  problems: ImportProblem[];
  /** Problems beyond this many are counted, not kept, so a bad million-row file cannot fill memory. */
  problemsTruncated: number;
  /** The encoding the file was read in (chosen with ?encoding=, else detected). */
  encoding?: CsvEncoding;
}

const maxProblems = 1000;

/** A contact's id: stable for the same list and person, so re-importing merges instead of duplicating. */
export function contactId(listId: string, identity: string): string {
  return `c_${createHash('sha1').update(`${listId}\u0000${identity}`).digest('hex').slice(0, 20)}`;
}

export async function importContactsCsv(db: Executor, input: Readable, options: ImportOptions): Promise<ImportReport> {
  const report: ImportReport = { rows: 0, imported: 0, merged: 0, skipped: 0, problems: [], problemsTruncated: 0 };
  const problem = (p: ImportProblem) => {
    if (report.problems.length < maxProblems) report.problems.push(p);
    else report.problemsTruncated++;
  };
  const parser = parse({ bom: true, relax_column_count: true, skip_empty_lines: true, trim: true, info: true });
  const maxFieldBytes = options.maxFieldBytes ?? limitFromEnvironment('JOURNEY_CSV_MAX_FIELD_BYTES', 64 * 1024);
  const maxRowBytes = options.maxRowBytes ?? limitFromEnvironment('JOURNEY_CSV_MAX_ROW_BYTES', 1024 * 1024);
  // Rows over a size limit never reach the parser; they are reported once the header is known.
  const oversized: OversizedRecord[] = [];
  const guard = new CsvSizeGuard(maxFieldBytes, maxRowBytes, (record) => {
    if (record.record === 0)
      guard.destroy(
        new ImportError(
          `The header (line 1) is longer than ${record.limit === 'field' ? `${maxFieldBytes} bytes in one column` : `${maxRowBytes} bytes`}; check that the file is CSV`,
          1,
        ),
      );
    else oversized.push(record);
  });
  // Bytes that are not valid in the encoding used are a warning on their line, sorted in with the rows' problems.
  let encodingWarned = false;
  const decoder = new DecodeToUtf8(options.encoding, (warning) => {
    encodingWarned = true;
    problem({ line: warning.line, severity: 'warning', message: warning.message });
  });
  // pipeline, not pipe: an upload cut off mid-body errors its input, and that error must reach the loop below (which
  // reports it) instead of being emitted with no listener, which would end the process.
  pipeline(input, decoder, guard, parser, () => {});
  let header: string[] | undefined;
  let fieldIndex: Partial<Record<ContactField, number>> = {};
  let consentIndex: [string, number][] = [];
  let pending: NewContact[] = [];
  const seenInBatch = new Map<string, number>();
  const batchSize = options.batchSize ?? 1000;

  const flush = async () => {
    if (!pending.length) return;
    const rows = pending;
    pending = [];
    seenInBatch.clear();
    const existing = await db
      .selectFrom('contacts')
      .select('id')
      .where(
        'id',
        'in',
        rows.map((r) => r.id),
      )
      .execute();
    report.merged += existing.length;
    report.imported += rows.length - existing.length;
    await db
      .insertInto('contacts')
      .values(rows)
      .onConflict((oc) =>
        oc.column('id').doUpdateSet((eb) => ({
          external_id: eb.ref('excluded.external_id'),
          phone: eb.ref('excluded.phone'),
          email: eb.ref('excluded.email'),
          first_name: eb.ref('excluded.first_name'),
          last_name: eb.ref('excluded.last_name'),
          timezone: eb.ref('excluded.timezone'),
          state: eb.ref('excluded.state'),
          postal_code: eb.ref('excluded.postal_code'),
          attributes: eb.ref('excluded.attributes'),
          consent: eb.ref('excluded.consent'),
        })),
      )
      .execute();
    await options.onProgress?.(report);
  };

  try {
    for await (const record of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      const cells = record.record;
      const line = record.info.lines;
      if (!header) {
        header = cells;
        ({ fieldIndex, consentIndex } = mapHeader(header, options.columns));
        const missing = (Object.keys(options.columns ?? {}) as ContactField[]).filter((f) => options.columns![f] !== '' && fieldIndex[f] === undefined);
        if (missing.length) {
          throw new ImportError(`The file has no column ${missing.map((f) => `"${options.columns![f]}"`).join(', ')} (mapped to ${missing.join(', ')})`, 1);
        }
        if (fieldIndex.phone === undefined && fieldIndex.email === undefined) {
          throw new ImportError(`The file has no phone or email column; its columns are ${header.map((h) => `"${h}"`).join(', ')}`, 1);
        }
        // What is neither a contact field nor consent is read as attributes.<column>; runs are checked against these.
        const mapped = new Set<number>([...Object.values(fieldIndex), ...consentIndex.map(([, i]) => i)]);
        await recordListColumns(
          db,
          options.listId,
          header.filter((name, i) => !mapped.has(i) && name !== ''),
        );
        continue;
      }
      report.rows++;
      const contact = toContact(cells, line, header, fieldIndex, consentIndex, options, problem);
      if (!contact) {
        report.skipped++;
        continue;
      }
      // The same person twice in one batch: the later row wins, as it would across batches.
      const earlier = seenInBatch.get(contact.id);
      if (earlier !== undefined) {
        pending[earlier] = contact;
        report.merged++;
        continue;
      }
      seenInBatch.set(contact.id, pending.length);
      pending.push(contact);
      if (pending.length >= batchSize) await flush();
    }
    await flush();
    for (const record of oversized) {
      report.rows++;
      report.skipped++;
      const column = record.limit === 'field' ? header?.[record.field] : undefined;
      const where =
        record.limit === 'field'
          ? `a cell${column === undefined ? ` (column ${record.field + 1})` : ''} longer than ${maxFieldBytes} bytes`
          : `more than ${maxRowBytes} bytes`;
      problem({
        line: record.line,
        ...(column !== undefined && { column }),
        severity: 'error',
        message: `The row has ${where}; it was skipped. Shorten it, or raise the limit (JOURNEY_CSV_MAX_${record.limit === 'field' ? 'FIELD' : 'ROW'}_BYTES)`,
      });
    }
    if (oversized.length || encodingWarned) report.problems.sort((a, b) => a.line - b.line);
  } catch (error) {
    if (error instanceof ImportError) throw error;
    if (input.errored || (error as NodeJS.ErrnoException).code === 'ECONNRESET') {
      throw new ImportError(
        `The upload was cut off before the end of the file (${(error as Error).message}): send the whole file again (rows already imported are merged, not duplicated)`,
      );
    }
    const line = (error as { lines?: number }).lines;
    throw new ImportError(`The file is not valid CSV${line ? ` at line ${line}` : ''}: ${(error as Error).message}`, line);
  }
  if (!header) throw new ImportError('The file is empty: it needs a header row and at least one contact', 1);
  if (decoder.encoding) report.encoding = decoder.encoding;
  return report;
}

export class ImportError extends Error {
  constructor(
    message: string,
    readonly line?: number,
  ) {
    super(message);
  }
}

function mapHeader(header: string[], columns: ImportOptions['columns'] = {}) {
  const fieldIndex = mapContactColumns(header, columns);
  const consentIndex: [string, number][] = [];
  header.forEach((h, i) => {
    const channel = consentChannelOf(h);
    if (channel) consentIndex.push([channel, i]);
  });
  return { fieldIndex, consentIndex };
}

function toContact(
  cells: string[],
  line: number,
  header: string[],
  fieldIndex: Partial<Record<ContactField, number>>,
  consentIndex: [string, number][],
  options: ImportOptions,
  problem: (p: ImportProblem) => void,
): NewContact | undefined {
  const cell = (field: ContactField) => {
    const i = fieldIndex[field];
    const value = i === undefined ? undefined : cells[i];
    return value ? value : null;
  };
  /** Phone numbers and emails the row gives that cannot be used, reported once it is known whether the row is kept. */
  const unusable: { column: string | undefined; why: string; kept: string }[] = [];
  let phone = cell('phone');
  if (phone) {
    const parsed = parsePhoneNumberFromString(phone, options.defaultRegion);
    if (parsed?.isValid()) {
      phone = parsed.number;
    } else {
      unusable.push({
        column: header[fieldIndex.phone!],
        why: `"${phone}" is not a valid phone number${options.defaultRegion ? ` for ${options.defaultRegion}` : '; write it with its country code, e.g. +14155550100'}`,
        kept: 'the contact is kept without a phone',
      });
      phone = null;
    }
  }
  let email = cell('email')?.toLowerCase() ?? null;
  if (email && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) {
    unusable.push({ column: header[fieldIndex.email!], why: `"${email}" is not a valid email address`, kept: 'the contact is kept without an email' });
    email = null;
  }
  if (!phone && !email) {
    // One problem for a skipped row, saying why its phone or email did not count, rather than a warning that the
    // contact "is kept" followed by the error that it was not.
    const reasons = unusable.map((u) => u.why).join('; ');
    problem({
      line,
      ...(unusable.length === 1 && { column: unusable[0]!.column }),
      severity: 'error',
      message: `The row has no valid phone number or email address${reasons ? ` (${reasons})` : ''}; it was skipped`,
    });
    return undefined;
  }
  for (const u of unusable) problem({ line, column: u.column, severity: 'warning', message: `${u.why}; ${u.kept}` });
  let timezone = cell('timezone');
  if (timezone && !isValidTimezone(timezone)) {
    problem({
      line,
      column: header[fieldIndex.timezone!],
      severity: 'warning',
      message: `"${timezone}" is not a time zone name such as America/Chicago; the contact's time zone will be worked out from its state or phone number`,
    });
    timezone = null;
  }
  const consent: Record<string, boolean> = {};
  for (const [channel, i] of consentIndex) {
    const value = (cells[i] ?? '').toLowerCase();
    if (/^(yes|y|true|1)$/.test(value)) consent[channel] = true;
    else if (/^(no|n|false|0)$/.test(value)) consent[channel] = false;
    else if (value)
      problem({ line, column: header[i], severity: 'warning', message: `"${cells[i]}" is not yes or no; consent for ${channel} is treated as not given` });
  }
  const mapped = new Set<number>([...Object.values(fieldIndex), ...consentIndex.map(([, i]) => i)]);
  const attributes: Record<string, string> = {};
  header.forEach((name, i) => {
    if (!mapped.has(i) && cells[i] !== undefined && cells[i] !== '') attributes[name] = cells[i]!;
  });
  const externalId = cell('externalId');
  return {
    id: contactId(options.listId, externalId ? `x:${externalId}` : phone ? `p:${phone}` : `e:${email}`),
    list_id: options.listId,
    external_id: externalId,
    phone,
    email,
    first_name: cell('firstName'),
    last_name: cell('lastName'),
    timezone,
    state: cell('state')?.toUpperCase() ?? null,
    postal_code: cell('postalCode'),
    attributes: JSON.stringify(attributes),
    consent: JSON.stringify(consent),
    created_at: options.now,
  };
}
