// Which do-not-contact lists an agent's outcome puts a contact on: the step's own settings over the obvious defaults.
import { defaultOutcomeMeanings, type OutcomeMeaning } from '../../schemas/nodes/dialer.ts';
import type { NodeConfig } from '../../schemas/catalogue.ts';
import type { Channel } from '../compliance/hours.ts';

const channelsOf: Record<OutcomeMeaning, Channel[]> = {
  'do-not-call': ['voice'],
  'do-not-text': ['sms'],
  'do-not-email': ['email'],
  'do-not-contact': ['voice', 'sms', 'email'],
  nothing: [],
};

/** The channels an outcome opts the contact out of; outcomes are matched without regard to case or spaces. */
export function outcomeOptOuts(config: Pick<NodeConfig<'dialer'>, 'outcomeMeanings'>, outcome: string): Channel[] {
  const name = outcome.trim().toLowerCase();
  const own = Object.entries(config.outcomeMeanings ?? {}).find(([key]) => key.trim().toLowerCase() === name)?.[1];
  const meaning = own ?? defaultOutcomeMeanings[name];
  return meaning ? channelsOf[meaning] : [];
}
