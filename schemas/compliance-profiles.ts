// The names of the compliance profiles a journey or a gate can refer to; the rules themselves live in the runtime.
export const complianceProfiles = {
  US: 'United States (federal rules, with state rules where the contact lives)',
  UK: 'United Kingdom (Ofcom, TPS)',
  AU: 'Australia (telemarketing standard, Do Not Call Register, Spam Act)',
  NZ: 'New Zealand (marketing code, UEMA)',
} as const;

export type ComplianceProfileId = keyof typeof complianceProfiles;
export const complianceProfileIds = Object.keys(complianceProfiles) as [ComplianceProfileId, ...ComplianceProfileId[]];
