// The door between the interpreter and a dialer. The interpreter hands a dialer a `DialerHost` (what it may read of
// the runs) and, each pacing round of a run, a `DialerRound` inside the round's transaction: claim the contacts due at
// a dialer step, check them at the moment of dialing, record their call events and moves, and render a step's message.
// A dialer sees nothing else of the engine: not the interpreter, not cursors, not the batch of writes.
import type { FollowUp } from '../channels/provider.ts';
import type { ContactView } from '../nodes/types.ts';
import type { Executor } from '../store/dialect.ts';
import type { RunContext } from './run-context.ts';

export type { ContactView, FollowUp, RunContext };

/** A contact at a dialer step (queued, or held by the dialer for a call), as the dialer sees it. */
export interface StepContact {
  readonly contactId: string;
  readonly visit: number;
  /** The call's idempotency key: the same for every attempt to place the call of this visit. */
  readonly key: string;
  /** Undefined when the contact was deleted since it entered the step. */
  readonly contact: ContactView | undefined;
}

/** How a call's last event moves the contact on: by `port`, from the visit it was placed in, with `result`. */
export interface CallExit {
  port: string;
  visit: number;
  result: Record<string, unknown>;
}

/** Decides, at `at`, whether the call may go; when not, the contact was already deferred or sent out by `failed`. */
export type DialGate = (contact: StepContact, at: number) => boolean;

/** One pacing round of one run, inside a transaction that holds the run's dialer lock. */
export interface DialerRound {
  readonly context: RunContext;
  /** The round's transaction, for the dialer's own rows (its memories, the agents). */
  readonly db: Executor;
  /** Claims (locks) up to `limit` contacts queued at the step, in contact id order. */
  claimQueued(nodeId: string, limit: number): Promise<StepContact[]>;
  /** A contact the dialer holds at a step (a preview being read); undefined once it has left the run or is done. */
  held(contactId: string): Promise<StepContact | undefined>;
  /** How many contacts of the step are on a call. */
  callsUnderWay(nodeId: string): Promise<number>;
  /**
   * The check at the moment of dialing, every rule of the journey's profile: a rule of time sends the contact back to
   * the step until its next allowed moment; a rule that refuses sends it out by `failed`, naming the rule.
   */
  lastCheck(contacts: StepContact[], now: number, options: { agentGuaranteed: boolean; mode: string }): Promise<DialGate>;
  /** The contact now waits on its call: it leaves the step's queue. */
  startCall(contact: StepContact): void;
  /** Records that the contact's call was placed, at `at`; the call's later moments are `callEvents`. */
  record(contact: StepContact, type: 'call.placed', data: Record<string, unknown>, at: number): void;
  /** Records the voice message handed to the carrier, as sent at `at`. */
  sent(contact: StepContact, nodeId: string, payload: Record<string, unknown>, at: number): void;
  /**
   * A call's moments, each recorded as an event at its own time; the `call.ended` one (else the last), given `exit`,
   * moves the contact on.
   */
  callEvents(contactId: string, nodeId: string, events: FollowUp[], exit?: CallExit): void;
  /** A step's template rendered for the contact. */
  render(template: string, contact: StepContact & { contact: ContactView }): string;
}

/** What a dialer may read of the runs outside a round. */
export interface DialerHost {
  /** For reads outside a round (the dialer's memories, the agents). */
  readonly db: Executor;
  /** The running runs this interpreter drives. */
  runningRuns(): Promise<string[]>;
  context(runId: string): Promise<RunContext>;
  /** Whether any contact is queued at the step. */
  hasQueued(runId: string, nodeId: string): Promise<boolean>;
  /**
   * Runs one pacing round of the run in a transaction holding the run's dialer lock, and writes what it recorded;
   * 0 without running it when another worker holds the lock (with several workers one paces a run at a time).
   */
  round(runId: string, now: number, work: (round: DialerRound) => Promise<number>): Promise<number>;
}

export interface DialerEngine {
  /** Places the calls the run's dialer steps may place now; returns how many things it did. */
  pace(host: DialerHost, runId: string, now: number): Promise<number>;
  /**
   * Sends what the rounds asked of a carrier whose progress comes later, once their transactions committed; once a
   * round of the interpreter, whatever runs are running.
   */
  deliver?(host: DialerHost, now: number): Promise<number>;
  /** The next moment a dialer will have something to do without any new event (an agent coming free). */
  nextDueAt(host: DialerHost): Promise<number | undefined>;
}
