import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultCarrierProfile } from '../dialer/virtual-carrier.ts';
import { simulateJourney } from '../simulation.ts';
import type { Store } from '../store/dialect.ts';
import { loadComplianceReport } from '../store/repositories/compliance-report.ts';
import { publishJourney } from '../store/repositories/journeys.ts';
import { freshStore, testDialects } from '../store/test-stores.ts';
import { buildComplianceReport, complianceReportCsv, type ComplianceReportInput, type ReportEvent, type ReportRun } from './report.ts';
import type { EventType } from '../../schemas/events.ts';

const t0 = Date.parse('2026-01-05T14:00:00Z');
const s = 1000;
const day = 86_400_000;

/** Events of one call, from offsets in seconds after `at`. */
function call(runId: string, contactId: string, at: number, moments: [EventType, number, Record<string, unknown>?][]): ReportEvent[] {
  return [
    { runId, contactId, nodeId: 'call', type: 'call.placed', time: at, data: { to: `+1202555${contactId.padStart(4, '0')}` } },
    ...moments.map(([type, offset, data]) => ({ runId, contactId, nodeId: 'call', type, time: at + offset * s, data: data ?? {} })),
  ];
}

/** A person answers at 10 s, says hello until 11 s; the agent comes on `connectAfter` seconds after the greeting ends. */
const talked = (runId: string, id: string, at: number, connectAfter = 0.5) =>
  call(runId, id, at, [
    ['call.ringing', 2],
    ['call.answered', 10],
    ['call.customerGreetingStart', 10],
    ['call.customerGreetingStop', 11],
    ['call.connectedToAgent', 11 + connectAfter],
    ['call.ended', 100, { port: 'connected', disposition: 'sale' }],
  ]);
const dropped = (runId: string, id: string, at: number) =>
  call(runId, id, at, [
    ['call.ringing', 2],
    ['call.answered', 10],
    ['call.customerGreetingStart', 10],
    ['call.customerGreetingStop', 11],
    ['call.abandoned', 13, { reason: 'no-agent', message: 'Sorry we missed you. This call was from the number +12025550199.' }],
    ['call.ended', 20, { port: 'abandoned', disposition: 'abandoned' }],
  ]);
/** The detector calls it a machine and hangs up; `person` says whether the simulated carrier knew it was a person. */
const machineVerdict = (runId: string, id: string, at: number, person: boolean) =>
  call(runId, id, at, [
    ['call.ringing', 2],
    ['call.answered', 10],
    ['call.customerGreetingStart', 10],
    ['call.amd', 13, { verdict: 'machine' }],
    ...(person ? ([['call.abandoned', 13.2, { reason: 'amd-false-positive' }]] as [EventType, number, Record<string, unknown>][]) : []),
    ['call.ended', 13.25, { port: person ? 'abandoned' : 'machine', disposition: person ? 'abandoned' : 'machine-hangup' }],
  ]);
const unanswered = (runId: string, id: string, at: number, ring: number) =>
  call(runId, id, at, [
    ['call.ringing', 2],
    ['call.ended', 2 + ring, { port: 'no-answer', disposition: 'no-answer' }],
  ]);

function run(id: string, simulated: boolean, startAt = t0, endedAt: number | null = null): ReportRun {
  return { id, journeyId: 'dial', version: 1, simulated, status: endedAt ? 'completed' : 'running', startAt, endedAt };
}

function input(overrides: Partial<ComplianceReportInput> & Pick<ComplianceReportInput, 'run' | 'events'>): ComplianceReportInput {
  return {
    journeyName: 'Dial',
    profile: 'US',
    campaign: [{ run: overrides.run, steps: [{ id: 'call', mode: 'predictive' }] }],
    registryImports: [],
    permissionChanges: [],
    generatedAt: t0 + 40 * day,
    ...overrides,
  };
}

