// Liquid template checks shared by every step that sends text: syntax, and which variables a template may use.
import { Liquid } from 'liquidjs';

/** Variables every template can read; `links` only where the step declares links. */
export const templateRoots = ['contact', 'attributes', 'links', 'results', 'lastCall', 'agent'] as const;
export type TemplateRoot = (typeof templateRoots)[number];

declare module 'zod' {
  interface GlobalMeta {
    /** Marks a Liquid template field, so that checks of what templates read find every one of them. */
    templateRoots?: readonly TemplateRoot[];
  }
}

/**
 * What one render of one template may use, in the runtime and the editor's preview. liquidjs counts the parse limit
 * in characters of template, the render limit in milliseconds per render (checked between tags, so a loop is stopped
 * at its next pass) and the memory limit in characters and array items made by ranges and filters such as append,
 * join and split. An email with inline HTML is rarely past 100 KB; a template the validator accepts renders in a few
 * milliseconds, so 250 ms only stops runaway work over contact data, with room for a GC pause on a busy host.
 */
export const templateLimits = { parseLimit: 1_000_000, renderLimit: 250, memoryLimit: 1_000_000 } as const;

/**
 * The validator's trial render counts the same memory, but time only as a guard: how long a render takes depends on
 * the machine and its load, and a journey must not be valid on one save and invalid on the next.
 */
const trialLimits = { ...templateLimits, renderLimit: 2_000 } as const;

/** How many passes the loops of one template may make in all, counted from the ranges written in it. */
export const maxLoopPasses = 1_000;

// A parser only: it never renders, so nothing in a template can run here.
const parser = new Liquid({ strictFilters: true, parseLimit: templateLimits.parseLimit });

export interface TemplateCheck {
  /** Syntax error from Liquid, with its line and column, if the template does not parse. */
  syntaxError?: string;
  /** Every variable path the template reads, e.g. `contact.firstName`, `links.callback`. */
  variables: string[];
}

export function checkTemplate(text: string): TemplateCheck {
  try {
    const templates = parser.parse(text);
    const variables = parser.globalFullVariablesSync(templates);
    return { variables: [...new Set(variables)] };
  } catch (error) {
    return { syntaxError: error instanceof Error ? error.message : String(error), variables: [] };
  }
}

/** Names of links a template reads (`{{ links.callback }}` gives `callback`). */
export function linksUsed(variables: readonly string[]): string[] {
  return variables.filter((v) => v.startsWith('links.')).map((v) => v.slice('links.'.length).split(/[.[]/)[0] ?? '');
}

/** A loop whose ranges multiply past `maxLoopPasses`: how many passes, and the loops in words, e.g. `(1..1000) inside (1..1000)`. */
export interface LoopCost {
  passes: number;
  loops: string;
}

interface TokenLike {
  content?: unknown;
  getText?: () => string;
}
interface TagLike {
  name?: string;
  collection?: { lhs?: TokenLike; rhs?: TokenLike; getText?: () => string };
  hash?: { hash?: Record<string, TokenLike | undefined> };
  args?: { hash?: Record<string, TokenLike | undefined> };
  templates?: unknown[];
  elseTemplates?: unknown[];
  branches?: { templates?: unknown[] }[];
}

const literal = (token: TokenLike | undefined): number | undefined => (typeof token?.content === 'number' ? token.content : undefined);

/**
 * How many times a loop's body runs, when the template says: `(1..1000)` is 1000 and `limit: 5` caps it. A range
 * read from contact data is counted once; the render limits stop it at run time.
 */
function passesOf(tag: TagLike): number {
  const low = literal(tag.collection?.lhs);
  const high = literal(tag.collection?.rhs);
  let passes = low !== undefined && high !== undefined ? Math.max(0, Math.floor(high) - Math.ceil(low) + 1) : 1;
  const limit = literal(tag.hash?.hash?.limit ?? tag.args?.hash?.limit);
  if (limit !== undefined) passes = Math.min(passes, Math.max(0, limit));
  return passes;
}

const loopTags = new Set(['for', 'tablerow']);

/** The passes every loop makes in all, and the costliest nest of loops. */
function cost(templates: readonly unknown[]): { passes: number; nest: string[] } {
  let passes = 0;
  let nest: string[] = [];
  let worst = 0;
  for (const item of templates) {
    const tag = item as TagLike;
    const children = [...(tag.templates ?? []), ...(tag.elseTemplates ?? []), ...(tag.branches ?? []).flatMap((b) => b.templates ?? [])];
    const inner = children.length ? cost(children) : { passes: 0, nest: [] };
    if (tag.name && loopTags.has(tag.name)) {
      const n = passesOf(tag);
      const total = n * (1 + inner.passes);
      passes += total;
      if (total > worst) {
        worst = total;
        nest = [tag.collection?.getText?.() ?? `${n} times`, ...inner.nest];
      }
    } else {
      passes += inner.passes;
      if (inner.passes > worst) {
        worst = inner.passes;
        nest = inner.nest;
      }
    }
  }
  return { passes, nest };
}

/** The loops of a template when their ranges multiply past `maxLoopPasses`; undefined when they do not, or it does not parse. */
export function loopCost(text: string): LoopCost | undefined {
  let templates: unknown[];
  try {
    templates = parser.parse(text);
  } catch {
    return undefined;
  }
  const { passes, nest } = cost(templates);
  return passes > maxLoopPasses ? { passes, loops: nest.join(' inside ') } : undefined;
}

// A contact with every field filled in and nothing else: missing values read as empty, as `default:` would leave them.
const trialScope = {
  contact: {
    id: 'c_sample',
    externalId: 'A1',
    phone: '+12025550101',
    email: 'ada@example.com',
    firstName: 'Ada',
    lastName: 'Lovelace',
    timezone: 'America/New_York',
    state: 'NY',
    postalCode: '10001',
  },
  attributes: {},
  links: {},
  results: {},
  lastCall: {},
  agent: { name: 'Sam' },
};
const noFiles = () => {
  throw new Error('Templates cannot read files');
};
// File tags are refused by the template check; a trial render must not read the disk should one get through.
const trial = new Liquid({
  strictFilters: true,
  ownPropertyOnly: true,
  relativeReference: false,
  fs: {
    exists: async () => false,
    existsSync: () => false,
    readFile: async () => noFiles(),
    readFileSync: noFiles,
    resolve: (_dir: string, file: string) => file,
  },
  ...trialLimits,
});
// Drafts are checked on every edit in the editor; a template's verdict does not change, so it is kept.
const trialVerdicts = new Map<string, string | undefined>();

/**
 * Renders the template once for a sample contact within the memory limit of `templateLimits`; the liquidjs message
 * ("memory alloc limit exceeded") when that is past a limit. Other errors are left to the syntax and variable checks.
 */
export function trialRenderLimit(text: string): string | undefined {
  if (trialVerdicts.has(text)) return trialVerdicts.get(text);
  let verdict: string | undefined;
  try {
    trial.parseAndRenderSync(text, trialScope);
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0]! : String(error);
    if (/limit exceeded/.test(message)) verdict = message;
  }
  if (trialVerdicts.size >= 500) trialVerdicts.delete(trialVerdicts.keys().next().value!);
  trialVerdicts.set(text, verdict);
  return verdict;
}
