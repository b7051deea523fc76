// Contact lists: made by name, filled by a streamed CSV upload (a million rows never held in memory) or one by one.
import { createRoute, z } from '@hono/zod-openapi';
import type { CountryCode } from 'libphonenumber-js';
import { getCountries } from 'libphonenumber-js';
import { encodingChoices, encodingNames } from '../../runtime/contacts/decode-csv.ts';
import type { ContactField } from '../../runtime/contacts/import-csv.ts';
import { importJob, listImportJobs, startImportJob, UploadSpool } from '../../runtime/contacts/import-jobs.ts';
import { upsertContact } from '../../runtime/contacts/upsert-contact.ts';
import { sql, type ExpressionBuilder, type RawBuilder } from 'kysely';
import type { Store } from '../../runtime/store/dialect.ts';
import type { Database } from '../../runtime/store/schema.ts';
import { recordAudit } from '../../runtime/store/repositories/audit.ts';
import { ensureContactList } from '../../runtime/store/repositories/journeys.ts';
import { conflictError } from '../../runtime/errors.ts';
import { toContactView } from '../../runtime/engine/interpreter.ts';
import { ContactListSchema as ListView, ContactSchema, ImportJobSchema as ImportJob, ImportReportSchema as Report } from '../api-schemas.ts';
import type { ContactListView } from '../api-types.ts';
import { requireRole } from '../http/auth.ts';
import { ApiError, notFound } from '../http/errors.ts';
import { errors, json, router, security } from '../http/openapi.ts';
import { BodyTooLargeError, limitedBody, tooLarge } from '../upload-body.ts';
import { parseJson } from '../../runtime/store/json.ts';

/** A CSV of a million contacts is some 100 MB; this leaves room and still refuses a runaway upload. */
export const maxCsvBytes = 1024 * 1024 * 1024;
/** How long an upload waits, once the whole file is in, for its import to end before answering 202 with the job. */
const defaultWaitSeconds = 10;
const maxWaitSeconds = 120;

const fields: ContactField[] = ['externalId', 'firstName', 'lastName', 'phone', 'email', 'timezone', 'state', 'postalCode'];
const countries = new Set<string>(getCountries());

const IdParam = z.object({
  id: z
    .string()
    .min(1)
    .openapi({ param: { name: 'id', in: 'path' } }),
});
const slug = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'Use lower-case letters, digits and dashes, starting with a letter or digit, e.g. "overdue-accounts"');
const Region = z
  .string()
  .refine((r) => countries.has(r.toUpperCase()), 'Use a two-letter country code such as US, GB, AU or NZ')
  .transform((r) => r.toUpperCase() as CountryCode);
const ContactInput = z
  .object({
    externalId: z.string().optional(),
    phone: z.string().optional(),
    email: z.string().optional(),
    firstName: z.string().optional(),
    lastName: z.string().optional(),
    timezone: z.string().optional(),
    state: z.string().optional(),
    postalCode: z.string().optional(),
    attributes: z.record(z.string(), z.unknown()).optional(),
    consent: z.record(z.string(), z.boolean()).optional(),
  })
  .strict()
  .openapi('ContactInput');

/**
 * Contacts whose name, phone, email or external id contains `text`, case aside. Digits typed with spaces, dashes or
 * brackets ("202 555-0101") find the phone numbers that contain them.
 */
function matching(text: string) {
  const escapeLike = (value: string) => value.replace(/[\\%_]/g, (ch) => `\\${ch}`);
  const pattern = `%${escapeLike(text.toLowerCase())}%`;
  const contains = (column: RawBuilder<unknown>) => sql<boolean>`lower(${column}) like ${pattern} escape '\\'`;
  const digits = text.replace(/[\s().+-]/g, '');
  return (eb: ExpressionBuilder<Database, 'contacts'>) =>
    eb.or([
      contains(sql.ref('first_name')),
      contains(sql.ref('last_name')),
      contains(sql`coalesce(first_name, '') || ' ' || coalesce(last_name, '')`),
      contains(sql.ref('email')),
      contains(sql.ref('external_id')),
      contains(sql.ref('phone')),
      ...(/^\d{3,}$/.test(digits) && digits !== text ? [sql<boolean>`phone like ${`%${digits}%`}`] : []),
    ]);
}

