// The conversion report: what each activity and setting of the Pinpoint journey became, and what needs a person.

export interface ActivityEntry {
  activity: string;
  /** The kind of activity: SMS, EMAIL, Wait, ConditionalSplit... */
  kind: string;
  description?: string;
  /** The steps made of it, first the one contacts enter. */
  became: string[];
  /** converted: as it was; changed: converted with a difference the notes tell; skipped: no step stands for it. */
  status: 'converted' | 'changed' | 'skipped';
  notes: string[];
}

export interface SettingEntry {
  /** The setting's name in the Pinpoint journey, e.g. `Limits.DailyCap`. */
  setting: string;
  /** Its value as JSON text. */
  value: string;
  became: string;
  /** not-carried-yet: the product will have it (frequency caps, re-entry rules, run throttles). */
  status: 'carried' | 'partly' | 'not-carried-yet' | 'not-carried';
}

export interface NeedsPerson {
  kind: 'template' | 'variable' | 'segment' | 'entry' | 'condition' | 'caller-id' | 'queue' | 'push' | 'custom' | 'help-contact';
  activity?: string;
  message: string;
}

export interface ConversionReport {
  source: { id?: string; name: string; state?: string };
  journey: { id: string; name: string; steps: number };
  /** The compliance profile chosen, and why. */
  profile: string;
  /** The journey's time zone, and why. */
  timezone: string;
  activities: ActivityEntry[];
  settings: SettingEntry[];
  needsPerson: NeedsPerson[];
  /** The contact attributes the journey reads: columns its contact list needs. */
  attributes: string[];
}

const statusWords: Record<ActivityEntry['status'] | SettingEntry['status'], string> = {
  converted: 'converted',
  changed: 'converted, changed',
  skipped: 'skipped',
  carried: 'carried over',
  partly: 'partly carried over',
  'not-carried-yet': 'not carried over yet',
  'not-carried': 'not carried over',
};

/** The report as text for a person: one line per activity and setting, then what they need to do. */
export function renderReport(report: ConversionReport): string {
  const lines: string[] = [];
  lines.push(
    `Pinpoint journey "${report.source.name}"${report.source.id ? ` (${report.source.id})` : ''} → "${report.journey.id}", ${report.journey.steps} steps`,
  );
  lines.push(`Rules: ${report.profile}`);
  lines.push(`Time zone: ${report.timezone}`);
  lines.push('', `Activities (${report.activities.length}):`);
  for (const a of report.activities) {
    const became = a.became.length ? ` → ${a.became.join(', ')}` : '';
    lines.push(`  ${a.activity} (${a.kind}${a.description ? `, "${a.description}"` : ''}): ${statusWords[a.status]}${became}`);
    for (const note of a.notes) lines.push(`      ${note}`);
  }
  if (report.settings.length) {
    lines.push('', 'Settings:');
    for (const s of report.settings) lines.push(`  ${s.setting} = ${s.value}: ${statusWords[s.status]}; ${s.became}`);
  }
  if (report.attributes.length) lines.push('', `The contact list needs the columns: ${report.attributes.join(', ')}`);
  lines.push('', report.needsPerson.length ? `Needs a person (${report.needsPerson.length}):` : 'Nothing needs a person.');
  for (const n of report.needsPerson) lines.push(`  - ${n.message}`);
  return `${lines.join('\n')}\n`;
}
