// What each channel did in a run, per run and per step: texts, emails, calls and webhooks, with rates beside counts.
// `journey simulate` prints these figures and the API's run metrics carry them, from this one count.
import { eventTypes } from '../schemas/events.ts';
import { profilesOfCountries } from './compliance/country.ts';
import { classifyCall, definitionFor } from './dialer/abandonment.ts';
import { CallLog } from './dialer/call-records.ts';
import type { Executor } from './store/dialect.ts';
import { parseJson } from './store/json.ts';
import { runJourney } from './store/repositories/journeys.ts';

export interface TextResults {
  sent: number;
  delivered: number;
  /** Refused by the provider, or reported undelivered after it was sent. */
  failed: number;
  replied: number;
  optedOut: number;
  clicked: number;
  /** Each count over `sent`; `failed` over `sent + failed`. */
  rates: { delivered: number; failed: number; replied: number; optedOut: number; clicked: number };
}

export interface EmailResults {
  sent: number;
  delivered: number;
  bounced: number;
  /** Opens seen through the tracking pixel: a lower bound, since mail clients that block images never report one. */
  opened: number;
  openedIsLowerBound: true;
  clicked: number;
  unsubscribed: number;
  /** Marked as spam, as the email service reported it. */
  complained: number;
  /** Each count over `sent`; `bounced` over `sent + bounced`. */
  rates: { delivered: number; bounced: number; opened: number; clicked: number; unsubscribed: number };
}

export interface CallResults {
  placed: number;
  /** Live answers under the journey's abandoned-call definition, people the detector hung up on included. */
  answeredByPeople: number;
  /** Calls that ended as answering machines (hung up on, given the message, or marked by the agent). */
  answeredByMachines: number;
  noAnswer: number;
  busy: number;
  /** Calls that could not be placed or failed on the network (an invalid number). */
  failed: number;
  connectedToAgents: number;
  /**
   * Abandoned as `runtime/dialer/abandonment.ts` counts them: live answers no agent reached in time, people the
   * detector hung up on, and answers an agent reached too late.
   */
  abandoned: number;
  /** Billed minutes of answered calls, to a tenth. */
  talkMinutes: number;
  /** What the carrier charged, when it reports it; null while no carrier of this run reports prices. */
  cost: number | null;
  /** Each count over `placed`; `abandoned` over `answeredByPeople` (the legal measure). */
  rates: { answeredByPeople: number; answeredByMachines: number; noAnswer: number; busy: number; connectedToAgents: number; abandoned: number };
}

export interface WebhookResults {
  ok: number;
  failed: number;
  /** `failed` over `ok + failed`. */
  rates: { failed: number };
}

export interface ChannelResults {
  texts: TextResults;
  emails: EmailResults;
  calls: CallResults;
  webhooks: WebhookResults;
}

/** A step's results: only the channels the step used. */
export type StepChannelResults = Partial<ChannelResults>;

export interface RunChannelResults {
  run: ChannelResults & {
    /** Every tracked link clicked, in texts, emails or elsewhere. */
    clicks: number;
    /** Opt-outs on every channel: STOP replies, unsubscribes, complaints and outcomes of calls. */
    optOuts: number;
  };
  steps: Record<string, StepChannelResults>;
}

const countedTypes = [
  'sms.sent',
  'sms.delivered',
  'sms.failed',
  'sms.replied',
  'email.sent',
  'email.delivered',
  'email.bounced',
  'email.opened',
  'email.unsubscribed',
  'email.complained',
  'link.clicked',
  'contact.optedOut',
] as const;
type Counted = (typeof countedTypes)[number];
const callEventTypes = eventTypes.filter((t) => t.startsWith('call.'));

const rate = (count: number, of: number) => (of > 0 ? Math.round((count / of) * 10_000) / 10_000 : 0);

/** Tallies of one scope (the run, or one step), filled from the event counts and the calls. */
class Tally {
  readonly n = new Map<string, number>();
  readonly calls = { placed: 0, people: 0, machines: 0, noAnswer: 0, busy: 0, failed: 0, agents: 0, abandoned: 0, seconds: 0, cost: null as number | null };
  webhookOk = 0;
  webhookFailed = 0;

