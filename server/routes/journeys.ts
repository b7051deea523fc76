// Journeys: drafts (validated, stored canonical), immutable published versions, and the diff between any two.
import { createHash } from 'node:crypto';
import { createRoute, z } from '@hono/zod-openapi';
import { diffJourneys, renderDiff } from '../../schemas/diff.ts';
import { formatJourney } from '../../schemas/format.ts';
import { hasErrors } from '../../schemas/problems.ts';
import { validateJourney } from '../../schemas/validate.ts';
import type { Selectable } from 'kysely';
import type { Store } from '../../runtime/store/dialect.ts';
import type { JourneyTable } from '../../runtime/store/schema.ts';
import { parseJson } from '../../runtime/store/json.ts';
import { recordAudit } from '../../runtime/store/repositories/audit.ts';
import { publishJourney } from '../../runtime/store/repositories/journeys.ts';
import { conflictError } from '../../runtime/errors.ts';
import {
  DiffAnswerSchema as Diff,
  JourneyDocumentSchema as JourneyDocument,
  JourneyDraftSchema as Draft,
  JourneySummarySchema as Summary,
  VersionSchema,
  VersionWithContentSchema as VersionContent,
} from '../api-schemas.ts';
import type { EditConflict, JourneyDraft, Version } from '../api-types.ts';
import { requireRole } from '../http/auth.ts';
import { ApiError, notFound } from '../http/errors.ts';
import { errors, json, router, security } from '../http/openapi.ts';

const IdParam = z.object({
  id: z
    .string()
    .min(1)
    .openapi({ param: { name: 'id', in: 'path' } }),
});

/** Validates a document for storing; errors refuse it with 422 and the validator's list, warnings travel with it. */
function checked(document: unknown) {
  const { journey, problems } = validateJourney(document);
  if (!journey || hasErrors(problems)) {
    const errorsOnly = problems.filter((p) => p.severity === 'error');
    throw new ApiError(
      422,
      'invalid_journey',
      `The journey has ${errorsOnly.length} error${errorsOnly.length === 1 ? '' : 's'}: ${errorsOnly[0]?.message ?? ''}`,
      { problems },
    );
  }
  return { journey, problems, text: formatJourney(document) };
}

/** A draft's ETag: the hash of its canonical file, so that it changes with the content and with nothing else. */
export function draftEtag(text: string): string {
  return `"${createHash('sha256').update(text).digest('hex').slice(0, 32)}"`;
}

/**
 * Whether an If-Match header names the draft (RFC 9110: `*`, or a list of tags). A weak tag (`W/"…"`) is taken as
 * its strong form: proxies that compress the answer weaken the ETag the client then sends back.
 */
function ifMatchHolds(header: string, etag: string): boolean {
  if (header.trim() === '*') return true;
  return header.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
}

