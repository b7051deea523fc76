// The simulated agents of a run and what each is doing, asked of the server every two seconds while the run moves.
import { useEffect, useState } from 'react';
import { ApiError } from '../api/client.ts';
import { runsApi, type RunAgent } from './runs-api.ts';

export const agentStateWords: Record<string, string> = {
  offline: 'Signed out',
  available: 'Free',
  reserved: 'Call being connected',
  'on-call': 'On a call',
  'wrap-up': 'Wrapping up',
};

const pollMs = 2000;

export function RunAgents({ runId, moving }: { runId: string; moving: boolean }) {
  const [agents, setAgents] = useState<RunAgent[]>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const load = async () => {
      try {
        const next = await runsApi.agents(runId);
        if (stopped) return;
        setAgents(next);
        setError(undefined);
      } catch (e) {
        if (stopped) return;
        setError(e instanceof ApiError && e.status === 404 ? 'This server does not list the agents of a run.' : e instanceof Error ? e.message : String(e));
      }
      if (!stopped && moving) timer = setTimeout(() => void load(), pollMs);
    };
    void load();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [runId, moving]);

  if (error) return <p className="hint">{error}</p>;
  if (!agents) return <p className="hint">Loading the agents…</p>;
  if (!agents.length) return <p className="hint">This run has no simulated agents.</p>;
  const byState = new Map<string, number>();
  for (const a of agents) byState.set(a.state, (byState.get(a.state) ?? 0) + 1);
  return (
    <div className="run-agents">
      <p className="hint">{[...byState].map(([state, n]) => `${agentStateWords[state] ?? state}: ${n}`).join(' · ')}</p>
      <table className="agents-table">
        <caption className="visually-hidden">Simulated agents of the run</caption>
        <thead>
          <tr>
            <th scope="col">Agent</th>
            <th scope="col">Queue</th>
            <th scope="col">Doing</th>
            <th scope="col">Since</th>
            <th scope="col">Customer</th>
          </tr>
        </thead>
        <tbody>
          {agents.map((a) => (
            <tr key={a.name} data-agent={a.name} data-state={a.state}>
              <td>{a.name}</td>
              <td>{a.queue}</td>
              <td>
                <span className={`agent-state state-${a.state}`}>{agentStateWords[a.state] ?? a.state}</span>
              </td>
              <td>{new Date(a.since).toLocaleTimeString()}</td>
              <td>{a.contactId ?? '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
