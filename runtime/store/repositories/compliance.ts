// Compliance data in the store: the internal do-not-contact list, imported national registers, and per-batch loading of
// what a gate needs to know about a batch's numbers (register entries, recent calls and texts, abandoned calls).
import type { ComplianceProfileId } from '../../../schemas/compliance-profiles.ts';
import type { Journey } from '../../../schemas/journey.ts';
import type { ContactHistory, RegistryView } from '../../compliance/gate.ts';
import type { Channel } from '../../compliance/hours.ts';
import { normalisePhone } from '../../compliance/numbers.ts';
import { profiles } from '../../compliance/profiles/index.ts';
import type { Executor } from '../dialect.ts';
import { normaliseAddress, optIn, optOut, sharedScope } from './permissions.ts';

export { normaliseAddress };

export type DncChannel = Channel;

export interface DoNotContactEntry {
  channel: DncChannel;
  value: string;
  reason: string;
  addedAt: number;
  /** What put it there (`reply`, `agent`, `unsubscribe`, `operator`, ...); null for entries older than the history. */
  source: string | null;
  runId: string | null;
  actor: string | null;
}

function entryOf(r: { channel: string; value: string; reason: string; added_at: number; source: string | null; run_id: string | null; actor: string | null }): DoNotContactEntry {
  return { channel: r.channel as DncChannel, value: r.value, reason: r.reason, addedAt: Number(r.added_at), source: r.source, runId: r.run_id, actor: r.actor };
}

export async function listDoNotContact(db: Executor, options: { channel?: DncChannel; limit?: number; offset?: number } = {}): Promise<DoNotContactEntry[]> {
  let query = db.selectFrom('do_not_contact').selectAll().orderBy('added_at', 'desc').orderBy('value');
  if (options.channel) query = query.where('channel', '=', options.channel);
  const rows = await query.limit(options.limit ?? 100).offset(options.offset ?? 0).execute();
  return rows.map(entryOf);
}

/** An operator adds an address to the shared list for a channel; one already there keeps its first reason. */
export async function addDoNotContact(db: Executor, entry: { channel: DncChannel; value: string; reason: string; now: number; actor?: string }): Promise<DoNotContactEntry> {
  const value = normaliseAddress(entry.channel, entry.value);
  if (!value) throw new Error(`"${entry.value}" is not ${entry.channel === 'email' ? 'an email address' : 'a phone number in international form such as +14155550100'}`);
  await optOut(db, { scope: sharedScope, channel: entry.channel, value, reason: entry.reason, source: 'operator', actor: entry.actor ?? null, at: entry.now });
  const row = await db.selectFrom('do_not_contact').selectAll().where('channel', '=', entry.channel).where('value', '=', value).executeTakeFirstOrThrow();
  return entryOf(row);
}

/** Which of these addresses (as given, and normalised) are on a channel's list: for a check of one contact. */
export async function doNotContactAmong(db: Executor, channel: DncChannel, addresses: readonly string[]): Promise<Set<string>> {
  const values = [...new Set(addresses.flatMap((a) => [a.trim(), normaliseAddress(channel, a)]).filter((v): v is string => !!v))];
  if (!values.length) return new Set();
  const rows = await db.selectFrom('do_not_contact').select('value').where('channel', '=', channel).where('value', 'in', values).execute();
  return new Set(rows.map((r) => r.value));
}

/** An operator takes an address off a channel's shared list, with a record of who and when; true when it was there. */
export async function removeDoNotContact(db: Executor, channel: DncChannel, value: string, by: { actor?: string; reason?: string; now?: number } = {}): Promise<boolean> {
  return optIn(db, {
    scope: sharedScope,
    channel,
    value,
    reason: by.reason ?? 'Removed by an operator',
    source: 'operator',
    actor: by.actor ?? null,
    at: by.now ?? Date.now(),
  });
}

export interface RegistryImportReport {
  profile: ComplianceProfileId;
  downloadedAt: number;
  entries: number;
  /** Lines that held no phone number, with their line numbers (at most 20). */
  skipped: { line: number; text: string }[];
}

/**
 * Replaces a profile's register with the numbers of a downloaded copy (one number per line, or the first column of a
 * CSV), recording when the copy was downloaded: the gate refuses to pass contacts once that date is too old.
 */
