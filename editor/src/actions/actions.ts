// Every editing command, once: its label, its keys and what it does. Toolbar buttons and shortcuts both run these.
import { fitView, measuredSizes, type CanvasView } from '../canvas/view.ts';
import { cloneNodes, connect, removeNodes, updateNode, type FileNode } from '../model/document.ts';
import { canRedo, canUndo } from '../store/history.ts';
import { splitEdgeId, type EditorState, type EditorStore } from '../store/editor-store.ts';

export interface EditorAction {
  id: string;
  label: string;
  /** Shortcuts, `Mod` standing for Ctrl (Cmd on a Mac). */
  keys: string[];
  enabled: (state: EditorState) => boolean;
  /** Runs the action on the editor whose store and canvas view are given. */
  perform: (store: EditorStore, view: CanvasView) => void;
}

const editing = (state: EditorState) => state.diffView === undefined;
const hasSelection = (state: EditorState) => editing(state) && (state.selection.nodes.length > 0 || state.selection.edges.length > 0);
const hasNodesSelected = (state: EditorState) => editing(state) && state.selection.nodes.length > 0;

function selectedNodes(state: EditorState): Record<string, FileNode> {
  return Object.fromEntries(state.selection.nodes.flatMap((id) => (state.doc.nodes[id] ? [[id, state.doc.nodes[id]]] : [])));
}

function pasteNodes(store: EditorStore, nodes: Record<string, FileNode>): void {
  const { doc, ids } = cloneNodes(store.getState().doc, nodes, { x: 40, y: 40 });
  store.edit(doc, { selection: { nodes: ids, edges: [] } });
}

const definitions = {
  undo: { id: 'undo', label: 'Undo', keys: ['Mod+Z'], enabled: (s) => editing(s) && canUndo(s.history), perform: (store) => store.undo() },
  redo: { id: 'redo', label: 'Redo', keys: ['Mod+Shift+Z', 'Mod+Y'], enabled: (s) => editing(s) && canRedo(s.history), perform: (store) => store.redo() },
  delete: {
    id: 'delete',
    label: 'Delete',
    keys: ['Delete', 'Backspace'],
    enabled: hasSelection,
    perform(store) {
      const state = store.getState();
      let doc = removeNodes(state.doc, new Set(state.selection.nodes));
      for (const edge of state.selection.edges) {
        const [source, port] = splitEdgeId(edge);
        doc = connect(doc, source, port, null);
      }
      store.edit(doc, { selection: { nodes: [], edges: [] } });
    },
  },
  duplicate: {
    id: 'duplicate',
    label: 'Duplicate',
    keys: ['Mod+D'],
    enabled: hasNodesSelected,
    perform: (store) => pasteNodes(store, selectedNodes(store.getState())),
  },
  copy: {
    id: 'copy',
    label: 'Copy',
    keys: ['Mod+C'],
    enabled: hasNodesSelected,
    perform: (store) => store.setClipboard(structuredClone(selectedNodes(store.getState()))),
  },
  paste: {
    id: 'paste',
    label: 'Paste',
    keys: ['Mod+V'],
    enabled: (s) => editing(s) && s.clipboard !== undefined && Object.keys(s.clipboard).length > 0,
    perform(store) {
      const clipboard = store.getState().clipboard;
      if (clipboard) pasteNodes(store, clipboard);
    },
  },
  selectAll: {
    id: 'selectAll',
    label: 'Select all',
    keys: ['Mod+A'],
    enabled: editing,
    perform(store) {
      const state = store.getState();
      store.edit(state.doc, { selection: { nodes: Object.keys(state.doc.nodes), edges: [] } });
    },
  },
  layout: {
    id: 'layout',
    label: 'Tidy up',
    keys: ['Mod+Shift+L'],
    enabled: (s) => editing(s) && Object.keys(s.doc.nodes).length > 0,
    perform(store, view) {
      const before = store.getState().doc;
      // ELK is large; it loads the first time a layout is asked for.
      void import('../canvas/layout.ts')
        .then(({ layoutPositions }) => layoutPositions(before, measuredSizes(view, Object.keys(before.nodes))))
        .then((positions) => {
          // The user may have edited while the layout ran; place the steps of the document as it is now.
          let doc = store.getState().doc;
          for (const [id, position] of Object.entries(positions)) doc = updateNode(doc, id, (node) => ({ ...node, position }));
          store.edit(doc);
          requestAnimationFrame(() => fitView(view));
        });
    },
  },
  fitView: { id: 'fitView', label: 'Fit to screen', keys: ['Shift+1'], enabled: () => true, perform: (_store, view) => fitView(view) },
} satisfies Record<string, EditorAction>;

/** The actions by name, each taking the editor's store and view whatever it uses of them. */
export const actions: Record<keyof typeof definitions, EditorAction> = definitions;

function matches(key: string, event: KeyboardEvent): boolean {
  const parts = key.split('+');
  const main = parts.at(-1)!;
  const mod = parts.includes('Mod');
  const shift = parts.includes('Shift');
  const eventKey = event.key.length === 1 ? event.key.toUpperCase() : event.key;
  const wanted = main.length === 1 ? main.toUpperCase() : main;
  const code = main.length === 1 && /\d/.test(main) ? `Digit${main}` : undefined;
  return (eventKey === wanted || event.code === code) && mod === (event.ctrlKey || event.metaKey) && shift === event.shiftKey && !event.altKey;
}

/** The action a key press stands for, if any. */
export function actionForKey(event: KeyboardEvent): EditorAction | undefined {
  return Object.values(actions).find((action: EditorAction) => action.keys.some((key) => matches(key, event)));
}

export function shortcutText(action: EditorAction): string {
  const key = action.keys[0];
  return key ? key.replace('Mod', navigator.platform.startsWith('Mac') ? '⌘' : 'Ctrl') : '';
}
