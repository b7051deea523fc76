// The run room's API over a seeded simulated run of the subscription-renewal example stopped part-way, so that
// contacts wait, wait for an event, are held by a gate and are in a call: every answer is checked against the run's
// events, and the channel figures against what `journey simulate` prints for the same seed.
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { DateTime, Duration } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Journey } from '../../schemas/journey.ts';
import { parseJson } from '../../runtime/store/json.ts';
import { simulateJourney } from '../../runtime/simulation.ts';
import { testDialects } from '../../runtime/store/test-stores.ts';
import { memoryIo } from '../cli/test-io.ts';
import { main } from '../cli/main.ts';
import { testApp, type TestApp } from '../test-app.ts';

const journeyText = readFileSync(new URL('../../examples/subscription-renewal.journey.json', import.meta.url), 'utf8');
const contactsCsv = readFileSync(new URL('../../examples/subscription-renewal.contacts.csv', import.meta.url), 'utf8');
const journey = JSON.parse(journeyText) as Journey;
// From 05:00 in Los Angeles for two hours: texts to the west wait for 08:00 at the gate, the east is called from 10:00
// its time, and the run stops with a call under way.
const seed = 3;
const start = '2026-01-05T05:00:00';
const days = '0.0837';
const runId = `simulation-${seed}`;
const timeout = 180_000;

interface Row {
  seq: number;
  contact_id: string | null;
  type: string;
  time: number;
  node_id: string | null;
  port: string | null;
  data: Record<string, unknown>;
}

