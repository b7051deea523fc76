// Simulated agents per queue: who is free, who takes the next call, and how long and how each call goes.
import { z } from 'zod';
import { lognormal, seededRandom, visitKey } from '../random.ts';
import { pickWeighted, wholeMs } from './sampling.ts';

export interface AgentProfile {
  talkMeanSeconds: number;
  talkCv: number;
  wrapMeanSeconds: number;
  wrapCv: number;
  /** What agents record at the end of a conversation, drawn in proportion to the weights. */
  dispositions: { name: string; weight: number }[];
  /** Seconds an agent handed an answering machine listens before recognising it and marking it. */
  machineSeconds?: { min: number; max: number };
}

const defaultMachineSeconds = { min: 10, max: 20 };

export const defaultAgentProfile: AgentProfile = {
  talkMeanSeconds: 90,
  talkCv: 0.6,
  wrapMeanSeconds: 15,
  wrapCv: 0.5,
  dispositions: [
    { name: 'promise-to-pay', weight: 35 },
    { name: 'callback-requested', weight: 20 },
    { name: 'not-interested', weight: 30 },
    { name: 'wrong-person', weight: 15 },
  ],
  machineSeconds: defaultMachineSeconds,
};

export type AgentState = 'offline' | 'available' | 'reserved' | 'on-call' | 'wrap-up';

export interface Agent {
  id: string;
  queue: string;
  state: AgentState;
  /** When the agent last became free; the longest idle takes the next call. */
  idleSince: number;
  /** Set once the reserved agent's call is booked: the agent is available again from this moment. */
  busyUntil?: number;
  /** Start of the conversation, when the booked call reached the agent. */
  callStart?: number;
  /** End of the conversation and start of the wrap-up. */
  wrapStart?: number;
}

/** How one call goes for the agent who takes it. */
export interface AgentCallPlan {
  talkMs: number;
  wrapMs: number;
  disposition: string;
  /** Time spent before marking the call 'answering-machine', should the call turn out to be one. */
  machineMs: number;
}

/** How one call goes for the agent who takes it, from a source of uniform draws per named quantity. */
export function planAgentCall(profile: AgentProfile, draw: (name: string) => () => number, what = 'agent profile dispositions'): AgentCallPlan {
  const machine = profile.machineSeconds ?? defaultMachineSeconds;
  return {
    talkMs: wholeMs(lognormal(draw('talk'), profile.talkMeanSeconds, profile.talkCv) * 1000),
    wrapMs: wholeMs(lognormal(draw('wrap'), profile.wrapMeanSeconds, profile.wrapCv) * 1000),
    disposition: pickWeighted(
      profile.dispositions.map((d) => [d.name, d.weight] as const),
      draw('disposition')(),
      what,
    ),
    machineMs: wholeMs((machine.min + (machine.max - machine.min) * draw('machine')()) * 1000),
  };
}

/**
 * Time an agent spends on a call the detector called a machine, should it be one: the agent knows it is suspected and
 * listens only for whether a person is there (a machine's message does not pause for an answer), so a third of what a
 * machine passed as a person costs, 3 to 7 s with the default profile.
 */
export function suspectedMachineMs(plan: Pick<AgentCallPlan, 'machineMs'>): number {
  return Math.round(plan.machineMs / 3);
}

const profileJson = z.object({
  talkMeanSeconds: z.number().positive(),
  talkCv: z.number().nonnegative(),
  wrapMeanSeconds: z.number().positive(),
  wrapCv: z.number().nonnegative(),
  dispositions: z.array(z.object({ name: z.string().min(1), weight: z.number().nonnegative() })).min(1),
  machineSeconds: z.object({ min: z.number().nonnegative(), max: z.number().nonnegative() }).optional(),
});

const agentJson = z.object({
  id: z.string().min(1),
  queue: z.string().min(1),
  state: z.enum(['offline', 'available', 'reserved', 'on-call', 'wrap-up']),
  idleSince: z.number(),
  busyUntil: z.number().optional(),
  callStart: z.number().optional(),
  wrapStart: z.number().optional(),
});

const poolJson = z.object({
  version: z.literal(1),
  defaultProfile: profileJson,
  profiles: z.record(z.string(), profileJson),
  agents: z.array(agentJson),
});

export type AgentPoolJson = z.infer<typeof poolJson>;

export interface AgentPoolOptions {
  /** The profile of queues without their own. */
  defaultProfile?: AgentProfile;
  /** Profiles by queue: collections calls run longer than appointment reminders. */
  profiles?: Record<string, AgentProfile>;
}

export class AgentPool {
  private readonly agents = new Map<string, Agent>();
  private readonly defaultProfile: AgentProfile;
  private readonly profiles: Record<string, AgentProfile>;

