// The run's journey version drawn as on the design canvas, read-only, with live figures on steps and connections.
import { Controls, MiniMap, ReactFlow, ReactFlowProvider, useNodesInitialized, useReactFlow } from '@xyflow/react';
import { useEffect, useMemo, useRef } from 'react';
import type { StepEdge, StepFlowNode } from '../canvas/flow-elements.ts';
import { GridBackground } from '../canvas/GridBackground.tsx';
import type { JourneyFile } from '../model/document.ts';
import { edgeId } from '../store/editor-store.ts';
import { CountEdge } from './CountEdge.tsx';
import { RunStepNode } from './RunStepNode.tsx';

// Built once at module level, as React Flow asks: new objects here would remount every step.
const nodeTypes = { step: RunStepNode };
const edgeTypes = { count: CountEdge };

function elements(doc: JourneyFile): { nodes: StepFlowNode[]; edges: StepEdge[] } {
  const nodes: StepFlowNode[] = [];
  const edges: StepEdge[] = [];
  for (const [id, node] of Object.entries(doc.nodes)) {
    nodes.push({ id, type: 'step', position: node.position, data: { node, problems: [] }, draggable: false, connectable: false });
    for (const [port, target] of Object.entries(node.next ?? {})) {
      if (target in doc.nodes) edges.push({ id: edgeId(id, port), source: id, sourceHandle: port, target, targetHandle: 'in', type: 'count' });
    }
  }
  return { nodes, edges };
}

/** Fits the whole journey in view once every step has its size; the `fitView` prop alone can fire before that. */
function FitWhenMeasured() {
  const ready = useNodesInitialized();
  const flow = useReactFlow();
  const done = useRef(false);
  useEffect(() => {
    if (!ready || done.current) return;
    done.current = true;
    void flow.fitView({ padding: 0.12 });
  }, [ready, flow]);
  return null;
}

/**
 * The nodes and edges are made once per version and handed to React Flow as its defaults: live figures reach the
 * steps through the live store, so a delta never rebuilds the graph.
 */
export function RunCanvas({ doc }: { doc: JourneyFile }) {
  const { nodes, edges } = useMemo(() => elements(doc), [doc]);
  return (
    <div className="canvas run-canvas" aria-label="The run on the journey canvas">
      <ReactFlowProvider>
        <ReactFlow<StepFlowNode, StepEdge>
          defaultNodes={nodes}
          defaultEdges={edges}
          nodeTypes={nodeTypes}
          edgeTypes={edgeTypes}
          nodesDraggable={false}
          nodesConnectable={false}
          elementsSelectable={false}
          deleteKeyCode={null}
          minZoom={0.1}
          maxZoom={2}
        >
          <FitWhenMeasured />
          <GridBackground />
          <Controls showInteractive={false} />
          <MiniMap pannable zoomable ariaLabel="Overview of the whole journey" />
        </ReactFlow>
      </ReactFlowProvider>
    </div>
  );
}
