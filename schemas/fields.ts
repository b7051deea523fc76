// Config field types shared across node kinds, with the checks and messages a manager reads.
import { Duration, IANAZone } from 'luxon';
import { z } from 'zod';
import { checkTemplate, loopCost, maxLoopPasses, templateRoots, trialRenderLimit, type TemplateRoot } from './templates.ts';

export const slugPattern = /^[a-z0-9][a-z0-9-]*$/;

/** A node id or a port name: lower-case words joined by hyphens. */
export const slug = () =>
  z.string().regex(slugPattern, {
    error: 'must be lower-case letters, digits and hyphens, starting with a letter or digit (for example "first-call")',
  });

export function isValidDuration(text: string): boolean {
  if (!/^P(?!$)/.test(text)) return false;
  const duration = Duration.fromISO(text);
  return duration.isValid && duration.toMillis() > 0;
}

/** An ISO 8601 duration such as P2D (two days) or PT4H (four hours). */
export const isoDuration = () =>
  z.string().refine(isValidDuration, {
    error: 'must be a length of time written as an ISO 8601 duration, for example PT4H (4 hours), P2D (2 days) or P1W (1 week)',
  });

export const timeOfDay = () => z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: 'must be a time of day written as HH:MM, for example 09:00' });

const zoneValidity = new Map<string, boolean>();

/** Whether the zone is a known IANA name; remembered, because checking builds a formatter each time. */
export function isValidTimezone(zone: string): boolean {
  let valid = zoneValidity.get(zone);
  if (valid === undefined) {
    valid = IANAZone.isValidZone(zone);
    if (zoneValidity.size < 1000) zoneValidity.set(zone, valid);
  }
  return valid;
}

export const timezone = () =>
  z.string().refine(isValidTimezone, {
    error: 'must be a time zone name such as America/New_York or Europe/London',
  });

export const weekdays = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export const weekday = () => z.enum(weekdays, { error: `must be one of ${weekdays.join(', ')}` });

export const e164 = () => z.string().regex(/^\+[1-9]\d{6,14}$/, { error: 'must be a phone number in international format, for example +14155550100' });

export const isoDateTime = () => z.iso.datetime({ offset: true, error: 'must be a date and time such as 2026-12-01T09:00:00-05:00' });

/** What each kind of template may read: links only in messages that declare them, the agent only in a call script. */
export const messageRoots: readonly TemplateRoot[] = ['contact', 'attributes', 'links', 'results', 'lastCall'];
export const dataRoots: readonly TemplateRoot[] = ['contact', 'attributes', 'results', 'lastCall'];
export const scriptRoots: readonly TemplateRoot[] = ['contact', 'attributes', 'results', 'lastCall', 'agent'];

/**
 * A Liquid template. It must parse, and may only read the variables a contact journey provides.
 * Which `links.*` exist is checked by the step that declares them.
 */
export const template = (roots: readonly TemplateRoot[] = templateRoots) =>
  z
    .string()
    .superRefine((text, ctx) => {
      const check = checkTemplate(text);
      if (check.syntaxError) {
        ctx.addIssue({ code: 'custom', message: `has a template error: ${check.syntaxError}` });
        return;
      }
      const fileTag = /\{%-?\s*(include|render|layout)\b/.exec(text)?.[1];
      if (fileTag) {
        ctx.addIssue({ code: 'custom', message: `uses {% ${fileTag} %}, which is not available: a template cannot read other files; write the text here` });
      }
      // Every contact renders the template on the server's one thread: what cannot render in a few milliseconds is refused
      // here, before a run could stall the server with it.
      const loops = loopCost(text);
      if (loops) {
        ctx.addIssue({
          code: 'custom',
          message: `loops ${loops.passes.toLocaleString('en-US')} times for each contact (${loops.loops}); a template may loop at most ${maxLoopPasses.toLocaleString('en-US')} times: use smaller ranges or a limit:`,
        });
      } else if (!fileTag) {
        const limit = trialRenderLimit(text);
        if (limit)
          ctx.addIssue({
            code: 'custom',
            message: `cannot be rendered for a sample contact within the limits for one message (${limit}): make its loops and the text they build smaller`,
          });
      }
      for (const variable of check.variables) {
        const root = variable.split(/[.[]/)[0] as TemplateRoot;
        if (!roots.includes(root)) {
          ctx.addIssue({
            code: 'custom',
            message: `uses {{ ${variable} }}, which a journey does not provide; use ${roots.map((r) => `${r}.…`).join(', ')}`,
          });
        }
      }
    })
    // Read by schemas/template-references.ts; clones made by .check() and .refine() keep it.
    .meta({ templateRoots: roots });
