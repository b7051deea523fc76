// Auto-layout of the journey being edited, with the sizes React Flow measured: ELK's layered algorithm in schemas/layout.ts.
import { layoutSteps, type Point } from '../../../schemas/layout.ts';
import { gridSize, portsOfNode, type JourneyFile } from '../model/document.ts';
import type { Size } from './view.ts';

export async function layoutPositions(doc: JourneyFile, sizes: Record<string, Size>): Promise<Record<string, Point>> {
  const steps = Object.entries(doc.nodes).map(([id, node]) => ({
    id,
    ports: portsOfNode(node),
    next: node.next ?? {},
    ...(sizes[id] && { size: sizes[id] }),
  }));
  return layoutSteps(steps, gridSize);
}
