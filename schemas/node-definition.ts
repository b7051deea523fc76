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
}

export function defineNode<const K extends string, C extends z.ZodType>(def: NodeDefinition<K, C>): NodeDefinition<K, C> {
  return def;
}
