// Converts a Pinpoint journey and its templates into a journey file, with a report of what each activity and setting
// became and what needs a person. Pure: the caller reads the files and lays the steps out (schemas/layout.ts).
import { DateTime } from 'luxon';
import type { ComplianceProfileId } from '../../compliance-profiles.ts';
import type { InboundEventType } from '../../events.ts';
import { isValidDuration, slugPattern } from '../../fields.ts';
import { currentSchemaVersion, type JourneyFile } from '../../journey.ts';
import { conditionFieldPattern, type Condition } from '../../nodes/branch.ts';
import { jsonPointer } from '../../problems.ts';
import { kindOf, type ActivityKind, type InputProblem, type PinpointActivity, type PinpointJourney, type PinpointTemplate } from './input.ts';
import type { ActivityEntry, ConversionReport, NeedsPerson, SettingEntry } from './report.ts';
import { attributeReference, defaultSubstitutions, fieldOf, rewriteVariables, type AddressChannel } from './variables.ts';
import { ianaZoneOf } from './time-zones.ts';

export interface ConvertOptions {
  /** The templates found, by TemplateName. */
  templates: ReadonlyMap<string, PinpointTemplate>;
  /**
   * What a message activity whose template is not among them becomes: a problem that stops the conversion (the
   * command line, which was given the templates' folder), or a step with a placeholder text that the report lists
   * (the editor's import, which has the journey's file alone).
   */
  missingTemplates: 'error' | 'placeholder';
  /** Where the journey sits in the file read, e.g. ["JourneyResponse"], for the JSON pointers of problems. */
  pointer?: readonly string[];
}

export type ConversionResult = { journey: JourneyFile; report: ConversionReport } | { problems: InputProblem[] };

type FileNode = JourneyFile['nodes'][string];

/** The step types that reach a contact, with the compliance gate's channel for each. */
const gateChannel = { sms: 'sms', email: 'email', dialer: 'voice' } as const;

/** The profile of a number's country calling code: the countries with a profile here. */
const profileOfCallingCode: [string, ComplianceProfileId][] = [
  ['+1', 'US'],
  ['+44', 'UK'],
  ['+61', 'AU'],
  ['+64', 'NZ'],
];

const defaultTimezone: Record<ComplianceProfileId, string> = {
  US: 'America/New_York',
  UK: 'Europe/London',
  AU: 'Australia/Sydney',
  NZ: 'Pacific/Auckland',
  CA: 'America/Toronto',
};

/** Caller IDs reserved for fiction, used only until a person sets the real one (the report says so). */
const placeholderCallerId: Record<ComplianceProfileId, string> = {
  US: '+12025550100',
  UK: '+447700900100',
  AU: '+61491570156',
  NZ: '+6421555010',
  CA: '+16135550100',
};

/** A Pinpoint condition compiled to one test a step can make: pass or fail. */
type Test =
  | { kind: 'event'; event: InboundEventType; inverted: boolean; timeout: string }
  | { kind: 'rule'; conditions: Condition[] }
  | { kind: 'delivered'; message: string; inverted: boolean };

export function convertPinpointJourney(source: PinpointJourney, options: ConvertOptions): ConversionResult {
  return new Conversion(source, options).run();
}

class Conversion {
  private readonly problems: InputProblem[] = [];
  private readonly nodes: Record<string, FileNode> = {};
  private readonly taken = new Set<string>();
  private readonly stepIds = new Map<string, string>();
  private readonly entries = new Map<string, string>();
  private readonly activities: Record<string, PinpointActivity>;
  private readonly kinds = new Map<string, ActivityKind>();
  private readonly activityReport = new Map<string, ActivityEntry>();
  private readonly settings: SettingEntry[] = [];
  private readonly needs: NeedsPerson[] = [];
  private readonly attributes = new Set<string>();
  /** Message steps whose `failed` exit a "delivered" condition sends elsewhere: step id → the step it goes to. */
  private readonly failedRewires = new Map<string, string>();
  private profile: ComplianceProfileId = 'US';
  private timezone = 'America/New_York';
  private outsideHours: 'defer' | 'block' = 'defer';

  constructor(
    private readonly source: PinpointJourney,
    private readonly options: ConvertOptions,
  ) {
    this.activities = source.Activities ?? {};
  }

  private pointer(...path: (string | number)[]): string {
    return jsonPointer([...(this.options.pointer ?? []), ...path]);
  }

  private problem(path: (string | number)[], message: string, activity?: string): void {
    this.problems.push({ path: this.pointer(...path), ...(activity !== undefined && { activity }), message });
  }

  run(): ConversionResult {
    this.checkShape();
    if (this.problems.length) return { problems: this.problems };
    const reachable = this.reachableActivities();
    this.checkLoops(reachable);
    if (this.problems.length) return { problems: this.problems };

    this.chooseProfile();
    this.chooseTimezone();
    this.allocateIds(reachable);
    const startId = this.fresh('start');
    this.nodes[startId] = this.startStep();
    this.nodes[startId].next = { out: this.entryOf(this.source.StartActivity!) };
    for (const id of reachable) this.convertActivity(id);
    for (const [stepId, target] of this.failedRewires) {
      const node = this.nodes[stepId];
      if (node) node.next = { ...node.next, failed: target };
    }
    for (const id of Object.keys(this.activities).sort()) {
      if (!reachable.includes(id)) {
        const kind = this.kinds.get(id) ?? 'unknown';
        this.activityReport.set(id, {
          activity: id,
          kind,
          became: [],
          status: 'skipped',
          notes: ['No path from the StartActivity leads to it; it is left out'],
        });
      }
    }
    this.reportSettings();
    if (Object.values(this.nodes).some((n) => n.type === 'sms')) {
      this.needs.push({
        kind: 'help-contact',
        message: 'The journey sends texts: fill in "How contacts reach you" (settings.helpContact), which the automatic answer to a HELP text gives',
      });
    }
    if (this.problems.length) return { problems: this.problems };

    const journey: JourneyFile = {
      $schema: '../schemas/journey.schema.json',
      schemaVersion: currentSchemaVersion,
      id: slugOf(this.source.Name ?? 'pinpoint-journey', 'pinpoint-journey')
        .slice(0, 60)
        .replace(/-+$/, ''),
      name: (this.source.Name ?? 'Pinpoint journey').slice(0, 120),
      description: `Converted from the Amazon Pinpoint journey ${this.source.Id ?? this.source.Name}.`,
      settings: { timezone: this.timezone, compliance: this.profile },
      nodes: this.nodes as JourneyFile['nodes'],
    };
    const report: ConversionReport = {
      source: {
        ...(this.source.Id !== undefined && { id: this.source.Id }),
        name: this.source.Name ?? '',
        ...(this.source.State && { state: this.source.State }),
      },
      journey: { id: journey.id, name: journey.name, steps: Object.keys(this.nodes).length },
      profile: this.profileReason,
      timezone: this.timezoneReason,
      activities: Object.keys(this.activities)
        .sort()
        .map((id) => this.activityReport.get(id)!),
      settings: this.settings,
      needsPerson: this.needs,
      attributes: [...this.attributes].sort(),
    };
    return { journey, report };
  }

