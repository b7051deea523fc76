// A live run reaches real addresses where the product has a provider: email through an SMTP relay, texts through
// Twilio's Messages API, webhooks by HTTP. A simulated run of the same journeys sends nothing anywhere.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { VirtualClock } from '../runtime/clock.ts';
import { freshStore } from '../runtime/store/test-stores.ts';
import { createToken } from '../runtime/store/repositories/tokens.ts';
import type { Store } from '../runtime/store/dialect.ts';
import { createApp } from './app.ts';
import { Runner } from './runner.ts';
import { twilioFromEnvironment } from './serve.ts';
import { testNow } from './test-app.ts';

const journey = {
  schemaVersion: 1,
  id: 'welcome',
  name: 'Welcome',
  settings: { timezone: 'America/New_York', compliance: 'US' },
  nodes: {
    start: { type: 'start', position: { x: 0, y: 0 }, config: { audience: { list: 'people' } }, next: { out: 'gate' } },
    // Only do-not-contact lists: the test is about the channel, not about allowed hours or consent.
    gate: {
      type: 'compliance-gate',
      position: { x: 100, y: 100 },
      config: { channel: 'email', checks: ['dnc'] },
      next: { allowed: 'hello', blocked: 'not-sent' },
    },
    hello: {
      type: 'email',
      position: { x: 200, y: 0 },
      config: {
        subject: 'Welcome, {{ contact.firstName }}',
        text: 'Hello {{ contact.firstName }}, your account is open.',
        from: 'welcome@acme.example',
        trackOpens: false,
      },
      next: { sent: 'crm', failed: 'not-sent' },
    },
    crm: {
      type: 'webhook',
      position: { x: 400, y: 0 },
      config: {
        url: 'CRM_URL',
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: '{"contact": {{ contact.id | json }}, "email": {{ contact.email | json }}}',
        timeoutMs: 5000,
      },
      next: { ok: 'done', error: 'not-sent' },
    },
    done: { type: 'end', position: { x: 600, y: 0 }, config: { outcome: 'welcomed' } },
    'not-sent': { type: 'end', position: { x: 600, y: 200 }, config: { outcome: 'not-sent' } },
  },
};

const csv = 'external_id,first_name,email\nA1,Ann,ann@example.com\nA2,Bo,bo@example.com\n';

const texting = {
  schemaVersion: 1,
  id: 'texting',
  name: 'Texting',
  settings: { timezone: 'America/New_York', compliance: 'US' },
  nodes: {
    start: { type: 'start', position: { x: 0, y: 0 }, config: { audience: { list: 'phones' } }, next: { out: 'gate' } },
    // Only do-not-contact lists: the test is about the channel, not about allowed hours or consent.
    gate: {
      type: 'compliance-gate',
      position: { x: 100, y: 100 },
      config: { channel: 'sms', checks: ['dnc'] },
      next: { allowed: 'hello', blocked: 'not-sent' },
    },
    hello: {
      type: 'sms',
      position: { x: 200, y: 0 },
      config: { body: 'Hi {{ contact.firstName }}, your card is on its way.' },
      next: { sent: 'done', failed: 'not-sent' },
    },
    done: { type: 'end', position: { x: 400, y: 0 }, config: { outcome: 'texted' } },
    'not-sent': { type: 'end', position: { x: 400, y: 200 }, config: { outcome: 'not-sent' } },
  },
};

// Consent to texts, which the gate's do-not-contact check needs for a live run with no national register imported.
const phonesCsv = 'external_id,first_name,phone,consent_sms\nP1,Cy,+12025550131,yes\nP2,Di,+12025550132,yes\n';

