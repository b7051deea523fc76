// The compliance report of a run: the records a seller keeps to claim the safe harbour for abandoned calls (calls
// placed, live answers, abandoned calls per legal window, ring times of unanswered calls, the message each abandoned
// call heard), with the register copy used and the permission changes the run caused. A pure function of loaded rows,
// so that the API, the command line and the editor show the same figures.
import type { ComplianceProfileId } from '../../schemas/compliance-profiles.ts';
import type { EventType } from '../../schemas/events.ts';
import type { DialerMode } from '../../schemas/nodes/dialer.ts';
import { csvCell } from '../event-log.ts';
import { profileForContact } from './country.ts';
import { profiles } from './profiles/index.ts';
import type { AbandonmentRule } from './profiles/types.ts';

export interface ReportRun {
  id: string;
  journeyId: string;
  version: number;
  simulated: boolean;
  status: string;
  startAt: number;
  endedAt: number | null;
}

export interface ReportStep {
  id: string;
  label?: string;
  mode: DialerMode;
}

/** One stored call event (`call.*`) of a run. */
export interface ReportEvent {
  runId: string;
  contactId: string | null;
  nodeId: string | null;
  type: EventType;
  time: number;
  data: Record<string, unknown>;
}

export interface RegistryImportRow {
  profile: string;
  source: string;
  downloadedAt: number;
  importedAt: number;
  entries: number;
}

export interface PermissionChangeRow {
  id: number;
  scope: string;
  kind: string;
  change: string;
  channel: string;
  value: string;
  reason: string;
  source: string;
  contactId: string | null;
  actor: string | null;
  at: number;
}

export interface ComplianceReportInput {
  run: ReportRun;
  journeyName: string;
  profile: ComplianceProfileId;
  /**
   * The campaign: the run itself and, for a live run, every other live run of the same journey, each with the dialer
   * steps of its journey version. A simulated run is a campaign of its own.
   */
  campaign: { run: ReportRun; steps: ReportStep[] }[];
  /** The call events of every run of the campaign. */
  events: ReportEvent[];
  /** Every import of the profile's national register. */
  registryImports: RegistryImportRow[];
  /** The permission changes recorded with this run's id. */
  permissionChanges: PermissionChangeRow[];
  /**
   * For a live run: the share of the detector's machine verdicts that were people, as the dialer estimates it from its
   * detector's accuracy, and where that accuracy comes from. Without it, people among machine verdicts are unknown.
   */
  detectorEstimate?: { share: number; basis: string };
  /** When the report is made; the end of a live run still going. */
  generatedAt: number;
}

export type DetectorBasis = 'recorded' | 'estimate' | 'unknown';

export interface DetectorHangUps {
  /**
   * `recorded`: a simulated run's carrier knew who answered, and each call says so. `estimate`: a live run's machine
   * verdicts times the share of people the detector's accuracy implies. `unknown`: a live run with no such figure.
   */
  basis: DetectorBasis;
  /** Calls answered and judged a machine by the detector. */
  machineVerdicts: number;
  /** People among them: a whole number when recorded, a fraction when estimated, null when unknown. */
  people: number | null;
  note: string;
}

export type AbandonReason = 'no-agent' | 'connected-late' | 'detector-took-person-for-machine' | 'not-connected';

export interface AbandonedCall {
  runId: string;
  stepId: string;
  contactId: string;
  to: string | null;
  placedAt: string;
  answeredAt: string;
  reason: AbandonReason;
  /** Seconds from the moment the legal clock started to the agent coming on, for calls connected too late. */
  connectedAfterSeconds: number | null;
  /** `information`: the profile's message naming the caller; `step-message`: the step's recorded message. */
  message: { played: boolean; kind: 'information' | 'step-message' | null; text: string | null };
}

export interface UnansweredCall {
  runId: string;
  stepId: string;
  contactId: string;
  to: string | null;
  placedAt: string;
  /** From the first ring to our hang-up. */
  ringSeconds: number;
  underMinimum: boolean;
}

