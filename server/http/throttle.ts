// Failed sign-ins per address, counted in memory: an address that sends too many wrong tokens (or sign-in codes) in
// a minute is refused with 429 until the minute is over, so tokens cannot be guessed at the speed of the network.

export interface ThrottleSettings {
  /** Failed attempts allowed per address in one window; the next request from it is refused. Default 20. */
  maxFailures?: number;
  windowMs?: number;
  clock?: () => number;
}

/** Addresses remembered at most; beyond this the oldest windows are forgotten first (a flood of addresses). */
const maxAddresses = 10_000;

export class FailedAuthThrottle {
  readonly maxFailures: number;
  readonly windowMs: number;
  private readonly clock: () => number;
  /** Per address: when its window began and the failures in it. Insertion order is age order. */
  private readonly windows = new Map<string, { start: number; failures: number }>();

  constructor(settings: ThrottleSettings = {}) {
    this.maxFailures = settings.maxFailures ?? 20;
    this.windowMs = settings.windowMs ?? 60_000;
    this.clock = settings.clock ?? Date.now;
  }

  /** Seconds until the address may try again, or undefined when it may now. */
  retryAfter(address: string): number | undefined {
    const window = this.current(address);
    if (!window || window.failures < this.maxFailures) return undefined;
    return Math.max(1, Math.ceil((window.start + this.windowMs - this.clock()) / 1000));
  }

  fail(address: string): void {
    const window = this.current(address);
    if (window) {
      window.failures++;
      return;
    }
    if (this.windows.size >= maxAddresses) this.forgetOld();
    this.windows.set(address, { start: this.clock(), failures: 1 });
  }

  private current(address: string) {
    const window = this.windows.get(address);
    if (window && this.clock() - window.start >= this.windowMs) {
      this.windows.delete(address);
      return undefined;
    }
    return window;
  }

  private forgetOld(): void {
    const now = this.clock();
    for (const [address, window] of this.windows) if (now - window.start >= this.windowMs) this.windows.delete(address);
    for (const address of this.windows.keys()) {
      if (this.windows.size < maxAddresses) break;
      this.windows.delete(address);
    }
  }
}

/** JOURNEY_AUTH_MAX_FAILURES, checked: a value that is not a whole number above 0 stops the server at start. */
export function throttleFromEnvironment(env: NodeJS.ProcessEnv = process.env): FailedAuthThrottle {
  const text = env.JOURNEY_AUTH_MAX_FAILURES;
  if (text === undefined || text === '') return new FailedAuthThrottle();
  const maxFailures = Number(text);
  if (!Number.isInteger(maxFailures) || maxFailures < 1) {
    throw new Error(`JOURNEY_AUTH_MAX_FAILURES must be a whole number of failed sign-ins per minute per address, such as 20, not "${text}"`);
  }
  return new FailedAuthThrottle({ maxFailures });
}

export const tooManyFailuresMessage = (seconds: number) =>
  `Too many wrong tokens or sign-in codes from this address; try again in ${seconds} s with a valid one`;

/**
 * The address a request came from, as the Node adapter gives it (`env.incoming`). The socket's own address: a proxy
 * in front makes every client one address, so put the limit in the proxy there.
 */
export function remoteAddress(env: unknown): string {
  return (env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming?.socket?.remoteAddress ?? 'unknown';
}
