import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../runtime/clock.ts';
import { startRun } from '../../runtime/engine/runs.ts';
import { encodeLinkToken, type LinkToken } from '../../runtime/nodes/links.ts';
import type { Store } from '../../runtime/store/dialect.ts';
import { ensureContactList, publishJourney } from '../../runtime/store/repositories/journeys.ts';
import { serverSecret, trackingSecretName } from '../../runtime/store/repositories/server-secrets.ts';
import { freshStore, testDialects } from '../../runtime/store/test-stores.ts';
import { createApp } from '../app.ts';
import { Runner } from '../runner.ts';

const t0 = Date.parse('2026-01-05T15:00:00Z');
const journey = {
  schemaVersion: 1,
  id: 'offer',
  name: 'Offer',
  settings: { timezone: 'America/New_York', compliance: 'US' },
  nodes: {
    start: { type: 'start', position: { x: 0, y: 0 }, config: { audience: { list: 'people' } }, next: { out: 'sms-gate' } },
    // Only do-not-contact lists: the test is about the channel, not about allowed hours or consent.
    'sms-gate': {
      type: 'compliance-gate',
      position: { x: 100, y: 100 },
      config: { channel: 'sms', checks: ['dnc'] },
      next: { allowed: 'text', blocked: 'done' },
    },
    text: {
      type: 'sms',
      position: { x: 200, y: 0 },
      config: { body: 'See {{ links.offer }}', trackLinks: true, links: { offer: 'https://example.com/offer?a=1' } },
      next: { sent: 'email-gate', failed: 'done' },
    },
    'email-gate': {
      type: 'compliance-gate',
      position: { x: 250, y: 100 },
      config: { channel: 'email', checks: ['dnc'] },
      next: { allowed: 'letter', blocked: 'done' },
    },
    letter: {
      type: 'email',
      position: { x: 300, y: 0 },
      config: { subject: 'Your offer', html: '<p>Hello</p>', trackOpens: true },
      next: { sent: 'quiet', failed: 'done' },
    },
    quiet: {
      type: 'email',
      position: { x: 350, y: 0 },
      config: { subject: 'Again', text: 'Hello', trackOpens: false },
      next: { sent: 'done', failed: 'done' },
    },
    done: { type: 'end', position: { x: 400, y: 0 }, config: { outcome: 'completed' } },
  },
};

