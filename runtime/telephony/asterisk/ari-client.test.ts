// The ARI client's requests and its reading of answers: basic auth, 429 and 5xx tried again with backoff, other
// errors at once with what Asterisk said, answers that break ARI's models refused.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AriClient, AriError } from './ari-client.ts';
import { AriImitation } from './ari-imitation.ts';
import { parseAriEvent } from './ari-events.ts';

describe('AriClient', () => {
  let asterisk: AriImitation;
  let client: AriClient;
  beforeAll(async () => {
    asterisk = await AriImitation.start();
    client = new AriClient({ url: `${asterisk.url}/`, user: 'journey', password: 'secret' }, { retry: { baseMs: 5, maxMs: 10 } });
  });
  afterAll(() => asterisk.close());

  it('tries again after 429 and 5xx, and gives up after its attempts with what Asterisk said', async () => {
    asterisk.failNext({ method: 'GET', path: '/ari/channels', status: 502, times: 3 });
    expect(await client.channels()).toEqual([]);
    expect(asterisk.seen('GET', '/ari/channels').map((r) => r.status)).toEqual([502, 502, 502, 200]);
    asterisk.failNext({ method: 'GET', path: '/ari/channels', status: 429, times: 4 });
    await expect(client.channels()).rejects.toThrow('Asterisk answered 429 to GET /ari/channels: Imitated failure');
  });

  it('does not try again a request Asterisk refused, and reads a channel that is gone as gone', async () => {
    const before = asterisk.requests.length;
    const refused = await client
      .originate({ channelId: 'call-y', endpoint: 'SIP/nowhere', context: 'journey-outbound', extension: 's', timeoutSeconds: 5 })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AriError);
    expect((refused as AriError).message).toBe('Asterisk answered 400 to POST /ari/channels: Endpoint SIP/nowhere is not known');
    expect((refused as AriError).passing).toBe(false);
    expect(asterisk.requests.length - before).toBe(1);
    expect(await client.hangup('call-y')).toBe('gone');
    expect(await client.channel('call-y')).toBeUndefined();
  });

  it('says a server cannot be reached, and refuses an answer that is not an ARI model', async () => {
    const odd: Server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('[{"id": 3}]'));
    await new Promise<void>((resolve) => odd.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(odd.address() as AddressInfo).port}`;
    await expect(new AriClient({ url, user: 'u', password: 'p' }).channels()).rejects.toThrow('an answer ARI does not describe (at 0.id');
    await new Promise<void>((resolve) => odd.close(() => resolve()));
    const gone = new AriClient({ url, user: 'u', password: 'p' }, { retry: { attempts: 2, baseMs: 1 } });
    await expect(gone.channels()).rejects.toThrow(/^Asterisk could not be reached to GET \/ari\/channels/);
  });
});

describe('parseAriEvent', () => {
  it('reads the events the carrier uses, skips the others and says where one breaks the model', () => {
    const channel = { id: 'call-k', name: 'PJSIP/trunk-00000001', state: 'Up', creationtime: '2026-12-03T16:27:44.123+0000' };
    const timestamp = '2026-12-03T16:27:45.000+0000';
    expect(parseAriEvent(JSON.stringify({ type: 'StasisStart', application: 'journey', timestamp, args: ['HUMAN', 'HUMAN-800-800'], channel }))).toMatchObject({
      kind: 'event',
      event: { type: 'StasisStart', args: ['HUMAN', 'HUMAN-800-800'] },
    });
    expect(parseAriEvent(JSON.stringify({ type: 'ChannelVarset', application: 'journey', timestamp, variable: 'X', value: '1' }))).toEqual({
      kind: 'skipped',
      type: 'ChannelVarset',
    });
    expect(parseAriEvent(JSON.stringify({ type: 'ChannelDestroyed', application: 'journey', timestamp, cause: '16', cause_txt: 'Normal', channel }))).toEqual({
      kind: 'problem',
      message: 'ARI event ChannelDestroyed does not match events.json at cause: Invalid input: expected number, received string',
    });
    expect(parseAriEvent('not json')).toMatchObject({ kind: 'problem', message: expect.stringContaining('not JSON') });
  });
});
