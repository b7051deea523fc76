// The Runs tab: start a run of the journey, pick one of its runs, and watch it live on the journey's canvas.
import { useCallback, useEffect, useState } from 'react';
import { api } from '../api/client.ts';
import { useServerData } from '../api/server-data.ts';
import type { JourneySummary } from '../api/types.ts';
import { asJourneyFile, type JourneyFile } from '../model/document.ts';
import { useEditor } from '../store/editor-store.ts';
import { ComplianceReport } from './ComplianceReport.tsx';
import { watchRun } from './live-socket.ts';
import { RunAgents } from './RunAgents.tsx';
import { RunCanvas } from './RunCanvas.tsx';
import { RunHeader, statusWords } from './RunHeader.tsx';
import { useLive } from './live-store.ts';
import { runsApi, type RunView } from './runs-api.ts';
import { StartRunForm } from './StartRunForm.tsx';
import './runs.css';

/** `/runs/<id>` names the watched run, so that a link to a run opens it. */
function runIdInAddress(): string | undefined {
  const match = /^\/runs\/([^/]+)$/.exec(window.location.pathname);
  return match ? decodeURIComponent(match[1]!) : undefined;
}

function showInAddress(runId: string): void {
  window.history.replaceState(null, '', `/runs/${encodeURIComponent(runId)}`);
}

const versionDocs = new Map<string, Promise<JourneyFile | undefined>>();

/** The journey as the run plays it: its published version, which may differ from the draft on the Design page. */
function versionDoc(journeyId: string, version: number): Promise<JourneyFile | undefined> {
  const key = `${journeyId}@${version}`;
  let doc = versionDocs.get(key);
  if (!doc) {
    doc = api.version(journeyId, version).then((v) => asJourneyFile(v.journey));
    doc.catch(() => versionDocs.delete(key));
    versionDocs.set(key, doc);
  }
  return doc;
}

function RunList({ runs, selected, onSelect }: { runs: RunView[]; selected: string | undefined; onSelect: (run: RunView) => void }) {
  const liveStatus = useLive((s) => s.status);
  if (!runs.length) return <p className="hint">No runs yet.</p>;
  return (
    <ul className="run-list">
      {runs.map((run) => {
        const status = run.id === selected ? (liveStatus ?? run.status) : run.status;
        return (
          <li key={run.id}>
            <button type="button" aria-current={run.id === selected ? 'true' : undefined} onClick={() => onSelect(run)} data-run={run.id}>
              <strong>
                {run.mode === 'simulated' ? 'Simulated' : 'Live'} · version {run.version}
              </strong>
              <span className={`run-status status-${status}`}>{statusWords[status]}</span>
              <span className="hint">
                {run.listId} · {new Date(run.createdAt).toLocaleString()}
              </span>
            </button>
          </li>
        );
      })}
    </ul>
  );
}

function WatchedRun({ run, onChanged }: { run: RunView; onChanged: (run: RunView) => void }) {
  const [doc, setDoc] = useState<JourneyFile>();
  const [error, setError] = useState<string>();
  const [view, setView] = useState<'canvas' | 'report'>('canvas');
  const status = useLive((s) => s.status) ?? run.status;
  useEffect(() => watchRun(run.id), [run.id]);
  useEffect(() => {
    setDoc(undefined);
    setError(undefined);
    versionDoc(run.journeyId, run.version).then(
      (d) => (d ? setDoc(d) : setError('The run’s journey version could not be read.')),
      (e: unknown) => setError(e instanceof Error ? e.message : String(e)),
    );
  }, [run.journeyId, run.version]);
  const hasAgents = doc !== undefined && Object.values(doc.nodes).some((n) => n.type === 'dialer' && n.config.mode !== 'agentless');
  return (
    <>
      <RunHeader run={run} onChanged={onChanged} />
      <div className="run-views" role="group" aria-label="Show">
        <button type="button" aria-pressed={view === 'canvas'} onClick={() => setView('canvas')}>
          Journey
        </button>
        <button type="button" aria-pressed={view === 'report'} onClick={() => setView('report')}>
          Compliance report
        </button>
      </div>
      {view === 'report' ? (
        <ComplianceReport runId={run.id} changed={status} />
      ) : (
        <>
          {error && <p className="field-error">{error}</p>}
          {doc ? <RunCanvas doc={doc} /> : !error && <p className="hint">Loading the journey…</p>}
        </>
      )}
      {run.mode === 'simulated' && hasAgents && (
        <details className="run-agents-panel">
          <summary>Simulated agents</summary>
          <RunAgents runId={run.id} moving={status === 'running'} />
        </details>
      )}
    </>
  );
}

