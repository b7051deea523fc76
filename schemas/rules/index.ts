// The rules of a journey's shape, in the order their problems are reported, each with the severity it gives.
import { danglingExits } from './dangling-exits.ts';
import { detectorOverCap } from './detector-over-cap.ts';
import type { GraphRule } from './graph.ts';
import { loopsWithoutWait } from './loops-without-wait.ts';
import { missingHelpContact } from './missing-help-contact.ts';
import { startSteps } from './start-steps.ts';
import { stepsLeadingToStart } from './steps-leading-to-start.ts';
import { unguardedChannelSteps } from './unguarded-channel-steps.ts';
import { unknownExits } from './unknown-exits.ts';
import { unknownReferences } from './unknown-references.ts';
import { unreachableSteps } from './unreachable-steps.ts';

export { stepName, type Finding, type GraphRule, type GraphStep, type JourneyGraph } from './graph.ts';

/** An error, a warning, or refused: an error, except for a journey published before the rule, for which it is a warning. */
export type RuleSeverity = 'error' | 'warning' | 'refused';

export interface RuleEntry {
  rule: GraphRule;
  severity: RuleSeverity;
}

/** The rules on how steps connect, checked before what templates read. */
export const graphRules: readonly RuleEntry[] = [
  { rule: unknownExits, severity: 'error' },
  { rule: startSteps, severity: 'error' },
  { rule: stepsLeadingToStart, severity: 'error' },
  { rule: unreachableSteps, severity: 'error' },
  { rule: loopsWithoutWait, severity: 'error' },
  { rule: danglingExits, severity: 'warning' },
  // Every journey has a compliance profile, so a channel step no gate guards is refused, not merely noted.
  { rule: unguardedChannelSteps, severity: 'refused' },
  { rule: unknownReferences, severity: 'warning' },
];

/** The rules checked after what templates read. */
export const settingsRules: readonly RuleEntry[] = [
  { rule: missingHelpContact, severity: 'warning' },
  { rule: detectorOverCap, severity: 'warning' },
];