  // ----- the input's shape -----

  private checkShape(): void {
    const ids = Object.keys(this.activities);
    if (!this.source.StartActivity) {
      this.problem(['StartActivity'], 'The journey has no StartActivity: it should name the activity participants enter first');
    } else if (!(this.source.StartActivity in this.activities)) {
      this.problem(
        ['StartActivity'],
        `The StartActivity is "${this.source.StartActivity}", but the journey has no activity with that id${ids.length ? ` (its activities are ${ids.slice(0, 10).join(', ')}${ids.length > 10 ? '…' : ''})` : ''}`,
      );
    }
    for (const id of ids) {
      const activity = this.activities[id]!;
      const kind = kindOf(activity);
      if (typeof kind !== 'string') {
        this.problem(['Activities', id], `Activity "${id}" ${kind.problem}`, id);
        continue;
      }
      this.kinds.set(id, kind);
      for (const { path, target } of targetsOf(activity, kind)) {
        if (target !== undefined && !(target in this.activities)) {
          this.problem(['Activities', id, kind, ...path], `Activity "${id}" leads to "${target}", but the journey has no activity with that id`, id);
        }
      }
      const conditions = conditionsOf(activity, kind);
      for (const { path, condition } of conditions) {
        const message = condition.EventCondition?.MessageActivity;
        if (message !== undefined && !(message in this.activities)) {
          this.problem(
            ['Activities', id, kind, ...path, 'EventCondition', 'MessageActivity'],
            `Activity "${id}" tests the events of message "${message}", but the journey has no activity with that id`,
            id,
          );
        }
      }
    }
  }

  private reachableActivities(): string[] {
    const seen = new Set<string>();
    const queue = [this.source.StartActivity!];
    while (queue.length) {
      const id = queue.shift()!;
      if (seen.has(id)) continue;
      seen.add(id);
      for (const { target } of targetsOf(this.activities[id]!, this.kinds.get(id)!)) if (target !== undefined) queue.push(target);
    }
    return [...seen].sort();
  }

  /** A loop through activities none of which holds the participant (a Wait, a split waiting for a message event). */
  private checkLoops(reachable: readonly string[]): void {
    const pauses = (id: string) => {
      const kind = this.kinds.get(id)!;
      return kind === 'Wait' || conditionsOf(this.activities[id]!, kind).some(({ condition }) => condition.EventCondition !== undefined);
    };
    const state = new Map<string, 'open' | 'done'>();
    const path: string[] = [];
    const visit = (id: string): string[] | undefined => {
      state.set(id, 'open');
      path.push(id);
      for (const { target } of targetsOf(this.activities[id]!, this.kinds.get(id)!)) {
        if (target === undefined || pauses(target)) continue;
        if (state.get(target) === 'open') return [...path.slice(path.indexOf(target)), target];
        if (!state.has(target)) {
          const loop = visit(target);
          if (loop) return loop;
        }
      }
      path.pop();
      state.set(id, 'done');
      return undefined;
    };
    for (const id of reachable) {
      if (state.has(id) || pauses(id)) continue;
      const loop = visit(id);
      if (loop) {
        this.problem(
          ['Activities', loop[0]!],
          `Activities ${loop.map((a) => `"${a}"`).join(' → ')} form a loop with no Wait in it: a participant would go round without pause. Add a Wait activity to the loop in Pinpoint, or remove the loop, then export the journey again`,
          loop[0],
        );
        return;
      }
    }
  }

  // ----- ids -----

  private allocateIds(reachable: readonly string[]): void {
    for (const id of reachable) {
      const stepId = this.fresh(slugPattern.test(id) && id.length <= 64 ? id : slugOf(id, 'activity').slice(0, 64));
      this.stepIds.set(id, stepId);
    }
  }

  /** An id no step has yet: the base, then base-2, base-3... */
  private fresh(base: string): string {
    const stem = slugOf(base, 'step');
    let id = stem;
    for (let n = 2; this.taken.has(id); n++) id = `${stem}-${n}`;
    this.taken.add(id);
    return id;
  }

  /** The step that contacts arriving at an activity enter: its gate, its first step, or where a skipped one leads. */
  private entryOf(activity: string, seen: ReadonlySet<string> = new Set()): string {
    const known = this.entries.get(activity);
    if (known) return known;
    const kind = this.kinds.get(activity)!;
    const act = this.activities[activity]!;
    if (this.isSkipped(activity, kind) && !seen.has(activity)) {
      const next = (act[kind] as { NextActivity?: string }).NextActivity;
      const entry = next !== undefined ? this.entryOf(next, new Set([...seen, activity])) : this.endFor(activity);
      this.entries.set(activity, entry);
      return entry;
    }
    const stepId = this.stepIds.get(activity)!;
    if (kind === 'Holdout' && (act.Holdout?.Percentage ?? 0) >= 100) {
      const heldOut = this.endFor(activity, 'held-out', 'Held out');
      this.entries.set(activity, heldOut);
      return heldOut;
    }
    const entry = kind === 'SMS' || kind === 'EMAIL' || kind === 'ContactCenter' ? this.fresh(`${stepId}-gate`) : stepId;
    this.entries.set(activity, entry);
    return entry;
  }

