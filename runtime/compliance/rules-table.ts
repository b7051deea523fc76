// The rules in force as a table, from the profiles' data alone: the national row of each profile and a row for each of
// its regions (every US state and DC), with their sources. `journey compliance rules` prints it, and the tables in
// docs/compliance.md are generated from it, so what a compliance officer reviews is what the gate enforces.
import { complianceProfileIds, type ComplianceProfileId } from '../../schemas/compliance-profiles.ts';
import { describeSchedule, type Channel, type Schedule } from './hours.ts';
import { profiles, regionOverrides, type ComplianceProfile, type RegionOverride } from './profiles/index.ts';
import type { Confidence, FrequencyCap } from './profiles/types.ts';

export interface RuleRow {
  profile: ComplianceProfileId;
  /** The region's code, or null for the profile's national row. */
  region: string | null;
  name: string;
  /** Allowed local hours by channel; null when the channel has no hours. A region's hours add to the national ones. */
  hours: { voice: Schedule | null; sms: Schedule | null };
  /** Whether the row has hours of its own; a region row without them follows the national hours. */
  ownHours: boolean;
  /** Local hours on a Sunday for calls once this row and its national row are both applied, or null when none. */
  sunday: string | null;
  /** Names of the holidays with no calls or texts, or a description for a national row. */
  holidays: string[];
  frequency: { channel: Channel; counts: readonly Channel[]; max: number; windowHours: number }[];
  textsCount: RegionOverride['textsCount'] | null;
  /** The row's citation, then the source of each of its rules. */
  sources: string[];
  /** What we were unsure of, and the stricter reading taken. Empty when nothing. */
  uncertain: string[];
  notApplied: string | null;
  checkedOn: string | null;
  confidence: Confidence | null;
}

export interface RulesFilter {
  profile?: ComplianceProfileId;
  /** A region code; its profile's national row comes with it, since both apply. */
  region?: string;
}

/** Every profile that exists, each with its national row first and then its regions, or the rows a filter picks. */
export function rulesTable(filter: RulesFilter = {}): RuleRow[] {
  const ids = filter.profile ? [filter.profile] : complianceProfileIds.filter((id) => profiles[id]);
  const rows: RuleRow[] = [];
  for (const id of ids) {
    const profile = profiles[id];
    if (!profile) continue;
    rows.push(nationalRow(profile));
    for (const override of regionOverrides(id)) {
      if (!filter.region || override.region === filter.region) rows.push(regionRow(profile, override));
    }
  }
  return rows;
}

function distinct(items: (string | undefined)[]): string[] {
  return [...new Set(items.filter((s): s is string => Boolean(s)))];
}

function caps(frequency: readonly FrequencyCap[]): RuleRow['frequency'] {
  return frequency.map(({ channel, counts, max, windowHours }) => ({ channel, counts, max, windowHours }));
}

function nationalRow(profile: ComplianceProfile): RuleRow {
  const { hours, holidays } = profile;
  const holidayList = holidays.channels.length
    ? [`${holidays.national ? 'national' : ''}${holidays.national && holidays.regional ? ' and ' : ''}${holidays.regional ? 'regional' : ''} public holidays`]
    : [];
  return {
    profile: profile.id,
    region: null,
    name: profile.name,
    hours: { voice: hours.channels.voice, sms: hours.channels.sms },
    ownHours: true,
    sunday: sundayHours([hours.channels.voice]),
    holidays: holidayList,
    frequency: caps(profile.frequency),
    textsCount: null,
    sources: distinct([hours.source, holidays.source, ...profile.frequency.map((c) => c.source)]),
    uncertain: distinct([hours.uncertain, holidays.uncertain, ...profile.frequency.map((c) => c.uncertain)]),
    notApplied: null,
    checkedOn: null,
    confidence: null,
  };
}

function regionRow(profile: ComplianceProfile, o: RegionOverride): RuleRow {
  const voice = o.hours?.channels.voice ?? null;
  const sms = o.hours?.channels.sms ?? null;
  const frequency = o.frequency ?? [];
  return {
    profile: profile.id,
    region: o.region,
    name: o.name,
    hours: { voice, sms },
    ownHours: Boolean(voice || sms),
    sunday: sundayHours([profile.hours.channels.voice, voice]),
    holidays: [...(o.namedHolidays?.names ?? [])],
    frequency: caps(frequency),
    textsCount: o.textsCount,
    sources: distinct([o.source, o.hours?.source, o.namedHolidays?.source, ...frequency.map((c) => c.source)]),
    uncertain: distinct([o.uncertain, o.hours?.uncertain, o.namedHolidays?.uncertain, ...frequency.map((c) => c.uncertain)]),
    notApplied: o.notApplied ?? null,
    checkedOn: o.checkedOn,
    confidence: o.confidence,
  };
}

