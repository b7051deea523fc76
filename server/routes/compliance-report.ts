// GET /api/runs/:id/compliance-report: the records a seller keeps for the abandoned-call safe harbour, as JSON or as
// one CSV a spreadsheet opens (?format=csv or Accept: text/csv).
import { createRoute, z } from '@hono/zod-openapi';
import { complianceReportCsv } from '../../runtime/compliance/report.ts';
import type { Store } from '../../runtime/store/dialect.ts';
import { loadComplianceReport } from '../../runtime/store/repositories/compliance-report.ts';
import { complianceProfileIds } from '../../schemas/compliance-profiles.ts';
import { requireRole } from '../http/auth.ts';
import { errors, router, security } from '../http/openapi.ts';
import type { Runner } from '../runner.ts';

const time = z.string().openapi({ format: 'date-time' });
const basis = z.enum(['recorded', 'estimate', 'unknown']);

const Period = z.object({
  from: time,
  to: time,
  runs: z.array(z.string()),
  callsPlaced: z.number(),
  liveAnswers: z.number(),
  abandoned: z.number(),
  detectorHangUpsOnPeople: z.number().nullable(),
  detectorBasis: basis,
  rate: z.number(),
  capPercent: z.number(),
  withinCap: z.boolean(),
});

const RegistryCopy = z.object({ source: z.string(), downloadedAt: time, importedAt: time, entries: z.number() });

export const ComplianceReportSchema = z
  .object({
    generatedAt: time,
    run: z.object({
      id: z.string(),
      journeyId: z.string(),
      journeyName: z.string(),
      version: z.number(),
      mode: z.enum(['live', 'simulated']),
      status: z.string(),
      startAt: time,
      endAt: time,
    }),
    profile: z.object({
      id: z.enum(complianceProfileIds),
      name: z.string(),
      abandonment: z.object({
        capPercent: z.number(),
        windowHours: z.number(),
        per: z.enum(['campaign', 'call-centre']),
        connectWithinSeconds: z.number(),
        measuredFrom: z.enum(['greeting-end', 'greeting-start']),
        source: z.string(),
      }),
      minimumRingSeconds: z.number(),
      ringSource: z.string(),
      informationMessageRequired: z.boolean(),
      informationMessageSource: z.string(),
    }),
    campaign: z.object({
      journeyId: z.string(),
      runs: z.array(z.object({ id: z.string(), mode: z.enum(['live', 'simulated']), startAt: time })),
      note: z.string(),
    }),
    summary: z.object({
      callsPlaced: z.number(),
      answered: z.number(),
      liveAnswers: z.number(),
      abandoned: z.object({ total: z.number(), noAgent: z.number(), connectedLate: z.number(), detectorHangUpsOnPeople: z.number(), notConnected: z.number() }),
      detector: z.object({ basis, machineVerdicts: z.number(), people: z.number().nullable(), note: z.string() }),
      abandonmentRate: z.number(),
      informationMessage: z.object({ played: z.number(), notPlayed: z.number() }),
      unanswered: z.object({ count: z.number(), minimumRingSeconds: z.number(), shortestRingSeconds: z.number().nullable(), underMinimum: z.number() }),
      recordedMessageCalls: z.number(),
    }),
    periods: z.array(Period),
    abandonedCalls: z.array(
      z.object({
        runId: z.string(),
        stepId: z.string(),
        contactId: z.string(),
        to: z.string().nullable(),
        placedAt: time,
        answeredAt: time,
        reason: z.enum(['no-agent', 'connected-late', 'detector-took-person-for-machine', 'not-connected']),
        connectedAfterSeconds: z.number().nullable(),
        message: z.object({ played: z.boolean(), kind: z.enum(['information', 'step-message']).nullable(), text: z.string().nullable() }),
      }),
    ),
    unansweredCalls: z.array(
      z.object({
        runId: z.string(),
        stepId: z.string(),
        contactId: z.string(),
        to: z.string().nullable(),
        placedAt: time,
        ringSeconds: z.number(),
        underMinimum: z.boolean(),
      }),
    ),
    registry: z.object({
      name: z.string(),
      maxAgeDays: z.number(),
      atStart: RegistryCopy.extend({ ageDays: z.number(), withinMaxAge: z.boolean() }).nullable(),
      importedDuringRun: z.array(RegistryCopy),
    }),
    permissionChanges: z.array(
      z.object({
        at: time,
        kind: z.string(),
        change: z.string(),
        channel: z.string(),
        value: z.string(),
        reason: z.string(),
        source: z.string(),
        contactId: z.string().nullable(),
        actor: z.string().nullable(),
        scope: z.enum(['shared', 'run']),
      }),
    ),
  })
  .openapi('ComplianceReport');

const IdParam = z.object({
  id: z
    .string()
    .min(1)
    .openapi({ param: { name: 'id', in: 'path' } }),
});

export function complianceReportRoutes(store: Store, runner: Runner) {
  const viewer = requireRole(store.db, 'viewer', () => runner.now());
  return router().openapi(
    createRoute({
      method: 'get',
      path: '/{id}/compliance-report',
      middleware: [viewer],
      security,
      summary: "A run's compliance report: abandoned calls per legal window, ring times, messages, register copy, permission changes",
      request: { params: IdParam, query: z.object({ format: z.enum(['json', 'csv']).optional() }) },
      responses: {
        200: { content: { 'application/json': { schema: ComplianceReportSchema }, 'text/csv': { schema: z.string() } }, description: 'The report' },
        400: errors[400],
        401: errors[401],
        403: errors[403],
        404: errors[404],
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const format = c.req.valid('query').format ?? (/\btext\/csv\b/.test(c.req.header('accept') ?? '') ? 'csv' : 'json');
      // No such run is the repository's ReportNotFound (not-found): 404 from onError.
      const report = await loadComplianceReport(store.db, id, { now: runner.now(), liveCarrier: runner.carrierProfile() });
      if (format === 'csv') {
        c.header('content-type', 'text/csv; charset=utf-8');
        c.header('content-disposition', `attachment; filename="run-${id}-compliance-report.csv"`);
        return c.body(complianceReportCsv(report), 200);
      }
      return c.json(report, 200);
    },
  );
}
