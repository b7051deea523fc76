import { describe, expect, it } from 'vitest';
import { retryDelayMs, socketUrl } from './live-socket.ts';

describe('live socket', () => {
  it('waits longer after each failed attempt, up to fifteen seconds, with jitter in the upper half', () => {
    expect([0, 1, 2, 3].map((n) => retryDelayMs(n, () => 1))).toEqual([500, 1000, 2000, 4000]);
    expect(retryDelayMs(0, () => 0)).toBe(250);
    expect(retryDelayMs(20, () => 1)).toBe(15_000);
  });

  it('connects to /ws on the page’s host, over TLS when the page is, naming the agent page and never a token', () => {
    expect(socketUrl({ protocol: 'http:', host: 'localhost:3000' }, 'editor')).toBe('ws://localhost:3000/ws');
    expect(socketUrl({ protocol: 'https:', host: 'example.org' }, 'agent')).toBe('wss://example.org/ws?page=agent');
  });
});
