// Sign-in links carry a one-time code that expires in minutes, never a token; ?token= works on /ws alone.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { VirtualClock } from '../../runtime/clock.ts';
import { testDialects } from '../../runtime/store/test-stores.ts';
import { main } from '../cli/main.ts';
import { memoryIo } from '../cli/test-io.ts';
import { startServer, type RunningServer } from '../serve.ts';
import { testApp, type TestApp } from '../test-app.ts';

/** Every secret-looking string in a text: tokens (jt_), sessions (js_) and sign-in codes (jc_). */
const secretsIn = (text: string) => text.match(/j[tsc]_[\w.-]+/g) ?? [];

describe('journey serve on first start and on restart', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'sign-in-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints a link with a one-time code, never a token; the code signs in once; a restart prints no secret and says how to get a link', async () => {
    const database = join(dir, 'journeys.db');
    const lines: string[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((line: string) => void lines.push(String(line)));
    let first: RunningServer;
    try {
      first = await startServer({ port: 0, databaseUrl: database, editorDir: join(dir, 'no-editor') });
    } finally {
      log.mockRestore();
    }
    try {
      const printed = lines.join('\n');
      expect(printed).not.toContain(first.adminToken!);
      expect(first.signInUrl).toMatch(new RegExp(`^${first.url}/\\?code=jc_`));
      expect(printed).toContain(first.signInUrl!);
      expect(secretsIn(printed).every((s) => s.startsWith('jc_'))).toBe(true);
      expect(printed).toMatch(/15 minutes/);
      expect(printed).toContain('journey signin-link');

      const code = new URL(first.signInUrl!).searchParams.get('code');
      const exchange = () =>
        fetch(`${first.url}/api/session/exchange`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code }) });
      const signedIn = await exchange();
      expect(signedIn.status).toBe(200);
      expect(await signedIn.json()).toMatchObject({ name: 'admin', role: 'admin', expiresAt: expect.any(String) });
      const cookie = signedIn.headers.getSetCookie().find((c) => c.startsWith('journey_session=js_'));
      expect(cookie).toBeDefined();
      const me = await fetch(`${first.url}/api/session`, { headers: { cookie: cookie!.split(';')[0]! } });
      expect(await me.json()).toMatchObject({ name: 'admin', role: 'admin' });
      const again = await exchange();
      expect(again.status).toBe(401);
      expect(((await again.json()) as { error: { message: string } }).error.message).toContain('journey signin-link');
    } finally {
      await first.close();
    }

    lines.length = 0;
    const log2 = vi.spyOn(console, 'log').mockImplementation((line: string) => void lines.push(String(line)));
    let second: RunningServer;
    try {
      second = await startServer({ port: 0, databaseUrl: database, editorDir: join(dir, 'no-editor') });
    } finally {
      log2.mockRestore();
    }
    await second.close();
    expect(second.signInUrl).toBeUndefined();
    expect(secretsIn(lines.join('\n'))).toEqual([]);
    expect(lines.join('\n')).toContain('npx journey signin-link');

    // The command makes a new link for the admin token, from the database.
    const cli = memoryIo();
    expect(await main(['signin-link', '--database', database, '--url', 'http://journeys.example:3000'], cli.io)).toBe(0);
    expect(cli.stdout()).toMatch(/^http:\/\/journeys\.example:3000\/\?code=jc_\S+\n$/);
    expect(cli.stderr()).toContain('admin');
  });
});

describe.each(testDialects)('sign-in codes and sessions on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp(dialect);
  });
  afterAll(() => t.close());

  const exchange = (code: string) => t.request('POST', '/api/session/exchange', { token: null, json: { code } });

  it('accepts ?token= on /ws alone: on the API it is refused, saying to send the header', async () => {
    const answer = await t.request('GET', `/api/session?token=${t.tokens.viewer}`, { token: null });
    expect(answer.status).toBe(401);
    expect(answer.json.error.message).toContain('Authorization: Bearer');
    expect(answer.json.error.message).toContain('/ws');
    expect((await t.request('GET', `/metrics?token=${t.tokens.viewer}`, { token: null })).status).toBe(401);
  });

  it('lets an admin make a code for a token (an agent’s link goes to /agent), used once, within 15 minutes', async () => {
    const agent = await t.request('POST', '/api/tokens', { json: { name: 'Sam', role: 'agent' } });
    for (const role of ['viewer', 'operator', 'agent'] as const) {
      expect((await t.request('POST', `/api/tokens/${agent.json.id}/sign-in-codes`, { token: role })).status).toBe(403);
    }
    expect((await t.request('POST', '/api/tokens/no-such-token/sign-in-codes')).status).toBe(404);
    const made = await t.request('POST', `/api/tokens/${agent.json.id}/sign-in-codes`);
    expect(made.status).toBe(201);
    expect(made.json).toMatchObject({
      code: expect.stringMatching(/^jc_/),
      path: expect.stringMatching(/^\/agent\?code=jc_/),
      expiresAt: new Date(t.runner.now() + 15 * 60_000).toISOString(),
    });
    expect(made.text).not.toContain(agent.json.token);

    const signedIn = await exchange(made.json.code);
    expect(signedIn).toMatchObject({ status: 200, json: { name: 'Sam', role: 'agent' } });
    const session = { token: null, headers: { cookie: signedIn.headers.getSetCookie()[0]!.split(';')[0]! } };
    expect((await t.request('GET', '/api/session', session)).json).toMatchObject({ name: 'Sam', role: 'agent' });
    expect((await exchange(made.json.code)).status).toBe(401);

    // Expired, altered or made up: 401, and the audit log has the sign-in.
    const late = await t.request('POST', `/api/tokens/${agent.json.id}/sign-in-codes`);
    (t.runner as unknown as { clock: VirtualClock }).clock.advanceTo(t.runner.now() + 15 * 60_000 + 1);
    expect((await exchange(late.json.code)).status).toBe(401);
    const fresh = await t.request('POST', `/api/tokens/${agent.json.id}/sign-in-codes`);
    expect((await exchange(`${fresh.json.code.slice(0, -2)}xx`)).status).toBe(401);
    expect((await exchange('jc_made-up')).status).toBe(401);
    expect((await exchange(fresh.json.code)).status).toBe(200);

    // Revoking the token ends its sessions.
    expect((await t.request('DELETE', `/api/tokens/${agent.json.id}`)).status).toBe(204);
    expect((await t.request('GET', '/api/session', session)).status).toBe(401);
  });
});
