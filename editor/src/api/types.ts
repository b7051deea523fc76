// The shapes the server's API answers with: the server's own types (docs/api.md), so that a renamed field fails the build.
import type { JourneyDiff } from '../../../schemas/diff.ts';
import type { Problem } from '../../../schemas/problems.ts';
import type { ContactListView, ContactView, VersionWithContent } from '../../../server/api-types.ts';

export type { JourneyDraft, JourneySummary, Session, Version } from '../../../server/api-types.ts';
export type ContactList = ContactListView;
export type ApiContact = ContactView;
export type VersionWithJourney = VersionWithContent;

export interface DiffAnswer {
  diff: JourneyDiff;
  text: string;
}

export interface ApiErrorBody {
  error: { code: string; message: string; details?: { problems?: Problem[]; issues?: { path: string; message: string }[] } };
}

/** A queue the journeys name or agents are signed in to (`GET /api/queues`). */
export type { QueueView } from '../../../server/api-types.ts';
