// The editor's store: the journey being edited, its history, the selection and what the panels show. Each editor on a
// page has its own, made by <EditorStoreProvider>; components reach it with useEditorStore() and useEditor().
import { createContext, createElement, useContext, useState, type ReactNode } from 'react';
import type { JourneyDiff } from '../../../schemas/diff.ts';
import type { VersionRef } from '../files/journey-address.ts';
import { emptyJourney, type FileNode, type JourneyFile } from '../model/document.ts';
import { createStore, useStoreSlice, type Store } from './create-store.ts';
import * as history from './history.ts';

export interface Selection {
  nodes: string[];
  /** Edges are named `<source>:<port>`. */
  edges: string[];
}

/** Two versions shown on the canvas at once: the later one drawn, the removed steps of the earlier one drawn faded. */
export interface DiffView {
  from: VersionRef;
  to: VersionRef;
  before: JourneyFile;
  after: JourneyFile;
  diff: JourneyDiff;
  /** The published version shown (`after`), which the panel offers to restore as the draft. */
  restorable?: number;
}

/** Where the journey lives on the server, and what was last saved there. */
export interface ServerState {
  /** The id the draft is saved under; absent for a journey never saved. */
  savedId?: string;
  /** The document as last saved or opened, to tell whether there are unsaved changes. */
  savedDoc?: JourneyFile;
  latestVersion: number | null;
  /** The ETag of the draft as last saved or opened: sent as If-Match, so that a save over someone else's is refused. */
  etag?: string;
}

/** A save refused because someone else saved the journey since it was opened: theirs, and what it changes. */
export interface SaveConflict {
  updatedBy: string | null;
  updatedAt: string;
  /** The ETag of their draft: saving with it overwrites theirs on purpose. */
  etag: string;
  theirs: JourneyFile;
  /** From the draft as edited here to theirs. */
  diff: JourneyDiff;
  latestVersion: number | null;
}

export interface EditorState {
  doc: JourneyFile;
  /** Undo and redo, and the drag under way (see history.ts). */
  history: history.History<JourneyFile>;
  selection: Selection;
  clipboard?: Record<string, FileNode>;
  /** A field the inspector should focus, as a JSON pointer into the file (set by the problems panel). */
  focusPath?: string;
  diffView?: DiffView;
  server: ServerState;
  /** A save the server refused because another save came first; the conflict dialog shows it until resolved. */
  conflict?: SaveConflict;
  /** A short message for the status line ("Saved", "Published version 3"). */
  notice?: { text: string; tone: 'info' | 'error' };
  /** A save of the draft is on its way to the server. */
  saving?: boolean;
}

export interface EditOptions {
  /** Edits with the same key in quick succession share one history entry (typing in a field). */
  coalesce?: string;
  selection?: Selection;
}

/** One editor's state and the commands that change it. */
export interface EditorStore extends Store<EditorState> {
  /** Every change to the journey goes through here, so that undo and redo cover all of them. */
  edit(doc: JourneyFile, options?: EditOptions): void;
  /** Starts a gesture (a drag): intermediate documents are shown but not recorded. */
  beginGesture(): void;
  updateDuringGesture(doc: JourneyFile): void;
  endGesture(): void;
  undo(): void;
  redo(): void;
  select(selection: Selection): void;
  selectNode(id: string | undefined, focusPath?: string): void;
  clearFocusPath(): void;
  setClipboard(nodes: Record<string, FileNode>): void;
  /** Replaces the journey (opening, importing, starting anew): a fresh history, nothing selected. */
  load(doc: JourneyFile, server: ServerState): void;
  setServer(server: ServerState): void;
  setConflict(conflict: SaveConflict | undefined): void;
  showDiff(diffView: DiffView | undefined): void;
  notify(text: string, tone?: 'info' | 'error'): void;
  setSaving(saving: boolean): void;
}

export function initialEditorState(): EditorState {
  return { doc: emptyJourney(), history: history.emptyHistory(), selection: { nodes: [], edges: [] }, server: { latestVersion: null } };
}

