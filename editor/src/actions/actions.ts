// Every editing command, once: its label, its keys and what it does. Toolbar buttons and shortcuts both run these.
import { fitView } from '../canvas/flow-instance.ts';
import { sizeStore } from '../canvas/sizes.ts';
import { cloneNodes, connect, removeNodes, updateNode, type FileNode } from '../model/document.ts';
import { edit, getState, redo, setClipboard, splitEdgeId, undo, type EditorState } from '../store/editor-store.ts';

export interface EditorAction {
  id: string;
  label: string;
  /** Shortcuts, `Mod` standing for Ctrl (Cmd on a Mac). */
  keys: string[];
  enabled: (state: EditorState) => boolean;
  perform: () => void;
}

const editing = (state: EditorState) => state.diffView === undefined;
const hasSelection = (state: EditorState) => editing(state) && (state.selection.nodes.length > 0 || state.selection.edges.length > 0);
const hasNodesSelected = (state: EditorState) => editing(state) && state.selection.nodes.length > 0;

function selectedNodes(state: EditorState): Record<string, FileNode> {
  return Object.fromEntries(state.selection.nodes.flatMap((id) => (state.doc.nodes[id] ? [[id, state.doc.nodes[id]]] : [])));
}

function pasteNodes(nodes: Record<string, FileNode>): void {
  const state = getState();
  const { doc, ids } = cloneNodes(state.doc, nodes, { x: 40, y: 40 });
  edit(doc, { selection: { nodes: ids, edges: [] } });
}

export const actions = {
  undo: { id: 'undo', label: 'Undo', keys: ['Mod+Z'], enabled: (s) => editing(s) && s.past.length > 0, perform: undo },
  redo: { id: 'redo', label: 'Redo', keys: ['Mod+Shift+Z', 'Mod+Y'], enabled: (s) => editing(s) && s.future.length > 0, perform: redo },
  delete: {
    id: 'delete',
    label: 'Delete',
    keys: ['Delete', 'Backspace'],
    enabled: hasSelection,
    perform() {
      const state = getState();
      let doc = removeNodes(state.doc, new Set(state.selection.nodes));
      for (const edge of state.selection.edges) {
        const [source, port] = splitEdgeId(edge);
        doc = connect(doc, source, port, null);
      }
      edit(doc, { selection: { nodes: [], edges: [] } });
    },
  },
  duplicate: {
    id: 'duplicate',
    label: 'Duplicate',
    keys: ['Mod+D'],
    enabled: hasNodesSelected,
    perform: () => pasteNodes(selectedNodes(getState())),
  },
  copy: {
    id: 'copy',
    label: 'Copy',
    keys: ['Mod+C'],
    enabled: hasNodesSelected,
    perform: () => setClipboard(structuredClone(selectedNodes(getState()))),
  },
  paste: {
    id: 'paste',
    label: 'Paste',
    keys: ['Mod+V'],
    enabled: (s) => editing(s) && s.clipboard !== undefined && Object.keys(s.clipboard).length > 0,
    perform() {
      const clipboard = getState().clipboard;
      if (clipboard) pasteNodes(clipboard);
    },
  },
  selectAll: {
    id: 'selectAll',
    label: 'Select all',
    keys: ['Mod+A'],
    enabled: editing,
    perform() {
      const state = getState();
      edit(state.doc, { selection: { nodes: Object.keys(state.doc.nodes), edges: [] } });
    },
  },
  layout: {
    id: 'layout',
    label: 'Tidy up',
    keys: ['Mod+Shift+L'],
    enabled: (s) => editing(s) && Object.keys(s.doc.nodes).length > 0,
    perform() {
      const before = getState().doc;
      // ELK is large; it loads the first time a layout is asked for.
      void import('../canvas/layout.ts')
        .then(({ layoutPositions }) => layoutPositions(before, sizeStore.getState()))
        .then((positions) => {
        // The user may have edited while the layout ran; place the steps of the document as it is now.
        let doc = getState().doc;
        for (const [id, position] of Object.entries(positions)) doc = updateNode(doc, id, (node) => ({ ...node, position }));
        edit(doc);
        requestAnimationFrame(fitView);
        });
    },
  },
  fitView: { id: 'fitView', label: 'Fit to screen', keys: ['Shift+1'], enabled: () => true, perform: fitView },
} satisfies Record<string, EditorAction>;

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