export function contactListRoutes(store: Store, now: () => number) {
  const db = store.db;
  const viewer = requireRole(db, 'viewer', now);
  const editor = requireRole(db, 'editor', now);

  async function listView(id: string): Promise<ContactListView> {
    const row = await db.selectFrom('contact_lists').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw notFound(`The contact list "${id}"`);
    const { n } = await db
      .selectFrom('contacts')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('list_id', '=', id)
      .executeTakeFirstOrThrow();
    return {
      id: row.id,
      name: row.name,
      contacts: Number(n),
      createdAt: new Date(Number(row.created_at)).toISOString(),
      columns: row.columns ? parseJson(row.columns) : null,
    };
  }

  const app = router()
    .openapi(
      createRoute({
        method: 'get',
        path: '/',
        middleware: [viewer],
        security,
        summary: 'List contact lists',
        responses: { 200: json(z.object({ lists: z.array(ListView) }), 'The lists'), 401: errors[401], 403: errors[403] },
      }),
      async (c) => {
        const rows = await db
          .selectFrom('contact_lists')
          .leftJoin('contacts', 'contacts.list_id', 'contact_lists.id')
          .select([
            'contact_lists.id',
            'contact_lists.name',
            'contact_lists.created_at',
            'contact_lists.columns',
            (eb) => eb.fn.count<number>('contacts.id').as('n'),
          ])
          .groupBy(['contact_lists.id', 'contact_lists.name', 'contact_lists.created_at', 'contact_lists.columns'])
          .orderBy('contact_lists.name')
          .execute();
        return c.json(
          {
            lists: rows.map((r) => ({
              id: r.id,
              name: r.name,
              contacts: Number(r.n),
              createdAt: new Date(Number(r.created_at)).toISOString(),
              columns: r.columns ? parseJson(r.columns) : null,
            })),
          },
          200,
        );
      },
    )
    .openapi(
      createRoute({
        method: 'post',
        path: '/',
        middleware: [editor],
        security,
        summary: 'Create a contact list',
        request: { body: { content: { 'application/json': { schema: z.object({ id: slug, name: z.string().trim().min(1).max(200) }) } }, required: true } },
        responses: { 201: json(ListView, 'The new list'), 400: errors[400], 401: errors[401], 403: errors[403], 409: errors[409] },
      }),
      async (c) => {
        const { id, name } = c.req.valid('json');
        const exists = await db.selectFrom('contact_lists').select('id').where('id', '=', id).executeTakeFirst();
        if (exists) throw conflictError(`A contact list with the id "${id}" already exists`);
        await ensureContactList(db, id, name, now());
        return c.json(await listView(id), 201);
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/{id}',
        middleware: [viewer],
        security,
        summary: 'Get a contact list',
        request: { params: IdParam },
        responses: { 200: json(ListView, 'The list'), 401: errors[401], 403: errors[403], 404: errors[404] },
      }),
      async (c) => c.json(await listView(c.req.valid('param').id), 200),
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/{id}/contacts',
        middleware: [viewer],
        security,
        summary: 'Page through the contacts of a list, or those matching a search',
        request: {
          params: IdParam,
          query: z.object({
            limit: z.coerce.number().int().min(1).max(1000).default(50),
            after: z.string().optional().openapi({ description: 'The `next` of the previous page: the contacts after this id' }),
            q: z
              .string()
              .max(200)
              .optional()
              .openapi({ description: 'Contacts whose name, phone, email or external id contains this, without regard to case' }),
          }),
        },
        responses: {
          200: json(
            z.object({
              contacts: z.array(ContactSchema),
              next: z.string().nullable().openapi({ description: 'Send as `after` for the next page; null on the last page' }),
            }),
            'A page of contacts, in id order',
          ),
          400: errors[400],
          401: errors[401],
          403: errors[403],
          404: errors[404],
        },
      }),
      async (c) => {
        const { id } = c.req.valid('param');
        const { limit, after, q } = c.req.valid('query');
        await listView(id);
        // One more than asked for says whether there is a next page.
        let query = db
          .selectFrom('contacts')
          .selectAll()
          .where('list_id', '=', id)
          .orderBy('id')
          .limit(limit + 1);
        if (after) query = query.where('id', '>', after);
        const search = q?.trim();
        if (search) query = query.where(matching(search));
        const rows = await query.execute();
        const page = rows.slice(0, limit);
        return c.json({ contacts: page.map(toContactView), next: rows.length > limit ? page[page.length - 1]!.id : null }, 200);
      },
    )
    .openapi(
      createRoute({
        method: 'post',
        path: '/{id}/contacts',
        middleware: [editor],
        security,
        summary: 'Add a contact, or update the one with the same external id (else phone, else email)',
        request: {
          params: IdParam,
          query: z.object({ region: Region.optional() }),
          body: { content: { 'application/json': { schema: ContactInput } }, required: true },
        },
        responses: {
          200: json(ContactSchema, 'The merged contact'),
          201: json(ContactSchema, 'The new contact'),
          400: errors[400],
          401: errors[401],
          403: errors[403],
          404: errors[404],
        },
      }),
      async (c) => {
        const { id } = c.req.valid('param');
        await listView(id);
        const { region } = c.req.valid('query');
        // A field the contact cannot be stored with is the runtime's ContactFieldError (invalid, with its issue): 400.
        const written = await upsertContact(db, id, c.req.valid('json'), { ...(region && { defaultRegion: region }), now: now() });
        const row = await db.selectFrom('contacts').selectAll().where('id', '=', written.id).executeTakeFirstOrThrow();
        return written.created ? c.json(toContactView(row), 201) : c.json(toContactView(row), 200);
      },
    )
    .openapi(
      createRoute({
        method: 'delete',
        path: '/{id}',
        middleware: [editor],
        security,
        summary: 'Delete a contact list with its contacts and its imports; refused (409) while a run uses it or an import into it runs',
        request: { params: IdParam },
        responses: {
          200: json(
            z.object({ id: z.string(), name: z.string(), contacts: z.number().int() }),
            'The list that was deleted, with how many contacts went with it',
          ),
          401: errors[401],
          403: errors[403],
          404: errors[404],
          409: errors[409],
        },
      }),
      async (c) => {
        const { id } = c.req.valid('param');
        const caller = c.get('caller');
        const at = now();
        const deleted = await db.transaction().execute(async (tx) => {
          const list = await tx.selectFrom('contact_lists').select(['id', 'name']).where('id', '=', id).executeTakeFirst();
          if (!list) throw notFound(`The contact list "${id}"`);
          // A run's history, its compliance report and its contacts' consent changes read the list's contacts: a list a
          // run played is kept.
          const runs = await tx.selectFrom('runs').select('id').where('list_id', '=', id).orderBy('created_at', 'desc').execute();
          if (runs.length) {
            const named = runs.slice(0, 3).map((r) => r.id);
            const which = `${runs.length === 1 ? 'a run uses it' : `${runs.length} runs use it`} (${named.join(', ')}${runs.length > 3 ? ', …' : ''})`;
            throw conflictError(
              `The list "${list.name}" cannot be deleted: ${which}. A list a run has played is kept, because the run's history and compliance report read its contacts.`,
            );
          }
          const running = (await listImportJobs(tx, { listId: id, limit: 100, now: Date.now() })).filter((j) => j.status === 'running');
          if (running.length)
            throw conflictError(
              `The list "${list.name}" cannot be deleted while a file is being imported into it (${running[0]!.id}); wait for the import to end.`,
            );
          const { n } = await tx
            .selectFrom('contacts')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('list_id', '=', id)
            .executeTakeFirstOrThrow();
          await tx.deleteFrom('contacts').where('list_id', '=', id).execute();
          await tx.deleteFrom('imports').where('list_id', '=', id).execute();
          await tx.deleteFrom('contact_lists').where('id', '=', id).execute();
          const contacts = Number(n);
          await recordAudit(tx, { at, actor: caller, action: 'contact-list.deleted', target: id, details: { name: list.name, contacts } });
          return { id, name: list.name, contacts };
        });
        return c.json(deleted, 200);
      },
    );

  // The CSV upload streams its body into the importer, which an OpenAPI-validated body would read whole first; it is
  // described by hand below.
  app.put('/:id/csv', editor, async (c) => {
    const id = c.req.param('id');
    const idCheck = slug.safeParse(id);
    if (!idCheck.success)
      throw new ApiError(400, 'bad_request', `"${id}" cannot be a list id: ${idCheck.error.issues[0]?.message ?? ''}`, {
        issues: [{ path: '/id', message: idCheck.error.issues[0]?.message ?? 'not a slug' }],
      });
    const query = new URL(c.req.url).searchParams;
    const columns: Partial<Record<ContactField, string>> = {};
    for (const [key, value] of query) {
      if (!key.startsWith('column.')) continue;
      const field = key.slice(7) as ContactField;
      if (!fields.includes(field))
        throw new ApiError(400, 'bad_request', `"${key}" maps no known field; use column.<field> with one of ${fields.join(', ')}`, {
          issues: [{ path: `/${key}`, message: 'unknown field' }],
        });
      columns[field] = value;
    }
    const regionText = query.get('region');
    const region = regionText === null ? undefined : Region.safeParse(regionText);
    if (region && !region.success)
      throw new ApiError(400, 'bad_request', `"${regionText}" is not a country: use a two-letter code such as US, GB, AU or NZ`, {
        issues: [{ path: '/region', message: 'unknown country' }],
      });
    const encodingText = query.get('encoding');
    const encoding = encodingText === null ? undefined : encodingNames[encodingText.toLowerCase()];
    if (encodingText !== null && !encoding)
      throw new ApiError(
        400,
        'bad_request',
        `"${encodingText}" is not an encoding this import reads: use one of ${encodingChoices}, or leave it out to have it worked out`,
        { issues: [{ path: '/encoding', message: 'unknown encoding' }] },
      );
    const waitText = query.get('wait');
    const wait = waitText === null ? defaultWaitSeconds : Number(waitText);
    if (!Number.isFinite(wait) || wait < 0 || wait > maxWaitSeconds)
      throw new ApiError(400, 'bad_request', `wait=${waitText}: give the seconds to wait for the import before answering 202, from 0 to ${maxWaitSeconds}`, {
        issues: [{ path: '/wait', message: 'not a number of seconds' }],
      });
    const body = limitedBody(c.req.raw, maxCsvBytes, 'the CSV file');
    const existed = await db.selectFrom('contact_lists').select('id').where('id', '=', id).executeTakeFirst();
    await ensureContactList(db, id, query.get('name') ?? id, now());
    const spool = await UploadSpool.create();
    const job = await startImportJob(db, spool, {
      listId: id,
      columns,
      ...(region?.success && { defaultRegion: region.data }),
      ...(encoding && { encoding }),
      now: now(),
      actor: c.get('caller').name,
      // A file refused before any row landed leaves no empty list behind.
      onRefused: async () => {
        if (!existed && !(await db.selectFrom('contacts').select('id').where('list_id', '=', id).limit(1).executeTakeFirst())) {
          await db.deleteFrom('contact_lists').where('id', '=', id).execute();
        }
      },
    });
    // Unhandled, a failed job would end the process; its outcome is in the imports table either way.
    void job.done.catch(() => {});
    const location = `/api/imports/${job.id}`;
    try {
      await spool.receive(body);
    } catch (error) {
      // The importer still takes the whole rows that arrived and records where the upload stopped.
      if (error instanceof BodyTooLargeError) throw tooLarge(maxCsvBytes, 'the CSV file');
      c.header('location', location);
      throw new ApiError(
        400,
        'bad_csv',
        `The upload was cut off before the end of the file (${(error as Error).message}); the rows before the cut are being imported: see ${location}, then send the whole file again (rows already imported are merged, not duplicated)`,
        { import: job.id },
      );
    }
    // The whole file is in; a small one is imported by now or soon, a large one is answered with where to follow it.
    let timer: number | undefined;
    const ended = await Promise.race([job.done, new Promise<undefined>((resolve) => (timer = setTimeout(resolve, wait * 1000)))]);
    clearTimeout(timer);
    c.header('location', location);
    if (!ended) return c.json({ import: await importJob(db, job.id, Date.now()) }, 202);
    if (ended.status === 'failed')
      throw new ApiError(400, 'bad_csv', ended.message ?? 'The file could not be imported', {
        ...(ended.line !== null && { line: ended.line }),
        import: job.id,
      });
    return c.json({ report: ended.report!, list: await listView(id), import: { ...ended, report: null } }, 200);
  });
  app.openAPIRegistry.registerPath({
    method: 'put',
    path: '/{id}/csv',
    summary: 'Upload contacts as CSV (streamed; bad rows skipped and reported with their line, good rows kept)',
    security,
    request: {
      params: IdParam,
      query: z.object({
        region: z.string().optional(),
        name: z.string().optional(),
        encoding: z
          .enum(['utf-8', 'windows-1252', 'latin1', 'utf-16le'])
          .optional()
          .openapi({ description: 'Without it: UTF-8 while the bytes are valid UTF-8 (or as a byte order mark says), else Windows-1252' }),
        wait: z
          .number()
          .min(0)
          .max(maxWaitSeconds)
          .optional()
          .openapi({ description: `Seconds to wait, once the file is in, for the import to end before answering 202 (default ${defaultWaitSeconds})` }),
        ...Object.fromEntries(
          fields.map((field) => [
            `column.${field}`,
            z
              .string()
              .optional()
              .openapi({
                description: `The header of the column that holds ${field}; empty to read it from no column; without it, guessed from the header's name`,
              }),
          ]),
        ),
      }),
      body: { content: { 'text/csv': { schema: z.string() } }, required: true },
    },
    responses: {
      200: json(z.object({ report: Report, list: ListView, import: ImportJob }), 'The import report; Location names the import'),
      202: json(z.object({ import: ImportJob }), 'The file is in and still importing: follow GET /api/imports/{id} (the Location)'),
      400: errors[400],
      401: errors[401],
      403: errors[403],
      413: errors[413],
    },
  });
  return app;
}
