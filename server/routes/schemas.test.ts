import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonSchemaFile } from '../../schemas/json-schema.ts';
import { testApp } from '../test-app.ts';

describe('GET /schemas/journey.schema.json', () => {
  let t: Awaited<ReturnType<typeof testApp>>;
  beforeAll(async () => {
    t = await testApp('sqlite');
  });
  afterAll(() => t.close());

  it('serves the journey schema without a token, the same as the committed file', async () => {
    const answer = await t.request('GET', '/schemas/journey.schema.json', { token: null });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('application/schema+json; charset=utf-8');
    expect(answer.headers.get('access-control-allow-origin')).toBe('*');
    expect(answer.text).toBe(readFileSync(jsonSchemaFile, 'utf8'));
    expect(answer.json.properties.schemaVersion).toEqual({ type: 'number', const: 1 });
  });

  it('answers 404 for another file under /schemas', async () => {
    const answer = await t.request('GET', '/schemas/other.schema.json', { token: null });
    expect(answer.status).toBe(404);
  });
});
