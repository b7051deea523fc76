// The canvas: the journey's steps and connections in React Flow, edited through the store so that undo covers it all.
import { Controls, MiniMap, ReactFlow, type Connection, type EdgeChange, type FinalConnectionState, type NodeChange } from '@xyflow/react';
import { useCallback, useMemo, useState, type DragEvent } from 'react';
import { isNodeKind } from '../../../schemas/catalogue.ts';
import { addNode, connect, gridSize, snap, updateNode } from '../model/document.ts';
import { useEditor, useEditorStore, type Selection } from '../store/editor-store.ts';
import { flowEdges, flowNodes, withMeasured, type NodeCache, type StepEdge, type StepFlowNode } from './flow-elements.ts';
import { GridBackground } from './GridBackground.tsx';
import { useCanvasView, type Size } from './view.ts';
import { nodeTypes } from './StepNode.tsx';

/** The drag-and-drop payload type for a node kind dragged from the palette. */
export const kindDragType = 'application/x-journey-step-kind';

function applySelection(selection: Selection, changes: { id: string; selected: boolean }[], key: 'nodes' | 'edges'): Selection {
  const set = new Set(selection[key]);
  for (const change of changes) {
    if (change.selected) set.add(change.id);
    else set.delete(change.id);
  }
  return { ...selection, [key]: [...set] };
}

export function Canvas() {
  const store = useEditorStore();
  const doc = useEditor((s) => s.doc);
  const selection = useEditor((s) => s.selection);
  const diffView = useEditor((s) => s.diffView);
  const view = useCanvasView();
  const [cache] = useState<NodeCache>(() => new Map());
  // What React Flow measured, given back to it on the nodes (a controlled flow keeps its nodes' sizes in the nodes).
  const [sizes, setSizes] = useState<Record<string, Size>>({});
  const nodes = useMemo(() => flowNodes(doc, selection, sizes, diffView, cache), [doc, selection, sizes, diffView, cache]);
  const edges = useMemo(() => flowEdges(doc, selection, diffView), [doc, selection, diffView]);

  const onNodesChange = useCallback(
    (changes: NodeChange<StepFlowNode>[]) => {
      const measured: { id: string; size: Size }[] = [];
      const selections: { id: string; selected: boolean }[] = [];
      let doc = store.getState().doc;
      for (const change of changes) {
        if (change.type === 'dimensions' && change.dimensions) measured.push({ id: change.id, size: change.dimensions });
        else if (change.type === 'select') selections.push(change);
        else if (change.type === 'position' && change.position) {
          const position = change.dragging ? change.position : snap(change.position);
          doc = updateNode(doc, change.id, (node) => ({ ...node, position }));
        }
      }
      if (measured.length) setSizes((sizes) => withMeasured(sizes, measured));
      if (doc !== store.getState().doc) {
        // Moves outside a drag (arrow keys on a selected step) are edits of their own.
        if (store.getState().history.gestureBase) store.updateDuringGesture(doc);
        else store.edit(doc, { coalesce: 'move' });
      }
      if (selections.length) store.select(applySelection(store.getState().selection, selections, 'nodes'));
    },
    [store],
  );

  const onEdgesChange = useCallback(
    (changes: EdgeChange<StepEdge>[]) => {
      const selections = changes.flatMap((c) => (c.type === 'select' ? [c] : []));
      if (selections.length) store.select(applySelection(store.getState().selection, selections, 'edges'));
    },
    [store],
  );

  const onConnect = useCallback(
    (connection: Connection) => {
      if (!connection.sourceHandle) return;
      store.edit(connect(store.getState().doc, connection.source, connection.sourceHandle, connection.target));
    },
    [store],
  );

  // Releasing a connection anywhere on a step connects to it, not only on its small input handle.
  const onConnectEnd = useCallback(
    (event: MouseEvent | TouchEvent, state: FinalConnectionState) => {
      if (state.isValid || !state.fromNode || !state.fromHandle?.id || state.fromHandle.type !== 'source') return;
      const point = 'changedTouches' in event ? event.changedTouches[0] : event;
      if (!point) return;
      // The line being drawn ends under the pointer and may cover the step: look through it.
      const element = document
        .elementsFromPoint(point.clientX, point.clientY)
        .map((e) => e.closest<HTMLElement>('.react-flow__node'))
        .find((e) => e !== null);
      const target = element?.dataset.id;
      const doc = store.getState().doc;
      if (!target || target === state.fromNode.id || doc.nodes[target]?.type === 'start') return;
      store.edit(connect(doc, state.fromNode.id, state.fromHandle.id, target));
    },
    [store],
  );

  const onDragOver = useCallback((event: DragEvent) => {
    if (!event.dataTransfer.types.includes(kindDragType)) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
  }, []);

  const onDrop = useCallback(
    (event: DragEvent) => {
      const kind = event.dataTransfer.getData(kindDragType);
      if (!isNodeKind(kind) || store.getState().diffView) return;
      event.preventDefault();
      const { doc, id } = addNode(store.getState().doc, kind, view.screenToFlowPosition({ x: event.clientX, y: event.clientY }));
      store.edit(doc, { selection: { nodes: [id], edges: [] } });
    },
    [store, view],
  );

  const readOnly = diffView !== undefined;
  return (
    <div className="canvas" onDragOver={onDragOver} onDrop={onDrop} aria-label="Journey canvas">
      <ReactFlow<StepFlowNode, StepEdge>
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onConnect={onConnect}
        onConnectEnd={onConnectEnd}
        onNodeDragStart={() => store.beginGesture()}
        onNodeDragStop={() => store.endGesture()}
        onPaneClick={() => store.select({ nodes: [], edges: [] })}
        deleteKeyCode={null}
        selectionKeyCode={null}
        multiSelectionKeyCode="Shift"
        snapToGrid
        snapGrid={[gridSize, gridSize]}
        nodesDraggable={!readOnly}
        nodesConnectable={!readOnly}
        edgesFocusable={!readOnly}
        minZoom={0.1}
        maxZoom={2}
        defaultEdgeOptions={{ type: 'smoothstep' }}
      >
        <GridBackground />
        <Controls showInteractive={false} />
        <MiniMap pannable zoomable ariaLabel="Overview of the whole journey" />
      </ReactFlow>
    </div>
  );
}
