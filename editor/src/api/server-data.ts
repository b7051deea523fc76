// What the editor reads from the server besides the journey: who is signed in, the contact lists, a sample contact.
import { createStore, useStoreSlice } from '../store/create-store.ts';
import { builtInSample, sampleFromContact, type SampleScope } from '../inspector/sample-contact.ts';
import { api } from './client.ts';
import type { ContactList, QueueView, Session } from './types.ts';

interface ServerData {
  session?: Session;
  /** Why the server could not be reached or refused the token, in plain words. */
  offline?: string;
  lists?: ContactList[];
  queues?: QueueView[];
  samples: Record<string, SampleScope>;
}

export const serverData = createStore<ServerData>({ samples: {} });

export function useServerData<T>(selector: (data: ServerData) => T): T {
  return useStoreSlice(serverData, selector);
}

function patch(update: Partial<ServerData>): void {
  serverData.setState({ ...serverData.getState(), ...update });
}

export async function connectToServer(): Promise<void> {
  try {
    const session = await api.session();
    patch({ session, offline: undefined });
    await Promise.all([refreshLists(), refreshQueues()]);
  } catch (error) {
    patch({ session: undefined, offline: error instanceof Error ? error.message : String(error) });
  }
}

export async function refreshLists(): Promise<void> {
  try {
    patch({ lists: await api.contactLists() });
  } catch {
    // The choice list then offers what the journey already names; the user can still type a list id.
  }
}

export async function refreshQueues(): Promise<void> {
  try {
    patch({ queues: await api.queues() });
  } catch {
    // The queue field then offers the queues the journey names; a new one can be typed.
  }
}

const asked = new Set<string>();

/** The sample contact for a list: asked for once; the built-in sample until (and unless) the server gives one. */
export function sampleFor(listId: string | undefined): SampleScope {
  if (!listId) return builtInSample;
  const known = serverData.getState().samples[listId];
  if (known) return known;
  if (!asked.has(listId) && serverData.getState().session) {
    asked.add(listId);
    api
      .contacts(listId, 1)
      .then(([first]) => {
        if (first) patch({ samples: { ...serverData.getState().samples, [listId]: sampleFromContact(first) } });
      })
      .catch(() => undefined);
  }
  return builtInSample;
}
