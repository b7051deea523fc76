// The physical upper bound of a dialer scenario: talk minutes per agent hour if agents never waited for a call.
//
// In the shift simulation an agent's time goes to three things only: talking to a person (talk, then wrap-up) and
// listening to an answering machine the detector took for a person (10 to 20 s, no wrap-up). Ringing, the greeting
// and the detector's wait cost no agent time: an agent is connected at the detector's verdict, after the greeting (or,
// with the detector off, at the answer, and the greeting is then part of the conversation as drawn). A dialer that
// always had the next live answer ready the moment an agent finished would give each agent
//
//   60 × E[talk] / (E[talk] + E[wrap] + m × E[machine])    talk minutes an hour,
//
// where m is the number of machines reaching an agent per person reaching one:
//
//   m = machine share × P(machine rings ≤ ring limit) × (1 − machine accuracy)
//       / (person share × P(person rings ≤ ring limit) × person accuracy)
//
// (accuracies 1 and 0 in the right places with the detector off: every answered machine reaches an agent). People the
// detector hangs up on cost no agent time, and contacts are unlimited, so they do not lower the bound.
import type { AgentProfile } from '../../runtime/dialer/simulated-agents.ts';
import type { CarrierProfile } from '../../runtime/dialer/virtual-carrier.ts';
import { scenarioAgents, scenarioCarrier, type ShiftScenario } from './shift-simulation.ts';

export interface FluidBound {
  talkMinutesPerAgentHour: number;
  /** Machines reaching an agent per person reaching one. */
  machinesPerConversation: number;
  /** Agent seconds spent per conversation: talk, wrap-up and the machines' share. */
  agentSecondsPerConversation: number;
}

/** The standard normal distribution function (Abramowitz and Stegun 7.1.26, error under 1.5e-7). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erf = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return z >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

/** P(X ≤ x) for the lognormal of the given mean and coefficient of variation, as `runtime/random.ts` draws it. */
export function lognormalCdf(x: number, mean: number, cv: number): number {
  if (x <= 0) return 0;
  const sigma2 = Math.log(1 + cv * cv);
  if (sigma2 === 0) return x >= mean ? 1 : 0;
  const mu = Math.log(mean) - sigma2 / 2;
  return normalCdf((Math.log(x) - mu) / Math.sqrt(sigma2));
}

export function fluidBound(input: { carrier: CarrierProfile; agents: AgentProfile; ringLimitSeconds: number; amdEnabled: boolean }): FluidBound {
  const { carrier, agents, ringLimitSeconds, amdEnabled } = input;
  const machineRing = carrier.machineRingSeconds ?? carrier.ringSeconds;
  const people = carrier.outcomes.human * lognormalCdf(ringLimitSeconds, carrier.ringSeconds.mean, carrier.ringSeconds.cv);
  const machines = carrier.outcomes.machine * lognormalCdf(ringLimitSeconds, machineRing.mean, machineRing.cv);
  const peopleToAgents = people * (amdEnabled ? carrier.amd.humanAccuracy : 1);
  const machinesToAgents = machines * (amdEnabled ? 1 - carrier.amd.machineAccuracy : 1);
  const machinesPerConversation = machinesToAgents / peopleToAgents;
  const machine = agents.machineSeconds ?? { min: 10, max: 20 };
  const agentSecondsPerConversation = agents.talkMeanSeconds + agents.wrapMeanSeconds + machinesPerConversation * ((machine.min + machine.max) / 2);
  return { talkMinutesPerAgentHour: (60 * agents.talkMeanSeconds) / agentSecondsPerConversation, machinesPerConversation, agentSecondsPerConversation };
}

/**
 * A scenario's bound: the higher of the detector on (with the scenario's error rate) and off, since a VICIdial setting
 * may turn it off.
 */
export function scenarioBound(scenario: Pick<ShiftScenario, 'liveRate' | 'amdErrorRate' | 'talkMeanSeconds' | 'ringSeconds'>): number {
  const input = { carrier: scenarioCarrier(scenario), agents: scenarioAgents(scenario.talkMeanSeconds), ringLimitSeconds: scenario.ringSeconds };
  return Math.max(fluidBound({ ...input, amdEnabled: true }).talkMinutesPerAgentHour, fluidBound({ ...input, amdEnabled: false }).talkMinutesPerAgentHour);
}
