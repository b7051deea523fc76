// Checks every example journey and its sample contact list: valid, canonical, consistent, and exactly what the generator writes.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isValidTimezone } from '../schemas/fields.ts';
import { formatJourney } from '../schemas/format.ts';
import { loadJourney } from '../schemas/parse.ts';
import type { Problem } from '../schemas/problems.ts';
import { checkTemplate } from '../schemas/templates.ts';
import { contactColumns, contactsFileName, exampleContactLists } from './generate-example-contacts.ts';

const examplesDir = new URL('../examples/', import.meta.url);
const read = (file: string) => readFileSync(new URL(file, examplesDir), 'utf8');
const files = readdirSync(examplesDir).sort();
const names = files.filter((f) => f.endsWith('.journey.json')).map((f) => f.slice(0, -'.journey.json'.length));

const describeProblems = (problems: Problem[]) => problems.map((p) => `${p.severity} ${p.path}: ${p.message}`).join('\n');

/** RFC 4180 records; throws on a malformed quote so that a broken file fails with a line number. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let line = 1;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"' && field === '') {
      for (i++; ; i++) {
        if (i >= text.length) throw new Error(`line ${line}: a quoted field is not closed`);
        if (text[i] === '"' && text[i + 1] === '"') {
          field += '"';
          i++;
        } else if (text[i] === '"') break;
        else field += text[i];
      }
      if (i + 1 < text.length && text[i + 1] !== ',' && text[i + 1] !== '\n') throw new Error(`line ${line}: text after a closing quote`);
    } else if (ch === ',') {
      record.push(field);
      field = '';
    } else if (ch === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      line++;
    } else {
      if (ch === '"') throw new Error(`line ${line}: a double quote inside an unquoted field`);
      field += ch;
    }
  }
  if (field !== '' || record.length) records.push([...record, field]);
  return records;
}

/** The `attributes.<name>` a journey reads, in its templates and its branch conditions. */
function attributesRead(value: unknown, out = new Set<string>()): Set<string> {
  if (typeof value === 'string') {
    const reads = [...checkTemplate(value).variables, value];
    for (const v of reads) {
      const name = /^attributes\.([A-Za-z_]\w*)/.exec(v)?.[1];
      if (name) out.add(name);
    }
  } else if (Array.isArray(value)) {
    for (const v of value) attributesRead(v, out);
  } else if (typeof value === 'object' && value !== null) {
    for (const v of Object.values(value)) attributesRead(v, out);
  }
  return out;
}

const generated = exampleContactLists();

it('has the four example journeys, each with a contact list, and no stray list', () => {
  expect(names).toEqual(expect.arrayContaining(['appointment-reminder', 'missed-payment', 'subscription-renewal', 'us-telemarketing']));
  expect(files.filter((f) => f.endsWith('.csv')).sort()).toEqual(names.map(contactsFileName).sort());
  expect(Object.keys(generated).sort()).toEqual(names);
});

describe.each(names)('examples/%s', (name) => {
  const text = read(`${name}.journey.json`);
  const loaded = loadJourney(text);
  const problems = loaded.problems;
  const csv = read(contactsFileName(name));

  it('loads with no errors', () => {
    const errors = problems.filter((p) => p.severity === 'error');
    expect(errors, describeProblems(errors)).toEqual([]);
  });

  it('has no warnings: every exit connected, every message and call behind a gate for its channel', () => {
    expect(problems, describeProblems(problems)).toEqual([]);
  });

  it('is in canonical form', () => {
    expect(formatJourney(JSON.parse(text))).toBe(text);
  });

  it('is named after its file, reads its own contact list and keeps steps apart on the canvas', () => {
    const journey = loaded.journey!;
    expect(journey.id).toBe(name);
    const start = Object.values(journey.nodes).find((n) => n.type === 'start');
    expect(start?.type === 'start' && start.config.audience.list).toBe(name);
    const positions = Object.values(journey.nodes).map((n) => `${n.position.x},${n.position.y}`);
    expect(new Set(positions).size).toBe(positions.length);
  });

  it('has a contact list with the standard columns, at least 200 contacts and every attribute the journey reads', () => {
    expect(csv.endsWith('\n')).toBe(true);
    expect(csv).not.toContain('\r');
    const [header, ...rows] = parseCsv(csv);
    expect(header!.slice(0, contactColumns.length)).toEqual([...contactColumns]);
    expect(rows.length).toBeGreaterThanOrEqual(200);
    for (const attribute of attributesRead(JSON.parse(text))) expect(header).toContain(attribute);

    const column = (c: string) => header!.indexOf(c);
    const phones = new Set<string>();
    rows.forEach((row, i) => {
      const where = `${contactsFileName(name)} line ${i + 2}`;
      expect(row.length, where).toBe(header!.length);
      const phone = row[column('phone')]!;
      expect(phone, where).toMatch(/^\+1\d{3}55501\d\d$/);
      phones.add(phone);
      const zone = row[column('timezone')]!;
      expect(zone === '' || isValidTimezone(zone), where).toBe(true);
      expect(row[column('state')], where).toMatch(/^([A-Z]{2})?$/);
      for (const c of ['consent_sms', 'consent_voice', 'consent_email']) expect(row[column(c)], where).toMatch(/^(yes|no)$/);
    });
    expect(phones.size).toBe(rows.length);
    // Hawaii and Alaska are where calling-hours bugs hide.
    expect([...phones].some((p) => p.startsWith('+1808'))).toBe(true);
    expect([...phones].some((p) => p.startsWith('+1907'))).toBe(true);
  });

  it('has the contact list the generator writes, byte for byte', () => {
    expect(generated[name] === csv, `run npm run examples:contacts to regenerate ${contactsFileName(name)}`).toBe(true);
  });
});
