// The `wait` step: holds the contact for a length of time or until a time of day.
import { Duration } from 'luxon';
import { z } from 'zod';
import { isoDuration, timeOfDay, timezone, weekday } from '../fields.ts';
import { defineNode } from '../node-definition.ts';

/** "P2D" reads "2 days"; used by every summary that shows a duration. */
export function describeDuration(iso: string): string {
  const d = Duration.fromISO(iso);
  if (!d.isValid) return iso;
  const parts = Object.entries(d.toObject())
    .filter(([, n]) => n)
    .map(([unit, n]) => `${n} ${n === 1 ? unit.replace(/s$/, '') : unit}`);
  return parts.join(' ') || iso;
}

export const wait = defineNode({
  kind: 'wait',
  label: 'Wait',
  description: 'Holds the contact for a while (hours, days) or until a time of day, such as 9:00 in the contact’s time zone.',
  category: 'timing',
  icon: 'clock',
  config: z
    .object({
      duration: isoDuration().optional().meta({ title: 'Wait for', widget: 'duration' }),
      until: z
        .object({
          time: timeOfDay().meta({ title: 'Time of day', widget: 'time-of-day' }),
          timezone: z
            .union([z.literal('contact'), timezone()], { error: 'must be "contact" or a time zone name such as Europe/London' })
            .default('contact')
            .meta({ title: 'Time zone', description: '"contact" uses each contact’s own time zone.', widget: 'timezone' }),
          days: z.array(weekday()).min(1, { error: 'must include at least one day' }).optional().meta({ title: 'On days', widget: 'weekdays' }),
        })
        .strict()
        .optional()
        .meta({ title: 'Wait until', widget: 'group' }),
    })
    .strict()
    .refine((c) => (c.duration === undefined) !== (c.until === undefined), {
      error: '{step} needs a length of time or a time of day to wait until (one of them, not both)',
    }),
  ports: ['out'],
  portLabels: { out: 'Next' },
  pauses: true,
  timerPort: 'out',
  summary: (c) =>
    c.duration
      ? `Wait ${describeDuration(c.duration)}`
      : `Wait until ${c.until?.time}${c.until?.days ? ` on ${c.until.days.join(', ')}` : ''}${
          c.until?.timezone === 'contact' ? ' (contact’s time)' : ` (${c.until?.timezone})`
        }`,
});
