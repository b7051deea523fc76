import { describe, expect, it } from 'vitest';
import type { AuditEntryView } from '../../../server/api-types.ts';
import { historyWords } from './run-history.ts';

const at = '2026-03-16T14:00:00.000Z';
const entry = (action: AuditEntryView['action'], details: Record<string, unknown> = {}): AuditEntryView => ({
  id: 1,
  at,
  actor: { id: 't1', name: 'Alice', role: 'operator' },
  action,
  target: 'r1',
  journeyId: 'j1',
  runId: 'r1',
  details,
});

describe('a run’s history in words', () => {
  it('says who did what to the run', () => {
    expect(historyWords(entry('run.started', { startAt: at }))).toBe('Alice started the run');
    expect(historyWords(entry('run.paused'))).toBe('Alice paused the run');
    expect(historyWords(entry('run.resumed'))).toBe('Alice resumed the run');
    expect(historyWords(entry('run.stopped', { reason: 'Wrong list' }))).toBe('Alice stopped the run: Wrong list');
  });

  it('leaves out a reason that only repeats who stopped it', () => {
    expect(historyWords(entry('run.stopped', { reason: 'Stopped by Alice' }))).toBe('Alice stopped the run');
  });

  it('says when a run started for later begins', () => {
    const later = '2026-03-17T16:00:00.000Z';
    expect(historyWords(entry('run.started', { startAt: later }))).toBe(`Alice started the run, to begin ${new Date(later).toLocaleString()}`);
  });
});
