import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { VirtualClock } from '../../runtime/clock.ts';
import { createToken } from '../../runtime/store/repositories/tokens.ts';
import { freshStore } from '../../runtime/store/test-stores.ts';
import type { Store } from '../../runtime/store/dialect.ts';
import { createApp } from '../app.ts';
import { Runner } from '../runner.ts';
import { startServer, type RunningServer } from '../serve.ts';
import { testNow } from '../test-app.ts';
import { FailedAuthThrottle } from './throttle.ts';

describe('failed sign-ins per address', () => {
  let store: Store;
  let runner: Runner;
  let app: ReturnType<typeof createApp>['app'];
  let viewer: string;
  let now = 0;
  beforeAll(async () => {
    store = await freshStore('sqlite');
    runner = new Runner({ store, clock: new VirtualClock(testNow) });
    ({ app } = createApp({ store, runner, throttle: new FailedAuthThrottle({ clock: () => now }) }));
    viewer = (await createToken(store.db, { name: 'viewer', role: 'viewer', now: testNow })).token;
  });
  afterAll(async () => {
    await runner.stop();
    await store.close();
  });

  /** A request as if from `address`: the Node adapter hands the app the incoming socket. */
  const from = (address: string, path: string, token: string) =>
    app.request(path, { headers: { authorization: `Bearer ${token}` } }, { incoming: { socket: { remoteAddress: address } } });

  it('refuses an address with 429 and Retry-After after 20 wrong tokens in a minute, even with a good token, until the minute ends', async () => {
    for (let i = 0; i < 20; i++) expect((await from('203.0.113.7', '/api/session', `jt_guess-${i}`)).status).toBe(401);
    now += 15_000;
    const refused = await from('203.0.113.7', '/api/session', viewer);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('45');
    const body = (await refused.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('too_many_requests');
    expect(body.error.message).toContain('try again in 45 s');
    expect((await from('203.0.113.7', '/metrics', viewer)).status).toBe(429);

    // Another address is not held up; good tokens and requests with no token at all (a page not signed in) never count.
    for (let i = 0; i < 30; i++) expect((await app.request('/api/session', {}, { incoming: { socket: { remoteAddress: '198.51.100.2' } } })).status).toBe(401);
    for (let i = 0; i < 30; i++) expect((await from('198.51.100.2', '/api/session', viewer)).status).toBe(200);

    now += 45_000;
    expect((await from('203.0.113.7', '/api/session', viewer)).status).toBe(200);
  });
});

describe('failed sign-ins on a running server, WebSocket included', () => {
  let dir: string;
  let server: RunningServer;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'auth-throttle-'));
    process.env.JOURNEY_AUTH_MAX_FAILURES = '3';
    try {
      server = await startServer({ port: 0, host: '127.0.0.1', databaseUrl: join(dir, 'journeys.db'), quiet: true, editorDir: join(dir, 'no-editor') });
    } finally {
      delete process.env.JOURNEY_AUTH_MAX_FAILURES;
    }
  });
  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const upgrade = (token: string) =>
    new Promise<number>((resolve, reject) => {
      const socket = new WebSocket(`${server.url.replace(/^http/, 'ws')}/ws?token=${token}`);
      socket.once('open', () => {
        socket.close();
        resolve(101);
      });
      socket.once('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
      socket.once('error', reject);
    });

  it('counts refused WebSocket upgrades and refuses the next upgrade and API call from that address with 429', async () => {
    expect(await upgrade(server.adminToken!)).toBe(101);
    for (let i = 0; i < 3; i++) expect(await upgrade(`jt_guess-${i}`)).toBe(401);
    expect(await upgrade(server.adminToken!)).toBe(429);
    const api = await fetch(`${server.url}/api/session`, { headers: { authorization: `Bearer ${server.adminToken}` } });
    expect(api.status).toBe(429);
    expect(Number(api.headers.get('retry-after'))).toBeGreaterThan(50);
  });
});
