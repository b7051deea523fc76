// The semantic diff of two journey files, for code review: what a reviewer needs to know, not which lines moved.
import { definitionOf, isNodeKind } from './catalogue.ts';
import { renderWordDiff, wordDiff } from './word-diff.ts';

export interface FieldChange {
  /** Dotted path inside the node (`config.amd.enabled`, `label`) or the document (`settings.timezone`). */
  field: string;
  old: unknown;
  new: unknown;
}

export interface NodeRef {
  id: string;
  type: string;
  label?: string;
}

export interface JourneyDiff {
  document: FieldChange[];
  added: (NodeRef & { summary?: string })[];
  removed: NodeRef[];
  changed: (NodeRef & { fields: FieldChange[] })[];
  rewired: { id: string; port: string; old: string | null; new: string | null }[];
  /** Steps whose only change is their place on the canvas. */
  moved: string[];
}

type Doc = Record<string, unknown>;
type RawNode = { type?: unknown; label?: unknown; position?: unknown; config?: unknown; next?: unknown };

export function diffJourneys(before: unknown, after: unknown): JourneyDiff {
  const a = asObject(before);
  const b = asObject(after);
  const diff: JourneyDiff = { document: [], added: [], removed: [], changed: [], rewired: [], moved: [] };

  for (const key of ['schemaVersion', 'id', 'name', 'description', 'settings']) {
    collectChanges(a[key], b[key], key, diff.document);
  }

  const nodesA = asObject(a.nodes) as Record<string, RawNode>;
  const nodesB = asObject(b.nodes) as Record<string, RawNode>;
  const ids = [...new Set([...Object.keys(nodesA), ...Object.keys(nodesB)])].sort();
  for (const id of ids) {
    const na = nodesA[id];
    const nb = nodesB[id];
    if (!na && nb) {
      diff.added.push({ ...ref(id, nb), ...(summaryOf(nb) !== undefined && { summary: summaryOf(nb) }) });
      continue;
    }
    if (na && !nb) {
      diff.removed.push(ref(id, na));
      continue;
    }
    if (!na || !nb) continue;
    const fields: FieldChange[] = [];
    collectChanges(na.type, nb.type, 'type', fields);
    collectChanges(na.label, nb.label, 'label', fields);
    collectChanges(na.config ?? {}, nb.config ?? {}, 'config', fields);
    if (fields.length) diff.changed.push({ ...ref(id, nb), fields });
    else if (!deepEqual(na.position, nb.position)) diff.moved.push(id);

    const nextA = asObject(na.next);
    const nextB = asObject(nb.next);
    for (const port of [...new Set([...Object.keys(nextA), ...Object.keys(nextB)])].sort()) {
      const from = typeof nextA[port] === 'string' ? (nextA[port] as string) : null;
      const to = typeof nextB[port] === 'string' ? (nextB[port] as string) : null;
      if (from !== to) diff.rewired.push({ id, port, old: from, new: to });
    }
  }
  return diff;
}

export function isEmptyDiff(diff: JourneyDiff): boolean {
  return !diff.document.length && !diff.added.length && !diff.removed.length && !diff.changed.length && !diff.rewired.length && !diff.moved.length;
}

/** The diff as a reviewer reads it in a terminal or a pull request comment. */
export function renderDiff(diff: JourneyDiff): string {
  if (isEmptyDiff(diff)) return 'No differences.\n';
  const lines: string[] = [];
  for (const c of diff.document) lines.push(`~ journey ${c.field}: ${showChange(c)}`);
  for (const n of diff.added) lines.push(`+ added ${describe(n)}${n.summary ? `: ${n.summary}` : ''}`);
  for (const n of diff.removed) lines.push(`- removed ${describe(n)}`);
  for (const n of diff.changed) {
    lines.push(`~ changed ${describe(n)}`);
    for (const f of n.fields) lines.push(`    ${f.field}: ${showChange(f)}`);
  }
  for (const r of diff.rewired) {
    const from = r.old === null ? '(nothing)' : `'${r.old}'`;
    const to = r.new === null ? '(nothing)' : `'${r.new}'`;
    lines.push(`> rewired '${r.id}' ${r.port}: ${from} → ${to}`);
  }
  if (diff.moved.length) {
    lines.push(`  layout only: ${diff.moved.length} step${diff.moved.length === 1 ? '' : 's'} moved (${diff.moved.join(', ')})`);
  }
  return `${lines.join('\n')}\n`;
}

function describe(n: NodeRef): string {
  const kind = isNodeKind(n.type) ? definitionOf(n.type).label : n.type;
  return `${kind} step '${n.id}'${n.label ? ` (${n.label})` : ''}`;
}

function ref(id: string, node: RawNode): NodeRef {
  return { id, type: String(node.type), ...(typeof node.label === 'string' && { label: node.label }) };
}

function summaryOf(node: RawNode): string | undefined {
  if (!isNodeKind(node.type)) return undefined;
  const def = definitionOf(node.type);
  const parsed = def.config.safeParse(node.config ?? {});
  return parsed.success ? def.summary(parsed.data) : undefined;
}

/** Leaf-level changes: objects by key, lists of the same length item by item, anything else whole. */
function collectChanges(a: unknown, b: unknown, path: string, out: FieldChange[]): void {
  if (deepEqual(a, b)) return;
  if (isPlainObject(a) && isPlainObject(b)) {
    for (const key of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) collectChanges(a[key], b[key], `${path}.${key}`, out);
    return;
  }
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
    for (const [i, item] of a.entries()) collectChanges(item, b[i], `${path}[${i}]`, out);
    return;
  }
  out.push({ field: path, old: a === undefined ? null : a, new: b === undefined ? null : b });
}

/** Values longer than this are not printed whole: a long text is shown as a word diff, anything else cut short. */
const maxShown = 120;

/**
 * Old and new side by side while both fit on a line. When either is long, cutting both short could hide the very
 * words that changed (an SMS edited near its end), so the change is shown as a word diff around those words.
 */
function showChange(change: FieldChange): string {
  const { old: before, new: after } = change;
  if (before === null || after === null || (JSON.stringify(before).length <= maxShown && JSON.stringify(after).length <= maxShown)) {
    return `${show(before)} → ${show(after)}`;
  }
  if (typeof before === 'string' && typeof after === 'string') {
    const parts = wordDiff(before, after).map((part) => ({ ...part, text: JSON.stringify(part.text).slice(1, -1) }));
    return `"${renderWordDiff(parts)}"`;
  }
  return renderWordDiff(wordDiff(JSON.stringify(before), JSON.stringify(after)));
}

function show(value: unknown): string {
  if (value === null || value === undefined) return '(none)';
  const text = JSON.stringify(value);
  return text.length > maxShown ? `${text.slice(0, maxShown - 3)}...` : text;
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    return ka.length === kb.length && ka.every((k) => deepEqual(a[k], b[k]));
  }
  return false;
}

function isPlainObject(v: unknown): v is Doc {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function asObject(v: unknown): Doc {
  return isPlainObject(v) ? v : {};
}
