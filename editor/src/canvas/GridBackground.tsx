// The canvas's dotted grid, left out when zoomed far out, where its dots are too small and close together to see.
import { Background, useStore, type ReactFlowState } from '@xyflow/react';
import { gridSize } from '../model/document.ts';

/** Below this zoom the dots are under a pixel wide and a few pixels apart: a grey haze, not a grid. */
const minimumZoom = 0.4;
const showDots = (s: ReactFlowState) => s.transform[2] >= minimumZoom;

/**
 * React Flow redraws the whole pattern on every frame of a pan; at a large journey's fit-to-view zoom that is some
 * hundred thousand invisible dots per frame, so the grid appears only when it can be seen.
 */
export function GridBackground() {
  return useStore(showDots) ? <Background gap={gridSize} /> : null;
}
