// GET /api/runs/:id/compliance-report (docs/api.md, "Compliance report of a run"), as JSON to show and as CSV to save.
import type { ComplianceReport } from '../../../server/api-types.ts';
import { ApiError, apiClient, call } from '../api/client.ts';

export type { ComplianceReport };

const enc = encodeURIComponent;

export const complianceReportApi = {
  // The route's type lists both of its bodies; asked for JSON, it answers the report.
  get: (runId: string) =>
    call(apiClient.runs[':id']['compliance-report'].$get({ param: { id: enc(runId) }, query: { format: 'json' } })) as Promise<ComplianceReport>,
  /** Saves the CSV through the browser's downloads: fetched first, so that the request says which page's sign-in it is. */
  async downloadCsv(runId: string): Promise<void> {
    const response = await apiClient.runs[':id']['compliance-report'].$get({ param: { id: enc(runId) }, query: { format: 'csv' } });
    if (!response.ok) {
      throw new ApiError(response.status, `The report could not be downloaded (the server answered ${response.status}); sign in again or try once more.`);
    }
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
