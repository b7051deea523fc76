// The audit log: who published, started, paused, resumed or stopped, changed who may be contacted, made or revoked
// a token, made a sign-in link, signed in with one or signed out, and when. Append-only: this module writes and reads entries and
// has no way to change or remove one.
import type { Executor } from '../dialect.ts';
import { parseJson } from '../json.ts';

export const auditActions = [
  'journey.published',
  'run.started',
  'run.paused',
  'run.resumed',
  'run.stopped',
  'do-not-contact.added',
  'do-not-contact.removed',
  'registry.imported',
  'contact-list.deleted',
  'token.created',
  'token.revoked',
  'token.sign-in-link',
  'session.signed-in',
  'session.signed-out',
] as const;

export type AuditAction = (typeof auditActions)[number];

/** Who did it: a token (its id, name and role), or the server or the command line (no id, no role). */
export interface AuditActor {
  id: string | null;
  name: string;
  role: string | null;
}

export interface NewAuditEntry {
  at: number;
  actor: AuditActor;
  action: AuditAction;
  /** What it was done to, in words a reader can look up: a journey id, a run id, `sms:+14155550100`, a token id. */
  target: string;
  journeyId?: string | null;
  runId?: string | null;
  details?: Record<string, unknown>;
}

export interface AuditEntry {
  id: number;
  at: number;
  actor: AuditActor;
  action: AuditAction;
  target: string;
  journeyId: string | null;
  runId: string | null;
  details: Record<string, unknown>;
}

export interface AuditFilter {
  runId?: string;
  journeyId?: string;
  action?: AuditAction;
  /** Entries strictly before this time (ms since the epoch). */
  before?: number;
  /** Entries at or after this time (ms since the epoch). */
  after?: number;
  limit?: number;
  offset?: number;
}

/** Keys and values that name or look like a secret: the log is read by people who must not learn one from it. */
const secretKey = /token$|secret|password/i;
const secretValue = /^jt_[A-Za-z0-9_-]{20,}$/;

function assertNoSecret(value: unknown, path: string): void {
  if (typeof value === 'string' && secretValue.test(value))
    throw new Error(`The audit entry's ${path} holds an API token; the audit log never stores secrets, so leave it out`);
  if (value && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      if (secretKey.test(key))
        throw new Error(`The audit entry's ${path}.${key} is named like a secret; the audit log never stores secrets, so leave it out or rename it`);
      assertNoSecret(inner, `${path}.${key}`);
    }
  }
}

/** Appends an entry; pass the transaction of the change it records, so that both are kept or neither. */
export async function recordAudit(db: Executor, entry: NewAuditEntry): Promise<void> {
  const details = entry.details ?? {};
  assertNoSecret(details, 'details');
  await db
    .insertInto('audit_log')
    .values({
      at: entry.at,
      actor_id: entry.actor.id,
      actor_name: entry.actor.name,
      actor_role: entry.actor.role,
      action: entry.action,
      target: entry.target,
      journey_id: entry.journeyId ?? null,
      run_id: entry.runId ?? null,
      details: JSON.stringify(details),
    })
    .execute();
}

/** Entries newest first, narrowed by the filter; 100 at a time unless told. */
export async function listAudit(db: Executor, filter: AuditFilter = {}): Promise<AuditEntry[]> {
  let query = db.selectFrom('audit_log').selectAll();
  if (filter.runId !== undefined) query = query.where('run_id', '=', filter.runId);
  if (filter.journeyId !== undefined) query = query.where('journey_id', '=', filter.journeyId);
  if (filter.action !== undefined) query = query.where('action', '=', filter.action);
  if (filter.before !== undefined) query = query.where('at', '<', filter.before);
  if (filter.after !== undefined) query = query.where('at', '>=', filter.after);
  // Ids grow with every append, so they order entries of the same millisecond as they were written.
  const rows = await query
    .orderBy('id', 'desc')
    .limit(filter.limit ?? 100)
    .offset(filter.offset ?? 0)
    .execute();
  return rows.map((r) => ({
    id: Number(r.id),
    at: Number(r.at),
    actor: { id: r.actor_id, name: r.actor_name, role: r.actor_role },
    action: r.action as AuditAction,
    target: r.target,
    journeyId: r.journey_id,
    runId: r.run_id,
    details: parseJson(r.details),
  }));
}
