// The app on a fresh store for API tests: a token per role, and a request helper that speaks JSON.
import { VirtualClock } from '../runtime/clock.ts';
import { createToken, tokenRoles } from '../runtime/store/repositories/tokens.ts';
import { freshStore } from '../runtime/store/test-stores.ts';
import type { TokenRole } from '../runtime/store/schema.ts';
import { createApp } from './app.ts';
import { Runner } from './runner.ts';

/** A Monday morning in New York: the gates of a simulated run started now let contacts through at once. */
export const testNow = Date.parse('2026-03-16T14:00:00Z');

export interface RequestOptions {
  token?: TokenRole | string | null;
  json?: unknown;
  body?: BodyInit;
  headers?: Record<string, string>;
}

export async function testApp(dialect: 'sqlite' | 'postgres') {
  const store = await freshStore(dialect);
  const errors: unknown[] = [];
  const runner = new Runner({ store, clock: new VirtualClock(testNow), onError: (error) => errors.push(error) });
  const { app } = createApp({ store, runner });
  const tokens = {} as Record<TokenRole, string>;
  for (const role of tokenRoles) tokens[role] = (await createToken(store.db, { name: `${role}-token`, role, now: testNow })).token;

  /** `token` is a role (its token is sent), a literal token, or null for none; the default is admin. */
  async function request(method: string, path: string, options: RequestOptions = {}) {
    const headers: Record<string, string> = { ...options.headers };
    const token = options.token === undefined ? tokens.admin : options.token === null ? undefined : (tokens[options.token as TokenRole] ?? options.token);
    if (token) headers.authorization = `Bearer ${token}`;
    let body = options.body;
    if (options.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.json);
    }
    const response = await app.request(path, { method, headers, ...(body !== undefined && { body }) });
    const text = await response.text();
    let json: any;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: response.status, headers: response.headers, text, json };
  }

  return {
    app,
    store,
    runner,
    tokens,
    request,
    /** Errors the runner met while playing runs: a test that expects none checks this is empty. */
    runnerErrors: errors,
    async close() {
      await runner.stop();
      await store.close();
    },
  };
}

export type TestApp = Awaited<ReturnType<typeof testApp>>;

/** A small valid journey over the list `people`: a gate, an SMS, a wait for a click, two ends. */
export function sampleJourney(id = 'reminder', overrides: Record<string, unknown> = {}) {
  return {
    schemaVersion: 1,
    id,
    name: 'Reminder',
    settings: { timezone: 'America/New_York', compliance: 'US', helpContact: 'call 202-555-0143' },
    nodes: {
      start: { type: 'start', position: { x: 0, y: 0 }, config: { audience: { list: 'people' } }, next: { out: 'gate' } },
      gate: {
        type: 'compliance-gate',
        position: { x: 200, y: 0 },
        config: { channel: 'sms', checks: ['consent'] },
        next: { allowed: 'reminder', blocked: 'blocked' },
      },
      reminder: { type: 'sms', position: { x: 400, y: 0 }, config: { body: 'Hi {{ contact.firstName }}' }, next: { sent: 'click', failed: 'blocked' } },
      click: {
        type: 'wait-for-event',
        position: { x: 600, y: 0 },
        config: { event: 'link.clicked', timeout: 'P1D' },
        next: { event: 'clicked', timeout: 'done' },
      },
      clicked: { type: 'end', position: { x: 800, y: -100 }, config: { outcome: 'clicked' } },
      done: { type: 'end', position: { x: 800, y: 100 }, config: { outcome: 'completed' } },
      blocked: { type: 'end', position: { x: 600, y: 200 }, config: { outcome: 'blocked' } },
    },
    ...overrides,
  };
}

/** Three contacts who consent to texts, one of them with a formula for a first name. */
export const sampleCsv = 'external_id,first_name,phone,consent_sms\nA1,Ann,+12025550101,yes\nA2,=SUM(1+1),+12025550102,yes\nA3,Cy,+12025550103,yes\n';

/** Creates, publishes and uploads the list for `sampleJourney`; returns nothing, fails the test on any error. */
export async function publishSample(t: TestApp, id = 'reminder'): Promise<void> {
  const created = await t.request('POST', '/api/journeys', { json: sampleJourney(id) });
  if (created.status !== 201) throw new Error(`create: ${created.status} ${created.text}`);
  const published = await t.request('POST', `/api/journeys/${id}/versions`, { json: { message: 'first' } });
  if (published.status !== 201) throw new Error(`publish: ${published.status} ${published.text}`);
  const uploaded = await t.request('PUT', '/api/contact-lists/people/csv?region=US', { body: sampleCsv, headers: { 'content-type': 'text/csv' } });
  if (uploaded.status !== 200) throw new Error(`upload: ${uploaded.status} ${uploaded.text}`);
}
