// The audit log from the API: the whole log for admins, and a run's own entries for whoever may read the run. Read
// only: there is no route that changes or removes an entry.
import { createRoute, z } from '@hono/zod-openapi';
import { auditActions, listAudit, type AuditEntry } from '../../runtime/store/repositories/audit.ts';
import type { Store } from '../../runtime/store/dialect.ts';
import { AuditEntrySchema } from '../api-schemas.ts';
import type { AuditEntryView } from '../api-types.ts';
import { requireRole } from '../http/auth.ts';
import { notFound } from '../http/errors.ts';
import { errors, json, router, security } from '../http/openapi.ts';

const Page = {
  limit: z.coerce.number().int().min(1).max(500).default(100).openapi({ description: 'Entries per page, newest first' }),
  offset: z.coerce.number().int().min(0).default(0),
};

const view = (e: AuditEntry): AuditEntryView => ({ ...e, at: new Date(e.at).toISOString() });

export function auditRoutes(store: Store, now: () => number) {
  const admin = requireRole(store.db, 'admin', now);
  return router().openapi(
    createRoute({
      method: 'get',
      path: '/',
      middleware: [admin],
      security,
      summary: 'The audit log, newest first: who published, started, paused, resumed or stopped, changed who may be contacted, or made or revoked a token',
      request: {
        query: z.object({
          runId: z.string().min(1).optional(),
          journeyId: z.string().min(1).optional(),
          action: z.enum(auditActions).optional(),
          before: z.iso.datetime({ offset: true }).optional().openapi({ description: 'Entries strictly before this moment' }),
          after: z.iso.datetime({ offset: true }).optional().openapi({ description: 'Entries at or after this moment' }),
          ...Page,
        }),
      },
      responses: { 200: json(z.object({ entries: z.array(AuditEntrySchema) }), 'The entries'), 400: errors[400], 401: errors[401], 403: errors[403] },
    }),
    async (c) => {
      const { runId, journeyId, action, before, after, limit, offset } = c.req.valid('query');
      const entries = await listAudit(store.db, {
        limit,
        offset,
        ...(runId && { runId }),
        ...(journeyId && { journeyId }),
        ...(action && { action }),
        ...(before && { before: Date.parse(before) }),
        ...(after && { after: Date.parse(after) }),
      });
      return c.json({ entries: entries.map(view) }, 200);
    },
  );
}

/** Mounted under /runs: a run's own entries, for the run's page. */
export function runAuditRoutes(store: Store, now: () => number) {
  const viewer = requireRole(store.db, 'viewer', now);
  return router().openapi(
    createRoute({
      method: 'get',
      path: '/{id}/audit',
      middleware: [viewer],
      security,
      summary: 'Who started, paused, resumed or stopped the run, and when; newest first',
      request: {
        params: z.object({
          id: z
            .string()
            .min(1)
            .openapi({ param: { name: 'id', in: 'path' } }),
        }),
        query: z.object(Page),
      },
      responses: {
        200: json(z.object({ entries: z.array(AuditEntrySchema) }), 'The entries'),
        400: errors[400],
        401: errors[401],
        403: errors[403],
        404: errors[404],
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const { limit, offset } = c.req.valid('query');
      const run = await store.db.selectFrom('runs').select('id').where('id', '=', id).executeTakeFirst();
      if (!run) throw notFound(`The run "${id}"`);
      return c.json({ entries: (await listAudit(store.db, { runId: id, limit, offset })).map(view) }, 200);
    },
  );
}
