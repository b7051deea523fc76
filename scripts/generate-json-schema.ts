// Writes schemas/journey.schema.json from the Zod schemas; a test fails when the committed file is stale.
import { writeFileSync } from 'node:fs';
import { jsonSchemaFile, journeyJsonSchemaText } from '../schemas/json-schema.ts';

writeFileSync(jsonSchemaFile, journeyJsonSchemaText());
console.log(`wrote ${jsonSchemaFile}`);
