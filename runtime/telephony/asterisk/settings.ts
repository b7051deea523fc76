// The Asterisk server's settings, read from the environment: where its REST interface is, who we are to it, and the
// trunk calls go out through.

export interface AsteriskSettings {
  /** The HTTP server's address, without `/ari` (`http://pbx.example:8088`). */
  url: string;
  /** The ARI user of `ari.conf` and its password (HTTP basic auth, and `api_key` on the event socket). */
  user: string;
  password: string;
  /** The endpoint calls go out through (`PJSIP/trunk`). */
  trunk: string;
  /** The Stasis application, the first argument of `Stasis()` in the dialplan. */
  app: string;
  /** The dialplan context calls are originated into (`docs/asterisk/extensions.conf`). */
  context: string;
  /** The trunk's channel count: the most calls in progress at once. */
  maxChannels: number;
}

export const asteriskDefaults = { app: 'journey', context: 'journey-outbound', maxChannels: 10 } as const;

/** The settings a server needs; the others have defaults. */
const required = ['ASTERISK_ARI_URL', 'ASTERISK_ARI_USER', 'ASTERISK_ARI_PASSWORD', 'ASTERISK_TRUNK'] as const;
const optional = ['ASTERISK_ARI_APP', 'ASTERISK_CONTEXT', 'ASTERISK_MAX_CHANNELS'] as const;

export type AsteriskSettingsResult = { ok: true; settings: AsteriskSettings | undefined } | { ok: false; error: string };

/**
 * The settings in `env`: none when no Asterisk setting is set (calls stay simulated), the settings when the required
 * ones are all there and every value is sound, else an error that names each missing or wrong setting.
 */
export function asteriskSettingsFromEnv(env: Record<string, string | undefined>): AsteriskSettingsResult {
  const given = (name: string) => {
    const value = env[name]?.trim();
    return value ? value : undefined;
  };
  if (![...required, ...optional].some((name) => given(name) !== undefined)) return { ok: true, settings: undefined };

  const problems: string[] = [];
  const missing = required.filter((name) => given(name) === undefined);
  if (missing.length > 0) problems.push(`${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not set`);

  const url = given('ASTERISK_ARI_URL');
  if (url !== undefined) {
    let parsed: URL | undefined;
    try {
      parsed = new URL(url);
    } catch {
      // reported below
    }
    if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
      problems.push(`ASTERISK_ARI_URL must be an http:// or https:// address (got ${JSON.stringify(url)})`);
    } else if (/\/ari\/?$/.test(parsed.pathname)) {
      problems.push(`ASTERISK_ARI_URL is the HTTP server's address without /ari (got ${JSON.stringify(url)})`);
    }
  }
  const trunk = given('ASTERISK_TRUNK');
  if (trunk !== undefined && !/^[A-Za-z0-9]+\/[^/\s@]+$/.test(trunk)) {
    problems.push(`ASTERISK_TRUNK must be an endpoint as TECH/name, such as PJSIP/trunk (got ${JSON.stringify(trunk)})`);
  }
  const app = given('ASTERISK_ARI_APP') ?? asteriskDefaults.app;
  if (!/^[A-Za-z0-9_-]+$/.test(app)) problems.push(`ASTERISK_ARI_APP must be letters, digits, - or _ (got ${JSON.stringify(app)})`);
  const context = given('ASTERISK_CONTEXT') ?? asteriskDefaults.context;
  if (!/^[A-Za-z0-9_-]+$/.test(context)) problems.push(`ASTERISK_CONTEXT must be letters, digits, - or _ (got ${JSON.stringify(context)})`);
  const channels = given('ASTERISK_MAX_CHANNELS');
  const maxChannels = channels === undefined ? asteriskDefaults.maxChannels : Number(channels);
  if (!Number.isInteger(maxChannels) || maxChannels < 1) {
    problems.push(`ASTERISK_MAX_CHANNELS must be a whole number of channels, 1 or more (got ${JSON.stringify(channels)})`);
  }

  if (problems.length > 0) return { ok: false, error: `The Asterisk settings are incomplete or wrong: ${problems.join('; ')}.` };
  return {
    ok: true,
    settings: {
      url: url!.replace(/\/+$/, ''),
      user: given('ASTERISK_ARI_USER')!,
      password: given('ASTERISK_ARI_PASSWORD')!,
      trunk: trunk!,
      app,
      context,
      maxChannels,
    },
  };
}