  private isSkipped(id: string, kind: ActivityKind): boolean {
    if (kind === 'PUSH') return true;
    if (kind === 'CUSTOM') return !isWebAddress(this.activities[id]!.CUSTOM?.DeliveryUri);
    if (kind === 'Holdout') return (this.activities[id]!.Holdout?.Percentage ?? 0) <= 0;
    return false;
  }

  private readonly ends = new Map<string, string>();

  /** The end step of an activity that leads nowhere, made once. */
  private endFor(activity: string, outcome = 'completed', label?: string): string {
    const key = `${activity}\u0000${outcome}`;
    const known = this.ends.get(key);
    if (known) return known;
    const base = this.stepIds.get(activity) ?? slugOf(activity, 'activity');
    const id = this.fresh(outcome === 'completed' ? `${base}-end` : `${base}-${outcome}`);
    this.nodes[id] = { type: 'end', ...(label && { label }), position: origin(), config: { outcome } };
    this.ends.set(key, id);
    return id;
  }

  /** Where a contact goes after an activity: its next activity's entry, or an end step. */
  private after(activity: string, next: string | undefined): string {
    return next !== undefined ? this.entryOf(next) : this.endFor(activity);
  }

  // ----- settings -----

  private profileReason = '';
  private timezoneReason = '';

  private chooseProfile(): void {
    const numbers = Object.keys(this.activities)
      .sort()
      .flatMap((id) => {
        const number = this.activities[id]!.SMS?.MessageConfig?.OriginationNumber;
        return number ? [{ id, number }] : [];
      });
    for (const { id, number } of numbers) {
      const match = profileOfCallingCode.find(([code]) => number.startsWith(code));
      if (match) {
        this.profile = match[1];
        const others = new Set(numbers.map((n) => profileOfCallingCode.find(([code]) => n.number.startsWith(code))?.[1]).filter((p) => p && p !== match[1]));
        this.profileReason = `${match[1]}: the origination number ${number} of activity "${id}" is in that country${
          others.size ? `; other activities send from ${[...others].join(', ')} numbers, which follow their own country's rules when called or texted` : ''
        }`;
        return;
      }
    }
    this.profileReason = numbers.length
      ? `US (the default): the origination numbers ${numbers.map((n) => n.number).join(', ')} are of no country with rules here`
      : 'US (the default): no activity names an origination number of a country with rules here';
  }

  private chooseTimezone(): void {
    const given = this.source.Schedule?.Timezone;
    const zone = given ? ianaZoneOf(given) : undefined;
    if (zone) {
      this.timezone = zone;
      this.timezoneReason = `${zone}: the schedule's time zone ${given}`;
    } else {
      this.timezone = defaultTimezone[this.profile];
      this.timezoneReason = given
        ? `${this.timezone} (the ${this.profile} default): the schedule's time zone "${given}" is not one Pinpoint allows`
        : `${this.timezone} (the ${this.profile} default): the journey's schedule has no time zone`;
    }
    if (this.source.QuietTime && !this.source.WaitForQuietTime) this.outsideHours = 'block';
  }

  private startStep(): FileNode {
    const condition = this.source.StartCondition;
    const audience: { list?: string; event?: string } = {};
    let became: string;
    const segment = condition?.SegmentStartCondition?.SegmentId;
    const eventFilter = condition?.EventStartCondition?.EventFilter;
    if (segment !== undefined) {
      audience.list = nameOf(`segment-${segment}`);
      became = `Start: everyone on the contact list "${audience.list}"`;
      this.needs.push({
        kind: 'segment',
        message: `Export segment ${segment} (aws pinpoint create-export-job) and import it as the contact list "${audience.list}"`,
      });
    } else if (eventFilter) {
      const eventType = eventFilter.Dimensions?.EventType?.Values?.[0];
      audience.event = nameOf(eventType ?? 'pinpoint-event');
      became = `Start: each contact posted with the event "${audience.event}"`;
      const extra = [
        eventFilter.Dimensions?.Attributes && 'attribute filters',
        eventFilter.Dimensions?.Metrics && 'metric filters',
        (eventFilter.Dimensions?.EventType?.Values?.length ?? 0) > 1 && 'other event types',
        condition?.EventStartCondition?.SegmentId && `the segment ${condition.EventStartCondition.SegmentId}`,
      ].filter(Boolean);
      if (extra.length) {
        this.needs.push({
          kind: 'entry',
          message: `The entry event's ${extra.join(', ')} are not carried over: the system that posts contacts with "${audience.event}" should post only those that match`,
        });
      }
    } else {
      audience.list = nameOf(`pinpoint-${this.source.Id ?? this.source.Name ?? 'journey'}`);
      became = `Start: everyone on the contact list "${audience.list}"`;
      this.needs.push({ kind: 'segment', message: `The journey names no segment: import its participants as the contact list "${audience.list}"` });
    }
    this.settings.push({
      setting: 'StartCondition',
      value: condition ? JSON.stringify(condition) : '(none)',
      became,
      status: condition ? 'carried' : 'partly',
    });
    const config: Record<string, unknown> = { audience };
    const schedule = this.source.Schedule;
    for (const [key, field] of [
      ['StartTime', 'startAt'],
      ['EndTime', 'endAt'],
    ] as const) {
      const value = schedule?.[key];
      if (value === undefined) continue;
      const time = DateTime.fromISO(String(value), { setZone: true });
      if (!time.isValid) {
        this.problem(['Schedule', key], `Schedule.${key} "${value}" is not a date and time in ISO 8601 format, such as 2026-03-01T09:00:00Z`);
        continue;
      }
      config[field] = time.toISO({ suppressMilliseconds: true });
      this.settings.push({
        setting: `Schedule.${key}`,
        value: String(value),
        became: `the start step's ${field === 'startAt' ? '"Start at"' : '"Stop entering at"'}`,
        status: this.source.LocalTime ? 'partly' : 'carried',
      });
    }
    return { type: 'start', position: origin(), config } as unknown as FileNode;
  }

