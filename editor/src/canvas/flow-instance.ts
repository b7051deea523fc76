// The React Flow instance of the canvas, for actions that act on the view (fit view, add at the centre).
import type { ReactFlowInstance } from '@xyflow/react';
import type { Point } from '../model/document.ts';
import type { StepFlowNode } from './flow-elements.ts';

let instance: ReactFlowInstance<StepFlowNode> | undefined;
let pane: HTMLElement | null = null;

export function setFlowInstance(next: ReactFlowInstance<StepFlowNode> | undefined, element: HTMLElement | null): void {
  instance = next;
  pane = element;
}

export function fitView(): void {
  void instance?.fitView({ padding: 0.15, duration: 200 });
}

/** The flow position at the middle of the visible canvas, where a step added from the keyboard lands. */
export function viewCentre(): Point {
  if (!instance || !pane) return { x: 0, y: 0 };
  const rect = pane.getBoundingClientRect();
  return instance.screenToFlowPosition({ x: rect.left + rect.width / 2 - 110, y: rect.top + rect.height / 2 - 40 });
}

export function screenToFlow(point: Point): Point {
  return instance ? instance.screenToFlowPosition(point) : point;
}
