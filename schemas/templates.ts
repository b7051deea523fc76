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

// A parser only: it never renders, so nothing in a template can run here.
const parser = new Liquid({ strictFilters: true });

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
