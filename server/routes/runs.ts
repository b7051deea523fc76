// Runs: started over a list (now or later, live or simulated), paused, resumed, stopped, inspected, fed events.
import { createRoute, z } from '@hono/zod-openapi';
import { stream } from 'hono/streaming';
import { reportedEventTypes } from '../../schemas/events.ts';
import { csvColumns, csvRow, runEvents } from '../../runtime/event-log.ts';
import { pauseRun, resumeRun, startRun, stopRun, type AlongWith } from '../../runtime/engine/runs.ts';
import { conflictError } from '../../runtime/errors.ts';
import { missingAttributeProblems } from '../../runtime/contacts/list-columns.ts';
import { channelResults } from '../../runtime/channel-results.ts';
import { runMetrics, type RunMetrics } from '../../runtime/metrics.ts';
import type { Store } from '../../runtime/store/dialect.ts';
import { parseJson } from '../../runtime/store/json.ts';
import { recordAudit, type AuditAction, type AuditActor } from '../../runtime/store/repositories/audit.ts';
import type { Run } from '../../runtime/store/schema.ts';
import { RunMetricsWithChannelsSchema as MetricsWithChannels, RunSchema, StartRunSchema as StartRequest } from '../api-schemas.ts';
import type { RunView } from '../api-types.ts';
import { requireRole } from '../http/auth.ts';
import { ApiError, notFound } from '../http/errors.ts';
import { errors, json, router, security } from '../http/openapi.ts';
import type { Runner } from '../runner.ts';

const IdParam = z.object({
  id: z
    .string()
    .min(1)
    .openapi({ param: { name: 'id', in: 'path' } }),
});

/** Simulated agents per queue when a simulated run does not say. */
const defaultAgentsPerQueue = 10;

export function runView(run: Run, metrics: RunMetrics): RunView {
  return {
    id: run.id,
    journeyId: run.journey_id,
    version: Number(run.version),
    listId: run.list_id,
    status: run.status,
    mode: run.simulated ? 'simulated' : 'live',
    seed: Number(run.seed),
    startAt: new Date(Number(run.start_at)).toISOString(),
    createdAt: new Date(Number(run.created_at)).toISOString(),
    endedAt: run.ended_at === null ? null : new Date(Number(run.ended_at)).toISOString(),
    stopReason: run.stop_reason,
    metrics,
  };
}

