// Time for the runtime: every module reads "now" from a Clock, so simulation and tests can skip ahead.
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
  readonly virtual: boolean;
}

export class RealClock implements Clock {
  readonly virtual = false;
  now(): number {
    return Date.now();
  }
}

/** A clock that only moves when told to: the interpreter jumps it to the next due moment. */
export class VirtualClock implements Clock {
  readonly virtual = true;
  constructor(private current: number) {}
  now(): number {
    return this.current;
  }
  /** Moves forward to `time`; never backwards, so that recorded events stay in order. */
  advanceTo(time: number): void {
    if (time > this.current) this.current = time;
  }
}
