// A WebSocket opened with a token is closed when the token is revoked, by this server or by another on the same store.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startServer, type RunningServer } from '../serve.ts';

describe('a revoked token’s WebSocket', () => {
  let dir: string;
  let server: RunningServer;
  const admin = () => server.adminToken!;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ws-revocation-'));
    server = await startServer({ port: 0, databaseUrl: join(dir, 'journeys.db'), quiet: true, editorDir: join(dir, 'no-editor') });
  });
  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const api = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${server.url}/api${path}`, {
      method,
      headers: { authorization: `Bearer ${admin()}`, 'content-type': 'application/json' },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    return { status: response.status, json: response.status === 204 ? undefined : await response.json() };
  };

  async function open(token: string) {
    const socket = new WebSocket(`${server.url.replace(/^http/, 'ws')}/ws?token=${token}`);
    await new Promise((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
    const closed = new Promise<{ at: number; code: number; reason: string }>((resolve) =>
      socket.once('close', (code, reason) => resolve({ at: Date.now(), code, reason: reason.toString() })),
    );
    return { socket, closed };
  }

  it('is closed within a second of the revocation, saying why; other sockets stay open', async () => {
    const made = await api('POST', '/tokens', { name: 'wall screen', role: 'viewer' });
    const kept = await api('POST', '/tokens', { name: 'desk', role: 'viewer' });
    const revoked = await open(made.json.token);
    const other = await open(kept.json.token);
    const revokedAt = Date.now();
    expect((await api('DELETE', `/tokens/${made.json.id}`)).status).toBe(204);
    const result = await Promise.race([revoked.closed, new Promise<undefined>((resolve) => setTimeout(resolve, 1500))]);
    expect(result, 'the socket was still open 1.5 s after the revocation').toBeDefined();
    expect(result!.at - revokedAt).toBeLessThan(1000);
    expect(result!.code).toBe(4401);
    expect(result!.reason).toContain('revoked');
    expect(other.socket.readyState).toBe(WebSocket.OPEN);
    other.socket.close();
  });
});
