// Two servers on one PostgreSQL database, as a deployment behind a load balancer runs them: a canvas connected to one
// follows a run that the other plays.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { startRun } from '../runtime/engine/runs.ts';
import type { RunChannelResults } from '../runtime/channel-results.ts';
import type { RunMetrics } from '../runtime/metrics.ts';
import { postgresUrl, withDatabase } from '../runtime/store/test-stores.ts';
import { followRun } from './live/follow.ts';
import { startServer } from './serve.ts';

const contacts = 2000;

const journey = {
  schemaVersion: 1,
  id: 'two-servers',
  name: 'Two servers',
  settings: { timezone: 'America/New_York', compliance: 'US', helpContact: 'Call 0800 555 0100' },
  nodes: {
    start: { type: 'start', position: { x: 0, y: 0 }, config: { audience: { list: 'two-servers' } }, next: { out: 'sms-gate' } },
    // Only do-not-contact lists: the test is about the channel, not about allowed hours or consent.
    'sms-gate': {
      type: 'compliance-gate',
      position: { x: 100, y: 100 },
      config: { channel: 'sms', checks: ['dnc'] },
      next: { allowed: 'sms', blocked: 'done' },
    },
    sms: { type: 'sms', position: { x: 200, y: 0 }, config: { body: 'Hi {{ contact.firstName }}', trackLinks: false }, next: { sent: 'wait', failed: 'done' } },
    wait: { type: 'wait', position: { x: 400, y: 0 }, config: { duration: 'PT1H' }, next: { out: 'email-gate' } },
    'email-gate': {
      type: 'compliance-gate',
      position: { x: 500, y: 100 },
      config: { channel: 'email', checks: ['dnc'] },
      next: { allowed: 'email', blocked: 'done' },
    },
    email: {
      type: 'email',
      position: { x: 600, y: 0 },
      config: { subject: 'Hello', text: 'Hello {{ contact.firstName }}', trackOpens: false, trackLinks: false },
      next: { sent: 'done', failed: 'done' },
    },
    done: { type: 'end', position: { x: 800, y: 0 }, config: { outcome: 'done' } },
  },
};

function csv(): string {
  const lines = ['external_id,first_name,phone,email,timezone,consent_sms,consent_email'];
  for (let i = 0; i < contacts; i++) lines.push(`T${i},Pat${i},+1202555${String(i).padStart(4, '0')},pat${i}@example.com,America/New_York,yes,yes`);
  return lines.join('\n');
}

describe.runIf(postgresUrl)('two servers on one PostgreSQL database', () => {
  it('show a canvas on one server the run the other plays, up to its final metrics', async () => {
    await withDatabase('two_servers', async (url) => {
      const dir = mkdtempSync(join(tmpdir(), 'two-servers-'));
      const watched = await startServer({ port: 0, databaseUrl: url, quiet: true, editorDir: join(dir, 'no-editor') });
      const playing = await startServer({ port: 0, databaseUrl: url, quiet: true, editorDir: join(dir, 'no-editor') });
      try {
        // One database, one set of tokens: the first server made the admin token, the second found it there.
        const token = watched.adminToken!;
        expect(playing.adminToken).toBeUndefined();
        const api = async (server: typeof watched, method: string, path: string, body: string, type = 'application/json') => {
          const response = await fetch(`${server.url}/api${path}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': type }, body });
          expect(response.ok, `${method} ${path}: ${response.status} ${await response.clone().text()}`).toBe(true);
          return response.json();
        };
        await api(watched, 'POST', '/journeys', JSON.stringify(journey));
        await api(watched, 'POST', `/journeys/${journey.id}/versions`, JSON.stringify({ message: 'first' }));
        await api(playing, 'PUT', `/contact-lists/${journey.id}/csv?region=US`, csv(), 'text/csv');

        // Started without a runner, so that the canvas is subscribed before the first step; then played by the other.
        const now = Date.parse('2026-03-16T14:00:00Z');
        const run = await startRun(playing.store, { journeyId: journey.id, version: 1, listId: journey.id, now, simulated: true, seed: 5 });
        const canvas = await followRun(watched.url, token, run.id);
        await vi.waitFor(() => expect(canvas.state(), 'the snapshot of the run').toBeDefined(), { timeout: 30_000, interval: 5 });
        await playing.runner.simulate(run.id);
        await playing.runner.finished(run.id);
        const final = await canvas.ended;
        canvas.close();

        const metrics = (await (
          await fetch(`${watched.url}/api/runs/${run.id}/metrics`, { headers: { authorization: `Bearer ${token}` } })
        ).json()) as RunMetrics & { channels: RunChannelResults };
        expect(metrics.audience).toBe(contacts);
        expect(metrics.active).toBe(0);
        expect(final.status).toBe('completed');
        // The canvas carries the counters; the metrics route adds each channel's results, read from the events.
        const { channels: _channels, ...counters } = metrics;
        expect(final.metrics).toEqual(counters);
        // The counts moved on the canvas while the run played, not only at the end.
        expect(canvas.received.filter((r) => r.message.type === 'delta').length).toBeGreaterThan(1);
      } finally {
        await playing.close();
        await watched.close();
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }, 120_000);
});
