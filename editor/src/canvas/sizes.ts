// The size React Flow measured for each step, kept outside the journey: it is not part of the file.
import { createStore } from '../store/create-store.ts';

export type Size = { width: number; height: number };

export const sizeStore = createStore<Record<string, Size>>({});

export function setSizes(changes: { id: string; size: Size }[]): void {
  const sizes = { ...sizeStore.getState() };
  let changed = false;
  for (const { id, size } of changes) {
    const old = sizes[id];
    if (old && old.width === size.width && old.height === size.height) continue;
    sizes[id] = size;
    changed = true;
  }
  if (changed) sizeStore.setState(sizes);
}
