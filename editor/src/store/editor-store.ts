// The editor's one store: the journey being edited, its history, the selection and what the panels show.
import type { JourneyDiff } from '../../../schemas/diff.ts';
import { emptyJourney, type FileNode, type JourneyFile } from '../model/document.ts';
import { createStore, shallowEqual, useStoreSlice } from './create-store.ts';

export interface Selection {
  nodes: string[];
  /** Edges are named `<source>:<port>`. */
  edges: string[];
}

/** Two versions shown on the canvas at once: the later one drawn, the removed steps of the earlier one drawn faded. */
export interface DiffView {
  fromLabel: string;
  toLabel: string;
  before: JourneyFile;
  after: JourneyFile;
  diff: JourneyDiff;
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
  past: JourneyFile[];
  future: JourneyFile[];
  /** What the last recorded edit was, so that typing in one field makes one history entry, not one per key. */
  lastEdit?: { key: string; at: number };
  /** The document before a drag started; the drag becomes one history entry when it ends. */
  gestureBase?: JourneyFile;
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
}

const historyLimit = 200;
const coalesceMs = 1500;

export const editorStore = createStore<EditorState>({
  doc: emptyJourney(),
  past: [],
  future: [],
  selection: { nodes: [], edges: [] },
  server: { latestVersion: null },
});

export function useEditor<T>(selector: (state: EditorState) => T, equal?: (a: T, b: T) => boolean): T {
  return useStoreSlice(editorStore, selector, equal);
}

export function useEditorShallow<T>(selector: (state: EditorState) => T): T {
  return useStoreSlice(editorStore, selector, shallowEqual);
}

export function getState(): EditorState {
  return editorStore.getState();
}

function set(patch: Partial<EditorState>): void {
  editorStore.setState({ ...editorStore.getState(), ...patch });
}

export interface EditOptions {
  /** Edits with the same key in quick succession share one history entry (typing in a field). */
  coalesce?: string;
  selection?: Selection;
}

/** Every change to the journey goes through here, so that undo and redo cover all of them. */
export function edit(doc: JourneyFile, options: EditOptions = {}): void {
  const state = getState();
  if (doc === state.doc) {
    if (options.selection) set({ selection: options.selection });
    return;
  }
  const now = Date.now();
  const merge = options.coalesce !== undefined && state.lastEdit?.key === options.coalesce && now - state.lastEdit.at < coalesceMs;
  set({
    doc,
    past: merge ? state.past : [...state.past, state.doc].slice(-historyLimit),
    future: [],
    lastEdit: options.coalesce !== undefined ? { key: options.coalesce, at: now } : undefined,
    diffView: undefined,
    // An error message about the journey is out of date once the journey changes.
    notice: state.notice?.tone === 'error' ? undefined : state.notice,
    ...(options.selection && { selection: options.selection }),
  });
}

/** Starts a gesture (a drag): intermediate documents are shown but not recorded. */
export function beginGesture(): void {
  const state = getState();
  if (!state.gestureBase) set({ gestureBase: state.doc });
}

export function updateDuringGesture(doc: JourneyFile): void {
  set({ doc });
}

export function endGesture(): void {
  const state = getState();
  const base = state.gestureBase;
  if (!base) return;
  if (base === state.doc) set({ gestureBase: undefined });
  else set({ gestureBase: undefined, past: [...state.past, base].slice(-historyLimit), future: [], lastEdit: undefined });
}

export function undo(): void {
  const state = getState();
  const previous = state.past.at(-1);
  if (!previous) return;
  set({ doc: previous, past: state.past.slice(0, -1), future: [state.doc, ...state.future], lastEdit: undefined, selection: keepSelection(state.selection, previous) });
}

export function redo(): void {
  const state = getState();
  const following = state.future[0];
  if (!following) return;
  set({ doc: following, past: [...state.past, state.doc], future: state.future.slice(1), lastEdit: undefined, selection: keepSelection(state.selection, following) });
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

export function select(selection: Selection): void {
  set({ selection });
}

export function selectNode(id: string | undefined, focusPath?: string): void {
  set({ selection: { nodes: id ? [id] : [], edges: [] }, focusPath });
}

export function clearFocusPath(): void {
  if (getState().focusPath !== undefined) set({ focusPath: undefined });
}

export function setClipboard(nodes: Record<string, FileNode>): void {
  set({ clipboard: nodes });
}

/** Replaces the journey (opening, importing, starting anew): a fresh history, nothing selected. */
export function load(doc: JourneyFile, server: ServerState): void {
  set({ doc, past: [], future: [], lastEdit: undefined, gestureBase: undefined, selection: { nodes: [], edges: [] }, diffView: undefined, server, focusPath: undefined, conflict: undefined });
}

export function setServer(server: ServerState): void {
  set({ server });
}

export function setConflict(conflict: SaveConflict | undefined): void {
  set({ conflict });
}

export function showDiff(diffView: DiffView | undefined): void {
  set({ diffView, selection: { nodes: [], edges: [] } });
}

export function notify(text: string, tone: 'info' | 'error' = 'info'): void {
  set({ notice: { text, tone } });
}
