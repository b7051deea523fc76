// The agent desktop's routes (docs/api.md, "Agent desktop"): the agent's own state and call, and one POST per action.
import type { AgentDesk } from '../../../server/api-types.ts';
import { apiClient, call } from '../api/client.ts';

export type { AgentState } from '../../../server/api-types.ts';
/** The agent's state and current call, as the server answers every desk route with it. */
export type AgentView = AgentDesk;
export type AgentCall = NonNullable<AgentDesk['call']>;

const agent = apiClient.agent;

export const agentApi = {
  me: () => call(agent.me.$get()),
  /** The names of the queues there are, to offer instead of a name to type. */
  queues: () => call(agent.queues.$get()).then((r) => r.queues),
  available: (queues: string[]) => call(agent.available.$post({ json: { queues } })),
  offline: () => call(agent.offline.$post()),
  endCall: (disposition: string, notes?: string) => call(agent.call.end.$post({ json: { disposition, ...(notes && { notes }) } })),
  wrapUpDone: () => call(agent['wrap-up'].done.$post()),
};
