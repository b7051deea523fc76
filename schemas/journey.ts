// The journey document: the JSON file that teams keep in git, as Zod schemas and the types derived from them.
import { z } from 'zod';
import { nodeCatalogue, type NodeConfig, type NodeKind } from './catalogue.ts';
import { callableCountries, callableCountryIds, complianceProfileIds } from './compliance-profiles.ts';
import { slug, slugPattern, timezone } from './fields.ts';
import type { NodeDefinition } from './node-definition.ts';

export const currentSchemaVersion = 1;

export const position = z
  .object({
    x: z.number({ error: 'must be a number' }),
    y: z.number({ error: 'must be a number' }),
  })
  .strict();

export const settings = z
  .object({
    timezone: timezone().meta({
      title: 'Default time zone',
      description: 'Used for contacts whose own time zone is not known.',
      widget: 'timezone',
    }),
    compliance: z
      .enum(complianceProfileIds, { error: `must be one of ${complianceProfileIds.join(', ')}` })
      .meta({ title: 'Rules', description: 'The country rules for calling hours, consent and abandoned calls.', widget: 'compliance-profile' }),
    countries: z
      .array(z.enum(callableCountryIds, { error: `must be one of ${callableCountryIds.join(', ')}` }), {
        error: 'must be a list of countries such as ["US", "CA"]',
      })
      .min(1, { error: 'must name at least one country: leave it out to call every country' })
      .optional()
      .meta({
        title: 'Countries it may call',
        description:
          'Calls and texts go only to numbers of these countries; others are blocked with the reason. Each number follows its own country’s rules whatever the journey’s rules are. Leave all unticked to call any country.',
        optionLabels: callableCountries,
      }),
    helpContact: z
      .string({ error: 'must be text' })
      .trim()
      .min(1, { error: 'must not be empty: leave it out instead' })
      .max(100, { error: 'must be at most 100 characters, to fit in one text with the rest of the answer' })
      .optional()
      .meta({
        title: 'How contacts reach you',
        description:
          'Added to the automatic answer to a HELP text, e.g. "call 0800 123 456 or email help@acme.example". Carriers expect a phone number or an email address there.',
        widget: 'text',
      }),
  })
  .strict();

/** The parts of every node, whatever its kind; the kind's own config is checked against the catalogue. */
export const nodeEnvelope = z
  .object({
    type: z.string({ error: 'must name the kind of step, such as "sms" or "dialer"' }),
    label: z.string().min(1).max(80, { error: 'must be at most 80 characters' }).optional(),
    position,
    config: z.record(z.string(), z.unknown(), { error: 'should be a group of settings in { }' }).optional(),
    next: z.record(z.string(), z.string({ error: 'must be the id of the next step' })).optional(),
  })
  .strict();

/** The document around the nodes; each node is checked by `nodeEnvelope` and its kind's config schema. */
export const journeyEnvelope = z
  .object({
    $schema: z.string().optional(),
    schemaVersion: z.literal(currentSchemaVersion, {
      error: (issue) =>
        issue.input === undefined
          ? `{step} has no schemaVersion: add "schemaVersion": ${currentSchemaVersion}`
          : `{step} has schemaVersion ${JSON.stringify(issue.input)}, which this tool cannot read; it reads schemaVersion ${currentSchemaVersion}. If the file comes from a newer version of the tool, upgrade this one`,
    }),
    id: slug(),
    name: z.string().min(1, { error: 'is empty: give the journey a name' }).max(120, { error: 'must be at most 120 characters' }),
    description: z.string().optional(),
    settings,
    nodes: z.record(z.string(), z.unknown()),
  })
  .strict();

function nodeSchema<K extends NodeKind>(kind: K) {
  const def = nodeCatalogue[kind] as unknown as NodeDefinition<K>;
  const target = slug().meta({ description: 'The id of the next step' });
  const next = typeof def.ports === 'function' ? z.record(slug(), target) : z.object(Object.fromEntries(def.ports.map((p) => [p, target.optional()]))).strict();
  return z
    .object({
      type: z.literal(kind),
      label: z.string().min(1).max(80).optional(),
      position,
      config: def.config,
      next: next.optional(),
    })
    .strict()
    .meta({ title: def.label, description: def.description });
}

/** The whole document in one schema: what `journey.schema.json` is generated from. */
export const journeyDocument = z
  .object({
    $schema: z.string().optional(),
    schemaVersion: z.literal(currentSchemaVersion),
    id: slug().meta({ description: 'A stable id in lower-case words joined by hyphens.' }),
    name: z.string().min(1).max(120),
    description: z.string().optional(),
    settings,
    nodes: z.record(
      z.string().regex(slugPattern),
      z.discriminatedUnion(
        'type',
        (Object.keys(nodeCatalogue) as NodeKind[]).map((k) => nodeSchema(k)) as unknown as [ReturnType<typeof nodeSchema>, ...ReturnType<typeof nodeSchema>[]],
      ),
    ),
  })
  .strict()
  .meta({ title: 'Journey', description: 'An outbound contact journey: steps, their settings and how they connect.' });

export type Position = z.infer<typeof position>;
export type JourneySettings = z.infer<typeof settings>;

/** A checked node, its config with defaults filled in. */
export type JourneyNode = {
  [K in NodeKind]: {
    id: string;
    type: K;
    label?: string;
    position: Position;
    config: NodeConfig<K>;
    next: Record<string, string>;
  };
}[NodeKind];

/** A node of a journey file as written: its kind's config before defaults are filled in. */
export type JourneyFileNode = {
  [K in NodeKind]: {
    type: K;
    label?: string;
    position: Position;
    config: z.input<(typeof nodeCatalogue)[K]['config']>;
    next?: Record<string, string>;
  };
}[NodeKind];

/**
 * A journey file as it is saved (a draft, a published version): the canonical text of a document that passed the
 * checks when it was saved, with its configs as written, so a setting that has a default may be left out. What the
 * runtime executes is the `Journey` that `validateJourney` makes of it; checks added since may find problems in it.
 */
export type JourneyFile = Omit<Journey, 'nodes' | 'settings'> & {
  $schema?: string;
  settings: z.input<typeof settings>;
  nodes: Record<string, JourneyFileNode>;
};

/** A checked journey: the form the runtime executes and the editor edits. */
export interface Journey {
  schemaVersion: typeof currentSchemaVersion;
  id: string;
  name: string;
  description?: string;
  settings: JourneySettings;
  nodes: Record<string, JourneyNode>;
}
