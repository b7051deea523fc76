// The server's compliance routes (docs/api.md, "Compliance and do-not-contact"), typed from the server's own shapes.
import type { ComplianceCheckResult, DoNotContactView, PermissionChangeView, TokenRole } from '../../../server/api-types.ts';
import { request } from '../api/client.ts';

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
    request<{ entries: DoNotContactView[] }>('GET', `/do-not-contact?channel=${channel}&limit=${limit}&offset=${offset}`).then((r) => r.entries),
  history: (channel: Channel, limit = 50) =>
    request<{ changes: PermissionChangeView[] }>('GET', `/do-not-contact/history?channel=${channel}&limit=${limit}`).then((r) => r.changes),
  add: (entry: { channel: Channel; value: string; reason?: string }) => request<DoNotContactView>('POST', '/do-not-contact', entry),
  remove: (channel: Channel, value: string) => request<void>('DELETE', `/do-not-contact/${channel}/${enc(value)}`),
  check: (query: CheckQuery) => {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) if (value) params.set(key, value);
    return request<ComplianceCheckResult>('GET', `/compliance/check?${params.toString()}`);
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
