// A save refused because someone else saved the journey first: who, when, what their draft changes, and a choice.
import { Modal } from '../app/Modal.tsx';
import { useCanvasView } from '../canvas/view.ts';
import { useEditor, useEditorStore } from '../store/editor-store.ts';
import { DiffDetails } from './DiffPanel.tsx';
import { decideLater, overwriteTheirs, reloadTheirs } from './file-actions.ts';

export function ConflictDialog() {
  const store = useEditorStore();
  const view = useCanvasView();
  const conflict = useEditor((s) => s.conflict);
  const mine = useEditor((s) => s.doc);
  if (!conflict) return null;
  const who = conflict.updatedBy ?? 'Someone';
  const when = new Date(conflict.updatedAt).toLocaleString();
  return (
    <Modal title="Someone else saved this journey" onClose={() => decideLater(store)}>
      <p className="conflict-who">
        <strong>{who}</strong> saved it at <time dateTime={conflict.updatedAt}>{when}</time>, after you opened it. Your save was not made.
      </p>
      <h3>What their draft has that yours does not</h3>
      <div className="conflict-diff">
        <DiffDetails view={{ diff: conflict.diff, before: mine, after: conflict.theirs }} />
      </div>
      <div className="row-buttons">
        <button type="button" onClick={() => reloadTheirs(store, view)}>
          Reload theirs
        </button>
        <button type="button" className="primary" onClick={() => void overwriteTheirs(store)}>
          Overwrite with mine
        </button>
        <button type="button" onClick={() => decideLater(store)}>
          Decide later
        </button>
      </div>
      <p className="help">Reload theirs drops your changes. Overwrite with mine replaces their draft with yours; their changes stay in this list only.</p>
    </Modal>
  );
}
