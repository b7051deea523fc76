// What templates read from the contact: fields a journey always has, and attributes that only the contact list knows.
import { z } from 'zod';
import { definitionOf, type NodeKind } from './catalogue.ts';
import type { Problem } from './problems.ts';
import { jsonPointer } from './problems.ts';
import { fieldName } from './issue-messages.ts';
import { checkTemplate } from './templates.ts';

/** The fields of `contact` a template can read: runtime/nodes/types.ts ContactView without attributes and consent. */
export const contactFields = ['id', 'externalId', 'phone', 'email', 'firstName', 'lastName', 'timezone', 'state', 'postalCode'] as const;
export type ContactFieldName = (typeof contactFields)[number];

export interface TemplateField {
  /** Path inside the step's config, e.g. ['body'] or ['amd', 'message']. */
  path: (string | number)[];
  text: string;
}

/** Every template field of a step's (valid) config, found by the `templateRoots` mark `template()` leaves on its schema. */
export function templateFieldsOf(kind: NodeKind, config: unknown): TemplateField[] {
  const out: TemplateField[] = [];
  collect(definitionOf(kind).config, config, [], out);
  return out;
}

function collect(schema: z.ZodType, value: unknown, path: (string | number)[], out: TemplateField[]): void {
  let node: z.ZodType | undefined = schema;
  while (node) {
    if (z.globalRegistry.get(node)?.templateRoots) {
      if (typeof value === 'string') out.push({ path, text: value });
      return;
    }
    const def = node._zod.def as {
      type: string;
      innerType?: z.ZodType;
      in?: z.ZodType;
      shape?: Record<string, z.ZodType>;
      element?: z.ZodType;
      valueType?: z.ZodType;
    };
    if (def.innerType) node = def.innerType;
    else if (def.type === 'pipe') node = def.in;
    else if (def.type === 'object' && def.shape && isRecord(value)) {
      for (const [key, child] of Object.entries(def.shape)) if (key in value) collect(child, value[key], [...path, key], out);
      return;
    } else if (def.type === 'array' && def.element && Array.isArray(value)) {
      for (const [i, item] of value.entries()) collect(def.element, item, [...path, i], out);
      return;
    } else if (def.type === 'record' && def.valueType && isRecord(value)) {
      for (const [key, item] of Object.entries(value)) collect(def.valueType, item, [...path, key], out);
      return;
    } else return;
  }
}

const fieldTitle = (kind: NodeKind, path: readonly (string | number)[]) => fieldName(definitionOf(kind).config, path) ?? path.join('.');

/** How a template writes the name: attributes.balance, or attributes["due date"] when it is not a plain word. */
const reference = (root: string, member: string) => (/^[A-Za-z_]\w*$/.test(member) ? `${root}.${member}` : `${root}[${JSON.stringify(member)}]`);

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The name a variable reads under `root`: `contact.firstName` and `attributes['due date']` give firstName and
 * "due date"; a name chosen at run time (`attributes[contact.id]`) or the root alone gives nothing to check.
 */
export function memberOf(variable: string, root: string): string | undefined {
  if (!variable.startsWith(root)) return undefined;
  const rest = variable.slice(root.length);
  const dotted = /^\.([^.[]+)/.exec(rest);
  if (dotted) return dotted[1];
  const quoted = /^\[(['"])(.*?)\1\]/.exec(rest);
  return quoted?.[2];
}

export interface StepTemplates {
  id: string;
  kind: NodeKind;
  config: unknown;
}

/** Each `contact.<x>` a template reads that is not a contact field: an error, with the closest field named. */
export function contactFieldProblems(steps: Iterable<StepTemplates>, name: (step: StepTemplates) => string): Problem[] {
  const problems: Problem[] = [];
  for (const step of steps) {
    for (const field of templateFieldsOf(step.kind, step.config)) {
      const unknown = new Set<string>();
      for (const variable of checkTemplate(field.text).variables) {
        const member = memberOf(variable, 'contact');
        if (member !== undefined && !(contactFields as readonly string[]).includes(member)) unknown.add(member);
      }
      for (const member of unknown) {
        const guess = closestName(member, contactFields);
        problems.push({
          severity: 'error',
          nodeId: step.id,
          path: jsonPointer(['nodes', step.id, 'config', ...field.path]),
          message: `${name(step)}: ${fieldTitle(step.kind, field.path)} uses {{ ${reference('contact', member)} }}, but a contact has no field "${member}"${
            guess ? `; did you mean ${guess}?` : '.'
          } A contact's fields are ${contactFields.join(', ')}; other columns of the list are read as attributes.<column>`,
        });
      }
    }
  }
  return problems;
}

/** Names of attributes saved during the journey by webhook steps (`saveAs`); later steps read them like columns. */
export function savedAttributes(steps: Iterable<StepTemplates>): Set<string> {
  const saved = new Set<string>();
  for (const step of steps) {
    const saveAs = definitionOf(step.kind).savesAttribute?.(step.config);
    if (saveAs) saved.add(saveAs);
  }
  return saved;
}

export interface AttributeCheck {
  /** The columns of the contact list the journey runs on. */
  columns: readonly string[];
  /** The list's id, to name it in messages. */
  listId?: string;
}

/**
 * Each `attributes.<x>` a template or branch reads that is neither a column of the list nor saved by a webhook step.
 * Returned as warnings; starting a run turns them into errors.
 */
export function attributeProblems(steps: readonly StepTemplates[], check: AttributeCheck, name: (step: StepTemplates) => string): Problem[] {
  const known = new Set([...check.columns, ...savedAttributes(steps)]);
  const list = check.listId ? `the contact list "${check.listId}"` : 'the contact list';
  const columns = check.columns.length ? `its columns are ${check.columns.join(', ')}` : 'it has no columns besides the contact fields';
  const problems: Problem[] = [];
  const report = (step: StepTemplates, path: (string | number)[], where: string, member: string) => {
    const guess = closestName(member, [...known]);
    problems.push({
      severity: 'warning',
      nodeId: step.id,
      path: jsonPointer(['nodes', step.id, 'config', ...path]),
      message: `${name(step)}: ${where} reads ${reference('attributes', member)}, but ${list} has no column "${member}" and no webhook step saves it${
        guess ? ` (did you mean ${guess}?)` : ''
      }; ${columns}. Add the column to the list, or change the name`,
    });
  };
  for (const step of steps) {
    for (const field of templateFieldsOf(step.kind, step.config)) {
      const missing = new Set<string>();
      for (const variable of checkTemplate(field.text).variables) {
        const member = memberOf(variable, 'attributes');
        if (member !== undefined && !known.has(member)) missing.add(member);
      }
      for (const member of missing) report(step, field.path, fieldTitle(step.kind, field.path), member);
    }
    for (const condition of definitionOf(step.kind).conditionFields?.(step.config) ?? []) {
      const member = memberOf(condition.field, 'attributes');
      if (member !== undefined && !known.has(member)) report(step, condition.path, condition.where, member);
    }
  }
  return problems;
}

/** The candidate closest in spelling, when close enough to be a likely typo (first_name → firstName). */
export function closestName(word: string, candidates: readonly string[]): string | undefined {
  const plain = (s: string) => s.toLowerCase().replace(/[\s_-]/g, '');
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const d = editDistance(plain(word), plain(candidate));
    if (d < bestDistance) {
      bestDistance = d;
      best = candidate;
    }
  }
  // A third of the letters wrong is still a typo (balence, emial); more is another word (vip is not id).
  return bestDistance <= Math.max(1, Math.round(word.length / 3)) ? best : undefined;
}

export function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length]!;
}