export interface ReportPeriod {
  from: string;
  to: string;
  /** The campaign's runs with calls in the period. */
  runs: string[];
  callsPlaced: number;
  liveAnswers: number;
  abandoned: number;
  /** People the detector hung up on, counted in `liveAnswers` and `abandoned` when recorded, added to the rate when estimated. */
  detectorHangUpsOnPeople: number | null;
  detectorBasis: DetectorBasis;
  /** Abandoned over live answers (the estimate added to both when there is one); 0 with no live answers. */
  rate: number;
  capPercent: number;
  withinCap: boolean;
}

export interface CountryFigures {
  profile: ComplianceProfileId;
  callsPlaced: number;
  liveAnswers: number;
  abandoned: number;
  /** Abandoned over live answers of these calls over the whole run, under this profile's definition. */
  rate: number;
  capPercent: number;
  withinCap: boolean;
  connectWithinSeconds: number;
  measuredFrom: 'greeting-end' | 'greeting-start';
  source: string;
}

export interface RegistryCopy {
  source: string;
  downloadedAt: string;
  importedAt: string;
  entries: number;
}

export interface ComplianceReport {
  generatedAt: string;
  run: { id: string; journeyId: string; journeyName: string; version: number; mode: 'live' | 'simulated'; status: string; startAt: string; endAt: string };
  profile: {
    id: ComplianceProfileId;
    name: string;
    abandonment: {
      capPercent: number;
      windowHours: number;
      per: 'campaign' | 'call-centre';
      connectWithinSeconds: number;
      measuredFrom: 'greeting-end' | 'greeting-start';
      source: string;
    };
    minimumRingSeconds: number;
    ringSource: string;
    informationMessageRequired: boolean;
    informationMessageSource: string;
  };
  campaign: { journeyId: string; runs: { id: string; mode: 'live' | 'simulated'; startAt: string }[]; note: string };
  summary: {
    callsPlaced: number;
    answered: number;
    /** Answered by a person: the dialer's live answers, plus the people the detector hung up on when recorded. */
    liveAnswers: number;
    abandoned: { total: number; noAgent: number; connectedLate: number; detectorHangUpsOnPeople: number; notConnected: number };
    detector: DetectorHangUps;
    /** Abandoned over live answers for the whole run, the estimate included as in the periods. */
    abandonmentRate: number;
    informationMessage: { played: number; notPlayed: number };
    unanswered: { count: number; minimumRingSeconds: number; shortestRingSeconds: number | null; underMinimum: number };
    /** Calls of recorded-message steps: they connect no one to an agent, so they are outside the abandonment figures. */
    recordedMessageCalls: number;
  };
  periods: ReportPeriod[];
  /**
   * The run's calls by the country whose rules their numbers follow (a Canadian number in a US journey is counted under
   * the CA definition), each with its own cap: every country's rule must hold for its own calls. One row per profile.
   */
  byCountry: CountryFigures[];
  abandonedCalls: AbandonedCall[];
  unansweredCalls: UnansweredCall[];
  registry: {
    name: string;
    maxAgeDays: number;
    /** The copy the gates screened against when the run started: the latest imported by then. */
    atStart: (RegistryCopy & { ageDays: number; withinMaxAge: boolean }) | null;
    /** Copies imported while the run went on; each replaced the one before from its import on. */
    importedDuringRun: RegistryCopy[];
  };
  permissionChanges: {
    at: string;
    kind: string;
    change: string;
    channel: string;
    value: string;
    reason: string;
    source: string;
    contactId: string | null;
    actor: string | null;
    scope: 'shared' | 'run';
  }[];
}

const hourMs = 3_600_000;
const dayMs = 24 * hourMs;

interface Call {
  runId: string;
  nodeId: string;
  contactId: string;
  to: string | null;
  placedAt: number;
  ringingAt?: number;
  answeredAt?: number;
  greetingStartAt?: number;
  greetingStopAt?: number;
  amdVerdict?: string;
  connectedAt?: number;
  abandonReason?: string;
  abandonMessage?: string;
  endedAt?: number;
  port?: string;
  disposition?: string;
}

/** How one call counts, under the profile's definition and what the run can know. */
interface Verdict {
  live: boolean;
  machineVerdict: boolean;
  abandoned?: { reason: AbandonReason; connectedAfterSeconds: number | null };
}

