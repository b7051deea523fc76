// Compliance data in the store: the internal do-not-contact list, imported national registers, and per-batch loading of
// what a gate needs to know about a batch's numbers (register entries, recent calls and texts, abandoned calls).
import type { ComplianceProfileId } from '../../../schemas/compliance-profiles.ts';
import type { Journey } from '../../../schemas/journey.ts';
import type { ContactHistory, RegistryView } from '../../compliance/gate.ts';
import type { Channel } from '../../compliance/hours.ts';
import { normalisePhone } from '../../compliance/numbers.ts';
import { profiles } from '../../compliance/profiles/index.ts';
import { randomUUID } from 'node:crypto';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../schema.ts';
import type { Executor } from '../dialect.ts';
import { normaliseAddress, optIn, optOut, sharedScope } from './permissions.ts';
import { DomainError } from '../../errors.ts';

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

function entryOf(r: {
  channel: string;
  value: string;
  reason: string;
  added_at: number;
  source: string | null;
  run_id: string | null;
  actor: string | null;
}): DoNotContactEntry {
  return { channel: r.channel as DncChannel, value: r.value, reason: r.reason, addedAt: Number(r.added_at), source: r.source, runId: r.run_id, actor: r.actor };
}

export async function listDoNotContact(db: Executor, options: { channel?: DncChannel; limit?: number; offset?: number } = {}): Promise<DoNotContactEntry[]> {
  let query = db.selectFrom('do_not_contact').selectAll().orderBy('added_at', 'desc').orderBy('value');
  if (options.channel) query = query.where('channel', '=', options.channel);
  const rows = await query
    .limit(options.limit ?? 100)
    .offset(options.offset ?? 0)
    .execute();
  return rows.map(entryOf);
}

