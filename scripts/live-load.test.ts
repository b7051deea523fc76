import { describe, expect, it } from 'vitest';
import { playOnce } from './live-load.ts';

// bench:live at a size CI can afford: the rate limit and the final state, not the throughput (too noisy to assert here).
describe('live monitoring under load', () => {
  it('sends each of five clients at most ten messages a second, and leaves each with the final metrics', async () => {
    const play = await playOnce(5000, 5);
    expect(play.clients).toHaveLength(5);
    expect(play.metrics.audience).toBe(5000);
    expect(play.metrics.active).toBe(0);
    for (const client of play.clients) {
      expect(client.snapshots).toBe(1);
      // The run lasts seconds: the counts moved, and the clients were told, in deltas.
      expect(client.messages).toBeGreaterThan(5);
      expect(client.maxPerSecond).toBeLessThanOrEqual(10);
      expect(client.final.status).toBe('completed');
      expect(client.final.metrics).toEqual(play.metrics);
    }
  }, 120_000);
});
