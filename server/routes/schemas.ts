// The journey file's JSON Schema at a stable address, so that a team's own repository can point `$schema` at its
// server and have VS Code check journey files without a copy of this repository.
import { Hono } from 'hono';
import { journeyJsonSchemaText } from '../../schemas/json-schema.ts';

/** Where the schema is served; `journey init` names it in the README it writes. */
export const journeySchemaPath = '/schemas/journey.schema.json';

export function schemaRoutes() {
  // Built from the same Zod schemas as the committed journey.schema.json, once per app: it changes only with the code.
  let text: string | undefined;
  return new Hono().get('/journey.schema.json', (c) => {
    text ??= journeyJsonSchemaText();
    // Public and the same for everyone: no token, any origin (schema tools fetch it from anywhere), cached briefly.
    c.header('access-control-allow-origin', '*');
    c.header('cache-control', 'public, max-age=300');
    c.header('content-type', 'application/schema+json; charset=utf-8');
    return c.body(text);
  });
}
