// A dialer's figures computed from the run's stored call events alone: what a regulator or a manager would count.
import type { ComplianceProfileId } from '../../schemas/compliance-profiles.ts';
import { loadRunContext } from '../engine/run-context.ts';
import type { Executor } from '../store/dialect.ts';
import { abandonmentDefinitions, abandonmentFigures, classifyCall, type AbandonmentFigures } from '../dialer/abandonment.ts';
import { callsFromEvents, type CallOfRun } from '../dialer/call-records.ts';
import { sql } from 'kysely';

export interface DialerMetricsOptions {
  /** Cost of a billable minute. */
  costPerMinute: number;
  /** The profile whose abandonment window `abandonRate` is measured over; by default the journey's. */
  profile?: ComplianceProfileId;
  /** The end of the window; by default the last call event. */
  at?: number;
  /**
   * Agent hours worked. By default each agent seen in the events counts from the first call placed to the last call
   * event, which is the staffed time of a shift whose agents log in when dialing starts.
   */
  agentHours?: number;
}

export interface DialerMetrics {
  placed: number;
  /** Answers the dialer treated as a person under the profile's definition. */
  liveAnswers: number;
  /** Answering machines: hung up on or messaged after a machine verdict, or marked by the agent they reached. */
  machines: number;
  noAnswers: number;
  busy: number;
  failed: number;
  /** Conversations: live answers that reached an agent and were not machines. */
  connected: number;
  abandoned: {
    /** Under the US definition (2 s after the greeting's end). */
    us: number;
    /** Under the UK definition (2 s from the greeting's start); both count the people the detector hung up on. */
    uk: number;
    /** Live answers the dialer dropped for want of an agent. */
    dropped: number;
    /** People the detector took for machines and hung up on (seen by the simulated carrier), in both counts above. */
    amdHangUps: number;
  };
  /** The abandoned share of live answers over the profile's legal window ending at `at`. */
  abandonRate: number;
  window: AbandonmentFigures & { profile: ComplianceProfileId; from: number; to: number };
  agents: number;
  agentHours: number;
  /** Share of agent time spent talking, listening to machines and wrapping up. */
  occupancy: number;
  talkMinutesPerAgentHour: number;
  /** Mean seconds from a live answer to its connection to an agent. */
  timeToConnectSeconds: number;
  /** Mean seconds an agent waited between the end of one call's work and the next call. */
  agentWaitSeconds: number;
  /** Mean seconds of talk plus wrap-up per conversation. */
  handleTimeSeconds: number;
  /** Calls placed per conversation. */
  dialRatio: number;
  callMinutes: number;
  cost: number;
}

type Call = CallOfRun;

export async function dialerMetrics(db: Executor, runId: string, nodeId: string | undefined, options: DialerMetricsOptions): Promise<DialerMetrics> {
  let query = db
    .selectFrom('events')
    .select(['contact_id', 'node_id', 'type', 'time', 'data'])
    .where('run_id', '=', runId)
    .where(sql.ref('type'), 'like', 'call.%')
    .orderBy('contact_id')
    .orderBy('node_id')
    .orderBy('time')
    .orderBy('seq');
  if (nodeId !== undefined) query = query.where('node_id', '=', nodeId);
  const rows = await query.execute();
  const calls = callsFromEvents(rows);
  const profile = options.profile ?? (await loadRunContext(db, runId))?.journey.settings.compliance ?? 'US';
  return metricsOf(calls, profile, options);
}

function metricsOf(calls: Call[], profile: ComplianceProfileId, options: DialerMetricsOptions): DialerMetrics {
  const us = abandonmentDefinitions.US;
  const uk = abandonmentDefinitions.UK;
  const definition = abandonmentDefinitions[profile];
  const count = (test: (c: Call) => boolean) => calls.filter(test).length;
  const conversations = calls.filter((c) => c.port === 'connected' && c.connectedAt !== undefined);
  const handled = calls.filter((c) => c.connectedAt !== undefined && c.endedAt !== undefined);
  const first = Math.min(...calls.map((c) => c.placedAt));
  const last = Math.max(...calls.map((c) => Math.max(c.endedAt ?? c.placedAt, c.wrapEndAt ?? 0)));
  const at = options.at ?? (calls.length ? last : 0);
  const agents = new Set(handled.map((c) => c.agentId!));
  const agentHours = options.agentHours ?? (calls.length ? (agents.size * (last - first)) / 3_600_000 : 0);
  let busyMs = 0;
  let talkMs = 0;
  let handleMs = 0;
  for (const c of handled) {
    busyMs += (c.wrapEndAt ?? c.endedAt!) - c.connectedAt!;
    if (c.port === 'connected') {
      talkMs += c.endedAt! - c.connectedAt!;
      handleMs += (c.wrapEndAt ?? c.endedAt!) - c.connectedAt!;
    }
  }
  const window = abandonmentFigures(calls, definition, { from: at - definition.windowMs, to: at + 1 });
  const callMinutes = calls.reduce((sum, c) => sum + c.billableSeconds, 0) / 60;
  return {
    placed: calls.length,
    liveAnswers: count((c) => classifyCall(c, definition).live),
    machines: count((c) => c.port === 'machine'),
    noAnswers: count((c) => c.port === 'no-answer'),
    busy: count((c) => c.port === 'busy'),
    failed: count((c) => c.port === 'failed'),
    connected: conversations.length,
    abandoned: {
      us: count((c) => classifyCall(c, us).abandoned),
      uk: count((c) => classifyCall(c, uk).abandoned),
      dropped: count((c) => c.dropReason === 'no-agent'),
      amdHangUps: count((c) => c.dropReason === 'amd-false-positive'),
    },
    abandonRate: window.rate,
    window: { ...window, profile, from: at - definition.windowMs, to: at },
    agents: agents.size,
    agentHours,
    occupancy: agentHours > 0 ? busyMs / (agentHours * 3_600_000) : 0,
    talkMinutesPerAgentHour: agentHours > 0 ? talkMs / 60_000 / agentHours : 0,
    timeToConnectSeconds: mean(conversations.map((c) => c.connectedAt! - (c.answeredAt ?? c.connectedAt!))) / 1000,
    agentWaitSeconds: mean(agentWaits(handled)) / 1000,
    handleTimeSeconds: conversations.length ? handleMs / conversations.length / 1000 : 0,
    dialRatio: conversations.length ? calls.length / conversations.length : 0,
    callMinutes,
    cost: callMinutes * options.costPerMinute,
  };
}

/** Per agent, the gaps between the end of one call's work and the connection of the next. */
function agentWaits(handled: Call[]): number[] {
  const byAgent = new Map<string, Call[]>();
  for (const c of handled) byAgent.set(c.agentId!, [...(byAgent.get(c.agentId!) ?? []), c]);
  const waits: number[] = [];
  for (const list of byAgent.values()) {
    list.sort((a, b) => a.connectedAt! - b.connectedAt!);
    for (let i = 1; i < list.length; i++) waits.push(list[i]!.connectedAt! - (list[i - 1]!.wrapEndAt ?? list[i - 1]!.endedAt!));
  }
  return waits;
}

function mean(values: number[]): number {
  return values.length ? values.reduce((a, b) => a + b, 0) / values.length : 0;
}
