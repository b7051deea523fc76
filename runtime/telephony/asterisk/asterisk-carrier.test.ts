// The Asterisk carrier against the ARI imitation: each fate's moments and exit, a dropped event socket, repeated
// and shuffled events, failing originates, bridging to an agent, the abandonment message and the channel limit.
// Asterisk itself cannot be reached from the test machine; the imitation is written from ARI's description.
import { afterEach, describe, expect, it } from 'vitest';
import { AriError } from './ari-client.ts';
import { AriImitation, type AriImitationOptions } from './ari-imitation.ts';
import { type AsteriskCallProgress, AsteriskCarrier, type AsteriskCarrierOptions, CarrierFullError, dialString } from './asterisk-carrier.ts';
import { resourceId } from './ids.ts';

const open: { stop(): Promise<unknown> }[] = [];
afterEach(async () => {
  for (const thing of open.splice(0).reverse()) await thing.stop();
});

async function setUp(imitation: AriImitationOptions = {}, carrier: Partial<AsteriskCarrierOptions> = {}) {
  const asterisk = await AriImitation.start({ msPerSecond: 10, ...imitation });
  open.push({ stop: () => asterisk.close() });
  const progress: AsteriskCallProgress[] = [];
  const problems: string[] = [];
  const phone = new AsteriskCarrier({
    settings: { url: asterisk.url, user: 'journey', password: 'secret', trunk: 'PJSIP/trunk', app: 'journey', context: 'journey-outbound', maxChannels: 20 },
    onProgress: (p) => progress.push(p),
    onProblem: (m) => problems.push(m),
    reorderMs: 25,
    retry: { baseMs: 5, maxMs: 20 },
    reconnect: { baseMs: 10, maxMs: 40 },
    ...carrier,
  });
  await phone.start();
  open.push(phone);
  const of = (key: string) => progress.filter((p) => p.key === key);
  const ended = (key: string) => of(key).some((p) => p.type === 'ended');
  return { asterisk, phone, progress, problems, of, ended };
}

