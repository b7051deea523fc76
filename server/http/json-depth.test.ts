import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../../runtime/store/test-stores.ts';
import { publishSample, testApp, type TestApp } from '../test-app.ts';
import { maxJsonDepth, tooDeep } from './json-depth.ts';

/** `{"a":{"a":...}}` with `levels` objects in all, as text: JSON.stringify would itself recurse. */
const nested = (levels: number, key = 'a') => `${`{"${key}":`.repeat(levels - 1)}{}${'}'.repeat(levels - 1)}`;

describe('tooDeep', () => {
  it('finds the first part deeper than the limit, as a JSON pointer', () => {
    expect(tooDeep('{"a":[1,{"b":[[]]}]}', 3)).toBe('/a/1/b');
    expect(tooDeep('{"a":[1,{"b":[[]]}]}', 4)).toBe('/a/1/b/0');
    expect(tooDeep('{"a":[1,{"b":[[]]}]}', 5)).toBeUndefined();
    expect(tooDeep('{"x/y":{"~":{"k":{}}}}', 3)).toBe('/x~1y/~0/k');
    expect(tooDeep('{"a":"[[[[{{{{","b\\"}":{"c":{}}}', 2)).toBe('/b"}/c');
    expect(tooDeep(nested(maxJsonDepth))).toBeUndefined();
    expect(tooDeep(nested(maxJsonDepth + 1))).toBe(`/${Array(maxJsonDepth).fill('a').join('/')}`);
    expect(tooDeep(nested(200_000))).toBe(`/${Array(maxJsonDepth).fill('a').join('/')}`);
  });
});

describe.each(testDialects)('deeply nested JSON bodies on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp(dialect);
    await publishSample(t);
  });
  afterAll(() => t.close());

  const post = (path: string, body: string) => t.request('POST', path, { body, headers: { 'content-type': 'application/json' } });

  it('refuses a contact nested too deep with 400 and the pointer of the part too deep, not 500', async () => {
    const body = `{"phone":"+12025550199","attributes":${nested(100_000)}}`;
    const answer = await post('/api/contact-lists/people/contacts', body);
    expect(answer.status).toBe(400);
    expect(answer.json.error.code).toBe('bad_request');
    const pointer = `/attributes/${Array(maxJsonDepth - 1)
      .fill('a')
      .join('/')}`;
    expect(answer.json.error.details.issues[0].path).toBe(pointer);
    expect(answer.json.error.message).toContain(`${maxJsonDepth} levels`);
    expect(answer.json.error.message).toContain(pointer);
  });

  it('refuses a run event nested too deep the same way', async () => {
    const run = await t.request('POST', '/api/runs', { json: { journeyId: 'reminder', mode: 'simulated' } });
    expect(run.status).toBe(201);
    const contact = await t.store.db.selectFrom('cursors').select('contact_id').where('run_id', '=', run.json.id).executeTakeFirstOrThrow();
    const answer = await post(`/api/runs/${run.json.id}/events`, `{"contactId":"${contact.contact_id}","type":"link.clicked","data":${nested(100_000, 'd')}}`);
    expect(answer.status).toBe(400);
    expect(answer.json.error.details.issues[0].path).toBe(
      `/data/${Array(maxJsonDepth - 1)
        .fill('d')
        .join('/')}`,
    );
  });

  it('takes a contact nested up to the limit', async () => {
    const answer = await post('/api/contact-lists/people/contacts', `{"phone":"+12025550198","attributes":${nested(maxJsonDepth - 1)}}`);
    expect(answer.status).toBe(201);
  });
});