export async function importRegistry(db: Executor, input: { profile: ComplianceProfileId; text: string; downloadedAt: number; source: string; now: number }): Promise<RegistryImportReport> {
  if (!(input.downloadedAt <= input.now)) throw new Error('The register’s download date is in the future; give the date the file was downloaded.');
  const country = profiles[input.profile].country;
  const numbers = new Set<string>();
  const skipped: RegistryImportReport['skipped'] = [];
  input.text.split(/\r?\n/).forEach((line, i) => {
    const cell = line.split(',')[0]?.trim().replace(/^"|"$/g, '') ?? '';
    if (!cell || /^[a-z_ ]+$/i.test(cell)) return;
    const value = normalisePhone(cell, country);
    if (value) numbers.add(value);
    else if (skipped.length < 20) skipped.push({ line: i + 1, text: line.slice(0, 80) });
  });
  await db.deleteFrom('registry_numbers').where('profile', '=', input.profile).execute();
  const values = [...numbers];
  for (let i = 0; i < values.length; i += 500) {
    await db
      .insertInto('registry_numbers')
      .values(values.slice(i, i + 500).map((value) => ({ profile: input.profile, value })))
      .execute();
  }
  await db.insertInto('registry_imports').values({ profile: input.profile, source: input.source, downloaded_at: input.downloadedAt, imported_at: input.now, entries: values.length }).execute();
  return { profile: input.profile, downloadedAt: input.downloadedAt, entries: values.length, skipped };
}

/** The latest import of each profile's register. */
export async function registryStatus(db: Executor): Promise<{ profile: ComplianceProfileId; downloadedAt: number; importedAt: number; entries: number; source: string }[]> {
  const rows = await db.selectFrom('registry_imports').selectAll().orderBy('id', 'desc').execute();
  const latest = new Map<string, (typeof rows)[number]>();
  for (const row of rows) if (!latest.has(row.profile)) latest.set(row.profile, row);
  return [...latest.values()].map((r) => ({ profile: r.profile as ComplianceProfileId, downloadedAt: Number(r.downloaded_at), importedAt: Number(r.imported_at), entries: r.entries, source: r.source }));
}

/** Remembers an abandoned call, for the profiles that forbid calling the number again too soon. */
export async function recordAbandonedCall(db: Executor, call: { phone: string; at: number; runId: string }): Promise<void> {
  const value = normalisePhone(call.phone);
  if (value) await db.insertInto('abandoned_calls').values({ value, at: call.at, run_id: call.runId }).execute();
}

/** What compliance checks need from the store beyond the do-not-contact list. */
export interface ComplianceNeeds {
  registry: boolean;
  frequencyHours: number;
  redialHours: number;
}

const needsByJourney = new WeakMap<Journey, ComplianceNeeds>();

/** What the gates of a journey need; worked out once per journey. */
function gateNeeds(journey: Journey): ComplianceNeeds {
  let needs = needsByJourney.get(journey);
  if (!needs) {
    needs = { registry: false, frequencyHours: 0, redialHours: 0 };
    for (const node of Object.values(journey.nodes)) {
      if (node.type !== 'compliance-gate') continue;
      const profile = profiles[node.config.profile ?? journey.settings.compliance];
      const channel = node.config.channel;
      if (node.config.checks.includes('dnc') && profile.registry.channels.includes(channel)) needs.registry = true;
      if (node.config.checks.includes('frequency')) needs.frequencyHours = Math.max(needs.frequencyHours, frequencyWindowHours(profile.id));
      if (channel === 'voice' && profile.redial.afterAbandonedHours) needs.redialHours = Math.max(needs.redialHours, profile.redial.afterAbandonedHours);
    }
    needsByJourney.set(journey, needs);
  }
  return needs;
}

/** Everything a profile's rules can ask of the store: what the check at the moment of sending loads. */
export function profileNeeds(profileId: ComplianceProfileId): ComplianceNeeds {
  const profile = profiles[profileId];
  return { registry: profile.registry.channels.length > 0, frequencyHours: frequencyWindowHours(profileId), redialHours: profile.redial.afterAbandonedHours ?? 0 };
}

// State caps are as long as the federal ones or shorter, so the profile's longest window covers them.
function frequencyWindowHours(profileId: ComplianceProfileId): number {
  return Math.max(24, ...profiles[profileId].frequency.map((cap) => cap.windowHours));
}

export interface GateData {
  history?: ContactHistory;
  registry?: RegistryView;
  /**
   * The same history without the sends at or after one outbox row: what a send's own check counts, since its row
   * (and any queued after it) must not count against it.
   */
  historyBefore?: (outboxId: number) => ContactHistory;
}

/**
 * Whose history counts: a live run counts the calls and texts of live runs, a simulated run only its own. A
 * simulation's calls never reached anyone, and each simulation plays on its own virtual clock, so another run's
 * history is on a different timeline: counting it would hold real contacts for made-up calls, or hold a simulated
 * contact for calls "made" days ahead of its clock.
 */
