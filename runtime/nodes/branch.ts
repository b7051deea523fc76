// `branch`: the first rule whose conditions hold picks the port; values from CSVs are text, so compare leniently.
import type { Condition } from '../../schemas/nodes/branch.ts';
import type { ContactView, NodeHandler, Results } from './types.ts';

export const branch: NodeHandler<'branch'> = {
  enter: ({ node, contact, results }) => {
    for (const rule of node.config.rules) {
      const hold = rule.conditions.map((c) => holds(c, resolveField(c.field, contact, results)));
      if (rule.match === 'all' ? hold.every(Boolean) : hold.some(Boolean)) return { type: 'exit', port: rule.port };
    }
    return { type: 'exit', port: 'else' };
  },
};

/** Reads `contact.x`, `attributes.x.y`, `results.<step>.x` or `lastCall.x`; undefined when absent. */
export function resolveField(field: string, contact: ContactView, results: Results): unknown {
  const [root, ...rest] = field.split('.');
  let value: unknown;
  if (root === 'contact') return (contact as unknown as Record<string, unknown>)[rest[0]!] ?? undefined;
  if (root === 'attributes') value = { ...contact.attributes, ...results.attributes };
  else if (root === 'results') value = results.steps;
  else if (root === 'lastCall') value = results.lastCall ?? {};
  for (const key of rest) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value ?? undefined;
}

export function holds(condition: Condition, actual: unknown): boolean {
  const present = actual !== undefined && actual !== null && actual !== '';
  switch (condition.op) {
    case 'exists':
      return present;
    case 'not-exists':
      return !present;
    case 'equals':
      return present && same(actual, condition.value);
    case 'not-equals':
      return !present || !same(actual, condition.value);
    case 'in':
      return present && Array.isArray(condition.value) && condition.value.some((v) => same(actual, v));
    case 'not-in':
      return !present || !Array.isArray(condition.value) || !condition.value.some((v) => same(actual, v));
    case 'contains':
      if (Array.isArray(actual)) return actual.some((v) => same(v, condition.value));
      return present && String(actual).toLowerCase().includes(String(condition.value).toLowerCase());
    case 'greater-than':
      return present && toNumber(actual) !== undefined && toNumber(actual)! > Number(condition.value);
    case 'less-than':
      return present && toNumber(actual) !== undefined && toNumber(actual)! < Number(condition.value);
  }
}

function same(actual: unknown, expected: unknown): boolean {
  const a = toNumber(actual);
  const b = toNumber(expected);
  if (a !== undefined && b !== undefined) return a === b;
  const bool = (v: unknown) => (typeof v === 'boolean' ? v : /^(true|yes)$/i.test(String(v)) ? true : /^(false|no)$/i.test(String(v)) ? false : undefined);
  if (typeof expected === 'boolean' || typeof actual === 'boolean') return bool(actual) === bool(expected);
  return String(actual).trim().toLowerCase() === String(expected).trim().toLowerCase();
}

function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(value)) return Number(value);
  return undefined;
}
