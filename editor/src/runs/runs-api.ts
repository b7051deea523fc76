// The server's run routes (docs/api.md, "Runs"), typed from the server's own shapes.
import type { RunAgent as ApiRunAgent, RunView, StartRunRequest } from '../../../server/api-types.ts';
import { apiClient, call } from '../api/client.ts';

export type { RunView };

export type { StartRunRequest };

/** A simulated agent of a simulated run, as `GET /api/runs/:id/agents` lists them (the server sends no contactId yet). */
export type RunAgent = ApiRunAgent & { contactId?: string };

const enc = encodeURIComponent;

const runs = apiClient.runs;
const run = (id: string) => ({ param: { id: enc(id) } });

export const runsApi = {
  start: (body: StartRunRequest) => call(runs.$post({ json: body })),
  list: (journeyId?: string) => call(runs.$get({ query: journeyId ? { journeyId } : {} })).then((r) => r.runs),
  get: (id: string) => call(runs[':id'].$get(run(id))),
  pause: (id: string) => call(runs[':id'].pause.$post(run(id))),
  resume: (id: string) => call(runs[':id'].resume.$post(run(id))),
  stop: (id: string, reason?: string) => call(runs[':id'].stop.$post({ ...run(id), json: reason ? { reason } : {} })),
  agents: (id: string) => call(runs[':id'].agents.$get(run(id))).then((r) => r.agents),
  /** Who started, paused, resumed and stopped the run, newest first. */
  audit: (id: string) => call(runs[':id'].audit.$get({ ...run(id), query: {} })).then((r) => r.entries),
};
