// The live webhook channel against fake servers on this machine: internal addresses refused (written, resolved or
// reached by a redirect), the allow-list, the reply cap, what is kept, and each step's concurrency and rate.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { HttpWebhook } from './http-webhook.ts';
import type { SendRequest, WebhookPayload } from './provider.ts';
import { AddressPolicy } from './webhook-addresses.ts';

interface Fake {
  url: string;
  port: number;
  requests: { url: string; headers: IncomingMessage['headers']; at: number }[];
  maxOpen: number;
}

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

async function fake(handler: (req: IncomingMessage, res: ServerResponse) => void | Promise<void>, host = '127.0.0.1'): Promise<Fake> {
  const state: Fake = { url: '', port: 0, requests: [], maxOpen: 0 };
  let open = 0;
  const server = createServer((req, res) => {
    open++;
    state.maxOpen = Math.max(state.maxOpen, open);
    state.requests.push({ url: req.url ?? '', headers: req.headers, at: Date.now() });
    res.on('close', () => open--);
    req.resume();
    req.on('end', () => void handler(req, res));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  state.port = (server.address() as AddressInfo).port;
  state.url = `http://${host}:${state.port}`;
  return state;
}

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void =>
  void res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));

let keys = 0;
function send(
  webhook: HttpWebhook,
  payload: Partial<WebhookPayload> & { url: string },
  attempt = 1,
  nodeId = 'hook',
): Promise<Awaited<ReturnType<HttpWebhook['send']>>> {
  const request: SendRequest = {
    key: `run-1:c_${++keys}:${nodeId}:1`,
    runId: 'run-1',
    contactId: `c_${keys}`,
    nodeId,
    payload: { channel: 'webhook', method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}', timeoutMs: 2000, ...payload },
    attempt,
    now: Date.now(),
  };
  return webhook.send(request);
}

describe('webhook addresses', () => {
  it('refuses loopback, private, CGNAT, link-local, unique-local, unspecified, multicast and broadcast addresses, in every form', () => {
    const policy = new AddressPolicy();
    const refused = [
      '127.0.0.1',
      '127.9.9.9',
      '10.1.2.3',
      '172.16.0.1',
      '172.31.255.255',
      '192.168.1.1',
      '100.64.0.1',
      '169.254.169.254',
      '0.0.0.0',
      '224.0.0.1',
      '255.255.255.255',
      '::1',
      '::',
      'fe80::1',
      'fd00::1',
      'fc00::1',
      'ff02::1',
      '::ffff:127.0.0.1',
      '::ffff:7f00:1',
      '::ffff:169.254.169.254',
      '::ffff:10.0.0.1',
    ];
    for (const address of refused) expect(policy.refusal(address), address).toMatch(/internal address/);
    for (const address of ['8.8.8.8', '1.1.1.1', '172.32.0.1', '100.128.0.1', '2001:4860:4860::8888', '::ffff:8.8.8.8'])
      expect(policy.refusal(address), address).toBeUndefined();
  });

  it('lets the allow-list open single addresses and ranges, and refuses entries that are not addresses', () => {
    const policy = new AddressPolicy(['127.0.0.1', '10.20.0.0/16', 'fd12::/64']);
    expect(policy.refusal('127.0.0.1')).toBeUndefined();
    expect(policy.refusal('::ffff:127.0.0.1')).toBeUndefined();
    expect(policy.refusal('10.20.3.4')).toBeUndefined();
    expect(policy.refusal('fd12::9')).toBeUndefined();
    expect(policy.refusal('127.0.0.2')).toMatch(/internal/);
    expect(policy.refusal('10.21.0.1')).toMatch(/internal/);
    expect(() => new AddressPolicy(['crm.internal'])).toThrow(
      /"crm.internal" in the webhook allow-list \(JOURNEY_WEBHOOK_ALLOW\) is not an address or a CIDR range/,
    );
    expect(() => new AddressPolicy(['10.0.0.0/33'])).toThrow(/CIDR/);
    expect(AddressPolicy.fromEnvironment({ JOURNEY_WEBHOOK_ALLOW: '127.0.0.1, 10.0.0.0/8' }).refusal('10.1.1.1')).toBeUndefined();
  });
});