export function buildComplianceReport(input: ComplianceReportInput): ComplianceReport {
  const profile = profiles[input.profile];
  const rule = profile.abandonment;
  const windowMs = rule.window.hours * hourMs;
  const capPercent = rule.maxRate * 100;
  const { run } = input;
  const calls = callsOf(input.events);
  const modes = new Map<string, DialerMode>();
  for (const member of input.campaign) for (const step of member.steps) modes.set(`${member.run.id}\u0000${step.id}`, step.mode);
  const agentStep = (c: Call) => modes.get(`${c.runId}\u0000${c.nodeId}`) !== 'agentless';
  const recorded = run.simulated;
  const basis: DetectorBasis = recorded ? 'recorded' : input.detectorEstimate ? 'estimate' : 'unknown';
  const share = input.detectorEstimate?.share ?? 0;

  const verdictUnder =
    (rule: AbandonmentRule) =>
    (c: Call): Verdict => {
      if (c.answeredAt === undefined || !agentStep(c)) return { live: false, machineVerdict: false };
      if (c.amdVerdict === 'machine') {
        // Only the simulated carrier knows who really answered; it marks the people the detector hung up on.
        const person = recorded && c.abandonReason === 'amd-false-positive';
        return person
          ? { live: true, machineVerdict: true, abandoned: { reason: 'detector-took-person-for-machine', connectedAfterSeconds: null } }
          : { live: false, machineVerdict: true };
      }
      // The agent heard an answering machine the detector passed (or no detector ran): never a live answer.
      if (c.connectedAt !== undefined && c.port === 'machine') return { live: false, machineVerdict: false };
      if (c.connectedAt === undefined)
        return {
          live: true,
          machineVerdict: false,
          abandoned: { reason: c.abandonReason === 'no-agent' ? 'no-agent' : 'not-connected', connectedAfterSeconds: null },
        };
      const clockStart = rule.measuredFrom === 'greeting-start' ? (c.greetingStartAt ?? c.answeredAt) : c.greetingStopAt;
      // A greeting still going when the agent came on was never kept waiting.
      if (clockStart !== undefined && c.connectedAt > clockStart + rule.connectWithinSeconds * 1000) {
        return { live: true, machineVerdict: false, abandoned: { reason: 'connected-late', connectedAfterSeconds: (c.connectedAt - clockStart) / 1000 } };
      }
      return { live: true, machineVerdict: false };
    };

  const verdict = verdictUnder(rule);

  /** Figures of a set of calls, counted by their answer time; the estimate joins both sides of the rate. */
  const figures = (set: Call[], judge: (c: Call) => Verdict = verdict) => {
    let live = 0;
    let abandoned = 0;
    let machineVerdicts = 0;
    let people = 0;
    for (const c of set) {
      const v = judge(c);
      if (v.live) live++;
      if (v.abandoned) abandoned++;
      if (v.machineVerdict) machineVerdicts++;
      if (v.abandoned?.reason === 'detector-took-person-for-machine') people++;
    }
    const estimated = basis === 'estimate' ? machineVerdicts * share : 0;
    const denominator = live + estimated;
    return {
      live,
      abandoned,
      machineVerdicts,
      people: basis === 'recorded' ? people : basis === 'estimate' ? estimated : null,
      rate: denominator > 0 ? (abandoned + estimated) / denominator : 0,
    };
  };

  const own = calls.filter((c) => c.runId === run.id);
  const lastEvent = own.reduce((m, c) => Math.max(m, c.endedAt ?? c.placedAt), run.startAt);
  // A live run still going is reported up to now; a simulated one up to its virtual clock's last call.
  const endAt = run.endedAt ?? (run.simulated ? lastEvent : Math.max(input.generatedAt, lastEvent));

  // Summary of this run.
  const ownFigures = figures(own);
  const abandonedCalls: AbandonedCall[] = [];
  const unansweredCalls: UnansweredCall[] = [];
  const reasons = { noAgent: 0, connectedLate: 0, detectorHangUpsOnPeople: 0, notConnected: 0 };
  let answered = 0;
  let recordedMessageCalls = 0;
  for (const c of own) {
    if (!agentStep(c)) recordedMessageCalls++;
    if (c.answeredAt !== undefined) answered++;
    const v = verdict(c);
    if (v.abandoned) {
      const { reason, connectedAfterSeconds } = v.abandoned;
      if (reason === 'no-agent') reasons.noAgent++;
      else if (reason === 'connected-late') reasons.connectedLate++;
      else if (reason === 'detector-took-person-for-machine') reasons.detectorHangUpsOnPeople++;
      else reasons.notConnected++;
      abandonedCalls.push({
        runId: c.runId,
        stepId: c.nodeId,
        contactId: c.contactId,
        to: c.to,
        placedAt: iso(c.placedAt),
        answeredAt: iso(c.answeredAt!),
        reason,
        connectedAfterSeconds,
        message: messageOf(c, reason),
      });
    }
    if (c.answeredAt === undefined && c.ringingAt !== undefined && c.endedAt !== undefined && c.port === 'no-answer') {
      const ringSeconds = (c.endedAt - c.ringingAt) / 1000;
      unansweredCalls.push({
        runId: c.runId,
        stepId: c.nodeId,
        contactId: c.contactId,
        to: c.to,
        placedAt: iso(c.placedAt),
        ringSeconds,
        underMinimum: ringSeconds < profile.ring.minSeconds,
      });
    }
  }

  // Periods of the campaign's window, counted from the campaign's first run, that the run overlaps.
  const anchor = Math.min(...input.campaign.map((m) => m.run.startAt), run.startAt);
  const first = Math.floor((run.startAt - anchor) / windowMs);
  const last = Math.max(first, Math.floor((Math.max(endAt - 1, run.startAt) - anchor) / windowMs));
  const periods: ReportPeriod[] = [];
  for (let k = first; k <= last; k++) {
    const from = anchor + k * windowMs;
    const to = from + windowMs;
    const answeredIn = calls.filter((c) => c.answeredAt !== undefined && c.answeredAt >= from && c.answeredAt < to);
    const placedIn = calls.filter((c) => c.placedAt >= from && c.placedAt < to);
    const f = figures(answeredIn);
    periods.push({
      from: iso(from),
      to: iso(to),
      runs: [...new Set(placedIn.map((c) => c.runId))].sort(),
      callsPlaced: placedIn.length,
      liveAnswers: f.live,
      abandoned: f.abandoned,
      detectorHangUpsOnPeople: f.people,
      detectorBasis: basis,
      rate: f.rate,
      capPercent,
      withinCap: f.rate <= rule.maxRate,
    });
  }

  const detector: DetectorHangUps = {
    basis,
    machineVerdicts: ownFigures.machineVerdicts,
    people: ownFigures.people,
    note:
      basis === 'recorded'
        ? 'Counted call by call: the simulated carrier knows who answered, and each person the detector hung up on is counted as a live answer and an abandoned call.'
        : basis === 'estimate'
          ? `Estimated, not counted: the machine verdicts times ${round(share * 100, 2)} %, the share of people among machine verdicts that ${input.detectorEstimate!.basis} implies. The estimate is added to the live answers and the abandoned calls of each rate.`
          : 'Unknown: a live run cannot tell which machine verdicts were people, and no detector accuracy was given to estimate them. The rates leave them out.',
  };

  const imports = [...input.registryImports].filter((r) => r.profile === input.profile).sort((a, b) => a.importedAt - b.importedAt);
  const atStart = imports.filter((r) => r.importedAt <= run.startAt).at(-1);
  const copy = (r: RegistryImportRow): RegistryCopy => ({
    source: r.source,
    downloadedAt: iso(r.downloadedAt),
    importedAt: iso(r.importedAt),
    entries: r.entries,
  });

  // Each call under the rules of its number's country, the journey's profile where the country has none.
  const byCountry = (): CountryFigures[] => {
    const groups = new Map<ComplianceProfileId, Call[]>();
    for (const c of own) {
      const id = profileForContact(c.to, 'voice', input.profile);
      groups.set(id, [...(groups.get(id) ?? []), c]);
    }
    return [...groups].map(([id, set]) => {
      const countryRule = profiles[id].abandonment;
      const f = figures(set, verdictUnder(countryRule));
      return {
        profile: id,
        callsPlaced: set.length,
        liveAnswers: f.live,
        abandoned: f.abandoned,
        rate: f.rate,
        capPercent: countryRule.maxRate * 100,
        withinCap: f.rate <= countryRule.maxRate,
        connectWithinSeconds: countryRule.connectWithinSeconds,
        measuredFrom: countryRule.measuredFrom,
        source: countryRule.source,
      };
    });
  };

  return {
    generatedAt: iso(input.generatedAt),
    run: {
      id: run.id,
      journeyId: run.journeyId,
      journeyName: input.journeyName,
      version: run.version,
      mode: run.simulated ? 'simulated' : 'live',
      status: run.status,
      startAt: iso(run.startAt),
      endAt: iso(endAt),
    },
    profile: {
      id: profile.id,
      name: profile.name,
      abandonment: {
        capPercent,
        windowHours: rule.window.hours,
        per: rule.window.per,
        connectWithinSeconds: rule.connectWithinSeconds,
        measuredFrom: rule.measuredFrom,
        source: rule.source,
      },
      minimumRingSeconds: profile.ring.minSeconds,
      ringSource: profile.ring.source,
      informationMessageRequired: profile.informationMessage.required,
      informationMessageSource: profile.informationMessage.source,
    },
    campaign: {
      journeyId: run.journeyId,
      runs: input.campaign
        .map((m) => ({ id: m.run.id, mode: m.run.simulated ? ('simulated' as const) : ('live' as const), startAt: iso(m.run.startAt) }))
        .sort((a, b) => a.startAt.localeCompare(b.startAt)),
      note: run.simulated
        ? 'A simulated run is a campaign of its own: its periods count its calls alone.'
        : `Every live run of journey ${run.journeyId} counts in each period${rule.window.per === 'call-centre' ? '; the rule measures per call centre, so a centre running other journeys adds their runs to its own figure' : ''}.`,
    },
    summary: {
      callsPlaced: own.length,
      answered,
      liveAnswers: ownFigures.live,
      abandoned: { total: ownFigures.abandoned, ...reasons },
      detector,
      abandonmentRate: ownFigures.rate,
      informationMessage: { played: abandonedCalls.filter((a) => a.message.played).length, notPlayed: abandonedCalls.filter((a) => !a.message.played).length },
      unanswered: {
        count: unansweredCalls.length,
        minimumRingSeconds: profile.ring.minSeconds,
        shortestRingSeconds: unansweredCalls.length ? Math.min(...unansweredCalls.map((u) => u.ringSeconds)) : null,
        underMinimum: unansweredCalls.filter((u) => u.underMinimum).length,
      },
      recordedMessageCalls,
    },
    periods,
    byCountry: byCountry(),
    abandonedCalls,
    unansweredCalls,
    registry: {
      name: profile.registry.name,
      maxAgeDays: profile.registry.maxAgeDays,
      atStart: atStart
        ? {
            ...copy(atStart),
            ageDays: round((run.startAt - atStart.downloadedAt) / dayMs, 1),
            withinMaxAge: run.startAt - atStart.downloadedAt <= profile.registry.maxAgeDays * dayMs,
          }
        : null,
      importedDuringRun: imports.filter((r) => r.importedAt > run.startAt && r.importedAt <= endAt).map(copy),
    },
    permissionChanges: [...input.permissionChanges]
      .sort((a, b) => a.at - b.at || a.id - b.id)
      .map((p) => ({
        at: iso(p.at),
        kind: p.kind,
        change: p.change,
        channel: p.channel,
        value: p.value,
        reason: p.reason,
        source: p.source,
        contactId: p.contactId,
        actor: p.actor,
        scope: p.scope === '' ? 'shared' : 'run',
      })),
  };
}