describe('the compliance report, by hand', () => {
  it('counts a simulated US run: detector hang-ups on people are live answers and abandoned calls, late connections too', () => {
    const r = run('sim', true, t0, t0 + 2 * day);
    const events = [
      ...talked('sim', '1', t0),
      ...talked('sim', '2', t0 + 60 * s, 1.5),
      // 2.5 s after the greeting's end: abandoned under the US rule even though an agent came on.
      ...talked('sim', '3', t0 + 120 * s, 2.5),
      ...dropped('sim', '4', t0 + 180 * s),
      ...machineVerdict('sim', '5', t0 + 240 * s, true),
      ...machineVerdict('sim', '6', t0 + 300 * s, false),
      ...unanswered('sim', '7', t0 + 360 * s, 25),
      ...unanswered('sim', '8', t0 + 420 * s, 15),
    ];
    const report = buildComplianceReport(
      input({
        run: r,
        events,
        registryImports: [
          { profile: 'US', source: 'dnc-1.csv', downloadedAt: t0 - 40 * day, importedAt: t0 - 39 * day, entries: 10 },
          { profile: 'US', source: 'dnc-2.csv', downloadedAt: t0 - 3 * day, importedAt: t0 - 2 * day, entries: 12 },
          { profile: 'US', source: 'dnc-3.csv', downloadedAt: t0 + day, importedAt: t0 + day, entries: 13 },
          { profile: 'UK', source: 'tps.csv', downloadedAt: t0 - day, importedAt: t0 - day / 2, entries: 5 },
        ],
        permissionChanges: [
          {
            id: 1,
            scope: 'sim',
            kind: 'do-not-contact',
            change: 'added',
            channel: 'voice',
            value: '+12025550004',
            reason: 'asked on the call',
            source: 'agent',
            contactId: '4',
            actor: 'agent-1',
            at: t0 + 200 * s,
          },
        ],
      }),
    );
    expect(report.summary).toMatchObject({
      callsPlaced: 8,
      answered: 6,
      // 1, 2, 3, 4 and the person the detector hung up on (5); 6 was a machine.
      liveAnswers: 5,
      abandoned: { total: 3, noAgent: 1, connectedLate: 1, detectorHangUpsOnPeople: 1, notConnected: 0 },
      detector: { basis: 'recorded', machineVerdicts: 2, people: 1 },
      informationMessage: { played: 1, notPlayed: 2 },
      unanswered: { count: 2, minimumRingSeconds: 15, shortestRingSeconds: 15, underMinimum: 0 },
    });
    expect(report.summary.abandonmentRate).toBeCloseTo(3 / 5, 10);
    expect(report.periods).toEqual([
      expect.objectContaining({
        from: new Date(t0).toISOString(),
        to: new Date(t0 + 30 * day).toISOString(),
        runs: ['sim'],
        callsPlaced: 8,
        liveAnswers: 5,
        abandoned: 3,
        detectorHangUpsOnPeople: 1,
        capPercent: 3,
        withinCap: false,
      }),
    ]);
    expect(report.abandonedCalls.map((a) => [a.contactId, a.reason, a.message.played])).toEqual([
      ['3', 'connected-late', false],
      ['4', 'no-agent', true],
      ['5', 'detector-took-person-for-machine', false],
    ]);
    expect(report.abandonedCalls[0]!.connectedAfterSeconds).toBe(2.5);
    expect(report.registry.atStart).toMatchObject({ source: 'dnc-2.csv', ageDays: 3, withinMaxAge: true });
    expect(report.registry.importedDuringRun.map((c) => c.source)).toEqual(['dnc-3.csv']);
    expect(report.permissionChanges).toEqual([expect.objectContaining({ change: 'added', value: '+12025550004', scope: 'run', actor: 'agent-1' })]);

    const csv = complianceReportCsv(report);
    expect(csv).toContain('\r\nSummary\r\nFigure,Value\r\nCalls placed,8\r\n');
    expect(csv).toContain('Abandoned: detector hung up on a person,1');
    expect(csv).toContain(`sim,call,5,'+12025550005,`);
    expect(csv).toMatch(/\r\nPeriods of 720 hours\r\n/);
  });

  it('measures a UK run per 24 hours from the greeting start, and estimates people among a live run’s machine verdicts', () => {
    const r = run('live', false, t0, t0 + 2 * day);
    const events = [
      // Day 1: the agent comes on 2.5 s after the greeting's start (1.5 s after its end): abandoned in the UK only.
      ...talked('live', '1', t0, 1.5),
      ...talked('live', '2', t0 + 60 * s, 0.5),
      ...machineVerdict('live', '3', t0 + 120 * s, true),
      ...machineVerdict('live', '4', t0 + 180 * s, false),
      // Day 2.
      ...talked('live', '5', t0 + day, 0.5),
      ...dropped('live', '6', t0 + day + 60 * s),
      ...unanswered('live', '7', t0 + day + 120 * s, 20),
    ];
    const report = buildComplianceReport(input({ run: r, events, profile: 'UK', detectorEstimate: { share: 0.25, basis: 'a detector of known accuracy' } }));
    // A live run goes by the detector's verdict alone: the carrier's mark on call 3 is not evidence a real line gives.
    expect(report.summary).toMatchObject({
      liveAnswers: 4,
      abandoned: { total: 2, connectedLate: 1, noAgent: 1, detectorHangUpsOnPeople: 0 },
      detector: { basis: 'estimate', machineVerdicts: 2, people: 0.5 },
    });
    expect(report.profile.abandonment).toMatchObject({ windowHours: 24, measuredFrom: 'greeting-start' });
    expect(report.periods).toHaveLength(2);
    const [first, second] = report.periods;
    // (1 abandoned + 0.5 estimated) over (2 live + 0.5 estimated).
    expect(first).toMatchObject({ callsPlaced: 4, liveAnswers: 2, abandoned: 1, detectorHangUpsOnPeople: 0.5, detectorBasis: 'estimate', withinCap: false });
    expect(first!.rate).toBeCloseTo(1.5 / 2.5, 10);
    expect(second).toMatchObject({ callsPlaced: 3, liveAnswers: 2, abandoned: 1, detectorHangUpsOnPeople: 0 });
    expect(second!.rate).toBeCloseTo(0.5, 10);
    expect(report.summary.detector.note).toMatch(/^Estimated, not counted: the machine verdicts times 25 %/);

    const unknown = buildComplianceReport(input({ run: r, events, profile: 'UK' }));
    expect(unknown.summary.detector).toMatchObject({ basis: 'unknown', people: null });
    expect(unknown.periods[0]).toMatchObject({ detectorHangUpsOnPeople: null, rate: 0.5 });
    expect(complianceReportCsv(unknown)).toContain('People among machine verdicts (unknown),unknown');
  });

  it('counts every live run of the journey in a US 30-day period, from the first run of the campaign', () => {
    const a = run('a', false, t0, t0 + 5 * day);
    const b = run('b', false, t0 + 20 * day, t0 + 45 * day);
    const events = [
      ...dropped('a', '1', t0 + day),
      ...talked('a', '2', t0 + day + 60 * s),
      ...talked('b', '3', t0 + 21 * day),
      ...talked('b', '4', t0 + 35 * day),
      ...dropped('b', '5', t0 + 36 * day),
    ];
    const campaign = [a, b].map((m) => ({ run: m, steps: [{ id: 'call', mode: 'predictive' as const }] }));
    const report = buildComplianceReport(input({ run: b, events, campaign }));
    expect(report.summary).toMatchObject({ callsPlaced: 3, liveAnswers: 3, abandoned: { total: 1 } });
    // Periods from run a's start: [t0, t0+30d) holds a's two calls and b's first; [t0+30d, t0+60d) b's last two.
    expect(report.periods.map((p) => [p.from, p.runs, p.callsPlaced, p.liveAnswers, p.abandoned])).toEqual([
      [new Date(t0).toISOString(), ['a', 'b'], 3, 3, 1],
      [new Date(t0 + 30 * day).toISOString(), ['b'], 2, 2, 1],
    ]);
    expect(report.abandonedCalls.map((c) => c.contactId)).toEqual(['5']);
  });
});

