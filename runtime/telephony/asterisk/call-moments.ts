// A call's progress from what Asterisk said about it: each fact is kept once, however often it is told, and the
// moments go out once each, in the order a call lives them, whatever order the events came in.

/** `AMDSTATUS` as `AMD()` sets it (`app_amd`). */
export type AmdStatus = 'HUMAN' | 'MACHINE' | 'NOTSURE' | 'HANGUP';
export const amdStatuses: readonly AmdStatus[] = ['HUMAN', 'MACHINE', 'NOTSURE', 'HANGUP'];

/** How a call ended: the dialer's `no-answer`, `busy` and `invalid`, a carrier's refusal, or a hang-up after the answer. */
export type CallExit = 'busy' | 'no-answer' | 'invalid' | 'refused' | 'hung-up';

/**
 * One moment of a call on Asterisk, keyed by the call's key. The first five kinds are the dialer's `CallProgress`
 * (`runtime/dialer/carrier.ts`) one to one, less what only a simulated carrier knows (who really answered), plus
 * what the detector said; `connected` and `ended` with its Q.850 cause are Asterisk's own.
 */
export type AsteriskCallProgress =
  | { key: string; type: 'ringing'; at: number }
  | { key: string; type: 'answered'; at: number }
  /**
   * From the answer to the end of the callee's greeting as far as Asterisk can tell: for a person, the decision less
   * the silence `AMD()` waited after the greeting (`AMDCAUSE` = `HUMAN-<silence>-<afterGreetingSilence>`); for a
   * machine or an unsure verdict, the decision; without detection, the answer itself, since no one listened. Never
   * later than the greeting really ended, so a legal clock started from it (the US 2 s) is not started late.
   */
  | { key: string; type: 'greeting'; at: number; endsAt: number }
  /** `NOTSURE` counts as a person: a live answer must never be hung up on as a machine. */
  | { key: string; type: 'amd'; at: number; verdict: 'human' | 'machine'; decisionMs: number; status: Exclude<AmdStatus, 'HANGUP'>; cause: string }
  | { key: string; type: 'connected'; at: number; agentId: string }
  /** `cause` is the Q.850 code of `ChannelDestroyed`, null when the call ended while the event socket was down. */
  | { key: string; type: 'ended'; at: number; exit: CallExit; cause: number | null; causeText: string };

export type MomentKind = AsteriskCallProgress['type'];
const order: readonly MomentKind[] = ['ringing', 'answered', 'greeting', 'amd', 'connected', 'ended'];

/**
 * The exit a Q.850 cause means. Once a call was answered, any end is a hang-up (the cause is kept for the record);
 * before, 17 is busy, 18 and 19 no answer, 1 and 28 an invalid number, 16 (normal clearing, which some networks send
 * when ringing times out) no answer, and anything else (21 call rejected, 34 congestion, 38 network out of order, ...)
 * the carrier's refusal, with its code.
 */
export function exitOf(cause: number, answered: boolean): CallExit {
  if (answered) return 'hung-up';
  switch (cause) {
    case 17:
      return 'busy';
    case 16:
    case 18:
    case 19:
      return 'no-answer';
    case 1:
    case 28:
      return 'invalid';
    default:
      return 'refused';
  }
}

/** When the greeting ended, from the answer, the moment the call reached the application and the verdict. */
function greetingEnd(answeredAt: number, decidedAt: number, status: AmdStatus | undefined, cause: string): number {
  if (status === undefined) return answeredAt;
  const silence = status === 'HUMAN' ? /^HUMAN-(\d+)-\d+$/.exec(cause) : null;
  return silence ? Math.max(answeredAt, decidedAt - Number(silence[1])) : decidedAt;
}

interface Facts {
  ringingAt?: number;
  answeredAt?: number;
  /** When the call entered the application, with `Stasis()`'s arguments after the application's name. */
  stasis?: { at: number; args: string[] };
  connected?: { at: number; agentId: string };
  ended?: { at: number; cause: number | null; causeText: string; exit?: CallExit };
}

interface Tracked {
  facts: Facts;
  emitted: Set<MomentKind>;
  /** The last kind that went out: an earlier kind heard later is stale. */
  highest: number;
  timer?: ReturnType<typeof setTimeout>;
}

export interface CallMomentsOptions {
  /**
   * How long facts gather before they are put in order and sent: a late event within it still goes out in its
   * place. Default 100 ms; every moment waits that long.
   */
  reorderMs?: number;
  /** How many ended calls are remembered, so a repeat of their events is recognised. Default 10,000. */
  rememberEnded?: number;
}

