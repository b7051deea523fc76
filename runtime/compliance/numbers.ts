// Phone numbers in the one form lists and registers hold: E.164.
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';

/** The E.164 form of a phone number ("+14155550100"), reading national forms as `country`'s; undefined if unreadable. */
export function normalisePhone(text: string, country: CountryCode = 'US'): string | undefined {
  const trimmed = text.trim();
  if (/^\+[1-9]\d{7,14}$/.test(trimmed)) return trimmed;
  // Possible, not valid: a list must keep a number the metadata does not know yet, but not a stray "12345".
  const parsed = parsePhoneNumberFromString(trimmed, country);
  return parsed?.isPossible() ? parsed.number : undefined;
}
