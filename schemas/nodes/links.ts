// Tracked links that a message step declares and its template reads as {{ links.<name> }}.
import { z } from 'zod';
import { slug } from '../fields.ts';
import { checkTemplate, linksUsed } from '../templates.ts';

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
