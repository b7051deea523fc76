// The `branch` step: sends the contact down the first rule whose conditions hold, else down "else".
import { z } from 'zod';
import { slug } from '../fields.ts';
import { defineNode } from '../node-definition.ts';

/**
 * What a condition reads: a contact field, an imported attribute, a result an earlier step wrote
 * (`results.<node id>.<key>`, e.g. `results.first-call.disposition`) or the last call's outcome.
 */
export const conditionFieldPattern =
  /^(contact\.[A-Za-z_]\w*|attributes\.[A-Za-z_]\w*(\.[A-Za-z_]\w*)*|results\.[a-z0-9][a-z0-9-]*\.[A-Za-z_]\w*|lastCall\.[A-Za-z_]\w*)$/;

export const conditionOperators = ['equals', 'not-equals', 'in', 'not-in', 'contains', 'greater-than', 'less-than', 'exists', 'not-exists'] as const;

const scalar = z.union([z.string(), z.number(), z.boolean()], { error: 'must be text, a number or true/false' });

export const condition = z
  .object({
    field: z.string().regex(conditionFieldPattern, {
      error: 'must name what to check, such as contact.state, attributes.balance, lastCall.disposition or results.<step id>.disposition',
    }),
    op: z.enum(conditionOperators, { error: `must be one of ${conditionOperators.join(', ')}` }),
    value: z.union([scalar, z.array(scalar)]).optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
    const needsList = c.op === 'in' || c.op === 'not-in';
    const needsNothing = c.op === 'exists' || c.op === 'not-exists';
    if (needsNothing && c.value !== undefined) ctx.addIssue({ code: 'custom', path: ['value'], message: `needs no value for "${c.op}"` });
    if (!needsNothing && c.value === undefined) ctx.addIssue({ code: 'custom', path: ['value'], message: `needs a value to compare with for "${c.op}"` });
    if (needsList && c.value !== undefined && !Array.isArray(c.value))
      ctx.addIssue({ code: 'custom', path: ['value'], message: `must be a list of values for "${c.op}"` });
    if (!needsList && Array.isArray(c.value)) ctx.addIssue({ code: 'custom', path: ['value'], message: `must be a single value for "${c.op}"` });
    if ((c.op === 'greater-than' || c.op === 'less-than') && typeof c.value !== 'number' && c.value !== undefined)
      ctx.addIssue({ code: 'custom', path: ['value'], message: `must be a number for "${c.op}"` });
  });

export type Condition = z.infer<typeof condition>;

export const branch = defineNode({
  kind: 'branch',
  label: 'Branch',
  description:
    'Sends each contact down the first path whose rule matches, for example by state, balance or how the last call ended; everyone else goes by "Otherwise".',
  category: 'logic',
  icon: 'git-branch',
  config: z
    .object({
      rules: z
        .array(
          z
            .object({
              port: slug().refine((p) => p !== 'else', { error: 'cannot be "else": that path is for contacts no rule matched' }),
              label: z.string().optional(),
              match: z.enum(['all', 'any'], { error: 'must be all or any' }).default('all'),
              conditions: z.array(condition).min(1, { error: 'needs at least one condition' }),
            })
            .strict(),
        )
        .min(1, { error: '{step} has no rules: add one, or remove the step' })
        .superRefine((rules, ctx) => {
          const seen = new Set<string>();
          rules.forEach((r, i) => {
            if (seen.has(r.port)) ctx.addIssue({ code: 'custom', path: [i, 'port'], message: `uses the path name "${r.port}" twice` });
            seen.add(r.port);
          });
        })
        .meta({ title: 'Rules, checked in order', widget: 'rules' }),
    })
    .strict(),
  ports: (c) => [...c.rules.map((r) => r.port), 'else'],
  portLabels: { else: 'Otherwise' },
  conditionFields: (c) =>
    c.rules.flatMap((rule, r) =>
      rule.conditions.map((condition, n) => ({
        path: ['rules', r, 'conditions', n, 'field'],
        field: condition.field,
        where: `rule ${r + 1}, condition ${n + 1}`,
      })),
    ),
  summary: (c) => `${c.rules.length} rule${c.rules.length === 1 ? '' : 's'}: ${c.rules.map((r) => r.label ?? r.port).join(', ')}, otherwise`,
});
