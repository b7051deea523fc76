// GET /api/runs/:id/results: one row per contact (outcome, end step, when, last call, sends per channel) as CSV or
// NDJSON, streamed a page of contacts at a time.
import { createRoute, z } from '@hono/zod-openapi';
import { stream } from 'hono/streaming';
import { csvCell } from '../../runtime/event-log.ts';
import { resultColumns, runResults } from '../../runtime/run-results.ts';
import type { Store } from '../../runtime/store/dialect.ts';
import { requireRole } from '../http/auth.ts';
import { notFound } from '../http/errors.ts';
import { errors, router, security } from '../http/openapi.ts';

export const ContactResultSchema = z
  .object({
    contactId: z.string(),
    externalId: z.string().nullable(),
    firstName: z.string().nullable(),
    lastName: z.string().nullable(),
    phone: z.string().nullable(),
    email: z.string().nullable(),
    status: z.enum(['finished', 'released', 'in-journey']),
    outcome: z.string().nullable(),
    step: z.string().openapi({ description: 'The step it ended at, or is at while still in the journey' }),
    converted: z.boolean().nullable().openapi({ description: 'Null until journeys have goals' }),
    endedAt: z.string().nullable(),
    lastCallOutcome: z.string().nullable(),
    texts: z.number().int(),
    emails: z.number().int(),
    calls: z.number().int(),
    webhooks: z.number().int(),
  })
  .openapi('ContactResult');

export function runResultRoutes(store: Store, now: () => number) {
  const db = store.db;
  const viewer = requireRole(db, 'viewer', now);
  return router().openapi(
    createRoute({
      method: 'get',
      path: '/{id}/results',
      middleware: [viewer],
      security,
      summary: 'One row per contact of a run with its outcome, end step, last call and sends per channel, as CSV or NDJSON',
      request: {
        params: z.object({
          id: z
            .string()
            .min(1)
            .openapi({ param: { name: 'id', in: 'path' } }),
        }),
        query: z.object({ format: z.enum(['csv', 'ndjson']).default('csv') }),
      },
      responses: {
        200: {
          content: { 'text/csv': { schema: z.string() }, 'application/x-ndjson': { schema: ContactResultSchema } },
          description: 'One contact per line (CSV with a header row)',
        },
        400: errors[400],
        401: errors[401],
        403: errors[403],
        404: errors[404],
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const { format } = c.req.valid('query');
      const run = await db.selectFrom('runs').select('id').where('id', '=', id).executeTakeFirst();
      if (!run) throw notFound(`The run "${id}"`);
      c.header('content-type', format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8');
      if (format === 'csv') c.header('content-disposition', `attachment; filename="run-${id}-results.csv"`);
      return stream(c, async (out) => {
        if (format === 'csv') await out.write(`${resultColumns.join(',')}\n`);
        let lines: string[] = [];
        for await (const row of runResults(db, id)) {
          lines.push(format === 'csv' ? resultColumns.map((k) => csvCell(row[k])).join(',') : JSON.stringify(row));
          if (lines.length >= 500) {
            await out.write(`${lines.join('\n')}\n`);
            lines = [];
          }
        }
        if (lines.length) await out.write(`${lines.join('\n')}\n`);
      });
    },
  );
}
