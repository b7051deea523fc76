// The `end` step: the contact's journey is over, with a named outcome for reports.
import { z } from 'zod';
import { slug } from '../fields.ts';
import { defineNode } from '../node-definition.ts';

export const end = defineNode({
  kind: 'end',
  label: 'End',
  description: 'The contact’s journey ends here. Name the outcome (paid, callback, opted-out) to count it in reports.',
  category: 'exit',
  icon: 'flag',
  config: z
    .object({
      outcome: slug().default('completed').meta({ title: 'Outcome', widget: 'text' }),
    })
    .strict(),
  ports: [],
  summary: (c) => `Outcome: ${c.outcome}`,
});
