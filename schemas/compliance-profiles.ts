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
