// Which carrier live calls go through, from the environment, checked when the server starts: a carrier half set up
// stops the server with the setting that is missing, rather than leaving live calls simulated unnoticed.
import type { TwilioVoiceSettings } from '../runtime/telephony/twilio-voice.ts';

export interface AsteriskSettings {
  ariUrl: string;
  user: string;
  password: string;
  trunk: string;
}

/** The carrier of live calls: simulated (the default, and always for simulated runs), Twilio or Asterisk. */
export type CarrierChoice = { kind: 'simulated' } | { kind: 'twilio'; settings: TwilioVoiceSettings } | { kind: 'asterisk'; settings: AsteriskSettings };

export class CarrierSettingsError extends Error {}

const twilioVoiceNames = ['TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN', 'TWILIO_CALLER_ID'] as const;
const asteriskNames = ['ASTERISK_ARI_URL', 'ASTERISK_ARI_USER', 'ASTERISK_ARI_PASSWORD', 'ASTERISK_TRUNK'] as const;

/**
 * The carrier the environment names. Twilio's voice is on with TWILIO_CALLER_ID (TWILIO_ACCOUNT_SID and
 * TWILIO_AUTH_TOKEN are shared with texts, which TWILIO_FROM turns on: an account set up for texts alone keeps calls
 * simulated); Asterisk with ASTERISK_ARI_URL. Throws, naming what is missing, on a carrier half set up.
 */
export function carrierFromEnvironment(env: NodeJS.ProcessEnv = process.env): CarrierChoice {
  const set = (name: string) => (env[name] ?? '') !== '';
  const missing = (names: readonly string[]) => names.filter((n) => !set(n));
  const twilioAccount = set('TWILIO_ACCOUNT_SID') || set('TWILIO_AUTH_TOKEN');
  if (twilioAccount && !set('TWILIO_CALLER_ID') && !set('TWILIO_FROM')) {
    throw new CarrierSettingsError(
      `${set('TWILIO_ACCOUNT_SID') ? 'TWILIO_ACCOUNT_SID' : 'TWILIO_AUTH_TOKEN'} is set but TWILIO_CALLER_ID is not: set TWILIO_CALLER_ID (the number calls come from) for calls through Twilio, or TWILIO_FROM for texts alone`,
    );
  }
  const twilio = set('TWILIO_CALLER_ID');
  if (twilio) {
    const lacking = missing(twilioVoiceNames);
    if (lacking.length)
      throw new CarrierSettingsError(
        `TWILIO_CALLER_ID is set but ${lacking.join(' and ')} ${lacking.length > 1 ? 'are' : 'is'} not: calls through Twilio need all of ${twilioVoiceNames.join(', ')}`,
      );
    if (!set('JOURNEY_PUBLIC_URL')) {
      throw new CarrierSettingsError('Calls through Twilio need JOURNEY_PUBLIC_URL: the address at which Twilio reaches /hooks/twilio/voice/ on this server');
    }
    if (!/^\+[1-9]\d{1,14}$/.test(env.TWILIO_CALLER_ID!)) {
      throw new CarrierSettingsError(`TWILIO_CALLER_ID must be a number in E.164 form such as +12025550100, not "${env.TWILIO_CALLER_ID}"`);
    }
  }
  const asterisk = asteriskNames.some(set);
  if (asterisk) {
    const lacking = missing(asteriskNames);
    if (lacking.length) {
      const given = asteriskNames.filter(set);
      throw new CarrierSettingsError(
        `${given.join(' and ')} ${given.length > 1 ? 'are' : 'is'} set but ${lacking.join(' and ')} ${lacking.length > 1 ? 'are' : 'is'} not: calls through Asterisk need all of ${asteriskNames.join(', ')}`,
      );
    }
  }
  if (twilio && asterisk)
    throw new CarrierSettingsError(
      'Both Twilio (TWILIO_CALLER_ID) and Asterisk (ASTERISK_ARI_URL) are set up for calls: live calls go through one carrier; unset one',
    );
  if (twilio) {
    const max = env.TWILIO_MAX_CALLS;
    if (max !== undefined && max !== '' && !(Number.isInteger(Number(max)) && Number(max) > 0)) {
      throw new CarrierSettingsError(`TWILIO_MAX_CALLS must be a whole number of calls under way at once, such as 100, not "${max}"`);
    }
    return {
      kind: 'twilio',
      settings: {
        accountSid: env.TWILIO_ACCOUNT_SID!,
        authToken: env.TWILIO_AUTH_TOKEN!,
        callerId: env.TWILIO_CALLER_ID!,
        publicUrl: env.JOURNEY_PUBLIC_URL!,
        ...(env.TWILIO_API_URL && { apiUrl: env.TWILIO_API_URL }),
        ...(max && { maxConcurrentCalls: Number(max) }),
      },
    };
  }
  if (asterisk) {
    return {
      kind: 'asterisk',
      settings: { ariUrl: env.ASTERISK_ARI_URL!, user: env.ASTERISK_ARI_USER!, password: env.ASTERISK_ARI_PASSWORD!, trunk: env.ASTERISK_TRUNK! },
    };
  }
  return { kind: 'simulated' };
}

/**
 * The carrier this version can place live calls through: the Asterisk client (`runtime/telephony/asterisk/`) is not
 * yet wired to the dialer, so an Asterisk set up in full stops a process that would play live runs rather than leave
 * its calls simulated unnoticed.
 */
export function playableCarrier(choice: CarrierChoice): Exclude<CarrierChoice, { kind: 'asterisk' }> {
  if (choice.kind !== 'asterisk') return choice;
  throw new CarrierSettingsError(
    `ASTERISK_ARI_URL (${choice.settings.ariUrl}) is set, but this version cannot yet place the dialer's calls through Asterisk: unset the ASTERISK_ settings, or use Twilio`,
  );
}
