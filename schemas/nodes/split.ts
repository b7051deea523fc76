// The `split` step: divides contacts between paths by percentage, the same way every time for a contact.
import { z } from 'zod';
import { slug } from '../fields.ts';
import { defineNode } from '../node-definition.ts';

export const split = defineNode({
  kind: 'split',
  label: 'Split',
  description: 'Divides contacts between paths by percentage, for A/B tests. A contact always lands on the same path.',
  category: 'logic',
  icon: 'split',
  config: z
    .object({
      branches: z
        .array(
          z
            .object({
              port: slug(),
              percent: z.number({ error: 'must be a percentage' }).gt(0, { error: 'must be more than 0' }).max(100, { error: 'must be at most 100' }),
            })
            .strict(),
        )
        .min(2, { error: '{step} needs at least two paths' })
        .default([
          { port: 'a', percent: 50 },
          { port: 'b', percent: 50 },
        ])
        .superRefine((branches, ctx) => {
          const total = branches.reduce((sum, b) => sum + b.percent, 0);
          if (Math.abs(total - 100) > 1e-9) {
            ctx.addIssue({ code: 'custom', message: `{step} splits ${Number(total.toFixed(4))} % of contacts; the percentages must add up to 100` });
          }
          const seen = new Set<string>();
          branches.forEach((b, i) => {
            if (seen.has(b.port)) ctx.addIssue({ code: 'custom', path: [i, 'port'], message: `uses the path name "${b.port}" twice` });
            seen.add(b.port);
          });
        })
        .meta({ title: 'Paths', widget: 'branches' }),
    })
    .strict(),
  ports: (c) => c.branches.map((b) => b.port),
  summary: (c) => `Split ${c.branches.map((b) => `${b.percent} % ${b.port}`).join(' / ')}`,
});
