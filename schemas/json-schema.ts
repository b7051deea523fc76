// `journey.schema.json`, generated from the Zod schemas so that editors such as VS Code check journey files as you type.
import { z } from 'zod';
import { journeyDocument } from './journey.ts';

export const jsonSchemaFile = 'schemas/journey.schema.json';

export function journeyJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(journeyDocument, {
    target: 'draft-7',
    io: 'input',
    unrepresentable: 'any',
    override: ({ zodSchema, jsonSchema }) => {
      const meta = z.globalRegistry.get(zodSchema as unknown as z.ZodType);
      const labels = meta?.optionLabels;
      const schema = jsonSchema as Record<string, unknown>;
      // Keep the editor-only hints out of the file; turn option labels into VS Code's hover text for enum values.
      delete schema.widget;
      delete schema.unit;
      delete schema.optionLabels;
      delete schema.templateRoots;
      if (labels && Array.isArray(schema.enum)) {
        schema.enumDescriptions = (schema.enum as unknown[]).map((v) => labels[String(v)] ?? '');
      }
      if (meta?.unit && typeof schema.description !== 'string') schema.description = `In ${meta.unit}.`;
    },
  }) as Record<string, unknown>;
}

export function journeyJsonSchemaText(): string {
  return `${JSON.stringify(journeyJsonSchema(), null, 2)}\n`;
}
