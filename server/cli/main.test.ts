import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { formatJourney } from '../../schemas/format.ts';
import { main } from './main.ts';
import { memoryIo } from './test-io.ts';

const run = promisify(execFile);

const journey = {
  schemaVersion: 1,
  id: 'reminder',
  name: 'Reminder',
  settings: { timezone: 'America/New_York', compliance: 'US', helpContact: 'call 202-555-0143' },
  nodes: {
    start: { type: 'start', position: { x: 0, y: 0 }, config: { audience: { list: 'people' } }, next: { out: 'gate' } },
    gate: { type: 'compliance-gate', position: { x: 200, y: 0 }, config: { channel: 'sms' }, next: { allowed: 'reminder', blocked: 'done' } },
    reminder: { type: 'sms', position: { x: 400, y: 0 }, config: { body: 'Hi {{ contact.firstName }}' }, next: { sent: 'done', failed: 'done' } },
    done: { type: 'end', position: { x: 600, y: 0 }, config: { outcome: 'completed' } },
  },
};
const canonical = formatJourney(journey);
const withEmptySms = formatJourney({ ...journey, nodes: { ...journey.nodes, reminder: { ...journey.nodes.reminder, config: { body: '' } } } });
const withoutFailedPort = formatJourney({
  ...journey,
  nodes: { ...journey.nodes, reminder: { ...journey.nodes.reminder, next: { sent: 'done' } } },
});

describe('journey validate', () => {
  it('exits 0 and prints nothing on stdout for a valid file', async () => {
    const t = memoryIo({ 'a.journey.json': canonical });
    expect(await main(['validate', 'a.journey.json'], t.io)).toBe(0);
    expect(t.stdout()).toBe('');
    expect(t.stderr()).toContain('1 file checked: 0 errors, 0 warnings');
  });

  it('prints FILE: <path> (node <id>): <message> and exits 1 on an error', async () => {
    const t = memoryIo({ 'a.journey.json': withEmptySms });
    expect(await main(['validate', 'a.journey.json'], t.io)).toBe(1);
    expect(t.stdout()).toBe("a.journey.json: /nodes/reminder/config/body (node reminder): The SMS step 'reminder' has no text\n");
  });

  it('prints warnings but exits 0', async () => {
    const t = memoryIo({ 'a.journey.json': withoutFailedPort });
    expect(await main(['validate', 'a.journey.json'], t.io)).toBe(0);
    expect(t.stdout()).toMatch(
      /^a\.journey\.json: \/nodes\/reminder\/next\/failed \(node reminder\): warning: The SMS step 'reminder' has no next step for "Failed"/,
    );
  });

  it('prints problems as JSON with --json', async () => {
    const t = memoryIo({ 'a.journey.json': withEmptySms, 'b.journey.json': canonical });
    expect(await main(['validate', '--json', 'a.journey.json', 'b.journey.json'], t.io)).toBe(1);
    expect(JSON.parse(t.stdout())).toEqual([
      { file: 'a.journey.json', severity: 'error', nodeId: 'reminder', path: '/nodes/reminder/config/body', message: "The SMS step 'reminder' has no text" },
    ]);
  });

  it('reports malformed files with a line and column, and missing files plainly', async () => {
    const t = memoryIo({ 'bad.json': '{\n  "schemaVersion": 1,\n  "id": oops\n}\n' });
    expect(await main(['validate', 'bad.json', 'missing.json'], t.io)).toBe(1);
    expect(t.stdout()).toBe(
      'bad.json: The file is not valid JSON at line 3, column 9: unexpected character\nmissing.json: cannot read the file: no such file\n',
    );
  });

  it('names an unknown schemaVersion', async () => {
    const t = memoryIo({ 'v9.json': JSON.stringify({ ...journey, schemaVersion: 9 }) });
    expect(await main(['validate', 'v9.json'], t.io)).toBe(1);
    expect(t.stdout()).toContain('v9.json: /schemaVersion: The journey has schemaVersion 9, which this tool cannot read; it reads schemaVersion 1');
  });

  it('gives a usage error, not a stack trace, for a missing file argument or an unknown option', async () => {
    const t = memoryIo();
    expect(await main(['validate'], t.io)).toBe(2);
    expect(t.stderr()).toMatch(/needs at least one file/);
    const u = memoryIo();
    expect(await main(['validate', '--colour', 'x'], u.io)).toBe(2);
    expect(u.stderr()).toMatch(/Unknown option '--colour'/);
    expect(u.stderr()).not.toMatch(/\bat .*\.ts:\d+/);
  });
});

