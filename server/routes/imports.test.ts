// Contact list uploads as import jobs: a large one is answered 202 with where to follow it, a small one 200 with its
// report as before, and one whose client goes away records where it was cut off and what was kept.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { testDialects } from '../../runtime/store/test-stores.ts';
import { testApp, type TestApp } from '../test-app.ts';

const csvHeaders = { 'content-type': 'text/csv' };

function rows(count: number, from = 0): string {
  let text = '';
  for (let i = from; i < from + count; i++) text += `E${i},Name ${i},+1202${String(2_000_000 + i).padStart(7, '0')}\n`;
  return text;
}

/** A body that sends `text`, then fails as a connection that drops does. */
function cutOffBody(text: string): ReadableStream<Uint8Array> {
  let sent = false;
  return new ReadableStream({
    pull(controller) {
      if (sent) return controller.error(new Error('the client went away'));
      sent = true;
      controller.enqueue(new TextEncoder().encode(text));
    },
  });
}

function settled(t: TestApp, location: string) {
  return vi.waitFor(
    async () => {
      const job = await t.request('GET', location, { token: 'viewer' });
      if (job.json.status === 'running') throw new Error(`${location} did not end`);
      return job.json;
    },
    { timeout: 30_000, interval: 50 },
  );
}

describe.each(testDialects)('contact list imports as jobs on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp(dialect);
  });
  afterAll(() => t.close());

  it('answers a small file 200 with its report, as before, and names its import', async () => {
    const res = await t.request('PUT', '/api/contact-lists/small/csv?region=US', { token: 'editor', body: `id,name,phone\n${rows(3)}`, headers: csvHeaders });
    expect(res.status).toBe(200);
    expect(res.json.report).toMatchObject({ rows: 3, imported: 3, merged: 0, skipped: 0, problems: [] });
    expect(res.json.list.contacts).toBe(3);
    const location = res.headers.get('location')!;
    expect(location).toBe(`/api/imports/${res.json.import.id}`);
    const job = await t.request('GET', location, { token: 'viewer' });
    expect(job.json).toMatchObject({ status: 'done', listId: 'small', rows: 3, imported: 3, problems: 0, message: null, report: res.json.report });
  });

  it('answers 202 with the job when the import outlasts the wait, and the job ends with the same report', async () => {
    const count = 20_000;
    const res = await t.request('PUT', '/api/contact-lists/large/csv?region=US&wait=0', {
      token: 'editor',
      body: `id,name,phone\n${rows(count)}not a row,,\n`,
      headers: csvHeaders,
    });
    expect(res.status).toBe(202);
    expect(res.json.import).toMatchObject({ listId: 'large', status: 'running' });
    expect(res.headers.get('location')).toBe(`/api/imports/${res.json.import.id}`);
    const job = await settled(t, res.headers.get('location')!);
    expect(job).toMatchObject({ status: 'done', rows: count + 1, imported: count, skipped: 1, problems: 1 });
    expect(job.report).toMatchObject({ rows: count + 1, imported: count, merged: 0, skipped: 1, problemsTruncated: 0 });
    expect(job.report.problems).toEqual([expect.objectContaining({ line: count + 2, severity: 'error' })]);
    expect((await t.request('GET', '/api/contact-lists/large', { token: 'viewer' })).json.contacts).toBe(count);
    const listed = await t.request('GET', '/api/imports?list=large', { token: 'viewer' });
    expect(listed.json.imports).toEqual([expect.objectContaining({ id: res.json.import.id, status: 'done', report: null })]);
  });

  it('records where an upload was cut off, keeps the whole rows before it and never half a row', async () => {
    const response = await t.app.request('/api/contact-lists/cut/csv?region=US', {
      method: 'PUT',
      headers: { authorization: `Bearer ${t.tokens.editor}`, ...csvHeaders },
      // Three whole rows, then half of a fourth: "+1202200" must not be stored as a number.
      body: cutOffBody(`id,name,phone\n${rows(3)}E3,Name 3,+1202200`),
      duplex: 'half',
    } as RequestInit);
    expect(response.status).toBe(400);
    const answer = (await response.json()) as { error: { code: string; message: string; details: { import: string } } };
    expect(answer.error.code).toBe('bad_csv');
    const job = await settled(t, `/api/imports/${answer.error.details.import}`);
    expect(job).toMatchObject({ status: 'cut-off', line: 5, rows: 3, imported: 3 });
    expect(job.message).toMatch(/cut off at line 5 .*the 3 rows before it were imported; send the file again to merge/);
    expect(job.report).toMatchObject({ rows: 3, imported: 3 });
    const contacts = await t.request('GET', '/api/contact-lists/cut/contacts', { token: 'viewer' });
    expect(contacts.json.contacts.map((c: { externalId: string }) => c.externalId).sort()).toEqual(['E0', 'E1', 'E2']);
  });

  it('says 404 for an unknown import and needs a staff token', async () => {
    expect((await t.request('GET', '/api/imports/imp_nope', { token: 'viewer' })).status).toBe(404);
    expect((await t.request('GET', '/api/imports/imp_nope', { token: null })).status).toBe(401);
  });
});
