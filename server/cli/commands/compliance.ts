// `journey compliance check`: may a number be reached on a channel at a moment, under which rules, and if not, when.
import { parseArgs } from 'node:util';
import type { ComplianceCheckResult } from '../../../runtime/compliance/check.ts';
import { complianceProfileIds, type ComplianceProfileId } from '../../../schemas/compliance-profiles.ts';
import { UsageError, type Io } from '../io.ts';
import { complianceReportCommand, complianceReportHelp } from './compliance-report.ts';
import { complianceRulesCommand, complianceRulesHelp } from './compliance-rules.ts';

export const complianceHelp = `journey compliance check --profile P --channel C --phone E164 [--state S] [--postal-code Z] [--timezone Z] --at ISO [--json]
  Says whether calling hours and holidays allow reaching the number on the channel (voice, sms or email) at the
  moment, under the profile (${complianceProfileIds.join(', ')}) and the contact's state rules; if not, why and the
  next allowed moment. Prints { allowed, reasons, nextAllowedAt, timezones } with --json. Exits 0 when allowed, 1 when not.

${complianceReportHelp}

${complianceRulesHelp}`;

const channels = ['voice', 'sms', 'email'] as const;

export async function complianceCommand(args: string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'report') return complianceReportCommand(rest, io);
  if (sub === 'rules') return complianceRulesCommand(rest, io);
  if (sub !== 'check')
    throw new UsageError(
      sub ? `unknown subcommand "${sub}"; use "check", "report" or "rules"` : 'journey compliance needs a subcommand: check, report or rules',
    );
  const { values } = parseArgs({
    args: rest,
    options: {
      profile: { type: 'string' },
      channel: { type: 'string', default: 'voice' },
      phone: { type: 'string' },
      email: { type: 'string' },
      state: { type: 'string' },
      'postal-code': { type: 'string' },
      timezone: { type: 'string' },
      at: { type: 'string' },
      json: { type: 'boolean' },
    },
  });
  if (!values.profile || !(complianceProfileIds as readonly string[]).includes(values.profile)) {
    throw new UsageError(`--profile must be one of ${complianceProfileIds.join(', ')}${values.profile ? `, not "${values.profile}"` : ''}`);
  }
  const channel = values.channel as (typeof channels)[number];
  if (!channels.includes(channel)) throw new UsageError(`--channel must be voice, sms or email, not "${values.channel}"`);
  if (!values.at) throw new UsageError('--at is needed: the moment to check, such as 2026-03-08T09:30:00-05:00');
  if (!values.phone && channel !== 'email') throw new UsageError('--phone is needed: the number to check, such as +14155550100');
  const { checkCompliance, ComplianceInputError } = await import('../../../runtime/compliance/check.ts');
  let result: ComplianceCheckResult;
  try {
    result = checkCompliance({
      profile: values.profile as ComplianceProfileId,
      channel,
      at: values.at,
      ...(values.phone && { phone: values.phone }),
      ...(values.email && { email: values.email }),
      ...(values.state && { state: values.state }),
      ...(values['postal-code'] && { postalCode: values['postal-code'] }),
      ...(values.timezone && { timezone: values.timezone }),
    });
  } catch (error) {
    if (error instanceof ComplianceInputError) throw new UsageError(error.message);
    throw error;
  }
  if (values.json) {
    io.out(
      `${JSON.stringify({ allowed: result.allowed, reasons: result.reasons, nextAllowedAt: result.nextAllowedAt, timezones: result.timezones, timezoneSource: result.timezoneSource, region: result.region }, null, 2)}\n`,
    );
  } else {
    io.out(
      `${result.allowed ? 'Allowed' : 'Not allowed'} (${values.profile} rules${result.region ? `, ${result.region}` : ''}; time zones ${result.timezones.join(', ') || 'unknown'} from the ${result.timezoneSource})\n`,
    );
    for (const r of result.reasons) io.out(`  ${r.action === 'block' ? 'blocked' : 'held'} by ${r.rule}: ${r.message}\n`);
    if (result.nextAllowedAt) io.out(`  next allowed at ${result.nextAllowedAt}\n`);
  }
  return result.allowed ? 0 : 1;
}
