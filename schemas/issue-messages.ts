// Turns Zod issues into sentences a manager can act on, using the field titles the node definitions declare.
import { z } from 'zod';

type Segment = PropertyKey;

const typeWords: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  object: 'a group of settings in { }',
  array: 'a list in [ ]',
  record: 'a group of settings in { }',
};

/**
 * The phrases used where a schema gives no message of its own. Passed to every parse that
 * a person will read the result of; schema-level messages take precedence over it.
 */
export const plainIssues: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'is missing';
      return `should be ${typeWords[issue.expected] ?? issue.expected}, not ${describeValue(issue.input)}`;
    case 'too_small': {
      const min = Number(issue.minimum);
      if (issue.origin === 'string') return min <= 1 ? 'is empty' : `must be at least ${min} characters`;
      if (issue.origin === 'array' || issue.origin === 'set') return `must have at least ${min} item${min === 1 ? '' : 's'}`;
      return issue.inclusive ? `must be at least ${min}` : `must be more than ${min}`;
    }
    case 'too_big': {
      const max = Number(issue.maximum);
      if (issue.origin === 'string') return `must be at most ${max} characters`;
      if (issue.origin === 'array' || issue.origin === 'set') return `must have at most ${max} items`;
      return issue.inclusive ? `must be at most ${max}` : `must be less than ${max}`;
    }
    case 'invalid_value':
      return `must be ${issue.values.length === 1 ? JSON.stringify(issue.values[0]) : `one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`}`;
    case 'unrecognized_keys':
      return `has ${issue.keys.length === 1 ? 'a setting' : 'settings'} it does not know: ${issue.keys.map((k) => `"${k}"`).join(', ')} (check the spelling, or remove ${issue.keys.length === 1 ? 'it' : 'them'})`;
    case 'invalid_format':
      return `is not in the expected format (${issue.format})`;
    case 'invalid_union':
      return 'is not in a form this step understands';
    case 'invalid_key':
      return 'has a name that is not allowed';
    case 'invalid_element':
      return 'has an entry that is not allowed';
    case 'not_multiple_of':
      return `must be a multiple of ${issue.divisor}`;
    default:
      return undefined;
  }
};

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a group of settings';
  if (typeof value === 'string') return `the text ${JSON.stringify(value.length > 30 ? `${value.slice(0, 30)}…` : value)}`;
  return JSON.stringify(value);
}

/**
 * Names the field at `path` the way the inspector shows it: titles where the definition gives them,
 * "item N" for list entries, the key otherwise ("Answering machines › When a machine answers").
 */
export function fieldName(schema: z.ZodType, path: readonly Segment[]): string | undefined {
  const names: string[] = [];
  let current: z.ZodType | undefined = schema;
  for (const key of path) {
    current = current ? childOf(current, key) : undefined;
    const title = current ? titleOf(current) : undefined;
    names.push(title ?? (typeof key === 'number' ? `item ${key + 1}` : `"${String(key)}"`));
  }
  return names.length ? names.join(' › ') : undefined;
}

/** Titles sit on the outermost wrapper (`.default(...).meta(...)`), so look through the wrappers. */
function titleOf(schema: z.ZodType): string | undefined {
  for (let node: z.ZodType | undefined = schema; node; node = innerOf(node)) {
    const title = z.globalRegistry.get(node)?.title;
    if (title) return title;
  }
  return undefined;
}

function innerOf(schema: z.ZodType): z.ZodType | undefined {
  const def = schema._zod.def as { type: string; innerType?: z.ZodType; in?: z.ZodType };
  if (['optional', 'default', 'nullable', 'readonly', 'prefault', 'catch', 'nonoptional'].includes(def.type)) return def.innerType;
  if (def.type === 'pipe') return def.in;
  return undefined;
}

function childOf(schema: z.ZodType, key: Segment): z.ZodType | undefined {
  let node: z.ZodType | undefined = schema;
  while (node && innerOf(node)) node = innerOf(node);
  if (!node) return undefined;
  const def = node._zod.def as { type: string; shape?: Record<string, z.ZodType>; element?: z.ZodType; valueType?: z.ZodType };
  if (def.type === 'object') return def.shape && Object.hasOwn(def.shape, key) ? def.shape[String(key)] : undefined;
  if (def.type === 'array') return def.element;
  if (def.type === 'record') return def.valueType;
  return undefined;
}

/**
 * One sentence for one issue. Messages that contain `{step}` are full sentences about the step;
 * the others are predicates about a field ("must be at least 15").
 */
export function composeMessage(subject: string, field: string | undefined, message: string): string {
  if (message.includes('{step}')) return message.replaceAll('{step}', subject);
  return field ? `${subject}: ${field} ${message}` : `${subject} ${message}`;
}
