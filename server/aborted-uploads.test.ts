// The real server as a process: an upload whose client goes away half-way must cost that upload only, never the
// process, and must not lose what was already accepted.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repoRoot = join(import.meta.dirname, '..');

/** Sends the head of a request announcing a long body, a few bytes of it, then closes the socket. */
function abortMidBody(port: number, method: string, path: string, token: string, contentType: string, firstBytes: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(
        `${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: Bearer ${token}\r\nContent-Type: ${contentType}\r\nContent-Length: 100000\r\n\r\n${firstBytes}`,
      );
      // Long enough for the server to start reading the body, so that the close lands mid-stream.
      setTimeout(() => {
        socket.destroy();
        resolve();
      }, 150);
    });
    // A server that answers early (or dies) resets the socket; what matters is checked afterwards.
    socket.on('error', (error: NodeJS.ErrnoException) => (error.code === 'ECONNREFUSED' ? reject(error) : resolve()));
  });
}

describe('uploads cut off mid-body', () => {
  let child: ChildProcess;
  let dir: string;
  let url = '';
  let port = 0;
  let token = '';
  let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const stderr: string[] = [];
  const api = async (method: string, path: string, body?: string, contentType = 'text/csv') => {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined && { 'content-type': contentType }) },
      ...(body !== undefined && { body }),
    });
    return { status: response.status, json: (await response.json()) as any };
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'journey-abort-'));
    child = spawn(
      process.execPath,
      [
        join(repoRoot, 'server/bin/journey.mjs'),
        'serve',
        '--port',
        '0',
        '--host',
        '127.0.0.1',
        '--database',
        join(dir, 'journeys.db'),
        '--editor',
        join(dir, 'no-editor'),
      ],
      {
        cwd: repoRoot,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    child.on('exit', (code, signal) => (exited = { code, signal }));
    child.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
    let out = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the server did not start: ${out} ${stderr.join('')}`)), 20_000);
      child.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const address = /Journey builder on (http:\/\/[^\s]+)/.exec(out);
        const signIn = /\?code=(jc_\S+)\n/.exec(out);
        if (address && signIn) {
          clearTimeout(timer);
          url = address[1]!;
          port = Number(new URL(url).port);
          // The printed link's one-time code, exchanged as the editor does, gives the session the test calls with.
          fetch(`${url}/api/session/exchange`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code: signIn[1] }) })
            .then((r) => {
              // The session is in the cookie the page would keep; a script may send it as a bearer token too.
              const session = /^journey_session=(js_[^;]+)/.exec(r.headers.getSetCookie().join('\n'));
              if (!session) throw new Error(`the sign-in gave no session cookie: ${r.status}`);
              token = session[1]!;
              resolve();
            })
            .catch(reject);
        }
      });
      child.on('exit', () => reject(new Error(`the server exited on start: ${stderr.join('')}`)));
    });
  }, 30_000);

  afterAll(async () => {
    if (child && !exited) {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps serving after a contact list upload and a register upload are cut off, and keeps the lists already imported', async () => {
    const first = await api('PUT', '/api/contact-lists/kept/csv?region=US', 'phone,first_name\n+14155550100,Ada\n+14155550101,Grace\n');
    expect(first.status).toBe(200);
    expect(first.json.list.contacts).toBe(2);

    // Every route that streams a request body, cut off after its first bytes; twice each, as a flaky network would.
    for (let i = 0; i < 2; i++) {
      await abortMidBody(port, 'PUT', '/api/contact-lists/kept/csv?region=US', token, 'text/csv', 'phone');
      await abortMidBody(port, 'PUT', '/api/contact-lists/fresh/csv?region=US', token, 'text/csv', 'phone,first_name\n+14155550102,Alan\n');
      await abortMidBody(port, 'PUT', '/api/registries/US?downloadedAt=2026-11-01T00:00:00Z', token, 'text/plain', '41555');
    }
    await new Promise((resolve) => setTimeout(resolve, 300));

    expect(exited, `the server exited: ${stderr.join('')}`).toBeUndefined();
    const health = await fetch(`${url}/api/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ ok: true });
    const kept = await api('GET', '/api/contact-lists/kept');
    expect(kept.status).toBe(200);
    expect(kept.json.contacts).toBe(2);
    // The server still takes uploads after the aborted ones.
    expect((await api('PUT', '/api/contact-lists/after/csv?region=US', 'phone\n+14155550103\n')).status).toBe(200);
  }, 30_000);
});
