// The typed client sends what the hand-written calls sent: the path, the method, the token and the body.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { complianceApi } from '../compliance/compliance-api.ts';
import { runsApi } from '../runs/runs-api.ts';
import { agentApi } from '../agent/agent-api.ts';
import { api, ApiError } from './client.ts';

interface Sent {
  url: string;
  method: string;
  headers: Headers;
  body: string | undefined;
}

let sent: Sent[] = [];
let answer: () => Response;

beforeEach(() => {
  sent = [];
  answer = () => Response.json({ runs: [] });
  vi.stubGlobal('window', { location: { pathname: '/runs' } });
  vi.stubGlobal('localStorage', { getItem: () => 'js_token' });
  vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
    sent.push({ url, method: init.method ?? 'GET', headers: new Headers(init.headers), body: init.body as string | undefined });
    return answer();
  });
});
afterEach(() => vi.unstubAllGlobals());

describe('the typed API client', () => {
  it('sends the token, and a path parameter encoded', async () => {
    answer = () => Response.json({ id: 'r 1', status: 'paused' });
    expect(await runsApi.pause('r 1')).toMatchObject({ id: 'r 1', status: 'paused' });
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ url: '/api/runs/r%201/pause', method: 'POST' });
    expect(sent[0]!.headers.get('authorization')).toBe('Bearer js_token');
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

  it('sends If-Match beside the token when saving a draft, and the journey routes as before', async () => {
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
    expect(sent[0]!.headers.get('authorization')).toBe('Bearer js_token');
    expect(sent[1]!.headers.get('if-match')).toBeNull();
    expect(sent[0]!.body).toBe('{"id":"j/1"}');
    expect(sent[5]!.body).toBe('{"disposition":"sale"}');
  });
});
