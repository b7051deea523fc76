// The shapes the API answers with, shared with the editor's client (`import type` only).
import type { JourneyDiff } from '../schemas/diff.ts';
import type { Problem } from '../schemas/problems.ts';
import type { RunMetrics } from '../runtime/metrics.ts';
import type { RunStatus, TokenRole } from '../runtime/store/schema.ts';
import type { ContactView } from '../runtime/nodes/types.ts';
import type { AuditAction } from '../runtime/store/repositories/audit.ts';

export type { AuditAction, JourneyDiff, Problem, RunMetrics, RunStatus, TokenRole };

export interface JourneySummary {
  id: string;
  name: string;
  updatedAt: string;
  latestVersion: number | null;
}

export interface JourneyDraft extends JourneySummary {
  /** The canonical document as JSON. */
  journey: Record<string, unknown>;
  /** The canonical file, byte for byte what `journey fmt` writes. */
  text: string;
  /** The validator's warnings (a draft with errors is refused). */
  problems: Problem[];
  /** The draft's ETag (also sent as the ETag header): send it as If-Match when saving, to be told of others' saves. */
  etag: string;
  /** The token name that saved the draft last; null for drafts saved before this was kept. */
  updatedBy: string | null;
}

/** The details of a 409 `edit_conflict`: a save whose If-Match is not the stored draft's ETag. */
export interface EditConflict {
  /** Who saved the stored draft, and when. */
  updatedBy: string | null;
  updatedAt: string;
  /** The stored draft: send this as If-Match to overwrite it with yours after all. */
  etag: string;
  /** What the stored draft changes with respect to the document you sent. */
  diff: JourneyDiff;
  /** The same diff in words, as `journey diff` prints it. */
  text: string;
  /** The stored draft, to reload. */
  journey: Record<string, unknown>;
}

export interface Version {
  journeyId: string;
  version: number;
  contentHash: string;
  author: string;
  message: string;
  publishedAt: string;
}

export interface VersionWithContent extends Version {
  journey: Record<string, unknown>;
  text: string;
}

export interface ContactListView {
  id: string;
  name: string;
  contacts: number;
  createdAt: string;
  /** Columns besides the contact fields, read as attributes.<column>; null when the list's columns are not known. */
  columns: string[] | null;
}

/** A contact as the API shows it: the runtime's own view of a contact row. */
export type { ContactView } from '../runtime/nodes/types.ts';

export type RunMode = 'live' | 'simulated';

export interface RunView {
  id: string;
  journeyId: string;
  version: number;
  listId: string;
  status: RunStatus;
  mode: RunMode;
  seed: number;
  startAt: string;
  createdAt: string;
  endedAt: string | null;
  stopReason: string | null;
  metrics: RunMetrics;
}

export interface Session {
  name: string;
  role: TokenRole;
}

/** An entry of the audit log (`GET /api/audit`, `GET /api/runs/:id/audit`): who did what to what, and when. */
export interface AuditEntryView {
  id: number;
  /** ISO 8601. */
  at: string;
  /** The token's id, name and role; id and role are null for the server itself and the command line (`cli:<user>`). */
  actor: { id: string | null; name: string; role: string | null };
  action: AuditAction;
  target: string;
  journeyId: string | null;
  runId: string | null;
  details: Record<string, unknown>;
}

export type AgentState = 'offline' | 'available' | 'reserved' | 'on-call' | 'wrap-up';

export interface AgentDesk {
  agent: { id: string; name: string; state: AgentState; queues: string[]; since: string };
  call: {
    runId: string;
    nodeId: string;
    journeyName: string;
    contact: ContactView;
    /** The call step's script rendered for this customer. */
    script: string;
    /** `preview`: read it and start the call; `dialing`: placed, not answered yet; `talking`: connected. */
    phase: 'preview' | 'dialing' | 'talking';
    connectedAt: string | null;
  } | null;
  /** The outcomes the call's journey branches on, offered as the end-of-call choice. */
  dispositions: string[];
}

export interface RunAgent {
  name: string;
  queue: string;
  state: string;
  since: string;
}

/** `GET /api/compliance/check`: may this contact be reached now on this channel, and if not, why and from when. */
export type { ComplianceCheckResult } from '../runtime/compliance/check.ts';

/** An entry of the internal do-not-contact list (`GET /api/do-not-contact`). */
export interface DoNotContactView {
  channel: 'voice' | 'sms' | 'email';
  /** A phone number in E.164 form or an email address, lower-cased. */
  value: string;
  reason: string;
  addedAt: string;
  /** What put it there: reply, agent, unsubscribe, complaint, operator; null for entries older than the history. */
  source: string | null;
  /** The live run whose contact or agent asked. */
  runId: string | null;
  /** The agent or operator by name, or contact for a reply or link. */
  actor: string | null;
}

/** A change to the shared do-not-contact lists (`GET /api/do-not-contact/history`). */
export interface PermissionChangeView {
  id: number;
  change: 'added' | 'removed' | 'granted' | 'withdrawn';
  kind: 'do-not-contact' | 'consent';
  channel: 'voice' | 'sms' | 'email';
  value: string;
  reason: string;
  source: string;
  runId: string | null;
  contactId: string | null;
  actor: string | null;
  at: string;
}
