// Twilio's calls to the server: delivery reports and incoming texts, each signed, each matched to the contact a live
// run texted through a Twilio imitation in the test process.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { twilioSignature } from '../../runtime/channels/twilio-sms.ts';
import { VirtualClock } from '../../runtime/clock.ts';
import { startRun } from '../../runtime/engine/runs.ts';
import { trackingBaseUrl } from '../../runtime/nodes/links.ts';
import type { Store } from '../../runtime/store/dialect.ts';
import { ensureContactList, publishJourney } from '../../runtime/store/repositories/journeys.ts';
import { freshStore, testDialects } from '../../runtime/store/test-stores.ts';
import { createApp } from '../app.ts';
import { Runner } from '../runner.ts';
import type { EventType } from '../../schemas/events.ts';

const t0 = Date.parse('2026-01-05T15:00:00Z');
const authToken = 'twilio-auth-token';
const journey = {
  schemaVersion: 1,
  id: 'reminder',
  name: 'Reminder',
  settings: { timezone: 'America/New_York', compliance: 'US' },
  nodes: {
    start: { type: 'start', position: { x: 0, y: 0 }, config: { audience: { list: 'people' } }, next: { out: 'gate' } },
    // Only do-not-contact lists: the test is about the channel, not about allowed hours or consent.
    gate: {
      type: 'compliance-gate',
      position: { x: 100, y: 100 },
      config: { channel: 'sms', checks: ['dnc'] },
      next: { allowed: 'text', blocked: 'not-sent' },
    },
    text: {
      type: 'sms',
      position: { x: 200, y: 0 },
      config: { body: 'Hi {{ contact.firstName }}, your payment is due.' },
      next: { sent: 'await-reply', failed: 'not-sent' },
    },
    'await-reply': {
      type: 'wait-for-event',
      position: { x: 400, y: 0 },
      config: { event: 'sms.replied', timeout: 'P1D' },
      next: { event: 'replied', timeout: 'quiet' },
    },
    replied: { type: 'end', position: { x: 600, y: 0 }, config: { outcome: 'replied' } },
    quiet: { type: 'end', position: { x: 600, y: 100 }, config: { outcome: 'quiet' } },
    'not-sent': { type: 'end', position: { x: 600, y: 200 }, config: { outcome: 'not-sent' } },
  },
};
const people = [
  { id: 'ann', first_name: 'Ann', phone: '+12025550101' },
  { id: 'bo', first_name: 'Bo', phone: '+12025550102' },
  { id: 'cy', first_name: 'Cy', phone: '+12025550103' },
];
const sidOf = (phone: string) => `SM${phone.slice(1).padStart(32, '0')}`;

function until<T>(what: string, probe: () => Promise<T | undefined | false>): Promise<T> {
  return vi.waitFor(
    async () => {
      const found = await probe();
      if (!found) throw new Error(`Gave up waiting for ${what}`);
      return found;
    },
    { timeout: 10_000, interval: 20 },
  );
}

