import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { formatJourney } from '../../schemas/format.ts';
import { createToken } from '../../runtime/store/repositories/tokens.ts';
import { startServer, type RunningServer } from '../serve.ts';
import { sampleJourney } from '../test-app.ts';
import { main } from './main.ts';
import { memoryIo } from './test-io.ts';

describe('journey push and pull against a real server', () => {
  let server: RunningServer;
  let dir: string;
  let remote: string[];
  let viewer: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'journey-cli-'));
    server = await startServer({ port: 0, databaseUrl: join(dir, 'journeys.db'), quiet: true, editorDir: join(dir, 'no-editor') });
    remote = ['--server', server.url, '--token', server.adminToken!];
    viewer = (await createToken(server.store.db, { name: 'reader', role: 'viewer', now: Date.now() })).token;
  });
  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });
  afterEach(() => vi.unstubAllEnvs());

  const file = formatJourney(sampleJourney('pushed'));

  it('creates the draft on the first push, saves it on the next, and publishes with a message', async () => {
    const first = memoryIo({ 'pushed.journey.json': file });
    expect(await main(['push', 'pushed.journey.json', ...remote], first.io)).toBe(0);
    expect(first.stderr()).toContain('Created the draft of "pushed"');

    const edited = sampleJourney('pushed', { name: 'Reminder, edited' });
    const second = memoryIo({ 'pushed.journey.json': JSON.stringify(edited) });
    expect(await main(['push', 'pushed.journey.json', ...remote, '--publish', '--message', 'Rename'], second.io)).toBe(0);
    expect(second.stderr()).toContain('Saved the draft of "pushed"');
    expect(second.stderr()).toMatch(/Published "pushed" version 1 \([0-9a-f]{12}\)/);

    const versions = await fetch(`${server.url}/api/journeys/pushed/versions`, { headers: { authorization: `Bearer ${viewer}` } });
    expect(((await versions.json()) as { versions: { message: string; author: string }[] }).versions).toEqual([
      expect.objectContaining({ message: 'Rename', author: 'admin' }),
    ]);
  });

  it('prints the problems of a refused file as FILE: path (node id): message and exits 1', async () => {
    const broken = sampleJourney('pushed');
    (broken.nodes.reminder.config as { body: string }).body = '';
    const t = memoryIo({ 'pushed.journey.json': JSON.stringify(broken) });
    expect(await main(['push', 'pushed.journey.json', ...remote], t.io)).toBe(1);
    expect(t.stdout()).toContain("pushed.journey.json: /nodes/reminder/config/body (node reminder): The SMS step 'reminder' has no text");
    expect(t.stderr()).toContain('nothing was saved');
    const draft = await fetch(`${server.url}/api/journeys/pushed`, { headers: { authorization: `Bearer ${viewer}` } });
    expect(((await draft.json()) as { name: string }).name).toBe('Reminder, edited');
  });

  it('pulls the draft and a version as the canonical file, to a file or stdout', async () => {
    const t = memoryIo();
    expect(await main(['pull', 'pushed', ...remote, '--out', 'out.journey.json'], t.io)).toBe(0);
    expect(t.files['out.journey.json']).toBe(formatJourney(sampleJourney('pushed', { name: 'Reminder, edited' })));
    expect(t.stderr()).toContain('Wrote the draft of "pushed" to out.journey.json');

    const v = memoryIo();
    expect(await main(['pull', 'pushed', ...remote, '--version', '1'], v.io)).toBe(0);
    expect(v.stdout()).toBe(t.files['out.journey.json']);

    const missing = memoryIo();
    expect(await main(['pull', 'pushed', ...remote, '--version', '9'], missing.io)).toBe(1);
    expect(missing.stderr()).toContain('Version 9 of the journey "pushed" does not exist');
  });

  it('round-trips: a pulled file pushed back changes nothing and publishing it again makes no new version', async () => {
    const t = memoryIo();
    await main(['pull', 'pushed', ...remote, '--out', 'p.json'], t.io);
    expect(await main(['push', 'p.json', ...remote, '--publish', '--message', 'Same again'], t.io)).toBe(0);
    expect(t.stderr()).toMatch(/Nothing new to publish: the draft equals "pushed" version 1 /);
  });

  it('takes the server and token from JOURNEY_SERVER and JOURNEY_TOKEN', async () => {
    vi.stubEnv('JOURNEY_SERVER', server.url);
    vi.stubEnv('JOURNEY_TOKEN', viewer);
    const t = memoryIo();
    expect(await main(['pull', 'pushed'], t.io)).toBe(0);
    expect(t.stdout()).toContain('"id": "pushed"');
  });

  it('says plainly when the token is refused, lacks the role, or the server cannot be reached', async () => {
    const wrong = memoryIo({ 'a.json': file });
    expect(await main(['push', 'a.json', '--server', server.url, '--token', 'jt_wrong'], wrong.io)).toBe(1);
    expect(wrong.stderr()).toContain('journey push: the server refused the token');

    const reader = memoryIo({ 'a.json': file });
    expect(await main(['push', 'a.json', '--server', server.url, '--token', viewer], reader.io)).toBe(1);
    expect(reader.stderr()).toContain('the token may not do this: This needs the editor role');

    const down = memoryIo();
    expect(await main(['pull', 'pushed', '--server', 'http://127.0.0.1:9', '--token', 'x'], down.io)).toBe(1);
    expect(down.stderr()).toMatch(/cannot reach the server at http:\/\/127\.0\.0\.1:9 .*is it running/);
  });

  it('gives usage errors for missing options and bad values', async () => {
    vi.stubEnv('JOURNEY_SERVER', '');
    vi.stubEnv('JOURNEY_TOKEN', '');
    const cases: [string[], RegExp][] = [
      [['push', 'a.json', '--token', 't'], /needs --server URL/],
      [['push', 'a.json', '--server', server.url], /needs --token T/],
      [['push', 'a.json', ...remote, '--publish'], /--publish needs --message/],
      [['push', ...remote], /needs one journey file/],
      [['pull', 'x', '--server', 'localhost:3000', '--token', 't'], /must be an http/],
      [['pull', 'x', ...remote, '--version', 'latest'], /--version must be a version number/],
    ];
    for (const [args, message] of cases) {
      const t = memoryIo({ 'a.json': file });
      expect(await main(args, t.io), args.join(' ')).toBe(2);
      expect(t.stderr()).toMatch(message);
    }
    const noId = memoryIo({ 'a.json': '{"schemaVersion": 1}' });
    expect(await main(['push', 'a.json', ...remote], noId.io)).toBe(1);
    expect(noId.stderr()).toContain('a.json: /id: the file has no journey id');
    const notJson = memoryIo({ 'a.json': '{ oops' });
    expect(await main(['push', 'a.json', ...remote], notJson.io)).toBe(1);
    expect(notJson.stderr()).toMatch(/a\.json: The file is not valid JSON at line 1/);
  });
});
