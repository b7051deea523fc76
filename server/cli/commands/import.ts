// `journey import CSV --list NAME`: a contact list from CSV into the store, with the importer the API's upload uses.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { ContactField, ImportReport } from '../../../runtime/contacts/import-csv.ts';
import type { CountryCode } from 'libphonenumber-js';
import { encodingChoices, encodingNames } from '../../../runtime/contacts/decode-csv.ts';
import { UsageError, type Io } from '../io.ts';

export const importHelp = `journey import CSV --list NAME [--region US] [--column field=Header ...] [--encoding E] [--database URL]
  Imports contacts from a CSV file into the list NAME (made if new), streamed, as the server's upload does:
  phone numbers to E.164 (--region for numbers without a country code), rows merged by external id, else phone,
  else email. --column maps a header to a field (externalId, firstName, lastName, phone, email, timezone, state,
  postalCode). --encoding is utf-8, windows-1252 (latin1) or utf-16le; without it the file is UTF-8 while its bytes
  are valid UTF-8, else Windows-1252 (with a warning naming the line). Writes to the store directly, so no upload
  time limit applies. Prints each problem as CSV:LINE: [column:] message; bad rows are skipped, good rows kept.
  --database defaults to DATABASE_URL, else ./data/journeys.db. Exits 1 when the file cannot be used.`;

const fields: ContactField[] = ['externalId', 'firstName', 'lastName', 'phone', 'email', 'timezone', 'state', 'postalCode'];
export async function importCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      list: { type: 'string' },
      region: { type: 'string' },
      column: { type: 'string', multiple: true },
      encoding: { type: 'string' },
      database: { type: 'string' },
    },
    allowPositionals: true,
  });
  if (positionals.length !== 1) throw new UsageError('journey import needs one CSV file');
  if (!values.list) throw new UsageError('journey import needs --list NAME: the contact list to import into, e.g. --list overdue-accounts');
  if (!/^[a-z0-9][a-z0-9-]*$/.test(values.list))
    throw new UsageError(`--list must be lower-case letters, digits and dashes, e.g. overdue-accounts, not "${values.list}"`);
  const region = values.region?.toUpperCase();
  if (region !== undefined && !(await import('libphonenumber-js')).getCountries().includes(region as CountryCode))
    throw new UsageError(`--region must be a two-letter country code such as US, GB, AU or NZ, not "${values.region}"`);
  const encoding = values.encoding === undefined ? undefined : encodingNames[values.encoding.toLowerCase()];
  if (values.encoding !== undefined && !encoding) throw new UsageError(`--encoding must be one of ${encodingChoices}, not "${values.encoding}"`);
  const columns: Partial<Record<ContactField, string>> = {};
  for (const mapping of values.column ?? []) {
    const [field, ...header] = mapping.split('=');
    if (!header.length || !header.join('=')) throw new UsageError(`--column takes field=Header, e.g. --column phone=Mobile, not "${mapping}"`);
    if (!fields.includes(field as ContactField)) throw new UsageError(`--column ${mapping}: "${field}" is not a field; use one of ${fields.join(', ')}`);
    columns[field as ContactField] = header.join('=');
  }
  const file = positionals[0]!;
  try {
    if (!(await stat(file)).isFile()) throw new Error('EISDIR');
  } catch (error) {
    io.err(`${file}: cannot read the file: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : 'not a file'}\n`);
    return 1;
  }

  const { ImportError, importContactsCsv } = await import('../../../runtime/contacts/import-csv.ts');
  const { openStore } = await import('../../../runtime/store/dialect.ts');
  const { migrate } = await import('../../../runtime/store/migrate.ts');
  const { ensureContactList } = await import('../../../runtime/store/repositories/journeys.ts');
  const store = openStore(values.database);
  try {
    await migrate(store);
    const now = Date.now();
    const existed = await store.db.selectFrom('contact_lists').select('id').where('id', '=', values.list).executeTakeFirst();
    await ensureContactList(store.db, values.list, values.list, now);
    let report: ImportReport;
    try {
      report = await importContactsCsv(store.db, createReadStream(file), {
        listId: values.list,
        columns,
        ...(region && { defaultRegion: region as CountryCode }),
        ...(encoding && { encoding }),
        now,
      });
    } catch (error) {
      if (!(error instanceof ImportError)) throw error;
      if (!existed) await store.db.deleteFrom('contact_lists').where('id', '=', values.list).execute();
      io.err(`${file}${error.line !== undefined ? `:${error.line}` : ''}: ${error.message}\n`);
      return 1;
    }
    for (const p of report.problems)
      io.out(`${file}:${p.line}: ${p.column ? `${p.column}: ` : ''}${p.severity === 'warning' ? 'warning: ' : ''}${p.message}\n`);
    if (report.problemsTruncated) io.out(`${file}: ${report.problemsTruncated} more problems not shown\n`);
    const { n } = await store.db
      .selectFrom('contacts')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('list_id', '=', values.list)
      .executeTakeFirstOrThrow();
    io.err(
      `${file}: ${report.rows} rows: ${report.imported} new, ${report.merged} merged, ${report.skipped} skipped; the list "${values.list}" has ${Number(n)} contacts (${store.location})\n`,
    );
    return 0;
  } finally {
    await store.close();
  }
}