describe('journey fmt', () => {
  const messy = JSON.stringify({ nodes: journey.nodes, settings: journey.settings, name: journey.name, id: journey.id, schemaVersion: 1 });

  it('--check names files that are not canonical and exits 1, changing nothing', async () => {
    const t = memoryIo({ 'a.json': canonical, 'b.json': messy });
    expect(await main(['fmt', '--check', 'a.json', 'b.json'], t.io)).toBe(1);
    expect(t.stdout()).toBe('b.json\n');
    expect(t.files['b.json']).toBe(messy);
  });

  it('rewrites files canonically, after which --check passes', async () => {
    const t = memoryIo({ 'b.json': messy });
    expect(await main(['fmt', 'b.json'], t.io)).toBe(0);
    expect(t.files['b.json']).toBe(canonical);
    expect(await main(['fmt', '--check', 'b.json'], t.io)).toBe(0);
  });

  it('refuses a file that is not JSON, with line and column', async () => {
    const t = memoryIo({ 'x.json': '{"a":' });
    expect(await main(['fmt', 'x.json'], t.io)).toBe(1);
    expect(t.stderr()).toMatch(/x\.json: The file is not valid JSON at line 1, column 6/);
  });
});

describe('journey diff', () => {
  const changed = formatJourney({
    ...journey,
    nodes: {
      ...journey.nodes,
      gate: { ...journey.nodes.gate, position: { x: 250, y: 40 } },
      reminder: { ...journey.nodes.reminder, config: { body: 'Hello {{ contact.firstName }}' }, next: { sent: 'later', failed: 'done' } },
      later: { type: 'wait', position: { x: 500, y: 0 }, config: { duration: 'P1D' }, next: { out: 'done' } },
    },
  });

  it('prints added, changed, rewired and moved steps', async () => {
    const t = memoryIo({ 'old.json': canonical, 'new.json': changed });
    expect(await main(['diff', 'old.json', 'new.json'], t.io)).toBe(0);
    expect(t.stdout()).toBe(
      [
        "+ added Wait step 'later': Wait 1 day",
        "~ changed SMS step 'reminder'",
        '    config.body: "Hi {{ contact.firstName }}" → "Hello {{ contact.firstName }}"',
        "> rewired 'reminder' sent: 'done' → 'later'",
        '  layout only: 1 step moved (gate)',
        '',
      ].join('\n'),
    );
  });

  it('prints the same diff as JSON', async () => {
    const t = memoryIo({ 'old.json': canonical, 'new.json': changed });
    await main(['diff', '--json', 'old.json', 'new.json'], t.io);
    const diff = JSON.parse(t.stdout());
    expect(diff.added).toEqual([{ id: 'later', type: 'wait', summary: 'Wait 1 day' }]);
    expect(diff.rewired).toEqual([{ id: 'reminder', port: 'sent', old: 'done', new: 'later' }]);
    expect(diff.moved).toEqual(['gate']);
  });

  it('shows the changed words of a long text instead of cutting both values short', async () => {
    const body =
      'Hi {{ contact.firstName }}, this is Acme Bank about your account ending {{ attributes.accountLast4 }}. A payment of ' +
      '{{ attributes.amountDue }} was due on {{ attributes.dueDate }}. Call us back at {{ links.callback }} or reply STOP to opt out.';
    const edited = body.replace('{{ links.callback }}', '{{ links.call back }}');
    const withBody = (text: string) =>
      formatJourney({ ...journey, nodes: { ...journey.nodes, reminder: { ...journey.nodes.reminder, config: { body: text } } } });
    const t = memoryIo({ 'old.json': withBody(body), 'new.json': withBody(edited) });
    expect(await main(['diff', 'old.json', 'new.json'], t.io)).toBe(0);
    expect(t.stdout()).toBe(
      ["~ changed SMS step 'reminder'", '    config.body: "… us back at {{ links.[-callback-]{+call back+} }} or reply STOP to opt out."', ''].join('\n'),
    );
  });

  it('says so when nothing differs', async () => {
    const t = memoryIo({ 'a.json': canonical, 'b.json': canonical });
    await main(['diff', 'a.json', 'b.json'], t.io);
    expect(t.stdout()).toBe('No differences.\n');
  });
});

describe('the installed command', () => {
  it('runs through its bin script and reports a broken file without a stack trace', async () => {
    const result = await run('node', ['server/bin/journey.mjs', 'validate', 'package.json']).catch((e: { code: number; stdout: string; stderr: string }) => e);
    expect('code' in result ? result.code : 0).toBe(1);
    expect(result.stdout).toContain('package.json: /schemaVersion: The journey has no schemaVersion');
    expect(result.stdout + result.stderr).not.toMatch(/\n\s+at /);
  });
});
