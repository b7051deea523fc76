import { describe, expect, it } from 'vitest';
import { beginGesture, canRedo, canUndo, coalesceMs, emptyHistory, endGesture, historyLimit, mark, record, redo, undo, type History } from './history.ts';

/** Versions are plain strings here; the history never looks inside them. */
function edits(history: History<string>, from: string, steps: { to: string; key?: string; at: number }[]): { doc: string; history: History<string> } {
  let doc = from;
  for (const step of steps) {
    history = record(history, doc, { ...(step.key !== undefined && { coalesce: step.key }), now: step.at });
    doc = step.to;
  }
  return { doc, history };
}

describe('history', () => {
  it('makes one entry per edit, undone and redone in order', () => {
    const { doc, history } = edits(emptyHistory(), 'a', [
      { to: 'b', at: 0 },
      { to: 'c', at: 1 },
    ]);
    expect(history.past).toEqual(['a', 'b']);
    const back = undo(history, doc)!;
    expect(back.doc).toBe('b');
    const again = undo(back.history, back.doc)!;
    expect(again.doc).toBe('a');
    expect(canUndo(again.history)).toBe(false);
    expect(undo(again.history, again.doc)).toBeUndefined();
    const forward = redo(again.history, again.doc)!;
    expect(forward.doc).toBe('b');
    expect(redo(forward.history, forward.doc)!.doc).toBe('c');
  });

  it('drops what was undone when a new edit is made', () => {
    const { doc, history } = edits(emptyHistory(), 'a', [{ to: 'b', at: 0 }]);
    const back = undo(history, doc)!;
    expect(canRedo(back.history)).toBe(true);
    const after = record(back.history, back.doc, { now: 5 });
    expect(canRedo(after)).toBe(false);
    expect(after.past).toEqual(['a']);
  });

  it('makes typing in one field one entry', () => {
    const { doc, history } = edits(emptyHistory(), '', [
      { to: 'H', key: 'body', at: 0 },
      { to: 'Hi', key: 'body', at: 200 },
      { to: 'Hi!', key: 'body', at: 400 },
    ]);
    expect(history.past).toEqual(['']);
    expect(undo(history, doc)!.doc).toBe('');
  });

  it('starts a new entry for another field, after a pause, or after a mark', () => {
    const field = edits(emptyHistory(), 'a', [
      { to: 'b', key: 'body', at: 0 },
      { to: 'c', key: 'from', at: 10 },
    ]);
    expect(field.history.past).toEqual(['a', 'b']);
    const pause = edits(emptyHistory(), 'a', [
      { to: 'b', key: 'body', at: 0 },
      { to: 'c', key: 'body', at: coalesceMs },
    ]);
    expect(pause.history.past).toEqual(['a', 'b']);
    const marked = edits(emptyHistory(), 'a', [{ to: 'b', key: 'body', at: 0 }]);
    const next = record(mark(marked.history), marked.doc, { coalesce: 'body', now: 10 });
    expect(next.past).toEqual(['a', 'b']);
  });

  it('marks after undo and redo, so that typing again makes a new entry', () => {
    const { doc, history } = edits(emptyHistory(), 'a', [
      { to: 'b', key: 'body', at: 0 },
      { to: 'c', key: 'other', at: 10 },
    ]);
    const back = undo(history, doc)!;
    expect(back.history.lastEdit).toBeUndefined();
    const typed = record(back.history, back.doc, { coalesce: 'body', now: 20 });
    expect(typed.past).toEqual(['a', 'b']);
  });

  it('makes a drag one entry when it ends, and none when it moved nothing', () => {
    let history = beginGesture(emptyHistory<string>(), 'start');
    // Documents shown during the drag are not recorded; a second begin keeps the first base.
    history = beginGesture(history, 'moving-1');
    history = endGesture(history, 'moving-3');
    expect(history.past).toEqual(['start']);
    expect(history.gestureBase).toBeUndefined();
    expect(undo(history, 'moving-3')!.doc).toBe('start');

    const still = endGesture(beginGesture(emptyHistory<string>(), 'x'), 'x');
    expect(still).toEqual({ past: [], future: [] });
    expect(endGesture(emptyHistory<string>(), 'y')).toEqual(emptyHistory());
  });

  it('ends typing in a field when a drag ends', () => {
    const typed = edits(emptyHistory(), 'a', [{ to: 'b', key: 'body', at: 0 }]);
    const dragged = endGesture(beginGesture(typed.history, 'b'), 'c');
    expect(dragged.lastEdit).toBeUndefined();
  });

  it(`keeps the last ${historyLimit} versions`, () => {
    let history = emptyHistory<number>();
    for (let i = 0; i < historyLimit + 10; i++) history = record(history, i, { now: i });
    expect(history.past).toHaveLength(historyLimit);
    expect(history.past[0]).toBe(10);
  });
});
