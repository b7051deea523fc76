// The whole server as a user meets it: HTTP on a free port, a real WebSocket, a real SQLite file.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { followRun } from './live/follow.ts';
import { startServer, type RunningServer } from './serve.ts';

const examples = join(import.meta.dirname, '..', 'examples');
const example = 'appointment-reminder';

describe('the server end to end', () => {
  let server: RunningServer;
  let dir: string;
  let token: string;
  const api = async (method: string, path: string, body?: { json?: unknown; csv?: string }) => {
    const headers: Record<string, string> = { authorization: `Bearer ${token}` };
    if (body?.json !== undefined) headers['content-type'] = 'application/json';
    if (body?.csv !== undefined) headers['content-type'] = 'text/csv';
    const response = await fetch(`${server.url}${path}`, { method, headers, ...(body && { body: body.csv ?? JSON.stringify(body.json) }) });
    return { status: response.status, json: (await response.json()) as any };
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'journey-e2e-'));
    server = await startServer({ port: 0, databaseUrl: join(dir, 'journeys.db'), quiet: true, editorDir: join(dir, 'no-editor') });
    token = server.adminToken!;
  });
  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('makes an admin token on first start and prints a sign-in link with a one-time code for it, not the token', () => {
    expect(token).toMatch(/^jt_/);
    expect(server.signInUrl).toMatch(new RegExp(`^${server.url}/\\?code=jc_`));
    expect(server.signInUrl).not.toContain(token);
  });

  it('uploads an example list, publishes the example, and follows a simulated run on a WebSocket to the end', async () => {
    const csv = readFileSync(join(examples, `${example}.contacts.csv`), 'utf8');
    const upload = await api('PUT', `/api/contact-lists/${example}/csv?region=US`, { csv });
    expect(upload.status).toBe(200);
    const size = upload.json.list.contacts;
    expect(size).toBe(csv.trimEnd().split('\n').length - 1);

    const file = JSON.parse(readFileSync(join(examples, `${example}.journey.json`), 'utf8'));
    expect((await api('POST', '/api/journeys', { json: file })).status).toBe(201);
    expect((await api('POST', `/api/journeys/${example}/versions`, { json: { message: 'As shipped' } })).status).toBe(201);

    const started = await api('POST', '/api/runs', { json: { journeyId: example, mode: 'simulated', seed: 3 } });
    expect(started.status).toBe(201);
    const runId = started.json.id;
    // Held while the socket subscribes, so that the run's whole progress arrives as deltas after the snapshot.
    expect((await api('POST', `/api/runs/${runId}/pause`)).json.status).toBe('paused');
    const follower = await followRun(server.url, token, runId);
    expect((await api('POST', `/api/runs/${runId}/resume`)).json.status).toBe('running');
    const final = await follower.ended;
    follower.close();

    const kinds = follower.received.map((r) => r.message.type);
    expect(kinds[0]).toBe('snapshot');
    expect(follower.received[0]!.message).toMatchObject({ type: 'snapshot', status: 'paused' });
    expect(kinds.filter((k) => k === 'snapshot')).toHaveLength(1);
    expect(kinds.filter((k) => k === 'delta').length).toBeGreaterThan(0);
    expect(final.status).toBe('completed');

    const metrics = await api('GET', `/api/runs/${runId}/metrics`);
    // The live canvas carries the counters; the route adds each channel's results to them.
    const { channels, ...counters } = metrics.json;
    expect(final.metrics).toEqual(counters);
    // The example's calls are agentless: people hear the message as meant, and none counts as an abandoned call.
    expect(channels.run.calls.answeredByPeople).toBeGreaterThan(0);
    expect(channels.run.calls.abandoned).toBe(0);
    expect(metrics.json.audience).toBe(size);
    expect(metrics.json.active).toBe(0);
    const outcomes = Object.values(metrics.json.outcomes as Record<string, number>);
    expect(outcomes.length).toBeGreaterThan(1);
    expect(outcomes.reduce((a, b) => a + b, 0)).toBe(size);

    // A client that connects again gets a fresh snapshot: the final state, at once.
    const again = await followRun(server.url, token, runId);
    expect(await again.ended).toEqual(final);
    expect(again.received.map((r) => r.message.type)).toEqual(['snapshot']);
    again.close();
  });

  it('refuses a WebSocket without a valid token before upgrading', async () => {
    await expect(followRun(server.url, 'jt_wrong', 'any')).rejects.toThrow(/401/);
  });

  it('answers a subscription to an unknown run with an error frame', async () => {
    const follower = await followRun(server.url, token, 'no-such-run');
    await expect(follower.ended).rejects.toThrow(/There is no run "no-such-run"/);
    follower.close();
  });

  it('answers bad messages with error frames and keeps the connection open for good ones', async () => {
    const socket = new WebSocket(`${server.url.replace(/^http/, 'ws')}/ws?token=${token}`);
    const frames: { type: string; message?: string }[] = [];
    socket.on('message', (data) => frames.push(JSON.parse(data.toString())));
    await new Promise((resolve) => socket.once('open', resolve));
    socket.send('not json');
    socket.send(JSON.stringify({ type: 'watch', runId: 'x' }));
    socket.send(Buffer.from([1, 2, 3]), { binary: true });
    socket.send(JSON.stringify({ type: 'unsubscribe', runId: 'x' }));
    await vi.waitFor(() => expect(frames.length, 'frames answered').toBeGreaterThanOrEqual(4), { timeout: 5000, interval: 10 });
    expect(frames.map((f) => f.type)).toEqual(['error', 'error', 'error', 'unsubscribed']);
    expect(frames[0]!.message).toContain('JSON');
    expect(frames[1]!.message).toContain('subscribe');
    expect(socket.readyState).toBe(WebSocket.OPEN);
    socket.close();
  });
});
