// Tracked links that a message step declares and its template reads as {{ links.<name> }}.
import { z } from 'zod';
import { slug } from '../fields.ts';
import { checkTemplate, linksUsed } from '../templates.ts';

/**
 * Names every JavaScript object has built in (constructor, __proto__, toString...). A tracked link is found by its
 * name when it is followed; such a name would find the built-in instead of a link.
 */
export function isInheritedName(name: string): boolean {
  return name in Object.prototype;
}

const inheritedNameMessage = (name: string) => `"${name}" cannot be a link name, as every object has it built in; choose another name, such as "offer"`;

/**
 * The links of a step's config, as written, whose names are built in. The validator looks at the config before it is
 * parsed, as the parser drops "__proto__" without a word.
 */
export function inheritedLinkNames(config: unknown): { path: string[]; message: string }[] {
  const links = typeof config === 'object' && config !== null && Object.hasOwn(config, 'links') ? (config as { links: unknown }).links : undefined;
  if (typeof links !== 'object' || links === null) return [];
  return Object.keys(links)
    .filter(isInheritedName)
    .map((name) => ({ path: ['links', name], message: inheritedNameMessage(name) }));
}

export const linksField = () =>
  z
    .record(slug(), z.url({ protocol: /^https?$/, error: 'must be a web address starting with https:// or http://' }))
    .optional()
    .meta({ title: 'Links', description: 'Named web addresses the message can include as {{ links.name }}.', widget: 'links' });

/** Adds an issue for each `{{ links.x }}` a template field reads that the step does not declare. */
export function checkLinksDeclared(
  fields: Record<string, string | undefined>,
  links: Record<string, string> | undefined,
  ctx: { addIssue: (issue: { code: 'custom'; path: string[]; message: string }) => void },
): void {
  for (const [field, text] of Object.entries(fields)) {
    if (text === undefined) continue;
    const check = checkTemplate(text);
    for (const name of new Set(linksUsed(check.variables))) {
      if (!links || !(name in links)) {
        ctx.addIssue({
          code: 'custom',
          path: [field],
          message: `uses {{ links.${name} }}, but the step has no link called "${name}"; add it under Links`,
        });
      }
    }
  }
}