/** An operator adds an address to the shared list for a channel; one already there keeps its first reason. */
export async function addDoNotContact(
  db: Executor,
  entry: { channel: DncChannel; value: string; reason: string; now: number; actor?: string },
): Promise<DoNotContactEntry> {
  const value = normaliseAddress(entry.channel, entry.value);
  if (!value)
    throw new Error(`"${entry.value}" is not ${entry.channel === 'email' ? 'an email address' : 'a phone number in international form such as +14155550100'}`);
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
export async function removeDoNotContact(
  db: Executor,
  channel: DncChannel,
  value: string,
  by: { actor?: string; reason?: string; now?: number } = {},
): Promise<boolean> {
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

/** Numbers written per transaction; between batches the import lets the rest of the server run. */
const registryBatch = 2000;
/** Rows of an old copy deleted per statement once the new copy is in force. */
const registryDeleteBatch = 5000;
const maxSkippedReported = 20;

/** Copies being written by this process: another import's clean-up must not take them for leftovers. */
const copiesInProgress = new Set<string>();

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Splits a byte stream into lines (without their line breaks), a chunk's worth at a time; the last line may lack one. */
class LineSplitter extends Transform {
  private rest = '';
  private readonly decoder = new TextDecoder('utf-8');

  constructor() {
    super({ readableObjectMode: true });
  }

  override _transform(chunk: Uint8Array, _encoding: BufferEncoding, callback: TransformCallback): void {
    const lines = (this.rest + this.decoder.decode(chunk, { stream: true })).split('\n');
    this.rest = lines.pop()!;
    if (lines.length) this.push(lines);
    callback();
  }

  override _flush(callback: TransformCallback): void {
    const last = this.rest + this.decoder.decode();
    if (last) this.push([last]);
    callback();
  }
}

/** Deletes every number stored under `key`, a batch at a time, letting the server run between batches. */
async function deleteRegistryCopy(db: Kysely<Database>, key: string): Promise<void> {
  for (;;) {
    const batch = db.selectFrom('registry_numbers').select('value').where('profile', '=', key).limit(registryDeleteBatch);
    const result = await db.deleteFrom('registry_numbers').where('profile', '=', key).where('value', 'in', batch).executeTakeFirst();
    if (Number(result.numDeletedRows) === 0) return;
    await yieldToEventLoop();
  }
}

/**
 * Replaces a profile's register with the numbers of a downloaded copy (one number per line, or the first column of a
 * CSV), recording when the copy was downloaded: the gate refuses to pass contacts once that date is too old.
 *
 * The copy is read as a stream and written in batches under a key of its own, each batch its own short transaction,
 * with the event loop free between batches: a 60 MB national register neither holds the server for a minute nor
 * holds the file in memory, and on SQLite other requests' queries run between the batches (one long transaction would
 * hold the store's only connection throughout). The copy in force stays in force until the new one is complete; then
 * one small transaction records the new copy (and runs `onCommit`, for the audit log), and the old copy's numbers are
 * deleted in batches. A copy that fails part-way (cut off, refused) is deleted the same way and changes nothing.
 */
export async function importRegistry(
  db: Kysely<Database>,
  input: {
    profile: ComplianceProfileId;
    /** The file: its bytes as they come (a stream), or its text. */
    body: AsyncIterable<Uint8Array> | string;
    downloadedAt: number;
    source: string;
    now: number;
    onCommit?: (tx: Transaction<Database>, report: RegistryImportReport) => Promise<void>;
  },
): Promise<RegistryImportReport> {
  if (!(input.downloadedAt <= input.now))
    throw new DomainError('invalid', 'The register’s download date is in the future; give the date the file was downloaded.', {
      issues: [{ path: '/downloadedAt', message: 'The register’s download date is in the future; give the date the file was downloaded.' }],
    });
  const country = profiles[input.profile].country;
  const key = `${input.profile}#${randomUUID()}`;
  const skipped: RegistryImportReport['skipped'] = [];
  let entries = 0;
  let line = 0;
  let batch: { profile: string; value: string }[] = [];
  copiesInProgress.add(key);
  const flush = async () => {
    if (!batch.length) return;
    const rows = batch;
    batch = [];
    await db.transaction().execute(async (tx) => {
      for (let i = 0; i < rows.length; i += 500) {
        // A number twice in the copy is stored once and counted once.
        const result = await tx
          .insertInto('registry_numbers')
          .values(rows.slice(i, i + 500))
          .onConflict((oc) => oc.columns(['profile', 'value']).doNothing())
          .executeTakeFirst();
        entries += Number(result.numInsertedOrUpdatedRows ?? 0);
      }
    });
    await yieldToEventLoop();
  };
  try {
    await pipeline(typeof input.body === 'string' ? Readable.from([input.body]) : input.body, new LineSplitter(), async (lines: AsyncIterable<string[]>) => {
      for await (const chunk of lines) {
        for (const text of chunk) {
          line++;
          const cell = text.split(',')[0]?.trim().replace(/^"|"$/g, '') ?? '';
          if (!cell || /^[a-z_ ]+$/i.test(cell)) continue;
          const value = normalisePhone(cell, country);
          if (value) batch.push({ profile: key, value });
          else if (skipped.length < maxSkippedReported) skipped.push({ line, text: text.replace(/\r$/, '').slice(0, 80) });
          if (batch.length >= registryBatch) await flush();
        }
      }
      await flush();
    });
  } catch (error) {
    batch = [];
    copiesInProgress.delete(key);
    await deleteRegistryCopy(db, key);
    throw error;
  }
  copiesInProgress.delete(key);
  const report: RegistryImportReport = { profile: input.profile, downloadedAt: input.downloadedAt, entries, skipped };
  await db.transaction().execute(async (tx) => {
    await tx
      .insertInto('registry_imports')
      .values({ profile: input.profile, source: input.source, downloaded_at: input.downloadedAt, imported_at: input.now, entries, copy: key })
      .execute();
    await input.onCommit?.(tx, report);
  });
  // Older copies of this profile: the one stored under its own name, and any under a key of its own but this one
  // (including a copy left by a process that stopped mid-import). Keys are found one at a time along the index.
  await deleteRegistryCopy(db, input.profile);
  let after = `${input.profile}#`;
  for (;;) {
    const next = await db
      .selectFrom('registry_numbers')
      .select((eb) => eb.fn.min('profile').as('key'))
      .where('profile', '>', after)
      .where('profile', '<', `${input.profile}$`)
      .executeTakeFirst();
    if (!next?.key) break;
    if (next.key !== key && !copiesInProgress.has(next.key)) await deleteRegistryCopy(db, next.key);
    after = next.key;
  }
  return report;
}

/** The latest import of each profile's register. */
export async function registryStatus(
  db: Executor,
): Promise<{ profile: ComplianceProfileId; downloadedAt: number; importedAt: number; entries: number; source: string; key: string }[]> {
  const rows = await db.selectFrom('registry_imports').selectAll().orderBy('id', 'desc').execute();
  const latest = new Map<string, (typeof rows)[number]>();
  for (const row of rows) if (!latest.has(row.profile)) latest.set(row.profile, row);
  return [...latest.values()].map((r) => ({
    profile: r.profile as ComplianceProfileId,
    downloadedAt: Number(r.downloaded_at),
    importedAt: Number(r.imported_at),
    entries: r.entries,
    source: r.source,
    key: r.copy ?? r.profile,
  }));
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

/** Everything a profile's rules can ask of the store. */
export function profileNeeds(profileId: ComplianceProfileId): ComplianceNeeds {
  const profile = profiles[profileId];
  return {
    registry: profile.registry.channels.length > 0,
    frequencyHours: frequencyWindowHours(profileId),
    redialHours: profile.redial.afterAbandonedHours ?? 0,
  };
}

/**
 * What any profile's rules can ask of the store: the check at the moment of sending loads this, since a number's
 * country picks its rules whatever the journey's profile (a UK number in a US journey is under the UK's 72-hour rule).
 */
export function allProfilesNeeds(): ComplianceNeeds {
  const all = (Object.keys(profiles) as ComplianceProfileId[]).map(profileNeeds);
  return {
    registry: all.some((n) => n.registry),
    frequencyHours: Math.max(...all.map((n) => n.frequencyHours)),
    redialHours: Math.max(...all.map((n) => n.redialHours)),
  };
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
export async function loadGateData(
  db: Executor,
  journey: Journey,
  timeline: GateTimeline,
  contacts: readonly { phone: string | null }[],
  now: number,
): Promise<GateData> {
  return loadComplianceData(db, gateNeeds(journey), timeline, contacts, now);
}

export async function loadComplianceData(
  db: Executor,
  needs: ComplianceNeeds,
  timeline: GateTimeline,
  contacts: readonly { phone: string | null }[],
  now: number,
): Promise<GateData> {
  const phones = [...new Set(contacts.flatMap((c) => (c.phone ? [normalisePhone(c.phone) ?? c.phone] : [])))];
  const data: GateData = {};
  if (needs.registry) {
    const copies = await registryStatus(db);
    const status = new Map(copies.map((s) => [s.profile, s.downloadedAt]));
    // Only the copy in force of each profile counts: a newer one may be half-written beside it, an older one half-deleted.
    const profileOfKey = new Map(copies.map((s) => [s.key, s.profile]));
    const listed = new Set<string>();
    if (status.size && phones.length) {
      for (let i = 0; i < phones.length; i += 500) {
        const rows = await db
          .selectFrom('registry_numbers')
          .select(['profile', 'value'])
          .where('profile', 'in', [...profileOfKey.keys()])
          .where('value', 'in', phones.slice(i, i + 500))
          .execute();
        for (const r of rows) listed.add(`${profileOfKey.get(r.profile)}\u0000${r.value}`);
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
      attemptsSince: (value, channels, since) =>
        (attempts.get(value) ?? []).filter((a) => a.at > since && a.id < beforeId && channels.includes(a.channel)).map((a) => a.at),
      lastAbandonedAt: (value) => abandoned.get(value),
    });
    data.history = history(Number.POSITIVE_INFINITY);
    data.historyBefore = history;
  }
  return data;
}