/** A journey of one predictive step behind a calling gate; detection on, hanging up on machines. */
function journey() {
  return {
    schemaVersion: 1,
    id: 'dial',
    name: 'Predictive calls',
    settings: { timezone: 'America/New_York', compliance: 'US' },
    nodes: {
      start: { type: 'start', position: { x: 0, y: 0 }, config: { audience: { list: 'people' } }, next: { out: 'gate' } },
      gate: {
        type: 'compliance-gate',
        position: { x: 100, y: 0 },
        config: { channel: 'voice', checks: ['hours', 'dnc'] },
        next: { allowed: 'call', blocked: 'done' },
      },
      call: {
        type: 'dialer',
        position: { x: 200, y: 0 },
        // Every machine verdict hung up on, so that the detector's hang-ups on people are there to count.
        config: {
          mode: 'predictive',
          queue: 'team',
          script: 'Hello {{ contact.firstName }}',
          callerId: '+12025550199',
          ringSeconds: 20,
          amd: { enabled: true, onMachine: 'hangup', toFreeAgent: false },
        },
        next: { connected: 'done', machine: 'done', 'no-answer': 'done', abandoned: 'done', failed: 'done' },
      },
      done: { type: 'end', position: { x: 400, y: 0 }, config: { outcome: 'done' } },
    },
  };
}