  constructor(agents: readonly Agent[], options: AgentPoolOptions = {}) {
    for (const agent of agents) {
      if (this.agents.has(agent.id)) throw new Error(`agent pool: agent id '${agent.id}' appears twice; give each agent its own id`);
      this.agents.set(agent.id, { ...agent });
    }
    this.defaultProfile = options.defaultProfile ?? defaultAgentProfile;
    this.profiles = { ...options.profiles };
  }

  /** A pool of available agents, `count` per queue, named `<queue>-1`, `<queue>-2`, ... */
  static staffed(counts: Record<string, number>, now: number, options: AgentPoolOptions = {}): AgentPool {
    const agents: Agent[] = [];
    for (const [queue, count] of Object.entries(counts)) {
      for (let n = 1; n <= count; n++) agents.push({ id: `${queue}-${n}`, queue, state: 'available', idleSince: now });
    }
    return new AgentPool(agents, options);
  }

  static fromJSON(json: unknown): AgentPool {
    const parsed = poolJson.safeParse(json);
    if (!parsed.success) {
      throw new Error(`agent pool: the saved state is not a valid agent pool: ${z.prettifyError(parsed.error)}`);
    }
    const { agents, defaultProfile, profiles } = parsed.data;
    return new AgentPool(agents, { defaultProfile, profiles });
  }

  toJSON(): AgentPoolJson {
    return {
      version: 1,
      defaultProfile: structuredClone(this.defaultProfile),
      profiles: structuredClone(this.profiles),
      agents: [...this.agents.values()].map((agent) => ({ ...agent })),
    };
  }

  /** The agent as of the last moment the pool was told about. */
  get(agentId: string): Agent {
    return { ...this.agent(agentId) };
  }

  /** Available agents of the queue at `now`, longest idle first. */
  freeAgents(queue: string, now: number): Agent[] {
    this.advance(now);
    return [...this.agents.values()]
      .filter((agent) => agent.queue === queue && agent.state === 'available')
      .sort(longestIdleFirst)
      .map((agent) => ({ ...agent }));
  }

  /** Holds the longest-idle available agent of the queue for a call about to be placed. */
  reserve(queue: string, now: number): Agent | undefined {
    const [first] = this.freeAgents(queue, now);
    if (!first) return undefined;
    const agent = this.agent(first.id);
    agent.state = 'reserved';
    return { ...agent };
  }

  /** Samples how a call goes for this agent, from the call's key so that a replay gives the same call. */
  plan(agentId: string, key: string, seed: number): AgentCallPlan {
    const { queue } = this.agent(agentId);
    const profile = this.profiles[queue] ?? this.defaultProfile;
    // The agent's id is left out of the seed: the same contact then has the same conversation whoever answers, so
    // simulations with different staffing differ only in who is free, not in what the calls are like.
    const visit = visitKey(key);
    return planAgentCall(profile, (name) => seededRandom(seed, visit, `agent:${name}`), `agent profile dispositions of queue '${queue}'`);
  }

  /**
   * Books the reserved agent's time: held until `freeAt`, and when the call reached the agent, on the call from
   * `connectedAt` to `hangupAt` and wrapping up after. Calls are planned whole when placed, so this is known at once.
   */
  release(agentId: string, freeAt: number, call?: { connectedAt: number; hangupAt: number }): void {
    const agent = this.agent(agentId);
    if (agent.state !== 'reserved' || agent.busyUntil !== undefined) {
      throw new Error(`agent pool: agent '${agentId}' is ${agent.state}, not reserved for a call; reserve it before releasing it`);
    }
    if (call && !(call.connectedAt <= call.hangupAt && call.hangupAt <= freeAt)) {
      throw new Error(
        `agent pool: agent '${agentId}' cannot be connected at ${call.connectedAt}, hang up at ${call.hangupAt} and be free at ${freeAt}; the times must not go backwards`,
      );
    }
    agent.busyUntil = freeAt;
    if (call) {
      agent.callStart = call.connectedAt;
      agent.wrapStart = call.hangupAt;
    }
  }

  /**
   * The transitions a person drives from the agent page: the call reached them, they hung up, they recorded a
   * disposition and are ready again. Simulated agents book the same states ahead through `release`.
   */
  connect(agentId: string, at: number): void {
    const agent = this.live(agentId, 'reserved', 'be connected to a call');
    agent.state = 'on-call';
    agent.callStart = at;
  }

  hangUp(agentId: string, at: number): void {
    const agent = this.live(agentId, 'on-call', 'hang up');
    agent.state = 'wrap-up';
    agent.wrapStart = at;
  }

