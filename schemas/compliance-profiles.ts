// The names of the compliance profiles a journey or a gate can refer to; the rules themselves live in the runtime.
export const complianceProfiles = {
  US: 'United States (federal rules, with state rules where the contact lives)',
  UK: 'United Kingdom (Ofcom, TPS)',
  AU: 'Australia (telemarketing standard, Do Not Call Register, Spam Act)',
  NZ: 'New Zealand (marketing code, UEMA)',
  CA: 'Canada (CRTC Unsolicited Telecommunications Rules, National DNCL, CASL)',
} as const;

export type ComplianceProfileId = keyof typeof complianceProfiles;
export const complianceProfileIds = Object.keys(complianceProfiles) as [ComplianceProfileId, ...ComplianceProfileId[]];

/**
 * Each profile's cap on abandoned calls, in percent of live answers, for the validator's warnings; the runtime's
 * definitions (runtime/dialer/abandonment.ts) hold the same figures with their sources, and a test keeps them equal.
 */
export const abandonedCallCapPercent: Record<ComplianceProfileId, number> = { US: 3, UK: 3, AU: 3, NZ: 3, CA: 5 };

/**
 * The countries a journey can limit its calls and texts to: those with a profile, as libphonenumber names them (GB
 * for the United Kingdom). A number's country picks its rules; these are the countries whose rules are written here.
 */
export const callableCountries = {
  US: 'United States (and its territories on +1: PR, GU, VI, AS, MP)',
  CA: 'Canada',
  GB: 'United Kingdom',
  AU: 'Australia',
  NZ: 'New Zealand',
} as const;

export type CallableCountry = keyof typeof callableCountries;
export const callableCountryIds = Object.keys(callableCountries) as [CallableCountry, ...CallableCountry[]];

/** The profile whose rules a callable country's numbers follow. */
export const profileOfCountry: Record<CallableCountry, ComplianceProfileId> = { US: 'US', CA: 'CA', GB: 'UK', AU: 'AU', NZ: 'NZ' };