function contacts(n: number): string {
  const lines = ['external_id,first_name,phone,timezone,consent_voice'];
  for (let i = 0; i < n; i++) lines.push(`P${i},Pat${i},+1202555${String(1000 + i).padStart(4, '0')},America/New_York,yes`);
  return lines.join('\n');
}

interface Rebuilt {
  placed: number;
  answered: number;
  live: number;
  abandoned: number;
  dropped: number;
  late: number;
  people_hung_up: number;
  with_message: number;
  unanswered: number;
  short_rings: number;
  shortest_ring: number | null;
}

/**
 * The figures rebuilt from the events table alone, in SQL of its own: one row per call (each contact is called once
 * by this journey), then sums. A call is a live answer when a person answered, whatever the detector said; it is
 * abandoned when that person was dropped, hung up on, or reached an agent more than 2 s after the greeting's end.
 */
async function rebuild(store: Store, runId: string): Promise<{ totals: Rebuilt; abandonedContacts: string[] }> {
  const perCall = sql`
    select contact_id,
      max(case when type = 'call.answered' then time end) as answered_at,
      max(case when type = 'call.customerGreetingStop' then time end) as stop_at,
      max(case when type = 'call.connectedToAgent' then time end) as connected_at,
      max(case when type = 'call.ringing' then time end) as ringing_at,
      max(case when type = 'call.ended' then time end) as ended_at,
      max(case when type = 'call.amd' and data like '%"verdict":"machine"%' then 1 else 0 end) as machine_verdict,
      max(case when type = 'call.abandoned' and data like '%"reason":"amd-false-positive"%' then 1 else 0 end) as person_hung_up,
      max(case when type = 'call.abandoned' and data like '%"reason":"no-agent"%' then 1 else 0 end) as dropped,
      max(case when type = 'call.abandoned' and data like '%"message":"%' then 1 else 0 end) as with_message,
      max(case when type = 'call.ended' and data like '%"port":"machine"%' then 1 else 0 end) as machine_port,
      max(case when type = 'call.ended' and data like '%"port":"no-answer"%' and data like '%"disposition":"no-answer"%' then 1 else 0 end) as unanswered,
      sum(case when type = 'call.placed' then 1 else 0 end) as placed
    from events where run_id = ${runId} and type like 'call.%'
    group by contact_id`;
  const classified = sql`
    select c.*,
      case when answered_at is not null and ((machine_verdict = 0 and not (connected_at is not null and machine_port = 1)) or person_hung_up = 1) then 1 else 0 end as live,
      case when connected_at is not null and machine_port = 0 and stop_at is not null and connected_at > stop_at + 2000 then 1 else 0 end as late
    from (${perCall}) c`;
  const totals = await sql<Record<keyof Rebuilt, number | string | null>>`
    select sum(placed) as placed,
      sum(case when answered_at is not null then 1 else 0 end) as answered,
      sum(live) as live,
      sum(case when live = 1 and (connected_at is null or late = 1) then 1 else 0 end) as abandoned,
      sum(dropped) as dropped,
      sum(late) as late,
      sum(person_hung_up) as people_hung_up,
      sum(with_message) as with_message,
      sum(unanswered) as unanswered,
      sum(case when unanswered = 1 and ended_at - ringing_at < 15000 then 1 else 0 end) as short_rings,
      min(case when unanswered = 1 then ended_at - ringing_at end) as shortest_ring
    from (${classified}) k`.execute(store.db);
  const abandoned = await sql<{ contact_id: string }>`
    select contact_id from (${classified}) k where live = 1 and (connected_at is null or late = 1) order by contact_id`.execute(store.db);
  const row = totals.rows[0]!;
  const n = (v: number | string | null) => (v === null ? null : Number(v));
  return {
    totals: Object.fromEntries(Object.entries(row).map(([k, v]) => [k, n(v)])) as unknown as Rebuilt,
    abandonedContacts: abandoned.rows.map((r) => r.contact_id),
  };
}

