import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../../runtime/store/test-stores.ts';
import { testApp, type TestApp } from '../test-app.ts';

describe.each(testDialects)('compliance and do-not-contact on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp(dialect);
  });
  afterAll(() => t.close());

  it('answers whether a number may be called now, and from when if not', async () => {
    const night = await t.request('GET', `/api/compliance/check?profile=US&channel=voice&phone=${encodeURIComponent('+12025550100')}&at=2026-03-17T03:00:00Z`, {
      token: 'viewer',
    });
    expect(night.status).toBe(200);
    expect(night.json).toMatchObject({ allowed: false, timezones: ['America/New_York'], nextAllowedAt: expect.any(String) });
    expect(night.json.reasons.length).toBeGreaterThan(0);
    const morning = await t.request(
      'GET',
      `/api/compliance/check?profile=US&channel=voice&phone=${encodeURIComponent('+12025550100')}&at=2026-03-17T15:00:00Z`,
      { token: 'viewer' },
    );
    expect(morning.json).toMatchObject({ allowed: true, reasons: [] });
  });

  it('checks the do-not-contact list too: a listed number is refused at any hour, however it is written', async () => {
    const at = '2026-03-17T15:00:00Z';
    const check = (phone: string, channel = 'voice') =>
      t.request('GET', `/api/compliance/check?profile=US&channel=${channel}&phone=${encodeURIComponent(phone)}&at=${at}`, { token: 'viewer' });
    expect((await check('+12025550142')).json).toMatchObject({ allowed: true });
    await t.request('POST', '/api/do-not-contact', { token: 'operator', json: { channel: 'voice', value: '+12025550142' } });
    const refused = await check('(202) 555-0142');
    expect(refused.json).toMatchObject({ allowed: false, nextAllowedAt: null, reasons: [{ rule: 'US.dnc.internal', action: 'block' }] });
    // The list is per channel: texts to the same number are another question.
    expect((await check('+12025550142', 'sms')).json.reasons.map((r: { rule: string }) => r.rule)).not.toContain('US.dnc.internal');
    await t.request('DELETE', '/api/do-not-contact/voice/%2B12025550142', { token: 'operator' });
    expect((await check('+12025550142')).json).toMatchObject({ allowed: true });
  });

  it('refuses a check with an unknown profile (400, pointer) or a moment it cannot read (400)', async () => {
    const profile = await t.request('GET', '/api/compliance/check?profile=XX&channel=voice&phone=%2B12025550100');
    expect(profile.status).toBe(400);
    expect(profile.json.error.details.issues[0].path).toBe('/profile');
    const at = await t.request('GET', '/api/compliance/check?profile=US&channel=voice&phone=%2B12025550100&at=yesterday');
    expect(at.status).toBe(400);
    expect(at.json.error).toMatchObject({ code: 'bad_request', message: expect.stringContaining('"yesterday"') });
  });

  it('needs a token to check and to read the list, the operator role to change it', async () => {
    expect((await t.request('GET', '/api/compliance/check?profile=US&channel=voice&phone=%2B12025550100', { token: null })).status).toBe(401);
    expect((await t.request('GET', '/api/do-not-contact', { token: null })).status).toBe(401);
    expect((await t.request('GET', '/api/do-not-contact', { token: 'agent' })).status).toBe(403);
    expect((await t.request('POST', '/api/do-not-contact', { token: 'editor', json: { channel: 'sms', value: '+12025550100' } })).status).toBe(403);
    expect((await t.request('DELETE', '/api/do-not-contact/sms/%2B12025550100', { token: 'editor' })).status).toBe(403);
  });

  it('adds an address (normalised), lists it, and takes it off again', async () => {
    const added = await t.request('POST', '/api/do-not-contact', { token: 'operator', json: { channel: 'voice', value: '+1 (202) 555-0177' } });
    expect(added.status).toBe(201);
    expect(added.json).toMatchObject({ channel: 'voice', value: '+12025550177', reason: 'Added by operator-token', addedAt: expect.any(String) });
    await t.request('POST', '/api/do-not-contact', { json: { channel: 'email', value: 'Someone@Example.com', reason: 'Asked by phone' } });

    const all = await t.request('GET', '/api/do-not-contact', { token: 'viewer' });
    expect(all.json.entries.map((e: { value: string }) => e.value).sort()).toEqual(['+12025550177', 'someone@example.com']);
    const voice = await t.request('GET', '/api/do-not-contact?channel=voice');
    expect(voice.json.entries).toEqual([expect.objectContaining({ value: '+12025550177' })]);

    expect((await t.request('DELETE', `/api/do-not-contact/voice/${encodeURIComponent('+12025550177')}`, { token: 'operator' })).status).toBe(204);
    const gone = await t.request('DELETE', `/api/do-not-contact/voice/${encodeURIComponent('+12025550177')}`);
    expect(gone.status).toBe(404);
    expect(gone.json.error.message).toContain('+12025550177');
  });

  it('refuses an address it cannot read, an unknown channel and a bad page, each with its pointer', async () => {
    const value = await t.request('POST', '/api/do-not-contact', { json: { channel: 'sms', value: 'call me maybe' } });
    expect(value.status).toBe(400);
    expect(value.json.error.details.issues[0].path).toBe('/value');
    expect(value.json.error.message).toBe('"call me maybe" is not a phone number in international form such as +14155550100');
    const channel = await t.request('POST', '/api/do-not-contact', { json: { channel: 'fax', value: '+12025550100' } });
    expect(channel.status).toBe(400);
    expect(channel.json.error.details.issues[0].path).toBe('/channel');
    const page = await t.request('GET', '/api/do-not-contact?limit=5000');
    expect(page.status).toBe(400);
    expect(page.json.error.details.issues[0].path).toBe('/limit');
    expect((await t.request('DELETE', '/api/do-not-contact/fax/x')).status).toBe(400);
  });
});
