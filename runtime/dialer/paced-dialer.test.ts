import { afterEach, describe, expect, it } from 'vitest';
import { simulateJourney } from '../simulation.ts';
import type { Store } from '../store/dialect.ts';
import { freshStore, testDialects } from '../store/test-stores.ts';
import { abandonmentDefinitions } from './abandonment.ts';
import { dialerMetrics } from '../test-support/dialer-metrics.ts';

type Mode = 'predictive' | 'progressive' | 'preview';

function journey(mode: Mode, timezone = 'America/New_York') {
  return {
    schemaVersion: 1,
    // One id for every mode: the same contact ids, hence the same call fates (the carrier draws from the call's key).
    id: 'dial',
    name: `Dialer ${mode}`,
    settings: { timezone, compliance: 'US' },
    nodes: {
      start: { type: 'start', position: { x: 0, y: 0 }, config: { audience: { list: 'people' } }, next: { out: 'gate' } },
      // Only do-not-contact lists: the test is about the call, not about allowed hours or consent.
      gate: {
        type: 'compliance-gate',
        position: { x: 100, y: 100 },
        config: { channel: 'voice', checks: ['dnc'] },
        next: { allowed: 'call', blocked: 'done' },
      },
      call: {
        type: 'dialer',
        position: { x: 200, y: 0 },
        config: { mode, queue: 'team', script: 'Hello {{ contact.firstName }}', callerId: '+12025550199', ringSeconds: 25 },
        next: { connected: 'after', machine: 'done', 'no-answer': 'done', abandoned: 'done', failed: 'done' },
      },
      after: {
        type: 'branch',
        position: { x: 400, y: 0 },
        config: { rules: [{ port: 'sold', conditions: [{ field: 'lastCall.disposition', op: 'equals', value: 'sale' }] }] },
        next: { sold: 'won', else: 'done' },
      },
      won: { type: 'end', position: { x: 600, y: 0 }, config: { outcome: 'won' } },
      done: { type: 'end', position: { x: 600, y: 200 }, config: { outcome: 'done' } },
    },
  };
}

function contacts(n: number, timezone = 'America/New_York'): string {
  const lines = ['external_id,first_name,phone,timezone,consent_voice'];
  for (let i = 0; i < n; i++) lines.push(`P${i},Pat${i},+1202555${String(1000 + i).padStart(4, '0')},${timezone},yes`);
  return lines.join('\n');
}

interface Ev {
  contact_id: string | null;
  type: string;
  time: number;
  data: Record<string, unknown>;
}

async function callEvents(store: Store, runId: string): Promise<Ev[]> {
  const rows = await store.db
    .selectFrom('events')
    .select(['contact_id', 'type', 'time', 'data'])
    .where('run_id', '=', runId)
    .orderBy('time')
    .orderBy('seq')
    .execute();
  return rows.map((r) => ({ contact_id: r.contact_id, type: r.type, time: Number(r.time), data: JSON.parse(r.data) as Record<string, unknown> }));
}