/** The journeys on the server, to start or watch runs of any of them, not only of the one open on the Design page. */
function JourneyPicker({ value, onChange }: { value: string | undefined; onChange: (id: string | undefined) => void }) {
  const [journeys, setJourneys] = useState<JourneySummary[]>();
  useEffect(() => {
    api.listJourneys().then(setJourneys, () => setJourneys([]));
  }, []);
  return (
    <label className="field">
      Journey
      <select value={value ?? ''} onChange={(e) => onChange(e.target.value || undefined)}>
        <option value="">All journeys (recent runs)</option>
        {journeys?.map((j) => (
          <option key={j.id} value={j.id}>
            {j.name}
          </option>
        ))}
      </select>
    </label>
  );
}

/** The journey whose runs are shown: the one picked here, else the one open on the Design page. */
function useRunJourney(): { journeyId: string | undefined; name: string; doc: JourneyFile | undefined; pick: (id: string | undefined) => void } {
  const openId = useEditor((s) => s.server.savedId);
  const openDoc = useEditor((s) => s.doc);
  const [picked, setPicked] = useState<{ id: string | undefined }>();
  const [pickedDoc, setPickedDoc] = useState<{ id: string; doc: JourneyFile }>();
  const journeyId = picked ? picked.id : openId;
  useEffect(() => {
    if (!journeyId || journeyId === openId) return;
    api.getJourney(journeyId).then(
      (draft) => {
        const doc = asJourneyFile(draft.journey);
        if (doc) setPickedDoc({ id: journeyId, doc });
      },
      () => undefined,
    );
  }, [journeyId, openId]);
  const doc = journeyId === openId ? openDoc : pickedDoc && pickedDoc.id === journeyId ? pickedDoc.doc : undefined;
  return { journeyId, name: doc?.name ?? '', doc, pick: (id) => setPicked({ id }) };
}

export function RunsPage() {
  const { journeyId, name, doc, pick } = useRunJourney();
  const session = useServerData((d) => d.session);
  const [runs, setRuns] = useState<RunView[]>([]);
  const [selected, setSelected] = useState<RunView>();
  const [error, setError] = useState<string>();

  const refresh = useCallback(
    async (prefer?: string) => {
      try {
        const list = await runsApi.list(journeyId);
        setRuns(list);
        const wanted = prefer ?? runIdInAddress();
        const found = list.find((r) => r.id === wanted) ?? (wanted ? await runsApi.get(wanted).catch(() => undefined) : undefined) ?? list[0];
        setSelected((current) => (current && current.id === found?.id ? current : found));
        if (found) showInAddress(found.id);
      } catch (e) {
        setError(e instanceof Error ? e.message : String(e));
      }
    },
    [journeyId],
  );

  useEffect(() => {
    if (session) void refresh();
  }, [session, refresh]);

  const select = (run: RunView) => {
    setSelected(run);
    showInAddress(run.id);
  };
  const canRun = session && (session.role === 'operator' || session.role === 'admin');

  return (
    <div className="runs-page">
      <aside className="runs-side" aria-label="Runs">
        <h1>Runs{journeyId ? ` of “${name}”` : ''}</h1>
        {!session && <p>Sign in to start and watch runs.</p>}
        {session && <JourneyPicker value={journeyId} onChange={pick} />}
        {session && !journeyId && <p className="hint">Choose a journey to start a run of it. All recent runs are listed below.</p>}
        {journeyId && doc && canRun && (
          <StartRunForm
            key={journeyId}
            journeyId={journeyId}
            doc={doc}
            onStarted={(run) => {
              select(run);
              void refresh(run.id);
            }}
          />
        )}
        {journeyId && session && !canRun && <p className="hint">Starting runs needs operator rights; you can watch the runs below.</p>}
        <h2>{journeyId ? 'Runs of this journey' : 'Recent runs'}</h2>
        {error && <p className="field-error">{error}</p>}
        <RunList runs={runs} selected={selected?.id} onSelect={select} />
      </aside>
      <main className="runs-watch" id="main">
        {selected ? (
          <WatchedRun
            key={selected.id}
            run={selected}
            onChanged={(run) => {
              setSelected(run);
              setRuns((list) => list.map((r) => (r.id === run.id ? run : r)));
            }}
          />
        ) : (
          <p className="hint page">Start a run, or choose one from the list, to watch it here.</p>
        )}
      </main>
    </div>
  );
}
