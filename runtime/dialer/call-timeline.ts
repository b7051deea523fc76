// A placed call's events from placing to hang-up, worked out at once from the carrier's plan and the agent's plan.
import type { z } from 'zod';
import type { dialer } from '../../schemas/nodes/dialer.ts';
import type { FollowUp } from '../channels/provider.ts';
import type { AgentCallPlan } from './simulated-agents.ts';
import type { CallPlan } from './virtual-carrier.ts';

type DialerConfig = z.output<typeof dialer.config>;

export type CallPort = 'connected' | 'machine' | 'no-answer' | 'abandoned' | 'failed';

export interface TimelineConfig {
  amd: Pick<DialerConfig['amd'], 'enabled' | 'onMachine'>;
  /** Length of the recorded message (see `messageDurationMs`); needed when one is played or left. */
  messageMs?: number;
}

export interface CallTimeline {
  /** The call's events after `call.placed`, in time order, ending with `call.ended`. */
  followUps: FollowUp[];
  port: CallPort;
  /**
   * The agent's disposition for a conversation; otherwise what the dialer saw: message-played, message-left,
   * message-clipped (played over a machine's greeting), machine-hangup, answering-machine (marked by the agent),
   * abandoned, no-answer, busy or invalid-number.
   */
  disposition: string;
  endedAt: number;
  /** When the call reached the agent, if it did. */
  agentConnectedAt?: number;
  /** When the agent reserved for the call is free again, wrap-up included. */
  agentFreeAt?: number;
}

/** Time for the dialer to act on what it learnt: bridge the agent, drop the line or start the recording. */
export const switchMs = 200;
/** Time for our hang-up to take the line down. */
export const teardownMs = 50;
const wordsPerMinute = 150;

/** How long reading `text` aloud takes at a recorded message's pace; Liquid output tags count as one word. */
export function messageDurationMs(text: string): number {
  const spoken = text.replace(/\{%[\s\S]*?%\}/g, ' ').replace(/\{\{[\s\S]*?\}\}/g, ' word ');
  const words = spoken.split(/\s+/).filter((word) => /[\p{L}\p{N}]/u.test(word)).length;
  return Math.max(1000, Math.round((words / wordsPerMinute) * 60_000));
}

/**
 * A progressive call: the agent was reserved when the call was placed, so a live answer reaches the agent as soon as
 * it is recognised as live, and the agent is held until the call's outcome is known.
 */
export function progressiveCallTimeline(input: {
  placedAt: number;
  plan: CallPlan;
  config: TimelineConfig;
  agent: { id: string } & AgentCallPlan;
}): CallTimeline {
  const { placedAt, plan, config, agent } = input;
  if (!('answerMs' in plan)) {
    const timeline = unansweredTimeline(placedAt, plan);
    return { ...timeline, agentFreeAt: timeline.endedAt };
  }
  const call = answeredCall(placedAt, plan, config);
  const actAt = call.verdictAt + switchMs;
  if (call.verdict === 'machine') {
    const timeline = machineVerdict(call, config, 'abandoned');
    return { ...timeline, agentFreeAt: actAt };
  }
  call.events.push({ type: 'call.connectedToAgent', at: actAt, data: { agentId: agent.id } });
  if (call.truth === 'human') {
    const timeline = call.finish(actAt + agent.talkMs, 'connected', agent.disposition, agent.id);
    return { ...timeline, agentConnectedAt: actAt, agentFreeAt: timeline.endedAt + agent.wrapMs };
  }
  // A machine the detector passed as live (or no detector at all): the agent hears the greeting and marks it.
  const timeline = call.finish(actAt + agent.machineMs, 'machine', 'answering-machine', agent.id);
  return { ...timeline, agentConnectedAt: actAt, agentFreeAt: timeline.endedAt };
}

/** An agentless call: a live answer hears the recorded message instead of reaching an agent. */
export function agentlessCallTimeline(input: { placedAt: number; plan: CallPlan; config: TimelineConfig }): CallTimeline {
  const { placedAt, plan, config } = input;
  if (!('answerMs' in plan)) return unansweredTimeline(placedAt, plan);
  const call = answeredCall(placedAt, plan, config);
  // A person who hears the message is what an agentless call is for, even when the detector took them for a machine.
  if (call.verdict === 'machine') return machineVerdict(call, config, 'connected');
  const endedAt = call.verdictAt + switchMs + requiredMessageMs(config);
  // Played on a machine before its beep, the message is recorded only in part, if at all.
  return call.truth === 'human' ? call.finish(endedAt, 'connected', 'message-played') : call.finish(endedAt, 'machine', 'message-clipped');
}

interface AnsweredCall {
  truth: 'human' | 'machine';
  /** What the dialer goes by: the detector's verdict, or 'human' when detection is off. */
  verdict: 'human' | 'machine';
  /** When the dialer knows what it goes by: the verdict, or the answer itself. */
  verdictAt: number;
  greetingStopAt: number;
  events: FollowUp[];
  finish(endedAt: number, port: CallPort, disposition: string, agentId?: string): CallTimeline;
}

