// One compliance question answered without a run or a store: what `journey compliance check`, the API and the
// editor's gate preview ask ("may this number be called now, and if not, why and when").
import type { ComplianceProfileId } from '../../schemas/compliance-profiles.ts';
import { evaluateCompliance, type ComplianceCheck, type ContactHistory, type RegistryView } from './gate.ts';
import type { Channel } from './hours.ts';
import { DomainError } from '../errors.ts';

export interface ComplianceCheckInput {
  profile: ComplianceProfileId;
  channel: Channel;
  phone?: string;
  email?: string;
  /** State or region code: a US state (FL), a UK nation (SCT), an AU state (QLD) or an NZ region (AUK). */
  state?: string;
  postalCode?: string;
  /** IANA zone; when given it decides alone. */
  timezone?: string;
  /** The moment asked about, ISO 8601 with an offset, or milliseconds since the epoch. */
  at: string | number;
  /** Which checks to apply; hours and holidays by default, the ones that need no store. */
  checks?: readonly ComplianceCheck[];
  consent?: Partial<Record<Channel, boolean>>;
  /** Used only when nothing about the contact tells its zone. */
  defaultTimezone?: string;
  outsideHours?: 'defer' | 'block';
  agentGuaranteed?: boolean;
  /** Store-backed data, for a caller that has it (the server). */
  isDoNotContact?: (channel: string, value: string) => boolean;
  history?: ContactHistory;
  registry?: RegistryView;
}

export interface ComplianceCheckResult {
  allowed: boolean;
  reasons: { rule: string; action: 'block' | 'defer'; message: string }[];
  /** ISO 8601 in UTC; null when allowed now or blocked for good. */
  nextAllowedAt: string | null;
  timezones: string[];
  /** Where the zones came from: timezone, postal-code, state, phone or journey. */
  timezoneSource: string;
  region: string | null;
}

/** A check asked with input it cannot be answered from (no date, no number to check). */
export class ComplianceInputError extends DomainError {
  override name = 'ComplianceInputError';
  constructor(message: string) {
    super('invalid', message);
  }
}

export function checkCompliance(input: ComplianceCheckInput): ComplianceCheckResult {
  const now = typeof input.at === 'number' ? input.at : Date.parse(input.at);
  if (!Number.isFinite(now)) throw new ComplianceInputError(`"${input.at}" is not a date and time such as 2026-03-08T09:30:00-05:00`);
  if (!input.phone && !input.email && input.channel !== 'email') throw new ComplianceInputError(`A ${input.channel} check needs a phone number`);
  const evaluation = evaluateCompliance({
    channel: input.channel,
    profile: input.profile,
    checks: input.checks ?? ['hours', 'holidays'],
    outsideHours: input.outsideHours ?? 'defer',
    contact: {
      phone: input.phone ?? null,
      email: input.email ?? null,
      timezone: input.timezone ?? null,
      consent: input.consent ?? {},
      state: input.state ?? null,
      postalCode: input.postalCode ?? null,
    },
    defaultTimezone: input.defaultTimezone ?? '',
    now,
    isDoNotContact: input.isDoNotContact ?? (() => false),
    ...(input.history && { history: input.history }),
    ...(input.registry && { registry: input.registry }),
    ...(input.agentGuaranteed !== undefined && { agentGuaranteed: input.agentGuaranteed }),
  });
  return {
    allowed: evaluation.allowed,
    reasons: evaluation.findings.map((f) => ({ rule: f.rule, action: f.action, message: f.reason })),
    nextAllowedAt: evaluation.nextAllowedAt === undefined ? null : new Date(evaluation.nextAllowedAt).toISOString(),
    timezones: evaluation.place.zones.filter(Boolean),
    timezoneSource: evaluation.place.zoneSource,
    region: evaluation.place.region ?? null,
  };
}
