// The shape of a node kind's definition: the one place a kind is described for the validator, the editor and the runtime.
import type { z } from 'zod';

/** How the editor's inspector should present a config field. */
export type Widget =
  | 'text'
  | 'textarea'
  | 'template'
  | 'number'
  | 'percent'
  | 'boolean'
  | 'select'
  | 'duration'
  | 'time-of-day'
  | 'weekdays'
  | 'timezone'
  | 'datetime'
  | 'queue'
  | 'contact-list'
  | 'compliance-profile'
  | 'url'
  | 'phone'
  | 'event-type'
  | 'rules'
  | 'branches'
  | 'links'
  | 'key-values'
  | 'outcome-meanings'
  | 'group';

declare module 'zod' {
  interface GlobalMeta {
    /** Inspector widget for this field. */
    widget?: Widget;
    /** Unit shown next to a number (e.g. "seconds"). */
    unit?: string;
    /** Plain-language labels for the values of an enum, in the same order. */
    optionLabels?: Record<string, string>;
  }
}

export type NodeCategory = 'entry' | 'compliance' | 'channel' | 'timing' | 'logic' | 'integration' | 'exit';

export const categoryLabels: Record<NodeCategory, string> = {
  entry: 'Start',
  compliance: 'Compliance',
  channel: 'Reach the contact',
  timing: 'Timing',
  logic: 'Decide',
  integration: 'Connect systems',
  exit: 'Finish',
};

export type Channel = 'voice' | 'sms' | 'email';

export interface NodeDefinition<K extends string = string, C extends z.ZodType = z.ZodType> {
  kind: K;
  /** Short name shown in the palette and in messages ("The SMS step 'reminder' ..."). */
  label: string;
  /** One or two sentences a manager understands. */
  description: string;
  category: NodeCategory;
  /** Icon name (lucide naming) the editor renders. */
  icon: string;
  /** The channel this step reaches the contact on; such steps should sit behind a compliance gate for it. */
  channel?: Channel;
  config: C;
  /** Output ports: fixed, or derived from the config (branch, split). */
  ports: readonly string[] | ((config: z.output<C>) => string[]);
  /** Plain labels for fixed ports, shown on the canvas handles. */
  portLabels?: Record<string, string>;
  /** One line that tells what this step does with this config, for the canvas and the diff. */
  summary: (config: z.output<C>) => string;

  // Traits: what the journey's rules (schemas/rules/) and the runtime need to know of a kind, declared here so that they
  // never ask which kind a step is. Functions of the config are called only with a valid config.
  /** Contacts enter the journey here: a journey has exactly one such step, and no step leads back to it. */
  entry?: true;
  /** The step holds the contact for a while (a time, a reaction): a loop through it does not spin. */
  pauses?: true;
  /** The exit a contact takes when the step's wait is over (its time is up); steps without it leave by "out". */
  timerPort?: string;
  /** A gate for a channel: contacts leaving by `port` were checked for the channel the config names. */
  guards?: { channel: (config: z.output<C>) => Channel; port: string };
  /** Names of the tracked links the step declares, which a wait for a click can name. */
  declaresLinks?: (config: z.output<C>) => string[];
  /** The link whose click the step waits for, if it names one. */
  awaitsLink?: (config: z.output<C>) => string | undefined;
  /** The fields the step's conditions read, each with its path in the config and where it is in words ("rule 1, condition 2"). */
  conditionFields?: (config: z.output<C>) => { path: (string | number)[]; field: string; where: string }[];
  /** The attribute the step saves for later steps to read, if any. */
  savesAttribute?: (config: z.output<C>) => string | undefined;
  /** The contact list the step takes its contacts from, if any. */
  audienceList?: (config: z.output<C>) => string | undefined;
}

export function defineNode<const K extends string, C extends z.ZodType>(def: NodeDefinition<K, C>): NodeDefinition<K, C> {
  return def;
}
