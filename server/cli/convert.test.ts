// `journey convert --from pinpoint` through main(), on the fixtures written from Pinpoint's API reference: each one
// converts to its expected file and report, validates without errors and simulates to completion; bad input is
// refused with a message that names the activity, and nothing is written.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConversionReport } from '../../schemas/convert/pinpoint/report.ts';
import { loadJourney } from '../../schemas/parse.ts';
import { simulateJourney } from '../../runtime/simulation.ts';
import { processIo, type Io } from './io.ts';
import { main } from './main.ts';

const fixtures = fileURLToPath(new URL('../../schemas/convert/pinpoint/fixtures/', import.meta.url));
const names = readdirSync(fixtures, { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name)
  .sort();

async function journey(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = { out: (t) => void out.push(t), err: (t) => void err.push(t), readFile: processIo.readFile, writeFile: processIo.writeFile };
  const code = await main(['convert', ...args], io);
  return { code, stdout: out.join(''), stderr: err.join('') };
}

/** Contacts with every column the converted journey reads, consenting on every channel, half of them matching. */
function contactsFor(report: ConversionReport): string {
  const header = [
    'external_id',
    'first_name',
    'last_name',
    'phone',
    'email',
    'timezone',
    'consent_sms',
    'consent_voice',
    'consent_email',
    ...report.attributes,
  ];
  const rows = Array.from({ length: 24 }, (_, i) => [
    `C-${100 + i}`,
    ['Ana', 'Ben', 'Chloé', 'Dev'][i % 4]!,
    'Tester',
    `+1312555${String(1000 + i).slice(-4)}`,
    `contact${i}@example.com`,
    'America/Chicago',
    'yes',
    'yes',
    'yes',
    ...report.attributes.map((a) => (i % 2 ? 'true' : /tier/i.test(a) ? 'gold' : 'no')),
  ]);
  return `${[header, ...rows].map((r) => r.join(',')).join('\n')}\n`;
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'journey-convert-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('journey convert --from pinpoint on the fixtures', () => {
  it('has at least six journeys, one of them of 100 activities', () => {
    expect(names.length).toBeGreaterThanOrEqual(6);
    const sizes = names.map((n) => {
      const file = JSON.parse(readFileSync(join(fixtures, n, 'journey.json'), 'utf8'));
      return Object.keys((file.JourneyResponse ?? file.WriteJourneyRequest ?? file).Activities).length;
    });
    expect(Math.max(...sizes)).toBe(100);
  });

  it.each(names)(
    '%s converts to its expected file and report, validates and simulates to completion',
    async (name) => {
      const out = join(dir, `${name}.journey.json`);
      const result = await journey([
        '--from',
        'pinpoint',
        join(fixtures, name, 'journey.json'),
        '--templates',
        join(fixtures, name, 'templates'),
        '--out',
        out,
        '--json',
      ]);
      expect(result.stderr).toBe(`wrote ${out}\n`);
      expect(result.code).toBe(0);
      const text = readFileSync(out, 'utf8');
      await expect(text).toMatchFileSnapshot(join(fixtures, name, 'expected.journey.json'));
      const { file: _file, ...report } = JSON.parse(result.stdout) as ConversionReport & { file: string };
      // The expected report is kept as Biome formats JSON; compared as data.
      expect(report).toEqual(JSON.parse(readFileSync(join(fixtures, name, 'expected.report.json'), 'utf8')));

      const loaded = loadJourney(text);
      expect(loaded.problems.filter((p) => p.severity === 'error')).toEqual([]);
      // Every step is placed by the layout, on the grid, and no two share a place.
      const places = Object.values(loaded.journey!.nodes).map((n) => `${n.position.x},${n.position.y}`);
      expect(new Set(places).size).toBe(places.length);
      expect(Object.values(loaded.journey!.nodes).every((n) => n.position.x % 20 === 0 && n.position.y % 20 === 0)).toBe(true);

      const simulation = await simulateJourney({ document: loaded.value, contactsCsv: contactsFor(report), days: 90, seed: 3 });
      expect(simulation.completed).toBe(true);
      expect(simulation.audience).toBe(24);
      expect(Object.values(simulation.outcomes).reduce((a, b) => a + b, 0)).toBe(24);
    },
    240_000,
  );

  it('prints the report for a person without --json', async () => {
    const out = join(dir, 'text-report.journey.json');
    const result = await journey([
      '--from',
      'pinpoint',
      join(fixtures, 'payment-contact-center', 'journey.json'),
      '--templates',
      join(fixtures, 'payment-contact-center', 'templates'),
      '--out',
      out,
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('agentCall (ContactCenter, "Call from the collections team"): converted → agent-call-gate, agent-call');
    expect(result.stdout).toContain('Limits.EndpointReentryCap = 3: not carried over yet');
    expect(result.stdout).toContain('Rules: US: the origination number +14155550142');
  });
});

describe('journey convert on edge cases', () => {
  it('ends every contact at a Holdout of 100 % and leaves out what only follows it', async () => {
    const file = join(dir, 'holdout-all.json');
    writeFileSync(
      file,
      JSON.stringify({
        Name: 'Hold_all',
        StartActivity: 'first',
        Activities: {
          first: { Wait: { NextActivity: 'all', WaitTime: { WaitFor: 'PT1H' } } },
          all: { Holdout: { Percentage: 100, NextActivity: 'after' } },
          after: { Wait: { WaitTime: { WaitFor: 'PT1H' } } },
        },
      }),
    );
    const out = join(dir, 'holdout-all.journey.json');
    const result = await journey(['--from', 'pinpoint', file, '--out', out, '--json']);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as ConversionReport;
    expect(report.activities.map((a) => [a.activity, a.status, a.became])).toEqual([
      ['after', 'skipped', []],
      ['all', 'converted', ['all-held-out']],
      ['first', 'converted', ['first']],
    ]);
    const loaded = loadJourney(readFileSync(out, 'utf8'));
    expect(loaded.problems).toEqual([]);
    expect(loaded.journey!.nodes.first!.next).toEqual({ out: 'all-held-out' });
  });
});

describe('journey convert refuses bad input, names the activity and writes nothing', () => {
  const templates = join(fixtures, 'welcome-series', 'templates');
  const base = () => JSON.parse(readFileSync(join(fixtures, 'welcome-series', 'journey.json'), 'utf8'));
  async function refused(input: string, extra: string[] = ['--templates', templates]) {
    const file = join(dir, `bad-${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(file, input);
    const out = join(dir, `${file}.journey.json`);
    const result = await journey(['--from', 'pinpoint', file, ...extra, '--out', out]);
    expect(result.code).toBe(1);
    expect(existsSync(out)).toBe(false);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('nothing was written');
    expect(result.stderr).not.toMatch(/\n\s+at\s/);
    return result.stderr;
  }

  it('says where a file is not JSON', async () => {
    expect(await refused('{ "JourneyResponse": { "Name": "x", }')).toMatch(/is not valid JSON at line 1, column \d+/);
  });

  it('asks for the StartActivity when there is none', async () => {
    const doc = base();
    delete doc.JourneyResponse.StartActivity;
    expect(await refused(JSON.stringify(doc))).toContain('/JourneyResponse/StartActivity: The journey has no StartActivity');
  });

  it('names the activity that points to one that does not exist', async () => {
    const doc = base();
    doc.JourneyResponse.Activities.waitTwoDays.Wait.NextActivity = 'ghost';
    expect(await refused(JSON.stringify(doc))).toContain(
      '/JourneyResponse/Activities/waitTwoDays/Wait/NextActivity: Activity "waitTwoDays" leads to "ghost", but the journey has no activity with that id',
    );
  });

  it('names the activities of a loop without a wait', async () => {
    const doc = base();
    doc.JourneyResponse.Activities.thanks.SMS.NextActivity = 'again';
    doc.JourneyResponse.Activities.again = {
      ConditionalSplit: {
        Condition: { Conditions: [{ SegmentCondition: { SegmentId: 'vip' } }] },
        TrueActivity: 'thanks',
        FalseActivity: 'reminder',
      },
    };
    expect(await refused(JSON.stringify(doc))).toContain('Activities "again" → "thanks" → "again" form a loop with no Wait in it');
  });

  it('names each activity whose template is missing', async () => {
    const partial = join(dir, 'partial-templates');
    rmSync(partial, { recursive: true, force: true });
    const { mkdirSync, copyFileSync } = await import('node:fs');
    mkdirSync(partial);
    copyFileSync(join(templates, 'Thanks_SMS.json'), join(partial, 'Thanks_SMS.json'));
    const stderr = await refused(JSON.stringify(base()), ['--templates', partial]);
    expect(stderr).toContain(
      '/JourneyResponse/Activities/welcome/EMAIL/TemplateName: Activity "welcome" sends the template "Welcome_New_Subscribers", which is not in the templates folder',
    );
    expect(stderr).toContain('Activity "reminder" sends the template "Welcome_Reminder"');
    expect(stderr).not.toContain('"thanks"');
  });

  it('names a template file that is not a template', async () => {
    const broken = join(dir, 'broken-templates');
    rmSync(broken, { recursive: true, force: true });
    const { mkdirSync, copyFileSync } = await import('node:fs');
    mkdirSync(broken);
    for (const f of readdirSync(templates)) copyFileSync(join(templates, f), join(broken, f));
    writeFileSync(join(broken, 'Thanks_SMS.json'), '{"SMSTemplateResponse": {"Body": 12}}');
    expect(await refused(JSON.stringify(base()), ['--templates', broken])).toContain(
      `${join(broken, 'Thanks_SMS.json')}: the template SMSTemplateResponse.Body should be text`,
    );
  });

  it('refuses an activity of no known kind and a random split that does not add up', async () => {
    const doc = base();
    doc.JourneyResponse.Activities.waitTwoDays = { Description: 'nothing' };
    expect(await refused(JSON.stringify(doc))).toContain('Activity "waitTwoDays" has no settings of a kind the converter knows');
    const split = base();
    split.JourneyResponse.Activities.waitTwoDays = { RandomSplit: { Branches: [{ NextActivity: 'openedWelcome', Percentage: 70 }, { Percentage: 20 }] } };
    expect(await refused(JSON.stringify(split))).toContain('Random split "waitTwoDays" needs at least two paths');
  });

  it('refuses a source it does not know', async () => {
    const result = await journey(['--from', 'braze', 'x.json']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('journey convert reads journeys --from pinpoint, not "braze"');
  });
});