/** The Sunday window left when every schedule must be open: the latest start and the earliest end. */
function sundayHours(schedules: (Schedule | null | undefined)[]): string | null {
  let from = '00:00';
  let to = '24:00';
  for (const schedule of schedules) {
    if (!schedule) continue;
    const windows = schedule.filter((w) => w.days.includes('sun'));
    if (!windows.length) return null;
    // Profiles give at most one window a day; the widest stands for the day otherwise.
    const start = windows.map((w) => w.from).sort()[0]!;
    const end = windows
      .map((w) => w.to)
      .sort()
      .at(-1)!;
    if (start > from) from = start;
    if (end < to) to = end;
  }
  return from < to ? `${from}-${to}` : null;
}

const nouns: Record<Channel, string> = { voice: 'calls', sms: 'texts', email: 'emails' };

/** "3 calls / 24 h", "3 calls and texts together / 24 h". */
export function describeCaps(frequency: RuleRow['frequency']): string {
  const seen = new Set<string>();
  const parts: string[] = [];
  for (const cap of frequency) {
    const key = `${[...cap.counts].sort().join('+')}:${cap.max}:${cap.windowHours}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const what = cap.counts.length > 1 ? `${cap.counts.map((c) => nouns[c]).join(' and ')} together` : nouns[cap.counts[0]!];
    parts.push(`${cap.max} ${what} / ${cap.windowHours} h`);
  }
  return parts.join('; ');
}

function hoursCell(row: RuleRow, channel: 'voice' | 'sms'): string {
  const schedule = row.hours[channel];
  if (schedule) return describeSchedule(schedule);
  return row.region ? `as ${row.profile}` : 'any time';
}

function holidaysCell(row: RuleRow, short: boolean): string {
  if (!row.holidays.length) return row.region ? '—' : 'none';
  if (!row.region) return row.holidays.join('; ');
  return short ? `${row.holidays.length} named` : row.holidays.join(', ');
}

const where = (row: RuleRow) => (row.region ? `${row.profile}-${row.region}` : row.profile);
const mark = (row: RuleRow) => (row.uncertain.length ? ' *' : '');

/** A plain table for people, then each row's sources. */
export function formatRulesText(rows: RuleRow[]): string {
  const header = ['where', 'name', 'calls', 'texts', 'Sundays', 'holidays', 'cap', 'texts count', 'checked', 'confidence'];
  const body = rows.map((row) => [
    `${where(row)}${mark(row)}`,
    row.name,
    hoursCell(row, 'voice'),
    hoursCell(row, 'sms'),
    row.sunday ?? 'no calls',
    holidaysCell(row, true),
    describeCaps(row.frequency) || '—',
    row.textsCount ?? '—',
    row.checkedOn ?? '—',
    row.confidence ?? '—',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  const out = [line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line), ''];
  out.push('Sources (a region’s rules add to its profile’s: both must allow; * marks a rule read second-hand or unsure, taken on the stricter side):');
  for (const row of rows) {
    out.push(`${where(row)}: ${row.sources.join(' ')}`);
    if (row.region && row.holidays.length) out.push(`  holidays: ${row.holidays.join(', ')}`);
    for (const u of row.uncertain) out.push(`  * ${u}`);
    if (row.notApplied) out.push(`  not applied: ${row.notApplied}`);
  }
  return `${out.join('\n')}\n`;
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** The Markdown tables of docs/compliance.md: one per profile, its national row first. */
export function formatRulesMarkdown(rows: RuleRow[]): string {
  const out: string[] = [];
  for (const id of distinct(rows.map((r) => r.profile))) {
    const group = rows.filter((r) => r.profile === id);
    const national = group.find((r) => !r.region);
    out.push(`### ${national?.name ?? id}`, '');
    out.push('| where | calls | texts | Sundays | holidays (no calls or texts) | cap | texts count | checked | confidence | sources |');
    out.push('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
    for (const row of group) {
      const notes = [...row.uncertain.map((u) => `\\* ${u}`), ...(row.notApplied ? [`Not applied: ${row.notApplied}`] : [])];
      out.push(
        `| ${[
          `${where(row)}${mark(row).replace('*', '\\*')}`,
          hoursCell(row, 'voice'),
          hoursCell(row, 'sms'),
          row.sunday ?? 'no calls',
          holidaysCell(row, false),
          describeCaps(row.frequency) || '—',
          row.textsCount ?? '—',
          row.checkedOn ?? '—',
          row.confidence ?? '—',
          [...row.sources, ...notes].join(' '),
        ]
          .map(cell)
          .join(' | ')} |`,
      );
    }
    out.push('');
  }
  return out.join('\n');
}

export const docsMarkers = {
  start: '<!-- compliance-rules:start (generated by `npm run docs:compliance` from runtime/compliance/profiles; do not edit by hand) -->',
  end: '<!-- compliance-rules:end -->',
};

/** The document with the text between the markers replaced by the tables generated now. */
export function withGeneratedRules(document: string): string {
  const start = document.indexOf(docsMarkers.start);
  const end = document.indexOf(docsMarkers.end);
  if (start < 0 || end < start) throw new Error(`docs/compliance.md lacks the markers ${docsMarkers.start} and ${docsMarkers.end}`);
  return `${document.slice(0, start + docsMarkers.start.length)}\n\n${formatRulesMarkdown(rulesTable())}${document.slice(end)}`;
}
