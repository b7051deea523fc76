// A browser's session lives in an HttpOnly, SameSite=Strict cookie, one per page (the editor's and the agent page's),
// never in a body a script could read; the live hub takes the cookie too and refuses pages of other sites.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { VirtualClock } from '../../runtime/clock.ts';
import { createToken } from '../../runtime/store/repositories/tokens.ts';
import { freshStore, testDialects } from '../../runtime/store/test-stores.ts';
import { createApp } from '../app.ts';
import { FailedAuthThrottle } from '../http/throttle.ts';
import { Runner } from '../runner.ts';
import { startServer, type RunningServer } from '../serve.ts';
import { testApp, testNow, type TestApp } from '../test-app.ts';

/** Every secret-looking string in a text: tokens (jt_), sessions (js_) and sign-in codes (jc_). */
const secretsIn = (text: string) => text.match(/j[tsc]_[\w.-]+/g) ?? [];

/** The Set-Cookie line for `name`, split into its value and its attributes (lower-cased names). */
function cookieSet(headers: Headers, name: string) {
  const line = headers.getSetCookie().find((c) => c.startsWith(`${name}=`));
  if (!line) return undefined;
  const [pair, ...attributes] = line.split(';').map((p) => p.trim());
  const options = new Map(attributes.map((a) => [a.split('=')[0]!.toLowerCase(), a.split('=')[1] ?? '']));
  return { value: pair!.slice(name.length + 1), pair: pair!, options };
}

