// The floor under a journey's gates: every call, text and email is checked against all of the rules of the number's
// country (else of the journey's profile) at the moment it goes out (hours, holidays, the do-not-contact lists, the
// national register and its age, consent, frequency caps), and against the countries the journey may call. Gates are
// where a journey decides what to do about a contact; this check is what no journey can skip.
import type { ComplianceCheck, Finding } from '../compliance/gate.ts';
import { evaluateCompliance } from '../compliance/gate.ts';
import type { Channel } from '../compliance/hours.ts';
import { allProfilesNeeds, loadComplianceData } from '../store/repositories/compliance.ts';
import { dncKey, doNotContactOfContacts, scopeOfRun } from '../store/repositories/permissions.ts';
import type { Executor } from '../store/dialect.ts';
import type { ContactView } from '../nodes/types.ts';
import { timelineOf, type RunContext } from './run-context.ts';

export const lastCheckRules: readonly ComplianceCheck[] = ['hours', 'holidays', 'dnc', 'consent', 'frequency'];

/** Why a send may not go now: the rule, which of the checks it belongs to, and words for the event and the manager. */
export interface Refusal {
  /** `hours`, `holidays`, `dnc`, `consent`, `frequency` or `redial`. */
  check: string;
  rule: string;
  reason: string;
  action: 'block' | 'defer';
  /** For a rule of time: the moment it would allow the send. */
  until?: number;
}

export interface LastCheckOptions {
  /** The send's own outbox row, so that it and the sends queued after it do not count against its frequency cap. */
  outboxId?: number;
  /** A dialer that holds an agent for this call may call again soon after an abandoned call (UK). */
  agentGuaranteed?: boolean;
  /** For calls: outside hours holds the contact for the window to open rather than refusing it. */
  outsideHours?: 'defer' | 'refuse';
}

export type LastCheck = (contact: ContactView, channel: Channel, at: number, options?: LastCheckOptions) => Refusal | undefined;

/** Loads, for a batch of contacts of one run, what the check needs; then answers per contact without I/O. */
export async function prepareLastCheck(db: Executor, context: RunContext, contacts: readonly ContactView[], now: number): Promise<LastCheck> {
  const profile = context.journey.settings.compliance;
  const data = await loadComplianceData(db, allProfilesNeeds(), timelineOf(context), contacts, now);
  const dnc = await doNotContactOfContacts(db, scopeOfRun(context.run), contacts);
  return (contact, channel, at, options = {}) => {
    const evaluation = evaluateCompliance({
      channel,
      profile,
      ...(context.journey.settings.countries && { countries: context.journey.settings.countries }),
      checks: lastCheckRules,
      outsideHours: options.outsideHours ?? 'refuse',
      contact,
      defaultTimezone: context.journey.settings.timezone,
      now: at,
      isDoNotContact: (ch, value) => dnc.has(dncKey(ch, value)),
      ...(data.registry && { registry: data.registry }),
      ...(data.history && { history: options.outboxId !== undefined && data.historyBefore ? data.historyBefore(options.outboxId) : data.history }),
      ...(options.agentGuaranteed !== undefined && { agentGuaranteed: options.agentGuaranteed }),
    });
    const first = evaluation.findings[0];
    if (!first) return undefined;
    if (first.action === 'defer') {
      // Held rather than refused: the latest of the rules of time decides when it may go.
      const longest = evaluation.findings.reduce((a, b) => ((b.until ?? 0) > (a.until ?? 0) ? b : a));
      return refusal(longest, Math.max(evaluation.nextAllowedAt ?? longest.until ?? at, at + 1));
    }
    return refusal(first);
  };
}

function refusal(finding: Finding, until?: number): Refusal {
  return { check: checkOf(finding.rule), rule: finding.rule, reason: finding.reason, action: finding.action, ...(until !== undefined && { until }) };
}

/** `US.dnc.internal` → dnc, `US-FL.hours` → hours, `UK.redial.abandoned` → redial, `countries.not-allowed` → countries. */
function checkOf(rule: string): string {
  if (rule.startsWith('countries.')) return 'countries';
  return rule.split('.')[1] ?? rule;
}
