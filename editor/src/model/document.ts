// The journey file as the editor holds it: plain JSON that may still have problems, and pure edits on it.
import { defaultConfig, definitionOf, isNodeKind, portsOf, type NodeKind } from '../../../schemas/catalogue.ts';
import { slugPattern } from '../../../schemas/fields.ts';
import { currentSchemaVersion } from '../../../schemas/journey.ts';

export interface Point {
  x: number;
  y: number;
}

/** A step as written in the file; its config is whatever the user has entered so far. */
export interface FileNode {
  type: string;
  label?: string;
  position: Point;
  config: Record<string, unknown>;
  next?: Record<string, string>;
}

export interface JourneyFile {
  $schema?: string;
  schemaVersion: number;
  id: string;
  name: string;
  description?: string;
  settings: { timezone: string; compliance: string };
  nodes: Record<string, FileNode>;
}

/** Where journey files live relative to the schema in a checkout: examples/ and journeys/ sit beside schemas/. */
export const schemaReference = '../schemas/journey.schema.json';

/** Canvas positions snap to this grid, so that files stay tidy and steps line up. */
export const gridSize = 20;

export function snap(point: Point): Point {
  return { x: Math.round(point.x / gridSize) * gridSize, y: Math.round(point.y / gridSize) * gridSize };
}

export function emptyJourney(): JourneyFile {
  return {
    $schema: schemaReference,
    schemaVersion: currentSchemaVersion,
    id: 'new-journey',
    name: 'New journey',
    settings: { timezone: 'America/New_York', compliance: 'US' },
    nodes: {},
  };
}

/** A fresh id for a step of this kind: the kind itself, then kind-2, kind-3... */
export function freshId(doc: JourneyFile, base: string, taken: ReadonlySet<string> = new Set()): string {
  const stem = slugPattern.test(base) ? base.replace(/-\d+$/, '') : 'step';
  if (!(stem in doc.nodes) && !taken.has(stem)) return stem;
  for (let n = 2; ; n++) {
    const id = `${stem}-${n}`;
    if (!(id in doc.nodes) && !taken.has(id)) return id;
  }
}

export function addNode(doc: JourneyFile, kind: NodeKind, position: Point): { doc: JourneyFile; id: string } {
  const id = freshId(doc, kind);
  const node: FileNode = { type: kind, position: snap(position), config: defaultConfig(kind) };
  return { doc: { ...doc, nodes: { ...doc.nodes, [id]: node } }, id };
}

export function updateNode(doc: JourneyFile, id: string, update: (node: FileNode) => FileNode): JourneyFile {
  const node = doc.nodes[id];
  if (!node) return doc;
  const next = update(node);
  return next === node ? doc : { ...doc, nodes: { ...doc.nodes, [id]: next } };
}

/** Removes steps and every connection that led to them. */
export function removeNodes(doc: JourneyFile, ids: ReadonlySet<string>): JourneyFile {
  if (![...ids].some((id) => id in doc.nodes)) return doc;
  const nodes: Record<string, FileNode> = {};
  for (const [id, node] of Object.entries(doc.nodes)) {
    if (ids.has(id)) continue;
    nodes[id] = withNext(node, Object.fromEntries(Object.entries(node.next ?? {}).filter(([, target]) => !ids.has(target))));
  }
  return { ...doc, nodes };
}

/** Connects `port` of `source` to `target`, replacing what the port led to; `null` disconnects it. */
export function connect(doc: JourneyFile, source: string, port: string, target: string | null): JourneyFile {
  return updateNode(doc, source, (node) => {
    const next = { ...(node.next ?? {}) };
    if (target === null) delete next[port];
    else next[port] = target;
    return withNext(node, next);
  });
}

/** Gives a step a new id and points every connection to it at the new id. */
export function renameNode(doc: JourneyFile, from: string, to: string): JourneyFile {
  if (from === to || !(from in doc.nodes) || to in doc.nodes) return doc;
  const nodes: Record<string, FileNode> = {};
  for (const [id, node] of Object.entries(doc.nodes)) {
    const next =
      node.next && Object.values(node.next).includes(from)
        ? Object.fromEntries(Object.entries(node.next).map(([port, target]) => [port, target === from ? to : target]))
        : node.next;
    const moved = next === node.next ? node : { ...node, next };
    nodes[id === from ? to : id] = moved;
  }
  return { ...doc, nodes };
}

