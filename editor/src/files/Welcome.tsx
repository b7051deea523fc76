// The first thing the Design page shows when no journey is open: the journeys on the server, and a way to start one.
import { useEffect, useState } from 'react';
import { api } from '../api/client.ts';
import { useServerData } from '../api/server-data.ts';
import type { JourneySummary } from '../api/types.ts';
import { navigateTo } from '../app/routes.ts';
import { useEditorStore } from '../store/editor-store.ts';
import { journeyPath } from './journey-address.ts';

export function Welcome({ onNew }: { onNew: () => void }) {
  const store = useEditorStore();
  const signedIn = useServerData((d) => d.session !== undefined);
  const [journeys, setJourneys] = useState<JourneySummary[]>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    if (signedIn) api.listJourneys().then(setJourneys, (e: unknown) => setError(e instanceof Error ? e.message : String(e)));
  }, [signedIn]);
  return (
    <section className="welcome" aria-labelledby="welcome-title">
      <h1 id="welcome-title">Your journeys</h1>
      <p className="hint">Open a journey to change it or start a run, or draw a new one.</p>
      {!signedIn && <p>Sign in to see the journeys saved on the server.</p>}
      {error && <p className="field-error">{error}</p>}
      {signedIn && !journeys && !error && <p>Loading…</p>}
      {journeys?.length === 0 && <p>No journeys are saved on the server yet.</p>}
      {journeys && journeys.length > 0 && (
        <ul className="choice-list">
          {journeys.map((j) => (
            <li key={j.id}>
              <a
                href={journeyPath({ kind: 'journey', id: j.id })}
                onClick={(e) => {
                  e.preventDefault();
                  navigateTo(journeyPath({ kind: 'journey', id: j.id }));
                }}
              >
                <strong>{j.name}</strong>
                <span className="hint">
                  {j.latestVersion ? `Published version ${j.latestVersion}` : 'Not published yet'} · changed {new Date(j.updatedAt).toLocaleString()}
                </span>
              </a>
            </li>
          ))}
        </ul>
      )}
      <div className="row-buttons">
        <button
          type="button"
          className="primary"
          onClick={() => {
            onNew();
            store.notify('New journey: drag a Start step from the left onto the canvas to begin.');
          }}
        >
          Draw a new journey
        </button>
      </div>
    </section>
  );
}