  private reportSettings(): void {
    const s = this.source;
    const add = (setting: string, value: unknown, became: string, status: SettingEntry['status']) => {
      if (value !== undefined && value !== null)
        this.settings.push({ setting, value: typeof value === 'string' ? value : JSON.stringify(value), became, status });
    };
    add('Schedule.Timezone', s.Schedule?.Timezone, `the journey's time zone ${this.timezone}`, ianaZoneOf(s.Schedule?.Timezone ?? '') ? 'carried' : 'partly');
    add('LocalTime', s.LocalTime, 'the start and end are moments, the same for every contact', s.LocalTime ? 'not-carried' : 'carried');
    add(
      'QuietTime',
      s.QuietTime,
      `the compliance gates check the ${this.profile} rules' allowed hours in each contact's time zone instead of ${s.QuietTime?.Start}–${s.QuietTime?.End}`,
      'partly',
    );
    add(
      'WaitForQuietTime',
      s.WaitForQuietTime,
      this.outsideHours === 'defer' ? 'the gates hold contacts until hours open' : 'the gates skip the message outside allowed hours and the contact goes on',
      'carried',
    );
    add('SendingSchedule', s.SendingSchedule, 'see OpenHours and ClosedDays', 'partly');
    add(
      'OpenHours',
      s.OpenHours,
      `the gates allow the ${this.profile} rules' hours instead; a Wait until a time of day before a step narrows them`,
      'not-carried',
    );
    add('ClosedDays', s.ClosedDays, 'the gates check public holidays; other closed days (listed in the value) are not: pause the run on those days', 'partly');
    const limits = (s.Limits ?? {}) as Record<string, unknown>;
    const limitWords: Record<string, string> = {
      DailyCap: 'frequency cap: messages a day to one participant',
      TotalCap: 'frequency cap: messages in all to one participant',
      TimeframeCap: 'frequency cap: messages over a number of days',
      EndpointReentryCap: 're-entry rule: times a participant may enter',
      EndpointReentryInterval: 're-entry rule: time before a participant may enter again',
      MessagesPerSecond: 'run throttle: messages a second',
    };
    for (const key of Object.keys(limits).sort()) {
      add(`Limits.${key}`, limits[key], `${limitWords[key] ?? 'a limit'}, which this product does not have yet`, 'not-carried-yet');
    }
    add('RefreshFrequency', s.RefreshFrequency, 'a run reads its contact list when it starts; start another run for new contacts', 'not-carried');
    add('RefreshOnSegmentUpdate', s.RefreshOnSegmentUpdate, 'as RefreshFrequency', 'not-carried');
    add('TimezoneEstimationMethods', s.TimezoneEstimationMethods, "give contacts' time zones in the contact list", 'not-carried');
    add('JourneyChannelSettings', s.JourneyChannelSettings, "the dialer steps' agent queue is named after the Connect campaign", 'partly');
    add('State', s.State, 'the converted journey is a draft until it is published', 'not-carried');
  }

  // ----- activities -----

  private convertActivity(id: string): void {
    const activity = this.activities[id]!;
    const kind = this.kinds.get(id)!;
    const stepId = this.stepIds.get(id)!;
    const label = activity.Description?.trim() ? activity.Description.trim().slice(0, 80) : undefined;
    const entry: ActivityEntry = { activity: id, kind, ...(label && { description: label }), became: [], status: 'converted', notes: [] };
    this.activityReport.set(id, entry);
    if (stepId !== id) entry.notes.push(`Its id is not a step id here (lower-case letters, digits and hyphens); the step is "${stepId}"`);
    const put = (nodeId: string, node: FileNode) => {
      this.nodes[nodeId] = label && !node.label ? ({ ...node, label } as unknown as FileNode) : node;
      entry.became.push(nodeId);
    };
    const gated = (node: FileNode, next: Record<string, string>) => {
      const gateId = this.entryOf(id);
      const type = node.type as keyof typeof gateChannel;
      const after = Object.values(next)[0]!;
      this.nodes[gateId] = {
        type: 'compliance-gate',
        position: origin(),
        config: { channel: gateChannel[type], outsideHours: this.outsideHours },
        next: { allowed: stepId, blocked: after },
      } as unknown as FileNode;
      entry.became.push(gateId);
      put(stepId, { ...node, next } as unknown as FileNode);
    };

    switch (kind) {
      case 'SMS':
      case 'EMAIL': {
        const settings = (kind === 'SMS' ? activity.SMS : activity.EMAIL)!;
        const after = this.after(id, settings.NextActivity);
        const config = kind === 'SMS' ? this.smsConfig(id, activity) : this.emailConfig(id, activity);
        if (!config) return;
        gated({ type: kind === 'SMS' ? 'sms' : 'email', position: origin(), config } as unknown as FileNode, { sent: after, failed: after });
        return;
      }
      case 'ContactCenter': {
        const after = this.after(id, activity.ContactCenter!.NextActivity);
        gated({ type: 'dialer', position: origin(), config: this.dialerConfig(id) } as unknown as FileNode, {
          connected: after,
          machine: after,
          'no-answer': after,
          abandoned: after,
          failed: after,
        });
        entry.notes.push('Every way the call ends leads to the next activity, as in Pinpoint; connect the exits to branch on them');
        return;
      }
      case 'PUSH':
        entry.status = 'skipped';
        entry.notes.push('This product has no push channel: contacts go straight on to the next activity');
        this.needs.push({
          kind: 'push',
          activity: id,
          message: `Push activity "${id}" is left out; reach these contacts by SMS or email instead if they need the message`,
        });
        return;
      case 'CUSTOM': {
        const custom = activity.CUSTOM!;
        if (!isWebAddress(custom.DeliveryUri)) {
          entry.status = 'skipped';
          entry.notes.push(`Its DeliveryUri "${custom.DeliveryUri ?? ''}" is a Lambda function, which this product cannot call: contacts go straight on`);
          this.needs.push({
            kind: 'custom',
            activity: id,
            message: `Custom activity "${id}" calls the Lambda function ${custom.DeliveryUri ?? '(none)'}; put it behind an HTTPS address (a function URL) and add a webhook step`,
          });
          return;
        }
        const config: Record<string, unknown> = { url: custom.DeliveryUri, method: 'POST' };
        const data = custom.MessageConfig?.Data;
        if (data) config.body = this.rewrite(id, data, 'other', {}, 'the message data');
        const after = this.after(id, custom.NextActivity);
        put(stepId, { type: 'webhook', position: origin(), config, next: { ok: after, error: after } } as unknown as FileNode);
        if (custom.EndpointTypes?.length) entry.notes.push(`EndpointTypes ${custom.EndpointTypes.join(', ')} are not carried over: every contact is sent`);
        return;
      }
      case 'Wait': {
        const wait = activity.Wait!;
        const config = this.waitConfig(id, wait.WaitTime, ['Activities', id, 'Wait', 'WaitTime'], entry);
        if (!config) return;
        put(stepId, { type: 'wait', position: origin(), config, next: { out: this.after(id, wait.NextActivity) } } as unknown as FileNode);
        return;
      }
      case 'RandomSplit': {
        const branches = activity.RandomSplit!.Branches ?? [];
        const total = branches.reduce((sum, b) => sum + (b.Percentage ?? 0), 0);
        if (branches.length < 2 || Math.abs(total - 100) > 1e-9 || branches.some((b) => !((b.Percentage ?? 0) > 0))) {
          this.problem(
            ['Activities', id, 'RandomSplit', 'Branches'],
            `Random split "${id}" needs at least two paths, each with more than 0 %, adding up to 100 % (it has ${branches.length} adding up to ${total} %)`,
            id,
          );
          return;
        }
        const next: Record<string, string> = {};
        const paths = branches.map((b, i) => {
          next[`path-${i + 1}`] = this.after(id, b.NextActivity);
          return { port: `path-${i + 1}`, percent: b.Percentage };
        });
        put(stepId, { type: 'split', position: origin(), config: { branches: paths }, next } as unknown as FileNode);
        return;
      }
      case 'Holdout': {
        const holdout = activity.Holdout!;
        const percent = holdout.Percentage ?? 0;
        if (percent <= 0) {
          entry.status = 'skipped';
          entry.notes.push('It holds out 0 %: contacts go straight on');
          return;
        }
        const heldOut = this.endFor(id, 'held-out', 'Held out');
        entry.became.push(heldOut);
        if (percent >= 100) {
          entry.notes.push('It holds out 100 %: contacts end here');
          return;
        }
        put(stepId, {
          type: 'split',
          position: origin(),
          config: {
            branches: [
              { port: 'held-out', percent },
              { port: 'continue', percent: 100 - percent },
            ],
          },
          next: { 'held-out': heldOut, continue: this.after(id, holdout.NextActivity) },
        } as unknown as FileNode);
        return;
      }
      case 'ConditionalSplit':
        this.conditionalSplit(id, stepId, activity, entry, put);
        return;
      case 'MultiCondition':
        this.multiCondition(id, stepId, activity, entry, put);
        return;
    }
  }

