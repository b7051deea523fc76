// The OpenAPI document describes every body: no request or response is a bare `type: object` a client cannot read.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, type TestApp } from './test-app.ts';

type Schema = Record<string, unknown>;
interface Document {
  paths: Record<
    string,
    Record<
      string,
      { requestBody?: { content?: Record<string, { schema?: Schema }> }; responses?: Record<string, { content?: Record<string, { schema?: Schema }> }> }
    >
  >;
  components?: { schemas?: Record<string, Schema> };
}

/** Where in `doc` a body's schema (and every schema it contains, through $ref too) is an object with no shape. */
function shapelessBodies(doc: Document): string[] {
  const found: string[] = [];
  const components = doc.components?.schemas ?? {};
  const seen = new Set<string>();
  const walk = (schema: unknown, where: string): void => {
    if (!schema || typeof schema !== 'object') return;
    const s = schema as Schema;
    if (typeof s.$ref === 'string') {
      const name = s.$ref.replace('#/components/schemas/', '');
      if (seen.has(name)) return;
      seen.add(name);
      const target = components[name];
      if (!target) found.push(`${where}: ${s.$ref} is not in the components`);
      walk(target, `#/components/schemas/${name}`);
      return;
    }
    const hasShape = (s.properties && Object.keys(s.properties).length > 0) || (typeof s.additionalProperties === 'object' && s.additionalProperties !== null);
    if (s.type === 'object' && !hasShape) found.push(`${where}: type object without properties`);
    if (s.properties) for (const [key, value] of Object.entries(s.properties as Record<string, unknown>)) walk(value, `${where}/properties/${key}`);
    if (typeof s.additionalProperties === 'object') walk(s.additionalProperties, `${where}/additionalProperties`);
    if (s.items) walk(s.items, `${where}/items`);
    for (const key of ['allOf', 'anyOf', 'oneOf'] as const) {
      for (const [i, part] of ((s[key] as unknown[] | undefined) ?? []).entries()) walk(part, `${where}/${key}/${i}`);
    }
  };
  const body = (schema: Schema | undefined, where: string) => {
    if (!schema || Object.keys(schema).length === 0) found.push(`${where}: no schema`);
    else walk(schema, where);
  };
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, operation] of Object.entries(item)) {
      for (const [type, media] of Object.entries(operation.requestBody?.content ?? {})) body(media.schema, `${method.toUpperCase()} ${path} request ${type}`);
      for (const [status, response] of Object.entries(operation.responses ?? {})) {
        for (const [type, media] of Object.entries(response.content ?? {})) body(media.schema, `${method.toUpperCase()} ${path} ${status} ${type}`);
      }
    }
  }
  return found;
}

describe('the OpenAPI document', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp('sqlite');
  });
  afterAll(() => t.close());

  it('has a real schema for every request and response body', async () => {
    const res = await t.request('GET', '/api/openapi.json', { token: null });
    expect(res.status).toBe(200);
    const doc = res.json as Document;
    expect(Object.keys(doc.paths).length).toBeGreaterThan(25);
    expect(shapelessBodies(doc)).toEqual([]);
    // The shapes the editor reads most are spelled out, field by field.
    const schemas = doc.components!.schemas!;
    expect(Object.keys(schemas.Run!.properties as object)).toEqual(expect.arrayContaining(['id', 'status', 'mode', 'metrics']));
    expect(schemas.DoNotContactEntry!.required).toEqual(expect.arrayContaining(['channel', 'value', 'addedAt']));
  });

  it('finds a body given as a bare object, directly or through a component', () => {
    const stub = { type: 'object' };
    const doc: Document = {
      paths: {
        '/a': { get: { responses: { 200: { content: { 'application/json': { schema: { $ref: '#/components/schemas/Stub' } } } } } } },
        '/b': { post: { requestBody: { content: { 'application/json': { schema: { type: 'object', properties: { inner: stub } } } } } } },
        '/c': { get: { responses: { 200: { content: { 'application/json': { schema: { type: 'object', additionalProperties: { type: 'integer' } } } } } } } },
      },
      components: { schemas: { Stub: stub } },
    };
    expect(shapelessBodies(doc)).toEqual([
      '#/components/schemas/Stub: type object without properties',
      'POST /b request application/json/properties/inner: type object without properties',
    ]);
  });
});
