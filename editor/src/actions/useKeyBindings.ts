// Runs the action bound to a key press, except while the user types in a field, where keys belong to the field.
import { useEffect } from 'react';
import { useCanvasView } from '../canvas/view.ts';
import { useEditorStore } from '../store/editor-store.ts';
import { actionForKey } from './actions.ts';

function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName) || target.closest('[role="dialog"]') !== null;
}

export function useKeyBindings(active: boolean): void {
  const store = useEditorStore();
  const view = useCanvasView();
  useEffect(() => {
    if (!active) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.defaultPrevented || isTyping(event.target)) return;
      const action = actionForKey(event);
      if (!action) return;
      event.preventDefault();
      if (action.enabled(store.getState())) action.perform(store, view);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [active, store, view]);
}
