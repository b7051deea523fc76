// A call's moments from facts heard in any order and any number of times; Q.850 causes read as exits; resource ids.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type AsteriskCallProgress, CallMoments, exitOf } from './call-moments.ts';
import { resourceId, resourceOf } from './ids.ts';

describe('CallMoments', () => {
  let sent: AsteriskCallProgress[];
  let moments: CallMoments;
  beforeEach(() => {
    vi.useFakeTimers();
    sent = [];
    moments = new CallMoments((m) => sent.push(m), { reorderMs: 100 });
    moments.follow('k');
  });
  afterEach(() => vi.useRealTimers());

  it('puts facts heard within the window in the order a call lives them, each once', () => {
    moments.ended('k', 5000, 16, 'Normal Clearing');
    moments.inApplication('k', 3000, ['MACHINE', 'MAXWORDS-3-2']);
    moments.answered('k', 1000);
    moments.answered('k', 1200);
    moments.ringing('k', 500);
    moments.inApplication('k', 3000, ['MACHINE', 'MAXWORDS-3-2']);
    expect(sent).toEqual([]);
    vi.advanceTimersByTime(100);
    expect(sent).toEqual([
      { key: 'k', type: 'ringing', at: 500 },
      { key: 'k', type: 'answered', at: 1000 },
      { key: 'k', type: 'greeting', at: 1000, endsAt: 3000 },
      { key: 'k', type: 'amd', at: 3000, verdict: 'machine', decisionMs: 2000, status: 'MACHINE', cause: 'MAXWORDS-3-2' },
      { key: 'k', type: 'ended', at: 5000, exit: 'hung-up', cause: 16, causeText: 'Normal Clearing' },
    ]);
    moments.ringing('k', 500);
    moments.ended('k', 5000, 16, 'Normal Clearing');
    vi.advanceTimersByTime(1000);
    expect(sent).toHaveLength(5);
    expect(moments.keys()).toEqual([]);
  });

  it("ends a person's greeting where the silence the detector waited for began, and without detection at the answer", () => {
    moments.follow('person');
    moments.answered('person', 1000);
    moments.inApplication('person', 3000, ['HUMAN', 'HUMAN-800-800']);
    moments.follow('unheard');
    moments.answered('unheard', 1000);
    moments.inApplication('unheard', 1010, ['NOAMD']);
    vi.advanceTimersByTime(100);
    expect(sent.filter((m) => m.type === 'greeting')).toEqual([
      { key: 'person', type: 'greeting', at: 1000, endsAt: 2200 },
      { key: 'unheard', type: 'greeting', at: 1000, endsAt: 1000 },
    ]);
  });

  it('drops a fact that comes after a later moment went out, and infers the answer of a call in the application', () => {
    moments.inApplication('k', 3000, ['NOAMD']);
    vi.advanceTimersByTime(100);
    moments.answered('k', 2900);
    moments.ringing('k', 100);
    vi.advanceTimersByTime(100);
    expect(sent).toEqual([
      { key: 'k', type: 'answered', at: 3000 },
      { key: 'k', type: 'greeting', at: 3000, endsAt: 3000 },
    ]);
  });

  it('ignores calls it does not follow and forgets a call that was never placed', () => {
    moments.ringing('other', 1);
    moments.forget('k');
    moments.ringing('k', 1);
    vi.advanceTimersByTime(200);
    expect(sent).toEqual([]);
  });

  it('ends a call with no cause as a hang-up once answered and as no answer before, unless told the exit', () => {
    moments.follow('a');
    moments.follow('b');
    moments.answered('k', 1);
    moments.ended('k', 2, null, 'gone');
    moments.ended('a', 2, null, 'gone');
    moments.ended('b', 2, null, 'The contact has no number', 'invalid');
    vi.advanceTimersByTime(100);
    expect(sent.filter((m) => m.type === 'ended').map((m) => [m.key, m.type === 'ended' && m.exit])).toEqual([
      ['k', 'hung-up'],
      ['a', 'no-answer'],
      ['b', 'invalid'],
    ]);
  });
});

describe('exitOf', () => {
  it('reads Q.850 causes before the answer, and any end after it as a hang-up', () => {
    const before = Object.fromEntries([1, 16, 17, 18, 19, 21, 28, 34, 38, 127].map((cause) => [cause, exitOf(cause, false)]));
    expect(before).toEqual({
      1: 'invalid',
      16: 'no-answer',
      17: 'busy',
      18: 'no-answer',
      19: 'no-answer',
      21: 'refused',
      28: 'invalid',
      34: 'refused',
      38: 'refused',
      127: 'refused',
    });
    expect(exitOf(16, true)).toBe('hung-up');
    expect(exitOf(34, true)).toBe('hung-up');
  });
});

describe('resource ids', () => {
  it('name a call, its agent leg, bridge and message after its key, and read back to it', () => {
    const key = 'run-1:c_1:call:1';
    expect(resourceId('call', key)).toBe('call-run-1.3Ac_1.3Acall.3A1');
    for (const kind of ['call', 'agent', 'bridge', 'message'] as const) expect(resourceOf(resourceId(kind, key))).toEqual({ kind, key });
    expect(resourceOf(resourceId('call', 'é.x/y'))).toEqual({ kind: 'call', key: 'é.x/y' });
    expect(resourceOf('1589956827.6285')).toBeUndefined();
    expect(() => resourceId('call', '')).toThrow('empty');
    expect(() => resourceId('call', 'x'.repeat(200))).toThrow('Asterisk keeps 150');
  });
});
