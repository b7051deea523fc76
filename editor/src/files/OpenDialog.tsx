// Opening a journey saved on the server.
import { useEffect, useState } from 'react';
import { api } from '../api/client.ts';
import type { JourneySummary } from '../api/types.ts';
import { Modal } from '../app/Modal.tsx';
import { useCanvasView } from '../canvas/view.ts';
import { useEditorStore } from '../store/editor-store.ts';
import { openJourney } from './file-actions.ts';

export function OpenDialog({ onClose }: { onClose: () => void }) {
  const store = useEditorStore();
  const view = useCanvasView();
  const [journeys, setJourneys] = useState<JourneySummary[]>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    api.listJourneys().then(setJourneys, (e: unknown) => setError(e instanceof Error ? e.message : String(e)));
  }, []);
  return (
    <Modal title="Open a journey" onClose={onClose}>
      {error && <p className="field-error">{error}</p>}
      {!journeys && !error && <p>Loading…</p>}
      {journeys?.length === 0 && <p>No journeys are saved on the server yet.</p>}
      {journeys && journeys.length > 0 && (
        <ul className="choice-list">
          {journeys.map((j) => (
            <li key={j.id}>
              <button
                type="button"
                onClick={() => {
                  onClose();
                  void openJourney(store, view, j.id);
                }}
              >
                <strong>{j.name}</strong>
                <span className="hint">
                  {j.id} · {j.latestVersion ? `published version ${j.latestVersion}` : 'not published'} · changed {new Date(j.updatedAt).toLocaleString()}
                </span>
              </button>
            </li>
          ))}
        </ul>
      )}
      <div className="row-buttons">
        <button type="button" onClick={onClose}>
          Cancel
        </button>
      </div>
    </Modal>
  );
}
