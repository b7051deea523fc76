// Starting a run of a published version: over which list, simulated or live, now or at a chosen moment.
import { useEffect, useId, useState, type FormEvent } from 'react';
import { api } from '../api/client.ts';
import { refreshLists, useServerData } from '../api/server-data.ts';
import type { Version } from '../api/types.ts';
import type { JourneyFile } from '../model/document.ts';
import { runsApi, type RunView, type StartRunRequest } from './runs-api.ts';

function startListOf(doc: JourneyFile): string | undefined {
  const start = Object.values(doc.nodes).find((n) => n.type === 'start');
  const audience = start?.config.audience as { list?: unknown } | undefined;
  return typeof audience?.list === 'string' ? audience.list : undefined;
}

/** The queues of the journey's dialer steps that agents answer (agentless steps need none). */
function agentQueuesOf(doc: JourneyFile): string[] {
  const queues = Object.values(doc.nodes).flatMap((n) =>
    n.type === 'dialer' && n.config.mode !== 'agentless' && typeof n.config.queue === 'string' && n.config.queue ? [n.config.queue] : [],
  );
  return [...new Set(queues)];
}

/** `datetime-local` speaks the browser's local time without a zone; the API wants an instant. */
function toInstant(local: string): string | undefined {
  const at = new Date(local);
  return Number.isNaN(at.getTime()) ? undefined : at.toISOString();
}

export function StartRunForm({ journeyId, doc, onStarted }: { journeyId: string; doc: JourneyFile; onStarted: (run: RunView) => void }) {
  const id = useId();
  const lists = useServerData((d) => d.lists);
  const [versions, setVersions] = useState<Version[]>();
  const [version, setVersion] = useState('');
  const [listId, setListId] = useState(startListOf(doc) ?? '');
  const [mode, setMode] = useState<'simulated' | 'live'>('simulated');
  const [when, setWhen] = useState<'now' | 'later'>('now');
  const [startAt, setStartAt] = useState('');
  const queues = agentQueuesOf(doc);
  const [agents, setAgents] = useState<Record<string, number>>(() => Object.fromEntries(queues.map((q) => [q, 10])));
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    void refreshLists();
    api.versions(journeyId).then(
      (v) => {
        setVersions(v);
        setVersion(String(v[0]?.version ?? ''));
      },
      (e: unknown) => setError(e instanceof Error ? e.message : String(e)),
    );
  }, [journeyId]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    const request: StartRunRequest = { journeyId, mode, ...(version && { version: Number(version) }), ...(listId && { listId }) };
    if (when === 'later') {
      const instant = toInstant(startAt);
      if (!instant) return setError('Choose the date and time the run should start.');
      request.startAt = instant;
    }
    if (mode === 'simulated' && queues.length) request.agents = agents;
    setBusy(true);
    try {
      onStarted(await runsApi.start(request));
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  if (versions?.length === 0) {
    return (
      <section className="start-run" aria-labelledby={`${id}-title`}>
        <h2 id={`${id}-title`}>Start a run</h2>
        <p>
          This journey has no published version yet. Publish it on the Design page first: a run always plays a published version, so what runs is what was
          reviewed.
        </p>
      </section>
    );
  }
  return (
    <form className="start-run" onSubmit={(e) => void submit(e)} aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Start a run</h2>
      <label className="field">
        <span className="field-title">Version</span>
        <select value={version} onChange={(e) => setVersion(e.target.value)} disabled={!versions}>
          {versions?.map((v) => (
            <option key={v.version} value={v.version}>
              Version {v.version}: {v.message || 'no message'}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span className="field-title">Contact list</span>
        <select value={listId} onChange={(e) => setListId(e.target.value)}>
          {!lists?.some((l) => l.id === listId) && <option value={listId}>{listId || 'Choose a list'}</option>}
          {lists?.map((l) => (
            <option key={l.id} value={l.id}>
              {l.name} ({l.contacts.toLocaleString()} contacts)
            </option>
          ))}
        </select>
      </label>
      <fieldset className="field">
        <legend>How</legend>
        <label className="check">
          <input type="radio" name={`${id}-mode`} checked={mode === 'simulated'} onChange={() => setMode('simulated')} />
          Simulated: plays the whole journey in moments on a simulated clock, with simulated customers and agents; nothing is sent to anyone
        </label>
        <label className="check">
          <input type="radio" name={`${id}-mode`} checked={mode === 'live'} onChange={() => setMode('live')} />
          Live: in real time; waits last as long as they say and calls go to your agents
        </label>
      </fieldset>
      <fieldset className="field">
        <legend>When</legend>
        <label className="check">
          <input type="radio" name={`${id}-when`} checked={when === 'now'} onChange={() => setWhen('now')} />
          Now
        </label>
        <label className="check">
          <input type="radio" name={`${id}-when`} checked={when === 'later'} onChange={() => setWhen('later')} />
          At
          <input
            type="datetime-local"
            aria-label="Start date and time"
            value={startAt}
            onChange={(e) => {
              setStartAt(e.target.value);
              setWhen('later');
            }}
          />
        </label>
      </fieldset>
      {mode === 'simulated' && queues.length > 0 && (
        <fieldset className="field">
          <legend>Simulated agents</legend>
          {queues.map((q) => (
            <label key={q} className="inline-fields">
              <input
                type="number"
                min={0}
                max={10000}
                value={agents[q] ?? 10}
                onChange={(e) => setAgents({ ...agents, [q]: Math.max(0, Number(e.target.value) || 0) })}
                aria-label={`Simulated agents answering the queue ${q}`}
              />
              <span>in the queue “{q}”</span>
            </label>
          ))}
        </fieldset>
      )}
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      <div className="row-buttons">
        <button type="submit" className="primary" disabled={busy || !versions}>
          {busy ? 'Starting…' : 'Start the run'}
        </button>
      </div>
    </form>
  );
}
