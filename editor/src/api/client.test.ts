// The typed client sends what the hand-written calls sent: the path, the method, the page's sign-in and the body.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { complianceApi } from '../compliance/compliance-api.ts';
import { runsApi } from '../runs/runs-api.ts';
import { agentApi } from '../agent/agent-api.ts';
import { api, ApiError, authHeader } from './client.ts';
import { signInWith, signOut } from './token.ts';

interface Sent {
  url: string;
  method: string;
  headers: Headers;
  body: string | undefined;
  credentials: RequestCredentials | undefined;
}

let sent: Sent[] = [];
let answer: () => Response;

beforeEach(() => {
  sent = [];
  answer = () => Response.json({ runs: [] });
  vi.stubGlobal('window', { location: { pathname: '/runs' } });
  vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
    sent.push({ url, method: init.method ?? 'GET', headers: new Headers(init.headers), body: init.body as string | undefined, credentials: init.credentials });
    return answer();
  });
});
afterEach(() => vi.unstubAllGlobals());

describe('the typed API client', () => {
  it('sends a path parameter encoded, with the session cookie and no token of its own', async () => {
    answer = () => Response.json({ id: 'r 1', status: 'paused' });
    expect(await runsApi.pause('r 1')).toMatchObject({ id: 'r 1', status: 'paused' });
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ url: '/api/runs/r%201/pause', method: 'POST', credentials: 'same-origin' });
    expect(sent[0]!.headers.get('authorization')).toBeNull();
    expect(sent[0]!.headers.get('x-journey-page')).toBeNull();
  });

  it("says on the agent page that the agent page's sign-in is meant, in typed calls and to raw fetches", async () => {
    vi.stubGlobal('window', { location: { pathname: '/agent' } });
    answer = () => Response.json({ name: 'Lee', role: 'agent' });
    await api.session();
    await agentApi.endCall('sale');
    expect(sent.map((s) => s.headers.get('x-journey-page'))).toEqual(['agent', 'agent']);
    expect(authHeader()).toEqual({ 'X-Journey-Page': 'agent' });
    vi.stubGlobal('window', { location: { pathname: '/lists' } });
    expect(authHeader()).toEqual({});
  });

  it('signs in by sending a pasted link’s code or token once, and signs out through the server; it stores nothing', async () => {
    vi.stubGlobal('window', { location: { pathname: '/agent' } });
    answer = () => Response.json({ name: 'Lee', role: 'agent', expiresAt: '2026-03-17T02:00:00.000Z' });
    await signInWith('http://journeys.example/agent?code=jc_abc');
    await signInWith(' jt_pasted ');
    answer = () => new Response(null, { status: 204 });
    await signOut();
    expect(sent.map((s) => `${s.method} ${s.url} ${s.body ?? ''}`)).toEqual([
      'POST /api/session/exchange {"code":"jc_abc"}',
      'POST /api/session/exchange {"token":"jt_pasted"}',
      'POST /api/session/sign-out ',
    ]);
    expect(sent.map((s) => s.headers.get('x-journey-page'))).toEqual(['agent', 'agent', 'agent']);
    answer = () => Response.json({ error: { code: 'unauthorized', message: 'This token is not known to the server' } }, { status: 401 });
    await expect(signInWith('jt_wrong')).rejects.toMatchObject({ status: 401, message: 'This token is not known to the server' });
  });

  it('leaves out a query with nothing in it, and sends a JSON body', async () => {
    await runsApi.list();
    await runsApi.list('overdue');
    answer = () => Response.json({ id: 'r1' });
    await runsApi.stop('r1');
    expect(sent.map((s) => s.url)).toEqual(['/api/runs', '/api/runs?journeyId=overdue', '/api/runs/r1/stop']);
    expect(sent[2]).toMatchObject({ method: 'POST', body: '{}' });
    expect(sent[2]!.headers.get('content-type')).toBe('application/json');
  });

  it('calls the do-not-contact routes as before', async () => {
    answer = () => Response.json({ entries: [{ value: '+14155550100' }] });
    expect(await complianceApi.list('sms', 10)).toEqual([{ value: '+14155550100' }]);
    answer = () => new Response(null, { status: 204 });
    expect(await complianceApi.remove('email', 'a+b@example.com')).toBeUndefined();
    answer = () => Response.json({ allowed: true });
    await complianceApi.check({ profile: 'US', channel: 'sms', phone: '+14155550100', at: '2026-03-16T10:00:00-04:00' });
    expect(sent.map((s) => `${s.method} ${s.url}`)).toEqual([
      'GET /api/do-not-contact?channel=sms&limit=10&offset=0',
      'DELETE /api/do-not-contact/email/a%2Bb%40example.com',
      'GET /api/compliance/check?profile=US&channel=sms&phone=%2B14155550100&at=2026-03-16T10%3A00%3A00-04%3A00',
    ]);
  });

  it("throws the server's error as ApiError, with its code and details", async () => {
    answer = () => Response.json({ error: { code: 'conflict', message: 'Run r1 is stopped; only a running or scheduled run can be paused' } }, { status: 409 });
    const error = await runsApi.pause('r1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 409, code: 'conflict', message: 'Run r1 is stopped; only a running or scheduled run can be paused' });
  });

  it('sends If-Match when saving a draft, and the journey routes as before', async () => {
    answer = () => Response.json({ id: 'j/1' });
    await api.saveJourney('j/1', { id: 'j/1' }, '"abc"');
    await api.saveJourney('j/1', { id: 'j/1' });
    await api.diff('j1', 2, 'draft');
    await api.version('j1', 3);
    await api.contacts('list-1', 25);
    await agentApi.endCall('sale');
    expect(sent.map((s) => `${s.method} ${s.url}`)).toEqual([
      'PUT /api/journeys/j%2F1',
      'PUT /api/journeys/j%2F1',
      'GET /api/journeys/j1/diff?from=2&to=draft',
      'GET /api/journeys/j1/versions/3',
      'GET /api/contact-lists/list-1/contacts?limit=25',
      'POST /api/agent/call/end',
    ]);
    expect(sent[0]!.headers.get('if-match')).toBe('"abc"');
    expect(sent[1]!.headers.get('if-match')).toBeNull();
    expect(sent[0]!.body).toBe('{"id":"j/1"}');
    expect(sent[5]!.body).toBe('{"disposition":"sale"}');
  });
});
