// One import as a manager follows it: sending, then rows read, new, updated and skipped as they grow, then the final
// report with each problem's line and what to fix, which can be downloaded as a CSV to work through in a spreadsheet.
import { useEffect, useMemo, useState } from 'react';
import type { TrackedImport } from './import-tracker.ts';
import { listsApi, type ImportJobView, type ImportReport } from './lists-api.ts';

const statusWords: Record<ImportJobView['status'], string> = {
  running: 'Importing',
  done: 'Finished',
  failed: 'Not imported',
  'cut-off': 'Stopped before the end of the file',
};

function when(iso: string): string {
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

const n = (value: number) => value.toLocaleString();

function csvCell(value: string | number | undefined): string {
  const text = String(value ?? '');
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The problems as a CSV a spreadsheet opens: line, column, what happened, what to fix. */
export function problemsCsv(report: ImportReport): string {
  const lines = ['line,column,outcome,problem'];
  for (const p of report.problems) lines.push([p.line, p.column, p.severity === 'error' ? 'row skipped' : 'kept', p.message].map(csvCell).join(','));
  if (report.problemsTruncated) lines.push(`,,,${report.problemsTruncated} more problems were counted but not listed`);
  return `${lines.join('\r\n')}\r\n`;
}

export function ProblemList({ report, fileName }: { report: ImportReport; fileName: string }) {
  const href = useMemo(() => URL.createObjectURL(new Blob([problemsCsv(report)], { type: 'text/csv' })), [report]);
  useEffect(() => () => URL.revokeObjectURL(href), [href]);
  if (!report.problems.length) return <p className="import-clean">No problems: every row was imported.</p>;
  const total = report.problems.length + report.problemsTruncated;
  return (
    <section className="import-problems" aria-label="Problems">
      <div className="problems-head">
        <h4>
          {n(total)} {total === 1 ? 'problem' : 'problems'} to look at
        </h4>
        <a className="button-link" href={href} download={`${fileName.replace(/\.[^.]+$/, '')}-problems.csv`}>
          Download the problems (CSV)
        </a>
      </div>
      <p className="help">Fix these rows in the file and upload it again: rows already imported are updated, not added twice.</p>
      <div className="table-scroll problems-scroll">
        <table className="lists-table">
          <thead>
            <tr>
              <th scope="col">Line</th>
              <th scope="col">Column</th>
              <th scope="col">What happened</th>
              <th scope="col">What to fix</th>
            </tr>
          </thead>
          <tbody>
            {report.problems.map((p, i) => (
              <tr key={i} data-problem-line={p.line}>
                <td className="line-number">{p.line}</td>
                <td>{p.column ?? ''}</td>
                <td>{p.severity === 'error' ? <strong className="is-skipped">Row skipped</strong> : 'Kept, with a warning'}</td>
                <td>{p.message}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {report.problemsTruncated > 0 && (
        <p className="hint">
          {n(report.problemsTruncated)} more problems were counted but not listed. Fix the ones above and upload the file again to see the rest.
        </p>
      )}
    </section>
  );
}

export function ImportProgress({ tracked }: { tracked: TrackedImport }) {
  const { job, sending, error, rowEstimate } = tracked;
  const fileName = tracked.fileName ?? 'the file';
  if (error && !job)
    return (
      <section className="import-card is-failed" aria-label={`Import of ${fileName}`}>
        <h3>The upload of {fileName} failed</h3>
        <p role="alert">{error}</p>
      </section>
    );
  const status = job?.status ?? 'running';
  const rows = job?.rows ?? 0;
  const share = rowEstimate && rowEstimate.rows > 0 ? Math.min(rows / rowEstimate.rows, status === 'running' ? 0.99 : 1) : undefined;
  return (
    <section className={`import-card is-${status}`} aria-label={`Import of ${fileName}`} data-import-status={sending && !job ? 'sending' : status}>
      <h3>
        {status === 'running' ? `Importing ${fileName}` : `${statusWords[status]}: ${fileName}`}
        {job && <span className="hint"> · started {when(job.createdAt)}</span>}
      </h3>
      {sending && !job && <p>Sending the file… the import starts as soon as the first rows arrive.</p>}
      {status === 'running' && job && (
        <>
          {share !== undefined && (
            <div className="import-bar">
              <progress max={100} value={Math.round(share * 100)} aria-label="Import progress" />
              <span>
                {Math.round(share * 100)}% {rowEstimate?.exact ? '' : '(worked out from the file’s size)'}
              </span>
            </div>
          )}
          <p className="hint">
            {sending ? 'Still sending the file. ' : ''}You can leave this page: the import goes on, and this page shows it when you come back.
          </p>
        </>
      )}
      {job && (
        <dl className="import-counts" aria-live="polite">
          <div>
            <dt>Rows read</dt>
            <dd data-count="rows">{n(job.rows)}</dd>
          </div>
          <div>
            <dt>New contacts</dt>
            <dd data-count="imported">{n(job.imported)}</dd>
          </div>
          <div>
            <dt>Updated contacts</dt>
            <dd data-count="merged">{n(job.merged)}</dd>
          </div>
          <div>
            <dt>Rows skipped</dt>
            <dd data-count="skipped">{n(job.skipped)}</dd>
          </div>
          <div>
            <dt>Problems</dt>
            <dd data-count="problems">{n(job.problems)}</dd>
          </div>
        </dl>
      )}
      {job?.message && (
        <p role={status === 'failed' ? 'alert' : undefined} className={status === 'failed' ? 'field-error import-message' : 'import-message'}>
          {job.message}
          {status === 'failed' && job.line !== null && ` (line ${job.line})`}
        </p>
      )}
      {job && status !== 'running' && <JobReport job={job} fileName={fileName} />}
    </section>
  );
}

/** The report of an import that ended; an import seen in a list (without its report) has it fetched. */
function JobReport({ job, fileName }: { job: ImportJobView; fileName: string }) {
  const [report, setReport] = useState<ImportReport | null | undefined>(job.report ?? undefined);
  useEffect(() => {
    if (job.report) {
      setReport(job.report);
      return;
    }
    let live = true;
    listsApi.importJob(job.id).then(
      (full) => live && setReport(full.report),
      () => live && setReport(null),
    );
    return () => {
      live = false;
    };
  }, [job]);
  if (report === undefined) return <p className="hint">Reading the report…</p>;
  if (report === null) return null;
  return <ProblemList report={report} fileName={fileName} />;
}