  add(key: string, count: number): void {
    this.n.set(key, (this.n.get(key) ?? 0) + count);
  }
  get(key: string): number {
    return this.n.get(key) ?? 0;
  }
  uses(prefix: string): boolean {
    for (const [key, count] of this.n) if (key.startsWith(prefix) && count > 0) return true;
    return false;
  }

  texts(): TextResults {
    const sent = this.get('sms.sent');
    const failed = this.get('sms.failed');
    const counts = {
      delivered: this.get('sms.delivered'),
      replied: this.get('sms.replied'),
      optedOut: this.get('optedOut:sms'),
      clicked: this.get('clicked:sms'),
    };
    return {
      sent,
      failed,
      ...counts,
      rates: {
        delivered: rate(counts.delivered, sent),
        failed: rate(failed, sent + failed),
        replied: rate(counts.replied, sent),
        optedOut: rate(counts.optedOut, sent),
        clicked: rate(counts.clicked, sent),
      },
    };
  }

  emails(): EmailResults {
    const sent = this.get('email.sent');
    const bounced = this.get('email.bounced');
    const counts = {
      delivered: this.get('email.delivered'),
      opened: this.get('email.opened'),
      clicked: this.get('clicked:email'),
      unsubscribed: this.get('email.unsubscribed'),
    };
    return {
      sent,
      bounced,
      ...counts,
      openedIsLowerBound: true,
      complained: this.get('email.complained'),
      rates: {
        delivered: rate(counts.delivered, sent),
        bounced: rate(bounced, sent + bounced),
        opened: rate(counts.opened, sent),
        clicked: rate(counts.clicked, sent),
        unsubscribed: rate(counts.unsubscribed, sent),
      },
    };
  }

  callResults(): CallResults {
    const c = this.calls;
    return {
      placed: c.placed,
      answeredByPeople: c.people,
      answeredByMachines: c.machines,
      noAnswer: c.noAnswer,
      busy: c.busy,
      failed: c.failed,
      connectedToAgents: c.agents,
      abandoned: c.abandoned,
      talkMinutes: Math.round((c.seconds / 60) * 10) / 10,
      cost: c.cost,
      rates: {
        answeredByPeople: rate(c.people, c.placed),
        answeredByMachines: rate(c.machines, c.placed),
        noAnswer: rate(c.noAnswer, c.placed),
        busy: rate(c.busy, c.placed),
        connectedToAgents: rate(c.agents, c.placed),
        abandoned: rate(c.abandoned, c.people),
      },
    };
  }

  webhooks(): WebhookResults {
    return { ok: this.webhookOk, failed: this.webhookFailed, rates: { failed: rate(this.webhookFailed, this.webhookOk + this.webhookFailed) } };
  }

  all(): ChannelResults {
    return { texts: this.texts(), emails: this.emails(), calls: this.callResults(), webhooks: this.webhooks() };
  }

  used(): StepChannelResults {
    return {
      ...((this.uses('sms.') || this.uses('clicked:sms') || this.uses('optedOut:sms')) && { texts: this.texts() }),
      ...(this.uses('email.') && { emails: this.emails() }),
      ...(this.calls.placed > 0 && { calls: this.callResults() }),
      ...(this.webhookOk + this.webhookFailed > 0 && { webhooks: this.webhooks() }),
    };
  }
}

/**
 * Texts and emails are counted by the store (one grouped query off the events' index by type); calls are rebuilt from
 * their events, since abandonment depends on each call's moments; webhooks come from the steps' counters.
 */
