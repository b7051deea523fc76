// `journey compliance report RUN`: a run's compliance report read from the store, as JSON or CSV, the figures the
// API's GET /api/runs/:id/compliance-report gives.
import { parseArgs } from 'node:util';
import type { ComplianceReport } from '../../../runtime/compliance/report.ts';
import { UsageError, type Io } from '../io.ts';

export const complianceReportHelp = `journey compliance report RUN [--format json|csv] [--out FILE] [--database URL]
  The run's compliance report: calls placed, live answers, abandoned calls by the journey's rules (people the
  detector hung up on included), the rate per legal window across the journey's live runs, ring times of unanswered
  calls, the message each abandoned call heard, the register copy used and the do-not-contact and consent changes.
  JSON by default; CSV is one file of labelled sections for a spreadsheet. --database defaults to DATABASE_URL, else
  ./data/journeys.db. Exits 1 when there is no such run.`;

export async function complianceReportCommand(args: string[], io: Io): Promise<number> {
  const { complianceReportCsv } = await import('../../../runtime/compliance/report.ts');
  const { defaultCarrierProfile } = await import('../../../runtime/dialer/virtual-carrier.ts');
  const { openStore } = await import('../../../runtime/store/dialect.ts');
  const { migrate } = await import('../../../runtime/store/migrate.ts');
  const { loadComplianceReport, ReportNotFound } = await import('../../../runtime/store/repositories/compliance-report.ts');
  const { values, positionals } = parseArgs({
    args,
    options: { format: { type: 'string', default: 'json' }, out: { type: 'string' }, database: { type: 'string' } },
    allowPositionals: true,
  });
  if (positionals.length !== 1) throw new UsageError('journey compliance report needs one run id, e.g. journey compliance report run-1a2b3c');
  if (values.format !== 'json' && values.format !== 'csv') throw new UsageError(`--format must be json or csv, not "${values.format}"`);
  const runId = positionals[0]!;
  const store = openStore(values.database);
  try {
    await migrate(store);
    let report: ComplianceReport;
    try {
      // Live runs' calls go through the built-in carrier; its detector's accuracy gives the estimate of people among
      // their machine verdicts, as the server's report does.
      report = await loadComplianceReport(store.db, runId, { now: Date.now(), liveCarrier: defaultCarrierProfile });
    } catch (error) {
      if (!(error instanceof ReportNotFound)) throw error;
      io.err(`journey compliance report: ${error.message} in ${store.location}; journey serve lists runs at /api/runs\n`);
      return 1;
    }
    const text = values.format === 'csv' ? complianceReportCsv(report) : `${JSON.stringify(report, null, 2)}\n`;
    if (values.out) {
      await io.writeFile(values.out, text);
      const { summary } = report;
      io.err(
        `Wrote the compliance report of ${runId} to ${values.out}: ${summary.callsPlaced} calls placed, ${summary.liveAnswers} live answers, ${summary.abandoned.total} abandoned (${(summary.abandonmentRate * 100).toFixed(2)} %), ${summary.unanswered.underMinimum} unanswered calls rung under ${summary.unanswered.minimumRingSeconds} s\n`,
      );
    } else {
      io.out(text);
    }
    return 0;
  } finally {
    await store.close();
  }
}
