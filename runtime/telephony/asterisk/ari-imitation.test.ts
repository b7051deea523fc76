// The imitation holds requests to ARI's description, so a carrier that drifts from it fails here as it would on
// Asterisk: auth, unknown resources and methods, required parameters, types and allowed values.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { AriImitation } from './ari-imitation.ts';

const auth = { authorization: `Basic ${Buffer.from('journey:secret').toString('base64')}` };

describe('the ARI imitation', () => {
  let asterisk: AriImitation;
  beforeAll(async () => {
    asterisk = await AriImitation.start({ fates: { '+15550001': { fail: 'busy', ringMs: 1000 } } });
  });
  afterAll(() => asterisk.close());

  const ask = async (method: string, path: string, body?: unknown, headers: Record<string, string> = auth) => {
    const response = await fetch(`${asterisk.url}${path}`, {
      method,
      headers: { ...headers, ...(body !== undefined && { 'content-type': 'application/json' }) },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined, challenge: response.headers.get('www-authenticate') };
  };

  it('answers 401 without credentials, on HTTP and on the event socket', async () => {
    expect(await ask('GET', '/ari/channels', undefined, {})).toMatchObject({
      status: 401,
      body: { message: 'Authentication required' },
      challenge: expect.stringContaining('Basic'),
    });
    expect((await ask('GET', '/ari/channels?api_key=journey:secret', undefined, {})).status).toBe(200);
    const status = await new Promise<number>((resolve) => {
      const socket = new WebSocket(`${asterisk.url.replace('http', 'ws')}/ari/events?app=journey`);
      socket.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      socket.on('open', () => resolve(101));
      socket.on('error', () => {});
    });
    expect(status).toBe(401);
  });

  it('answers 404 for a resource ARI does not have and 405 for a method it does not take', async () => {
    expect(await ask('GET', '/ari/calls')).toMatchObject({ status: 404, body: { message: 'Resource not found' } });
    expect((await ask('PUT', '/ari/channels')).status).toBe(405);
  });

  it('checks required parameters, types, allowed values and unknown names', async () => {
    expect(await ask('POST', '/ari/channels?extension=s')).toMatchObject({
      status: 400,
      body: { message: expect.stringContaining('needs parameter endpoint') },
    });
    expect(await ask('POST', '/ari/channels?endpoint=PJSIP/%2B15550001@trunk&extension=s&timeout=soon')).toMatchObject({
      status: 400,
      body: { message: expect.stringContaining('timeout must be a whole number') },
    });
    expect(await ask('POST', '/ari/channels?endpoint=PJSIP/%2B15550001@trunk&extension=s&ringtime=3')).toMatchObject({
      status: 400,
      body: { message: expect.stringContaining('has no parameter ringtime') },
    });
    expect(await ask('POST', '/ari/channels?endpoint=PJSIP/%2B15550001@trunk&app=journey&context=x')).toMatchObject({
      status: 400,
      body: { message: "'app' and 'context' are mutually exclusive" },
    });
    expect((await ask('POST', '/ari/channels?endpoint=PJSIP/%2B15550001@trunk&extension=s', { variables: { A: 1 } })).status).toBe(400);
    expect(await ask('POST', '/ari/channels?endpoint=SIP/elsewhere&extension=s')).toMatchObject({
      status: 400,
      body: { message: 'Endpoint SIP/elsewhere is not known' },
    });
    expect((await ask('POST', '/ari/bridges?type=conference')).status).toBe(400);
    expect((await ask('POST', '/ari/applications/journey/subscription')).status).toBe(400);
  });

  it('keeps channels by the id the client chose, answers 409 for a live one, and checks hang-up reasons', async () => {
    const created = await ask('POST', '/ari/channels?endpoint=PJSIP/%2B15550001@trunk&context=journey-outbound&extension=s&channelId=call-x', {
      variables: { JOURNEY_AMD: 'no' },
    });
    expect(created).toMatchObject({ status: 200, body: { id: 'call-x', state: 'Down', dialplan: { context: 'journey-outbound', exten: 's' } } });
    expect(await ask('POST', '/ari/channels?endpoint=PJSIP/%2B15550001@trunk&context=journey-outbound&extension=s&channelId=call-x')).toMatchObject({
      status: 409,
      body: { message: 'Channel with given unique ID already exists' },
    });
    expect(asterisk.dialled.filter((d) => d.channelId === 'call-x')).toHaveLength(1);
    expect(await ask('POST', '/ari/channels/call-x/play?media=sound:hello')).toMatchObject({
      status: 409,
      body: { message: 'Channel not in Stasis application' },
    });
    expect(await ask('GET', '/ari/channels/call-x/variable?variable=AMDSTATUS')).toMatchObject({ status: 409 });
    expect((await ask('DELETE', '/ari/channels/call-x?reason=hungry')).status).toBe(400);
    expect((await ask('DELETE', '/ari/channels/call-x?reason=normal')).status).toBe(204);
    expect((await ask('DELETE', '/ari/channels/nobody')).status).toBe(404);
  });
});
