// What an SMS reply asks for under a profile's opt-out rules: to stop, to start again, or for help.
import type { ComplianceProfileId } from '../../schemas/compliance-profiles.ts';
import { profiles } from './profiles/index.ts';

export type KeywordKind = 'opt-out' | 'opt-in' | 'help';

/**
 * The keyword a reply consists of, and what it asks. The whole reply counts when it is a keyword once spaces and
 * punctuation are dropped ("Opt out", "STOP!"), else its first word ("stop texting me"), as carriers read replies.
 */
export function smsKeyword(text: string, profile: ComplianceProfileId): { keyword: string; kind: KeywordKind } | undefined {
  const rules = profiles[profile].optOut;
  const whole = text.toUpperCase().replace(/[^A-Z]/g, '');
  const first =
    text
      .trim()
      .split(/\s+/)[0]
      ?.toUpperCase()
      .replace(/[^A-Z]/g, '') ?? '';
  for (const word of [whole, first]) {
    if (rules.optOutKeywords.includes(word)) return { keyword: word, kind: 'opt-out' };
    if (rules.optInKeywords.includes(word)) return { keyword: word, kind: 'opt-in' };
    if (rules.helpKeywords.includes(word)) return { keyword: word, kind: 'help' };
  }
  return undefined;
}

/**
 * The answer to a HELP reply: who is texting, how to reach them (the journey's `helpContact`, when it gives one) and
 * how to stop or restart, as carriers' messaging rules (CTIA) ask. It names the journey, the one sender the contact
 * can recognise.
 */
export function helpReply(profile: ComplianceProfileId, sender: string, helpContact?: string): string {
  const rules = profiles[profile].optOut;
  const stop = rules.optOutKeywords[0] ?? 'STOP';
  const start = rules.optInKeywords[0];
  const reach = helpContact ? ` For help, ${helpContact.replace(/[.\s]+$/, '')}.` : '';
  return `${sender}:${reach} Reply ${stop} to stop these messages${start ? `, ${start} to receive them again` : ''}. Message and data rates may apply.`;
}