describe.each(testDialects)('Twilio hooks on %s', (dialect) => {
  const texts: Record<string, string>[] = [];
  let twilio: Server;
  let store: Store;
  let runner: Runner;
  let app: ReturnType<typeof createApp>['app'];
  let runId: string;

  const events = (type: EventType, contactId?: string) => {
    let query = store.db.selectFrom('events').select(['contact_id', 'node_id', 'data']).where('run_id', '=', runId).where('type', '=', type);
    if (contactId) query = query.where('contact_id', '=', contactId);
    return query.orderBy('seq').execute();
  };

  /** Posts a form as Twilio does: signed with `token` over the public address, unless a signature is given. */
  async function post(path: string, params: Record<string, string>, options: { token?: string; signature?: string | null } = {}) {
    const entries = Object.entries(params);
    const signature = options.signature === undefined ? twilioSignature(options.token ?? authToken, `${trackingBaseUrl()}${path}`, entries) : options.signature;
    const response = await app.request(path, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...(signature !== null && { 'x-twilio-signature': signature }) },
      body: new URLSearchParams(entries).toString(),
    });
    return { status: response.status, type: response.headers.get('content-type'), text: await response.text() };
  }

  beforeAll(async () => {
    twilio = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => {
        const form = Object.fromEntries(new URLSearchParams(body));
        texts.push(form);
        res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ sid: sidOf(form.To!), status: 'queued' }));
      });
    });
    await new Promise<void>((resolve) => twilio.listen(0, '127.0.0.1', () => resolve()));
    store = await freshStore(dialect);
    runner = new Runner({
      store,
      clock: new VirtualClock(t0),
      twilio: {
        accountSid: 'AC00000000000000000000000000000001',
        authToken,
        from: '+12025550199',
        apiUrl: `http://127.0.0.1:${(twilio.address() as AddressInfo).port}`,
      },
    });
    ({ app } = createApp({ store, runner }));
    await ensureContactList(store.db, 'people', 'People', t0);
    for (const p of people) {
      await store.db
        .insertInto('contacts')
        .values({
          ...p,
          list_id: 'people',
          external_id: null,
          email: null,
          last_name: null,
          timezone: null,
          state: null,
          postal_code: null,
          attributes: '{}',
          consent: '{"sms":true}',
          created_at: t0,
        })
        .execute();
    }
    const published = await publishJourney(store.db, journey, { author: 't', message: 't', now: t0 });
    runId = (await startRun(store, { journeyId: 'reminder', version: published.version, listId: 'people', now: t0 })).id;
    await runner.start();
    await until('the three texts', async () => (await events('sms.sent')).length === 3);
    // A simulated run texts the same people afterwards; replies still belong to the live run, the only one that texted.
    const simulated = await startRun(store, { journeyId: 'reminder', version: published.version, listId: 'people', now: t0, simulated: true });
    await runner.simulate(simulated.id);
    await runner.finished(simulated.id);
  });

  afterAll(async () => {
    await runner?.stop();
    await store?.close();
    await new Promise<void>((resolve) => twilio.close(() => resolve()));
  });

  it("texted each contact through Twilio and keeps each message's SID", async () => {
    expect(texts.map((t) => t.To).sort()).toEqual(people.map((p) => p.phone));
    expect(texts[0]).toMatchObject({ From: '+12025550199', StatusCallback: `${trackingBaseUrl()}/hooks/twilio/status` });
    const sent = await events('sms.sent');
    expect(sent.map((e) => [e.contact_id, JSON.parse(e.data).providerId]).sort()).toEqual(people.map((p) => [p.id, sidOf(p.phone)]));
  });

  it("refuses a call without Twilio's signature, with a wrong one, or signed with another token", async () => {
    const report = { MessageSid: sidOf(people[0]!.phone), MessageStatus: 'delivered' };
    expect((await post('/hooks/twilio/status', report, { signature: null })).status).toBe(403);
    expect((await post('/hooks/twilio/status', report, { signature: 'RSOYDt4T1cUTdK1PDd93/VVr8B8=' })).status).toBe(403);
    expect((await post('/hooks/twilio/status', report, { token: 'another-token' })).status).toBe(403);
    expect((await post('/hooks/twilio/inbound', { From: people[2]!.phone, Body: 'STOP' }, { signature: null })).status).toBe(403);
    expect(await store.db.selectFrom('inbox').select('id').execute()).toEqual([]);
  });

  it('records a delivery report as sms.delivered for the contact texted', async () => {
    const answer = await post('/hooks/twilio/status', {
      MessageSid: sidOf(people[0]!.phone),
      MessageStatus: 'delivered',
      AccountSid: 'AC00000000000000000000000000000001',
    });
    expect(answer.status).toBe(200);
    const [delivered] = await until('sms.delivered', async () => (await events('sms.delivered', 'ann'))[0] && events('sms.delivered', 'ann'));
    expect(delivered).toMatchObject({ node_id: 'text' });
  });

  it("records an undelivered or failed report as sms.failed with Twilio's error code", async () => {
    expect((await post('/hooks/twilio/status', { MessageSid: sidOf(people[1]!.phone), MessageStatus: 'undelivered', ErrorCode: '30003' })).status).toBe(200);
    const [failed] = await until('sms.failed', async () => (await events('sms.failed', 'bo'))[0] && events('sms.failed', 'bo'));
    expect(failed!.node_id).toBe('text');
    expect(JSON.parse(failed!.data)).toEqual({ nodeId: 'text', reason: 'Twilio reported the text undelivered (error 30003)', errorCode: '30003' });
  });

  it('answers other statuses and unknown messages without recording anything', async () => {
    expect((await post('/hooks/twilio/status', { MessageSid: sidOf(people[2]!.phone), MessageStatus: 'sent' })).status).toBe(200);
    expect((await post('/hooks/twilio/status', { MessageSid: 'SM99999999999999999999999999999999', MessageStatus: 'delivered' })).status).toBe(200);
    expect((await post('/hooks/twilio/status', { MessageSid: 'SM99999999999999999999999999999999', MessageStatus: 'failed', ErrorCode: '30005' })).status).toBe(
      200,
    );
    expect(await store.db.selectFrom('inbox').select('id').execute()).toEqual([]);
    expect(await events('sms.delivered')).toHaveLength(1);
    expect(await events('sms.failed')).toHaveLength(1);
  });

  it('answers a text from a number no live run texted with empty TwiML and records nothing', async () => {
    const answer = await post('/hooks/twilio/inbound', {
      MessageSid: 'SM00000000000000000000000000000077',
      From: '+12025550177',
      To: '+12025550199',
      Body: 'STOP',
    });
    expect(answer).toEqual({ status: 200, type: 'text/xml; charset=utf-8', text: '<?xml version="1.0" encoding="UTF-8"?><Response/>' });
    expect(await store.db.selectFrom('inbox').select('id').execute()).toEqual([]);
    expect(await store.db.selectFrom('do_not_contact').select('value').where('value', '=', '+12025550177').execute()).toEqual([]);
  });

  it('takes a STOP from a texted number as a reply: the number is opted out and the contact leaves the wait', async () => {
    const cy = people[2]!;
    await store.db.deleteFrom('do_not_contact').where('value', '=', cy.phone).execute();
    const answer = await post('/hooks/twilio/inbound', { MessageSid: 'SM00000000000000000000000000000078', From: cy.phone, To: '+12025550199', Body: 'STOP' });
    expect(answer).toEqual({ status: 200, type: 'text/xml; charset=utf-8', text: '<?xml version="1.0" encoding="UTF-8"?><Response/>' });
    await until('the opt-out', async () => (await events('contact.optedOut', 'cy')).length === 1);
    expect(await store.db.selectFrom('do_not_contact').select(['channel', 'value', 'reason']).where('value', '=', cy.phone).execute()).toEqual([
      { channel: 'sms', value: cy.phone, reason: 'Replied STOP' },
    ]);
    expect((await events('sms.replied', 'cy')).map((e) => JSON.parse(e.data))).toEqual([{ nodeId: 'text', text: 'STOP' }]);
    const completed = await until('Cy leaving the wait', async () => (await events('contact.completed', 'cy'))[0]);
    expect(JSON.parse(completed.data)).toEqual({ outcome: 'replied' });
    // Ann and Bo still wait for a reply; only the texted number was touched. Reactions are taken in the order they
    // came, so by now anything the refused or ignored calls had let in would be recorded too.
    expect(await events('contact.completed', 'ann')).toEqual([]);
    expect(await events('sms.replied')).toHaveLength(1);
    expect(await events('sms.delivered')).toHaveLength(1);
    expect(await events('sms.failed')).toHaveLength(1);
  });
});
