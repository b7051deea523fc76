// The canvas as seen from outside it: the React Flow instance of one editor, for commands that act on the view (fit
// it, add a step at its centre) and read the sizes React Flow measured. Each editor has its own <ReactFlowProvider>
// (see app/App.tsx), so two editors on one page never share a view.
import { useReactFlow, useStoreApi, type InternalNode, type ReactFlowInstance } from '@xyflow/react';
import { useCallback } from 'react';
import type { Point } from '../model/document.ts';
import type { StepEdge, StepFlowNode } from './flow-elements.ts';

export type CanvasView = Pick<ReactFlowInstance<StepFlowNode, StepEdge>, 'fitView' | 'getInternalNode' | 'screenToFlowPosition'>;

export type Size = { width: number; height: number };

/** The canvas view of the editor this component is in. */
export function useCanvasView(): CanvasView {
  return useReactFlow<StepFlowNode, StepEdge>();
}

export function fitView(view: CanvasView): void {
  void view.fitView({ padding: 0.15, duration: 200 });
}

/** The size React Flow measured for a step; none before it has been drawn. The size is not part of the journey file. */
export function measuredSize(view: CanvasView, id: string): Size | undefined {
  return sizeOf(view.getInternalNode(id));
}

export function measuredSizes(view: CanvasView, ids: Iterable<string>): Record<string, Size> {
  const sizes: Record<string, Size> = {};
  for (const id of ids) {
    const size = measuredSize(view, id);
    if (size) sizes[id] = size;
  }
  return sizes;
}

function sizeOf(node: InternalNode<StepFlowNode> | undefined): Size | undefined {
  const { width, height } = node?.measured ?? {};
  return width !== undefined && height !== undefined ? { width, height } : undefined;
}

/** Gives the flow position at the middle of the visible canvas, where a step added from the keyboard lands. */
export function useViewCentre(): () => Point {
  const view = useCanvasView();
  const flow = useStoreApi<StepFlowNode, StepEdge>();
  return useCallback(() => {
    const pane = flow.getState().domNode;
    if (!pane) return { x: 0, y: 0 };
    const rect = pane.getBoundingClientRect();
    return view.screenToFlowPosition({ x: rect.left + rect.width / 2 - 110, y: rect.top + rect.height / 2 - 40 });
  }, [view, flow]);
}
