// The interface between the interpreter and a dialer: it places queued calls each round and says when it next has work.
import type { Interpreter } from './interpreter.ts';

export interface DialerEngine {
  /** Places the calls the run's dialer steps may place now; returns how many things it did. */
  pace(interpreter: Interpreter, runId: string, now: number): Promise<number>;
  /** The next moment a dialer will have something to do without any new event (an agent coming free). */
  nextDueAt(interpreter: Interpreter): Promise<number | undefined>;
}
