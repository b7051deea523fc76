// The run's compliance report: the figures a seller keeps for the abandoned-call safe harbour, per legal window, with
// the calls behind them, the register copy and the permission changes, and the CSV to keep.
import { useEffect, useState, type ReactNode } from 'react';
import { complianceReportApi, detectorWords, percent, reasonWords, type ComplianceReport as Report } from './compliance-report-api.ts';
import './compliance-report.css';

const shownRows = 200;

function when(iso: string): string {
  return new Date(iso).toLocaleString();
}

/** A table that scrolls on its own: focusable, so that the keyboard can scroll it too, and named for screen readers. */
function TableWrap({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="report-table-wrap" tabIndex={0} role="region" aria-label={label}>
      {children}
    </div>
  );
}

function Figure({ label, value, tone, name }: { label: string; value: string | number; tone?: 'ok' | 'bad'; name: string }) {
  return (
    <div className={tone ? `figure figure-${tone}` : 'figure'}>
      <dt>{label}</dt>
      <dd data-figure={name}>{typeof value === 'number' ? value.toLocaleString() : value}</dd>
    </div>
  );
}

function Summary({ report }: { report: Report }) {
  const { summary, profile } = report;
  const capRate = profile.abandonment.capPercent / 100;
  return (
    <dl className="report-figures">
      <Figure name="placed" label="Calls placed" value={summary.callsPlaced} />
      <Figure name="live" label="Live answers" value={summary.liveAnswers} />
      <Figure name="abandoned" label="Abandoned" value={summary.abandoned.total} />
      <Figure
        name="rate"
        label={`Abandonment rate (cap ${profile.abandonment.capPercent} %)`}
        value={percent(summary.abandonmentRate)}
        tone={summary.abandonmentRate <= capRate ? 'ok' : 'bad'}
      />
      <Figure name="detector" label="People the detector hung up on" value={detectorWords(summary.detector)} />
      <Figure
        name="message"
        label="Abandoned calls that heard a message"
        value={`${summary.informationMessage.played} of ${summary.abandoned.total}`}
        tone={summary.informationMessage.notPlayed === 0 ? 'ok' : 'bad'}
      />
      <Figure name="unanswered" label="Unanswered calls" value={summary.unanswered.count} />
      <Figure
        name="short-rings"
        label={`Rung under ${summary.unanswered.minimumRingSeconds} s`}
        value={summary.unanswered.underMinimum}
        tone={summary.unanswered.underMinimum === 0 ? 'ok' : 'bad'}
      />
    </dl>
  );
}