  private template(id: string, kind: 'SMS' | 'EMAIL', name: string | undefined): PinpointTemplate | undefined {
    const type = kind === 'SMS' ? 'SMS' : 'EMAIL';
    const template = name !== undefined ? this.options.templates.get(name) : undefined;
    if (template && template.TemplateType !== type) {
      this.problem(
        ['Activities', id, kind, 'TemplateName'],
        `Activity "${id}" sends the ${template.TemplateType} template "${name}" as ${type === 'SMS' ? 'a text' : 'an email'}`,
        id,
      );
      return undefined;
    }
    if (template) return template;
    if (this.options.missingTemplates === 'error') {
      this.problem(
        ['Activities', id, kind, 'TemplateName'],
        name === undefined
          ? `Activity "${id}" names no template, so it has no message to convert`
          : `Activity "${id}" sends the template "${name}", which is not in the templates folder: add ${name}.json (aws pinpoint get-${type === 'SMS' ? 'sms' : 'email'}-template --template-name ${name} > ${name}.json)`,
        id,
      );
      return undefined;
    }
    this.needs.push({
      kind: 'template',
      activity: id,
      message: `The template "${name ?? '(none)'}" of activity "${id}" was not given: its step has a placeholder text to replace`,
    });
    const placeholder = `Template "${name ?? 'none'}" of the Pinpoint journey: replace this text with the message`;
    return type === 'SMS'
      ? ({ TemplateType: 'SMS', TemplateName: name, Body: placeholder } as PinpointTemplate)
      : ({ TemplateType: 'EMAIL', TemplateName: name, Subject: placeholder, TextPart: placeholder } as PinpointTemplate);
  }

  /** A template's text as Liquid; what does not map is listed for a person. */
  private rewrite(id: string, text: string, channel: AddressChannel, defaults: Record<string, string>, where: string): string {
    const result = rewriteVariables(text, channel, defaults);
    for (const a of result.attributes) this.attributes.add(a);
    for (const variable of result.unmapped) {
      this.needs.push({
        kind: 'variable',
        activity: id,
        message: `${where} of activity "${id}" uses {{${variable}}}, which has no field here: it reads [${variable}] until a person replaces it`,
      });
    }
    const entry = this.activityReport.get(id);
    for (const m of result.mapped) entry?.notes.push(`{{${m.variable}}} became {{ ${m.field} }}`);
    return result.text;
  }

  private smsConfig(id: string, activity: PinpointActivity): Record<string, unknown> | undefined {
    const sms = activity.SMS!;
    const template = this.template(id, 'SMS', sms.TemplateName);
    if (template?.TemplateType !== 'SMS') return undefined;
    if (!template.Body?.trim()) {
      this.problem(['Activities', id, 'SMS', 'TemplateName'], `Activity "${id}" sends the template "${sms.TemplateName}", which has no Body`, id);
      return undefined;
    }
    const config: Record<string, unknown> = {
      body: this.rewrite(id, template.Body, 'sms', defaultSubstitutions(template.DefaultSubstitutions), `The template "${template.TemplateName}"`),
    };
    const from = sms.MessageConfig?.OriginationNumber ?? sms.MessageConfig?.SenderId;
    if (from && /^(\+[1-9]\d{6,14}|[A-Za-z0-9 ]{1,11})$/.test(from)) config.from = from;
    else if (from)
      this.activityReport
        .get(id)
        ?.notes.push(`The sender "${from}" is neither a number in international format nor a sender name; the account's default number sends`);
    const extra = Object.keys(sms.MessageConfig ?? {}).filter((k) => k !== 'OriginationNumber' && k !== 'SenderId');
    if (extra.length) this.activityReport.get(id)?.notes.push(`MessageConfig ${extra.join(', ')} not carried over`);
    return config;
  }

