// Rendering a step's Liquid template for one contact, safely and fast enough for a million contacts.
import { Liquid, Tag, type Template } from 'liquidjs';
import { templateLimits } from '../../schemas/templates.ts';

/** The variables a template can read; see `templateRoots` in schemas/templates.ts. */
export interface TemplateScope {
  contact: Record<string, unknown>;
  attributes: Record<string, unknown>;
  links: Record<string, string>;
  results: Record<string, unknown>;
  lastCall: Record<string, unknown>;
  agent?: Record<string, unknown>;
}

/** A template that cannot be rendered for this contact; the message is meant for the journey's author. */
export class TemplateError extends Error {
  override name = 'TemplateError';
  /** The variable that was missing, e.g. `contact.middleName`, when that was the problem. */
  readonly variable: string | undefined;
  constructor(message: string, options: { variable?: string; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.variable = options.variable;
  }
}

export interface TemplateRendererOptions {
  /** How many distinct templates to keep parsed. */
  cacheSize?: number;
}

// Journeys hold a few dozen templates; the bound only matters for a server hosting many journeys.
const defaultCacheSize = 1000;

// Pathological templates must fail, not stall the batch they run in: the validator refuses what cannot render within
// these limits, so at run time they only stop loops over contact data (`(1..attributes.count)`).
const limits = templateLimits;

// Templates come from journey files and may never reach files of their own: these tags fail when parsed.
const fileTags = ['include', 'render', 'layout'] as const;

type Parsed = { templates: Template[] } | { error: TemplateError };

export class TemplateRenderer {
  private readonly liquid: Liquid;
  private readonly cache = new Map<string, Parsed>();
  private readonly cacheSize: number;

  constructor(options: TemplateRendererOptions = {}) {
    this.cacheSize = options.cacheSize ?? defaultCacheSize;
    this.liquid = new Liquid({
      strictVariables: true,
      strictFilters: true,
      // `{% if contact.middleName %}` and `| default:` are how an author handles a value some contacts lack.
      lenientIf: true,
      // Contact data must not reach `constructor`, `__proto__` and other inherited members.
      ownPropertyOnly: true,
      // A second line of defence should a file tag ever get past the overrides below.
      fs: noFileSystem,
      // Relative paths need `fs.dirname`, which a file system that reads nothing does not offer.
      relativeReference: false,
      ...limits,
    });
    for (const name of fileTags) this.liquid.registerTag(name, fileTagRefusal(name));
  }

  /** Renders `template` for one contact. Values in `scope` are output as text, never read as Liquid. */
  render(template: string, scope: TemplateScope): string {
    const parsed = this.parse(template);
    if ('error' in parsed) throw parsed.error;
    for (let attempt = 1; ; attempt++) {
      const cpuBefore = process.cpuUsage();
      try {
        return this.liquid.renderSync(parsed.templates, scope) as string;
      } catch (error) {
        // liquidjs times a render by the wall clock. Past the limit while this process used less than half the limit in
        // processor time, the render was mostly waiting, not working: the host gave the processor to others, or
        // stopped the process. That says nothing about the template, so it is rendered once more rather than fail the
        // contact's message. A runaway template on a busy host may get its second attempt too, and is stopped again.
        if (attempt < maxAttempts && isPastRenderLimit(error) && cpuMs(process.cpuUsage(cpuBefore)) < limits.renderLimit / 2) continue;
        throw renderError(error, scope);
      }
    }
  }

  // Parse failures are cached too: a broken template would otherwise be parsed again for every contact.
  private parse(text: string): Parsed {
    const hit = this.cache.get(text);
    if (hit) {
      this.cache.delete(text);
      this.cache.set(text, hit);
      return hit;
    }
    let parsed: Parsed;
    try {
      parsed = { templates: this.liquid.parse(text) };
    } catch (error) {
      parsed = { error: new TemplateError(`The template has an error: ${messageOf(error)}`, { cause: error }) };
    }
    this.cache.set(text, parsed);
    if (this.cache.size > this.cacheSize) {
      const oldest = this.cache.keys().next();
      if (!oldest.done) this.cache.delete(oldest.value);
    }
    return parsed;
  }
}

function fileTagRefusal(name: string) {
  return class extends Tag {
    constructor(...args: ConstructorParameters<typeof Tag>) {
      super(...args);
      throw new Error(`{% ${name} %} is not available: templates cannot read other files. put the text in the step’s template itself`);
    }
    render(): void {}
  };
}

const noFileSystem = {
  exists: async () => false,
  existsSync: () => false,
  readFile: async (file: string): Promise<string> => {
    throw new Error(`Templates cannot read files (${file})`);
  },
  readFileSync: (file: string): string => {
    throw new Error(`Templates cannot read files (${file})`);
  },
  resolve: (_dir: string, file: string) => file,
};

/** Renders of one template for one contact: a second one only after a first stopped while waiting, not working. */
const maxAttempts = 2;

function isPastRenderLimit(error: unknown): boolean {
  for (let e: unknown = error; e instanceof Error; e = (e as { originalError?: unknown }).originalError) {
    if (e.message.includes('template render limit exceeded')) return true;
  }
  return false;
}

function cpuMs(usage: NodeJS.CpuUsage): number {
  return (usage.user + usage.system) / 1000;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

// liquidjs nests the error that names the variable inside the errors of the tags around it.
function missingVariable(error: unknown): string | undefined {
  for (let e: unknown = error; e instanceof Error; e = (e as { originalError?: unknown }).originalError) {
    const name = (e as { variableName?: unknown }).variableName;
    if (typeof name === 'string') return name;
  }
  return undefined;
}

function renderError(error: unknown, scope: TemplateScope): TemplateError {
  const variable = missingVariable(error);
  if (variable === undefined) {
    return new TemplateError(`The template could not be rendered for this contact: ${messageOf(error)}`, { cause: error });
  }
  return new TemplateError(`The template uses {{ ${variable} }}, but ${whatIsMissing(variable, scope)}`, { variable, cause: error });
}

function whatIsMissing(variable: string, scope: TemplateScope): string {
  const dot = variable.indexOf('.');
  const root = dot < 0 ? variable : variable.slice(0, dot);
  const rest = dot < 0 ? '' : variable.slice(dot + 1);
  switch (root) {
    case 'contact':
      return `this contact has no ${rest}`;
    case 'attributes':
      return `this contact has no attribute ${rest}`;
    case 'links':
      return `this step has no link named ${rest}`;
    case 'results':
      return `this contact has no result ${rest} yet (has it been through that step?)`;
    case 'lastCall':
      return Object.keys(scope.lastCall).length === 0 ? 'this contact has not been called yet' : `the last call has no ${rest}`;
    case 'agent':
      return rest && scope.agent ? `the agent has no ${rest}` : 'no agent is connected at this point';
    default:
      return 'it has no value here';
  }
}
