// Reads a kind's Zod config schema into the fields the inspector shows: title, widget, unit, choices and default.
import { z } from 'zod';
import type { Widget } from '../../../schemas/node-definition.ts';

export interface FieldSpec {
  key: string;
  title: string;
  description?: string;
  widget: Widget;
  unit?: string;
  optionLabels?: Record<string, string>;
  /** The allowed values of an enum, of the items of a list of enum values, or of the values of a record. */
  options?: string[];
  /** A list of enum values, shown as check boxes. */
  multiple: boolean;
  optional: boolean;
  /** The value the step uses when the file leaves the field out. */
  defaultValue?: unknown;
  hasDefault: boolean;
  /** Fields of a group. */
  children?: FieldSpec[];
  /** Literal values a union accepts besides its free-form member (the time zone "contact"). */
  literals?: string[];
  /** The schema with its wrappers removed. */
  inner: z.ZodType;
}

type Def = {
  type: string;
  innerType?: z.ZodType;
  in?: z.ZodType;
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  valueType?: z.ZodType;
  options?: z.ZodType[];
  entries?: Record<string, string>;
  values?: unknown[];
  defaultValue?: unknown;
};

const defOf = (schema: z.ZodType) => schema._zod.def as unknown as Def;

/** Splits a field schema into its wrappers (optional, default) and the schema they wrap, gathering meta on the way. */
function peel(schema: z.ZodType) {
  let node = schema;
  let optional = false;
  let hasDefault = false;
  let defaultValue: unknown;
  const meta: z.core.GlobalMeta = {};
  for (;;) {
    const own = z.globalRegistry.get(node);
    if (own) for (const [k, v] of Object.entries(own)) if (!(k in meta)) (meta as Record<string, unknown>)[k] = v;
    const def = defOf(node);
    if (def.type === 'optional' && def.innerType) {
      optional = true;
      node = def.innerType;
    } else if (def.type === 'default' && def.innerType) {
      hasDefault = true;
      defaultValue = structuredClone(def.defaultValue);
      node = def.innerType;
    } else if ((def.type === 'nullable' || def.type === 'readonly' || def.type === 'prefault') && def.innerType) {
      node = def.innerType;
    } else if (def.type === 'pipe' && def.in) {
      node = def.in;
    } else break;
  }
  return { inner: node, optional, hasDefault, defaultValue, meta };
}

function enumValues(schema: z.ZodType): string[] | undefined {
  const def = defOf(schema);
  if (def.type === 'enum' && def.entries) return Object.values(def.entries);
  return undefined;
}

function inferWidget(inner: z.ZodType): Widget {
  const def = defOf(inner);
  if (def.type === 'enum') return 'select';
  if (def.type === 'boolean') return 'boolean';
  if (def.type === 'number') return 'number';
  if (def.type === 'object') return 'group';
  if (def.type === 'record') return 'key-values';
  if (def.type === 'array' && def.element && enumValues(peel(def.element).inner)) return 'select';
  return 'text';
}

export function fieldSpec(key: string, schema: z.ZodType): FieldSpec {
  const { inner, optional, hasDefault, defaultValue, meta } = peel(schema);
  const def = defOf(inner);
  const widget = meta.widget ?? inferWidget(inner);
  const element = def.type === 'array' && def.element ? peel(def.element).inner : undefined;
  const valueType = def.type === 'record' && def.valueType ? peel(def.valueType).inner : undefined;
  const options = enumValues(inner) ?? (element ? enumValues(element) : undefined) ?? (valueType ? enumValues(valueType) : undefined);
  const literals =
    def.type === 'union' ? (def.options ?? []).flatMap((o) => (defOf(o).type === 'literal' ? (defOf(o).values ?? []).map(String) : [])) : undefined;
  return {
    key,
    title: meta.title ?? key,
    ...(meta.description !== undefined && { description: meta.description }),
    widget,
    ...(meta.unit !== undefined && { unit: meta.unit }),
    ...(meta.optionLabels !== undefined && { optionLabels: meta.optionLabels }),
    ...(options && { options }),
    multiple: def.type === 'array' && options !== undefined,
    optional,
    hasDefault,
    ...(hasDefault && { defaultValue }),
    ...(def.type === 'object' && { children: fieldsOf(inner) }),
    ...(literals?.length && { literals }),
    inner,
  };
}

/** The fields of an object schema, in the order the schema declares them (the order of the file, too). */
export function fieldsOf(schema: z.ZodType): FieldSpec[] {
  const { inner } = peel(schema);
  const shape = defOf(inner).shape ?? {};
  return Object.entries(shape).map(([key, field]) => fieldSpec(key, field));
}