  private emailConfig(id: string, activity: PinpointActivity): Record<string, unknown> | undefined {
    const email = activity.EMAIL!;
    const template = this.template(id, 'EMAIL', email.TemplateName);
    if (template?.TemplateType !== 'EMAIL') return undefined;
    const defaults = defaultSubstitutions(template.DefaultSubstitutions);
    if (!template.Subject?.trim() || !(template.HtmlPart?.trim() || template.TextPart?.trim())) {
      this.problem(
        ['Activities', id, 'EMAIL', 'TemplateName'],
        `Activity "${id}" sends the template "${email.TemplateName}", which has no Subject or no HtmlPart and TextPart`,
        id,
      );
      return undefined;
    }
    const where = `The template "${template.TemplateName}"`;
    const config: Record<string, unknown> = { subject: this.rewrite(id, template.Subject, 'email', defaults, where) };
    if (template.TextPart?.trim()) config.text = this.rewrite(id, template.TextPart, 'email', defaults, where);
    if (template.HtmlPart?.trim()) config.html = this.rewrite(id, template.HtmlPart, 'email', defaults, where);
    const from = email.MessageConfig?.FromAddress;
    if (from && /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(from)) config.from = from;
    return config;
  }

  private dialerConfig(id: string): Record<string, unknown> {
    const arn = this.source.JourneyChannelSettings?.ConnectCampaignArn;
    const campaign = arn ? /campaign\/([^/]+)$/.exec(arn)?.[1] : undefined;
    const queue = slugOf(campaign ? `connect-${campaign}` : 'pinpoint-contact-center', 'queue').slice(0, 60);
    if (!campaign) {
      this.needs.push({
        kind: 'queue',
        activity: id,
        message: `The journey names no Connect campaign: the call step "${this.stepIds.get(id)}" uses the agent queue "${queue}"`,
      });
    }
    const number = Object.values(this.activities)
      .map((a) => a.SMS?.MessageConfig?.OriginationNumber)
      .find((n) => n && /^\+[1-9]\d{6,14}$/.test(n));
    const callerId = number ?? placeholderCallerId[this.profile];
    this.needs.push({
      kind: 'caller-id',
      activity: id,
      message: number
        ? `The call step "${this.stepIds.get(id)}" shows the caller ID ${number}, the journey's SMS origination number: set the number the Connect campaign called from`
        : `The call step "${this.stepIds.get(id)}" has the fictional caller ID ${callerId}: set the number the Connect campaign called from`,
    });
    this.activityReport
      .get(id)
      ?.notes.push(
        `A predictive call to the agent queue "${queue}"${campaign ? `, named after the Connect campaign ${campaign}` : ''}, behind a compliance gate for calls`,
      );
    return { mode: 'predictive', queue, callerId };
  }

  private waitConfig(
    id: string,
    time: { WaitFor?: string; WaitUntil?: string } | undefined,
    path: (string | number)[],
    entry: ActivityEntry,
  ): Record<string, unknown> | undefined {
    if (time?.WaitFor !== undefined) {
      if (!isValidDuration(time.WaitFor)) {
        this.problem([...path, 'WaitFor'], `Activity "${id}" waits for "${time.WaitFor}", which is not an ISO 8601 duration such as PT1H or P2D`, id);
        return undefined;
      }
      return { duration: time.WaitFor };
    }
    if (time?.WaitUntil !== undefined) {
      const until = DateTime.fromISO(time.WaitUntil, { setZone: true });
      if (!until.isValid) {
        this.problem([...path, 'WaitUntil'], `Activity "${id}" waits until "${time.WaitUntil}", which is not a date and time such as 2026-03-01T09:00:00Z`, id);
        return undefined;
      }
      const local = until.setZone(this.timezone);
      entry.status = 'changed';
      entry.notes.push(
        `It waited until ${time.WaitUntil}; the step waits until ${local.toFormat('HH:mm')} (${this.timezone}), the next time the clock reads it, whatever the date`,
      );
      return { until: { time: local.toFormat('HH:mm'), timezone: this.timezone } };
    }
    this.problem(path, `Activity "${id}" has no WaitFor or WaitUntil: say how long to wait`, id);
    return undefined;
  }

  // ----- conditions -----

  /** How long an event condition waits: the activity's EvaluationWaitTime, or a day. */
  private evaluationTimeout(id: string, kind: 'ConditionalSplit' | 'MultiCondition', entry: ActivityEntry): string {
    const time = this.activities[id]![kind]!.EvaluationWaitTime;
    if (time?.WaitFor && isValidDuration(time.WaitFor)) return time.WaitFor;
    if (time?.WaitFor) {
      this.problem(
        ['Activities', id, kind, 'EvaluationWaitTime', 'WaitFor'],
        `Activity "${id}" evaluates after "${time.WaitFor}", which is not an ISO 8601 duration such as PT1H or P2D`,
        id,
      );
      return 'P1D';
    }
    entry.status = 'changed';
    entry.notes.push(
      time?.WaitUntil
        ? `It evaluated at ${time.WaitUntil}; the step waits up to one day (P1D) for the event`
        : 'It has no EvaluationWaitTime; the step waits up to one day (P1D) for the event',
    );
    return 'P1D';
  }