describe.each(testDialects)('session cookies on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp(dialect);
  });
  afterAll(() => t.close());
  afterEach(() => {
    delete process.env.JOURNEY_PUBLIC_URL;
  });

  const clock = () => (t.runner as unknown as { clock: VirtualClock }).clock;

  /** A sign-in code for a new token of `role`, as an admin makes one. */
  async function codeFor(name: string, role: string) {
    const made = await t.request('POST', '/api/tokens', { json: { name, role } });
    const code = await t.request('POST', `/api/tokens/${made.json.id}/sign-in-codes`);
    return { id: made.json.id as string, token: made.json.token as string, code: code.json.code as string };
  }

  const exchange = (json: unknown, headers: Record<string, string> = {}) => t.request('POST', '/api/session/exchange', { token: null, json, headers });
  const asPage = (cookie: string, headers: Record<string, string> = {}) => ({ token: null, headers: { cookie, ...headers } });

  it('sets an HttpOnly, SameSite=Strict, Path=/ cookie for the session, and the body holds no token', async () => {
    const { code } = await codeFor('Ana', 'editor');
    const signedIn = await exchange({ code });
    expect(signedIn.status).toBe(200);
    expect(signedIn.json).toEqual({ name: 'Ana', role: 'editor', expiresAt: new Date(t.runner.now() + 12 * 3600_000).toISOString() });
    expect(secretsIn(signedIn.text)).toEqual([]);
    const cookie = cookieSet(signedIn.headers, 'journey_session');
    expect(cookie?.value).toMatch(/^js_/);
    expect(cookie!.options.has('httponly')).toBe(true);
    expect(cookie!.options.get('samesite')).toBe('Strict');
    expect(cookie!.options.get('path')).toBe('/');
    expect(cookie!.options.get('max-age')).toBe(String(12 * 3600));
    // Plain http, and no public https address: a Secure cookie would never be sent back.
    expect(cookie!.options.has('secure')).toBe(false);
    expect(cookieSet(signedIn.headers, 'journey_agent_session')).toBeUndefined();
  });

  it('marks the cookie Secure when the page was reached over https, through a proxy, or the public address is https', async () => {
    const secureOf = async (request: () => Promise<Response>) => cookieSet((await request()).headers, 'journey_session')?.options.has('secure');
    const post =
      (url: string, headers: Record<string, string> = {}) =>
      async () =>
        t.app.request(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body: JSON.stringify({ code: (await codeFor('S', 'viewer')).code }),
        });
    expect(await secureOf(post('https://journeys.example/api/session/exchange'))).toBe(true);
    expect(await secureOf(post('/api/session/exchange', { 'x-forwarded-proto': 'https' }))).toBe(true);
    process.env.JOURNEY_PUBLIC_URL = 'https://journeys.example';
    expect(await secureOf(post('/api/session/exchange'))).toBe(true);
    process.env.JOURNEY_PUBLIC_URL = 'http://journeys.example';
    expect(await secureOf(post('/api/session/exchange'))).toBe(false);
  });

  it('signs /api requests in with the cookie, with the role of its token', async () => {
    const { code } = await codeFor('Vic', 'viewer');
    const cookie = cookieSet((await exchange({ code })).headers, 'journey_session')!.pair;
    expect(await t.request('GET', '/api/session', asPage(cookie))).toMatchObject({ status: 200, json: { name: 'Vic', role: 'viewer' } });
    expect((await t.request('GET', '/api/journeys', asPage(cookie))).status).toBe(200);
    const refused = await t.request('POST', '/api/tokens', { ...asPage(cookie), json: { name: 'x', role: 'admin' } });
    expect(refused.status).toBe(403);
    expect(refused.json.error.message).toContain('the viewer role');
    // The header wins over the cookie: a script or the CLI says who it is.
    expect((await t.request('GET', '/api/session', { token: 'admin', headers: { cookie } })).json).toMatchObject({ role: 'admin' });
    // A cookie never holds an API token: one put there by hand is refused.
    const forged = await t.request('GET', '/api/session', asPage(`journey_session=${t.tokens.admin}`));
    expect(forged.status).toBe(401);
  });

  it("keeps the agent page's session apart: its cookie is used only when the request says it comes from the agent page", async () => {
    const manager = cookieSet((await exchange({ code: (await codeFor('Meg', 'operator')).code })).headers, 'journey_session')!.pair;
    const agentSignIn = await exchange({ code: (await codeFor('Lee', 'agent')).code }, { 'X-Journey-Page': 'agent' });
    expect(agentSignIn.json).toMatchObject({ name: 'Lee', role: 'agent' });
    expect(cookieSet(agentSignIn.headers, 'journey_session')).toBeUndefined();
    const agent = cookieSet(agentSignIn.headers, 'journey_agent_session')!.pair;
    const both = `${manager}; ${agent}`;
    expect((await t.request('GET', '/api/session', asPage(both))).json).toMatchObject({ name: 'Meg', role: 'operator' });
    expect((await t.request('GET', '/api/session', asPage(both, { 'X-Journey-Page': 'agent' }))).json).toMatchObject({ name: 'Lee', role: 'agent' });
    expect((await t.request('GET', '/api/agent/me', asPage(both, { 'X-Journey-Page': 'agent' }))).status).toBe(200);
    // The agent's cookie alone signs in nothing but the agent page.
    expect((await t.request('GET', '/api/session', asPage(agent))).status).toBe(401);
    const unknownPage = await t.request('GET', '/api/session', asPage(both, { 'X-Journey-Page': 'admin' }));
    expect(unknownPage.status).toBe(400);
    expect(unknownPage.json.error.message).toContain('The X-Journey-Page header must be "agent" or "editor"');
  });

  it('turns an API token pasted into a sign-in form into a session cookie of its own, without echoing it', async () => {
    const { token, id } = await codeFor('Pat', 'editor');
    const signedIn = await exchange({ token });
    expect(signedIn).toMatchObject({ status: 200, json: { name: 'Pat', role: 'editor' } });
    expect(secretsIn(signedIn.text)).toEqual([]);
    const cookie = cookieSet(signedIn.headers, 'journey_session')!;
    expect(cookie.value).toMatch(/^js_/);
    expect((await t.request('GET', '/api/session', asPage(cookie.pair))).json).toMatchObject({ name: 'Pat' });
    const wrong = await exchange({ token: 'jt_not-a-token' });
    expect(wrong.status).toBe(401);
    expect(wrong.json.error.message).toContain('not known');
    expect(wrong.headers.getSetCookie()).toEqual([]);
    expect((await exchange({ code: 'x', token })).status).toBe(400);
    // Signing the page out ends its session, not the token.
    expect((await t.request('POST', '/api/session/sign-out', asPage(cookie.pair))).status).toBe(204);
    expect((await t.request('GET', '/api/session', { token })).status).toBe(200);
    const audit = await t.request('GET', `/api/audit?action=session.signed-in`);
    expect(audit.json.entries.find((e: { target: string }) => e.target === id)?.details).toMatchObject({ with: 'token', page: 'editor' });
  });

  it('signs out: the cookie is cleared, the old cookie no longer works on any request, and the audit log has it', async () => {
    const { code, id } = await codeFor('Oz', 'operator');
    const cookie = cookieSet((await exchange({ code })).headers, 'journey_session')!.pair;
    expect((await t.request('GET', '/api/session', asPage(cookie))).status).toBe(200);
    const signedOut = await t.request('POST', '/api/session/sign-out', asPage(cookie));
    expect(signedOut.status).toBe(204);
    const cleared = cookieSet(signedOut.headers, 'journey_session');
    expect(cleared?.value).toBe('');
    expect(cleared?.options.get('max-age')).toBe('0');
    const after = await t.request('GET', '/api/session', asPage(cookie));
    expect(after.status).toBe(401);
    expect(after.json.error.message).toContain('open a new sign-in link');
    // The refusal removes the stale cookie too, so the page asks to sign in once rather than on every request.
    expect(cookieSet(after.headers, 'journey_session')?.value).toBe('');
    const audit = await t.request('GET', '/api/audit?action=session.signed-out');
    expect(audit.json.entries.find((e: { target: string }) => e.target === id)).toMatchObject({ actor: { name: 'Oz' }, details: { page: 'editor' } });
    // Signing out again, or with no cookie, still answers 204 and records nothing more.
    expect((await t.request('POST', '/api/session/sign-out', asPage(cookie))).status).toBe(204);
    expect((await t.request('POST', '/api/session/sign-out', { token: null })).status).toBe(204);
    expect((await t.request('GET', '/api/audit?action=session.signed-out')).json.entries.filter((e: { target: string }) => e.target === id)).toHaveLength(1);
  });

  it('ends a session 12 hours after sign-in', async () => {
    const { code } = await codeFor('Eve', 'viewer');
    const cookie = cookieSet((await exchange({ code })).headers, 'journey_session')!.pair;
    clock().advanceTo(t.runner.now() + 12 * 3600_000 - 1000);
    expect((await t.request('GET', '/api/session', asPage(cookie))).status).toBe(200);
    clock().advanceTo(t.runner.now() + 2000);
    expect((await t.request('GET', '/api/session', asPage(cookie))).status).toBe(401);
  });

  it('still refuses ?token= on /api, even with a cookie', async () => {
    const cookie = cookieSet((await exchange({ code: (await codeFor('Q', 'viewer')).code })).headers, 'journey_session')!.pair;
    const answer = await t.request('GET', `/api/session?token=${t.tokens.admin}`, asPage(cookie));
    expect(answer.status).toBe(401);
    expect(answer.json.error.message).toContain('/ws only');
  });

  it("refuses a change by cookie, a sign-in or a sign-out from another site's page", async () => {
    const { code } = await codeFor('Ori', 'editor');
    const cookie = cookieSet((await exchange({ code }, { host: 'journeys.example', origin: 'http://journeys.example' })).headers, 'journey_session')!.pair;
    const draft = { schemaVersion: 1, id: 'x', name: 'X', nodes: {} };
    const foreign = await t.request('POST', '/api/journeys', { ...asPage(cookie, { host: 'journeys.example', origin: 'https://evil.example' }), json: draft });
    expect(foreign.status).toBe(403);
    expect(foreign.json.error.message).toContain('https://evil.example');
    const own = await t.request('POST', '/api/journeys', { ...asPage(cookie, { host: 'journeys.example', origin: 'http://journeys.example' }), json: draft });
    expect(own.status).not.toBe(403);
    // Reading is not a change; an API client with its own header is not a page.
    expect((await t.request('GET', '/api/session', asPage(cookie, { host: 'journeys.example', origin: 'https://evil.example' }))).status).toBe(200);
    const second = await codeFor('Ori2', 'editor');
    expect((await exchange({ code: second.code }, { host: 'journeys.example', origin: 'https://evil.example' })).status).toBe(403);
    expect((await t.request('POST', '/api/session/sign-out', asPage(cookie, { host: 'journeys.example', origin: 'null' }))).status).toBe(403);
    expect((await t.request('GET', '/api/session', asPage(cookie))).status).toBe(200);
    // Behind a proxy that passes its own Host, the public address is the server's own.
    process.env.JOURNEY_PUBLIC_URL = 'https://journeys.example.com';
    const proxied = await t.request('POST', '/api/session/sign-out', asPage(cookie, { host: '127.0.0.1:3000', origin: 'https://journeys.example.com' }));
    expect(proxied.status).toBe(204);
  });
});