describe.each(testDialects)('tracked links on %s', (dialect) => {
  let store: Store;
  let runner: Runner;
  let app: ReturnType<typeof createApp>['app'];
  let runId: string;
  const signed = async (token: LinkToken) => encodeLinkToken(token, await serverSecret(store.db, trackingSecretName));

  beforeEach(async () => {
    store = await freshStore(dialect);
    runner = new Runner({ store, clock: new VirtualClock(t0) });
    ({ app } = createApp({ store, runner }));
    await ensureContactList(store.db, 'people', 'People', t0);
    await store.db
      .insertInto('contacts')
      .values({
        id: 'c1',
        list_id: 'people',
        external_id: null,
        phone: '+12025550100',
        email: null,
        first_name: 'Ann',
        last_name: null,
        timezone: null,
        state: null,
        postal_code: null,
        attributes: '{}',
        consent: '{"sms":true}',
        created_at: t0,
      })
      .execute();
    const published = await publishJourney(store.db, journey, { author: 't', message: 't', now: t0 });
    runId = (await startRun(store, { journeyId: 'offer', version: published.version, listId: 'people', now: t0 })).id;
  });
  afterEach(async () => {
    await runner.stop();
    await store.close();
  });

  it('records the click for the contact and redirects to the address the published step declares', async () => {
    const res = await app.request(`/t/${await signed({ runId, contactId: 'c1', nodeId: 'text', link: 'offer' })}`);
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('https://example.com/offer?a=1');
    const inbox = await store.db.selectFrom('inbox').select(['contact_id', 'type', 'data']).where('run_id', '=', runId).execute();
    expect(inbox.map((r) => [r.contact_id, r.type, JSON.parse(r.data)])).toEqual([['c1', 'link.clicked', { nodeId: 'text', link: 'offer' }]]);
  });

  it('answers 404 and records nothing for a token naming a link the step does not have, or no token of ours', async () => {
    for (const token of [
      await signed({ runId, contactId: 'c1', nodeId: 'text', link: 'elsewhere' }),
      await signed({ runId: 'nope', contactId: 'c1', nodeId: 'text', link: 'offer' }),
      'not-a-token',
    ]) {
      const res = await app.request(`/t/${token}`);
      expect(res.status).toBe(404);
      expect(res.headers.get('location')).toBeNull();
    }
    expect(await store.db.selectFrom('inbox').select('id').execute()).toEqual([]);
  });

  it('records an open when an email step that tracks opens has its pixel loaded, and answers with an image', async () => {
    const res = await app.request(`/o/${await signed({ runId, contactId: 'c1', nodeId: 'letter', link: '' })}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/gif');
    expect(res.headers.get('cache-control')).toContain('no-store');
    expect(
      Buffer.from(await res.arrayBuffer())
        .subarray(0, 6)
        .toString(),
    ).toBe('GIF89a');
    const inbox = await store.db.selectFrom('inbox').select(['contact_id', 'type', 'data']).where('run_id', '=', runId).execute();
    expect(inbox.map((r) => [r.contact_id, r.type, JSON.parse(r.data)])).toEqual([['c1', 'email.opened', { nodeId: 'letter' }]]);
  });

  it('answers 404 and records nothing for a pixel of a step that does not track opens, is not an email, or a link token', async () => {
    for (const token of [
      await signed({ runId, contactId: 'c1', nodeId: 'quiet', link: '' }),
      await signed({ runId, contactId: 'c1', nodeId: 'text', link: '' }),
      await signed({ runId, contactId: 'c1', nodeId: 'letter', link: 'offer' }),
      await signed({ runId: 'nope', contactId: 'c1', nodeId: 'letter', link: '' }),
      'not-a-token',
    ]) {
      expect((await app.request(`/o/${token}`)).status).toBe(404);
    }
    expect(await store.db.selectFrom('inbox').select('id').execute()).toEqual([]);
  });

  it("refuses with 404 a token anyone could compute: the ids in base64 JSON, without the server's signature", async () => {
    const forged = (ids: string[]) => Buffer.from(JSON.stringify(ids)).toString('base64url');
    expect((await app.request(`/t/${forged([runId, 'c1', 'text', 'offer'])}`)).status).toBe(404);
    expect((await app.request(`/o/${forged([runId, 'c1', 'letter', ''])}`)).status).toBe(404);
    expect(await store.db.selectFrom('inbox').select('id').execute()).toEqual([]);
  });

  it('refuses a link name that is a property every object has (constructor, __proto__), recording nothing', async () => {
    for (const link of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      const res = await app.request(`/t/${await signed({ runId, contactId: 'c1', nodeId: 'text', link })}`);
      expect(res.status).toBe(404);
      expect(res.headers.get('location')).toBeNull();
    }
    expect(await store.db.selectFrom('inbox').select('id').execute()).toEqual([]);
  });

  it('refuses a signed token with any byte changed, or one signed with another secret', async () => {
    const good = await signed({ runId, contactId: 'c1', nodeId: 'text', link: 'offer' });
    const bytes = Buffer.from(good, 'base64url');
    for (let i = 0; i < bytes.length; i++) {
      const changed = Buffer.from(bytes);
      changed[i] = changed[i]! ^ 1;
      expect((await app.request(`/t/${changed.toString('base64url')}`)).status).toBe(404);
    }
    const elsewhere = encodeLinkToken({ runId, contactId: 'c1', nodeId: 'text', link: 'offer' }, randomBytes(32));
    expect((await app.request(`/t/${elsewhere}`)).status).toBe(404);
    expect(await store.db.selectFrom('inbox').select('id').execute()).toEqual([]);
    expect((await app.request(`/t/${good}`)).status).toBe(302);
  });

  it('puts a signed, short link in the text a run sends, and that link records the click', async () => {
    await runner.simulate(runId);
    await runner.finished(runId);
    const sent = await store.db.selectFrom('outbox').select('payload').where('run_id', '=', runId).where('channel', '=', 'sms').executeTakeFirstOrThrow();
    const link = (JSON.parse(sent.payload) as { links: Record<string, string> }).links.offer!;
    const token = new URL(link).pathname.slice(3);
    // A run id (a UUID), an imported contact id, a step and a link, signed, in 80 characters: shorter than the
    // unsigned JSON tokens were (116), so a text keeps its room.
    const typical = encodeLinkToken(
      { runId: '123e4567-e89b-12d3-a456-426614174000', contactId: 'c_0123456789abcdef0123', nodeId: 'reminder-text', link: 'pay' },
      randomBytes(32),
    );
    expect(typical.length).toBeLessThanOrEqual(80);
    const res = await app.request(`/t/${token}`);
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('https://example.com/offer?a=1');
  });
});