  private compile(
    id: string,
    condition: NonNullable<NonNullable<PinpointActivity['MultiCondition']>['Branches']>[number]['Condition'],
    index: number,
    timeout: () => string,
    entry: ActivityEntry,
  ): Test {
    const fallback = (reason: string): Test => {
      const name = `pinpoint_${slugOf(id, 'activity').replaceAll('-', '_')}_${index + 1}`;
      this.attributes.add(name);
      this.needs.push({
        kind: 'condition',
        activity: id,
        message: `Condition ${index + 1} of activity "${id}" ${reason}: it became a test of the contact attribute "${name}" (true or false), which the contact list must hold`,
      });
      entry.status = 'changed';
      return { kind: 'rule', conditions: [{ field: attributeReference(name), op: 'equals', value: true }] };
    };
    if (!condition) return fallback('is empty');
    const event = condition.EventCondition;
    if (event) {
      const values = event.Dimensions?.EventType?.Values ?? [];
      const kinds = new Set(values.map(messageEventOf));
      const message = event.MessageActivity;
      const messageKind = message !== undefined ? this.kinds.get(message) : undefined;
      const inverted = event.Dimensions?.EventType?.DimensionType === 'EXCLUSIVE';
      if (kinds.size !== 1 || kinds.has(undefined))
        return fallback(`tests the event${values.length === 1 ? '' : 's'} ${values.join(', ') || '(none)'}, which this product cannot wait for`);
      const kind = [...kinds][0]!;
      if (kind === 'delivered') {
        if (message === undefined || (messageKind !== 'SMS' && messageKind !== 'EMAIL') || !this.stepIds.has(message)) {
          return fallback("tests the delivery of an activity that is not a text or an email on the journey's paths");
        }
        return { kind: 'delivered', message, inverted };
      }
      if (kind === 'opened' && messageKind !== 'EMAIL') return fallback('tests an open of a message that is not an email');
      return { kind: 'event', event: kind === 'opened' ? 'email.opened' : 'link.clicked', inverted, timeout: timeout() };
    }
    if (condition.SegmentCondition) {
      const segment = condition.SegmentCondition.SegmentId ?? '';
      const name = `segment_${segment.replace(/\W/g, '_')}`;
      this.attributes.add(name);
      this.needs.push({
        kind: 'segment',
        activity: id,
        message: `Activity "${id}" tests membership of segment ${segment}: export the segment and mark its members with the column "${name}" = true in the contact list`,
      });
      return { kind: 'rule', conditions: [{ field: attributeReference(name), op: 'equals', value: true }] };
    }
    const dimensions = condition.SegmentDimensions;
    if (dimensions) {
      const other = Object.keys(dimensions).filter((k) => k !== 'Attributes' && k !== 'UserAttributes');
      if (other.length) return fallback(`tests ${other.join(', ')}, which a contact here does not have`);
      const conditions: Condition[] = [];
      for (const [name, dimension] of [...Object.entries(dimensions.Attributes ?? {}), ...Object.entries(dimensions.UserAttributes ?? {})]) {
        const ops: Record<string, Condition['op']> = { INCLUSIVE: 'in', EXCLUSIVE: 'not-in', CONTAINS: 'contains' };
        const op = ops[dimension.AttributeType ?? 'INCLUSIVE'];
        const values = dimension.Values ?? [];
        if (!op) return fallback(`compares the attribute ${name} as dates (${dimension.AttributeType}), which a branch here cannot`);
        // A column such as Region or FirstName is a contact field here, as the list's importer reads it.
        const target = fieldOf(`Attributes.${name}`, 'other');
        if (!target || !conditionFieldPattern.test(target.field)) {
          return fallback(`tests the attribute "${name}", whose name a branch here cannot read (letters, digits and underscores)`);
        }
        if (values.length === 0 || (op === 'contains' && values.length !== 1)) return fallback(`compares the attribute ${name} with ${values.length} values`);
        if (target.attribute !== undefined) this.attributes.add(target.attribute);
        const field = target.field;
        conditions.push(
          op === 'contains'
            ? { field, op, value: values[0]! }
            : values.length === 1
              ? { field, op: op === 'in' ? 'equals' : 'not-equals', value: values[0]! }
              : { field, op, value: values },
        );
      }
      if (!conditions.length) return fallback('tests no attribute');
      return { kind: 'rule', conditions };
    }
    return fallback('tests nothing this converter reads');
  }

  private conditionalSplit(id: string, stepId: string, activity: PinpointActivity, entry: ActivityEntry, put: (nodeId: string, node: FileNode) => void): void {
    const split = activity.ConditionalSplit!;
    const pass = this.after(id, split.TrueActivity);
    const fail = this.after(id, split.FalseActivity);
    const operator = split.Condition?.Operator ?? 'ALL';
    let timeout: string | undefined;
    const timeoutOnce = () => (timeout ??= this.evaluationTimeout(id, 'ConditionalSplit', entry));
    const conditions = split.Condition?.Conditions ?? [];
    const tests = (conditions.length ? conditions : [undefined]).map((c, i) => this.compile(id, c, i, timeoutOnce, entry));

    const delivered = tests.length === 1 && tests[0]!.kind === 'delivered' ? tests[0] : undefined;
    if (delivered && !this.failedRewires.has(this.stepIds.get(delivered.message)!)) {
      // No event says a message arrived; a message that failed is the one that did not. Its "failed" exit takes the
      // not-delivered path; everyone else waits as Pinpoint did and takes the delivered one.
      const duration = timeoutOnce();
      const [delivers, fails] = delivered.inverted ? [fail, pass] : [pass, fail];
      this.failedRewires.set(this.stepIds.get(delivered.message)!, fails);
      put(stepId, { type: 'wait', position: origin(), config: { duration }, next: { out: delivers } } as unknown as FileNode);
      entry.status = 'changed';
      entry.notes.push(
        `No event says a message was delivered: contacts whose message "${delivered.message}" failed go straight to the ${delivered.inverted ? 'yes' : 'no'} path; the others wait ${duration} and take the ${delivered.inverted ? 'no' : 'yes'} path`,
      );
      return;
    }
    const usable = tests.map((t, i) => (t.kind === 'delivered' ? this.compile(id, undefined, i, timeoutOnce, entry) : t)) as Exclude<
      Test,
      { kind: 'delivered' }
    >[];
    if (usable.every((t) => t.kind === 'rule')) {
      const rules =
        operator === 'ALL'
          ? [{ port: 'yes', label: 'Yes', match: 'all', conditions: usable.flatMap((t) => t.conditions) }]
          : usable.every((t) => t.conditions.length === 1)
            ? [{ port: 'yes', label: 'Yes', match: 'any', conditions: usable.flatMap((t) => t.conditions) }]
            : usable.map((t, i) => ({ port: i === 0 ? 'yes' : `yes-${i + 1}`, label: 'Yes', match: 'all', conditions: t.conditions }));
      const next = Object.fromEntries([...rules.map((r) => [r.port, pass]), ['else', fail]]);
      put(stepId, { type: 'branch', position: origin(), config: { rules }, next } as unknown as FileNode);
      return;
    }
    // One step per condition: with ALL each passes to the next test and fails out; with ANY each passes out.
    const ids = usable.map((_, i) => (i === 0 ? stepId : this.fresh(`${stepId}-${i + 1}`)));
    usable.forEach((test, i) => {
      const later = ids[i + 1];
      const onPass = operator === 'ALL' ? (later ?? pass) : pass;
      const onFail = operator === 'ALL' ? fail : (later ?? fail);
      put(ids[i]!, this.testStep(test, onPass, onFail));
    });
    if (usable.length > 1 && usable.some((t) => t.kind === 'event')) {
      entry.notes.push(`Its ${usable.length} conditions are tested one after another (${operator}); each wait for an event may take up to the evaluation time`);
    }
  }

