import { describe, expect, it } from 'vitest';
import { momentOfAmd, momentsOfStatus, verdictOf } from './twilio-voice.ts';

const form = (fields: Record<string, string>) => new Map(Object.entries(fields));
const now = 1_800_000_000_000;

describe("Twilio's call reports as call progress", () => {
  it('maps every AnsweredBy value to a verdict, a person when the detector could not tell', () => {
    expect(['human', 'unknown'].map(verdictOf)).toEqual(['human', 'human']);
    expect(['machine_start', 'machine_end_beep', 'machine_end_silence', 'machine_end_other', 'fax'].map(verdictOf)).toEqual(Array(5).fill('machine'));
    expect(verdictOf('robot')).toBeUndefined();
    expect(momentOfAmd(form({ AnsweredBy: 'machine_end_beep', MachineDetectionDuration: '3400' }), now)).toEqual({
      type: 'amd',
      at: now,
      verdict: 'machine',
      decisionMs: 3400,
      greetingEndsAt: now,
    });
    expect(momentOfAmd(form({ AnsweredBy: 'nonsense' }), now)).toBeUndefined();
  });

  it('maps call statuses and failure codes to the exits of a call step', () => {
    expect(momentsOfStatus(form({ CallStatus: 'ringing' }), now, false).moments).toEqual([{ type: 'ringing', at: now }]);
    expect(momentsOfStatus(form({ CallStatus: 'in-progress' }), now, false).moments).toEqual([{ type: 'answered', at: now, by: 'human' }]);
    expect(momentsOfStatus(form({ CallStatus: 'busy' }), now, false).moments).toEqual([{ type: 'ended', at: now, reason: 'busy' }]);
    expect(momentsOfStatus(form({ CallStatus: 'no-answer', CallDuration: '0' }), now, false)).toEqual({
      moments: [{ type: 'ended', at: now, reason: 'no-answer' }],
      durationSeconds: 0,
    });
    expect(momentsOfStatus(form({ CallStatus: 'failed', ErrorCode: '21211' }), now, false).moments).toEqual([
      { type: 'ended', at: now, reason: 'invalid', code: '21211' },
    ]);
    expect(momentsOfStatus(form({ CallStatus: 'failed', SipResponseCode: '404' }), now, false).moments[0]).toMatchObject({
      reason: 'invalid',
      code: 'SIP 404',
    });
    expect(momentsOfStatus(form({ CallStatus: 'failed', SipResponseCode: '503' }), now, false).moments[0]).toMatchObject({ reason: 'failed', code: 'SIP 503' });
    expect(momentsOfStatus(form({ CallStatus: 'queued' }), now, false).moments).toEqual([]);
  });

  it('takes a completed call whose answer was never reported as answered for its duration, then hung up', () => {
    expect(momentsOfStatus(form({ CallStatus: 'completed', CallDuration: '42' }), now, false)).toEqual({
      moments: [
        { type: 'answered', at: now - 42_000, by: 'human' },
        { type: 'hangup', at: now },
      ],
      durationSeconds: 42,
    });
    expect(momentsOfStatus(form({ CallStatus: 'completed', CallDuration: '42' }), now, true).moments).toEqual([{ type: 'hangup', at: now }]);
  });
});