export function runRoutes(store: Store, runner: Runner) {
  const db = store.db;
  const now = () => runner.now();
  const viewer = requireRole(db, 'viewer', now);
  const operator = requireRole(db, 'operator', now);

  async function load(id: string): Promise<Run> {
    const run = await db.selectFrom('runs').selectAll().where('id', '=', id).executeTakeFirst();
    if (!run) throw notFound(`The run "${id}"`);
    return run;
  }
  const view = async (id: string) => runView(await load(id), await runMetrics(db, id));

  /** The audit entry of a change to a run, written in the change's own transaction. */
  const audited =
    (actor: AuditActor, action: AuditAction, journeyId: string, details: Record<string, unknown> = {}): AlongWith =>
    (tx, runId) =>
      recordAudit(tx, { at: now(), actor, action, target: runId, journeyId, runId, details });

  /** A state change the run's status does not allow is a conflict, not a server error. */
  async function change(id: string, action: (journeyId: string) => Promise<void>): Promise<RunView> {
    const run = await load(id);
    // A status that does not allow the change is the runtime's RunError (conflict), answered 409 by onError.
    await action(run.journey_id);
    runner.wake();
    return view(id);
  }

  return router()
    .openapi(
      createRoute({
        method: 'post',
        path: '/',
        middleware: [operator],
        security,
        summary: 'Start a run of a published version over a contact list',
        request: { body: { content: { 'application/json': { schema: StartRequest } }, required: true } },
        responses: { 201: json(RunSchema, 'The run'), 400: errors[400], 401: errors[401], 403: errors[403], 404: errors[404], 409: errors[409] },
      }),
      async (c) => {
        const body = c.req.valid('json');
        const latest = await db
          .selectFrom('journey_versions')
          .select((eb) => eb.fn.max('version').as('v'))
          .where('journey_id', '=', body.journeyId)
          .executeTakeFirst();
        if (latest?.v === null || latest?.v === undefined) {
          throw new ApiError(409, 'not_published', `The journey "${body.journeyId}" has no published version yet; publish it first`);
        }
        const version = body.version ?? Number(latest.v);
        const content = await db
          .selectFrom('journey_versions')
          .select('content')
          .where('journey_id', '=', body.journeyId)
          .where('version', '=', version)
          .executeTakeFirst();
        if (!content) throw notFound(`Version ${version} of the journey "${body.journeyId}"`);
        const journey = parseJson(content.content);
        const start = Object.values(journey.nodes).find((n) => n.type === 'start');
        const audience = start?.type === 'start' ? start.config.audience : undefined;
        const listId = body.listId ?? (audience && 'list' in audience ? audience.list : undefined);
        if (!listId)
          throw new ApiError(400, 'bad_request', 'This journey starts from an event, not a list; give the list to run over as listId', {
            issues: [{ path: '/listId', message: 'required' }],
          });
        const missing = await missingAttributeProblems(db, journey, listId);
        if (missing.length) {
          throw new ApiError(
            400,
            'missing_attributes',
            `The run was not started: ${missing[0]!.message}${missing.length > 1 ? ` (and ${missing.length - 1} more)` : ''}`,
            { problems: missing },
          );
        }
        const queues = [...new Set(Object.values(journey.nodes).flatMap((n) => (n.type === 'dialer' ? [n.config.queue] : [])))];
        const simulated = body.mode === 'simulated';
        const at = now();
        // A simulated run plays on its own clock from its start; "later" only matters to a live run.
        const startAt = body.startAt ? Date.parse(body.startAt) : at;
        const startDetails = { version, listId, mode: body.mode, startAt: new Date(startAt).toISOString() };
        // A missing version or list is the runtime's RunError (not-found), answered 404 by onError.
        const run = await startRun(
          store,
          {
            journeyId: body.journeyId,
            version,
            listId,
            now: simulated ? Math.min(at, startAt) : at,
            startAt,
            simulated,
            seed: body.seed ?? 1,
            options: { agents: body.agents ?? Object.fromEntries(queues.map((q) => [q, defaultAgentsPerQueue])) },
          },
          audited(c.get('caller'), 'run.started', body.journeyId, startDetails),
        );
        if (simulated) await runner.simulate(run.id);
        else runner.wake();
        return c.json(await view(run.id), 201);
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/',
        middleware: [viewer],
        security,
        summary: 'List runs, newest first',
        request: { query: z.object({ journeyId: z.string().optional(), limit: z.coerce.number().int().min(1).max(500).default(100) }) },
        responses: { 200: json(z.object({ runs: z.array(RunSchema) }), 'The runs'), 400: errors[400], 401: errors[401], 403: errors[403] },
      }),
      async (c) => {
        const { journeyId, limit } = c.req.valid('query');
        let query = db.selectFrom('runs').selectAll().orderBy('created_at', 'desc').orderBy('id').limit(limit);
        if (journeyId) query = query.where('journey_id', '=', journeyId);
        const runs = await query.execute();
        return c.json({ runs: await Promise.all(runs.map(async (r) => runView(r, await runMetrics(db, r.id)))) }, 200);
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/{id}',
        middleware: [viewer],
        security,
        summary: 'Get a run with its metrics',
        request: { params: IdParam },
        responses: { 200: json(RunSchema, 'The run'), 401: errors[401], 403: errors[403], 404: errors[404] },
      }),
      async (c) => c.json(await view(c.req.valid('param').id), 200),
    )
    .openapi(
      createRoute({
        method: 'post',
        path: '/{id}/pause',
        middleware: [operator],
        security,
        summary: 'Pause a run: nothing moves or is sent until it resumes',
        request: { params: IdParam },
        responses: { 200: json(RunSchema, 'The run'), 401: errors[401], 403: errors[403], 404: errors[404], 409: errors[409] },
      }),
      async (c) => {
        const { id } = c.req.valid('param');
        return c.json(await change(id, (journeyId) => pauseRun(store, id, now(), audited(c.get('caller'), 'run.paused', journeyId))), 200);
      },
    )
    .openapi(
      createRoute({
        method: 'post',
        path: '/{id}/resume',
        middleware: [operator],
        security,
        summary: 'Resume a paused run',
        request: { params: IdParam },
        responses: { 200: json(RunSchema, 'The run'), 401: errors[401], 403: errors[403], 404: errors[404], 409: errors[409] },
      }),
      async (c) => {
        const { id } = c.req.valid('param');
        return c.json(await change(id, (journeyId) => resumeRun(store, id, now(), audited(c.get('caller'), 'run.resumed', journeyId))), 200);
      },
    )
    .openapi(
      createRoute({
        method: 'post',
        path: '/{id}/stop',
        middleware: [operator],
        security,
        summary: 'Stop a run: every contact still in it is released with the reason',
        request: {
          params: IdParam,
          body: { content: { 'application/json': { schema: z.object({ reason: z.string().trim().min(1).max(500).optional() }) } }, required: false },
        },
        responses: { 200: json(RunSchema, 'The run'), 400: errors[400], 401: errors[401], 403: errors[403], 404: errors[404], 409: errors[409] },
      }),
      async (c) => {
        const { id } = c.req.valid('param');
        const reason = c.req.valid('json')?.reason ?? `Stopped by ${c.get('caller').name}`;
        return c.json(await change(id, (journeyId) => stopRun(store, id, now(), reason, audited(c.get('caller'), 'run.stopped', journeyId, { reason }))), 200);
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/{id}/metrics',
        middleware: [viewer],
        security,
        summary: 'Counts per step and port, and what each channel did per run and per step',
        request: { params: IdParam },
        responses: { 200: json(MetricsWithChannels, 'The metrics'), 401: errors[401], 403: errors[403], 404: errors[404] },
      }),
      async (c) => {
        const { id } = c.req.valid('param');
        await load(id);
        return c.json({ ...(await runMetrics(db, id)), channels: await channelResults(db, id) }, 200);
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/{id}/events',
        middleware: [viewer],
        security,
        summary: 'The events of a run as CloudEvents (NDJSON) or CSV',
        request: {
          params: IdParam,
          query: z.object({
            format: z.enum(['ndjson', 'csv']).default('ndjson'),
            after: z.coerce.number().int().min(0).default(0),
            limit: z.coerce.number().int().min(1).optional(),
          }),
        },
        responses: {
          200: { content: { 'application/x-ndjson': { schema: z.string() }, 'text/csv': { schema: z.string() } }, description: 'One event per line' },
          400: errors[400],
          401: errors[401],
          403: errors[403],
          404: errors[404],
        },
      }),
      async (c) => {
        const { id } = c.req.valid('param');
        const { format, after, limit } = c.req.valid('query');
        await load(id);
        c.header('content-type', format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8');
        if (format === 'csv') c.header('content-disposition', `attachment; filename="run-${id}-events.csv"`);
        return stream(c, async (out) => {
          if (format === 'csv') await out.write(`${csvColumns.join(',')}\n`);
          let lines: string[] = [];
          for await (const event of runEvents(db, id, { after, ...(limit !== undefined && { limit }) })) {
            lines.push(format === 'csv' ? csvRow(event) : JSON.stringify(event));
            if (lines.length >= 500) {
              await out.write(`${lines.join('\n')}\n`);
              lines = [];
            }
          }
          if (lines.length) await out.write(`${lines.join('\n')}\n`);
        });
      },
    )
    .openapi(
      createRoute({
        method: 'post',
        path: '/{id}/events',
        middleware: [operator],
        security,
        summary:
          "A contact's reaction from outside (a click, a reply, an open, an unsubscribe or spam complaint an email service reported), for the steps that wait for it and for the lists",
        request: {
          params: IdParam,
          body: {
            content: {
              'application/json': {
                schema: z
                  .object({ contactId: z.string().min(1), type: z.enum(reportedEventTypes), data: z.record(z.string(), z.unknown()).optional() })
                  .strict(),
              },
            },
            required: true,
          },
        },
        responses: {
          202: json(z.object({ accepted: z.literal(true), at: z.string() }), 'Recorded; it takes effect on the next round'),
          400: errors[400],
          401: errors[401],
          403: errors[403],
          404: errors[404],
          409: errors[409],
        },
      }),
      async (c) => {
        const { id } = c.req.valid('param');
        const body = c.req.valid('json');
        const run = await load(id);
        if (run.status === 'scheduled') throw conflictError(`The run "${id}" has not started yet`);
        const cursor = await db.selectFrom('cursors').select('node_id').where('run_id', '=', id).where('contact_id', '=', body.contactId).executeTakeFirst();
        if (!cursor) throw notFound(`The contact "${body.contactId}" in the run "${id}"`);
        // The step and the exit are the runtime's to say: a posted `nodeId` or `exit` would move the contact anywhere.
        const { nodeId: _nodeId, exit: _exit, ...data } = body.data ?? {};
        const at = await runner.react({ runId: id, contactId: body.contactId, type: body.type, data: { ...data, nodeId: cursor.node_id } });
        return c.json({ accepted: true as const, at: new Date(at).toISOString() }, 202);
      },
    );
}
