// The server's run routes (docs/api.md, "Runs"), typed from the server's own shapes.
import type { AuditEntryView, RunView } from '../../../server/api-types.ts';
import { request } from '../api/client.ts';

export type { RunView };

export interface StartRunRequest {
  journeyId: string;
  version?: number;
  listId?: string;
  mode: 'live' | 'simulated';
  startAt?: string;
  agents?: Record<string, number>;
}

/** A simulated agent of a simulated run, as `GET /api/runs/:id/agents` lists them. */
export interface RunAgent {
  name: string;
  queue: string;
  state: string;
  since: string;
  contactId?: string;
}

const enc = encodeURIComponent;

export const runsApi = {
  start: (body: StartRunRequest) => request<RunView>('POST', '/runs', body),
  list: (journeyId?: string) => request<{ runs: RunView[] }>('GET', `/runs${journeyId ? `?journeyId=${enc(journeyId)}` : ''}`).then((r) => r.runs),
  get: (id: string) => request<RunView>('GET', `/runs/${enc(id)}`),
  pause: (id: string) => request<RunView>('POST', `/runs/${enc(id)}/pause`),
  resume: (id: string) => request<RunView>('POST', `/runs/${enc(id)}/resume`),
  stop: (id: string, reason?: string) => request<RunView>('POST', `/runs/${enc(id)}/stop`, reason ? { reason } : {}),
  agents: (id: string) => request<{ agents: RunAgent[] }>('GET', `/runs/${enc(id)}/agents`).then((r) => r.agents),
  /** Who started, paused, resumed and stopped the run, newest first. */
  audit: (id: string) => request<{ entries: AuditEntryView[] }>('GET', `/runs/${enc(id)}/audit`).then((r) => r.entries),
};