describe.each(testDialects)('the runtime dialer on %s', (dialect) => {
  const stores: Store[] = [];
  const fresh = async () => {
    const store = await freshStore(dialect);
    stores.push(store);
    return store;
  };
  afterEach(async () => {
    for (const s of stores.splice(0)) await s.close();
  });

  it('paces a predictive step ahead of its agents, drops unserved answers at the legal deadline, and its ledger agrees with the events', async () => {
    const store = await fresh();
    const report = await simulateJourney({ document: journey('predictive'), contactsCsv: contacts(600), seed: 3, store, options: { agents: { team: 6 } } });
    expect(report.completed).toBe(true);
    const runId = 'simulation-3';
    const events = await callEvents(store, runId);
    const byContact = new Map<string, Ev[]>();
    for (const e of events) if (e.type.startsWith('call.')) byContact.set(e.contact_id!, [...(byContact.get(e.contact_id!) ?? []), e]);
    expect(byContact.size).toBe(600);
    const us = abandonmentDefinitions.US;
    for (const [id, list] of byContact) {
      const types = list.map((e) => e.type);
      expect([id, types[0]]).toEqual([id, 'call.placed']);
      expect(types.filter((t) => t === 'call.ended')).toHaveLength(1);
      const dropped = list.find((e) => e.type === 'call.abandoned' && e.data.reason === 'no-agent');
      if (dropped) {
        // Dropped exactly at the US deadline, after the information message naming the caller id is played.
        const stop = list.find((e) => e.type === 'call.customerGreetingStop')!;
        expect(dropped.time).toBe(stop.time + us.limitMs);
        expect(String(dropped.data.message)).toContain('+12025550199');
        expect(list.find((e) => e.type === 'call.ended')!.data.port).toBe('abandoned');
        expect(types).not.toContain('call.connectedToAgent');
      }
    }
    // No agent ever holds two calls at once, counting wrap-up.
    const busy = new Map<string, [number, number][]>();
    for (const list of byContact.values()) {
      const connected = list.find((e) => e.type === 'call.connectedToAgent');
      if (!connected) continue;
      const end = list.find((e) => e.type === 'call.dispositioned') ?? list.find((e) => e.type === 'call.ended')!;
      const agent = String(connected.data.agentId);
      busy.set(agent, [...(busy.get(agent) ?? []), [connected.time, end.time]]);
    }
    expect(busy.size).toBe(6);
    for (const spans of busy.values()) {
      spans.sort((a, b) => a[0] - b[0]);
      for (let i = 1; i < spans.length; i++) expect(spans[i]![0]).toBeGreaterThanOrEqual(spans[i - 1]![1]);
    }
    // The gauges kept by the dialer match what the events say, and the campaign stayed under the cap.
    const row = await store.db.selectFrom('dialer_state').select('state').where('run_id', '=', runId).where('node_id', '=', 'call').executeTakeFirstOrThrow();
    const gauges = JSON.parse(row.state) as { abandon: { liveAnswers: number; abandoned: number; rate: number }; mode: string };
    const metrics = await dialerMetrics(store.db, runId, 'call', { costPerMinute: 0.01 });
    expect(gauges.mode).toBe('predictive');
    expect(gauges.abandon.liveAnswers).toBe(metrics.liveAnswers);
    expect(gauges.abandon.abandoned).toBe(metrics.abandoned.us);
    expect(metrics.abandonRate).toBeLessThan(0.03);
    // More calls were out than agents at some moment: the step dialed ahead.
    let out = 0;
    let most = 0;
    for (const e of events) {
      if (e.type === 'call.placed') most = Math.max(most, ++out);
      if (e.type === 'call.ended') out--;
    }
    expect(most).toBeGreaterThan(6);
    // Dispositions drawn by the simulated agents are branched on.
    expect(report.outcomes.won).toBeGreaterThan(0);
    expect(report.outcomes.won).toBe(events.filter((e) => e.type === 'call.ended' && e.data.disposition === 'sale').length);
  }, 240_000);

  it('gives agents more talk time per hour predictively than progressively over the same contacts', async () => {
    const talk: Record<string, number> = {};
    for (const mode of ['progressive', 'predictive'] as const) {
      const store = await fresh();
      await simulateJourney({ document: journey(mode), contactsCsv: contacts(500), seed: 4, store, options: { agents: { team: 5 } } });
      talk[mode] = (await dialerMetrics(store.db, 'simulation-4', 'call', { costPerMinute: 0 })).talkMinutesPerAgentHour;
    }
    // Five agents and some 90 live answers leave little room; the gain grows with the team (see docs/dialer.md). The
    // default carrier's detector takes 5 % of people for machines, which the US rules count as abandoned: the policy
    // must leave agents free to hear suspected machines, and gains little here over progressive (about 2 %).
    expect(talk.predictive!).toBeGreaterThan(talk.progressive!);
  }, 240_000);

  it('gives a suspected machine to the agent held for it, who talks to the person the detector got wrong', async () => {
    const run = async (toFreeAgent: boolean, seed: number) => {
      const store = await fresh();
      const document = journey('progressive');
      document.nodes.call.config = {
        ...document.nodes.call.config,
        amd: { enabled: true, onMachine: 'hangup', toFreeAgent },
      } as typeof document.nodes.call.config;
      await simulateJourney({ document, contactsCsv: contacts(300), seed, store, options: { agents: { team: 3 } } });
      const events = await callEvents(store, `simulation-${seed}`);
      const machineVerdicts = new Set(events.filter((e) => e.type === 'call.amd' && e.data.verdict === 'machine').map((e) => e.contact_id));
      const heard = events.filter((e) => e.type === 'call.connectedToAgent' && machineVerdicts.has(e.contact_id));
      const talkedTo = events.filter((e) => e.type === 'call.ended' && machineVerdicts.has(e.contact_id) && e.data.port === 'connected');
      const hungUpOnPeople = events.filter((e) => e.type === 'call.abandoned' && e.data.reason === 'amd-false-positive');
      const metrics = await dialerMetrics(store.db, `simulation-${seed}`, 'call', { costPerMinute: 0 });
      return { machineVerdicts: machineVerdicts.size, heard: heard.length, talkedTo: talkedTo.length, hungUpOnPeople: hungUpOnPeople.length, metrics };
    };
    // The same contacts and fates both times (same seed): only the handling of machine verdicts differs.
    const toAgent = await run(true, 21);
    const hangUp = await run(false, 21);
    expect(toAgent.machineVerdicts).toBeGreaterThan(0);
    expect(toAgent.machineVerdicts).toBe(hangUp.machineVerdicts);
    // Progressive holds an agent for every call: every suspected machine is heard, and nobody is hung up on by it.
    expect(toAgent.heard).toBe(toAgent.machineVerdicts);
    expect(toAgent.hungUpOnPeople).toBe(0);
    expect(toAgent.metrics.abandoned.amdHangUps).toBe(0);
    // Hanging up instead: the people among them are abandoned calls, counted in the US figure.
    expect(hangUp.heard).toBe(0);
    expect(hangUp.hungUpOnPeople).toBeGreaterThan(0);
    expect(toAgent.talkedTo).toBe(hangUp.hungUpOnPeople);
    expect(hangUp.metrics.abandoned.amdHangUps).toBe(hangUp.hungUpOnPeople);
    expect(hangUp.metrics.abandoned.us).toBeGreaterThanOrEqual(hangUp.hungUpOnPeople);
  }, 240_000);

  it('previews each contact with an agent held, then places the call that agent takes', async () => {
    const store = await fresh();
    const report = await simulateJourney({ document: journey('preview'), contactsCsv: contacts(40), seed: 5, store, options: { agents: { team: 3 } } });
    expect(report.completed).toBe(true);
    const events = await callEvents(store, 'simulation-5');
    const placed = events.filter((e) => e.type === 'call.placed');
    expect(placed).toHaveLength(40);
    for (const p of placed) {
      expect(p.data.mode).toBe('preview');
      const connected = events.find((e) => e.type === 'call.connectedToAgent' && e.contact_id === p.contact_id);
      if (connected) expect(connected.data.agentId).toBe(p.data.agentId);
    }
  }, 240_000);

  it('defers a contact outside its calling window at the moment of dialing and dials it when the window opens', async () => {
    const store = await fresh();
    // 09:00 in New York is 06:00 in Los Angeles: nobody there may be called for three hours.
    const report = await simulateJourney({
      document: journey('progressive'),
      contactsCsv: contacts(5, 'America/Los_Angeles'),
      seed: 6,
      store,
      options: { agents: { team: 2 } },
    });
    expect(report.completed).toBe(true);
    const events = await callEvents(store, 'simulation-6');
    const deferred = events.filter((e) => e.type === 'compliance.deferred');
    expect(deferred.length).toBeGreaterThanOrEqual(5);
    const opens = Date.parse('2026-01-05T08:00:00-08:00');
    for (const d of deferred) expect(Date.parse(String(d.data.nextAllowedAt))).toBe(opens);
    const placed = events.filter((e) => e.type === 'call.placed');
    expect(placed).toHaveLength(5);
    for (const p of placed) expect(p.time).toBeGreaterThanOrEqual(opens);
  }, 240_000);
});