describe.each(testDialects)('the compliance report of a simulated run on %s', (dialect) => {
  const stores: Store[] = [];
  afterEach(async () => {
    for (const store of stores.splice(0)) await store.close();
  });

  it('equals the figures rebuilt from its events by a query of its own, detector hang-ups on people included', async () => {
    const store = await freshStore(dialect);
    stores.push(store);
    const start = Date.parse('2026-01-05T09:00:00-05:00');
    await store.db
      .insertInto('registry_imports')
      .values({ profile: 'US', source: 'dnc-2025-12-20.csv', downloaded_at: start - 16 * day, imported_at: start - 15 * day, entries: 0 })
      .execute();
    const simulated = await simulateJourney({ document: journey(), contactsCsv: contacts(400), seed: 11, store, options: { agents: { team: 4 } } });
    expect(simulated.completed).toBe(true);
    const runId = 'simulation-11';
    // What the runtime records when one of the run's contacts asks not to be called; the report reads it back.
    await store.db
      .insertInto('permission_changes')
      .values({
        scope: runId,
        kind: 'do-not-contact',
        change: 'added',
        channel: 'voice',
        value: '+12025551003',
        reason: 'asked the agent',
        source: 'agent',
        run_id: runId,
        contact_id: null,
        actor: 'agent-1',
        at: start + 3_600_000,
      })
      .execute();

    const report = await loadComplianceReport(store.db, runId, { now: Date.now() });
    const { totals, abandonedContacts } = await rebuild(store, runId);

    expect(totals.people_hung_up).toBeGreaterThan(0);
    expect(report.summary).toMatchObject({
      callsPlaced: totals.placed,
      answered: totals.answered,
      liveAnswers: totals.live,
      abandoned: {
        total: totals.abandoned,
        noAgent: totals.dropped,
        connectedLate: totals.late,
        detectorHangUpsOnPeople: totals.people_hung_up,
        notConnected: 0,
      },
      detector: { basis: 'recorded', people: totals.people_hung_up },
      informationMessage: { played: totals.with_message },
      unanswered: { count: totals.unanswered, underMinimum: totals.short_rings, shortestRingSeconds: totals.shortest_ring! / 1000 },
    });
    // The abandoned count holds the people the detector hung up on, on top of the ones dropped for want of an agent.
    expect(report.summary.abandoned.total).toBe(totals.dropped! + totals.late! + totals.people_hung_up!);
    expect(report.summary.unanswered.underMinimum).toBe(0);
    expect(report.abandonedCalls.map((a) => a.contactId).sort()).toEqual(abandonedContacts);
    expect(report.periods).toHaveLength(1);
    expect(report.periods[0]).toMatchObject({
      runs: [runId],
      callsPlaced: totals.placed,
      liveAnswers: totals.live,
      abandoned: totals.abandoned,
      detectorHangUpsOnPeople: totals.people_hung_up,
    });
    expect(report.periods[0]!.rate).toBeCloseTo(totals.abandoned! / totals.live!, 12);
    expect(report.registry.atStart).toMatchObject({ source: 'dnc-2025-12-20.csv', ageDays: 16, withinMaxAge: true });
    expect(report.permissionChanges).toEqual([expect.objectContaining({ value: '+12025551003', source: 'agent', scope: 'run' })]);
  }, 240_000);
});

