import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../../runtime/store/test-stores.ts';
import { publishSample, testApp, type TestApp } from '../test-app.ts';

const csvHeaders = { 'content-type': 'text/csv' };

describe.each(testDialects)('contact lists on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp(dialect);
  });
  afterAll(() => t.close());

  it('creates a list, refuses its id twice with 409, and refuses an id that is not a slug with 400', async () => {
    const made = await t.request('POST', '/api/contact-lists', { token: 'editor', json: { id: 'overdue', name: 'Overdue accounts' } });
    expect(made.status).toBe(201);
    expect(made.json).toMatchObject({ id: 'overdue', name: 'Overdue accounts', contacts: 0 });
    const again = await t.request('POST', '/api/contact-lists', { json: { id: 'overdue', name: 'Again' } });
    expect(again.status).toBe(409);
    const bad = await t.request('POST', '/api/contact-lists', { json: { id: 'Not A Slug', name: 'x' } });
    expect(bad.status).toBe(400);
    expect(bad.json.error.details.issues[0].path).toBe('/id');
    expect(bad.json.error.message).toContain('lower-case');
  });

  it('needs the editor role to change lists and a staff token to read them', async () => {
    expect((await t.request('POST', '/api/contact-lists', { token: 'viewer', json: { id: 'v', name: 'v' } })).status).toBe(403);
    expect((await t.request('PUT', '/api/contact-lists/v/csv', { token: 'viewer', body: 'phone\n+12025550100\n', headers: csvHeaders })).status).toBe(403);
    expect((await t.request('PUT', '/api/contact-lists/v/csv', { token: null, body: 'phone\n+12025550100\n', headers: csvHeaders })).status).toBe(401);
    expect((await t.request('POST', '/api/contact-lists/overdue/contacts', { token: 'viewer', json: { phone: '+12025550100' } })).status).toBe(403);
    expect((await t.request('GET', '/api/contact-lists', { token: 'agent' })).status).toBe(403);
    expect((await t.request('GET', '/api/contact-lists', { token: null })).status).toBe(401);
    expect((await t.request('GET', '/api/contact-lists/v', { token: 'viewer' })).status).toBe(404);
  });

  it('imports a CSV: bad rows reported with their line and skipped, good rows kept, numbers in E.164', async () => {
    const csv = [
      'Customer,Given name,Mobile,Email,consent_sms',
      'C1,Ann,(202) 555-0101,ann@example.com,yes',
      'C2,Bob,not a number,,yes',
      'C3,Cy,202-555-0103,cy@example,maybe',
      'C4,Di,,,',
      'C5,Ed,+442079460958,ed@example.com,no',
    ].join('\n');
    const res = await t.request('PUT', '/api/contact-lists/imported/csv?region=us&name=Imported&column.externalId=Customer&column.firstName=Given%20name', {
      token: 'editor',
      body: csv,
      headers: csvHeaders,
    });
    expect(res.status).toBe(200);
    const { report, list } = res.json;
    expect(report).toMatchObject({ rows: 5, imported: 3, merged: 0, skipped: 2 });
    expect(list).toMatchObject({ id: 'imported', name: 'Imported', contacts: 3 });
    const byLine = (line: number) => report.problems.filter((p: { line: number }) => p.line === line);
    // A skipped row is one problem that says why its number did not count, not a warning that the contact is kept.
    expect(byLine(3)).toEqual([
      expect.objectContaining({
        column: 'Mobile',
        severity: 'error',
        message: expect.stringMatching(/^The row has no valid phone number or email address \("not a number" is not a valid phone number.*\); it was skipped$/),
      }),
    ]);
    expect(byLine(4)).toContainEqual(expect.objectContaining({ column: 'Email' }));
    expect(byLine(4)).toContainEqual(expect.objectContaining({ column: 'consent_sms', message: expect.stringContaining('"maybe"') }));
    expect(byLine(5)).toContainEqual(expect.objectContaining({ severity: 'error' }));
    expect(byLine(2)).toEqual([]);

    const page = await t.request('GET', '/api/contact-lists/imported/contacts?limit=10', { token: 'viewer' });
    expect(page.json.contacts.map((c: { externalId: string }) => c.externalId).sort()).toEqual(['C1', 'C3', 'C5']);
    const ann = page.json.contacts.find((c: { externalId: string }) => c.externalId === 'C1');
    expect(ann).toMatchObject({ phone: '+12025550101', email: 'ann@example.com', firstName: 'Ann', consent: { sms: true } });
    expect(page.json.contacts.find((c: { externalId: string }) => c.externalId === 'C5').phone).toBe('+442079460958');
  });

  it('merges a re-uploaded row with the contact it names instead of adding a duplicate', async () => {
    const res = await t.request('PUT', '/api/contact-lists/imported/csv?region=US&column.externalId=Customer', {
      body: 'Customer,Mobile\nC1,202-555-0199\nC9,202-555-0109\n',
      headers: csvHeaders,
    });
    expect(res.json.report).toMatchObject({ rows: 2, imported: 1, merged: 1, skipped: 0 });
    expect(res.json.list.contacts).toBe(4);
  });

  it('refuses a CSV it cannot use with 400 and where: no phone or email column, a mapped column missing, bad CSV', async () => {
    const noColumn = await t.request('PUT', '/api/contact-lists/bad/csv', { body: 'name,city\nAnn,Paris\n', headers: csvHeaders });
    expect(noColumn.status).toBe(400);
    expect(noColumn.json.error).toMatchObject({ code: 'bad_csv', details: { line: 1 } });
    expect(noColumn.json.error.message).toContain('no phone or email column');

    const unmapped = await t.request('PUT', '/api/contact-lists/bad/csv?column.phone=Cell', { body: 'phone\n+12025550100\n', headers: csvHeaders });
    expect(unmapped.status).toBe(400);
    expect(unmapped.json.error.message).toContain('"Cell"');

    const broken = await t.request('PUT', '/api/contact-lists/bad/csv', { body: 'phone,name\n+12025550100,"Ann\n+12025550101,Bo"b\n', headers: csvHeaders });
    expect(broken.status).toBe(400);
    expect(broken.json.error.message).toMatch(/not valid CSV at line \d/);

    const empty = await t.request('PUT', '/api/contact-lists/bad/csv', { body: '', headers: csvHeaders });
    expect(empty.status).toBe(400);
    expect((await t.request('GET', '/api/contact-lists/bad')).status).toBe(404);
  });

  it('refuses an unknown column field, an unknown region and a list id that is not a slug', async () => {
    const field = await t.request('PUT', '/api/contact-lists/x/csv?column.mobile=Cell', { body: 'phone\n+12025550100\n', headers: csvHeaders });
    expect(field.status).toBe(400);
    expect(field.json.error.details.issues[0].path).toBe('/column.mobile');
    const region = await t.request('PUT', '/api/contact-lists/x/csv?region=XX', { body: 'phone\n+12025550100\n', headers: csvHeaders });
    expect(region.status).toBe(400);
    expect(region.json.error.details.issues[0].path).toBe('/region');
    const id = await t.request('PUT', '/api/contact-lists/Bad%20List/csv', { body: 'phone\n+12025550100\n', headers: csvHeaders });
    expect(id.status).toBe(400);
    expect(id.json.error.details.issues[0].path).toBe('/id');
    expect((await t.request('GET', '/api/contact-lists')).json.lists.map((l: { id: string }) => l.id)).not.toContain('Bad List');
  });

  it('lists lists with their sizes', async () => {
    const res = await t.request('GET', '/api/contact-lists', { token: 'viewer' });
    expect(res.json.lists).toContainEqual(expect.objectContaining({ id: 'imported', contacts: 4 }));
    expect(res.json.lists).toContainEqual(expect.objectContaining({ id: 'overdue', contacts: 0 }));
  });

  it('pages through contacts in id order', async () => {
    const first = await t.request('GET', '/api/contact-lists/imported/contacts?limit=2');
    expect(first.json.contacts).toHaveLength(2);
    const rest = await t.request('GET', `/api/contact-lists/imported/contacts?limit=10&after=${first.json.contacts[1].id}`);
    expect(rest.json.contacts).toHaveLength(2);
    const ids = [...first.json.contacts, ...rest.json.contacts].map((c: { id: string }) => c.id);
    expect(ids).toEqual([...ids].sort());
    const bad = await t.request('GET', '/api/contact-lists/imported/contacts?limit=0');
    expect(bad.status).toBe(400);
    expect(bad.json.error.details.issues[0].path).toBe('/limit');
    expect((await t.request('GET', '/api/contact-lists/nowhere/contacts')).status).toBe(404);
  });

  it('adds one contact by JSON (201), merges the next with the same phone (200), refuses a bad one with a pointer', async () => {
    const added = await t.request('POST', '/api/contact-lists/overdue/contacts?region=US', {
      token: 'editor',
      json: { phone: '202 555 0142', firstName: 'Flo', attributes: { balance: 120 }, consent: { sms: true } },
    });
    expect(added.status).toBe(201);
    expect(added.json).toMatchObject({ phone: '+12025550142', firstName: 'Flo', attributes: { balance: 120 }, consent: { sms: true } });
    const merged = await t.request('POST', '/api/contact-lists/overdue/contacts', { json: { phone: '+12025550142', lastName: 'Ray' } });
    expect(merged.status).toBe(200);
    expect(merged.json).toMatchObject({ id: added.json.id, lastName: 'Ray' });
    expect((await t.request('GET', '/api/contact-lists/overdue')).json.contacts).toBe(1);

    const badPhone = await t.request('POST', '/api/contact-lists/overdue/contacts', { json: { phone: '12' } });
    expect(badPhone.status).toBe(400);
    expect(badPhone.json.error.details.issues).toEqual([{ path: '/phone', message: expect.stringContaining('"12"') }]);
    const extra = await t.request('POST', '/api/contact-lists/overdue/contacts', { json: { phone: '+12025550142', shoeSize: 9 } });
    expect(extra.status).toBe(400);
    expect((await t.request('POST', '/api/contact-lists/nowhere/contacts', { json: { phone: '+12025550142' } })).status).toBe(404);
  });

  it('reads a field from no column when its mapping is empty, so a column the header names is kept as an attribute', async () => {
    const res = await t.request('PUT', '/api/contact-lists/unmapped/csv?region=US&column.email=&column.phone=Work%20number', {
      token: 'editor',
      body: 'phone,Work number,email\n202-555-0170,202-555-0171,ann@example.com\n',
      headers: csvHeaders,
    });
    expect(res.status).toBe(200);
    expect(res.json.report).toMatchObject({ rows: 1, imported: 1, problems: [] });
    const [contact] = (await t.request('GET', '/api/contact-lists/unmapped/contacts')).json.contacts;
    expect(contact).toMatchObject({ phone: '+12025550171', email: null, attributes: { phone: '202-555-0170', email: 'ann@example.com' } });
    expect(res.json.list.columns).toEqual(['phone', 'email']);
  });

  it('searches a list by name, phone as typed, email or external id, case aside, and pages the matches with next', async () => {
    const csv = [
      'id,first_name,last_name,phone,email',
      'K1,Ann,Lee,+12025550181,ann.lee@example.com',
      'K2,Bob,Annand,+12025550182,bob@example.com',
      'K3,Cy,Moss,+12025550183,cy@example.com',
      'K4,Di,Ray,+12025550184,di_100%@example.com',
    ].join('\n');
    expect((await t.request('PUT', '/api/contact-lists/search/csv', { token: 'editor', body: csv, headers: csvHeaders })).status).toBe(200);
    const search = async (q: string, more = '') =>
      (await t.request('GET', `/api/contact-lists/search/contacts?q=${encodeURIComponent(q)}${more}`, { token: 'viewer' })).json;
    const ids = (answer: { contacts: { externalId: string }[] }) => answer.contacts.map((c) => c.externalId).sort();
    expect(ids(await search('ANN'))).toEqual(['K1', 'K2']);
    expect(ids(await search('ann lee'))).toEqual(['K1']);
    expect(ids(await search('(202) 555-0183'))).toEqual(['K3']);
    expect(ids(await search('5550184'))).toEqual(['K4']);
    expect(ids(await search('k2'))).toEqual(['K2']);
    expect(ids(await search('CY@EXAMPLE'))).toEqual(['K3']);
    // % and _ are the characters typed, not patterns.
    expect(ids(await search('100%'))).toEqual(['K4']);
    expect(ids(await search('_'))).toEqual(['K4']);
    expect(ids(await search('nobody'))).toEqual([]);

    const first = await search('example.com', '&limit=3');
    expect(first.contacts).toHaveLength(3);
    expect(first.next).toBe(first.contacts[2].id);
    const rest = await search('example.com', `&limit=3&after=${first.next}`);
    expect(rest.contacts).toHaveLength(1);
    expect(rest.next).toBeNull();
    const all = await t.request('GET', '/api/contact-lists/search/contacts?limit=4');
    expect(all.json.next).toBeNull();
  });

  it('deletes a list with its contacts and imports (editor, audited), and refuses one a run uses with 409', async () => {
    const uploaded = await t.request('PUT', '/api/contact-lists/goner/csv?name=Old%20list', {
      body: 'phone\n+12025550190\n+12025550191\n',
      headers: csvHeaders,
    });
    expect(uploaded.status).toBe(200);
    expect((await t.request('DELETE', '/api/contact-lists/goner', { token: 'viewer' })).status).toBe(403);
    const deleted = await t.request('DELETE', '/api/contact-lists/goner', { token: 'editor' });
    expect(deleted.status).toBe(200);
    expect(deleted.json).toEqual({ id: 'goner', name: 'Old list', contacts: 2 });
    expect((await t.request('GET', '/api/contact-lists/goner')).status).toBe(404);
    expect(await t.store.db.selectFrom('contacts').select('id').where('list_id', '=', 'goner').execute()).toEqual([]);
    expect((await t.request('GET', `/api/imports/${uploaded.json.import.id}`)).status).toBe(404);
    const audit = await t.request('GET', '/api/audit?action=contact-list.deleted', { token: 'admin' });
    expect(audit.json.entries).toEqual([expect.objectContaining({ target: 'goner', details: { name: 'Old list', contacts: 2 } })]);
    const again = await t.request('DELETE', '/api/contact-lists/goner', { token: 'editor' });
    expect(again.status).toBe(404);
    expect(again.json.error.message).toContain('"goner"');

    await publishSample(t);
    expect((await t.request('POST', '/api/runs', { token: 'operator', json: { journeyId: 'reminder' } })).status).toBe(201);
    const used = await t.request('DELETE', '/api/contact-lists/people', { token: 'editor' });
    expect(used.status).toBe(409);
    expect(used.json.error.message).toMatch(/cannot be deleted: a run uses it \([0-9a-f-]+\)\. A list a run has played is kept/);
    expect((await t.request('GET', '/api/contact-lists/people')).json.contacts).toBe(3);
  });
});
