// Saves the draft on its own a moment after the last edit, through the same save as the button, so that a save over
// someone else's newer draft is refused and the conflict dialog asks whose to keep.
import { useEffect } from 'react';
import { hasErrors } from '../../../schemas/problems.ts';
import { useServerData } from '../api/server-data.ts';
import { problemsOf } from '../model/problems.ts';
import { useEditorStore, type EditorState } from '../store/editor-store.ts';
import { saveDraft } from './file-actions.ts';

/** Long enough that typing a word makes one save, short enough that a reload seldom finds work unsaved. */
export const autosaveDelayMs = 1500;

/**
 * Whether the draft can be saved without asking: it is on the server under this id (a new journey or a changed id is
 * saved the first time with Save draft, which may ask to replace another), it has no errors (the server keeps none),
 * and no refused save waits for a choice.
 */
export function canAutosave(state: EditorState): boolean {
  const { doc, server } = state;
  return (
    doc !== server.savedDoc && server.savedId === doc.id && !state.conflict && !state.saving && state.diffView === undefined && !hasErrors(problemsOf(doc))
  );
}

export function useAutosave(): void {
  const store = useEditorStore();
  const signedIn = useServerData((d) => d.session !== undefined);
  useEffect(() => {
    if (!signedIn) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let seen = store.getState();
    const schedule = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        if (canAutosave(store.getState())) void saveDraft(store, undefined, { auto: true });
      }, autosaveDelayMs);
    };
    const unsubscribe = store.subscribe(() => {
      const state = store.getState();
      // A new edit restarts the wait; so does the end of a save, for the edits made while it was on its way.
      const changed = state.doc !== seen.doc || (seen.saving && !state.saving);
      seen = state;
      if (changed && canAutosave(state)) schedule();
    });
    if (canAutosave(seen)) schedule();
    return () => {
      clearTimeout(timer);
      unsubscribe();
    };
  }, [store, signedIn]);
}
