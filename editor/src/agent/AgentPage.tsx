// The agent desktop at /agent: an agent signs in with their token and takes calls; a manager can watch simulated agents.
import { useEffect, useState } from 'react';
import { connectToServer, useServerData } from '../api/server-data.ts';
import { signInWith, signOut } from '../api/token.ts';
import { RunAgents } from '../runs/RunAgents.tsx';
import { runsApi, type RunView } from '../runs/runs-api.ts';
import { AgentDesk } from './AgentDesk.tsx';
import './agent.css';

function SignInForm({ intro }: { intro: string }) {
  const [text, setText] = useState('');
  const [error, setError] = useState<string>();
  return (
    <form
      className="agent-sign-in"
      onSubmit={(e) => {
        e.preventDefault();
        signInWith(text).then(
          () => {
            setText('');
            setError(undefined);
            void connectToServer();
          },
          (e: unknown) => setError(e instanceof Error ? e.message : String(e)),
        );
      }}
    >
      <p>{intro}</p>
      {error && <p className="field-error">{error}</p>}
      <label className="field">
        <span className="field-title">Agent sign-in link or token</span>
        <input type="password" autoComplete="off" value={text} onChange={(e) => setText(e.target.value)} />
      </label>
      <div className="row-buttons">
        <button type="submit" className="primary">
          Sign in
        </button>
      </div>
    </form>
  );
}

/** For a manager on this page: the simulated agents of a simulated run, as they take its calls. */
function WatchAgents() {
  const [runs, setRuns] = useState<RunView[]>();
  const [runId, setRunId] = useState('');
  const [error, setError] = useState<string>();
  useEffect(() => {
    runsApi.list().then(
      (all) => {
        const simulated = all.filter((r) => r.mode === 'simulated');
        setRuns(simulated);
        setRunId((current) => current || simulated[0]?.id || '');
      },
      (e: unknown) => setError(e instanceof Error ? e.message : String(e)),
    );
  }, []);
  const run = runs?.find((r) => r.id === runId);
  return (
    <section className="agent-panel" aria-labelledby="watch-title">
      <h2 id="watch-title">Watch simulated agents</h2>
      {error && <p className="field-error">{error}</p>}
      {runs?.length === 0 && <p className="hint">No simulated runs yet. Start one from the Runs tab of a journey with a phone call step.</p>}
      {runs && runs.length > 0 && (
        <label className="field">
          <span className="field-title">Run</span>
          <select value={runId} onChange={(e) => setRunId(e.target.value)}>
            {runs.map((r) => (
              <option key={r.id} value={r.id}>
                {r.journeyId} · version {r.version} · {r.status} · {new Date(r.createdAt).toLocaleString()}
              </option>
            ))}
          </select>
        </label>
      )}
      {run && <RunAgents runId={run.id} moving={run.status === 'running'} />}
    </section>
  );
}

export function AgentPage() {
  const session = useServerData((d) => d.session);
  const offline = useServerData((d) => d.offline);
  const [signOutError, setSignOutError] = useState<string>();
  // The server ends the session and removes the page's cookie; the page then asks it again who is signed in.
  const onSignOut = () => {
    signOut().then(
      () => {
        setSignOutError(undefined);
        void connectToServer();
      },
      (e: unknown) => setSignOutError(`Could not sign out: ${e instanceof Error ? e.message : String(e)}`),
    );
  };
  return (
    <main className="page agent-page" id="main">
      {session?.role === 'agent' ? (
        <>
          {signOutError && <p className="field-error">{signOutError}</p>}
          <AgentDesk onSignOut={onSignOut} />
        </>
      ) : (
        <>
          <h1>Agent desktop</h1>
          {!session && <SignInForm intro={offline ? `Not signed in: ${offline}` : 'Sign in with the agent sign-in link or token you were given.'} />}
          {session && (
            <>
              <SignInForm
                intro={`You are signed in as ${session.name}, who is not an agent. To take calls on this computer, sign in with an agent token; to watch simulated agents, use the list below.`}
              />
              <WatchAgents />
            </>
          )}
        </>
      )}
    </main>
  );
}
