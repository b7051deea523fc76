// Auto-layout with ELK's layered algorithm: left to right, exits in their declared order, positions on the grid.
import ElkBundle, { type ElkNode } from 'elkjs/lib/elk.bundled.js';
import { portsOfNode, snap, type JourneyFile, type Point } from '../model/document.ts';
import type { Size } from './view.ts';

// The bundle is CommonJS whose export is also its own `default`; TypeScript sees only the latter.
const elk = new ElkBundle.default();
const fallbackSize: Size = { width: 240, height: 120 };

export async function layoutPositions(doc: JourneyFile, sizes: Record<string, Size>): Promise<Record<string, Point>> {
  const ids = Object.keys(doc.nodes);
  const graph: ElkNode = {
    id: 'journey',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'RIGHT',
      'elk.layered.spacing.nodeNodeBetweenLayers': '80',
      'elk.spacing.nodeNode': '40',
      'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
    },
    children: ids.map((id) => {
      const node = doc.nodes[id]!;
      const size = sizes[id] ?? fallbackSize;
      return {
        id,
        width: size.width,
        height: size.height,
        layoutOptions: { 'elk.portConstraints': 'FIXED_ORDER' },
        ports: [
          { id: `${id}\u0000in`, layoutOptions: { 'elk.port.side': 'WEST' } },
          ...portsOfNode(node).map((port, index) => ({
            id: `${id}\u0000${port}`,
            layoutOptions: { 'elk.port.side': 'EAST', 'elk.port.index': String(index) },
          })),
        ],
      };
    }),
    edges: ids.flatMap((id) =>
      Object.entries(doc.nodes[id]!.next ?? {})
        .filter(([port, target]) => target in doc.nodes && portsOfNode(doc.nodes[id]!).includes(port))
        .map(([port, target]) => ({ id: `${id}\u0000${port}`, sources: [`${id}\u0000${port}`], targets: [`${target}\u0000in`] })),
    ),
  };
  const result = await elk.layout(graph);
  const positions: Record<string, Point> = {};
  for (const child of result.children ?? []) positions[child.id] = snap({ x: child.x ?? 0, y: child.y ?? 0 });
  return positions;
}