export function journeyRoutes(store: Store, now: () => number) {
  const db = store.db;
  const viewer = requireRole(db, 'viewer', now);
  const editor = requireRole(db, 'editor', now);

  async function latestVersion(id: string): Promise<number | null> {
    const row = await db
      .selectFrom('journey_versions')
      .select((eb) => eb.fn.max('version').as('v'))
      .where('journey_id', '=', id)
      .executeTakeFirst();
    return row?.v === null || row?.v === undefined ? null : Number(row.v);
  }

  async function draftOf(id: string): Promise<JourneyDraft> {
    const row = await db.selectFrom('journeys').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw notFound(`The journey "${id}"`);
    const journey = parseJson(row.draft);
    return {
      id: row.id,
      name: row.name,
      updatedAt: new Date(Number(row.updated_at)).toISOString(),
      latestVersion: await latestVersion(id),
      journey,
      text: row.draft,
      problems: validateJourney(journey).problems,
      etag: draftEtag(row.draft),
      updatedBy: row.draft_author ?? null,
    };
  }

  /** The 409 for a save made from a copy someone else has saved over since: who, when, and what theirs changes. */
  function editConflict(id: string, stored: Pick<Selectable<JourneyTable>, 'draft' | 'updated_at' | 'draft_author'>, sent: unknown): ApiError {
    const theirs = parseJson(stored.draft);
    const diff = diffJourneys(sent, theirs);
    const who = stored.draft_author ?? 'someone';
    const when = new Date(Number(stored.updated_at)).toISOString();
    const details: EditConflict = {
      updatedBy: stored.draft_author ?? null,
      updatedAt: when,
      etag: draftEtag(stored.draft),
      diff,
      text: renderDiff(diff),
      journey: theirs,
    };
    return new ApiError(
      409,
      'edit_conflict',
      `${who} saved the journey "${id}" at ${when}, after the copy this save was made from; nothing was saved. Reload their draft, or save again with If-Match: ${details.etag} to overwrite it`,
      { ...details },
    );
  }

  const versionView = (row: { journey_id: string; version: number; content_hash: string; author: string; message: string; published_at: number }): Version => ({
    journeyId: row.journey_id,
    version: Number(row.version),
    contentHash: row.content_hash,
    author: row.author,
    message: row.message,
    publishedAt: new Date(Number(row.published_at)).toISOString(),
  });

  async function contentOf(id: string, version: string): Promise<unknown> {
    if (version === 'draft') return (await draftOf(id)).journey;
    const n = Number(version);
    if (!Number.isInteger(n) || n < 1) throw new ApiError(400, 'bad_request', `"${version}" is not a version: use a number from 1, or "draft"`);
    const row = await db.selectFrom('journey_versions').select('content').where('journey_id', '=', id).where('version', '=', n).executeTakeFirst();
    if (!row) throw notFound(`Version ${n} of the journey "${id}"`);
    return parseJson(row.content);
  }

  return router()
    .openapi(
      createRoute({
        method: 'get',
        path: '/',
        middleware: [viewer],
        security,
        summary: 'List journeys',
        responses: { 200: json(z.object({ journeys: z.array(Summary) }), 'The journeys'), 401: errors[401], 403: errors[403] },
      }),
      async (c) => {
        const rows = await db.selectFrom('journeys').select(['id', 'name', 'updated_at']).orderBy('name').orderBy('id').execute();
        const journeys = await Promise.all(
          rows.map(async (r) => ({
            id: r.id,
            name: r.name,
            updatedAt: new Date(Number(r.updated_at)).toISOString(),
            latestVersion: await latestVersion(r.id),
          })),
        );
        return c.json({ journeys }, 200);
      },
    )
    .openapi(
      createRoute({
        method: 'post',
        path: '/',
        middleware: [editor],
        security,
        summary: 'Create a journey draft',
        request: { body: { content: { 'application/json': { schema: JourneyDocument } }, required: true } },
        responses: { 201: json(Draft, 'The stored draft'), 400: errors[400], 401: errors[401], 403: errors[403], 409: errors[409], 422: errors[422] },
      }),
      async (c) => {
        const { journey, text } = checked(c.req.valid('json'));
        const taken = () =>
          conflictError(`A journey with the id "${journey.id}" already exists; save to it with PUT /api/journeys/${journey.id}, or choose another id`);
        const exists = await db.selectFrom('journeys').select('id').where('id', '=', journey.id).executeTakeFirst();
        if (exists) throw taken();
        // Two creates of one id at once: the second meets the primary key, and is told the same as above.
        const inserted = await db
          .insertInto('journeys')
          .values({ id: journey.id, name: journey.name, draft: text, updated_at: now(), draft_author: c.get('caller').name })
          .onConflict((oc) => oc.column('id').doNothing())
          .executeTakeFirst();
        if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0) throw taken();
        const draft = await draftOf(journey.id);
        c.header('ETag', draft.etag);
        return c.json(draft, 201);
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/{id}',
        middleware: [viewer],
        security,
        summary: 'Get a journey draft',
        request: { params: IdParam },
        responses: { 200: json(Draft, 'The draft'), 401: errors[401], 403: errors[403], 404: errors[404] },
      }),
      async (c) => {
        const draft = await draftOf(c.req.valid('param').id);
        c.header('ETag', draft.etag);
        return c.json(draft, 200);
      },
    )
    .openapi(
      createRoute({
        method: 'put',
        path: '/{id}',
        middleware: [editor],
        security,
        summary: 'Save a journey draft',
        description:
          'With If-Match (the ETag of the draft the edit started from), a save over a draft someone else has saved since is refused with 409 edit_conflict, naming who, when and what their draft changes. Without If-Match the draft is replaced, as `journey push` does.',
        request: { params: IdParam, body: { content: { 'application/json': { schema: JourneyDocument } }, required: true } },
        responses: {
          200: json(Draft, 'The stored draft'),
          400: errors[400],
          401: errors[401],
          403: errors[403],
          404: errors[404],
          409: errors[409],
          422: errors[422],
        },
      }),
      async (c) => {
        const { id } = c.req.valid('param');
        const body = c.req.valid('json');
        if (body.id !== undefined && body.id !== id) {
          throw new ApiError(400, 'bad_request', `The file's id is "${String(body.id)}" but it was sent to the journey "${id}"; ids do not change once made`, {
            issues: [{ path: '/id', message: 'must match the journey in the URL' }],
          });
        }
        const { journey, text } = checked(body);
        const ifMatch = c.req.header('if-match');
        const values = { name: journey.name, draft: text, updated_at: now(), draft_author: c.get('caller').name };
        if (ifMatch === undefined) {
          // No If-Match: the caller means to replace whatever is there (journey push, scripts).
          const updated = await db.updateTable('journeys').set(values).where('id', '=', id).executeTakeFirst();
          if (Number(updated.numUpdatedRows) === 0) throw notFound(`The journey "${id}"`);
        } else {
          const stored = await db.selectFrom('journeys').select(['draft', 'updated_at', 'draft_author']).where('id', '=', id).executeTakeFirst();
          if (!stored) throw notFound(`The journey "${id}"`);
          if (!ifMatchHolds(ifMatch, draftEtag(stored.draft))) throw editConflict(id, stored, body);
          // Compare and set: a save that lands between the read above and this write changed the draft, and wins.
          const updated = await db.updateTable('journeys').set(values).where('id', '=', id).where('draft', '=', stored.draft).executeTakeFirst();
          if (Number(updated.numUpdatedRows) === 0) {
            const latest = await db.selectFrom('journeys').select(['draft', 'updated_at', 'draft_author']).where('id', '=', id).executeTakeFirst();
            if (!latest) throw notFound(`The journey "${id}"`);
            throw editConflict(id, latest, body);
          }
        }
        const draft = await draftOf(id);
        c.header('ETag', draft.etag);
        return c.json(draft, 200);
      },
    )
    .openapi(
      createRoute({
        method: 'post',
        path: '/{id}/versions',
        middleware: [editor],
        security,
        summary: 'Publish the draft as a new immutable version',
        request: {
          params: IdParam,
          body: {
            content: { 'application/json': { schema: z.object({ message: z.string().trim().min(1, 'Say what changed in a few words').max(500) }) } },
            required: true,
          },
        },
        responses: {
          200: json(VersionSchema, 'The latest version, unchanged: the draft equals it, so nothing was published'),
          201: json(VersionSchema, 'The new version'),
          400: errors[400],
          401: errors[401],
          403: errors[403],
          404: errors[404],
          422: errors[422],
        },
      }),
      async (c) => {
        const { id } = c.req.valid('param');
        const draft = await draftOf(id);
        checked(draft.journey);
        const caller = c.get('caller');
        const { message } = c.req.valid('json');
        const at = now();
        const published = await db.transaction().execute(async (tx) => {
          const version = await publishJourney(tx, draft.journey, { author: caller.name, message, now: at });
          // A draft equal to the latest version publishes nothing, so there is nothing to record.
          if (version.created) {
            await recordAudit(tx, {
              at,
              actor: caller,
              action: 'journey.published',
              target: id,
              journeyId: id,
              details: { version: version.version, contentHash: version.contentHash, message },
            });
          }
          return version;
        });
        const row = await db
          .selectFrom('journey_versions')
          .selectAll()
          .where('journey_id', '=', id)
          .where('version', '=', published.version)
          .executeTakeFirstOrThrow();
        // 201 only when a version was made; a client tells "published" from "already published" by the status.
        return published.created ? c.json(versionView(row), 201) : c.json(versionView(row), 200);
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/{id}/versions',
        middleware: [viewer],
        security,
        summary: 'List published versions, newest first',
        request: { params: IdParam },
        responses: { 200: json(z.object({ versions: z.array(VersionSchema) }), 'The versions'), 401: errors[401], 403: errors[403], 404: errors[404] },
      }),
      async (c) => {
        const { id } = c.req.valid('param');
        await draftOf(id);
        const rows = await db
          .selectFrom('journey_versions')
          .select(['journey_id', 'version', 'content_hash', 'author', 'message', 'published_at'])
          .where('journey_id', '=', id)
          .orderBy('version', 'desc')
          .execute();
        return c.json({ versions: rows.map(versionView) }, 200);
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/{id}/versions/{version}',
        middleware: [viewer],
        security,
        summary: 'Get one published version with its file',
        request: {
          params: IdParam.extend({
            version: z.coerce
              .number()
              .int()
              .min(1)
              .openapi({ param: { name: 'version', in: 'path' } }),
          }),
        },
        responses: { 200: json(VersionContent, 'The version'), 400: errors[400], 401: errors[401], 403: errors[403], 404: errors[404] },
      }),
      async (c) => {
        const { id, version } = c.req.valid('param');
        const row = await db.selectFrom('journey_versions').selectAll().where('journey_id', '=', id).where('version', '=', version).executeTakeFirst();
        if (!row) throw notFound(`Version ${version} of the journey "${id}"`);
        return c.json({ ...versionView(row), journey: parseJson(row.content), text: row.content }, 200);
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/{id}/diff',
        middleware: [viewer],
        security,
        summary: 'What changed between two versions (or a version and the draft)',
        request: { params: IdParam, query: z.object({ from: z.string().min(1), to: z.string().min(1).default('draft') }) },
        responses: { 200: json(Diff, 'The semantic diff and its rendering'), 400: errors[400], 401: errors[401], 403: errors[403], 404: errors[404] },
      }),
      async (c) => {
        const { id } = c.req.valid('param');
        const { from, to } = c.req.valid('query');
        const diff = diffJourneys(await contentOf(id, from), await contentOf(id, to));
        return c.json({ diff, text: renderDiff(diff) }, 200);
      },
    );
}
