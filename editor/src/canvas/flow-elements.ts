// Turns the journey file into React Flow nodes and edges, reusing the objects of steps that did not change.
import type { Edge, Node } from '@xyflow/react';
import type { Problem } from '../../../schemas/problems.ts';
import type { FileNode, JourneyFile } from '../model/document.ts';
import { problemsOfNode, sameProblems } from '../model/problems.ts';
import { edgeId, type DiffView, type Selection } from '../store/editor-store.ts';
import type { Size } from './view.ts';

export type DiffStatus = 'added' | 'removed' | 'changed' | 'rewired';

export type StepNodeData = {
  node: FileNode;
  problems: Problem[];
  diff?: DiffStatus;
};

export type StepFlowNode = Node<StepNodeData, 'step'>;

/** The nodes last drawn, by id: one per canvas, so that a step that did not change keeps its object. */
export type NodeCache = Map<string, StepFlowNode>;

function reuse(
  previous: NodeCache,
  id: string,
  node: FileNode,
  problems: Problem[],
  selected: boolean,
  size: Size | undefined,
  diff: DiffStatus | undefined,
  draggable: boolean,
): StepFlowNode {
  const old = previous.get(id);
  if (
    old &&
    old.data.node === node &&
    old.selected === selected &&
    old.data.diff === diff &&
    old.draggable === draggable &&
    old.measured?.width === size?.width &&
    old.measured?.height === size?.height &&
    sameProblems(old.data.problems, problems)
  ) {
    return old;
  }
  const fresh: StepFlowNode = {
    id,
    type: 'step',
    position: node.position,
    data: { node, problems, ...(diff && { diff }) },
    selected,
    draggable,
    ...(size && { measured: size }),
  };
  previous.set(id, fresh);
  return fresh;
}

/**
 * The steps as React Flow nodes. Each carries the size React Flow measured for it: the canvas is a controlled flow, so
 * the nodes it is given are where React Flow (its minimap, its fit of the view) reads their sizes.
 */
export function flowNodes(
  doc: JourneyFile,
  selection: Selection,
  sizes: Record<string, Size>,
  diffView: DiffView | undefined,
  previous: NodeCache,
): StepFlowNode[] {
  const selected = new Set(selection.nodes);
  if (diffView) return diffNodes(diffView, sizes, previous);
  return Object.entries(doc.nodes).map(([id, node]) => reuse(previous, id, node, problemsOfNode(doc, id), selected.has(id), sizes[id], undefined, true));
}

/** The sizes with the measurements React Flow reported; the same object when none changed. */
export function withMeasured(sizes: Record<string, Size>, measured: { id: string; size: Size }[]): Record<string, Size> {
  let next = sizes;
  for (const { id, size } of measured) {
    const old = next[id];
    if (old && old.width === size.width && old.height === size.height) continue;
    if (next === sizes) next = { ...sizes };
    next[id] = size;
  }
  return next;
}

function diffNodes(view: DiffView, sizes: Record<string, Size>, previous: NodeCache): StepFlowNode[] {
  const status = new Map<string, DiffStatus>();
  for (const n of view.diff.added) status.set(n.id, 'added');
  for (const n of view.diff.changed) status.set(n.id, 'changed');
  for (const r of view.diff.rewired) if (!status.has(r.id)) status.set(r.id, 'rewired');
  const nodes = Object.entries(view.after.nodes).map(([id, node]) => reuse(previous, id, node, [], false, sizes[id], status.get(id), false));
  for (const removed of view.diff.removed) {
    const node = view.before.nodes[removed.id];
    if (node) nodes.push(reuse(previous, removed.id, node, [], false, sizes[removed.id], 'removed', false));
  }
  return nodes;
}

export type StepEdge = Edge<{ diff?: 'added' | 'removed' }>;

export function flowEdges(doc: JourneyFile, selection: Selection, diffView: DiffView | undefined): StepEdge[] {
  const selected = new Set(selection.edges);
  if (!diffView) return edgesOf(doc, (id) => ({ selected: selected.has(id) }));
  const before = new Set(edgesOf(diffView.before, () => ({})).map((e) => `${e.id}>${e.target}`));
  const after = edgesOf(diffView.after, () => ({}));
  const afterKeys = new Set(after.map((e) => `${e.id}>${e.target}`));
  const removed = edgesOf(diffView.before, () => ({})).filter((e) => !afterKeys.has(`${e.id}>${e.target}`));
  return [
    ...after.map((e) => (before.has(`${e.id}>${e.target}`) ? e : { ...e, className: 'edge-added', data: { diff: 'added' as const } })),
    ...removed.map((e) => ({ ...e, id: `removed:${e.id}`, className: 'edge-removed', data: { diff: 'removed' as const } })),
  ];
}

function edgesOf(doc: JourneyFile, extra: (id: string) => Partial<StepEdge>): StepEdge[] {
  const edges: StepEdge[] = [];
  for (const [source, node] of Object.entries(doc.nodes)) {
    for (const [port, target] of Object.entries(node.next ?? {})) {
      if (!(target in doc.nodes)) continue;
      const id = edgeId(source, port);
      edges.push({ id, source, sourceHandle: port, target, targetHandle: 'in', ...extra(id) });
    }
  }
  return edges;
}
