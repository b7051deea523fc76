// Sampling helpers shared by the simulated carrier and the simulated agents.

/** Events carry millisecond timestamps; at least 1 ms keeps each step of a call strictly after the one before. */
export function wholeMs(ms: number): number {
  return Math.max(1, Math.round(ms));
}

/** Picks an item in proportion to its weight, given a uniform draw `u` in [0, 1). */
export function pickWeighted<T>(items: readonly (readonly [T, number])[], u: number, what: string): T {
  const total = items.reduce((sum, [, weight]) => sum + weight, 0);
  if (!(total > 0) || items.some(([, weight]) => !(weight >= 0))) {
    throw new Error(`${what} must have non-negative weights with a positive total, got ${JSON.stringify(items.map(([, w]) => w))}`);
  }
  // Dividing by the total forgives shares that sum to 0.999 after rounding in a hand-written profile.
  let threshold = u * total;
  let last: T | undefined;
  for (const [item, weight] of items) {
    if (threshold < weight) return item;
    threshold -= weight;
    if (weight > 0) last = item;
  }
  // Only floating-point rounding gets here; the last item that can happen absorbs it.
  return last as T;
}