/** A new editor store; `now` is the clock that tells typing in one field from separate edits. */
export function createEditorStore(initial: EditorState = initialEditorState(), now: () => number = Date.now): EditorStore {
  const store = createStore<EditorState>(initial);
  const get = store.getState;
  const set = (patch: Partial<EditorState>) => store.setState({ ...get(), ...patch });
  return {
    ...store,
    edit(doc, options = {}) {
      const state = get();
      if (doc === state.doc) {
        if (options.selection) set({ selection: options.selection });
        return;
      }
      set({
        doc,
        history: history.record(state.history, state.doc, { ...(options.coalesce !== undefined && { coalesce: options.coalesce }), now: now() }),
        diffView: undefined,
        // A message is about the journey as it was ("Opened…", "drag a Start step", an error): out of date once it changes.
        notice: undefined,
        ...(options.selection && { selection: options.selection }),
      });
    },
    beginGesture() {
      const state = get();
      const next = history.beginGesture(state.history, state.doc);
      if (next !== state.history) set({ history: next });
    },
    updateDuringGesture(doc) {
      set({ doc });
    },
    endGesture() {
      const state = get();
      const next = history.endGesture(state.history, state.doc);
      if (next !== state.history) set({ history: next });
    },
    undo() {
      const state = get();
      const step = history.undo(state.history, state.doc);
      if (step) set({ doc: step.doc, history: step.history, selection: keepSelection(state.selection, step.doc) });
    },
    redo() {
      const state = get();
      const step = history.redo(state.history, state.doc);
      if (step) set({ doc: step.doc, history: step.history, selection: keepSelection(state.selection, step.doc) });
    },
    select(selection) {
      set({ selection });
    },
    selectNode(id, focusPath) {
      set({ selection: { nodes: id ? [id] : [], edges: [] }, focusPath });
    },
    clearFocusPath() {
      if (get().focusPath !== undefined) set({ focusPath: undefined });
    },
    setClipboard(nodes) {
      set({ clipboard: nodes });
    },
    load(doc, server) {
      set({
        doc,
        history: history.emptyHistory(),
        selection: { nodes: [], edges: [] },
        diffView: undefined,
        server,
        focusPath: undefined,
        conflict: undefined,
      });
    },
    setServer(server) {
      set({ server });
    },
    setConflict(conflict) {
      set({ conflict });
    },
    showDiff(diffView) {
      set({ diffView, selection: { nodes: [], edges: [] } });
    },
    notify(text, tone = 'info') {
      set({ notice: { text, tone } });
    },
    setSaving(saving) {
      if (get().saving !== saving) set({ saving });
    },
  };
}

const EditorStoreContext = createContext<EditorStore | null>(null);

/** Gives the components inside it one editor store: `store` when given (a test's), else a new one. */
export function EditorStoreProvider({ store, children }: { store?: EditorStore; children?: ReactNode }) {
  const [own] = useState(() => store ?? createEditorStore());
  return createElement(EditorStoreContext.Provider, { value: store ?? own }, children);
}

/** The store of the editor this component is in. */
export function useEditorStore(): EditorStore {
  const store = useContext(EditorStoreContext);
  if (!store) throw new Error('useEditorStore() is used outside an <EditorStoreProvider>');
  return store;
}

/** Reads a slice of the editor's state; the component re-renders only when the slice changes. */
export function useEditor<T>(selector: (state: EditorState) => T, equal?: (a: T, b: T) => boolean): T {
  return useStoreSlice(useEditorStore(), selector, equal);
}

function keepSelection(selection: Selection, doc: JourneyFile): Selection {
  return {
    nodes: selection.nodes.filter((id) => id in doc.nodes),
    edges: selection.edges.filter((edge) => {
      const [source, port] = splitEdgeId(edge);
      return doc.nodes[source]?.next?.[port] !== undefined;
    }),
  };
}

export function edgeId(source: string, port: string): string {
  return `${source}:${port}`;
}

export function splitEdgeId(id: string): [string, string] {
  const at = id.indexOf(':');
  return [id.slice(0, at), id.slice(at + 1)];
}
