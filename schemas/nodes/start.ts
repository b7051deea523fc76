// The `start` step: where contacts enter, from a contact list or an API event.
import { z } from 'zod';
import { isoDateTime } from '../fields.ts';
import { defineNode } from '../node-definition.ts';

const name = () => z.string().regex(/^[a-z0-9][a-z0-9.-]*$/, { error: 'must be lower-case letters, digits, dots and hyphens' });

export const start = defineNode({
  kind: 'start',
  label: 'Start',
  description: 'Where contacts enter the journey: everyone on a contact list, or each contact sent in by another system.',
  category: 'entry',
  icon: 'play',
  config: z
    .object({
      audience: z
        .object({
          list: name().optional().meta({ title: 'Contact list', widget: 'contact-list' }),
          event: name().optional().meta({ title: 'Entry event', description: 'Contacts posted to the API with this event name enter.' }),
        })
        .strict()
        .refine((a) => (a.list === undefined) !== (a.event === undefined), {
          error: 'needs either a contact list or an entry event, not both and not neither',
        })
        .meta({ title: 'Who enters', widget: 'group' }),
      startAt: isoDateTime().optional().meta({ title: 'Start at', description: 'Contacts enter from this moment.', widget: 'datetime' }),
      endAt: isoDateTime().optional().meta({ title: 'Stop entering at', description: 'No new contact enters after this moment.', widget: 'datetime' }),
    })
    .strict()
    .refine((c) => !c.startAt || !c.endAt || Date.parse(c.endAt) > Date.parse(c.startAt), {
      error: '{step} stops entering contacts before it starts: "Stop entering at" must be after "Start at"',
      path: ['endAt'],
    }),
  ports: ['out'],
  portLabels: { out: 'Next' },
  entry: true,
  audienceList: (c) => c.audience.list,
  summary: (c) => (c.audience.list ? `Everyone on the list "${c.audience.list}"` : `Each contact sent with event "${c.audience.event}"`),
});
