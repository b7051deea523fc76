// The agent's state and call, asked of the server about once a second (docs/api.md) and after every action.
import { useCallback, useEffect, useRef, useState } from 'react';
import { agentApi, type AgentView } from './agent-api.ts';

const pollMs = 1000;

export function useAgentView(): { view?: AgentView; error?: string; act: (action: () => Promise<AgentView>) => Promise<boolean> } {
  const [view, setView] = useState<AgentView>();
  const [error, setError] = useState<string>();
  // An action's answer must not be overwritten by a poll that left before it.
  const generation = useRef(0);

  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      const asked = generation.current;
      try {
        const next = await agentApi.me();
        if (!stopped && asked === generation.current) {
          setView(next);
          setError(undefined);
        }
      } catch (e) {
        if (!stopped) setError(e instanceof Error ? e.message : String(e));
      }
      if (!stopped) timer = setTimeout(() => void poll(), pollMs);
    };
    void poll();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, []);

  const act = useCallback(async (action: () => Promise<AgentView>) => {
    generation.current++;
    try {
      setView(await action());
      setError(undefined);
      return true;
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
      return false;
    }
  }, []);

  return { ...(view && { view }), ...(error && { error }), act };
}
