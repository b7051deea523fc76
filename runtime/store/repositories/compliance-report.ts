// Loads what a run's compliance report is made of: the campaign's runs and call events, the register imports and the
// permission changes the run caused; `buildComplianceReport` does the counting.
import { buildComplianceReport, type ComplianceReport, type ReportRun, type ReportStep } from '../../compliance/report.ts';
import { estimateAmdFalsePositiveShare } from '../../dialer/abandonment.ts';
import type { CarrierProfile } from '../../dialer/virtual-carrier.ts';
import type { Executor } from '../dialect.ts';
import { publishedJourney } from './journeys.ts';
import { parseJson } from '../json.ts';
import type { Run } from '../schema.ts';
import { DomainError } from '../../errors.ts';
import { sql } from 'kysely';

export interface ComplianceReportOptions {
  /** When the report is made; the end of a live run still going. */
  now: number;
  /**
   * The carrier live runs' calls go through, whose detector accuracy gives the estimate of people among a live run's
   * machine verdicts. Without it a live run's report says they are unknown.
   */
  liveCarrier?: CarrierProfile;
}

export class ReportNotFound extends DomainError {
  override name = 'ReportNotFound';
  constructor(message: string) {
    super('not-found', message);
  }
}

/** The compliance report of a run, or throws `ReportNotFound` when there is no such run. */
export async function loadComplianceReport(db: Executor, runId: string, options: ComplianceReportOptions): Promise<ComplianceReport> {
  const run = await db.selectFrom('runs').selectAll().where('id', '=', runId).executeTakeFirst();
  if (!run) throw new ReportNotFound(`The run "${runId}" does not exist`);
  // A live run shares its campaign with every live run of the same journey; a simulated run is alone.
  const members = run.simulated
    ? [run]
    : await db.selectFrom('runs').selectAll().where('journey_id', '=', run.journey_id).where('simulated', '=', 0).orderBy('start_at').execute();
  const versions = new Map<number, { name: string; compliance: string; steps: ReportStep[] }>();
  for (const version of new Set(members.map((m) => Number(m.version)))) versions.set(version, await loadVersion(db, run.journey_id, version));
  const own = versions.get(Number(run.version))!;
  const events = await db
    .selectFrom('events')
    .select(['run_id', 'contact_id', 'node_id', 'type', 'time', 'data'])
    .where(
      'run_id',
      'in',
      members.map((m) => m.id),
    )
    .where(sql.ref('type'), 'like', 'call.%')
    .orderBy('time')
    .orderBy('seq')
    .execute();
  const imports = await db.selectFrom('registry_imports').selectAll().where('profile', '=', own.compliance).execute();
  const changes = await db.selectFrom('permission_changes').selectAll().where('run_id', '=', run.id).orderBy('id').execute();
  const carrier = options.liveCarrier;
  return buildComplianceReport({
    run: reportRun(run),
    journeyName: own.name,
    profile: own.compliance as ComplianceReport['profile']['id'],
    campaign: members.map((m) => ({ run: reportRun(m), steps: versions.get(Number(m.version))!.steps })),
    events: events.map((e) => ({
      runId: e.run_id,
      contactId: e.contact_id,
      nodeId: e.node_id,
      type: e.type,
      time: Number(e.time),
      data: parseJson(e.data),
    })),
    registryImports: imports.map((r) => ({
      profile: r.profile,
      source: r.source,
      downloadedAt: Number(r.downloaded_at),
      importedAt: Number(r.imported_at),
      entries: Number(r.entries),
    })),
    permissionChanges: changes.map((p) => ({
      id: Number(p.id),
      scope: p.scope,
      kind: p.kind,
      change: p.change,
      channel: p.channel,
      value: p.value,
      reason: p.reason,
      source: p.source,
      contactId: p.contact_id,
      actor: p.actor,
      at: Number(p.at),
    })),
    ...(carrier &&
      !run.simulated && {
        detectorEstimate: {
          // The same reasoned estimate the dialer paces UK campaigns by.
          share: estimateAmdFalsePositiveShare({
            ...carrier.amd,
            humanShareOfAnswers: carrier.outcomes.human / (carrier.outcomes.human + carrier.outcomes.machine),
          }),
          basis: `the detector's accuracy (${carrier.amd.humanAccuracy * 100} % of people and ${carrier.amd.machineAccuracy * 100} % of machines recognised) with ${Math.round((carrier.outcomes.human / (carrier.outcomes.human + carrier.outcomes.machine)) * 100)} % of answers from people`,
        },
      }),
    generatedAt: options.now,
  });
}

function reportRun(run: Run): ReportRun {
  return {
    id: run.id,
    journeyId: run.journey_id,
    version: Number(run.version),
    simulated: Number(run.simulated) === 1,
    status: run.status,
    startAt: Number(run.start_at),
    endedAt: run.ended_at === null ? null : Number(run.ended_at),
  };
}

async function loadVersion(db: Executor, journeyId: string, version: number): Promise<{ name: string; compliance: string; steps: ReportStep[] }> {
  // As its runs play it: a check added after the version was published must not stop the report on its runs.
  const journey = await publishedJourney(db, journeyId, version);
  const steps: ReportStep[] = [];
  for (const [id, node] of Object.entries(journey.nodes)) {
    if (node.type === 'dialer') steps.push({ id, mode: node.config.mode, ...(node.label && { label: node.label }) });
  }
  return { name: journey.name, compliance: journey.settings.compliance, steps };
}