  private multiCondition(id: string, stepId: string, activity: PinpointActivity, entry: ActivityEntry, put: (nodeId: string, node: FileNode) => void): void {
    const multi = activity.MultiCondition!;
    const branches = multi.Branches ?? [];
    const otherwise = this.after(id, multi.DefaultActivity);
    let timeout: string | undefined;
    const timeoutOnce = () => (timeout ??= this.evaluationTimeout(id, 'MultiCondition', entry));
    const tests = branches.map((b, i) => {
      const test = this.compile(id, b.Condition, i, timeoutOnce, entry);
      return test.kind === 'delivered' ? this.compile(id, undefined, i, timeoutOnce, entry) : test;
    }) as Exclude<Test, { kind: 'delivered' }>[];
    const targets = branches.map((b) => this.after(id, b.NextActivity));
    if (tests.every((t) => t.kind === 'rule')) {
      const rules = tests.map((t, i) => ({ port: `path-${i + 1}`, label: `Path ${i + 1}`, match: 'all', conditions: t.conditions }));
      const next = Object.fromEntries([...rules.map((r, i) => [r.port, targets[i]!]), ['else', otherwise]]);
      put(stepId, { type: 'branch', position: origin(), config: { rules }, next } as unknown as FileNode);
      return;
    }
    const ids = tests.map((_, i) => (i === 0 ? stepId : this.fresh(`${stepId}-${i + 1}`)));
    tests.forEach((test, i) => {
      put(ids[i]!, this.testStep(test, targets[i]!, ids[i + 1] ?? otherwise));
    });
    entry.notes.push('Its paths are tested in order, one step each; each wait for an event may take up to the evaluation time');
  }

  private testStep(test: Exclude<Test, { kind: 'delivered' }>, pass: string, fail: string): FileNode {
    if (test.kind === 'rule') {
      return {
        type: 'branch',
        position: origin(),
        config: { rules: [{ port: 'yes', label: 'Yes', match: 'all', conditions: test.conditions }] },
        next: { yes: pass, else: fail },
      } as unknown as FileNode;
    }
    const [onEvent, onTimeout] = test.inverted ? [fail, pass] : [pass, fail];
    return {
      type: 'wait-for-event',
      position: origin(),
      config: { event: test.event, timeout: test.timeout },
      next: { event: onEvent, timeout: onTimeout },
    } as unknown as FileNode;
  }
}

// ----- helpers -----

const origin = () => ({ x: 0, y: 0 });

/** Lower-case words joined by hyphens, from any text; `fallback` when nothing is left. */
export function slugOf(text: string, fallback: string): string {
  const slug = text
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return slug || fallback;
}

/** A list or event name: lower-case letters, digits, dots and hyphens. */
function nameOf(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/[^a-z0-9.]+/g, '-')
      .replace(/^[^a-z0-9]+|-+$/g, '') || 'pinpoint'
  );
}

function isWebAddress(uri: string | undefined): uri is string {
  return !!uri && /^https?:\/\/[^\s/{}]+(\/\S*)?$/.test(uri);
}

/** Which message event a Pinpoint event type names, however it is spelt (EMAIL_OPEN, _email.open, EMAIL_OPENED...). */
export function messageEventOf(value: string): 'opened' | 'clicked' | 'delivered' | undefined {
  const word = value
    .replace(/^_+/, '')
    .toUpperCase()
    .replace(/[.\s-]/g, '_')
    .replace(/^(EMAIL|SMS)_/, '');
  if (/^OPEN(ED|S)?$/.test(word)) return 'opened';
  if (/^CLICK(ED|S)?$/.test(word)) return 'clicked';
  if (/^(DELIVERED|DELIVERY|SUCCESS)$/.test(word)) return 'delivered';
  return undefined;
}

/** The activities an activity leads to, each with its path under the activity's settings. */
export function targetsOf(activity: PinpointActivity, kind: ActivityKind): { path: (string | number)[]; target: string | undefined }[] {
  switch (kind) {
    case 'ConditionalSplit':
      return [
        { path: ['TrueActivity'], target: activity.ConditionalSplit!.TrueActivity },
        { path: ['FalseActivity'], target: activity.ConditionalSplit!.FalseActivity },
      ];
    case 'MultiCondition':
      return [
        ...(activity.MultiCondition!.Branches ?? []).map((b, i) => ({ path: ['Branches', i, 'NextActivity'], target: b.NextActivity })),
        { path: ['DefaultActivity'], target: activity.MultiCondition!.DefaultActivity },
      ];
    case 'RandomSplit':
      return (activity.RandomSplit!.Branches ?? []).map((b, i) => ({ path: ['Branches', i, 'NextActivity'], target: b.NextActivity }));
    case 'Holdout':
      // Holding everyone out, it leads nowhere: what follows it is left out.
      return (activity.Holdout!.Percentage ?? 0) >= 100 ? [] : [{ path: ['NextActivity'], target: activity.Holdout!.NextActivity }];
    default:
      return [{ path: ['NextActivity'], target: (activity[kind] as { NextActivity?: string }).NextActivity }];
  }
}

function conditionsOf(activity: PinpointActivity, kind: ActivityKind) {
  if (kind === 'ConditionalSplit')
    return (activity.ConditionalSplit!.Condition?.Conditions ?? []).map((condition, i) => ({ path: ['Condition', 'Conditions', i], condition }));
  if (kind === 'MultiCondition') {
    return (activity.MultiCondition!.Branches ?? []).flatMap((b, i) => (b.Condition ? [{ path: ['Branches', i, 'Condition'], condition: b.Condition }] : []));
  }
  return [];
}
