// A dialer step whose answering-machine detector alone would abandon more calls than the rules allow: every person it
// takes for a machine and hangs up on is an abandoned call (US, UK, CA, AU and NZ alike), whatever the pacing does.
import { abandonedCallCapPercent, complianceProfileIds, profileOfCountry, type CallableCountry, type ComplianceProfileId } from '../compliance-profiles.ts';
import { nameOf, type Finding, type JourneyGraph } from './graph.ts';

interface DialerConfig {
  mode: string;
  maxAbandonRate?: number;
  amd: { enabled: boolean; toFreeAgent: boolean; peopleMissedPercent: number };
}

export function detectorOverCap(graph: JourneyGraph): Finding[] {
  const cap = journeyCap(graph.settings);
  if (!cap) return [];
  const findings: Finding[] = [];
  for (const step of graph.steps.values()) {
    if (step.kind !== 'dialer' || step.config === undefined) continue;
    const config = step.config as DialerConfig;
    // Agentless calls are not counted as abandoned; progressive and preview calls hold an agent who hears every
    // suspected machine when the step lets them.
    if (config.mode === 'agentless' || !config.amd.enabled) continue;
    if (config.mode !== 'predictive' && config.amd.toFreeAgent) continue;
    const limit = Math.min(cap.percent, config.maxAbandonRate ?? Infinity);
    const missed = config.amd.peopleMissedPercent;
    if (missed < limit) continue;
    const fixes = [
      'use a detector that takes fewer people for machines',
      ...(config.amd.toFreeAgent ? [] : ['let a free agent hear suspected machines']),
      ...(config.mode === 'predictive' ? ['dial progressively, so that an agent is always free to hear them'] : []),
      'or turn machine detection off',
    ];
    findings.push({
      nodeId: step.id,
      path: ['nodes', step.id, 'config', 'amd', 'peopleMissedPercent'],
      message: `${nameOf(step)} uses a detector that takes ${missed} % of people for machines, and each one it hangs up on is an abandoned call: that alone reaches the ${limit} % limit on abandoned calls of ${cap.rules}'s rules, before any call waits for an agent. To stay under it, ${fixes.join(', ')}`,
    });
  }
  return findings;
}

/** The lowest cap of the journey's rules and of the countries it calls. */
function journeyCap(settings: unknown): { percent: number; rules: string } | undefined {
  if (typeof settings !== 'object' || settings === null) return undefined;
  const { compliance, countries } = settings as { compliance?: unknown; countries?: unknown };
  if (!complianceProfileIds.includes(compliance as ComplianceProfileId)) return undefined;
  const profiles = new Set<ComplianceProfileId>([compliance as ComplianceProfileId]);
  if (Array.isArray(countries)) for (const c of countries) if (c in profileOfCountry) profiles.add(profileOfCountry[c as CallableCountry]);
  const lowest = [...profiles].sort((a, b) => abandonedCallCapPercent[a] - abandonedCallCapPercent[b])[0]!;
  return { percent: abandonedCallCapPercent[lowest], rules: lowest };
}
