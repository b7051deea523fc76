// Who may be contacted on which channel, and every change to it: opt-outs and opt-ins from replies, links, agents and
// operators, each recorded with who, when and from which run. A simulated run reads the shared lists but writes only
// to its own scope, so that a rehearsal never changes what a live run or the check API sees.
import type { Channel } from '../../compliance/hours.ts';
import { normalisePhone } from '../../compliance/numbers.ts';
import type { Executor } from '../dialect.ts';
import type { PermissionChangeKind, Run } from '../schema.ts';

/** '' is the shared lists; a simulated run's id is that run's own scope. */
export type PermissionScope = string;

export const sharedScope: PermissionScope = '';

/** Where a run's opt-outs go: a live run's to the shared lists, a simulated run's to its own scope. */
export function scopeOfRun(run: Pick<Run, 'id' | 'simulated'>): PermissionScope {
  return run.simulated === 1 ? run.id : sharedScope;
}

export type PermissionSource = 'reply' | 'agent' | 'unsubscribe' | 'complaint' | 'operator' | 'cleanup';

export interface PermissionChangeInput {
  scope: PermissionScope;
  channel: Channel;
  /** A phone number or an email address as the contact holds it; stored normalised where it can be. */
  value: string;
  reason: string;
  source: PermissionSource;
  runId?: string | null;
  contactId?: string | null;
  /** The agent's or operator's name or token id; `system` for the product itself. */
  actor?: string | null;
  at: number;
}

export interface PermissionChange {
  id: number;
  scope: PermissionScope;
  kind: 'do-not-contact' | 'consent';
  change: PermissionChangeKind;
  channel: Channel;
  value: string;
  reason: string;
  source: string;
  runId: string | null;
  contactId: string | null;
  actor: string | null;
  at: number;
}

/** A phone number in E.164 form, an email address lower-cased: the forms the lists hold and the gate looks up. */
export function normaliseAddress(channel: Channel, value: string): string | undefined {
  return channel === 'email' ? value.trim().toLowerCase() || undefined : normalisePhone(value);
}

function stored(channel: Channel, value: string): string {
  return normaliseAddress(channel, value) ?? value.trim();
}

/**
 * Puts an address on a channel's do-not-contact list. In the shared scope the list itself changes (an address already
 * there keeps its first reason) and the change is recorded; in a simulated run's scope only the run's record changes.
 * True when the address was not already on the list in that scope.
 */
export async function optOut(db: Executor, input: PermissionChangeInput): Promise<boolean> {
  const value = stored(input.channel, input.value);
  const listed = await doNotContactIn(db, input.scope, [value]);
  if (listed.has(dncKey(input.channel, value))) return false;
  if (input.scope === sharedScope) {
    await db
      .insertInto('do_not_contact')
      .values({
        channel: input.channel,
        value,
        reason: input.reason,
        added_at: input.at,
        source: input.source,
        run_id: input.runId ?? null,
        actor: input.actor ?? null,
      })
      .onConflict((oc) => oc.columns(['channel', 'value']).doNothing())
      .execute();
  }
  await recordChange(db, input, value, 'added');
  return true;
}

/** Takes an address off a channel's list (START, an operator's action), recording who and when. True when it was on. */
export async function optIn(db: Executor, input: PermissionChangeInput): Promise<boolean> {
  const value = stored(input.channel, input.value);
  const candidates = [...new Set([value, input.value.trim()])];
  const listed = await doNotContactIn(db, input.scope, candidates);
  const on = candidates.filter((v) => listed.has(dncKey(input.channel, v)));
  if (!on.length) return false;
  if (input.scope === sharedScope) {
    await db.deleteFrom('do_not_contact').where('channel', '=', input.channel).where('value', 'in', on).execute();
  }
  for (const v of on) await recordChange(db, input, v, 'removed');
  return true;
}

async function recordChange(db: Executor, input: PermissionChangeInput, value: string, change: PermissionChangeKind): Promise<void> {
  await db
    .insertInto('permission_changes')
    .values({
      scope: input.scope,
      kind: 'do-not-contact',
      change,
      channel: input.channel,
      value,
      reason: input.reason,
      source: input.source,
      run_id: input.runId ?? null,
      contact_id: input.contactId ?? null,
      actor: input.actor ?? null,
      at: input.at,
    })
    .execute();
}

export function dncKey(channel: string, value: string): string {
  return `${channel}\u0000${value}`;
}

/**
 * Which of these addresses are on a do-not-contact list in a scope, as `channel\0value` keys. A simulated run sees the
 * shared lists with its own changes laid over them, in the order it made them.
 */
export async function doNotContactIn(db: Executor, scope: PermissionScope, values: readonly string[]): Promise<Set<string>> {
  const unique = [...new Set(values.filter(Boolean))];
  const out = new Set<string>();
  for (let i = 0; i < unique.length; i += 500) {
    const slice = unique.slice(i, i + 500);
    const rows = await db.selectFrom('do_not_contact').select(['channel', 'value']).where('value', 'in', slice).execute();
    for (const r of rows) out.add(dncKey(r.channel, r.value));
    if (scope === sharedScope) continue;
    const own = await db
      .selectFrom('permission_changes')
      .select(['channel', 'value', 'change'])
      .where('scope', '=', scope)
      .where('kind', '=', 'do-not-contact')
      .where('value', 'in', slice)
      .orderBy('id')
      .execute();
    for (const r of own) {
      if (r.change === 'added') out.add(dncKey(r.channel, r.value));
      else out.delete(dncKey(r.channel, r.value));
    }
  }
  return out;
}

/** The history of changes, newest first: of one run, of one address, or of a scope. */
export async function permissionChanges(
  db: Executor,
  filter: { scope?: PermissionScope; runId?: string; channel?: Channel; value?: string; from?: number; to?: number; limit?: number; offset?: number } = {},
): Promise<PermissionChange[]> {
  let query = db.selectFrom('permission_changes').selectAll().orderBy('id', 'desc');
  if (filter.scope !== undefined) query = query.where('scope', '=', filter.scope);
  if (filter.runId !== undefined) query = query.where('run_id', '=', filter.runId);
  if (filter.channel !== undefined) query = query.where('channel', '=', filter.channel);
  if (filter.value !== undefined) query = query.where('value', '=', filter.channel ? stored(filter.channel, filter.value) : filter.value);
  if (filter.from !== undefined) query = query.where('at', '>=', filter.from);
  if (filter.to !== undefined) query = query.where('at', '<', filter.to);
  const rows = await query
    .limit(filter.limit ?? 1000)
    .offset(filter.offset ?? 0)
    .execute();
  return rows.map((r) => ({
    id: Number(r.id),
    scope: r.scope,
    kind: r.kind,
    change: r.change,
    channel: r.channel as Channel,
    value: r.value,
    reason: r.reason,
    source: r.source,
    runId: r.run_id,
    contactId: r.contact_id,
    actor: r.actor,
    at: Number(r.at),
  }));
}

/** The do-not-contact entries in a scope that concern a batch of contacts, as `channel\0value` keys, raw and normalised. */
export async function doNotContactOfContacts(
  db: Executor,
  scope: PermissionScope,
  contacts: readonly { phone: string | null; email: string | null }[],
): Promise<Set<string>> {
  const values = contacts.flatMap((c) => [
    ...(c.phone ? [c.phone, normaliseAddress('voice', c.phone)] : []),
    ...(c.email ? [c.email, normaliseAddress('email', c.email)] : []),
  ]);
  return doNotContactIn(
    db,
    scope,
    values.filter((v): v is string => !!v),
  );
}