describe('wrong session cookies count as failed sign-ins', () => {
  it('refuses an address with 429 after too many wrong cookies', async () => {
    const store = await freshStore('sqlite');
    const runner = new Runner({ store, clock: new VirtualClock(testNow) });
    try {
      const { app } = createApp({ store, runner, throttle: new FailedAuthThrottle({ maxFailures: 3, clock: () => testNow }) });
      const viewer = (await createToken(store.db, { name: 'viewer', role: 'viewer', now: testNow })).token;
      const from = (address: string, headers: Record<string, string>) =>
        app.request('/api/session', { headers }, { incoming: { socket: { remoteAddress: address } } });
      // A page that is not signed in sends no cookie, and the other page's cookie is not used: neither is a guess.
      for (let i = 0; i < 5; i++) expect((await from('203.0.113.9', {})).status).toBe(401);
      for (let i = 0; i < 5; i++) expect((await from('203.0.113.9', { cookie: `journey_agent_session=js_other.${i}` })).status).toBe(401);
      for (let i = 0; i < 3; i++) {
        expect((await from('203.0.113.9', { cookie: `journey_agent_session=js_guess.${i}`, 'x-journey-page': 'agent' })).status).toBe(401);
      }
      const refused = await from('203.0.113.9', { authorization: `Bearer ${viewer}` });
      expect(refused.status).toBe(429);
      expect(refused.headers.get('retry-after')).toBeTruthy();
      expect((await from('198.51.100.4', { authorization: `Bearer ${viewer}` })).status).toBe(200);
    } finally {
      await runner.stop();
      await store.close();
    }
  });
});