/** Copies of the given steps with fresh ids, offset on the canvas; connections among them are kept, others dropped. */
export function cloneNodes(doc: JourneyFile, source: Record<string, FileNode>, offset: Point): { doc: JourneyFile; ids: string[] } {
  const taken = new Set<string>();
  const renamed = new Map<string, string>();
  for (const id of Object.keys(source)) {
    const fresh = freshId(doc, id, taken);
    taken.add(fresh);
    renamed.set(id, fresh);
  }
  const nodes = { ...doc.nodes };
  for (const [id, node] of Object.entries(source)) {
    const next = Object.fromEntries(Object.entries(node.next ?? {}).flatMap(([port, target]) => (renamed.has(target) ? [[port, renamed.get(target)!]] : [])));
    nodes[renamed.get(id)!] = withNext(
      { ...node, config: structuredClone(node.config), position: snap({ x: node.position.x + offset.x, y: node.position.y + offset.y }) },
      next,
    );
  }
  return { doc: { ...doc, nodes }, ids: [...renamed.values()] };
}

/** The exits a step has now: from its config when it is valid, else what the kind declares or what is connected. */
export function portsOfNode(node: FileNode): string[] {
  if (!isNodeKind(node.type)) return Object.keys(node.next ?? {});
  const def = definitionOf(node.type);
  const parsed = def.config.safeParse(node.config);
  if (parsed.success) return portsOf(node.type, parsed.data);
  if (typeof def.ports !== 'function') return [...def.ports];
  return Object.keys(node.next ?? {});
}

/** Replaces a step's config; when a branch or split renames one of its paths, the connection follows the new name. */
export function setConfig(node: FileNode, config: Record<string, unknown>): FileNode {
  const before = portsOfNode(node);
  const updated: FileNode = { ...node, config };
  const after = portsOfNode(updated);
  if (!node.next || before.length !== after.length || !isNodeKind(node.type) || typeof definitionOf(node.type).ports !== 'function') {
    return updated;
  }
  const next: Record<string, string> = {};
  for (const [port, target] of Object.entries(node.next)) {
    const index = before.indexOf(port);
    next[index >= 0 ? after[index]! : port] = target;
  }
  return withNext(updated, next);
}

/** An empty `next` is left out of the file, as `journey fmt` writes end steps. */
function withNext(node: FileNode, next: Record<string, string>): FileNode {
  const { next: _old, ...rest } = node;
  return Object.keys(next).length ? { ...rest, next } : rest;
}

/** Reads any JSON value as far as the editor can show it; what cannot be shown is kept for the file as it was. */
export function asJourneyFile(value: unknown): JourneyFile | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const doc = value as Record<string, unknown>;
  const nodes = doc.nodes;
  if (typeof nodes !== 'object' || nodes === null || Array.isArray(nodes)) return undefined;
  const settings = (typeof doc.settings === 'object' && doc.settings !== null ? doc.settings : {}) as Record<string, unknown>;
  const out: Record<string, FileNode> = {};
  for (const [id, raw] of Object.entries(nodes as Record<string, unknown>)) {
    if (typeof raw !== 'object' || raw === null) return undefined;
    const node = raw as Partial<FileNode>;
    const position = node.position && typeof node.position.x === 'number' && typeof node.position.y === 'number' ? node.position : { x: 0, y: 0 };
    out[id] = { ...node, type: String(node.type), position, config: (node.config ?? {}) as Record<string, unknown> } as FileNode;
  }
  return {
    ...(doc as object),
    schemaVersion: typeof doc.schemaVersion === 'number' ? doc.schemaVersion : currentSchemaVersion,
    id: String(doc.id ?? ''),
    name: String(doc.name ?? ''),
    settings: { ...settings, timezone: String(settings.timezone ?? ''), compliance: String(settings.compliance ?? '') },
    nodes: out,
  } as JourneyFile;
}