describe('live channels', () => {
  const mail: { to: string[]; raw: string }[] = [];
  const posts: unknown[] = [];
  const texts: { path: string; authorization: string | undefined; form: Record<string, string> }[] = [];
  let smtp: SMTPServer;
  let crm: Server;
  let twilio: Server;
  let store: Store;
  let runner: Runner;
  let request: (method: string, path: string, body?: string, type?: string) => Promise<{ status: number; json: any }>;

  beforeAll(async () => {
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, session, callback) {
        let raw = '';
        stream.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
        stream.on('end', () => {
          mail.push({ to: session.envelope.rcptTo.map((r) => r.address), raw });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', () => resolve()));
    crm = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => {
        posts.push(JSON.parse(body));
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"saved":true}');
      });
    });
    await new Promise<void>((resolve) => crm.listen(0, '127.0.0.1', () => resolve()));
    twilio = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => {
        const form = Object.fromEntries(new URLSearchParams(body));
        texts.push({ path: req.url ?? '', authorization: req.headers.authorization, form });
        res
          .writeHead(201, { 'content-type': 'application/json' })
          .end(JSON.stringify({ sid: `SM${String(texts.length).padStart(32, '0')}`, status: 'queued' }));
      });
    });
    await new Promise<void>((resolve) => twilio.listen(0, '127.0.0.1', () => resolve()));

    store = await freshStore('sqlite');
    const smtpPort = (smtp.server.address() as AddressInfo).port;
    runner = new Runner({
      store,
      clock: new VirtualClock(testNow),
      smtp: { url: `smtp://127.0.0.1:${smtpPort}?ignoreTLS=true` },
      twilio: {
        accountSid: 'AC00000000000000000000000000000001',
        authToken: 'twilio-token',
        from: '+12025550100',
        apiUrl: `http://127.0.0.1:${(twilio.address() as AddressInfo).port}`,
      },
      // The fake CRM listens on this machine, an address webhooks may not call unless allowed.
      webhook: { allow: ['127.0.0.1'] },
    });
    const { app } = createApp({ store, runner });
    const token = (await createToken(store.db, { name: 'admin', role: 'admin', now: testNow })).token;
    request = async (method, path, body, type = 'application/json') => {
      const response = await app.request(path, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': type },
        ...(body !== undefined && { body }),
      });
      const text = await response.text();
      return { status: response.status, json: text ? JSON.parse(text) : undefined };
    };
    const crmUrl = `http://127.0.0.1:${(crm.address() as AddressInfo).port}/contacts`;
    const file = JSON.parse(JSON.stringify(journey).replace('CRM_URL', crmUrl));
    expect((await request('POST', '/api/journeys', JSON.stringify(file))).status).toBe(201);
    expect((await request('POST', '/api/journeys/welcome/versions', JSON.stringify({ message: 'first' }))).status).toBe(201);
    expect((await request('PUT', '/api/contact-lists/people/csv', csv, 'text/csv')).status).toBe(200);
    expect((await request('POST', '/api/journeys', JSON.stringify(texting))).status).toBe(201);
    expect((await request('POST', '/api/journeys/texting/versions', JSON.stringify({ message: 'first' }))).status).toBe(201);
    expect((await request('PUT', '/api/contact-lists/phones/csv', phonesCsv, 'text/csv')).status).toBe(200);
    await runner.start();
  });

  afterAll(async () => {
    await runner?.stop();
    await store?.close();
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
    await new Promise<void>((resolve) => crm.close(() => resolve()));
    await new Promise<void>((resolve) => twilio.close(() => resolve()));
  });

  /** The run once it has completed; a live run moves on the runner's loop, not in the request. */
  function finished(runId: string) {
    return vi.waitFor(
      async () => {
        const view = (await request('GET', `/api/runs/${runId}`)).json;
        expect(view.status, `run ${runId}`).toBe('completed');
        return view;
      },
      { timeout: 20_000, interval: 50 },
    );
  }

  it('a simulated run sends no email, no text and calls no webhook', async () => {
    for (const journeyId of ['welcome', 'texting']) {
      const run = await request('POST', '/api/runs', JSON.stringify({ journeyId, mode: 'simulated' }));
      expect(run.status).toBe(201);
      await runner.finished(run.json.id);
      expect((await request('GET', `/api/runs/${run.json.id}`)).json).toMatchObject({ status: 'completed' });
    }
    expect(mail).toEqual([]);
    expect(posts).toEqual([]);
    expect(texts).toEqual([]);
  });

  it('says which channels are real, and reads Twilio from the environment only when all three settings are there', () => {
    expect(runner.describeLiveChannels()).toContain('texts through Twilio');
    expect(runner.describeLiveChannels()).toContain('email through the SMTP relay');
    expect(new Runner({ store }).describeLiveChannels()).toContain('texts simulated (set TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM to send them)');
    const env = { TWILIO_ACCOUNT_SID: 'AC1', TWILIO_AUTH_TOKEN: 'token', TWILIO_FROM: '+12025550100' };
    expect(twilioFromEnvironment(env)).toEqual({ accountSid: 'AC1', authToken: 'token', from: '+12025550100' });
    expect(twilioFromEnvironment({ ...env, TWILIO_API_URL: 'http://127.0.0.1:4010' })).toMatchObject({ apiUrl: 'http://127.0.0.1:4010' });
    expect(twilioFromEnvironment({ ...env, TWILIO_FROM: '' })).toBeUndefined();
    expect(twilioFromEnvironment({})).toBeUndefined();
  });

  it('a live run texts each contact through Twilio and goes on by the sent port', async () => {
    const run = await request('POST', '/api/runs', JSON.stringify({ journeyId: 'texting', mode: 'live' }));
    expect(run.status).toBe(201);
    const view = await finished(run.json.id);
    expect(view.status).toBe('completed');
    expect(view.metrics.outcomes).toEqual({ texted: 2 });
    expect(texts.map((t) => t.form.To).sort()).toEqual(['+12025550131', '+12025550132']);
    const cy = texts.find((t) => t.form.To === '+12025550131')!;
    expect(cy.path).toBe('/2010-04-01/Accounts/AC00000000000000000000000000000001/Messages.json');
    expect(cy.authorization).toBe(`Basic ${Buffer.from('AC00000000000000000000000000000001:twilio-token').toString('base64')}`);
    expect(cy.form).toMatchObject({ From: '+12025550100', Body: 'Hi Cy, your card is on its way.' });
    expect(cy.form.StatusCallback).toMatch(/\/hooks\/twilio\/status$/);
    const sent = await store.db.selectFrom('events').select('data').where('run_id', '=', run.json.id).where('type', '=', 'sms.sent').execute();
    const sids = sent.map((e) => (JSON.parse(e.data) as { providerId: string }).providerId).sort();
    expect(sids).toEqual([`SM${'1'.padStart(32, '0')}`, `SM${'2'.padStart(32, '0')}`]);
  });

  it('a live run emails each contact through the relay and posts each to the CRM', async () => {
    const run = await request('POST', '/api/runs', JSON.stringify({ journeyId: 'welcome', mode: 'live' }));
    expect(run.status).toBe(201);
    const view = await finished(run.json.id);
    expect(view.status).toBe('completed');
    expect(view.metrics.outcomes).toEqual({ welcomed: 2 });
    expect(mail.map((m) => m.to[0]).sort()).toEqual(['ann@example.com', 'bo@example.com']);
    const ann = mail.find((m) => m.to[0] === 'ann@example.com')!;
    expect(ann.raw).toContain('Subject: Welcome, Ann');
    expect(ann.raw).toContain('Hello Ann, your account is open.');
    expect(ann.raw).toContain('From: welcome@acme.example');
    expect(posts).toHaveLength(2);
    expect(posts).toContainEqual(expect.objectContaining({ email: 'bo@example.com' }));
  });
});
