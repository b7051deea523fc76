// What a signed-in agent sees: their state, the way to go available, the connected call, its end and the wrap-up.
import { useEffect, useRef } from 'react';
import { agentApi, type AgentState, type AgentView } from './agent-api.ts';
import { CustomerCard } from './CustomerCard.tsx';
import { EndCallForm } from './EndCallForm.tsx';
import { QueuePicker } from './QueuePicker.tsx';
import { useAgentView } from './useAgentView.ts';

export const stateWords: Record<AgentState, string> = {
  offline: 'Not taking calls',
  available: 'Available: waiting for a call',
  reserved: 'A call is being connected to you',
  'on-call': 'On a call',
  'wrap-up': 'Wrapping up the last call',
};

function Elapsed({ since }: { since: string }) {
  const seconds = Math.max(0, Math.round((Date.now() - Date.parse(since)) / 1000));
  return (
    <span className="elapsed">
      {Math.floor(seconds / 60)}:{String(seconds % 60).padStart(2, '0')}
    </span>
  );
}

function Call({ view, act }: { view: AgentView; act: ReturnType<typeof useAgentView>['act'] }) {
  const heading = useRef<HTMLHeadingElement>(null);
  const call = view.call!;
  // A call arriving moves the focus to it, so that keyboard and screen-reader users are taken to the customer.
  useEffect(() => heading.current?.focus(), [call.runId, call.contact.id]);
  return (
    <section className="call" aria-labelledby="call-title">
      <h2 id="call-title" ref={heading} tabIndex={-1}>
        On a call · {call.journeyName} {call.connectedAt && <Elapsed since={call.connectedAt} />}
      </h2>
      <CustomerCard call={call} />
      <EndCallForm dispositions={view.dispositions} onEnd={(d, notes) => act(() => agentApi.endCall(d, notes))} />
    </section>
  );
}

export function AgentDesk({ onSignOut }: { onSignOut: () => void }) {
  const { view, error, act } = useAgentView();
  const state = view?.agent.state;
  return (
    <div className="agent-desk">
      <header className="agent-head">
        <h1>Agent desktop</h1>
        {view && <span className="agent-name">{view.agent.name}</span>}
        {state && (
          <span className={`agent-state-tag state-${state}`} role="status" aria-live="polite" data-agent-state={state}>
            {stateWords[state]}
          </span>
        )}
        <button type="button" className="link-button agent-sign-out" onClick={onSignOut}>
          Sign out
        </button>
      </header>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      {!view && !error && <p>Loading…</p>}
      {view && state === 'offline' && (
        <section className="agent-panel">
          <h2>Ready to take calls?</h2>
          <QueuePicker known={view.agent.queues} onGo={(queues) => act(() => agentApi.available(queues))} />
        </section>
      )}
      {view && (state === 'available' || state === 'reserved') && (
        <section className="agent-panel">
          <h2>{state === 'available' ? 'Waiting for the next call' : 'Connecting a call…'}</h2>
          <p>
            Calls come from {view.agent.queues.length ? view.agent.queues.map((q) => `“${q}”`).join(', ') : 'your queues'}. When a customer answers, their
            details and your script appear here.
          </p>
          {state === 'available' && (
            <button type="button" onClick={() => void act(agentApi.offline)}>
              Stop taking calls
            </button>
          )}
        </section>
      )}
      {view?.call && state === 'on-call' && <Call view={view} act={act} />}
      {view && state === 'wrap-up' && (
        <section className="agent-panel">
          <h2>Wrap-up</h2>
          <p>The call has ended and the journey has been told how it went. Finish any notes you keep elsewhere, then take the next call.</p>
          {view.call && (
            <p className="hint">
              Last call: {[view.call.contact.firstName, view.call.contact.lastName].filter(Boolean).join(' ') || view.call.contact.id} · {view.call.journeyName}
            </p>
          )}
          <div className="row-buttons">
            <button type="button" className="primary" onClick={() => void act(agentApi.wrapUpDone)} autoFocus>
              Ready for the next call
            </button>
          </div>
        </section>
      )}
    </div>
  );
}
