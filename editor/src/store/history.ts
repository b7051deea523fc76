// Undo and redo over versions of a document: every recorded edit is an entry, except that typing in one field
// (edits with the same key in quick succession) makes one entry, and a drag (a gesture) makes one entry when it ends.

export interface History<D> {
  /** Earlier versions, the latest last. */
  past: D[];
  /** Versions undone, the next to redo first. */
  future: D[];
  /** What the last recorded edit was, so that typing in one field makes one entry, not one per key. */
  lastEdit?: { key: string; at: number };
  /** The document before a gesture (a drag) started; the gesture becomes one entry when it ends. */
  gestureBase?: D;
}

/** How many versions undo can go back. */
export const historyLimit = 200;
/** Edits with the same key closer together than this share one entry. */
export const coalesceMs = 1500;

export function emptyHistory<D>(): History<D> {
  return { past: [], future: [] };
}

export interface RecordOptions {
  /** Edits with the same key in quick succession share one entry (typing in a field). */
  coalesce?: string;
  /** The time of the edit, in milliseconds. */
  now: number;
}

/** The history after `current` was replaced by an edit: a new entry, unless the edit goes on typing in the same field. */
export function record<D>(history: History<D>, current: D, { coalesce, now }: RecordOptions): History<D> {
  const merge = coalesce !== undefined && history.lastEdit?.key === coalesce && now - history.lastEdit.at < coalesceMs;
  return {
    ...history,
    past: merge ? history.past : [...history.past, current].slice(-historyLimit),
    future: [],
    lastEdit: coalesce !== undefined ? { key: coalesce, at: now } : undefined,
  };
}

/** Ends the entry being typed into: the next edit makes a new entry whatever its key. */
export function mark<D>(history: History<D>): History<D> {
  return history.lastEdit === undefined ? history : { ...history, lastEdit: undefined };
}

/** Starts a gesture at `current`; the documents shown during it are not recorded. */
export function beginGesture<D>(history: History<D>, current: D): History<D> {
  return history.gestureBase !== undefined ? history : { ...history, gestureBase: current };
}

/** Ends a gesture: one entry for it, or none when it changed nothing. */
export function endGesture<D>(history: History<D>, current: D): History<D> {
  const base = history.gestureBase;
  if (base === undefined) return history;
  if (base === current) return { ...history, gestureBase: undefined };
  return mark({ ...history, gestureBase: undefined, past: [...history.past, base].slice(-historyLimit), future: [] });
}

export function canUndo<D>(history: History<D>): boolean {
  return history.past.length > 0;
}

export function canRedo<D>(history: History<D>): boolean {
  return history.future.length > 0;
}

/** The version before `current`, and the history after going back to it; undefined when there is none. */
export function undo<D>(history: History<D>, current: D): { doc: D; history: History<D> } | undefined {
  const previous = history.past.at(-1);
  if (previous === undefined) return undefined;
  return { doc: previous, history: mark({ ...history, past: history.past.slice(0, -1), future: [current, ...history.future] }) };
}

/** The version undone last, and the history after going forward to it; undefined when there is none. */
export function redo<D>(history: History<D>, current: D): { doc: D; history: History<D> } | undefined {
  const following = history.future[0];
  if (following === undefined) return undefined;
  return { doc: following, history: mark({ ...history, past: [...history.past, current], future: history.future.slice(1) }) };
}
