// The agent desktop's routes (docs/api.md, "Agent desktop"): the agent's own state and call, and one POST per action.
import type { ContactView } from '../../../server/api-types.ts';
import { request } from '../api/client.ts';

export type AgentState = 'offline' | 'available' | 'reserved' | 'on-call' | 'wrap-up';

export interface AgentCall {
  runId: string;
  nodeId: string;
  journeyName: string;
  contact: Partial<ContactView> & { id: string };
  /** The dialer step's script, already rendered for this customer by the server. */
  script: string;
  connectedAt: string;
}

export interface AgentView {
  agent: { id: string; name: string; state: AgentState; queues: string[]; since: string };
  call: AgentCall | null;
  /** The outcomes the call's journey branches on, offered first when the call ends. */
  dispositions: string[];
}

export const agentApi = {
  me: () => request<AgentView>('GET', '/agent/me'),
  available: (queues: string[]) => request<AgentView>('POST', '/agent/available', { queues }),
  offline: () => request<AgentView>('POST', '/agent/offline'),
  endCall: (disposition: string, notes?: string) => request<AgentView>('POST', '/agent/call/end', { disposition, ...(notes && { notes }) }),
  wrapUpDone: () => request<AgentView>('POST', '/agent/wrap-up/done'),
};
