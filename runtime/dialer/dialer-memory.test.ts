import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../store/dialect.ts';
import { freshStore } from '../store/test-stores.ts';
import { loadMemories, saveMemory, type NodeMemory } from './dialer-memory.ts';

const t = 1_700_000_000_000;
const contact = (n: number) => ({ contactId: `c${n}`, visit: 1, key: `run:c${n}:call:1` });
const answered = {
  placedAt: t,
  answeredAt: t + 9000,
  greetingStartAt: t + 9000,
  greetingStopAt: t + 10_200,
  truth: 'human',
  liveAt: t + 11_200,
  deadline: t + 12_200,
};

describe('a dialer step memory', () => {
  let store: Store;
  beforeEach(async () => {
    store = await freshStore('sqlite');
  });
  afterEach(() => store.close());

  it('reads the calls a run saved before calls had their carrier phases, so that the run resumes where it was', async () => {
    // As the previous version wrote it: a placed call that needs no agent ('ringing' with settleAt), one that will be
    // a live answer ('ringing' with liveAt), a live answer waiting for an agent, and a preview.
    const old = {
      calls: [
        { ...contact(1), phase: 'ringing', agentId: 'ann', placedAt: t, settleAt: t + 12_000, answeredAt: t + 9000 },
        { ...contact(2), phase: 'ringing', placedAt: t, settleAt: t + 27_000 },
        { ...contact(3), phase: 'ringing', ...answered },
        { ...contact(4), phase: 'waiting', ...answered },
        { ...contact(5), phase: 'preview', agentId: 'bob', previewUntil: t + 15_000 },
      ],
      pacedAt: t + 11_000,
    };
    await store.db
      .insertInto('dialer_state')
      .values({ run_id: 'r', node_id: 'call', state: '{}', memory: JSON.stringify(old) })
      .execute();
    const memory = (await loadMemories(store.db, 'r')).get('call');
    expect(memory).toEqual({
      calls: [
        { ...contact(1), phase: 'ended', agentId: 'ann', placedAt: t, releaseAt: t + 12_000, answeredAt: t + 9000 },
        { ...contact(2), phase: 'ended', placedAt: t, releaseAt: t + 27_000 },
        { ...contact(3), phase: 'answered', ...answered },
        { ...contact(4), phase: 'answered', ...answered, queuedAt: t + 11_200 },
        { ...contact(5), phase: 'preview', agentId: 'bob', previewUntil: t + 15_000 },
      ],
      pacedAt: t + 11_000,
    });
  });

  it("saves and reads back every phase and the carrier's progress still to be heard", async () => {
    const memory: NodeMemory = {
      calls: [
        { ...contact(1), phase: 'ringing', placedAt: t },
        { ...contact(2), phase: 'detecting', placedAt: t, answeredAt: t + 9000, greetingStartAt: t + 9000, greetingStopAt: t + 18_000, truth: 'machine' },
        { ...contact(3), phase: 'answered', ...answered, truth: 'human', queuedAt: t + 11_500 },
        { ...contact(4), phase: 'ended', placedAt: t, releaseAt: t + 3000 },
      ],
      progress: { [contact(1).key]: [{ type: 'ended', at: t + 25_000, reason: 'no-answer' }] },
      pacedAt: t,
    };
    await saveMemory(store.db, 'r', 'call', memory, {});
    expect((await loadMemories(store.db, 'r')).get('call')).toEqual(memory);
  });
});
