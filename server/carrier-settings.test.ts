import { afterEach, describe, expect, it, vi } from 'vitest';
import { carrierFromEnvironment, playableCarrier } from './carrier-settings.ts';
import { main } from './cli/main.ts';
import { memoryIo } from './cli/test-io.ts';

const account = { TWILIO_ACCOUNT_SID: `AC${'1'.repeat(32)}`, TWILIO_AUTH_TOKEN: 'secret', JOURNEY_PUBLIC_URL: 'https://journeys.example.com' };
const asterisk = { ASTERISK_ARI_URL: 'http://pbx.internal:8088', ASTERISK_ARI_USER: 'journeys', ASTERISK_ARI_PASSWORD: 'pw', ASTERISK_TRUNK: 'PJSIP/trunk' };

describe('the carrier of live calls', () => {
  afterEach(() => vi.unstubAllEnvs());

  it('is simulated unless one is set up, and Twilio when its account and caller id are', () => {
    expect(carrierFromEnvironment({})).toEqual({ kind: 'simulated' });
    // An account set up for texts alone keeps calls simulated.
    expect(carrierFromEnvironment({ ...account, TWILIO_FROM: '+12025550100' })).toEqual({ kind: 'simulated' });
    expect(carrierFromEnvironment({ ...account, TWILIO_CALLER_ID: '+12025550100', TWILIO_MAX_CALLS: '20' })).toEqual({
      kind: 'twilio',
      settings: {
        accountSid: account.TWILIO_ACCOUNT_SID,
        authToken: 'secret',
        callerId: '+12025550100',
        publicUrl: 'https://journeys.example.com',
        maxConcurrentCalls: 20,
      },
    });
    expect(carrierFromEnvironment(asterisk)).toMatchObject({ kind: 'asterisk', settings: { trunk: 'PJSIP/trunk' } });
  });

  it('stops a process that would play live runs on an Asterisk set up in full, which the dialer cannot call through yet', () => {
    expect(() => playableCarrier(carrierFromEnvironment(asterisk))).toThrow(/cannot yet place the dialer's calls through Asterisk/);
    expect(playableCarrier(carrierFromEnvironment({}))).toEqual({ kind: 'simulated' });
  });

  it.each([
    [{ TWILIO_ACCOUNT_SID: account.TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN: 'secret' }, /TWILIO_ACCOUNT_SID is set but TWILIO_CALLER_ID is not/],
    [
      { TWILIO_ACCOUNT_SID: account.TWILIO_ACCOUNT_SID, TWILIO_CALLER_ID: '+12025550100', JOURNEY_PUBLIC_URL: 'https://x.example' },
      /but TWILIO_AUTH_TOKEN is not/,
    ],
    [{ TWILIO_CALLER_ID: '+12025550100' }, /but TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN are not/],
    [{ ...account, TWILIO_CALLER_ID: '+12025550100', JOURNEY_PUBLIC_URL: '' }, /need JOURNEY_PUBLIC_URL/],
    [{ ...account, TWILIO_CALLER_ID: '2025550100' }, /TWILIO_CALLER_ID must be a number in E\.164 form/],
    [{ ...account, TWILIO_CALLER_ID: '+12025550100', TWILIO_MAX_CALLS: 'many' }, /TWILIO_MAX_CALLS must be a whole number/],
    [{ ASTERISK_ARI_URL: asterisk.ASTERISK_ARI_URL }, /ASTERISK_ARI_URL is set but ASTERISK_ARI_USER and ASTERISK_ARI_PASSWORD and ASTERISK_TRUNK are not/],
    [{ ...asterisk, ASTERISK_ARI_PASSWORD: '' }, /but ASTERISK_ARI_PASSWORD is not/],
    [{ ...asterisk, ASTERISK_TRUNK: '' }, /but ASTERISK_TRUNK is not/],
    [{ ...account, TWILIO_CALLER_ID: '+12025550100', ...asterisk }, /Both Twilio .* and Asterisk/],
  ])('refuses a carrier half set up, naming what is missing (%o)', (env, message) => {
    expect(() => carrierFromEnvironment(env)).toThrow(message);
  });

  it('stops journey serve with a non-zero exit and the missing setting named', async () => {
    for (const [name, value] of Object.entries({ TWILIO_ACCOUNT_SID: account.TWILIO_ACCOUNT_SID, TWILIO_CALLER_ID: '+12025550100', TWILIO_AUTH_TOKEN: '' })) {
      vi.stubEnv(name, value);
    }
    const first = memoryIo();
    expect(await main(['serve', '--port', '0', '--database', ':memory:'], first.io)).toBe(1);
    expect(first.stderr()).toMatch(/^journey serve: TWILIO_CALLER_ID is set but TWILIO_AUTH_TOKEN is not/);

    vi.unstubAllEnvs();
    vi.stubEnv('ASTERISK_ARI_URL', asterisk.ASTERISK_ARI_URL);
    vi.stubEnv('ASTERISK_ARI_USER', 'journeys');
    const again = memoryIo();
    expect(await main(['serve', '--port', '0', '--database', ':memory:'], again.io)).toBe(1);
    expect(again.stderr()).toMatch(/but ASTERISK_ARI_PASSWORD and ASTERISK_TRUNK are not/);
  });
});