function Periods({ report }: { report: Report }) {
  const hours = report.profile.abandonment.windowHours;
  return (
    <section aria-labelledby="report-periods">
      <h3 id="report-periods">Abandonment per {hours % 24 === 0 ? `${hours / 24}-day` : `${hours}-hour`} period</h3>
      <p className="hint">{report.campaign.note}</p>
      <TableWrap label="Periods">
        <table className="report-table">
          <thead>
            <tr>
              <th scope="col">From</th>
              <th scope="col">To</th>
              <th scope="col">Runs</th>
              <th scope="col" className="num">
                Calls placed
              </th>
              <th scope="col" className="num">
                Live answers
              </th>
              <th scope="col" className="num">
                Abandoned
              </th>
              <th scope="col" className="num">
                Detector hung up on people
              </th>
              <th scope="col" className="num">
                Rate
              </th>
              <th scope="col">Within {report.profile.abandonment.capPercent} %</th>
            </tr>
          </thead>
          <tbody>
            {report.periods.map((p) => (
              <tr key={p.from} data-period={p.from}>
                <td>{when(p.from)}</td>
                <td>{when(p.to)}</td>
                <td>{p.runs.length === 1 ? p.runs[0] : `${p.runs.length} runs`}</td>
                <td className="num">{p.callsPlaced.toLocaleString()}</td>
                <td className="num">{p.liveAnswers.toLocaleString()}</td>
                <td className="num">{p.abandoned.toLocaleString()}</td>
                <td className="num">
                  {p.detectorHangUpsOnPeople === null
                    ? 'unknown'
                    : p.detectorBasis === 'estimate'
                      ? `≈ ${p.detectorHangUpsOnPeople.toFixed(1)}`
                      : p.detectorHangUpsOnPeople}
                </td>
                <td className="num">{percent(p.rate)}</td>
                <td className={p.withinCap ? 'ok' : 'bad'}>{p.withinCap ? 'Yes' : 'No'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
    </section>
  );
}

function AbandonedCalls({ report }: { report: Report }) {
  const calls = report.abandonedCalls;
  return (
    <section aria-labelledby="report-abandoned">
      <h3 id="report-abandoned">Abandoned calls ({calls.length})</h3>
      {calls.length === 0 ? (
        <p className="hint">No call of this run was abandoned.</p>
      ) : (
        <TableWrap label="Abandoned calls">
          <table className="report-table">
            <thead>
              <tr>
                <th scope="col">Answered</th>
                <th scope="col">Number</th>
                <th scope="col">Step</th>
                <th scope="col">Why abandoned</th>
                <th scope="col">Message heard</th>
              </tr>
            </thead>
            <tbody>
              {calls.slice(0, shownRows).map((c) => (
                <tr key={`${c.runId}:${c.contactId}:${c.placedAt}`} data-abandoned={c.reason}>
                  <td>{when(c.answeredAt)}</td>
                  <td>{c.to ?? c.contactId}</td>
                  <td>{c.stepId}</td>
                  <td>
                    {reasonWords[c.reason]}
                    {c.connectedAfterSeconds !== null &&
                      ` (${c.connectedAfterSeconds.toFixed(2)} s after the greeting ${report.profile.abandonment.measuredFrom === 'greeting-end' ? 'ended' : 'began'})`}
                  </td>
                  <td className={c.message.played ? undefined : 'bad'}>
                    {c.message.played ? (c.message.kind === 'information' ? 'Information message' : 'The step’s recorded message') : 'None'}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
      {calls.length > shownRows && (
        <p className="hint">
          The first {shownRows} are shown; the CSV holds all {calls.length}.
        </p>
      )}
    </section>
  );
}

function Records({ report }: { report: Report }) {
  const { registry, permissionChanges, summary } = report;
  const copy = registry.atStart;
  return (
    <section aria-labelledby="report-records" className="report-records">
      <h3 id="report-records">Records</h3>
      <p data-record="registry">
        <strong>{registry.name}:</strong>{' '}
        {copy
          ? `the copy downloaded ${when(copy.downloadedAt)} (${copy.entries.toLocaleString()} numbers, ${copy.ageDays} days old at the start; at most ${registry.maxAgeDays} allowed${copy.withinMaxAge ? '' : ' — too old'})`
          : 'no copy had been imported when the run started.'}
        {registry.importedDuringRun.length > 0 &&
          ` Replaced during the run by ${registry.importedDuringRun.map((c) => `the copy of ${when(c.downloadedAt)}`).join(', ')}.`}
      </p>
      <p data-record="rings">
        <strong>Ring times:</strong>{' '}
        {summary.unanswered.count === 0
          ? 'no call went unanswered.'
          : `${summary.unanswered.count.toLocaleString()} unanswered calls, the shortest rung ${summary.unanswered.shortestRingSeconds} s; ${summary.unanswered.underMinimum} under the ${summary.unanswered.minimumRingSeconds} s minimum.`}
      </p>
      <p data-record="detector" className="hint">
        {summary.detector.note}
      </p>
      <h4>Do-not-contact and consent changes ({permissionChanges.length})</h4>
      {permissionChanges.length === 0 ? (
        <p className="hint">The run’s contacts and agents changed no one’s permissions.</p>
      ) : (
        <TableWrap label="Permission changes">
          <table className="report-table">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Change</th>
                <th scope="col">Address</th>
                <th scope="col">Why</th>
                <th scope="col">By</th>
              </tr>
            </thead>
            <tbody>
              {permissionChanges.slice(0, shownRows).map((p, i) => (
                <tr key={i}>
                  <td>{when(p.at)}</td>
                  <td>
                    {p.kind === 'consent' ? 'Consent' : 'Do not contact'} {p.change}
                  </td>
                  <td>
                    {p.channel}: {p.value}
                  </td>
                  <td>{p.reason}</td>
                  <td>{p.actor ?? p.source}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
    </section>
  );
}

export function ComplianceReport({ runId, changed }: { runId: string; changed: string }) {
  const [report, setReport] = useState<Report>();
  const [error, setError] = useState<string>();
  const [downloading, setDownloading] = useState(false);
  useEffect(() => {
    let current = true;
    complianceReportApi.get(runId).then(
      (r) => {
        if (!current) return;
        setReport(r);
        setError(undefined);
      },
      (e: unknown) => current && setError(`The compliance report could not be read: ${e instanceof Error ? e.message : String(e)}`),
    );
    return () => {
      current = false;
    };
  }, [runId, changed]);

  const download = async () => {
    setDownloading(true);
    try {
      await complianceReportApi.downloadCsv(runId);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setDownloading(false);
    }
  };

  return (
    <section className="compliance-report" aria-label="Compliance report">
      <header className="report-head">
        <div>
          <h2>Compliance report</h2>
          {report && (
            <p className="hint">
              {report.profile.name}: at most {report.profile.abandonment.capPercent} % of live answers abandoned per {report.profile.abandonment.per} over{' '}
              {report.profile.abandonment.windowHours} hours; a call is abandoned when no agent comes on within{' '}
              {report.profile.abandonment.connectWithinSeconds} s of the {report.profile.abandonment.measuredFrom === 'greeting-end' ? 'end' : 'start'} of the
              greeting. Figures up to {when(report.run.endAt)}.
            </p>
          )}
        </div>
        <button type="button" onClick={() => void download()} disabled={downloading || !report}>
          {downloading ? 'Downloading…' : 'Download CSV'}
        </button>
      </header>
      {error && <p className="field-error">{error}</p>}
      {!report && !error && <p className="hint">Reading the run’s calls…</p>}
      {report && (
        <>
          <Summary report={report} />
          <Periods report={report} />
          <AbandonedCalls report={report} />
          <Records report={report} />
        </>
      )}
    </section>
  );
}
