// GET /api/runs/:id/compliance-report (docs/api.md, "Compliance report of a run"), as JSON to show and as CSV to save.
import type { ComplianceReport } from '../../../server/api-types.ts';
import { request } from '../api/client.ts';
import { getToken } from '../api/token.ts';

export type { ComplianceReport };

const enc = encodeURIComponent;

export const complianceReportApi = {
  get: (runId: string) => request<ComplianceReport>('GET', `/runs/${enc(runId)}/compliance-report`),
  /** Saves the CSV through the browser's downloads; the request carries the token, so a plain link would not do. */
  async downloadCsv(runId: string): Promise<void> {
    const token = getToken();
    const response = await fetch(`/api/runs/${enc(runId)}/compliance-report?format=csv`, { headers: { ...(token && { Authorization: `Bearer ${token}` }) } });
    if (!response.ok) throw new Error(`The report could not be downloaded (the server answered ${response.status}); sign in again or try once more.`);
    const link = document.createElement('a');
    link.href = URL.createObjectURL(await response.blob());
    link.download = `run-${runId}-compliance-report.csv`;
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 1000);
  },
};

/** A rate as a percentage with two decimals, the way a cap is read. */
export function percent(rate: number): string {
  return `${(rate * 100).toFixed(2)} %`;
}

export const reasonWords: Record<ComplianceReport['abandonedCalls'][number]['reason'], string> = {
  'no-agent': 'No agent free in time',
  'connected-late': 'Agent came on too late',
  'detector-took-person-for-machine': 'Detector hung up on a person',
  'not-connected': 'Not connected',
};

/** The people the detector hung up on, in words that say how the figure is known. */
export function detectorWords(detector: ComplianceReport['summary']['detector']): string {
  if (detector.basis === 'recorded') return `${detector.people} (counted)`;
  if (detector.basis === 'estimate') return `about ${(detector.people ?? 0).toFixed(1)} (estimate)`;
  return 'unknown';
}