export interface GateTimeline {
  runId: string;
  simulated: boolean;
}

/**
 * Loads, for one batch of contacts, what the journey's gates check beyond the do-not-contact list, with a few indexed
 * queries per batch (none when the journey's gates need nothing of it).
 */
export async function loadGateData(db: Executor, journey: Journey, timeline: GateTimeline, contacts: readonly { phone: string | null }[], now: number): Promise<GateData> {
  return loadComplianceData(db, gateNeeds(journey), timeline, contacts, now);
}

export async function loadComplianceData(db: Executor, needs: ComplianceNeeds, timeline: GateTimeline, contacts: readonly { phone: string | null }[], now: number): Promise<GateData> {
  const phones = [...new Set(contacts.flatMap((c) => (c.phone ? [normalisePhone(c.phone) ?? c.phone] : [])))];
  const data: GateData = {};
  if (needs.registry) {
    const status = new Map((await registryStatus(db)).map((s) => [s.profile, s.downloadedAt]));
    const listed = new Set<string>();
    if (status.size && phones.length) {
      for (let i = 0; i < phones.length; i += 500) {
        const rows = await db.selectFrom('registry_numbers').select(['profile', 'value']).where('value', 'in', phones.slice(i, i + 500)).execute();
        for (const r of rows) listed.add(`${r.profile}\u0000${r.value}`);
      }
    }
    data.registry = { downloadedAt: (profile) => status.get(profile), isListed: (profile, value) => listed.has(`${profile}\u0000${value}`) };
  }
  if ((needs.frequencyHours || needs.redialHours) && phones.length) {
    const attempts = new Map<string, { channel: Channel; at: number; id: number }[]>();
    const abandoned = new Map<string, number>();
    for (let i = 0; i < phones.length; i += 500) {
      const slice = phones.slice(i, i + 500);
      if (needs.frequencyHours) {
        let query = db
          .selectFrom('contacts')
          .innerJoin('outbox', 'outbox.contact_id', 'contacts.id')
          .select(['contacts.phone', 'outbox.channel', 'outbox.created_at', 'outbox.id'])
          .where('contacts.phone', 'in', slice)
          .where('outbox.channel', 'in', ['voice', 'sms'])
          .where('outbox.created_at', '>', now - needs.frequencyHours * 3_600_000)
          .where('outbox.created_at', '<=', now);
        query = timeline.simulated
          ? query.where('outbox.run_id', '=', timeline.runId)
          : query.where('outbox.run_id', 'in', (eb) => eb.selectFrom('runs').select('runs.id').where('runs.simulated', '=', 0));
        const rows = await query.execute();
        for (const r of rows) {
          if (!r.phone) continue;
          const list = attempts.get(r.phone) ?? [];
          list.push({ channel: r.channel as Channel, at: Number(r.created_at), id: Number(r.id) });
          attempts.set(r.phone, list);
        }
      }
      if (needs.redialHours) {
        // A simulation's abandoned calls are its own events: its clock's times never go into the shared table.
        const rows = timeline.simulated
          ? await db
              .selectFrom('events')
              .innerJoin('contacts', 'contacts.id', 'events.contact_id')
              .select(['contacts.phone as value', (eb) => eb.fn.max('events.time').as('at')])
              .where('events.run_id', '=', timeline.runId)
              .where('events.type', '=', 'call.abandoned')
              .where('contacts.phone', 'in', slice)
              .where('events.time', '>', now - needs.redialHours * 3_600_000)
              .where('events.time', '<=', now)
              .groupBy('contacts.phone')
              .execute()
          : await db
              .selectFrom('abandoned_calls')
              .select(['value', (eb) => eb.fn.max('at').as('at')])
              .where('value', 'in', slice)
              .where('at', '>', now - needs.redialHours * 3_600_000)
              .where('at', '<=', now)
              .where('run_id', 'in', (eb) => eb.selectFrom('runs').select('runs.id').where('runs.simulated', '=', 0))
              .groupBy('value')
              .execute();
        for (const r of rows) if (r.value) abandoned.set(r.value, Number(r.at));
      }
    }
    for (const list of attempts.values()) list.sort((a, b) => a.at - b.at || a.id - b.id);
    const history = (beforeId: number): ContactHistory => ({
      attemptsSince: (value, channels, since) => (attempts.get(value) ?? []).filter((a) => a.at > since && a.id < beforeId && channels.includes(a.channel)).map((a) => a.at),
      lastAbandonedAt: (value) => abandoned.get(value),
    });
    data.history = history(Number.POSITIVE_INFINITY);
    data.historyBefore = history;
  }
  return data;
}
