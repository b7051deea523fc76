// The shapes the API answers with, shared with the editor's client (`import type` only): derived from the routes' Zod
// schemas (server/api-schemas.ts), or the runtime's own types where the runtime defines the shape.
import type { z } from '@hono/zod-openapi';
import type {
  AgentDeskSchema,
  AuditEntrySchema,
  ContactListSchema,
  DoNotContactEntrySchema,
  EditConflictSchema,
  JourneyDraftSchema,
  JourneySummarySchema,
  PermissionChangeSchema,
  QueueSchema,
  RunAgentSchema,
  RunSchema,
  SessionSchema,
  StartRunSchema,
  VersionSchema,
  VersionWithContentSchema,
} from './api-schemas.ts';

export type { JourneyDiff } from '../schemas/diff.ts';
export type { Problem } from '../schemas/problems.ts';
export type { RunMetrics } from '../runtime/metrics.ts';
export type { AgentRowState as AgentState, RunStatus, TokenRole } from '../runtime/store/schema.ts';
export type { AuditAction } from '../runtime/store/repositories/audit.ts';
/** A contact as the API shows it: the runtime's own view of a contact row. */
export type { ContactView } from '../runtime/nodes/types.ts';
/** `GET /api/compliance/check`: may this contact be reached now on this channel, and if not, why and from when. */
export type { ComplianceCheckResult } from '../runtime/compliance/check.ts';
/** `GET /api/runs/:id/compliance-report`: the run's compliance record. */
export type { ComplianceReport } from '../runtime/compliance/report.ts';
export type { ImportReport } from '../runtime/contacts/import-csv.ts';
export type { ImportJobView } from '../runtime/contacts/import-jobs.ts';
export type { TokenSummary } from '../runtime/store/repositories/tokens.ts';

export type JourneySummary = z.infer<typeof JourneySummarySchema>;
export type JourneyDraft = z.infer<typeof JourneyDraftSchema>;
/** The details of a 409 `edit_conflict`: a save whose If-Match is not the stored draft's ETag. */
export type EditConflict = z.infer<typeof EditConflictSchema>;
export type Version = z.infer<typeof VersionSchema>;
export type VersionWithContent = z.infer<typeof VersionWithContentSchema>;
export type ContactListView = z.infer<typeof ContactListSchema>;
export type RunView = z.infer<typeof RunSchema>;
export type RunMode = RunView['mode'];
/** The body of `POST /api/runs` as sent (mode defaults to simulated). */
export type StartRunRequest = z.input<typeof StartRunSchema>;
export type Session = z.infer<typeof SessionSchema>;
/** An entry of the audit log (`GET /api/audit`, `GET /api/runs/:id/audit`): who did what to what, and when. */
export type AuditEntryView = z.infer<typeof AuditEntrySchema>;
export type AgentDesk = z.infer<typeof AgentDeskSchema>;
export type RunAgent = z.infer<typeof RunAgentSchema>;
/** A queue the journeys name or agents are signed in to (`GET /api/queues`). */
export type QueueView = z.infer<typeof QueueSchema>;
/** An entry of the internal do-not-contact list (`GET /api/do-not-contact`). */
export type DoNotContactView = z.infer<typeof DoNotContactEntrySchema>;
/** A change to the shared do-not-contact lists (`GET /api/do-not-contact/history`). */
export type PermissionChangeView = z.infer<typeof PermissionChangeSchema>;

/** `GET /api/runs/:id/metrics`: the counters and what each channel did, per run and per step. */
export type RunMetricsWithChannels = z.infer<typeof import('./api-schemas.ts').RunMetricsWithChannelsSchema>;
/** `GET /api/runs/:id/contacts`: a page of the contacts at a step, each with why it is there. */
export type ContactPage = z.infer<typeof import('./routes/run-contacts.ts').ContactPageSchema>;
/** `GET /api/runs/:id/steps/:nodeId`: a step's exits, contacts now, time spent and channel results. */
export type StepDetail = z.infer<typeof import('./routes/run-contacts.ts').StepDetailSchema>;
/** `GET /api/runs/:id/contacts/:contactId/timeline`: a contact's story. */
export type ContactTimeline = z.infer<typeof import('./routes/run-contacts.ts').TimelineSchema>;
/** A line of `GET /api/runs/:id/results?format=ndjson`. */
export type ContactResult = z.infer<typeof import('./routes/run-results.ts').ContactResultSchema>;
