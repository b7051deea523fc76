// `journey compliance rules`: the rules in force with their sources, national and per state, as the gate enforces
// them; a plain table for people, JSON for tools. docs/compliance.md's tables come from the same rows.
import { parseArgs } from 'node:util';
import { complianceProfileIds, type ComplianceProfileId } from '../../../schemas/compliance-profiles.ts';
import { UsageError, type Io } from '../io.ts';

export const complianceRulesHelp = `journey compliance rules [--profile P] [--state S] [--json]
  The rules in force and where each comes from: every profile's national row (${complianceProfileIds.join(', ')}) and a row
  for each region (every US state and DC), with hours, Sunday and holiday bans, frequency caps, whether texts count,
  the statute, the day it was checked and a confidence. --state (with --profile, US by default) shows that state
  with its profile's national row, since both apply. --json prints the rows for tools.`;

export async function complianceRulesCommand(args: string[], io: Io): Promise<number> {
  const { regionOverrides } = await import('../../../runtime/compliance/profiles/index.ts');
  const { formatRulesText, rulesTable } = await import('../../../runtime/compliance/rules-table.ts');
  const { values } = parseArgs({ args, options: { profile: { type: 'string' }, state: { type: 'string' }, json: { type: 'boolean' } } });
  const profile = values.profile?.toUpperCase() ?? (values.state ? 'US' : undefined);
  if (profile !== undefined && !(complianceProfileIds as readonly string[]).includes(profile)) {
    throw new UsageError(`--profile must be one of ${complianceProfileIds.join(', ')}, not "${values.profile}"`);
  }
  const state = values.state?.toUpperCase();
  if (state !== undefined) {
    const known = regionOverrides(profile as ComplianceProfileId).map((o) => o.region);
    if (!known.includes(state)) {
      throw new UsageError(
        known.length ? `--state must be one of ${profile}'s regions (${known.join(', ')}), not "${values.state}"` : `profile ${profile} has no regional rules`,
      );
    }
  }
  const rows = rulesTable({ ...(profile && { profile: profile as ComplianceProfileId }), ...(state && { region: state }) });
  io.out(values.json ? `${JSON.stringify(rows, null, 2)}\n` : formatRulesText(rows));
  return 0;
}
