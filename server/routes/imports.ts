// Contact list imports as jobs: an upload answered 202 is followed here until its report is in.
import { createRoute, z } from '@hono/zod-openapi';
import { importJob, listImportJobs } from '../../runtime/contacts/import-jobs.ts';
import type { Store } from '../../runtime/store/dialect.ts';
import { requireRole } from '../http/auth.ts';
import { notFound } from '../http/errors.ts';
import { errors, json, router, security } from '../http/openapi.ts';
import { ImportJobSchema as ImportJob } from '../api-schemas.ts';

export function importRoutes(store: Store, now: () => number) {
  const viewer = requireRole(store.db, 'viewer', now);
  // Progress and staleness are wall-clock matters, whatever clock the runs play on.
  return router()
    .openapi(
      createRoute({
        method: 'get',
        path: '/',
        middleware: [viewer],
        security,
        summary: 'Recent contact list imports, newest first (without their reports)',
        request: { query: z.object({ list: z.string().optional(), limit: z.coerce.number().int().min(1).max(100).default(20) }) },
        responses: { 200: json(z.object({ imports: z.array(ImportJob) }), 'The imports'), 400: errors[400], 401: errors[401], 403: errors[403] },
      }),
      async (c) => {
        const { list, limit } = c.req.valid('query');
        return c.json({ imports: await listImportJobs(store.db, { limit, now: Date.now(), ...(list && { listId: list }) }) }, 200);
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/{id}',
        middleware: [viewer],
        security,
        summary: "An import's progress (rows read, imported, problems) while it runs, and its report once it ends",
        request: {
          params: z.object({
            id: z
              .string()
              .min(1)
              .openapi({ param: { name: 'id', in: 'path' } }),
          }),
        },
        responses: { 200: json(ImportJob, 'The import'), 401: errors[401], 403: errors[403], 404: errors[404] },
      }),
      async (c) => {
        const { id } = c.req.valid('param');
        const job = await importJob(store.db, id, Date.now());
        if (!job) throw notFound(`The import "${id}"`);
        return c.json(job, 200);
      },
    );
}
