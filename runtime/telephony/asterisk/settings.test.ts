// Reading the Asterisk settings: none, all, or an error that names each missing or wrong one.
import { describe, expect, it } from 'vitest';
import { asteriskSettingsFromEnv } from './settings.ts';

const complete = {
  ASTERISK_ARI_URL: 'http://pbx.example:8088/',
  ASTERISK_ARI_USER: 'journey',
  ASTERISK_ARI_PASSWORD: 'secret',
  ASTERISK_TRUNK: 'PJSIP/trunk',
};

describe('asteriskSettingsFromEnv', () => {
  it('gives nothing when no Asterisk setting is set, so calls stay simulated', () => {
    expect(asteriskSettingsFromEnv({ PATH: '/usr/bin', ASTERISK_TRUNK: '  ' })).toEqual({ ok: true, settings: undefined });
  });

  it('reads the settings with their defaults', () => {
    expect(asteriskSettingsFromEnv(complete)).toEqual({
      ok: true,
      settings: {
        url: 'http://pbx.example:8088',
        user: 'journey',
        password: 'secret',
        trunk: 'PJSIP/trunk',
        app: 'journey',
        context: 'journey-outbound',
        maxChannels: 10,
      },
    });
    const custom = asteriskSettingsFromEnv({ ...complete, ASTERISK_ARI_APP: 'dialer', ASTERISK_CONTEXT: 'outbound', ASTERISK_MAX_CHANNELS: '30' });
    expect(custom).toMatchObject({ ok: true, settings: { app: 'dialer', context: 'outbound', maxChannels: 30 } });
  });

  it('names each missing setting when only some are set', () => {
    expect(asteriskSettingsFromEnv({ ASTERISK_ARI_URL: 'http://pbx.example:8088' })).toEqual({
      ok: false,
      error: 'The Asterisk settings are incomplete or wrong: ASTERISK_ARI_USER, ASTERISK_ARI_PASSWORD, ASTERISK_TRUNK are not set.',
    });
    expect(asteriskSettingsFromEnv({ ASTERISK_MAX_CHANNELS: '4' })).toMatchObject({
      ok: false,
      error: expect.stringContaining('ASTERISK_ARI_URL, ASTERISK_ARI_USER, ASTERISK_ARI_PASSWORD, ASTERISK_TRUNK are not set'),
    });
    expect(asteriskSettingsFromEnv({ ...complete, ASTERISK_ARI_PASSWORD: '' })).toMatchObject({
      ok: false,
      error: expect.stringContaining('ASTERISK_ARI_PASSWORD is not set'),
    });
  });

  it('says what is wrong with each value', () => {
    const result = asteriskSettingsFromEnv({
      ...complete,
      ASTERISK_ARI_URL: 'pbx.example:8088/ari',
      ASTERISK_TRUNK: 'trunk',
      ASTERISK_ARI_APP: 'my app',
      ASTERISK_MAX_CHANNELS: '2.5',
    });
    expect(result.ok).toBe(false);
    const error = result.ok ? '' : result.error;
    expect(error).toContain('ASTERISK_ARI_URL must be an http:// or https:// address (got "pbx.example:8088/ari")');
    expect(error).toContain('ASTERISK_TRUNK must be an endpoint as TECH/name, such as PJSIP/trunk (got "trunk")');
    expect(error).toContain('ASTERISK_ARI_APP must be letters, digits, - or _ (got "my app")');
    expect(error).toContain('ASTERISK_MAX_CHANNELS must be a whole number of channels, 1 or more (got "2.5")');
    expect(asteriskSettingsFromEnv({ ...complete, ASTERISK_ARI_URL: 'http://pbx.example:8088/ari' })).toMatchObject({
      ok: false,
      error: expect.stringContaining("ASTERISK_ARI_URL is the HTTP server's address without /ari"),
    });
    expect(asteriskSettingsFromEnv({ ...complete, ASTERISK_MAX_CHANNELS: '0' })).toMatchObject({ ok: false });
  });
});
