// The shapes the server's API answers with: the server's own types (docs/api.md), so that a renamed field fails the build.
// The calls through apiClient (client.ts) take their answers' types from the routes themselves.
import type { Problem } from '../../../schemas/problems.ts';
import type { ContactListView, ContactView } from '../../../server/api-types.ts';

export type { JourneyDraft, JourneySummary, Session, Version } from '../../../server/api-types.ts';
export type ContactList = ContactListView;
export type ApiContact = ContactView;

export interface ApiErrorBody {
  error: { code: string; message: string; details?: { problems?: Problem[]; issues?: { path: string; message: string }[] } };
}

/** A queue the journeys name or agents are signed in to (`GET /api/queues`). */
export type { QueueView } from '../../../server/api-types.ts';