  /** Ends the wrap-up with the disposition the journey will branch on; the agent is available again. */
  finishWrapUp(agentId: string, at: number, disposition: string): { agentId: string; disposition: string; talkMs: number; wrapMs: number } {
    const agent = this.live(agentId, 'wrap-up', 'finish a wrap-up');
    if (!disposition.trim()) throw new Error(`agent pool: agent '${agentId}' must choose a disposition to finish the wrap-up`);
    const talkMs = (agent.wrapStart ?? at) - (agent.callStart ?? at);
    const wrapMs = at - (agent.wrapStart ?? at);
    agent.state = 'available';
    agent.idleSince = at;
    delete agent.callStart;
    delete agent.wrapStart;
    return { agentId, disposition, talkMs, wrapMs };
  }

  /** A reserved agent whose call never reached them (no answer, a machine) is available again. */
  unreserve(agentId: string, at: number): void {
    const agent = this.live(agentId, 'reserved', 'be released from a reservation');
    agent.state = 'available';
    agent.idleSince = at;
  }

  private live(agentId: string, state: AgentState, action: string): Agent {
    const agent = this.agent(agentId);
    if (agent.busyUntil !== undefined) throw new Error(`agent pool: agent '${agentId}' is a simulated agent with a booked call and cannot ${action} by hand`);
    if (agent.state !== state) throw new Error(`agent pool: agent '${agentId}' is ${agent.state}, not ${state}, and cannot ${action}`);
    return agent;
  }

  logIn(agentId: string, at: number): void {
    const agent = this.agent(agentId);
    if (agent.state !== 'offline') return;
    agent.state = 'available';
    agent.idleSince = at;
  }

  logOut(agentId: string, at: number): void {
    this.advance(at);
    const agent = this.agent(agentId);
    if (agent.state !== 'available' && agent.state !== 'offline') {
      throw new Error(`agent pool: agent '${agentId}' is ${agent.state} and cannot log out before the call's work is done`);
    }
    agent.state = 'offline';
  }

  /** The queues the pool staffs. */
  queues(): string[] {
    return [...new Set([...this.agents.values()].map((agent) => agent.queue))].sort();
  }

  /** The agents of the queue as of `now`, in id order. */
  agentsOf(queue: string, now: number): Agent[] {
    this.advance(now);
    return [...this.agents.values()].filter((agent) => agent.queue === queue).map((agent) => ({ ...agent }));
  }

  /** How many agents of the queue are in each state at `now`: the dialer's gauges. */
  counts(queue: string, now: number): Record<AgentState, number> {
    this.advance(now);
    const counts: Record<AgentState, number> = { offline: 0, available: 0, reserved: 0, 'on-call': 0, 'wrap-up': 0 };
    for (const agent of this.agents.values()) if (agent.queue === queue) counts[agent.state]++;
    return counts;
  }

  /** The next moment after `now` an agent of the queue becomes free, for a virtual clock to jump to. */
  nextFreeAt(queue: string, now: number): number | undefined {
    this.advance(now);
    let next: number | undefined;
    for (const agent of this.agents.values()) {
      if (agent.queue === queue && agent.busyUntil !== undefined && (next === undefined || agent.busyUntil < next)) next = agent.busyUntil;
    }
    return next;
  }

  /**
   * The earliest moment an agent of the queue is or will be free, read without moving the pool's time: an available
   * agent's idle start, else the end of the earliest booking.
   */
  firstFreeAt(queue: string): number | undefined {
    let first: number | undefined;
    for (const agent of this.agents.values()) {
      if (agent.queue !== queue) continue;
      const at = agent.busyUntil ?? (agent.state === 'available' ? agent.idleSince : undefined);
      if (at !== undefined && (first === undefined || at < first)) first = at;
    }
    return first;
  }

  /** Moves booked agents along their schedule up to `now`; an agent once free stays free, time only goes forward. */
  private advance(now: number): void {
    for (const agent of this.agents.values()) {
      if (agent.busyUntil === undefined) continue;
      if (now >= agent.busyUntil) {
        agent.state = 'available';
        agent.idleSince = agent.busyUntil;
        delete agent.busyUntil;
        delete agent.callStart;
        delete agent.wrapStart;
      } else if (agent.callStart === undefined || agent.wrapStart === undefined || now < agent.callStart) {
        agent.state = 'reserved';
      } else {
        agent.state = now < agent.wrapStart ? 'on-call' : 'wrap-up';
      }
    }
  }

  private agent(agentId: string): Agent {
    const agent = this.agents.get(agentId);
    if (!agent) throw new Error(`agent pool: no agent '${agentId}'`);
    return agent;
  }
}

function longestIdleFirst(a: Agent, b: Agent): number {
  // Ids break ties with a plain comparison, not localeCompare, so that the order is the same on every machine.
  return a.idleSince - b.idleSince || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}