export class CallMoments {
  private readonly calls = new Map<string, Tracked>();
  private readonly over = new Set<string>();
  private readonly reorderMs: number;
  private readonly rememberEnded: number;

  constructor(
    private readonly emit: (moment: AsteriskCallProgress) => void,
    options: CallMomentsOptions = {},
  ) {
    this.reorderMs = options.reorderMs ?? 100;
    this.rememberEnded = options.rememberEnded ?? 10_000;
  }

  /** Starts following a call. Facts about a call not followed (another application's, or one long over) are ignored. */
  follow(key: string): void {
    if (this.calls.has(key) || this.over.has(key)) return;
    this.calls.set(key, { facts: {}, emitted: new Set(), highest: -1 });
  }

  /** Stops following a call that never started (its originate failed), so that it may be placed again. */
  forget(key: string): void {
    clearTimeout(this.calls.get(key)?.timer);
    this.calls.delete(key);
  }

  /** The calls followed and not yet ended. */
  keys(): string[] {
    return [...this.calls.keys()].filter((key) => !this.calls.get(key)!.facts.ended);
  }

  /** What has been heard of a call so far (the moments may not have gone out yet). */
  heard(key: string): Readonly<Facts> | undefined {
    return this.calls.get(key)?.facts;
  }

  ringing(key: string, at: number): void {
    this.learn(key, (f) => (f.ringingAt ??= at));
  }

  answered(key: string, at: number): void {
    this.learn(key, (f) => (f.answeredAt ??= at));
  }

  inApplication(key: string, at: number, args: string[]): void {
    this.learn(key, (f) => (f.stasis ??= { at, args }));
  }

  connected(key: string, at: number, agentId: string): void {
    this.learn(key, (f) => (f.connected ??= { at, agentId }));
  }

  /** `exit` for an end Asterisk gave no cause for (a call with no number); otherwise the cause decides. */
  ended(key: string, at: number, cause: number | null, causeText: string, exit?: CallExit): void {
    this.learn(key, (f) => (f.ended ??= { at, cause, causeText, ...(exit && { exit }) }));
  }

  /** Stops the timers; what has not gone out is dropped. */
  close(): void {
    for (const call of this.calls.values()) clearTimeout(call.timer);
  }

  private learn(key: string, set: (facts: Facts) => void): void {
    const call = this.calls.get(key);
    if (!call) return;
    set(call.facts);
    call.timer ??= setTimeout(() => {
      call.timer = undefined;
      this.walk(key, call);
    }, this.reorderMs);
  }

  /** Sends, in a call's order, each moment whose fact is known and has not gone out. */
  private walk(key: string, call: Tracked): void {
    const { facts } = call;
    const send = (moment: AsteriskCallProgress) => {
      const rank = order.indexOf(moment.type);
      if (call.emitted.has(moment.type) || rank < call.highest) return;
      call.emitted.add(moment.type);
      call.highest = rank;
      this.emit(moment);
    };
    if (facts.ringingAt !== undefined) send({ key, type: 'ringing', at: facts.ringingAt });
    // A call in the application was answered even if the state change to Up was never heard.
    const answeredAt = facts.answeredAt ?? facts.stasis?.at ?? facts.connected?.at;
    if (answeredAt !== undefined) send({ key, type: 'answered', at: answeredAt });
    if (facts.stasis && answeredAt !== undefined) {
      const [first = '', cause = ''] = facts.stasis.args;
      const status = amdStatuses.find((s) => s === first);
      if (status !== 'HANGUP') send({ key, type: 'greeting', at: answeredAt, endsAt: greetingEnd(answeredAt, facts.stasis.at, status, cause) });
      if (status && status !== 'HANGUP') {
        send({
          key,
          type: 'amd',
          at: facts.stasis.at,
          verdict: status === 'MACHINE' ? 'machine' : 'human',
          decisionMs: facts.stasis.at - answeredAt,
          status,
          cause,
        });
      }
    }
    if (facts.connected) send({ key, type: 'connected', at: facts.connected.at, agentId: facts.connected.agentId });
    if (facts.ended) {
      const { at, cause, causeText, exit } = facts.ended;
      const answered = answeredAt !== undefined;
      send({ key, type: 'ended', at, exit: exit ?? (cause === null ? (answered ? 'hung-up' : 'no-answer') : exitOf(cause, answered)), cause, causeText });
      this.calls.delete(key);
      this.over.add(key);
      if (this.over.size > this.rememberEnded) this.over.delete(this.over.values().next().value!);
    }
  }
}
