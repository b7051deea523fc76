// Version history: who published what and why; view one to restore it, or pick two (or the draft) to compare.
import { useEffect, useState } from 'react';
import { api } from '../api/client.ts';
import type { Version } from '../api/types.ts';
import { Modal } from '../app/Modal.tsx';
import { useCanvasView } from '../canvas/view.ts';
import { useEditorStore } from '../store/editor-store.ts';
import { compareVersions, showVersion } from './file-actions.ts';

type Choice = number | 'draft';
const parseChoice = (v: string): Choice => (v === 'draft' ? 'draft' : Number(v));

export function HistoryDialog({ onClose }: { onClose: () => void }) {
  const store = useEditorStore();
  const view = useCanvasView();
  const [versions, setVersions] = useState<Version[]>();
  const [error, setError] = useState<string>();
  const [from, setFrom] = useState<Choice>();
  const [to, setTo] = useState<Choice>('draft');
  useEffect(() => {
    api.versions(store.getState().doc.id).then(
      (list) => {
        setVersions(list);
        setFrom(list[0]?.version);
        setTo(list.length > 1 ? list[0]!.version : 'draft');
        if (list.length > 1) setFrom(list[1]!.version);
      },
      (e: unknown) => setError(e instanceof Error ? e.message : String(e)),
    );
  }, [store]);
  const options = [
    ...(versions ?? []).map((v) => ({ value: String(v.version), label: `Version ${v.version}` })),
    { value: 'draft', label: 'The draft on screen' },
  ];
  return (
    <Modal title="Version history" onClose={onClose}>
      {error && <p className="field-error">{error}</p>}
      {versions?.length === 0 && <p>This journey has not been published yet.</p>}
      {versions && versions.length > 0 && (
        <>
          <table className="versions">
            <thead>
              <tr>
                <th scope="col">Version</th>
                <th scope="col">What changed</th>
                <th scope="col">By</th>
                <th scope="col">When</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {versions.map((v) => (
                <tr key={v.version}>
                  <td>{v.version}</td>
                  <td>{v.message}</td>
                  <td>{v.author}</td>
                  <td>{new Date(v.publishedAt).toLocaleString()}</td>
                  <td>
                    <button
                      type="button"
                      aria-label={`View version ${v.version} and restore it`}
                      onClick={() => {
                        onClose();
                        void showVersion(store, view, v.version);
                      }}
                    >
                      View and restore…
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <form
            className="compare"
            onSubmit={(e) => {
              e.preventDefault();
              if (from === undefined) return;
              onClose();
              void compareVersions(store, view, from, to);
            }}
          >
            <label>
              Compare
              <VersionSelect value={from} options={options} onChange={setFrom} />
            </label>
            <label>
              with
              <VersionSelect value={to} options={options} onChange={setTo} />
            </label>
            <button type="submit" className="primary" disabled={from === undefined || from === to}>
              Show differences
            </button>
          </form>
        </>
      )}
      <div className="row-buttons">
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
    </Modal>
  );
}

/** One side of the comparison: a published version or the draft on screen. */
function VersionSelect({
  value,
  options,
  onChange,
}: {
  value: Choice | undefined;
  options: { value: string; label: string }[];
  onChange: (choice: Choice) => void;
}) {
  return (
    <select value={String(value)} onChange={(e) => onChange(parseChoice(e.target.value))}>
      {options.map((o) => (
        <option key={o.value} value={o.value}>
          {o.label}
        </option>
      ))}
    </select>
  );
}