describe('the live webhook channel', () => {
  it('does not call this machine by default, whether the address is written as a number, a mapped IPv6 address or a name', async () => {
    const server = await fake((_req, res) => json(res, 200, { secret: 'metrics' }));
    const webhook = new HttpWebhook({ allow: [] });
    for (const url of [`${server.url}/hook`, `http://[::ffff:127.0.0.1]:${server.port}/hook`, `http://localhost:${server.port}/hook`]) {
      const result = await send(webhook, { url });
      expect(result, url).toMatchObject({
        status: 'permanent-error',
        reason: expect.stringMatching(/was not called: .*internal address.*JOURNEY_WEBHOOK_ALLOW/),
      });
    }
    expect(server.requests).toEqual([]);
  });

  it('does not follow a redirect to an internal address, nor keep what that address would say', async () => {
    const inside = await fake((_req, res) => json(res, 200, { secret: 'metrics' }), '127.0.0.2');
    const outside = await fake((_req, res) => void res.writeHead(302, { location: `${inside.url}/metrics` }).end());
    const result = await send(new HttpWebhook({ allow: ['127.0.0.1'] }), { url: `${outside.url}/hook` });
    expect(result).toMatchObject({ status: 'permanent-error', reason: expect.stringMatching(/127\.0\.0\.2 is an internal address/) });
    expect(JSON.stringify(result)).not.toContain('metrics"');
    expect(outside.requests).toHaveLength(1);
    expect(inside.requests).toEqual([]);
  });

  it('follows a few redirects among allowed addresses, dropping credentials when the origin changes', async () => {
    const end = await fake((_req, res) => json(res, 200, { ok: true }), '127.0.0.2');
    const middle = await fake((req, res) => void res.writeHead(307, { location: req.url === '/a' ? '/b' : `${end.url}/c` }).end());
    const result = await send(new HttpWebhook({ allow: ['127.0.0.1', '127.0.0.2'] }), {
      url: `${middle.url}/a`,
      headers: { authorization: 'Bearer s3cret', 'x-api-key': 'k3y', 'x-trace': 't' },
    });
    expect(result).toMatchObject({ status: 'accepted', data: { status: 200, reply: { ok: true } } });
    expect(middle.requests.map((r) => [r.url, r.headers.authorization])).toEqual([
      ['/a', 'Bearer s3cret'],
      ['/b', 'Bearer s3cret'],
    ]);
    expect(end.requests[0]!.headers).toMatchObject({ 'x-trace': 't' });
    expect(end.requests[0]!.headers.authorization).toBeUndefined();
    expect(end.requests[0]!.headers['x-api-key']).toBeUndefined();
    const loop = await fake((_req, res) => void res.writeHead(302, { location: '/again' }).end());
    expect(await send(new HttpWebhook({ allow: ['127.0.0.1'], maxRedirects: 3 }), { url: `${loop.url}/x` })).toMatchObject({
      status: 'permanent-error',
      reason: expect.stringMatching(/redirected more than 3 times/),
    });
    expect(loop.requests).toHaveLength(4);
  });

  it('keeps the status and the body only: no reply header (Set-Cookie), no query string in its messages; a reply over the cap is not kept', async () => {
    const server = await fake((req, res) =>
      req.url?.startsWith('/big')
        ? json(res, 200, { blob: 'x'.repeat(300_000) })
        : json(res, req.url?.startsWith('/down') ? 503 : 200, { ok: 1 }, { 'set-cookie': 'session=c00kie' }),
    );
    const webhook = new HttpWebhook({ allow: ['127.0.0.1'] });
    const ok = await send(webhook, { url: `${server.url}/ok`, headers: { authorization: 'Bearer s3cret', cookie: 'a=b' } });
    expect(ok).toEqual({ status: 'accepted', providerId: 'http-200', followUps: [], data: { status: 200, reply: { ok: 1 } } });
    const down = await send(webhook, { url: `${server.url}/down?api_key=s3cret` });
    expect(down).toEqual({ status: 'transient-error', reason: `${server.url}/down answered 503` });
    const big = await send(webhook, { url: `${server.url}/big` });
    expect(big).toMatchObject({ status: 'permanent-error', reason: expect.stringMatching(/more than 262144 bytes; the reply was not kept/) });
    expect(JSON.stringify([ok, down, big])).not.toMatch(/s3cret|c00kie|a=b/);
  });

  it('sends the idempotency key as Idempotency-Key, the same on every attempt', async () => {
    const server = await fake((_req, res) => json(res, 200, {}));
    const webhook = new HttpWebhook({ allow: ['127.0.0.1'] });
    const request: SendRequest = {
      key: 'run-1:c_9:hook:1',
      runId: 'run-1',
      contactId: 'c_9',
      nodeId: 'hook',
      payload: { channel: 'webhook', url: `${server.url}/h`, method: 'POST', headers: { 'Idempotency-Key': 'forged' }, body: '{}', timeoutMs: 2000 },
      attempt: 1,
      now: 0,
    };
    await webhook.send(request);
    await webhook.send({ ...request, attempt: 2 });
    expect(server.requests.map((r) => r.headers['idempotency-key'])).toEqual(['run-1:c_9:hook:1', 'run-1:c_9:hook:1']);
  });

  it('keeps each step to its rate however many sends arrive at once, and defers what would wait too long', async () => {
    const server = await fake((_req, res) => json(res, 200, {}));
    const webhook = new HttpWebhook({ allow: ['127.0.0.1'], maxQueueMs: 1000 });
    const results = await Promise.all(Array.from({ length: 40 }, () => send(webhook, { url: `${server.url}/h`, concurrency: 10, ratePerSecond: 20 })));
    const sent = results.filter((r) => r.status === 'accepted');
    const deferred = results.filter((r) => r.status === 'deferred');
    // 20 a second for the 1 s the queue may hold: about 21 go, the rest are offered again later.
    expect(sent.length).toBeGreaterThanOrEqual(18);
    expect(sent.length).toBeLessThanOrEqual(22);
    expect(sent.length + deferred.length).toBe(40);
    for (const d of deferred)
      expect(d).toMatchObject({ until: expect.any(Number), reason: expect.stringMatching(/limits \(10 at once, 20 a second\) hold this call back/) });
    const gaps = server.requests.slice(1).map((r, i) => r.at - server.requests[i]!.at);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(35);
  });

  it('keeps the spacing after the process was held up, instead of sending the calls that were due at once', async () => {
    const server = await fake((_req, res) => json(res, 200, {}));
    const webhook = new HttpWebhook({ allow: ['127.0.0.1'], maxQueueMs: 5000 });
    const pending = Array.from({ length: 6 }, () => send(webhook, { url: `${server.url}/h`, concurrency: 10, ratePerSecond: 10 }));
    // Once the first call has arrived, the event loop is held for 400 ms, as a long batch or a pause of the process
    // would: the timers of the calls due in the meantime all fire late, together.
    await vi.waitFor(() => expect(server.requests).toHaveLength(1), { timeout: 2000, interval: 2 });
    const until = Date.now() + 400;
    while (Date.now() < until);
    const results = await Promise.all(pending);
    expect(results.every((r) => r.status === 'accepted')).toBe(true);
    const gaps = server.requests.slice(1).map((r, i) => r.at - server.requests[i]!.at);
    expect(gaps).toHaveLength(5);
    // 10 a second: 100 ms apart, less the jitter of delivery on one machine.
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(70);
  });

  it('keeps each step to its concurrency, and a slow server makes it defer rather than hold the batch', async () => {
    const server = await fake(async (_req, res) => {
      await new Promise((resolve) => setTimeout(resolve, 150));
      json(res, 200, {});
    });
    const webhook = new HttpWebhook({ allow: ['127.0.0.1'], maxQueueMs: 1000 });
    const started = Date.now();
    const results = await Promise.all(Array.from({ length: 30 }, () => send(webhook, { url: `${server.url}/h`, concurrency: 2, ratePerSecond: 100 })));
    const sent = results.filter((r) => r.status === 'accepted');
    expect(server.maxOpen).toBeLessThanOrEqual(2);
    expect(sent.length).toBeGreaterThanOrEqual(4);
    expect(sent.length).toBeLessThan(30);
    expect(results.filter((r) => r.status === 'deferred')).toHaveLength(30 - sent.length);
    // The batch is answered within about the queue's limit and one call, not after all thirty.
    expect(Date.now() - started).toBeLessThan(2000);

    // Another step has limits of its own.
    expect((await send(webhook, { url: `${server.url}/h`, concurrency: 2, ratePerSecond: 100 }, 1, 'other-hook')).status).toBe('accepted');
  });
});