describe.each(testDialects)('the run room on %s', (dialect) => {
  let t: TestApp;
  let events: Row[];
  let cursors: { contact_id: string; node_id: string; status: string; attempt: number; wait_event: string | null; due_at: number | null }[];
  const byContact = new Map<string, Row[]>();

  beforeAll(async () => {
    t = await testApp(dialect);
    await simulateJourney({ document: journey, contactsCsv, seed, days: Number(days), start, store: t.store });
    events = (await t.store.db.selectFrom('events').selectAll().where('run_id', '=', runId).orderBy('seq').execute()).map((e) => ({
      ...e,
      seq: Number(e.seq),
      time: Number(e.time),
      data: parseJson(e.data),
    }));
    for (const e of events) if (e.contact_id) byContact.set(e.contact_id, [...(byContact.get(e.contact_id) ?? []), e]);
    cursors = (await t.store.db.selectFrom('cursors').selectAll().where('run_id', '=', runId).orderBy('contact_id').execute()).map((c) => ({
      ...c,
      attempt: Number(c.attempt),
      due_at: c.due_at === null ? null : Number(c.due_at),
    }));
  }, timeout);
  afterAll(() => t.close());

  const get = (path: string) => t.request('GET', path, { token: 'viewer' });
  /** Every page of a contact list, following nextAfter. */
  async function allPages(query: string, limit = 7) {
    const contacts: any[] = [];
    let after: string | null = null;
    for (;;) {
      const res = await get(`/api/runs/${runId}/contacts?${query}&limit=${limit}${after ? `&after=${encodeURIComponent(after)}` : ''}`);
      expect(res.status, res.text).toBe(200);
      expect(res.json.contacts.length).toBeLessThanOrEqual(limit);
      contacts.push(...res.json.contacts);
      after = res.json.nextAfter;
      if (!after) return contacts;
    }
  }
  const lastEntered = (contactId: string) =>
    byContact
      .get(contactId)!
      .filter((e) => e.type === 'node.entered')
      .at(-1)!;

  it(
    'stops part-way with contacts waiting, waiting for an event, held by a gate and in a call',
    () => {
      expect(cursors.some((c) => c.status === 'ready' && c.attempt > 0)).toBe(true);
      expect(cursors.some((c) => c.wait_event === '{"type":"call"}')).toBe(true);
      expect(cursors.some((c) => c.status === 'waiting' && c.wait_event === null)).toBe(true);
      expect(cursors.some((c) => c.status === 'waiting' && c.wait_event !== null)).toBe(true);
      expect(cursors.some((c) => c.status === 'done')).toBe(true);
    },
    timeout,
  );

  it(
    'lists the contacts at each step, paged, each where its last step entry puts it and with the reason its events give',
    async () => {
      for (const nodeId of Object.keys(journey.nodes)) {
        const listed = await allPages(`step=${nodeId}`);
        const ids = listed.map((c) => c.contactId);
        // Every contact whose last entry was this step, in id order, once.
        const expected = [...byContact.keys()].filter((id) => lastEntered(id).node_id === nodeId).sort();
        expect(ids, nodeId).toEqual(expected);
        for (const c of listed) {
          const mine = byContact.get(c.contactId)!;
          const entered = lastEntered(c.contactId);
          const since = mine.filter((e) => e.seq >= entered.seq);
          const zone = c.timezone;
          const local = (iso: string) => DateTime.fromISO(iso, { zone }).toFormat('ccc d LLL HH:mm');
          const line = `${nodeId} ${c.contactId} ${JSON.stringify(c.why)}`;
          switch (c.why.kind) {
            case 'finished': {
              const completed = since.find((e) => e.type === 'contact.completed')!;
              expect(c.why, line).toEqual({ kind: 'finished', outcome: completed.data.outcome, at: new Date(completed.time).toISOString() });
              expect(c.words).toContain(String(completed.data.outcome));
              break;
            }
            case 'held': {
              const deferred = since.filter((e) => e.type === 'compliance.deferred').at(-1)!;
              expect(deferred, line).toBeDefined();
              expect(c.why, line).toMatchObject({ rule: deferred.data.rule, reason: deferred.data.reason, until: deferred.data.nextAllowedAt });
              expect(c.why.channel).toBe((journey.nodes[nodeId] as { config: { channel: string } }).config.channel);
              expect(c.words, line).toContain(String(deferred.data.reason));
              expect(c.words, line).toContain(local(String(deferred.data.nextAllowedAt)));
              expect(
                since.some((e) => e.type === 'node.exited'),
                line,
              ).toBe(false);
              break;
            }
            case 'waiting': {
              // wait-for-morning: 10:00 on the next weekday in the contact's zone, after it arrived.
              const node = journey.nodes[nodeId] as { config: { until: { time: string } } };
              const until = DateTime.fromISO(c.why.until, { zone });
              expect(until.toFormat('HH:mm'), line).toBe(node.config.until.time);
              expect(until.toMillis()).toBeGreaterThan(entered.time);
              expect(until.toMillis() - entered.time).toBeLessThanOrEqual(4 * 86_400_000);
              expect(c.words).toContain(local(c.why.until));
              break;
            }
            case 'waiting-for-event': {
              const node = journey.nodes[nodeId] as { config: { event: string; timeout: string } };
              const due = DateTime.fromMillis(entered.time, { zone: journey.settings.timezone }).plus(Duration.fromISO(node.config.timeout));
              expect(c.why, line).toEqual({ kind: 'waiting-for-event', event: node.config.event, link: null, until: due.toUTC().toISO() });
              expect(since.some((e) => e.type === 'email.opened' && e.node_id === nodeId)).toBe(false);
              break;
            }
            case 'in-call': {
              const placed = since.filter((e) => e.type === 'call.placed').at(-1)!;
              expect(placed, line).toBeDefined();
              expect(c.why.placedAt).toBe(new Date(placed.time).toISOString());
              expect(
                since.some((e) => e.type === 'call.ended' && e.seq > placed.seq),
                line,
              ).toBe(false);
              const answered = since.some((e) => e.type === 'call.answered' && e.seq > placed.seq);
              if (!answered) expect(['placed', 'ringing']).toContain(c.why.stage);
              break;
            }
            default:
              throw new Error(`unexpected ${line}`);
          }
        }
      }
    },
    timeout,
  );

  it(
    'splits a step into waiting and held, and says why a held contact waits in words with its local time',
    async () => {
      const held = cursors.filter((c) => c.status === 'ready' && c.attempt > 0);
      const step = held[0]!.node_id;
      const heldHere = await allPages(`step=${step}&state=held`, 50);
      expect(heldHere.map((c) => c.contactId)).toEqual(held.filter((c) => c.node_id === step).map((c) => c.contact_id));
      const waiting = await allPages(`step=${step}&state=waiting`, 50);
      const all = await allPages(`step=${step}&state=all`, 50);
      expect([...heldHere, ...waiting].map((c) => c.contactId).sort()).toEqual(all.filter((c) => c.why.kind !== 'finished').map((c) => c.contactId));
      expect(heldHere[0].words).toMatch(/^Text held by US[.\w-]*hours: .+ Until \w{3} \d+ \w{3} \d\d:\d\d\.$/);
    },
    timeout,
  );

  it(
    'searches the whole run by name, phone or email in any case',
    async () => {
      const [sample] = await t.store.db.selectFrom('contacts').selectAll().where('first_name', 'is not', null).orderBy('id').limit(1).execute();
      const contact = sample!;
      for (const q of [
        contact.last_name!.toUpperCase(),
        contact.email!.slice(0, 6).toUpperCase(),
        contact.phone!.slice(-6),
        `${contact.first_name} ${contact.last_name}`,
      ]) {
        const found = await allPages(`q=${encodeURIComponent(q)}`, 500);
        expect(found.map((c) => c.contactId)).toContain(contact.id);
        const lower = q.toLowerCase();
        for (const c of found) {
          const haystack = [c.firstName, c.lastName, `${c.firstName} ${c.lastName}`, c.phone, c.email, c.externalId].map((v) => String(v ?? '').toLowerCase());
          expect(
            haystack.some((v) => v.includes(lower)),
            `${q} → ${JSON.stringify(c)}`,
          ).toBe(true);
        }
        const everyone = await t.store.db.selectFrom('contacts').selectAll().execute();
        const expected = everyone.filter((c) =>
          [c.first_name, c.last_name, `${c.first_name ?? ''} ${c.last_name ?? ''}`, c.phone, c.email, c.external_id].some((v) =>
            (v ?? '').toLowerCase().includes(lower),
          ),
        );
        expect(found.length, q).toBe(expected.length);
      }
      // Wildcards are letters to find, not patterns.
      expect((await get(`/api/runs/${runId}/contacts?q=%25`)).json.contacts).toEqual([]);
    },
    timeout,
  );

  it(
    'refuses bad query values with the field, and answers 404 for an unknown run or contact',
    async () => {
      for (const [query, path] of [
        ['limit=0', '/limit'],
        ['limit=501', '/limit'],
        ['limit=ten', '/limit'],
        ['state=asleep', '/state'],
        ['step=nowhere', '/step'],
      ]) {
        const res = await get(`/api/runs/${runId}/contacts?${query}`);
        expect(res.status, query).toBe(400);
        expect(res.json.error.details.issues[0].path, query).toBe(path);
      }
      expect((await get('/api/runs/nope/contacts')).status).toBe(404);
      expect((await get('/api/runs/nope/steps/start')).status).toBe(404);
      expect((await get(`/api/runs/${runId}/steps/nowhere`)).status).toBe(404);
      expect((await get('/api/runs/nope/results')).status).toBe(404);
      const stranger = await get(`/api/runs/${runId}/contacts/c_nobody/timeline`);
      expect(stranger.status).toBe(404);
      expect(stranger.json.error.message).toContain('"c_nobody"');
      expect((await get(`/api/runs/${runId}/results?format=xlsx`)).json.error.details.issues[0].path).toBe('/format');
      for (const path of [`/api/runs/${runId}/contacts`, `/api/runs/${runId}/steps/start`, `/api/runs/${runId}/results`]) {
        expect((await t.request('GET', path, { token: null })).status, path).toBe(401);
        expect((await t.request('GET', path, { token: 'agent' })).status, path).toBe(403);
      }
    },
    timeout,
  );

  it(
    "gives each step's exits, contacts now and time spent as its events have them",
    async () => {
      for (const [nodeId, node] of Object.entries(journey.nodes)) {
        const res = await get(`/api/runs/${runId}/steps/${nodeId}`);
        expect(res.status).toBe(200);
        const here = events.filter((e) => e.node_id === nodeId);
        expect(res.json.entered, nodeId).toBe(here.filter((e) => e.type === 'node.entered').length);
        const exits: Record<string, number> = {};
        for (const e of here) if (e.type === 'node.exited') exits[e.port!] = (exits[e.port!] ?? 0) + 1;
        expect(res.json.exits, nodeId).toEqual(exits);
        expect(res.json.type).toBe(node.type);
        // Time spent: each visit from its entry to its exit.
        const entered = new Map<string, number>();
        const stays: number[] = [];
        for (const e of here) {
          const key = `${e.contact_id}/${e.data.visit}`;
          if (e.type === 'node.entered') entered.set(key, e.time);
          if (e.type === 'node.exited') stays.push(e.time - entered.get(key)!);
        }
        stays.sort((a, b) => a - b);
        expect(res.json.timeSpent.stays).toBe(stays.length);
        const at = (p: number) => (stays.length ? Math.round(stays[Math.ceil(p * stays.length) - 1]! / 100) / 10 : null);
        expect([res.json.timeSpent.medianSeconds, res.json.timeSpent.p90Seconds], nodeId).toEqual([at(0.5), at(0.9)]);
        // Contacts now, by what they do, as the list of the step says one by one.
        const listed = await allPages(`step=${nodeId}`, 500);
        const kinds: Record<string, number> = {};
        for (const c of listed) kinds[c.why.kind] = (kinds[c.why.kind] ?? 0) + 1;
        const now = res.json.now;
        expect(
          { finished: now.finished, held: now.held, waiting: now.waiting, 'waiting-for-event': now.waitingForEvent, 'in-call': now.inCall },
          nodeId,
        ).toEqual({
          finished: kinds.finished ?? 0,
          held: kinds.held ?? 0,
          waiting: kinds.waiting ?? 0,
          'waiting-for-event': kinds['waiting-for-event'] ?? 0,
          'in-call': kinds['in-call'] ?? 0,
        });
      }
    },
    timeout,
  );

  it(
    "tells every contact's story line by line from its events, with the messages it was sent and its path",
    async () => {
      const sends = await t.store.db.selectFrom('outbox').selectAll().where('run_id', '=', runId).execute();
      for (const c of cursors) {
        const res = await get(`/api/runs/${runId}/contacts/${c.contact_id}/timeline`);
        expect(res.status).toBe(200);
        const mine = byContact.get(c.contact_id)!;
        expect(res.json.events.map((e: { seq: number; type: string }) => `${e.seq} ${e.type}`)).toEqual(mine.map((e) => `${e.seq} ${e.type}`));
        expect(res.json.path).toEqual(mine.filter((e) => e.type === 'node.entered').map((e) => e.node_id));
        expect(res.json.now.nodeId).toBe(c.node_id);
        const zone = res.json.contact.timezone;
        for (const [i, entry] of res.json.events.entries()) {
          const event = mine[i]!;
          const line = `${c.contact_id} ${entry.type}: ${entry.sentence}`;
          expect(entry.time).toBe(new Date(event.time).toISOString());
          expect(entry.sentence, line).toContain(DateTime.fromMillis(event.time, { zone }).toFormat('HH:mm'));
          if (entry.type === 'sms.sent' || entry.type === 'email.sent') {
            const send = sends.find((s) => s.contact_id === c.contact_id && s.node_id === event.node_id && s.status === 'sent')!;
            const payload = parseJson(send.payload) as Record<string, string>;
            expect(entry.message, line).toEqual(
              entry.type === 'sms.sent'
                ? { channel: 'sms', body: payload.body }
                : { channel: 'email', subject: payload.subject, body: payload.text ?? payload.html },
            );
            expect(entry.sentence).toMatch(entry.type === 'sms.sent' ? /^Texted at / : /^Emailed at /);
          } else expect(entry.message).toBeNull();
          if (entry.type === 'compliance.deferred') expect(entry.sentence, line).toContain(String(event.data.reason));
          if (entry.type === 'link.clicked') expect(entry.sentence, line).toContain(String(event.data.link));
          if (entry.type === 'call.ended') {
            const port = event.data.port;
            const expected = { machine: 'answered by a machine', 'no-answer': 'no answer', connected: 'answered by a person' }[String(port)];
            if (expected && event.data.disposition !== 'busy') expect(entry.sentence, line).toContain(expected);
            if (port === 'connected') expect(entry.sentence, line).toContain(`outcome: ${String(event.data.disposition).replace(/-/g, ' ')}`);
          }
          if (entry.type === 'contact.completed') expect(entry.sentence, line).toContain(String(event.data.outcome));
        }
      }
    },
    timeout,
  );

  it(
    'carries channel results per run and per step equal to what journey simulate prints for the same seed, and to the events',
    async () => {
      const res = await get(`/api/runs/${runId}/metrics`);
      expect(res.status).toBe(200);
      const { channels } = res.json;
      const files = { 'j.json': journeyText, 'c.csv': contactsCsv };
      const cli = memoryIo(files);
      expect(await main(['simulate', 'j.json', '--contacts', 'c.csv', '--seed', String(seed), '--start', start, '--days', days, '--json'], cli.io)).toBe(0);
      expect(channels.run).toEqual(JSON.parse(cli.stdout()).channels);
      const printed = memoryIo(files);
      await main(['simulate', 'j.json', '--contacts', 'c.csv', '--seed', String(seed), '--start', start, '--days', days], printed.io);
      const { texts, emails, calls } = channels.run;
      expect(printed.stdout()).toContain(`Texts: ${texts.sent} sent, ${texts.delivered} delivered, ${texts.failed} failed, ${texts.replied} replied`);
      expect(printed.stdout()).toContain(`Emails: ${emails.sent} sent, ${emails.delivered} delivered, ${emails.bounced} bounced, ${emails.opened} opened`);
      expect(printed.stdout()).toContain(`Calls: ${calls.placed} placed, ${calls.answeredByPeople} answered by people`);

      const count = (type: string, nodeId?: string) => events.filter((e) => e.type === type && (nodeId === undefined || e.node_id === nodeId)).length;
      expect([texts.sent, texts.delivered, texts.failed, texts.replied]).toEqual([
        count('sms.sent'),
        count('sms.delivered'),
        count('sms.failed'),
        count('sms.replied'),
      ]);
      expect([emails.sent, emails.delivered, emails.bounced, emails.opened, emails.unsubscribed]).toEqual([
        count('email.sent'),
        count('email.delivered'),
        count('email.bounced'),
        count('email.opened'),
        count('email.unsubscribed'),
      ]);
      expect(emails.openedIsLowerBound).toBe(true);
      expect(calls.placed).toBe(count('call.placed'));
      expect(calls.connectedToAgents).toBe(count('call.connectedToAgent'));
      const ended = events.filter((e) => e.type === 'call.ended');
      expect(calls.answeredByMachines).toBe(ended.filter((e) => e.data.port === 'machine').length);
      expect(calls.talkMinutes).toBe(Math.round((ended.reduce((s, e) => s + Number(e.data.billableSeconds), 0) / 60) * 10) / 10);
      expect(calls.cost).toBeNull();
      expect(emails.rates.opened).toBe(Math.round((emails.opened / emails.sent) * 10_000) / 10_000);
      for (const [nodeId, node] of Object.entries(journey.nodes)) {
        const step = channels.steps[nodeId];
        if (node.type === 'sms') expect(step.texts.sent, nodeId).toBe(count('sms.sent', nodeId));
        if (node.type === 'email') expect([step.emails.sent, step.emails.opened], nodeId).toEqual([count('email.sent', nodeId), count('email.opened', nodeId)]);
        if (node.type === 'dialer') expect(step.calls.placed, nodeId).toBe(count('call.placed', nodeId));
      }
      // The step's own answer gives the same figures.
      expect((await get(`/api/runs/${runId}/steps/renewal-email`)).json.channels).toEqual(channels.steps['renewal-email']);
    },
    timeout,
  );

  it(
    'exports one row per contact as CSV and NDJSON that parse back and agree with the events',
    async () => {
      const csv = await get(`/api/runs/${runId}/results?format=csv`);
      expect(csv.status).toBe(200);
      expect(csv.headers.get('content-type')).toContain('text/csv');
      expect(csv.headers.get('content-disposition')).toContain(`run-${runId}-results.csv`);
      const rows = parse(csv.text, { columns: true }) as Record<string, string>[];
      const ndjson = await get(`/api/runs/${runId}/results?format=ndjson`);
      const lines = ndjson.text
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l));
      expect(rows.length).toBe(cursors.length);
      expect(lines.map((l) => l.contactId)).toEqual(cursors.map((c) => c.contact_id));
      expect(rows.map((r) => r.contactId)).toEqual(cursors.map((c) => c.contact_id));
      for (const [i, line] of lines.entries()) {
        const mine = byContact.get(line.contactId)!;
        const completed = mine.find((e) => e.type === 'contact.completed');
        const cursor = cursors[i]!;
        expect(line, line.contactId).toMatchObject({
          status: cursor.status === 'done' ? 'finished' : 'in-journey',
          outcome: completed?.data.outcome ?? null,
          step: cursor.node_id,
          converted: null,
          endedAt: completed ? new Date(completed.time).toISOString() : null,
          texts: mine.filter((e) => e.type === 'sms.sent' && e.node_id).length,
          emails: mine.filter((e) => e.type === 'email.sent').length,
          calls: mine.filter((e) => e.type === 'call.placed').length,
          webhooks: 0,
        });
        const lastEnded = mine.filter((e) => e.type === 'call.ended').at(-1);
        if (lastEnded && cursor.status === 'done') expect(line.lastCallOutcome).toBe(lastEnded.data.disposition);
        // The CSV row says the same, as text.
        const row = rows[i]!;
        expect(row.outcome).toBe(line.outcome ?? '');
        expect(Number(row.texts)).toBe(line.texts);
        expect(row.email).toBe(line.email ?? '');
      }
    },
    timeout,
  );
});