/** What an abandoned call heard before the line dropped, as its events say. */
function messageOf(c: Call, reason: AbandonReason): AbandonedCall['message'] {
  if (c.abandonMessage !== undefined) return { played: true, kind: 'information', text: c.abandonMessage };
  // A person taken for a machine hears the step's recorded message when the step leaves one on machines.
  if (reason === 'detector-took-person-for-machine' && c.disposition === 'message-played') return { played: true, kind: 'step-message', text: null };
  return { played: false, kind: null, text: null };
}

/** Calls of one contact at one step of one run never overlap: each `call.placed` starts the next. */
function callsOf(events: ReportEvent[]): Call[] {
  const sorted = [...events].sort((a, b) => a.time - b.time);
  const calls: Call[] = [];
  const open = new Map<string, Call>();
  for (const e of sorted) {
    const key = `${e.runId}\u0000${e.contactId}\u0000${e.nodeId}`;
    if (e.type === 'call.placed') {
      const call: Call = {
        runId: e.runId,
        nodeId: e.nodeId ?? '',
        contactId: e.contactId ?? '',
        to: typeof e.data.to === 'string' ? e.data.to : null,
        placedAt: e.time,
      };
      calls.push(call);
      open.set(key, call);
      continue;
    }
    const call = open.get(key);
    if (!call) continue;
    switch (e.type) {
      case 'call.ringing':
        call.ringingAt ??= e.time;
        break;
      case 'call.answered':
        call.answeredAt = e.time;
        break;
      case 'call.customerGreetingStart':
        call.greetingStartAt = e.time;
        break;
      case 'call.customerGreetingStop':
        call.greetingStopAt = e.time;
        break;
      case 'call.amd':
        call.amdVerdict = String(e.data.verdict);
        break;
      case 'call.connectedToAgent':
        call.connectedAt ??= e.time;
        break;
      case 'call.abandoned':
        call.abandonReason = String(e.data.reason ?? 'no-agent');
        if (typeof e.data.message === 'string') call.abandonMessage = e.data.message;
        break;
      case 'call.ended':
        call.endedAt = e.time;
        call.port = String(e.data.port ?? '');
        call.disposition = String(e.data.disposition ?? '');
        break;
    }
  }
  return calls;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/**
 * The report as one CSV a spreadsheet opens: labelled sections, one after another, each with its own header row —
 * the run and its rules, the summary, one row per period, one row per abandoned call, one per unanswered call, the
 * register copy and the permission changes.
 */
export function complianceReportCsv(report: ComplianceReport): string {
  const rows: unknown[][] = [];
  const section = (title: string) => {
    if (rows.length) rows.push([]);
    rows.push([title]);
  };
  const { run, profile, summary } = report;
  section('Compliance report');
  rows.push(['Field', 'Value']);
  rows.push(['Run', run.id], ['Journey', `${run.journeyName} (${run.journeyId}, version ${run.version})`], ['Mode', run.mode], ['Status', run.status]);
  rows.push(['Run started', run.startAt], ['Report covers up to', run.endAt], ['Report made', report.generatedAt]);
  rows.push(['Rules', `${profile.name} (${profile.id})`]);
  rows.push([
    'Abandoned-call cap',
    `${profile.abandonment.capPercent} % of live answers per ${profile.abandonment.per} per ${profile.abandonment.windowHours} hours`,
  ]);
  rows.push([
    'Abandoned when',
    `no agent within ${profile.abandonment.connectWithinSeconds} s of the ${profile.abandonment.measuredFrom === 'greeting-end' ? 'end' : 'start'} of the greeting, or hung up on by the detector though a person answered`,
  ]);
  rows.push(['Rule source', profile.abandonment.source], ['Minimum ring time (s)', profile.minimumRingSeconds], ['Ring time source', profile.ringSource]);
  rows.push(['Campaign runs', report.campaign.runs.map((r) => r.id).join(' ')], ['Campaign', report.campaign.note]);

  section('Summary');
  rows.push(['Figure', 'Value']);
  rows.push(['Calls placed', summary.callsPlaced], ['Answered', summary.answered], ['Live answers', summary.liveAnswers]);
  rows.push(
    ['Abandoned', summary.abandoned.total],
    ['Abandoned: no agent free', summary.abandoned.noAgent],
    ['Abandoned: agent connected too late', summary.abandoned.connectedLate],
  );
  rows.push(
    ['Abandoned: detector hung up on a person', summary.abandoned.detectorHangUpsOnPeople],
    ['Abandoned: not connected, no reason recorded', summary.abandoned.notConnected],
  );
  rows.push(
    ['Detector machine verdicts', summary.detector.machineVerdicts],
    [`People among machine verdicts (${summary.detector.basis})`, summary.detector.people ?? 'unknown'],
    ['Detector note', summary.detector.note],
  );
  rows.push(['Abandonment rate (%)', round(summary.abandonmentRate * 100, 3)]);
  rows.push(
    ['Abandoned calls with a message played', summary.informationMessage.played],
    ['Abandoned calls with no message', summary.informationMessage.notPlayed],
  );
  rows.push(
    ['Unanswered calls', summary.unanswered.count],
    ['Shortest ring of an unanswered call (s)', summary.unanswered.shortestRingSeconds ?? ''],
    [`Unanswered calls rung under ${summary.unanswered.minimumRingSeconds} s`, summary.unanswered.underMinimum],
  );
  rows.push(['Recorded-message calls (outside the abandonment figures)', summary.recordedMessageCalls]);

  section(`Periods of ${profile.abandonment.windowHours} hours`);
  rows.push([
    'From',
    'To',
    'Runs',
    'Calls placed',
    'Live answers',
    'Abandoned',
    'People hung up on by the detector',
    'Detector figure',
    'Rate (%)',
    'Cap (%)',
    'Within cap',
  ]);
  for (const p of report.periods) {
    rows.push([
      p.from,
      p.to,
      p.runs.join(' '),
      p.callsPlaced,
      p.liveAnswers,
      p.abandoned,
      p.detectorHangUpsOnPeople === null ? 'unknown' : round(p.detectorHangUpsOnPeople, 3),
      p.detectorBasis,
      round(p.rate * 100, 3),
      p.capPercent,
      p.withinCap ? 'yes' : 'no',
    ]);
  }

  section('Abandoned calls');
  rows.push(['Run', 'Step', 'Contact', 'Number', 'Placed at', 'Answered at', 'Reason', 'Agent after (s)', 'Message played', 'Message kind', 'Message']);
  for (const a of report.abandonedCalls) {
    rows.push([
      a.runId,
      a.stepId,
      a.contactId,
      a.to,
      a.placedAt,
      a.answeredAt,
      a.reason,
      a.connectedAfterSeconds ?? '',
      a.message.played ? 'yes' : 'no',
      a.message.kind ?? '',
      a.message.text ?? '',
    ]);
  }

  section('Unanswered calls');
  rows.push(['Run', 'Step', 'Contact', 'Number', 'Placed at', 'Ring time (s)', `Under ${summary.unanswered.minimumRingSeconds} s`]);
  for (const u of report.unansweredCalls) rows.push([u.runId, u.stepId, u.contactId, u.to, u.placedAt, u.ringSeconds, u.underMinimum ? 'yes' : 'no']);

  section(`National register (${report.registry.name})`);
  rows.push(['Copy', 'Downloaded at', 'Imported at', 'Entries', 'Age at run start (days)', `Within ${report.registry.maxAgeDays} days`, 'Source']);
  const start = report.registry.atStart;
  if (start)
    rows.push(['in use at run start', start.downloadedAt, start.importedAt, start.entries, start.ageDays, start.withinMaxAge ? 'yes' : 'no', start.source]);
  else rows.push(['none imported by the run start']);
  for (const c of report.registry.importedDuringRun) rows.push(['imported during the run', c.downloadedAt, c.importedAt, c.entries, '', '', c.source]);

  section('Do-not-contact and consent changes');
  rows.push(['At', 'List', 'Change', 'Channel', 'Address', 'Reason', 'Source', 'Contact', 'By', 'Scope']);
  for (const p of report.permissionChanges) rows.push([p.at, p.kind, p.change, p.channel, p.value, p.reason, p.source, p.contactId, p.actor, p.scope]);

  return `${rows.map((r) => r.map(csvCell).join(',')).join('\r\n')}\r\n`;
}
