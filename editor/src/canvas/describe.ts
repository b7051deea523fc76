// What the canvas writes on a step: its title, the one-line summary and the names of its exits, from the catalogue.
import { definitionOf, isNodeKind } from '../../../schemas/catalogue.ts';
import type { FileNode } from '../model/document.ts';

export function titleOf(node: FileNode): string {
  return node.label ?? (isNodeKind(node.type) ? definitionOf(node.type).label : node.type);
}

export function kindLabel(type: string): string {
  return isNodeKind(type) ? definitionOf(type).label : `Unknown kind "${type}"`;
}

/** The kind's own summary when the settings are complete; otherwise what is still missing, in plain words. */
export function summaryOf(node: FileNode): { text: string; complete: boolean } {
  if (!isNodeKind(node.type)) return { text: 'This kind of step is not known to this version of the editor.', complete: false };
  const def = definitionOf(node.type);
  const parsed = def.config.safeParse(node.config);
  if (parsed.success) return { text: def.summary(parsed.data), complete: true };
  return { text: 'Settings to complete', complete: false };
}

interface PathLike {
  port?: unknown;
  label?: unknown;
  percent?: unknown;
}

/** A readable name for an exit: the kind's label for it, a branch rule's label, or a split path with its share. */
export function portLabel(node: FileNode, port: string): string {
  if (isNodeKind(node.type)) {
    const fixed = definitionOf(node.type).portLabels?.[port];
    if (fixed) return fixed;
  }
  const paths = [node.config.rules, node.config.branches].find(Array.isArray) as PathLike[] | undefined;
  const path = paths?.find((p) => p && p.port === port);
  if (path && typeof path.label === 'string' && path.label) return path.label;
  if (path && typeof path.percent === 'number') return `${port} (${path.percent} %)`;
  return port;
}
