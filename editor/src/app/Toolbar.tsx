// The toolbar: the journey's file commands and the editing commands, each with its shortcut in its tooltip.
import { useRef, useState } from 'react';
import { actions, shortcutText, type EditorAction } from '../actions/actions.ts';
import { useServerData } from '../api/server-data.ts';
import { useCanvasView } from '../canvas/view.ts';
import { exportFile, hasUnsavedChanges, importFile, newJourney, saveDraft } from '../files/file-actions.ts';
import { ConflictDialog } from '../files/ConflictDialog.tsx';
import { HistoryDialog } from '../files/HistoryDialog.tsx';
import { OpenDialog } from '../files/OpenDialog.tsx';
import { PinpointReportDialog } from '../files/PinpointReportDialog.tsx';
import type { PinpointImport } from '../files/pinpoint-import.ts';
import { PublishDialog } from '../files/PublishDialog.tsx';
import { errorCount, problemsOf } from '../model/problems.ts';
import { useEditor, useEditorStore, type EditorState, type EditorStore } from '../store/editor-store.ts';

function ActionButton({ action }: { action: EditorAction }) {
  const store = useEditorStore();
  const view = useCanvasView();
  const enabled = useEditor((s: EditorState) => action.enabled(s));
  const shortcut = shortcutText(action);
  return (
    <button
      type="button"
      onClick={() => action.perform(store, view)}
      disabled={!enabled}
      title={shortcut ? `${action.label} (${shortcut})` : action.label}
      aria-keyshortcuts={action.keys.join(' ')}
    >
      {action.label}
    </button>
  );
}

function confirmDiscard(store: EditorStore): boolean {
  return !hasUnsavedChanges(store.getState()) || window.confirm('The journey has changes that are not saved. Discard them?');
}

export function Toolbar() {
  const store = useEditorStore();
  const view = useCanvasView();
  const [dialog, setDialog] = useState<'open' | 'publish' | 'history'>();
  const [pinpoint, setPinpoint] = useState<PinpointImport>();
  const fileInput = useRef<HTMLInputElement>(null);
  const errors = useEditor((s) => errorCount(problemsOf(s.doc)));
  const signedIn = useServerData((d) => d.session !== undefined);
  const diffing = useEditor((s) => s.diffView !== undefined);
  const needServer = (run: () => void) => () =>
    signedIn ? run() : store.notify('Sign in to the server first: open the sign-in link you were given.', 'error');

  return (
    <div className="toolbar" role="toolbar" aria-label="Journey commands">
      <div className="toolbar-group" aria-label="File">
        <button type="button" onClick={() => confirmDiscard(store) && newJourney(store)}>
          New
        </button>
        <button type="button" aria-disabled={!signedIn} onClick={needServer(() => confirmDiscard(store) && setDialog('open'))}>
          Open…
        </button>
        <button type="button" onClick={() => confirmDiscard(store) && fileInput.current?.click()}>
          Import file…
        </button>
        <input
          ref={fileInput}
          type="file"
          accept=".json,application/json"
          hidden
          aria-label="Journey file to import"
          data-testid="import-input"
          onChange={(e) => {
            const file = e.target.files?.[0];
            e.target.value = '';
            if (file) void importFile(store, view, file).then(setPinpoint);
          }}
        />
        <button type="button" onClick={() => exportFile(store)} title="Download the journey file, formatted as journey fmt writes it">
          Export file
        </button>
        <button type="button" aria-disabled={!signedIn || diffing} onClick={needServer(() => void saveDraft(store))}>
          Save draft
        </button>
        <button
          type="button"
          className="primary"
          aria-disabled={!signedIn || errors > 0 || diffing}
          aria-describedby="publish-reason"
          onClick={needServer(() =>
            errors > 0
              ? store.notify(
                  `Publishing is not possible while the journey has ${errors} ${errors === 1 ? 'error' : 'errors'}. Fix them first (see Problems).`,
                  'error',
                )
              : setDialog('publish'),
          )}
        >
          Publish…
        </button>
        <span id="publish-reason" className="visually-hidden">
          {errors > 0 ? `Publishing needs the ${errors} ${errors === 1 ? 'error' : 'errors'} fixed first.` : ''}
        </span>
        <button type="button" aria-disabled={!signedIn} onClick={needServer(() => setDialog('history'))}>
          History…
        </button>
      </div>
      <div className="toolbar-group" aria-label="Edit">
        <ActionButton action={actions.undo} />
        <ActionButton action={actions.redo} />
        <ActionButton action={actions.duplicate} />
        <ActionButton action={actions.delete} />
        <ActionButton action={actions.layout} />
        <ActionButton action={actions.fitView} />
      </div>
      {dialog === 'open' && <OpenDialog onClose={() => setDialog(undefined)} />}
      {dialog === 'publish' && <PublishDialog onClose={() => setDialog(undefined)} />}
      {dialog === 'history' && <HistoryDialog onClose={() => setDialog(undefined)} />}
      {pinpoint && <PinpointReportDialog converted={pinpoint} onClose={() => setPinpoint(undefined)} />}
      <ConflictDialog />
    </div>
  );
}
