// The canonical form of a journey file: fixed key order, stable node order, two-space indent, final newline.
import type { z } from 'zod';
import { definitionOf, isNodeKind, portsOf } from './catalogue.ts';

const documentKeys = ['$schema', 'schemaVersion', 'id', 'name', 'description', 'settings', 'nodes'];
const settingsKeys = ['timezone', 'compliance', 'countries', 'helpContact'];
const nodeKeys = ['type', 'label', 'position', 'config', 'next'];

/**
 * Formats a parsed journey file. Works on any JSON object, valid or not, so that `journey fmt` can tidy a file
 * that still has problems; values are kept, only their order and layout change (positions round to whole pixels).
 */
export function formatJourney(value: unknown): string {
  if (!isObject(value)) return `${stringify(orderBySchema(value, undefined), '')}\n`;
  const doc = record();
  for (const key of ordered(value, documentKeys)) {
    if (key === 'settings' && isObject(value.settings)) doc.settings = pick(value.settings, ordered(value.settings, settingsKeys));
    else if (key === 'nodes' && isObject(value.nodes)) doc.nodes = orderNodes(value.nodes);
    else doc[key] = orderBySchema(value[key], undefined);
  }
  return `${stringify(doc, '')}\n`;
}

/** Start steps first, then every other step by id: adding or removing a step never moves another one. */
function orderNodes(nodes: Record<string, unknown>): Record<string, unknown> {
  const ids = Object.keys(nodes).sort((a, b) => {
    const sa = isObject(nodes[a]) && nodes[a].type === 'start' ? 0 : 1;
    const sb = isObject(nodes[b]) && nodes[b].type === 'start' ? 0 : 1;
    return sa - sb || (a < b ? -1 : a > b ? 1 : 0);
  });
  const out = record();
  for (const id of ids) out[id] = orderNode(nodes[id]);
  return out;
}

function orderNode(node: unknown): unknown {
  if (!isObject(node)) return orderBySchema(node, undefined);
  const kind = isNodeKind(node.type) ? node.type : undefined;
  const out = record();
  for (const key of ordered(node, nodeKeys)) {
    const v = node[key];
    if (key === 'position' && isObject(v)) out.position = new Inline(roundPosition(v));
    else if (key === 'config') out.config = orderBySchema(v, kind ? definitionOf(kind).config : undefined);
    else if (key === 'next' && isObject(v)) out.next = pick(v, ordered(v, kind ? portOrder(kind, node.config) : []));
    else out[key] = orderBySchema(v, undefined);
  }
  return out;
}

/** The step's exits in declared order; for a config that does not parse, the fixed list where the kind has one. */
function portOrder(kind: Parameters<typeof portsOf>[0], config: unknown): string[] {
  const def = definitionOf(kind);
  if (typeof def.ports !== 'function') return [...def.ports];
  const parsed = def.config.safeParse(config ?? {});
  return parsed.success ? portsOf(kind, parsed.data) : [];
}

function roundPosition(p: Record<string, unknown>): Record<string, unknown> {
  const out = record();
  for (const key of ordered(p, ['x', 'y'])) {
    const v = p[key];
    out[key] = typeof v === 'number' && Number.isFinite(v) ? Math.round(v) + 0 : v;
  }
  return out;
}

/** Orders object keys as the schema declares its fields, recursively; keys it does not declare follow, sorted. */
function orderBySchema(value: unknown, schema: z.ZodType | undefined): unknown {
  if (Array.isArray(value)) {
    const element = schema ? childSchema(schema, 0) : undefined;
    return value.map((v) => orderBySchema(v, element));
  }
  if (!isObject(value)) return value;
  const shape = schema ? objectShape(schema) : undefined;
  const out = record();
  for (const key of ordered(value, shape ? Object.keys(shape) : [])) {
    out[key] = orderBySchema(value[key], schema ? childSchema(schema, key) : undefined);
  }
  return out;
}

function unwrap(schema: z.ZodType): z.ZodType {
  let node = schema;
  for (;;) {
    const def = node._zod.def as { type: string; innerType?: z.ZodType; in?: z.ZodType };
    if (def.innerType) node = def.innerType;
    else if (def.type === 'pipe' && def.in) node = def.in;
    else return node;
  }
}

function objectShape(schema: z.ZodType): Record<string, z.ZodType> | undefined {
  const def = unwrap(schema)._zod.def as { type: string; shape?: Record<string, z.ZodType> };
  return def.type === 'object' ? def.shape : undefined;
}

function childSchema(schema: z.ZodType, key: string | number): z.ZodType | undefined {
  const def = unwrap(schema)._zod.def as { type: string; shape?: Record<string, z.ZodType>; element?: z.ZodType; valueType?: z.ZodType };
  if (def.type === 'object') return def.shape && Object.hasOwn(def.shape, key) ? def.shape[String(key)] : undefined;
  if (def.type === 'array') return def.element;
  if (def.type === 'record') return def.valueType;
  return undefined;
}

/** The keys of `value`: first those in `preferred` (in that order), then the rest sorted. */
function ordered(value: Record<string, unknown>, preferred: readonly string[]): string[] {
  const keys = Object.keys(value).filter((k) => value[k] !== undefined);
  const known = preferred.filter((k) => keys.includes(k));
  const rest = keys.filter((k) => !preferred.includes(k)).sort();
  return [...known, ...rest];
}

function pick(value: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  const out = record();
  for (const k of keys) out[k] = orderBySchema(value[k], undefined);
  return out;
}

/** An object with no prototype, so that keys such as "__proto__" or "constructor" are kept as plain keys. */
function record(): Record<string, unknown> {
  return Object.create(null) as Record<string, unknown>;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Marks a small object written on one line, so that moving a step on the canvas changes one line. */
class Inline {
  constructor(readonly value: Record<string, unknown>) {}
}

function stringify(value: unknown, indent: string): string {
  if (value instanceof Inline) {
    const entries = Object.entries(value.value).map(([k, v]) => `${JSON.stringify(k)}: ${stringify(v, '')}`);
    return entries.length ? `{ ${entries.join(', ')} }` : '{}';
  }
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    const inner = `${indent}  `;
    return `[\n${value.map((v) => inner + stringify(v, inner)).join(',\n')}\n${indent}]`;
  }
  if (isObject(value)) {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return '{}';
    const inner = `${indent}  `;
    return `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${stringify(v, inner)}`).join(',\n')}\n${indent}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