describe.each(testDialects)('the compliance report of a live run on %s', (dialect) => {
  const stores: Store[] = [];
  afterEach(async () => {
    for (const store of stores.splice(0)) await store.close();
  });

  it('counts the journey’s other live runs in its periods, not its simulated ones, and estimates people among machine verdicts', async () => {
    const store = await freshStore(dialect);
    stores.push(store);
    await publishJourney(store.db, journey(), { author: 'test', message: 'first', now: t0 - day });
    const runRow = (id: string, simulated: number, startAt: number) => ({
      id,
      journey_id: 'dial',
      version: 1,
      list_id: 'people',
      status: 'completed' as const,
      simulated,
      seed: 1,
      options: '{}',
      created_at: startAt,
      start_at: startAt,
      ended_at: startAt + 2 * day,
      stop_reason: null,
    });
    await store.db
      .insertInto('runs')
      .values([runRow('live-a', 0, t0), runRow('live-b', 0, t0 + 10 * day), runRow('rehearsal', 1, t0 + 10 * day)])
      .execute();
    const events = [
      ...dropped('live-a', '1', t0 + 60 * s),
      ...talked('live-a', '2', t0 + 120 * s),
      ...talked('live-b', '3', t0 + 10 * day + 60 * s),
      ...machineVerdict('live-b', '4', t0 + 10 * day + 120 * s, true),
      ...dropped('rehearsal', '5', t0 + 10 * day + 60 * s),
    ];
    await store.db
      .insertInto('events')
      .values(
        events.map((e) => ({
          run_id: e.runId,
          contact_id: e.contactId,
          type: e.type,
          time: e.time,
          node_id: e.nodeId,
          port: null,
          data: JSON.stringify(e.data),
        })),
      )
      .execute();

    const report = await loadComplianceReport(store.db, 'live-b', { now: t0 + 20 * day, liveCarrier: defaultCarrierProfile });
    expect(report.campaign.runs.map((r) => r.id)).toEqual(['live-a', 'live-b']);
    expect(report.summary).toMatchObject({ callsPlaced: 2, liveAnswers: 1, abandoned: { total: 0 }, detector: { basis: 'estimate', machineVerdicts: 1 } });
    const share = report.summary.detector.people!;
    expect(share).toBeGreaterThan(0);
    expect(share).toBeLessThan(1);
    expect(report.periods).toHaveLength(1);
    // live-a's dropped call and live-b's calls share the period; the rehearsal's drop is not the campaign's.
    expect(report.periods[0]).toMatchObject({ runs: ['live-a', 'live-b'], callsPlaced: 4, liveAnswers: 3, abandoned: 1, detectorBasis: 'estimate' });
    expect(report.periods[0]!.rate).toBeCloseTo((1 + share) / (3 + share), 12);

    const unknown = await loadComplianceReport(store.db, 'live-b', { now: t0 + 20 * day });
    expect(unknown.summary.detector).toMatchObject({ basis: 'unknown', people: null });
    const rehearsal = await loadComplianceReport(store.db, 'rehearsal', { now: t0 + 20 * day, liveCarrier: defaultCarrierProfile });
    expect(rehearsal.campaign.runs.map((r) => r.id)).toEqual(['rehearsal']);
    expect(rehearsal.periods[0]).toMatchObject({ runs: ['rehearsal'], callsPlaced: 1, abandoned: 1, detectorBasis: 'recorded' });
  });

  it('reports on a version published before a check that it would now fail, as its runs still play it', async () => {
    const store = await freshStore(dialect);
    stores.push(store);
    // Published when a call step could be reached without a gate of its channel; publishing refuses that today, so the
    // version's content is put back as an older server would have left it.
    const old = journey();
    old.nodes.start.next = { out: 'call' };
    const { gate: _gate, ...nodes } = old.nodes;
    await publishJourney(store.db, journey(), { author: 'test', message: 'first', now: t0 - day });
    await store.db
      .updateTable('journey_versions')
      .set({ content: JSON.stringify({ ...old, nodes }) })
      .where('journey_id', '=', 'dial')
      .where('version', '=', 1)
      .execute();
    await store.db
      .insertInto('runs')
      .values({
        id: 'old-run',
        journey_id: 'dial',
        version: 1,
        list_id: 'people',
        status: 'completed',
        simulated: 0,
        seed: 1,
        options: '{}',
        created_at: t0,
        start_at: t0,
        ended_at: t0 + day,
        stop_reason: null,
      })
      .execute();
    const report = await loadComplianceReport(store.db, 'old-run', { now: t0 + 2 * day, liveCarrier: defaultCarrierProfile });
    expect(report.campaign.runs.map((r) => r.id)).toEqual(['old-run']);
    expect(report.summary).toMatchObject({ callsPlaced: 0, liveAnswers: 0 });
  });
});
