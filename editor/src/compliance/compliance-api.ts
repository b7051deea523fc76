// The server's compliance routes (docs/api.md, "Compliance and do-not-contact"), typed from the server's own shapes.
import type { ComplianceCheckResult, DoNotContactView, PermissionChangeView, TokenRole } from '../../../server/api-types.ts';
import type { ComplianceProfileId } from '../../../schemas/compliance-profiles.ts';
import { apiClient, call } from '../api/client.ts';

export type { ComplianceCheckResult, DoNotContactView, PermissionChangeView };
export type Channel = DoNotContactView['channel'];

export const channels: Channel[] = ['voice', 'sms', 'email'];
export const channelWords: Record<Channel, string> = { voice: 'Phone calls', sms: 'Text messages (SMS)', email: 'Email' };

export interface CheckQuery {
  profile: string;
  channel: Channel;
  phone?: string;
  email?: string;
  state?: string;
  timezone?: string;
  /** ISO 8601 with an offset. */
  at: string;
}

const enc = encodeURIComponent;

export const complianceApi = {
  list: (channel: Channel, limit = 200, offset = 0) =>
    call(apiClient['do-not-contact'].$get({ query: { channel, limit: String(limit), offset: String(offset) } })).then((r) => r.entries),
  history: (channel: Channel, limit = 50) =>
    call(apiClient['do-not-contact'].history.$get({ query: { channel, limit: String(limit) } })).then((r) => r.changes),
  add: (entry: { channel: Channel; value: string; reason?: string }) => call(apiClient['do-not-contact'].$post({ json: entry })),
  remove: (channel: Channel, value: string) =>
    call(apiClient['do-not-contact'][':channel'][':value'].$delete({ param: { channel, value: enc(value) } })).then(() => undefined),
  check: (query: CheckQuery) => {
    const given = Object.fromEntries(Object.entries(query).filter(([, value]) => value)) as CheckQuery;
    // The journey's profile is whatever its file says; the server answers 400 for one it does not know.
    return call(apiClient.compliance.check.$get({ query: { ...given, profile: given.profile as ComplianceProfileId } }));
  },
};

const staffRank: Partial<Record<TokenRole, number>> = { viewer: 1, editor: 2, operator: 3, admin: 4 };

/** Whether a role may change the do-not-contact list (operator and above). */
export function canManageList(role: TokenRole | undefined): boolean {
  return role !== undefined && (staffRank[role] ?? 0) >= 3;
}

const sourceWords: Record<string, string> = {
  reply: 'Text reply',
  agent: 'Agent, on a call',
  unsubscribe: 'Unsubscribe link',
  complaint: 'Spam complaint',
  operator: 'Operator',
  cleanup: 'Cleanup of simulated entries',
};

/** Who or what put an entry on the list, or took it off, in a few words: "Agent, on a call: Sam Agent". */
export function describeSource(source: string | null, actor: string | null): string {
  if (!source) return 'Not recorded';
  const words = sourceWords[source] ?? source;
  return actor && actor !== 'contact' && actor !== 'system' ? `${words}: ${actor}` : words;
}
