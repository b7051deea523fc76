// A live run reaches real addresses where the product has a provider: email through an SMTP relay, webhooks by HTTP.
// A simulated run of the same journey sends nothing anywhere.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VirtualClock } from '../runtime/clock.ts';
import { freshStore } from '../runtime/store/test-stores.ts';
import { createToken } from '../runtime/store/repositories/tokens.ts';
import type { Store } from '../runtime/store/dialect.ts';
import { createApp } from './app.ts';
import { Runner } from './runner.ts';
import { testNow } from './test-app.ts';

const journey = {
  schemaVersion: 1,
  id: 'welcome',
  name: 'Welcome',
  settings: { timezone: 'America/New_York', compliance: 'US' },
  nodes: {
    start: { type: 'start', position: { x: 0, y: 0 }, config: { audience: { list: 'people' } }, next: { out: 'hello' } },
    hello: {
      type: 'email',
      position: { x: 200, y: 0 },
      config: { subject: 'Welcome, {{ contact.firstName }}', text: 'Hello {{ contact.firstName }}, your account is open.', from: 'welcome@acme.example', trackOpens: false },
      next: { sent: 'crm', failed: 'not-sent' },
    },
    crm: {
      type: 'webhook',
      position: { x: 400, y: 0 },
      config: { url: 'CRM_URL', method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"contact": {{ contact.id | json }}, "email": {{ contact.email | json }}}', timeoutMs: 5000 },
      next: { ok: 'done', error: 'not-sent' },
    },
    done: { type: 'end', position: { x: 600, y: 0 }, config: { outcome: 'welcomed' } },
    'not-sent': { type: 'end', position: { x: 600, y: 200 }, config: { outcome: 'not-sent' } },
  },
};

const csv = 'external_id,first_name,email\nA1,Ann,ann@example.com\nA2,Bo,bo@example.com\n';

describe('live channels', () => {
  const mail: { to: string[]; raw: string }[] = [];
  const posts: unknown[] = [];
  let smtp: SMTPServer;
  let crm: Server;
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

    store = await freshStore('sqlite');
    const smtpPort = (smtp.server.address() as AddressInfo).port;
    runner = new Runner({ store, clock: new VirtualClock(testNow), smtp: { url: `smtp://127.0.0.1:${smtpPort}?ignoreTLS=true` } });
    const { app } = createApp({ store, runner });
    const token = (await createToken(store.db, { name: 'admin', role: 'admin', now: testNow })).token;
    request = async (method, path, body, type = 'application/json') => {
      const response = await app.request(path, { method, headers: { authorization: `Bearer ${token}`, 'content-type': type }, ...(body !== undefined && { body }) });
      const text = await response.text();
      return { status: response.status, json: text ? JSON.parse(text) : undefined };
    };
    const crmUrl = `http://127.0.0.1:${(crm.address() as AddressInfo).port}/contacts`;
    const file = JSON.parse(JSON.stringify(journey).replace('CRM_URL', crmUrl));
    expect((await request('POST', '/api/journeys', JSON.stringify(file))).status).toBe(201);
    expect((await request('POST', '/api/journeys/welcome/versions', JSON.stringify({ message: 'first' }))).status).toBe(201);
    expect((await request('PUT', '/api/contact-lists/people/csv', csv, 'text/csv')).status).toBe(200);
    await runner.start();
  });

  afterAll(async () => {
    await runner?.stop();
    await store?.close();
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
    await new Promise<void>((resolve) => crm.close(() => resolve()));
  });

  it('a simulated run sends no email and calls no webhook', async () => {
    const run = await request('POST', '/api/runs', JSON.stringify({ journeyId: 'welcome', mode: 'simulated' }));
    expect(run.status).toBe(201);
    await runner.finished(run.json.id);
    expect((await request('GET', `/api/runs/${run.json.id}`)).json).toMatchObject({ status: 'completed' });
    expect(mail).toEqual([]);
    expect(posts).toEqual([]);
  });

  it('a live run emails each contact through the relay and posts each to the CRM', async () => {
    const run = await request('POST', '/api/runs', JSON.stringify({ journeyId: 'welcome', mode: 'live' }));
    expect(run.status).toBe(201);
    const deadline = Date.now() + 20_000;
    let view = run.json;
    while (view.status !== 'completed' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      view = (await request('GET', `/api/runs/${run.json.id}`)).json;
    }
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
