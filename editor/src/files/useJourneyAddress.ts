// Keeps the address and the Design page in step: the address names the journey, version or comparison shown, and an
// address opened (a reload, a shared link, Back) opens what it names, asking first before unsaved changes are dropped.
import { useEffect, useRef } from 'react';
import { useServerData } from '../api/server-data.ts';
import { usePathname } from '../app/routes.ts';
import { useCanvasView } from '../canvas/view.ts';
import { useEditorStore, type EditorState } from '../store/editor-store.ts';
import { compareVersions, hasUnsavedChanges, openJourney, showVersion } from './file-actions.ts';
import { journeyPath, parseJourneyAddress, sameAddress, type JourneyAddress } from './journey-address.ts';

/** What the Design page shows, as an address; undefined for a journey never saved on the server. */
export function shownAddress(state: EditorState): JourneyAddress | undefined {
  const id = state.server.savedId;
  if (id === undefined) return undefined;
  const shown = state.diffView;
  if (shown?.restorable !== undefined) return { kind: 'version', id, version: shown.restorable };
  if (shown) return { kind: 'diff', id, from: shown.from, to: shown.to };
  return { kind: 'journey', id };
}

export function useJourneyAddress(): void {
  const store = useEditorStore();
  const view = useCanvasView();
  const pathname = usePathname();
  const signedIn = useServerData((d) => d.session !== undefined);
  // While an address is being opened, what is shown passes through other states that must not rewrite the address.
  const opening = useRef(false);

  useEffect(() => {
    const follow = () => {
      if (opening.current) return;
      const shown = shownAddress(store.getState());
      const path = shown ? journeyPath(shown) : '/';
      if (path === window.location.pathname) return;
      // Another journey is a new entry, so that Back returns to the one before; a version or comparison of the same
      // journey replaces its entry.
      const sameJourney = shown && parseJourneyAddress(window.location.pathname)?.id === shown.id;
      window.history[sameJourney ? 'replaceState' : 'pushState'](null, '', path);
    };
    // Only once what is shown changes: the address a page was opened with is read first (below), not overwritten.
    return store.subscribe(follow);
  }, [store]);

  useEffect(() => {
    if (!signedIn) return;
    const wanted = parseJourneyAddress(pathname);
    const state = store.getState();
    const shown = shownAddress(state);
    if (!wanted) {
      // The Design tab's own address while a journey is open (back from another tab): name the journey.
      if (shown && pathname === '/') window.history.replaceState(null, '', journeyPath(shown));
      return;
    }
    if (sameAddress(wanted, shown)) return;
    if (
      wanted.id !== state.server.savedId &&
      hasUnsavedChanges(state) &&
      !window.confirm(`“${state.doc.name}” has changes that are not saved. Leave it and drop them?`)
    ) {
      window.history.pushState(null, '', shown ? journeyPath(shown) : '/');
      return;
    }
    opening.current = true;
    void (async () => {
      try {
        const open = wanted.id === state.server.savedId || (await openJourney(store, view, wanted.id));
        if (!open) return;
        if (wanted.kind === 'journey') store.showDiff(undefined);
        else if (wanted.kind === 'version') await showVersion(store, view, wanted.version);
        else await compareVersions(store, view, wanted.from, wanted.to);
      } finally {
        opening.current = false;
        const now = shownAddress(store.getState());
        window.history.replaceState(null, '', now ? journeyPath(now) : '/');
      }
    })();
  }, [pathname, signedIn, store, view]);
}
