// The watched run's header: what it runs, its status and totals, the chart, and pause, resume and stop.
import { useEffect, useState } from 'react';
import type { RunStatus } from '../../../server/api-types.ts';
import { completedOf } from './live-state.ts';
import { liveStore, useLive, useLiveShallow } from './live-store.ts';
import { RunChart } from './RunChart.tsx';
import { RunHistory } from './RunHistory.tsx';
import { runsApi, type RunView } from './runs-api.ts';

export const statusWords: Record<RunStatus, string> = {
  scheduled: 'Scheduled',
  running: 'Running',
  paused: 'Paused',
  stopped: 'Stopped',
  completed: 'Finished',
};

function ConnectionState() {
  const { connection, retryAt, error, status } = useLiveShallow((s) => ({ connection: s.connection, retryAt: s.retryAt, error: s.error, status: s.status }));
  const over = status === 'completed' || status === 'stopped';
  const [, tick] = useState(0);
  useEffect(() => {
    if (connection !== 'retrying') return;
    const timer = setInterval(() => tick((n) => n + 1), 1000);
    return () => clearInterval(timer);
  }, [connection]);
  const words =
    connection === 'live'
      ? over
        ? 'The run is over: these are its final figures'
        : 'Live: figures update as the run moves'
      : connection === 'retrying'
        ? `Connection lost; trying again in ${Math.max(0, Math.ceil(((retryAt ?? Date.now()) - Date.now()) / 1000))} s`
        : 'Connecting…';
  return (
    <span className={`connection connection-${connection}`} role="status" data-connection={connection}>
      <span className="dot" aria-hidden="true" /> {words}
      {error && <span className="field-error"> · {error}</span>}
    </span>
  );
}

function Totals() {
  const { audience, active, outcomes } = useLiveShallow((s) => ({ audience: s.metrics.audience, active: s.metrics.active, outcomes: s.metrics.outcomes }));
  const finished = completedOf({ audience, active, outcomes, steps: {} });
  const released = Math.max(0, audience - active - finished);
  return (
    <div className="run-totals">
      <dl className="totals">
        <div>
          <dt>Contacts in the run</dt>
          <dd data-total="audience">{audience.toLocaleString()}</dd>
        </div>
        <div>
          <dt>In the journey now</dt>
          <dd data-total="active">{active.toLocaleString()}</dd>
        </div>
        <div>
          <dt>Finished</dt>
          <dd data-total="finished">{finished.toLocaleString()}</dd>
        </div>
        {released > 0 && (
          <div>
            <dt title="Contacts taken out of the journey before they finished it, e.g. when the run was stopped">Taken out early</dt>
            <dd data-total="released">{released.toLocaleString()}</dd>
          </div>
        )}
      </dl>
      {Object.keys(outcomes).length > 0 && (
        <p className="outcomes">
          How they finished:{' '}
          {Object.entries(outcomes)
            .sort((a, b) => b[1] - a[1])
            .map(([name, n]) => `${name} ${n.toLocaleString()}`)
            .join(' · ')}
        </p>
      )}
    </div>
  );
}

function Controls({ run, onChanged }: { run: RunView; onChanged: (run: RunView) => void }) {
  const status = useLive((s) => s.status) ?? run.status;
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const act = async (action: () => Promise<RunView>) => {
    setBusy(true);
    setError(undefined);
    try {
      const next = await action();
      // The socket will say so too; showing it at once tells the user the click worked.
      liveStore.setState({ ...liveStore.getState(), status: next.status });
      onChanged(next);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
      setConfirming(false);
    }
  };
  const open = status === 'running' || status === 'paused' || status === 'scheduled';
  if (!open) return error ? <p className="field-error">{error}</p> : null;
  return (
    <div className="run-controls">
      {status === 'running' && (
        <button type="button" disabled={busy} onClick={() => void act(() => runsApi.pause(run.id))}>
          Pause
        </button>
      )}
      {status === 'paused' && (
        <button type="button" className="primary" disabled={busy} onClick={() => void act(() => runsApi.resume(run.id))}>
          Resume
        </button>
      )}
      {!confirming ? (
        <button type="button" className="danger" disabled={busy} onClick={() => setConfirming(true)}>
          Stop…
        </button>
      ) : (
        <span className="confirm" role="group" aria-label="Confirm stopping the run">
          <span>Stop for good? Every contact still in the journey leaves it; nothing more is sent.</span>
          <button type="button" className="danger" disabled={busy} onClick={() => void act(() => runsApi.stop(run.id))} autoFocus>
            Stop the run
          </button>
          <button type="button" onClick={() => setConfirming(false)}>
            Keep it going
          </button>
        </span>
      )}
      {error && <p className="field-error">{error}</p>}
    </div>
  );
}

export function RunHeader({ run, onChanged }: { run: RunView; onChanged: (run: RunView) => void }) {
  const status = useLive((s) => s.status) ?? run.status;
  const points = useLive((s) => s.points);
  const audience = useLive((s) => s.metrics.audience);
  return (
    <section className="run-header" aria-label="The run">
      <div className="run-title">
        <h2>
          {run.mode === 'simulated' ? 'Simulated run' : 'Live run'} of version {run.version}{' '}
          <span className={`run-status status-${status}`} data-run-status={status}>
            {statusWords[status]}
          </span>
        </h2>
        <p className="hint">
          Contact list “{run.listId}” · started {new Date(run.createdAt).toLocaleString()}
          {status === 'scheduled' && ` · starts ${new Date(run.startAt).toLocaleString()}`}
          {run.stopReason && ` · ${run.stopReason}`} · run <code>{run.id}</code>
        </p>
        <ConnectionState />
        <Controls run={run} onChanged={onChanged} />
        <RunHistory runId={run.id} changed={status} />
      </div>
      <Totals />
      <RunChart points={points} audience={audience} />
    </section>
  );
}
