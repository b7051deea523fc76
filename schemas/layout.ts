// Auto-layout with ELK's layered algorithm: left to right, exits in their declared order, positions on a grid. The
// editor's "Tidy up" lays out with the sizes it measured; a converted journey is laid out with the editor's default size.
import ElkBundle, { type ElkNode } from 'elkjs/lib/elk.bundled.js';
import { definitionOf, isNodeKind, portsOf } from './catalogue.ts';

// The bundle is CommonJS whose export is also its own `default`; TypeScript sees only the latter.
const elk = new ElkBundle.default();

export interface Size {
  width: number;
  height: number;
}

export interface Point {
  x: number;
  y: number;
}

/** A step as the layout sees it: its exits in their declared order and where each leads. */
export interface LayoutStep {
  id: string;
  ports: readonly string[];
  next: Readonly<Record<string, string>>;
  size?: Size;
}

/** What a step measures on the canvas before it is drawn; the editor's steps are about this size. */
export const defaultStepSize: Size = { width: 240, height: 120 };

/** The editor's grid (editor/src/model/document.ts): positions laid out here land on it. */
export const canvasGrid = 20;

export async function layoutSteps(steps: readonly LayoutStep[], grid = canvasGrid): Promise<Record<string, Point>> {
  const ids = new Set(steps.map((s) => s.id));
  const graph: ElkNode = {
    id: 'journey',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'RIGHT',
      'elk.layered.spacing.nodeNodeBetweenLayers': '80',
      'elk.spacing.nodeNode': '40',
      'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
    },
    children: steps.map((step) => {
      const size = step.size ?? defaultStepSize;
      return {
        id: step.id,
        width: size.width,
        height: size.height,
        layoutOptions: { 'elk.portConstraints': 'FIXED_ORDER' },
        ports: [
          { id: `${step.id}\u0000in`, layoutOptions: { 'elk.port.side': 'WEST' } },
          ...step.ports.map((port, index) => ({
            id: `${step.id}\u0000${port}`,
            layoutOptions: { 'elk.port.side': 'EAST', 'elk.port.index': String(index) },
          })),
        ],
      };
    }),
    edges: steps.flatMap((step) =>
      Object.entries(step.next)
        .filter(([port, target]) => ids.has(target) && step.ports.includes(port))
        .map(([port, target]) => ({ id: `${step.id}\u0000${port}`, sources: [`${step.id}\u0000${port}`], targets: [`${target}\u0000in`] })),
    ),
  };
  const result = await elk.layout(graph);
  const positions: Record<string, Point> = {};
  const snap = (n: number) => Math.round(n / grid) * grid + 0;
  for (const child of result.children ?? []) positions[child.id] = { x: snap(child.x ?? 0), y: snap(child.y ?? 0) };
  return positions;
}

interface NodeLike {
  type: string;
  config?: unknown;
  next?: Record<string, string>;
  position: Point;
}

/** The same journey with every step placed by the layout, at the editor's default step size. */
export async function layoutJourney<J extends { nodes: Record<string, NodeLike> }>(doc: J): Promise<J> {
  const steps = Object.entries(doc.nodes).map(([id, node]) => ({ id, ports: exitsOf(node), next: node.next ?? {} }));
  const positions = await layoutSteps(steps);
  const nodes = Object.fromEntries(Object.entries(doc.nodes).map(([id, node]) => [id, { ...node, position: positions[id] ?? node.position }]));
  return { ...doc, nodes };
}

/** A step's exits: from its config when it is valid, else the kind's fixed list, else what is connected. */
function exitsOf(node: NodeLike): string[] {
  if (!isNodeKind(node.type)) return Object.keys(node.next ?? {});
  const def = definitionOf(node.type);
  const parsed = def.config.safeParse(node.config ?? {});
  if (parsed.success) return portsOf(node.type, parsed.data);
  return typeof def.ports === 'function' ? Object.keys(node.next ?? {}) : [...def.ports];
}