describe('the live hub and session cookies', () => {
  let dir: string;
  let server: RunningServer;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ws-cookie-'));
    server = await startServer({ port: 0, databaseUrl: join(dir, 'journeys.db'), quiet: true, editorDir: join(dir, 'no-editor') });
  });
  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const admin = (method: string, path: string, body?: unknown) =>
    fetch(`${server.url}/api${path}`, {
      method,
      headers: { authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/json' },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    }).then(async (r) => (await r.json()) as Record<string, string>);

  /** Signs a page in as a new token of `role` and answers its cookie (`name=value`). */
  async function cookieFor(role: string, page?: 'agent') {
    const made = await admin('POST', '/tokens', { name: `${role} ${page ?? 'editor'}`, role });
    const { code } = await admin('POST', `/tokens/${made.id}/sign-in-codes`);
    const signedIn = await fetch(`${server.url}/api/session/exchange`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(page && { 'x-journey-page': page }) },
      body: JSON.stringify({ code }),
    });
    return signedIn.headers.getSetCookie()[0]!.split(';')[0]!;
  }

  /** Opens /ws: `open` when it was accepted, else the status and body the server refused it with. */
  function connect(query: string, headers: Record<string, string>): Promise<{ open: true } | { status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(`${server.url.replace(/^http/, 'ws')}/ws${query}`, { headers });
      socket.once('open', () => {
        socket.close();
        resolve({ open: true });
      });
      socket.once('unexpected-response', (_request, response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += chunk.toString()));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      });
      socket.once('error', reject);
    });
  }

  it("accepts the editor's cookie, the agent page's with ?page=agent, and ?token= from clients that cannot send either", async () => {
    const viewer = await cookieFor('viewer');
    expect(await connect('', { cookie: viewer })).toEqual({ open: true });
    expect(await connect('', { cookie: viewer, origin: server.url })).toEqual({ open: true });
    // An agent may not watch runs; the hub read the agent page's cookie only because the page said so.
    const agent = await cookieFor('agent', 'agent');
    expect(await connect('', { cookie: `${viewer}; ${agent}` })).toEqual({ open: true });
    expect(await connect('?page=agent', { cookie: `${viewer}; ${agent}` })).toMatchObject({ status: 403 });
    const operatorAtAgentPage = await cookieFor('operator', 'agent');
    expect(await connect('?page=agent', { cookie: operatorAtAgentPage })).toEqual({ open: true });
    expect(await connect('', { cookie: operatorAtAgentPage })).toMatchObject({ status: 401 });
    expect(await connect(`?token=${server.adminToken}`, {})).toEqual({ open: true });
    expect(await connect('', { cookie: 'journey_session=js_made.up.session.x' })).toMatchObject({ status: 401 });
  });

  it('closes a socket opened with a cookie within a second of that page signing out', async () => {
    const viewer = await cookieFor('viewer');
    const other = await cookieFor('viewer');
    const open = (cookie: string) =>
      new Promise<WebSocket>((resolve, reject) => {
        const socket = new WebSocket(`${server.url.replace(/^http/, 'ws')}/ws`, { headers: { cookie } });
        socket.once('open', () => resolve(socket));
        socket.once('error', reject);
      });
    const [signedOut, kept] = await Promise.all([open(viewer), open(other)]);
    const closed = new Promise<{ code: number; reason: string }>((resolve) =>
      signedOut.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    );
    const response = await fetch(`${server.url}/api/session/sign-out`, { method: 'POST', headers: { cookie: viewer } });
    expect(response.status).toBe(204);
    const result = await Promise.race([closed, new Promise<undefined>((resolve) => setTimeout(resolve, 1500))]);
    expect(result, 'the socket was still open 1.5 s after signing out').toEqual({ code: 4401, reason: 'The sign-in has ended' });
    expect(kept.readyState).toBe(WebSocket.OPEN);
    kept.close();
  });

  it('refuses an upgrade from a page of another site, whatever it carries', async () => {
    const viewer = await cookieFor('viewer');
    const refused = await connect('', { cookie: viewer, origin: 'https://evil.example' });
    expect(refused).toMatchObject({ status: 403 });
    expect((refused as { body: string }).body).toContain('https://evil.example');
    expect(await connect(`?token=${server.adminToken}`, { origin: 'null' })).toMatchObject({ status: 403 });
  });
});