function answeredCall(placedAt: number, plan: Extract<CallPlan, { outcome: 'human' | 'machine' }>, config: TimelineConfig): AnsweredCall {
  if (config.amd.enabled !== (plan.amd !== undefined)) {
    throw new Error(
      `call timeline: the call was planned with machine detection ${plan.amd ? 'on' : 'off'} but the step has it ${config.amd.enabled ? 'on' : 'off'}`,
    );
  }
  const answeredAt = placedAt + plan.answerMs;
  const greetingStopAt = placedAt + plan.greetingStopMs;
  const events: FollowUp[] = [
    { type: 'call.ringing', at: placedAt + plan.ringingMs, data: {} },
    { type: 'call.answered', at: answeredAt, data: {} },
    { type: 'call.customerGreetingStart', at: placedAt + plan.greetingStartMs, data: {} },
  ];
  if (plan.amd) {
    events.push({ type: 'call.amd', at: placedAt + plan.amd.atMs, data: { verdict: plan.amd.verdict, decisionMs: plan.amd.decisionMs } });
  }
  return withFinish({
    placedAt,
    answeredAt,
    truth: plan.outcome,
    verdict: plan.amd?.verdict ?? 'human',
    verdictAt: plan.amd ? placedAt + plan.amd.atMs : answeredAt,
    greetingStopAt,
    events,
  });
}

/**
 * A suspected machine no agent was free to hear, at the moment the dialer acts on it: hung up on, or left the step's
 * message, as a machine verdict is. The events up to the verdict were written when the call was placed; these follow.
 */
export function suspectedMachineTimeline(input: {
  placedAt: number;
  answeredAt: number;
  greetingStopAt: number;
  verdictAt: number;
  truth: 'human' | 'machine';
  config: TimelineConfig;
}): CallTimeline {
  const { config, ...rest } = input;
  return machineVerdict(withFinish({ ...rest, verdict: 'machine', events: [] }), config, 'abandoned');
}

function withFinish(call: Omit<AnsweredCall, 'finish'> & { placedAt: number; answeredAt: number }): AnsweredCall {
  const { placedAt, answeredAt, greetingStopAt, events } = call;
  return {
    ...call,
    finish(endedAt, port, disposition, agentId) {
      const followUps = [...events];
      // The greeting runs on its own clock: it may end at the very moment the dialer acts, or after we hung up.
      let stopAt = greetingStopAt;
      while (followUps.some((event) => event.at === stopAt)) stopAt++;
      if (stopAt < endedAt) followUps.push({ type: 'call.customerGreetingStop', at: stopAt, data: {} });
      followUps.sort((a, b) => a.at - b.at);
      const billableSeconds = Math.ceil((endedAt - answeredAt) / 1000);
      followUps.push(endedEvent(placedAt, endedAt, port, disposition, billableSeconds, agentId));
      return { followUps, port, disposition, endedAt };
    },
  };
}

/** The dialer takes the answer for a machine: it hangs up or leaves the message after the beep, as the step says. */
function machineVerdict(call: AnsweredCall, config: TimelineConfig, personHearingMessage: 'connected' | 'abandoned'): CallTimeline {
  const actAt = call.verdictAt + switchMs;
  const leaveMessage = config.amd.onMachine === 'leave-message';
  // A person has no beep; the message starts once their greeting is over and the line falls silent.
  const messageEndAt = Math.max(call.greetingStopAt, call.verdictAt) + switchMs + (leaveMessage ? requiredMessageMs(config) : 0);
  if (call.truth === 'machine') {
    return leaveMessage ? call.finish(messageEndAt, 'machine', 'message-left') : call.finish(actAt + teardownMs, 'machine', 'machine-hangup');
  }
  if (leaveMessage && personHearingMessage === 'connected') return call.finish(messageEndAt, 'connected', 'message-played');
  call.events.push({ type: 'call.abandoned', at: actAt, data: { reason: 'amd-false-positive' } });
  return leaveMessage ? call.finish(messageEndAt, 'abandoned', 'message-played') : call.finish(actAt + teardownMs, 'abandoned', 'abandoned');
}

function unansweredTimeline(placedAt: number, plan: Extract<CallPlan, { outcome: 'no-answer' | 'busy' | 'invalid' }>): CallTimeline {
  const endedAt = placedAt + plan.endMs;
  const followUps: FollowUp[] = [];
  if (plan.outcome === 'no-answer') followUps.push({ type: 'call.ringing', at: placedAt + plan.ringingMs, data: {} });
  const port = plan.outcome === 'invalid' ? 'failed' : 'no-answer';
  const disposition = plan.outcome === 'invalid' ? 'invalid-number' : plan.outcome;
  followUps.push(endedEvent(placedAt, endedAt, port, disposition, 0));
  return { followUps, port, disposition, endedAt };
}

export function endedEvent(placedAt: number, endedAt: number, port: CallPort, disposition: string, billableSeconds: number, agentId?: string): FollowUp {
  const data: Record<string, unknown> = { port, disposition, durationMs: endedAt - placedAt, billableSeconds };
  if (agentId !== undefined) data.agentId = agentId;
  return { type: 'call.ended', at: endedAt, data };
}

function requiredMessageMs(config: TimelineConfig): number {
  if (config.messageMs === undefined) {
    throw new Error('call timeline: the step plays a recorded message but no message length was given; pass messageDurationMs(message)');
  }
  return config.messageMs;
}
