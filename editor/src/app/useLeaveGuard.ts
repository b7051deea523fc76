// Asks before the page is left (reload, closing the tab, another site) while the journey has changes not saved.
import { useEffect } from 'react';
import { hasUnsavedChanges } from '../files/file-actions.ts';
import { useEditorStore } from '../store/editor-store.ts';

export function useLeaveGuard(): void {
  const store = useEditorStore();
  useEffect(() => {
    const guard = (event: BeforeUnloadEvent) => {
      if (!hasUnsavedChanges(store.getState())) return;
      // The browser shows its own words; both calls are needed for every browser to ask.
      event.preventDefault();
      event.returnValue = '';
    };
    window.addEventListener('beforeunload', guard);
    return () => window.removeEventListener('beforeunload', guard);
  }, [store]);
}