async function until(check: () => boolean, what: string, ms = 4000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const call = (key: string, to: string | null, amd = true) => ({ key, to, callerId: '+15550100', ringSeconds: 30, amd });
const kinds = (moments: AsteriskCallProgress[]) => moments.map((m) => m.type);
const order = ['ringing', 'answered', 'greeting', 'amd', 'connected', 'ended'];

/** Each kind at most once, in the order a call lives them, at times that do not go back. */
function expectWellFormed(moments: AsteriskCallProgress[]): void {
  const ranks = moments.map((m) => order.indexOf(m.type));
  expect(ranks).toEqual([...new Set(ranks)].sort((a, b) => a - b));
  const times = moments.map((m) => m.at);
  expect(times).toEqual([...times].sort((a, b) => a - b));
}

describe('the Asterisk carrier', () => {
  it('originates into the dialplan with the call key as the channel id, and reports a person the detector heard', async () => {
    const { asterisk, phone, of, ended } = await setUp({
      fates: { '+15550001': { answer: 'person', ringMs: 20, amd: { status: 'HUMAN', cause: 'HUMAN-25-20', ms: 60 }, hangUpAfterMs: 20 } },
    });
    await phone.place(call('run-1:c1:call:1', '+15550001'));
    await until(() => ended('run-1:c1:call:1'), 'the call to end');

    const [originate] = asterisk.seen('POST', '/ari/channels');
    expect(originate).toMatchObject({
      status: 200,
      query: {
        endpoint: 'PJSIP/+15550001@trunk',
        context: 'journey-outbound',
        extension: 's',
        priority: '1',
        callerId: '+15550100',
        timeout: '30',
        channelId: resourceId('call', 'run-1:c1:call:1'),
      },
      body: { variables: { JOURNEY_AMD: 'yes', JOURNEY_CALL: 'run-1:c1:call:1' } },
    });
    expect(asterisk.seen('POST', '/ari/applications/journey/subscription')[0]!.query).toEqual({ eventSource: 'endpoint:PJSIP/trunk' });

    const moments = of('run-1:c1:call:1');
    expect(kinds(moments)).toEqual(['ringing', 'answered', 'greeting', 'amd', 'ended']);
    expectWellFormed(moments);
    const answered = moments[1]!;
    expect(moments[3]).toMatchObject({ type: 'amd', verdict: 'human', status: 'HUMAN', cause: 'HUMAN-25-20' });
    const amd = moments[3] as Extract<AsteriskCallProgress, { type: 'amd' }>;
    expect(amd.decisionMs).toBe(amd.at - answered.at);
    expect(amd.decisionMs).toBeGreaterThanOrEqual(60);
    // The greeting ended when the silence the detector waited for began.
    expect(moments[2]).toEqual({ key: 'run-1:c1:call:1', type: 'greeting', at: answered.at, endsAt: amd.at - 25 });
    expect(moments[4]).toMatchObject({ type: 'ended', exit: 'hung-up', cause: 16, causeText: 'Normal Clearing' });
    expect(phone.callsInProgress).toBe(0);
  });

  it("gives each fate its moments and exit, from the hang-up's Q.850 cause", async () => {
    const { phone, of, ended } = await setUp({
      fates: {
        '+15550010': { answer: 'machine', hangUpAfterMs: 10 },
        '+15550011': { answer: 'person', amd: { status: 'NOTSURE', cause: 'TOOLONG-5000', ms: 40 }, hangUpAfterMs: 10 },
        '+15550012': { answer: 'person', hangUpAfterMs: 10 },
        '+15550013': { fail: 'busy' },
        '+15550014': { fail: 'no-answer' },
        '+15550015': { fail: 'congestion' },
        '+15550016': { fail: 'invalid' },
        '+15550017': { fail: 'rejected', ringMs: 15 },
        '+15550018': { answer: 'person', amd: { status: 'HANGUP', cause: '', ms: 20 } },
        '+15550019': { answer: 'person', ringMs: 400 },
      },
    });
    const keys = ['machine', 'notsure', 'no-amd', 'busy', 'no-answer', 'congestion', 'invalid', 'rejected', 'hung-up-in-amd', 'rings-out', 'no-number'];
    const numbers = ['+15550010', '+15550011', '+15550012', '+15550013', '+15550014', '+15550015', '+15550016', '+15550017', '+15550018', '+15550019', null];
    await Promise.all(keys.map((key, i) => phone.place({ ...call(key, numbers[i]!, key !== 'no-amd'), ringSeconds: 10 })));
    await until(() => keys.every(ended), 'every call to end');

    for (const key of keys) expectWellFormed(of(key));
    expect(of('machine')).toMatchObject([
      { type: 'ringing' },
      { type: 'answered' },
      { type: 'greeting' },
      { type: 'amd', verdict: 'machine', status: 'MACHINE', cause: 'LONGGREETING-1600-1500' },
      { type: 'ended', exit: 'hung-up', cause: 16 },
    ]);
    expect(of('notsure')[3]).toMatchObject({ type: 'amd', verdict: 'human', status: 'NOTSURE', cause: 'TOOLONG-5000' });
    expect(kinds(of('no-amd'))).toEqual(['ringing', 'answered', 'greeting', 'ended']);
    expect(of('busy')).toMatchObject([{ type: 'ended', exit: 'busy', cause: 17, causeText: 'User busy' }]);
    expect(of('no-answer')).toMatchObject([{ type: 'ringing' }, { type: 'ended', exit: 'no-answer', cause: 19 }]);
    expect(of('congestion')).toMatchObject([{ type: 'ended', exit: 'refused', cause: 34 }]);
    expect(of('invalid')).toMatchObject([{ type: 'ended', exit: 'invalid', cause: 1 }]);
    expect(of('rejected')).toMatchObject([{ type: 'ringing' }, { type: 'ended', exit: 'refused', cause: 21, causeText: 'Call Rejected' }]);
    expect(of('hung-up-in-amd')).toMatchObject([{ type: 'ringing' }, { type: 'answered' }, { type: 'ended', exit: 'hung-up', cause: 16 }]);
    expect(of('rings-out')).toMatchObject([{ type: 'ringing' }, { type: 'ended', exit: 'no-answer', cause: 19 }]);
    expect(of('no-number')).toMatchObject([{ type: 'ended', exit: 'invalid', cause: null }]);
  });

  it('loses no call and reports none twice when the event socket drops in the middle of calls', async () => {
    const { asterisk, phone, of, ended, problems } = await setUp({
      fates: {
        // Answered before the drop, hangs up after the socket is back.
        '+15550020': { answer: 'person', ringMs: 10, hangUpAfterMs: 500 },
        // Answered, detected and still talking while the socket is down.
        '+15550021': { answer: 'person', ringMs: 120, hangUpAfterMs: 600 },
        // Ends while the socket is down.
        '+15550022': { fail: 'busy', ringMs: 150 },
        // Starts after the socket is back.
        '+15550023': { answer: 'machine', ringMs: 10, hangUpAfterMs: 10 },
      },
    });
    await phone.place(call('before', '+15550020'));
    await phone.place(call('during', '+15550021'));
    await phone.place(call('ends-while-down', '+15550022'));
    await until(() => of('before').some((m) => m.type === 'amd'), 'the first call to be detected');
    asterisk.dropSockets(300);
    await new Promise((resolve) => setTimeout(resolve, 350));
    await until(() => asterisk.seen('GET', '/ari/channels').length > 0, 'the carrier to catch up');
    await phone.place(call('after', '+15550023'));
    await until(() => ['before', 'during', 'ends-while-down', 'after'].every(ended), 'every call to end', 6000);

    for (const key of ['before', 'during', 'ends-while-down', 'after']) expectWellFormed(of(key));
    expect(kinds(of('before'))).toEqual(['ringing', 'answered', 'greeting', 'amd', 'ended']);
    // What happened while away is learnt from the channel list and the detector's variables.
    expect(of('during')).toMatchObject([
      { type: 'ringing' },
      { type: 'answered' },
      { type: 'greeting' },
      { type: 'amd', verdict: 'human', status: 'HUMAN' },
      { type: 'ended', exit: 'hung-up', cause: 16 },
    ]);
    expect(asterisk.seen('GET', `/ari/channels/${resourceId('call', 'during')}/variable`).map((r) => r.query.variable)).toEqual(['AMDSTATUS', 'AMDCAUSE']);
    // A call that ended unseen is over, though its cause is not known.
    expect(of('ends-while-down')).toMatchObject([{ type: 'ended', exit: 'no-answer', cause: null }]);
    expect(kinds(of('after'))).toEqual(['ringing', 'answered', 'greeting', 'amd', 'ended']);
    expect(asterisk.dialled).toHaveLength(4);
    expect(problems.join('\n')).toContain("ARI's event socket");
  });

  it('connects again when catching up fails, and catches up then', async () => {
    const { asterisk, phone, of, ended, problems } = await setUp({ fates: { '+15550024': { fail: 'busy', ringMs: 60 } } });
    await phone.place(call('unseen', '+15550024'));
    asterisk.failNext({ method: 'GET', path: '/ari/channels', status: 503, times: 4 });
    asterisk.dropSockets(100);
    await until(() => ended('unseen'), 'the call to end');
    expect(asterisk.seen('GET', '/ari/channels').map((r) => r.status)).toEqual([503, 503, 503, 503, 200]);
    expect(problems.join('\n')).toContain("Catching up after connecting to ARI's events failed: Asterisk answered 503 to GET /ari/channels");
    expect(of('unseen')).toMatchObject([{ type: 'ended', exit: 'no-answer', cause: null }]);
  });

  it('hangs up after a message that finished while the event socket was down', async () => {
    const { asterisk, phone, of, ended } = await setUp({ fates: { '+15550025': { answer: 'person' } }, playMs: 100 });
    await phone.place(call('message', '+15550025', false));
    await until(() => of('message').some((m) => m.type === 'greeting'), 'the call to reach the application');
    await phone.playMessage('message', 'journey/machine-message');
    asterisk.dropSockets(250);
    await until(() => ended('message'), 'the call to end');
    const channelId = resourceId('call', 'message');
    expect(asterisk.seen('GET', `/ari/playbacks/${resourceId('message', 'message')}`)).toMatchObject([{ status: 404 }]);
    expect(asterisk.seen('DELETE', `/ari/channels/${channelId}`)).toMatchObject([{ status: 204, query: { reason: 'normal' } }]);
    expect(of('message').at(-1)).toMatchObject({ type: 'ended', exit: 'hung-up' });
  });

  it('records repeated and shuffled events once each, in order', async () => {
    const { asterisk, phone, of, ended } = await setUp(
      { fates: { '+15550030': { answer: 'person', ringMs: 10, hangUpAfterMs: 10 }, '+15550031': { fail: 'no-answer' } } },
      { reorderMs: 60 },
    );
    asterisk.holdEvents();
    await phone.place(call('shuffled', '+15550030'));
    await phone.place({ ...call('rings-out', '+15550031'), ringSeconds: 3 });
    await until(() => asterisk.channels.size === 0, 'both calls to be over in the imitation');
    // Every event twice, the second copy of each after all the first ones, and each run backwards.
    asterisk.releaseEvents((texts) => [...texts].reverse().concat(texts));
    await until(() => ended('shuffled') && ended('rings-out'), 'both calls to end');
    await new Promise((resolve) => setTimeout(resolve, 100));

    expect(kinds(of('shuffled'))).toEqual(['ringing', 'answered', 'greeting', 'amd', 'ended']);
    expectWellFormed(of('shuffled'));
    expect(of('rings-out')).toMatchObject([{ type: 'ringing' }, { type: 'ended', exit: 'no-answer', cause: 19 }]);
  });

  it('never makes two calls when originating answers 429 or 5xx', async () => {
    const { asterisk, phone, of, ended } = await setUp({
      fates: { '+15550040': { answer: 'person', hangUpAfterMs: 10 }, '+15550041': { fail: 'busy', ringMs: 1 }, '+15550042': { fail: 'busy' } },
    });
    // Refused twice before it is taken.
    asterisk.failNext({ method: 'POST', path: '/ari/channels', status: 429, times: 2 });
    await phone.place(call('throttled', '+15550040'));
    // Carried out, but the answer says 503: the call exists, so it is not made again.
    asterisk.failNext({ method: 'POST', path: '/ari/channels', status: 503, after: true });
    await phone.place(call('lost-answer', '+15550040'));
    // Carried out, answered 500, and over (busy) before the retry could find its channel: its events named it.
    asterisk.failNext({ method: 'POST', path: '/ari/channels', status: 500, after: true });
    await phone.place(call('over-before-retry', '+15550041'));
    await until(() => ['throttled', 'lost-answer', 'over-before-retry'].every(ended), 'the calls to end');

    const made = (key: string) => asterisk.dialled.filter((d) => d.channelId === resourceId('call', key)).length;
    expect(asterisk.seen('POST', '/ari/channels').map((r) => r.status)).toEqual([429, 429, 200, 503, 500]);
    expect([made('throttled'), made('lost-answer'), made('over-before-retry')]).toEqual([1, 1, 1]);
    expect(kinds(of('lost-answer'))).toEqual(['ringing', 'answered', 'greeting', 'amd', 'ended']);
    expect(of('over-before-retry')).toMatchObject([{ type: 'ended', exit: 'busy' }]);

    // A trunk that keeps failing: the place is refused, nothing is reported, and the key may be placed again.
    asterisk.failNext({ method: 'POST', path: '/ari/channels', status: 503, times: 4 });
    await expect(phone.place(call('down', '+15550042'))).rejects.toThrow(AriError);
    expect(of('down')).toEqual([]);
    expect(phone.callsInProgress).toBe(0);
    await phone.place(call('down', '+15550042'));
    await until(() => ended('down'), 'the call placed again to end');
    expect(made('down')).toBe(1);
  });

  it('bridges a live answer with the agent it rings on PJSIP/agent-<id>, and tidies up when the call ends', async () => {
    const { asterisk, phone, of, ended } = await setUp({ fates: { '+15550050': { answer: 'person' } } });
    const key = 'run-1:c5:call:1';
    await phone.place(call(key, '+15550050'));
    await until(() => of(key).some((m) => m.type === 'amd'), 'the verdict');
    await phone.bridge(key, 'ada');
    await until(() => of(key).some((m) => m.type === 'connected'), 'the agent to be connected');
    expect(of(key).at(-1)).toMatchObject({ type: 'connected', agentId: 'ada' });

    const bridgeId = resourceId('bridge', key);
    expect(asterisk.seen('POST', '/ari/bridges')[0]!.query).toEqual({ type: 'mixing', bridgeId });
    expect(asterisk.seen('POST', '/ari/channels')[1]).toMatchObject({
      status: 200,
      query: { endpoint: 'PJSIP/agent-ada', app: 'journey', appArgs: 'agent', channelId: resourceId('agent', key) },
    });
    expect(asterisk.seen('POST', `/ari/bridges/${bridgeId}/addChannel`).map((r) => [r.status, r.query.channel])).toEqual([
      [204, resourceId('call', key)],
      [204, resourceId('agent', key)],
    ]);
    expect(asterisk.bridges.get(bridgeId)!.channels).toEqual([resourceId('call', key), resourceId('agent', key)]);

    await phone.cancel(key);
    await until(() => ended(key), 'the call to end');
    await until(() => asterisk.seen('DELETE', `/ari/bridges/${bridgeId}`).length === 1, 'the bridge to go');
    expect(asterisk.seen('DELETE', `/ari/channels/${resourceId('call', key)}`)[0]).toMatchObject({ status: 204, query: { reason: 'normal' } });
    expect(asterisk.seen('DELETE', `/ari/channels/${resourceId('agent', key)}`)).not.toHaveLength(0);
    expect(asterisk.channels.size).toBe(0);
    expect(kinds(of(key))).toEqual(['ringing', 'answered', 'greeting', 'amd', 'connected', 'ended']);
  });

  it('plays the abandonment message on an answered call, hears a key pressed meanwhile, and hangs up when it has played', async () => {
    const digits: [string, string][] = [];
    const { asterisk, phone, of, ended } = await setUp(
      { fates: { '+15550060': { answer: 'person' } }, playMs: 40 },
      { onDigit: (k, d) => digits.push([k, d]) },
    );
    const key = 'run-1:c6:call:1';
    await phone.place(call(key, '+15550060', false));
    await until(() => of(key).some((m) => m.type === 'greeting'), 'the call to reach the application');
    await phone.playMessage(key, 'journey/abandoned');
    asterisk.press(resourceId('call', key), '9');
    await until(() => ended(key), 'the call to end');
    expect(digits).toEqual([[key, '9']]);

    const channelId = resourceId('call', key);
    const [play] = asterisk.seen('POST', `/ari/channels/${channelId}/play`);
    expect(play).toMatchObject({ status: 201, query: { media: 'sound:journey/abandoned', playbackId: resourceId('message', key) } });
    const hangup = asterisk.requests.findIndex((r) => r.method === 'DELETE' && r.path === `/ari/channels/${channelId}`);
    expect(hangup).toBeGreaterThan(asterisk.requests.indexOf(play!));
    expect(of(key).at(-1)).toMatchObject({ type: 'ended', exit: 'hung-up', cause: 16 });
    await expect(phone.playMessage(key, 'journey/abandoned')).rejects.toThrow('is not in progress');
  });

  it("refuses a call beyond the trunk's channels until one is free", async () => {
    const { asterisk, phone, ended } = await setUp(
      { fates: { '+15550070': { answer: 'person', ringMs: 10_000 }, '+15550071': { fail: 'busy', ringMs: 50 } } },
      {},
    );
    const limited = new AsteriskCarrier({
      settings: { url: asterisk.url, user: 'journey', password: 'secret', trunk: 'PJSIP/trunk', app: 'journey', context: 'journey-outbound', maxChannels: 2 },
      onProgress: () => {},
      reorderMs: 5,
    });
    await limited.start();
    open.push(limited);
    expect(limited.maxConcurrentCalls).toBe(2);
    await limited.place(call('one', '+15550070'));
    await limited.place(call('two', '+15550071'));
    await limited.place(call('one', '+15550070')); // the same call: no new channel
    await expect(limited.place(call('three', '+15550070'))).rejects.toThrow(CarrierFullError);
    await expect(limited.place(call('three', '+15550070'))).rejects.toThrow("the trunk's 2 channels (ASTERISK_MAX_CHANNELS) are all in use");
    expect(asterisk.dialled).toHaveLength(2);
    await until(() => limited.callsInProgress === 1, 'the busy call to end');
    await limited.place(call('three', '+15550070'));
    expect(asterisk.dialled.map((d) => d.channelId)).toEqual(['one', 'two', 'three'].map((k) => resourceId('call', k)));
    expect(ended('one')).toBe(false);
    void phone;
  });

  it('says why it cannot start with a wrong password', async () => {
    const { asterisk } = await setUp();
    const wrong = new AsteriskCarrier({
      settings: { url: asterisk.url, user: 'journey', password: 'wrong', trunk: 'PJSIP/trunk', app: 'journey', context: 'journey-outbound', maxChannels: 2 },
      onProgress: () => {},
    });
    await expect(wrong.start()).rejects.toThrow("ARI's event socket answered 401 (check ASTERISK_ARI_USER and ASTERISK_ARI_PASSWORD)");
    await wrong.stop();
  });
});

describe('dialString', () => {
  it('dials PJSIP as number@endpoint and other technologies as trunk/number, and refuses what is not a number', () => {
    expect(dialString('PJSIP/trunk', '+15550001')).toBe('PJSIP/+15550001@trunk');
    expect(dialString('IAX2/provider', '+15550001')).toBe('IAX2/provider/+15550001');
    expect(() => dialString('PJSIP/trunk', '555-0001')).toThrow('Number "555-0001" cannot be dialled');
  });
});
