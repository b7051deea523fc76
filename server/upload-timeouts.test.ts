// The real server over TCP: an upload still sending is never cut off by a time limit on the request as a whole, and a
// connection that goes silent mid-upload is dropped, its import recording where it stopped.
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startServer, type RunningServer } from './serve.ts';

const idleMs = 1000;

function row(i: number): string {
  return `E${i},+1202${String(2_000_000 + i).padStart(7, '0')}\n`;
}

/** Sends a chunked upload a piece at a time, `gapMs` apart; resolves with the status line and body of the answer. */
function slowUpload(port: number, token: string, path: string, pieces: string[], gapMs: number): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    socket.on('data', (data) => (answer += data.toString()));
    socket.on('error', reject);
    socket.on('close', () => resolve({ status: Number(/^HTTP\/1\.1 (\d+)/.exec(answer)?.[1] ?? 0), text: answer }));
    socket.write(
      `PUT ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${token}\r\nContent-Type: text/csv\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n`,
    );
    let i = 0;
    const next = () => {
      if (i === pieces.length) return socket.write('0\r\n\r\n');
      const piece = Buffer.from(pieces[i++]!);
      socket.write(`${piece.length.toString(16)}\r\n`);
      socket.write(piece);
      socket.write('\r\n');
      setTimeout(next, gapMs);
    };
    next();
  });
}

describe('connection timeouts of the server', () => {
  let server: RunningServer;
  let port = 0;
  let token = '';
  beforeAll(async () => {
    server = await startServer({ port: 0, host: '127.0.0.1', quiet: true, databaseUrl: ':memory:', editorDir: '/nonexistent', httpTimeouts: { idleMs } });
    port = Number(new URL(server.url).port);
    token = server.adminToken!;
  });
  afterAll(() => server.close());

  it('lets an upload that keeps sending run longer than the idle limit several times over', async () => {
    // 14 pieces 300 ms apart: over four seconds of upload, never a second of silence.
    const pieces = ['id,phone\n', ...Array.from({ length: 13 }, (_, k) => row(2 * k) + row(2 * k + 1))];
    const started = Date.now();
    const answer = await slowUpload(port, token, '/api/contact-lists/slow/csv?region=US', pieces, 300);
    expect(Date.now() - started).toBeGreaterThan(3 * idleMs);
    expect(answer.status).toBe(200);
    expect(answer.text).toContain('"imported":26');
  }, 20_000);

  it('drops a connection that goes silent mid-upload, and its import says where it was cut off', async () => {
    const socket = connect(port, '127.0.0.1');
    const closed = new Promise<number>((resolve) => socket.on('close', () => resolve(Date.now())));
    socket.on('error', () => {});
    const body = `id,phone\n${row(1)}${row(2)}E3,+1202`;
    await new Promise<void>((resolve) => socket.on('connect', resolve));
    const sent = Date.now();
    socket.write(
      `PUT /api/contact-lists/silent/csv?region=US HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${token}\r\nContent-Type: text/csv\r\nContent-Length: 100000\r\n\r\n${body}`,
    );
    const at = await closed;
    expect(at - sent).toBeLessThan(idleMs + 3000);
    const job = await vi.waitFor(
      async () => {
        const listed = (await (await fetch(`${server.url}/api/imports?list=silent`, { headers: { authorization: `Bearer ${token}` } })).json()) as {
          imports: any[];
        };
        const latest = listed.imports[0];
        if (!latest || latest.status === 'running') throw new Error(`The import is ${latest ? 'still running' : 'not listed'}`);
        return latest;
      },
      { timeout: 5000, interval: 50 },
    );
    expect(job).toMatchObject({ status: 'cut-off', line: 4, rows: 2, imported: 2 });
    expect(job.message).toMatch(/cut off at line 4/);
  }, 20_000);
});
