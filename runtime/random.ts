// Seeded, deterministic randomness: the same seed and the same names give the same numbers on every run.

/** A 32-bit hash of strings (FNV-1a followed by a murmur finaliser). */
export function hash32(...parts: (string | number)[]): number {
  let h = 0x811c9dc5;
  for (const part of parts) {
    const text = `${part}\u0000`;
    for (let i = 0; i < text.length; i++) {
      h ^= text.charCodeAt(i);
      h = Math.imul(h, 0x01000193);
    }
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A uniform generator in [0, 1) (mulberry32) seeded from the given names. */
export function seededRandom(...parts: (string | number)[]): () => number {
  let state = hash32(...parts);
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A lognormal sample with the given mean and coefficient of variation (standard deviation / mean). */
export function lognormal(random: () => number, mean: number, cv: number): number {
  const sigma2 = Math.log(1 + cv * cv);
  const mu = Math.log(mean) - sigma2 / 2;
  return Math.exp(mu + Math.sqrt(sigma2) * standardNormal(random));
}

export function standardNormal(random: () => number): number {
  const u = Math.max(random(), Number.EPSILON);
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/**
 * An idempotency key without its run: `contactId:nodeId:visit`. Simulated providers, the virtual carrier and simulated
 * agents draw a visit's fate from this and the run's seed, so two runs with the same seed over the same contacts play
 * out the same, whatever their run ids.
 */
export function visitKey(key: string): string {
  return key.slice(key.indexOf(':') + 1);
}
