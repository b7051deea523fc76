// Every compliance profile by id, and the region overrides that apply inside each country.
import type { ComplianceProfileId } from '../../../schemas/compliance-profiles.ts';
import { au } from './au.ts';
import { ca, caProvinceOverrides } from './ca.ts';
import { nz } from './nz.ts';
import type { ComplianceProfile, RegionOverride } from './types.ts';
import { uk } from './uk.ts';
import { us } from './us.ts';
import { usStateOverrides } from './us-states.ts';

export const profiles: Record<ComplianceProfileId, ComplianceProfile> = { US: us, UK: uk, AU: au, NZ: nz, CA: ca };

const overrides: Record<ComplianceProfileId, ReadonlyMap<string, RegionOverride>> = {
  US: usStateOverrides,
  UK: new Map(),
  AU: new Map(),
  NZ: new Map(),
  CA: caProvinceOverrides,
};

/** The override for a region (a US state or Canadian province code) of a profile, if that region has stricter rules. */
export function regionOverride(profile: ComplianceProfileId, region: string | undefined): RegionOverride | undefined {
  return region ? overrides[profile].get(region) : undefined;
}

/** Every region row of a profile (for the US, each state and DC), in the order the profile lists them. */
export function regionOverrides(profile: ComplianceProfileId): RegionOverride[] {
  return [...(overrides[profile]?.values() ?? [])];
}

export type { ComplianceProfile, RegionOverride } from './types.ts';