export async function channelResults(db: Executor, runId: string): Promise<RunChannelResults> {
  const journey = await runJourney(db, runId);
  const nodes = journey?.nodes ?? {};
  const run = new Tally();
  const steps = new Map<string, Tally>();
  const stepTally = (nodeId: string | null) => {
    if (!nodeId || !nodes[nodeId]) return undefined;
    let tally = steps.get(nodeId);
    if (!tally) {
      tally = new Tally();
      steps.set(nodeId, tally);
    }
    return tally;
  };
  const both = (nodeId: string | null, key: string, count: number) => {
    run.add(key, count);
    stepTally(nodeId)?.add(key, count);
  };

  const grouped = await db
    .selectFrom('events')
    .select(['node_id', 'type', (eb) => eb.fn.countAll<number>().as('n')])
    .where('run_id', '=', runId)
    .where(
      'type',
      'in',
      countedTypes.filter((t) => t !== 'contact.optedOut' && t !== 'link.clicked'),
    )
    .groupBy(['node_id', 'type'])
    .execute();
  for (const row of grouped) both(row.node_id, row.type as Counted, Number(row.n));

  // Clicks and opt-outs belong to the channel of the step that sent the link or heard the request; few enough to read.
  const reactions = await db
    .selectFrom('events')
    .select(['node_id', 'type', 'data'])
    .where('run_id', '=', runId)
    .where('type', 'in', ['link.clicked', 'contact.optedOut'])
    .execute();
  for (const row of reactions) {
    const kind = row.node_id ? nodes[row.node_id]?.type : undefined;
    if (row.type === 'link.clicked') {
      run.add('clicks', 1);
      if (kind === 'sms' || kind === 'email') both(row.node_id, `clicked:${kind}`, 1);
      continue;
    }
    const channel = parseJson(row.data).channel;
    run.add('optOuts', 1);
    if (channel === 'sms') both(row.node_id, 'optedOut:sms', 1);
  }

  const settings = journey?.settings;
  const profile = settings ? (settings.countries ? profilesOfCountries(settings.compliance, settings.countries) : settings.compliance) : 'US';
  // Every call event of the run at once, off the index by type; per contact and step they arrive in order.
  const log = new CallLog();
  const callRows = await db
    .selectFrom('events')
    .select(['seq', 'contact_id', 'node_id', 'type', 'time', 'data'])
    .where('run_id', '=', runId)
    .where('type', 'in', callEventTypes)
    .execute();
  // Sorted here: ordered by seq, the store would read the run's whole log in order instead of the index by type.
  callRows.sort((a, b) => Number(a.seq) - Number(b.seq));
  for (const row of callRows) log.add(row);
  for (const call of log.calls) {
    const node = nodes[call.nodeId];
    const maxRate = node?.type === 'dialer' ? node.config.maxAbandonRate : undefined;
    const judged = classifyCall(call, definitionFor(profile, maxRate));
    // An agentless step plays its message to whoever answers and never means to connect an agent: its people are
    // reached as intended, not abandoned (the pacing's ledger leaves them out too).
    const verdict = node?.type === 'dialer' && node.config.mode === 'agentless' ? { ...judged, abandoned: false } : judged;
    for (const tally of [run, stepTally(call.nodeId)]) {
      if (!tally) continue;
      const c = tally.calls;
      c.placed++;
      if (verdict.live) c.people++;
      if (verdict.abandoned) c.abandoned++;
      if (call.port === 'machine') c.machines++;
      if (call.port === 'no-answer') c.noAnswer++;
      if (call.port === 'busy') c.busy++;
      if (call.port === 'failed') c.failed++;
      if (call.connectedAt !== undefined) c.agents++;
      c.seconds += call.billableSeconds;
      if (call.cost !== undefined) c.cost = (c.cost ?? 0) + call.cost;
    }
  }

  // A webhook's answer is its step's exit: the counters already hold it.
  const webhookSteps = Object.values(nodes).filter((n) => n.type === 'webhook');
  if (webhookSteps.length) {
    const counters = await db
      .selectFrom('counters')
      .select(['node_id', 'metric', 'count'])
      .where('run_id', '=', runId)
      .where(
        'node_id',
        'in',
        webhookSteps.map((n) => n.id),
      )
      .where('metric', 'in', ['port:ok', 'port:error'])
      .execute();
    for (const row of counters) {
      for (const tally of [run, stepTally(row.node_id)]) {
        if (!tally) continue;
        if (row.metric === 'port:ok') tally.webhookOk += Number(row.count);
        else tally.webhookFailed += Number(row.count);
      }
    }
  }

  return {
    run: { ...run.all(), clicks: run.get('clicks'), optOuts: run.get('optOuts') },
    steps: Object.fromEntries([...steps].map(([id, tally]) => [id, tally.used()])),
  };
}
